//! Failures between proto and ABI form, and the failures the host raises itself.

use temporalio_common::protos::temporal::api::common::v1::Payloads;
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_common::protos::temporal::api::failure::v1::{ApplicationFailureInfo, Failure};

use crate::abi;
use crate::convert::{payload_from_abi, payload_to_abi};

/// The `source` of every failure this worker reports, so that Temporal's UI and clients can tell
/// which SDK produced it (Temporal's SDKs use e.g. `TypeScriptSDK`).
pub const FAILURE_SOURCE: &str = "temporal-wasm-worker";

/// Failure type used when a guest calls `complete_with_failure` with length 0.
pub const UNSPECIFIED_FAILURE_TYPE: &str = "UnspecifiedFailure";

/// Builds a Temporal application failure from the guest's `failure`, recursively through `cause`.
pub fn failure_from_abi(failure: abi::Failure) -> Failure {
    let abi::Failure {
        message,
        failure_type,
        non_retryable,
        details,
        cause,
    } = failure;
    Failure {
        message: message.unwrap_or_default(),
        source: FAILURE_SOURCE.to_owned(),
        cause: cause.map(|cause| Box::new(failure_from_abi(*cause))),
        failure_info: Some(FailureInfo::ApplicationFailureInfo(
            ApplicationFailureInfo {
                r#type: failure_type.unwrap_or_default(),
                non_retryable: non_retryable.unwrap_or(false),
                details: details.map(|details| Payloads {
                    payloads: details.into_iter().map(payload_from_abi).collect(),
                }),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

/// The failure reported when a guest calls `complete_with_failure` with length 0.
pub fn unspecified_failure() -> Failure {
    failure_from_abi(abi::Failure {
        message: Some(
            "workflow failed without describing the failure (complete_with_failure was called \
             with length 0)"
                .to_owned(),
        ),
        failure_type: Some(UNSPECIFIED_FAILURE_TYPE.to_owned()),
        ..Default::default()
    })
}

/// A failure the host raises itself (guest bugs, unknown workflow types), with the message an
/// operator reads in the workflow's history.
pub fn host_failure(message: String, failure_type: &str, non_retryable: bool) -> Failure {
    failure_from_abi(abi::Failure {
        message: Some(message),
        failure_type: Some(failure_type.to_owned()),
        non_retryable: Some(non_retryable),
        ..Default::default()
    })
}

/// Renders a proto failure back in ABI form, for `exec` output and round-trip tests.
///
/// Non-application failure kinds keep their message and cause; their type-specific details have
/// no ABI field and are left out.
pub fn failure_to_abi(failure: &Failure) -> abi::Failure {
    let application = match &failure.failure_info {
        Some(FailureInfo::ApplicationFailureInfo(info)) => Some(info),
        _ => None,
    };
    abi::Failure {
        message: Some(failure.message.clone()),
        failure_type: application
            .map(|info| info.r#type.clone())
            .filter(|failure_type| !failure_type.is_empty()),
        non_retryable: application.map(|info| info.non_retryable),
        details: application
            .and_then(|info| info.details.as_ref())
            .map(|details| {
                details
                    .payloads
                    .iter()
                    .cloned()
                    .map(payload_to_abi)
                    .collect()
            }),
        cause: failure
            .cause
            .as_deref()
            .map(|cause| Box::new(failure_to_abi(cause))),
    }
}

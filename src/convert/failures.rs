//! Failures between proto and ABI form, and the failures the host raises itself.
//!
//! Guest → Temporal: a guest's failure always becomes an application failure (the only kind a
//! workflow raises), recursively through `cause`. Temporal → guest: every kind of Temporal failure
//! keeps what Temporal sent — its kind and kind-specific fields, source, stack trace and cause
//! chain — and the first application failure's `type` is copied to the top. The mapping of each
//! kind is in `proto-notes/abi-v1-reference.md`.

use prost_wkt_types::Duration as ProtoDuration;
use temporalio_common::protos::temporal::api::common::v1::Payloads;
use temporalio_common::protos::temporal::api::enums::v1::{RetryState, TimeoutType};
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_common::protos::temporal::api::failure::v1::{
    ApplicationFailureInfo, CanceledFailureInfo, Failure,
};

use crate::abi::{self, FailureKind};
use crate::convert::{payload_from_abi, payload_to_abi};

pub use crate::abi::FAILURE_SOURCE;

/// Failure type used when a guest calls `complete_with_failure` with length 0.
pub const UNSPECIFIED_FAILURE_TYPE: &str = "UnspecifiedFailure";

/// Builds a Temporal application failure from the guest's `failure`, recursively through `cause`.
///
/// Only the fields a guest writes are sent: the host-written ones (`kind`, `timeout_type`, …)
/// describe a failure Temporal reported, and are not the guest's to claim.
pub fn failure_from_abi(failure: abi::Failure) -> Failure {
    let abi::Failure {
        message,
        failure_type,
        non_retryable,
        details,
        cause,
        ..
    } = failure;
    Failure {
        message: message.unwrap_or_default(),
        source: FAILURE_SOURCE.to_owned(),
        cause: cause.map(|cause| Box::new(failure_from_abi(*cause))),
        failure_info: Some(FailureInfo::ApplicationFailureInfo(
            ApplicationFailureInfo {
                r#type: failure_type.unwrap_or_default(),
                non_retryable: non_retryable.unwrap_or(false),
                details: details.map(payloads_from_abi),
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

/// A cancellation the host reports itself (a timer the guest cancelled), shaped like the
/// `CanceledFailure` Temporal reports for cancelled activities.
pub fn cancelled_failure(message: &str) -> Failure {
    Failure {
        message: message.to_owned(),
        source: FAILURE_SOURCE.to_owned(),
        failure_info: Some(FailureInfo::CanceledFailureInfo(
            CanceledFailureInfo::default(),
        )),
        ..Default::default()
    }
}

/// Renders a Temporal failure in ABI form for a guest, keeping everything Temporal sent.
pub fn failure_to_abi(failure: &Failure) -> abi::Failure {
    let mut rendered = level_to_abi(failure);
    if rendered.failure_type.is_none() {
        rendered.failure_type = first_application_type(failure);
    }
    rendered
}

/// One level of the chain, with its cause chain rendered the same way.
fn level_to_abi(failure: &Failure) -> abi::Failure {
    let mut rendered = abi::Failure {
        message: Some(failure.message.clone()),
        source: non_empty(&failure.source),
        stack_trace: non_empty(&failure.stack_trace),
        cause: failure
            .cause
            .as_deref()
            .map(|cause| Box::new(failure_to_abi(cause))),
        ..Default::default()
    };
    let Some(info) = &failure.failure_info else {
        return rendered;
    };
    rendered.kind = Some(match info {
        FailureInfo::ApplicationFailureInfo(info) => {
            rendered.failure_type = non_empty(&info.r#type);
            rendered.non_retryable = Some(info.non_retryable);
            rendered.details = info.details.as_ref().map(payloads_to_abi);
            rendered.next_retry_delay_ms = info.next_retry_delay.as_ref().map(duration_ms);
            FailureKind::Application
        }
        FailureInfo::TimeoutFailureInfo(info) => {
            rendered.timeout_type = TimeoutType::try_from(info.timeout_type)
                .ok()
                .map(|kind| enum_name(kind.as_str_name(), "TIMEOUT_TYPE_"));
            rendered.last_heartbeat_details =
                info.last_heartbeat_details.as_ref().map(payloads_to_abi);
            FailureKind::Timeout
        }
        FailureInfo::CanceledFailureInfo(info) => {
            rendered.details = info.details.as_ref().map(payloads_to_abi);
            FailureKind::Cancelled
        }
        FailureInfo::TerminatedFailureInfo(_) => FailureKind::Terminated,
        FailureInfo::ServerFailureInfo(info) => {
            rendered.non_retryable = Some(info.non_retryable);
            FailureKind::Server
        }
        FailureInfo::ResetWorkflowFailureInfo(info) => {
            rendered.last_heartbeat_details =
                info.last_heartbeat_details.as_ref().map(payloads_to_abi);
            FailureKind::ResetWorkflow
        }
        FailureInfo::ActivityFailureInfo(info) => {
            rendered.retry_state = retry_state(info.retry_state);
            rendered.activity = Some(Box::new(abi::ActivityFailureInfo {
                activity_type: info
                    .activity_type
                    .as_ref()
                    .map(|kind| kind.name.clone())
                    .unwrap_or_default(),
                activity_id: info.activity_id.clone(),
                identity: info.identity.clone(),
                scheduled_event_id: info.scheduled_event_id,
                started_event_id: info.started_event_id,
            }));
            FailureKind::Activity
        }
        FailureInfo::ChildWorkflowExecutionFailureInfo(info) => {
            rendered.retry_state = retry_state(info.retry_state);
            let execution = info.workflow_execution.clone().unwrap_or_default();
            rendered.child_workflow = Some(Box::new(abi::ChildWorkflowFailureInfo {
                namespace: info.namespace.clone(),
                workflow_id: execution.workflow_id,
                run_id: execution.run_id,
                workflow_type: info
                    .workflow_type
                    .as_ref()
                    .map(|kind| kind.name.clone())
                    .unwrap_or_default(),
                initiated_event_id: info.initiated_event_id,
                started_event_id: info.started_event_id,
            }));
            FailureKind::ChildWorkflow
        }
        FailureInfo::NexusOperationExecutionFailureInfo(_) => FailureKind::NexusOperation,
        FailureInfo::NexusHandlerFailureInfo(info) => {
            rendered.failure_type = non_empty(&info.r#type);
            FailureKind::NexusHandler
        }
    });
    rendered
}

/// The type of the outermost application failure in the chain, if any.
fn first_application_type(failure: &Failure) -> Option<String> {
    let mut level = Some(failure);
    while let Some(current) = level {
        if let Some(FailureInfo::ApplicationFailureInfo(info)) = &current.failure_info {
            return non_empty(&info.r#type);
        }
        level = current.cause.as_deref();
    }
    None
}

fn retry_state(value: i32) -> Option<String> {
    RetryState::try_from(value)
        .ok()
        .filter(|state| *state != RetryState::Unspecified)
        .map(|state| enum_name(state.as_str_name(), "RETRY_STATE_"))
}

/// `TIMEOUT_TYPE_START_TO_CLOSE` → `start_to_close`.
fn enum_name(name: &str, prefix: &str) -> String {
    name.strip_prefix(prefix)
        .unwrap_or(name)
        .to_ascii_lowercase()
}

fn duration_ms(duration: &ProtoDuration) -> u64 {
    let millis = i128::from(duration.seconds) * 1000 + i128::from(duration.nanos) / 1_000_000;
    u64::try_from(millis.max(0)).unwrap_or(u64::MAX)
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_owned())
}

/// Proto payloads as ABI payloads.
pub fn payloads_to_abi(payloads: &Payloads) -> Vec<abi::Payload> {
    payloads
        .payloads
        .iter()
        .cloned()
        .map(payload_to_abi)
        .collect()
}

/// ABI payloads as a proto `Payloads`.
pub fn payloads_from_abi(payloads: Vec<abi::Payload>) -> Payloads {
    Payloads {
        payloads: payloads.into_iter().map(payload_from_abi).collect(),
    }
}

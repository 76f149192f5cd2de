//! Temporal's resolutions of any shape, as core hands them to the worker, and the checks of the
//! result JSON `take_result` writes for them.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use proptest::prelude::*;
use serde_json::Value;

use temporal_wasm_worker::abi::Resolution;
use temporalio_common::protos::coresdk::activity_result::{
    self, activity_resolution::Status as ActivityStatus,
};
use temporalio_common::protos::coresdk::child_workflow::{self, child_workflow_result};
use temporalio_common::protos::coresdk::workflow_activation::resolve_child_workflow_execution_start::Status as StartStatus;
use temporalio_common::protos::coresdk::workflow_activation::{
    ResolveChildWorkflowExecutionStartCancelled, ResolveChildWorkflowExecutionStartFailure,
    ResolveChildWorkflowExecutionStartSuccess,
};
use temporalio_common::protos::temporal::api::common::v1::Payload as ProtoPayload;
use temporalio_common::protos::temporal::api::failure::v1::Failure as ProtoFailure;

/// A Temporal payload with any metadata and data.
pub fn arb_proto_payload() -> impl Strategy<Value = ProtoPayload> {
    (
        proptest::collection::hash_map(
            "[a-z]{1,8}",
            proptest::collection::vec(any::<u8>(), 0..8),
            0..3,
        ),
        proptest::collection::vec(any::<u8>(), 0..32),
    )
        .prop_map(|(metadata, data)| ProtoPayload {
            metadata,
            data,
            ..Default::default()
        })
}

/// A Temporal failure with a chain of up to 40 causes (core's protobuf decoding
/// stops at 100 nested messages, so deeper chains never reach the worker).
pub fn arb_proto_failure() -> impl Strategy<Value = ProtoFailure> {
    let level = (any::<String>(), "[A-Za-z]{0,10}", any::<String>()).prop_map(
        |(message, source, stack_trace)| ProtoFailure {
            message,
            source,
            stack_trace,
            ..Default::default()
        },
    );
    (level, proptest::collection::vec(any::<String>(), 0..40)).prop_map(|(mut top, causes)| {
        for message in causes {
            top = ProtoFailure {
                message,
                cause: Some(Box::new(top)),
                ..Default::default()
            };
        }
        top
    })
}

/// Any status core may give an activity resolution, including none and a backoff.
pub fn arb_activity_status() -> impl Strategy<Value = Option<ActivityStatus>> {
    prop_oneof![
        Just(None),
        proptest::option::of(arb_proto_payload()).prop_map(|result| Some(
            ActivityStatus::Completed(activity_result::Success { result })
        )),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(ActivityStatus::Failed(
            activity_result::Failure {
                failure,
                ..Default::default()
            }
        ))),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(
            ActivityStatus::Cancelled(activity_result::Cancellation { failure })
        )),
        Just(Some(ActivityStatus::Backoff(Default::default()))),
    ]
}

/// Any status of a child workflow's result, including none.
pub fn arb_child_result() -> impl Strategy<Value = Option<child_workflow_result::Status>> {
    prop_oneof![
        Just(None),
        proptest::option::of(arb_proto_payload()).prop_map(|result| Some(
            child_workflow_result::Status::Completed(child_workflow::Success { result })
        )),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(
            child_workflow_result::Status::Failed(child_workflow::Failure { failure })
        )),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(
            child_workflow_result::Status::Cancelled(child_workflow::Cancellation { failure })
        )),
    ]
}

/// Any status of a child workflow's start, including none.
pub fn arb_start_status() -> impl Strategy<Value = Option<StartStatus>> {
    prop_oneof![
        Just(None),
        "[a-z-]{0,12}".prop_map(|run_id| Some(StartStatus::Succeeded(
            ResolveChildWorkflowExecutionStartSuccess { run_id }
        ))),
        ("[a-z-]{0,12}", any::<i32>()).prop_map(|(workflow_id, cause)| Some(StartStatus::Failed(
            ResolveChildWorkflowExecutionStartFailure {
                workflow_id,
                workflow_type: "Child".to_owned(),
                cause,
            }
        ))),
        proptest::option::of(arb_proto_failure()).prop_map(|failure| Some(StartStatus::Cancelled(
            ResolveChildWorkflowExecutionStartCancelled { failure }
        ))),
    ]
}

/// Checks the JSON `take_result` would write for `resolution`: valid JSON, exactly one of
/// `completed`, `failed` and `cancelled`, and the shape the spec gives each.
pub fn check_resolution_json(resolution: &Resolution) -> Result<Value, TestCaseError> {
    let json: Value = serde_json::from_slice(&resolution.to_json())
        .map_err(|err| TestCaseError::fail(format!("not JSON: {err}")))?;
    let object = json.as_object().expect("an object");
    prop_assert_eq!(object.len(), 1, "{}", json);
    let (kind, value) = object.iter().next().expect("one key");
    match kind.as_str() {
        "completed" => prop_assert!(value.is_array(), "{}", json),
        "failed" | "cancelled" => prop_assert!(value.is_object(), "{}", json),
        other => prop_assert!(false, "unknown kind {}", other),
    }
    Ok(json)
}

/// The messages of a failure JSON and its causes, outermost first.
pub fn messages(failure: &Value) -> Vec<String> {
    let mut messages = Vec::new();
    let mut level = Some(failure);
    while let Some(failure) = level {
        messages.push(failure["message"].as_str().unwrap_or_default().to_owned());
        level = failure.get("cause").filter(|cause| cause.is_object());
    }
    messages
}

/// The messages of a proto failure and its causes, outermost first.
pub fn proto_messages(failure: &ProtoFailure) -> Vec<String> {
    let mut messages = Vec::new();
    let mut level = Some(failure);
    while let Some(failure) = level {
        messages.push(failure.message.clone());
        level = failure.cause.as_deref();
    }
    messages
}

/// Checks a payload JSON carries `expected`'s data and metadata, base64.
pub fn check_payload(json: &Value, expected: &ProtoPayload) -> Result<(), TestCaseError> {
    let data = BASE64
        .decode(json["data"].as_str().unwrap_or_default())
        .map_err(|err| TestCaseError::fail(format!("data not base64: {err}")))?;
    prop_assert_eq!(&data, &expected.data);
    for (key, value) in &expected.metadata {
        let encoded = json["metadata"][key].as_str().unwrap_or_default();
        prop_assert_eq!(
            &BASE64.decode(encoded).unwrap_or_default(),
            value,
            "{}",
            key
        );
    }
    Ok(())
}

//! What Temporal resolved a handle with, as the result JSON the guest takes.

use temporalio_common::protos::coresdk::activity_result::{
    ActivityResolution, activity_resolution::Status,
};
use temporalio_common::protos::coresdk::child_workflow::{
    ChildWorkflowResult, StartChildWorkflowExecutionFailedCause, child_workflow_result,
};
use temporalio_common::protos::coresdk::workflow_activation::resolve_child_workflow_execution_start::Status as StartStatus;
use temporalio_common::protos::temporal::api::failure::v1::Failure;

use crate::abi::{self, FailureKind, Resolution};
use crate::convert::{failure_to_abi, payload_to_abi};

/// A timer fired.
pub fn timer_fired() -> Resolution {
    Resolution::Completed(Vec::new())
}

/// An activity resolved: its result, or its failure or cancellation with everything Temporal
/// reported.
pub fn activity_resolution(resolution: Option<ActivityResolution>) -> Resolution {
    match resolution.and_then(|resolution| resolution.status) {
        Some(Status::Completed(success)) => {
            Resolution::Completed(success.result.map(payload_to_abi).into_iter().collect())
        }
        Some(Status::Failed(failed)) => Resolution::Failed(
            failed
                .failure
                .as_ref()
                .map(failure_to_abi)
                .unwrap_or_else(|| missing("failed without a failure")),
        ),
        Some(Status::Cancelled(cancelled)) => Resolution::Cancelled(
            cancelled
                .failure
                .as_ref()
                .map(failure_to_abi)
                .unwrap_or_else(|| missing("was cancelled without a failure")),
        ),
        // Only local activities back off, and this worker schedules none.
        Some(Status::Backoff(_)) => {
            Resolution::Failed(missing("asked for a local-activity backoff"))
        }
        None => Resolution::Failed(missing("resolved without a status")),
    }
}

fn missing(what: &str) -> abi::Failure {
    abi::Failure {
        message: Some(format!("the activity {what}")),
        source: Some(abi::FAILURE_SOURCE.to_owned()),
        ..Default::default()
    }
}

/// A child's start resolved: `None` while it runs (its handle resolves when it ends), or what
/// the guest gets when it could not start.
pub fn child_start(status: Option<StartStatus>) -> Option<Resolution> {
    match status {
        Some(StartStatus::Succeeded(_)) => None,
        Some(StartStatus::Failed(failed)) => {
            let (failure_type, why) = match failed.cause() {
                StartChildWorkflowExecutionFailedCause::WorkflowAlreadyExists => (
                    "WorkflowAlreadyStarted",
                    "a workflow with this id is already running or its id may not be reused",
                ),
                StartChildWorkflowExecutionFailedCause::NamespaceNotFound => {
                    ("NamespaceNotFound", "its namespace does not exist")
                }
                StartChildWorkflowExecutionFailedCause::InvalidVersioningOverride => (
                    "InvalidVersioningOverride",
                    "its versioning override is invalid",
                ),
                StartChildWorkflowExecutionFailedCause::Unspecified => {
                    ("ChildWorkflowStartFailed", "the server refused to start it")
                }
            };
            Some(Resolution::Failed(abi::Failure {
                message: Some(format!(
                    "child workflow {} ({}) could not start: {why}",
                    failed.workflow_id, failed.workflow_type
                )),
                failure_type: Some(failure_type.to_owned()),
                non_retryable: Some(true),
                kind: Some(FailureKind::Application),
                source: Some(abi::FAILURE_SOURCE.to_owned()),
                child_workflow: Some(Box::new(abi::ChildWorkflowFailureInfo {
                    workflow_id: failed.workflow_id,
                    workflow_type: failed.workflow_type,
                    ..Default::default()
                })),
                ..Default::default()
            }))
        }
        Some(StartStatus::Cancelled(cancelled)) => Some(Resolution::Cancelled(
            cancelled
                .failure
                .as_ref()
                .map(failure_to_abi)
                .unwrap_or_else(|| missing_workflow("child was cancelled before it started")),
        )),
        None => Some(Resolution::Failed(missing_workflow(
            "child's start resolved without a status",
        ))),
    }
}

/// A child workflow ended.
pub fn child_result(result: Option<ChildWorkflowResult>) -> Resolution {
    match result.and_then(|result| result.status) {
        Some(child_workflow_result::Status::Completed(success)) => {
            Resolution::Completed(success.result.map(payload_to_abi).into_iter().collect())
        }
        Some(child_workflow_result::Status::Failed(failed)) => Resolution::Failed(
            failed
                .failure
                .as_ref()
                .map(failure_to_abi)
                .unwrap_or_else(|| missing_workflow("child failed without a failure")),
        ),
        Some(child_workflow_result::Status::Cancelled(cancelled)) => Resolution::Cancelled(
            cancelled
                .failure
                .as_ref()
                .map(failure_to_abi)
                .unwrap_or_else(|| missing_workflow("child was cancelled without a failure")),
        ),
        None => Resolution::Failed(missing_workflow("child resolved without a status")),
    }
}

/// A signal or cancellation request to another workflow was delivered (no failure) or not.
pub fn external_delivered(failure: Option<Failure>) -> Resolution {
    match failure {
        None => Resolution::Completed(Vec::new()),
        Some(failure) => Resolution::Failed(failure_to_abi(&failure)),
    }
}

fn missing_workflow(what: &str) -> abi::Failure {
    abi::Failure {
        message: Some(format!("the {what}")),
        source: Some(abi::FAILURE_SOURCE.to_owned()),
        ..Default::default()
    }
}

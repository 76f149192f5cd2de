//! The jobs that answer a local run's commands: activity, child and cancellation resolutions
//! shaped as Temporal reports them, built from the mocks' answers.

use std::collections::HashMap;

use serde_json::Value;
use temporalio_common::protos::coresdk::activity_result::{
    self, ActivityResolution, activity_resolution,
};
use temporalio_common::protos::coresdk::child_workflow::{
    ChildWorkflowResult, child_workflow_result,
};
use temporalio_common::protos::coresdk::workflow_activation::{
    ResolveActivity, WorkflowActivationJob, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::temporal::api::common::v1::{ActivityType, Payload, Payloads};
use temporalio_common::protos::temporal::api::enums::v1::RetryState;
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_common::protos::temporal::api::failure::v1::{
    ActivityFailureInfo, ApplicationFailureInfo, CanceledFailureInfo, Failure,
};

use crate::abi::HTTP_ACTIVITY_TYPE;
use crate::exec::mocks::{self, Answer, Mocks};

/// One activation job.
pub(super) fn job(variant: Job) -> WorkflowActivationJob {
    WorkflowActivationJob {
        variant: Some(variant),
    }
}

/// An activity's resolution from its mocked answer, shaped as Temporal reports it.
/// The mocks' next answer for an activity; an HTTP activity's failing status is a failure.
pub(super) fn answer_for(
    mocks: &mut Mocks,
    activity_type: &str,
    arguments: &[Payload],
) -> Option<Answer> {
    let answer = mocks.activity(activity_type)?;
    if activity_type != HTTP_ACTIVITY_TYPE {
        return Some(answer);
    }
    let request: Option<Value> = arguments
        .first()
        .and_then(|payload| serde_json::from_slice(&payload.data).ok());
    Some(mocks::http_status_failure(answer, request.as_ref()))
}

/// The resolution of activity `seq` (local or not) with a mocked answer: its result, or its
/// failure wrapped as Temporal wraps an activity's.
pub(super) fn resolve(
    seq: u32,
    is_local: bool,
    activity_type: &str,
    answer: Answer,
) -> WorkflowActivationJob {
    let status = match answer.failure {
        Some(failure) => activity_resolution::Status::Failed(activity_result::Failure {
            failure: Some(activity_failure(
                activity_type,
                seq,
                if failure.non_retryable {
                    RetryState::NonRetryableFailure
                } else {
                    RetryState::MaximumAttemptsReached
                },
                application_failure(&failure),
            )),
            ..Default::default()
        }),
        None => activity_resolution::Status::Completed(activity_result::Success {
            result: Some(json_payload(&answer.result.unwrap_or(Value::Null))),
        }),
    };
    job(Job::ResolveActivity(ResolveActivity {
        seq,
        result: Some(ActivityResolution {
            status: Some(status),
        }),
        is_local,
    }))
}

/// The resolution of activity `seq`, cancelled before the mocks answered it.
pub(super) fn cancelled_activity(seq: u32, activity_type: &str) -> WorkflowActivationJob {
    let cancelled = Failure {
        message: "cancelled".into(),
        failure_info: Some(FailureInfo::CanceledFailureInfo(
            CanceledFailureInfo::default(),
        )),
        ..Default::default()
    };
    job(Job::ResolveActivity(ResolveActivity {
        seq,
        result: Some(ActivityResolution {
            status: Some(activity_resolution::Status::Cancelled(
                activity_result::Cancellation {
                    failure: Some(activity_failure(
                        activity_type,
                        seq,
                        RetryState::CancelRequested,
                        cancelled,
                    )),
                },
            )),
        }),
        is_local: false,
    }))
}

/// An `ActivityFailure` around `cause`, as Temporal reports a failed activity.
fn activity_failure(activity_type: &str, seq: u32, retry: RetryState, cause: Failure) -> Failure {
    Failure {
        message: "Activity task failed".into(),
        cause: Some(Box::new(cause)),
        failure_info: Some(FailureInfo::ActivityFailureInfo(ActivityFailureInfo {
            activity_type: Some(ActivityType {
                name: activity_type.to_owned(),
            }),
            activity_id: seq.to_string(),
            retry_state: retry.into(),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// A mocked application failure as Temporal's proto.
fn application_failure(failure: &crate::exec::mocks::MockFailure) -> Failure {
    Failure {
        message: failure.message.clone(),
        source: "exec mocks".into(),
        failure_info: Some(FailureInfo::ApplicationFailureInfo(
            ApplicationFailureInfo {
                r#type: failure.failure_type.clone(),
                non_retryable: failure.non_retryable,
                details: (!failure.details.is_empty()).then(|| Payloads {
                    payloads: failure.details.iter().map(json_payload).collect(),
                }),
                ..Default::default()
            },
        )),
        ..Default::default()
    }
}

/// A child workflow's result from a mocked answer.
pub(super) fn child_result(answer: Answer) -> ChildWorkflowResult {
    let status = match answer.failure {
        Some(failure) => child_workflow_result::Status::Failed(
            temporalio_common::protos::coresdk::child_workflow::Failure {
                failure: Some(Failure {
                    message: "Child Workflow execution failed".into(),
                    cause: Some(Box::new(application_failure(&failure))),
                    ..Default::default()
                }),
            },
        ),
        None => child_workflow_result::Status::Completed(
            temporalio_common::protos::coresdk::child_workflow::Success {
                result: Some(json_payload(&answer.result.unwrap_or(Value::Null))),
            },
        ),
    };
    ChildWorkflowResult {
        status: Some(status),
    }
}

/// A `json/plain` payload of `value`.
pub(super) fn json_payload(value: &Value) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: value.to_string().into_bytes(),
        ..Default::default()
    }
}

/// A payload's data as JSON (`null` when it is not).
pub(super) fn payload_value(payload: &Payload) -> Value {
    serde_json::from_slice(&payload.data).unwrap_or(Value::Null)
}

/// A proto duration in ms.
pub(super) fn duration_ms(duration: &prost_wkt_types::Duration) -> i64 {
    duration.seconds * 1000 + i64::from(duration.nanos / 1_000_000)
}

/// `ms` since the epoch as a proto timestamp.
pub(super) fn timestamp(ms: i64) -> prost_wkt_types::Timestamp {
    prost_wkt_types::Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    }
}

//! The worker's own activities: HTTP activities, polled on the worker's task queue next to its
//! workflow tasks when `[http_activities]` is enabled, and run by the HTTP executor.
//!
//! One poll loop (core never polls concurrently with itself); each task runs in a task of its
//! own, heartbeating so that a cancellation reaches it, and is completed with what the request
//! did. A cancellation drops the request in flight. An activity of another type that reaches
//! this queue fails non-retryably, saying which type this worker runs.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use temporalio_common::protos::coresdk::activity_result::{
    self, ActivityExecutionResult, activity_execution_result::Status,
};
use temporalio_common::protos::coresdk::activity_task::{ActivityTask, Start, activity_task};
use temporalio_common::protos::coresdk::{ActivityHeartbeat, ActivityTaskCompletion};
use temporalio_common::protos::temporal::api::common::v1::{Payload, Payloads};
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_common::protos::temporal::api::failure::v1::{
    ApplicationFailureInfo, CanceledFailureInfo, Failure,
};
use temporalio_sdk_core::{PollError, Worker as CoreWorker};
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::abi::{FAILURE_SOURCE, HTTP_ACTIVITY_TYPE};
use crate::convert;
use crate::http_activities::{AttemptContext, HttpExecutor, HttpFailure, HttpOutcome};

/// How often a running HTTP activity heartbeats when its heartbeat timeout does not say: often
/// enough for a cancellation to reach it within a second or two (core throttles heartbeats).
const HEARTBEAT_INTERVAL: Duration = Duration::from_secs(1);

/// Runs the HTTP activities this worker polls.
pub struct ActivityRunner {
    executor: Arc<HttpExecutor>,
    /// Requests in flight, by task token: sending cancels the request.
    running: Mutex<HashMap<Vec<u8>, oneshot::Sender<()>>>,
}

impl ActivityRunner {
    /// A runner over `executor`.
    pub fn new(executor: HttpExecutor) -> ActivityRunner {
        ActivityRunner {
            executor: Arc::new(executor),
            running: Mutex::new(HashMap::new()),
        }
    }

    /// Polls activity tasks until core shuts down, running each; returns once every task it
    /// started has been completed.
    pub async fn run(self: Arc<Self>, core: Arc<CoreWorker>) -> Result<(), PollError> {
        let mut tasks = JoinSet::new();
        let result = loop {
            while tasks.try_join_next().is_some() {}
            match core.poll_activity_task().await {
                Ok(task) => self.dispatch(&core, task, &mut tasks),
                Err(PollError::ShutDown) => break Ok(()),
                Err(err) => break Err(err),
            }
        };
        while tasks.join_next().await.is_some() {}
        result
    }

    fn dispatch(
        self: &Arc<Self>,
        core: &Arc<CoreWorker>,
        task: ActivityTask,
        tasks: &mut JoinSet<()>,
    ) {
        let ActivityTask {
            task_token,
            variant,
        } = task;
        match variant {
            Some(activity_task::Variant::Start(start)) => {
                let (cancel, cancelled) = oneshot::channel();
                self.running().insert(task_token.clone(), cancel);
                let runner = Arc::clone(self);
                let core = Arc::clone(core);
                tasks.spawn(async move {
                    let result = runner.start(&core, &task_token, start, cancelled).await;
                    runner.running().remove(&task_token);
                    let completion = ActivityTaskCompletion {
                        task_token,
                        result: Some(result),
                    };
                    if let Err(err) = core.complete_activity_task(completion).await {
                        tracing::warn!("completing an HTTP activity failed: {err}");
                    }
                });
            }
            Some(activity_task::Variant::Cancel(cancel)) => {
                tracing::debug!(reason = ?cancel.reason(), "HTTP activity cancelled");
                if let Some(sender) = self.running().remove(&task_token) {
                    let _ = sender.send(());
                }
            }
            None => {}
        }
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<Vec<u8>, oneshot::Sender<()>>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs one attempt, heartbeating until it is done or cancelled.
    async fn start(
        &self,
        core: &CoreWorker,
        task_token: &[u8],
        start: Start,
        cancelled: oneshot::Receiver<()>,
    ) -> ActivityExecutionResult {
        if start.activity_type != HTTP_ACTIVITY_TYPE {
            return failed(HttpFailure {
                message: format!(
                    "activity type `{}` is not run by this worker: it runs only `{HTTP_ACTIVITY_TYPE}` \
                     (HTTP activities); run an activity worker for `{}` on task queue of this \
                     activity, or schedule it on another one",
                    start.activity_type, start.activity_type
                ),
                failure_type: "UnknownActivityType",
                non_retryable: true,
                details: serde_json::Value::Null,
                next_retry_delay: None,
            });
        }
        let input = start
            .input
            .first()
            .map(|payload| payload.data.clone())
            .unwrap_or_default();
        let execution = start.workflow_execution.clone().unwrap_or_default();
        let attempt = AttemptContext {
            // Stable across the retries of one activity, distinct for every other one.
            idempotency_key: format!(
                "{}/{}/{}",
                execution.workflow_id, execution.run_id, start.activity_id
            ),
            attempt: start.attempt,
            timeout: start.start_to_close_timeout.as_ref().and_then(to_duration),
        };
        let heartbeat_every = start
            .heartbeat_timeout
            .as_ref()
            .and_then(to_duration)
            .map(|timeout| timeout / 2)
            .unwrap_or(HEARTBEAT_INTERVAL)
            .clamp(Duration::from_millis(100), HEARTBEAT_INTERVAL);
        let request = self.executor.execute(&input, attempt);
        tokio::pin!(request);
        tokio::pin!(cancelled);
        let mut heartbeat = tokio::time::interval(heartbeat_every);
        loop {
            tokio::select! {
                outcome = &mut request => return match outcome {
                    HttpOutcome::Completed(response) => ActivityExecutionResult {
                        status: Some(Status::Completed(activity_result::Success {
                            result: Some(json_payload(response)),
                        })),
                    },
                    HttpOutcome::Failed(failure) => failed(failure),
                },
                _ = &mut cancelled => return ActivityExecutionResult {
                    status: Some(Status::Cancelled(activity_result::Cancellation {
                        failure: Some(Failure {
                            message: "the HTTP request was cancelled".to_owned(),
                            source: FAILURE_SOURCE.to_owned(),
                            failure_info: Some(FailureInfo::CanceledFailureInfo(
                                CanceledFailureInfo::default(),
                            )),
                            ..Default::default()
                        }),
                    })),
                },
                _ = heartbeat.tick(), if !start.is_local => {
                    core.record_activity_heartbeat(ActivityHeartbeat {
                        task_token: task_token.to_vec(),
                        details: Vec::new(),
                    });
                }
            }
        }
    }
}

fn failed(failure: HttpFailure) -> ActivityExecutionResult {
    let details = (!failure.details.is_null()).then(|| Payloads {
        payloads: vec![json_payload(failure.details.to_string().into_bytes())],
    });
    ActivityExecutionResult {
        status: Some(Status::Failed(activity_result::Failure {
            failure: Some(Failure {
                message: failure.message,
                source: FAILURE_SOURCE.to_owned(),
                failure_info: Some(FailureInfo::ApplicationFailureInfo(
                    ApplicationFailureInfo {
                        r#type: failure.failure_type.to_owned(),
                        non_retryable: failure.non_retryable,
                        details,
                        next_retry_delay: failure
                            .next_retry_delay
                            .map(|delay| convert::duration(delay.as_millis() as u64)),
                        ..Default::default()
                    },
                )),
                ..Default::default()
            }),
            ..Default::default()
        })),
    }
}

fn json_payload(data: Vec<u8>) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data,
        ..Default::default()
    }
}

fn to_duration(duration: &prost_wkt_types::Duration) -> Option<Duration> {
    let seconds = u64::try_from(duration.seconds).ok()?;
    let nanos = u32::try_from(duration.nanos).ok()?;
    Some(Duration::new(seconds, nanos))
}

//! The JSON a guest passes to ABI v1's command calls, and the calls themselves as the host
//! records them, in call order, for Temporal.
//!
//! Unlike `payload` and `failure`, these request objects ignore fields they do not know, as the
//! v1 spec says of inputs: a guest written against a later ABI keeps working. A field that is
//! present with the wrong type is still an error naming its path.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::abi::Payload;

/// A handle: what a command call returns and `wait` takes; unique within a run, from 1.
pub type Handle = u32;

/// `start_timer`'s input.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TimerRequest {
    /// How long until the timer fires; at least 1.
    pub duration_ms: u64,
    /// A short description shown in the Temporal UI.
    #[serde(default)]
    pub summary: Option<String>,
}

/// `start_activity`'s input: the spec's `activity_options`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ActivityOptions {
    /// The activity type to run; required.
    pub activity_type: String,
    /// Its arguments.
    pub args: Vec<Payload>,
    /// Task queue of the activity workers; the workflow's own when absent.
    pub task_queue: Option<String>,
    /// Activity id; by default the host derives one from the handle.
    pub activity_id: Option<String>,
    /// Total time allowed, retries included.
    pub schedule_to_close_timeout_ms: Option<u64>,
    /// Time allowed waiting in the task queue.
    pub schedule_to_start_timeout_ms: Option<u64>,
    /// Time allowed for one attempt.
    pub start_to_close_timeout_ms: Option<u64>,
    /// Longest gap between heartbeats.
    pub heartbeat_timeout_ms: Option<u64>,
    /// How Temporal retries failed attempts; Temporal's default policy when absent.
    pub retry_policy: Option<RetryPolicy>,
    /// What `cancel` waits for.
    pub cancellation_type: CancellationType,
    /// A short description shown in the Temporal UI.
    pub summary: Option<String>,
}

/// Temporal's retry policy, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RetryPolicy {
    /// Delay before the first retry.
    pub initial_interval_ms: Option<u64>,
    /// How much the delay grows per retry.
    pub backoff_coefficient: Option<f64>,
    /// Longest delay between retries.
    pub maximum_interval_ms: Option<u64>,
    /// Most attempts in all; 0 means unlimited.
    pub maximum_attempts: Option<i32>,
    /// Failure types that are never retried.
    pub non_retryable_error_types: Vec<String>,
}

/// What cancelling an activity waits for, as Temporal's `ActivityCancellationType`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancellationType {
    /// Ask for cancellation and resolve the handle as cancelled at once.
    #[default]
    TryCancel,
    /// Resolve the handle only when the activity has acknowledged the cancellation.
    WaitCancellationCompleted,
    /// Resolve the handle as cancelled at once without asking the activity to stop.
    Abandon,
}

/// `continue_as_new`'s input: what the next run starts with; absent fields keep this run's.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ContinueAsNewRequest {
    /// The next run's arguments.
    pub args: Vec<Payload>,
    /// Workflow type of the next run.
    pub workflow_type: Option<String>,
    /// Task queue of the next run.
    pub task_queue: Option<String>,
    /// Run timeout of the next run.
    pub run_timeout_ms: Option<u64>,
    /// Workflow task timeout of the next run.
    pub task_timeout_ms: Option<u64>,
    /// Memo of the next run.
    pub memo: Option<BTreeMap<String, Payload>>,
    /// Search attributes of the next run, as JSON values.
    pub search_attributes: Option<BTreeMap<String, serde_json::Value>>,
    /// Retry policy of the next run.
    pub retry_policy: Option<RetryPolicy>,
}

/// `complete_as_cancelled`'s input, when its length is not 0.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct CancelledDetails {
    /// Details recorded with the cancellation.
    pub details: Vec<Payload>,
}

/// One thing a guest asked the host to tell Temporal, recorded in call order; the completion of
/// the activation carries them as commands in the same order.
#[derive(Clone, Debug, PartialEq)]
pub enum Call {
    /// `start_timer`.
    StartTimer {
        /// The timer's handle.
        handle: Handle,
        /// Its request.
        request: TimerRequest,
    },
    /// `start_activity`.
    StartActivity {
        /// The activity's handle.
        handle: Handle,
        /// Its options.
        options: Box<ActivityOptions>,
    },
    /// `cancel` of a pending timer.
    CancelTimer {
        /// The timer's handle.
        handle: Handle,
    },
    /// `cancel` of a pending activity.
    RequestCancelActivity {
        /// The activity's handle.
        handle: Handle,
    },
    /// `patched` taking the new path for the first time in this run, outside replay.
    SetPatchMarker {
        /// The patch id.
        patch_id: String,
        /// Whether the guest said the old path is gone.
        deprecated: bool,
    },
}

impl Call {
    /// How the call reads in logs and nondeterminism reports: `timer 3 (5000 ms)`,
    /// `activity 4 Charge on payments`.
    pub fn describe(&self) -> String {
        match self {
            Call::StartTimer { handle, request } => {
                format!("timer {handle} ({} ms)", request.duration_ms)
            }
            Call::StartActivity { handle, options } => match &options.task_queue {
                Some(queue) => format!("activity {handle} {} on {queue}", options.activity_type),
                None => format!("activity {handle} {}", options.activity_type),
            },
            Call::CancelTimer { handle } => format!("cancel of timer {handle}"),
            Call::RequestCancelActivity { handle } => format!("cancel of activity {handle}"),
            Call::SetPatchMarker { patch_id, .. } => format!("patch marker `{patch_id}`"),
        }
    }
}

//! The JSON a guest passes to ABI v1's command calls, and the calls themselves as the host
//! records them, in call order, for Temporal.
//!
//! Unlike `payload` and `failure`, these request objects ignore fields they do not know, as the
//! v1 spec says of inputs: a guest written against a later ABI keeps working. A field that is
//! present with the wrong type is still an error naming its path.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::abi::{Failure, Payload};

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

/// `start_child_workflow`'s input: the spec's `child_workflow_options`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct ChildWorkflowOptions {
    /// The child's workflow type; required.
    pub workflow_type: String,
    /// The child's workflow id; by default derived from the parent run and the handle.
    pub workflow_id: Option<String>,
    /// The child's arguments.
    pub args: Vec<Payload>,
    /// Task queue of the child; the parent's when absent.
    pub task_queue: Option<String>,
    /// Namespace of the child; the parent's when absent.
    pub namespace: Option<String>,
    /// Total time the child may take, retries and continue-as-new included.
    pub execution_timeout_ms: Option<u64>,
    /// Time one run of the child may take.
    pub run_timeout_ms: Option<u64>,
    /// Time one workflow task of the child may take.
    pub task_timeout_ms: Option<u64>,
    /// What happens if a workflow with the same id ran before.
    pub id_reuse_policy: Option<IdReusePolicy>,
    /// What happens to the child when the parent closes.
    pub parent_close_policy: ParentClosePolicy,
    /// How Temporal retries the child.
    pub retry_policy: Option<RetryPolicy>,
    /// A cron schedule for the child.
    pub cron_schedule: Option<String>,
    /// The child's memo.
    pub memo: Option<BTreeMap<String, Payload>>,
    /// The child's search attributes, as JSON values.
    pub search_attributes: Option<BTreeMap<String, serde_json::Value>>,
    /// What `cancel` of the child waits for.
    pub cancellation_type: ChildCancellationType,
    /// A short description shown in the Temporal UI.
    pub summary: Option<String>,
}

/// Temporal's workflow id reuse policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdReusePolicy {
    /// Any earlier run with the id may be followed by this one.
    AllowDuplicate,
    /// Only an earlier run that failed, timed out or was cancelled or terminated.
    AllowDuplicateFailedOnly,
    /// Never reuse the id.
    RejectDuplicate,
    /// Terminate a running workflow with the id and start this one.
    TerminateIfRunning,
}

/// What happens to a child when its parent closes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParentClosePolicy {
    /// The child is terminated.
    #[default]
    Terminate,
    /// The child goes on.
    Abandon,
    /// The child's cancellation is requested.
    RequestCancel,
}

/// What cancelling a child workflow waits for, as core's `ChildWorkflowCancellationType`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildCancellationType {
    /// Resolve the handle once the child has ended as cancelled (the SDKs' default).
    #[default]
    WaitCancellationCompleted,
    /// Resolve it once the cancellation request reached the child.
    WaitCancellationRequested,
    /// Ask for cancellation and resolve the handle at once.
    TryCancel,
    /// Resolve the handle at once without asking the child to stop.
    Abandon,
}

/// The workflow an external call is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ExternalWorkflow {
    /// Its workflow id; required.
    pub workflow_id: String,
    /// Its run; the latest when absent.
    pub run_id: Option<String>,
    /// Its namespace; the caller's when absent.
    pub namespace: Option<String>,
}

/// `signal_external_workflow`'s input.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "SignalExternalFields")]
pub struct SignalExternalRequest {
    /// The workflow to signal.
    pub target: ExternalWorkflow,
    /// The signal's name; required.
    pub signal_name: String,
    /// The signal's arguments.
    pub args: Vec<Payload>,
}

/// [`SignalExternalRequest`] as the guest writes it, the target's fields beside the signal's.
/// Decoded field by field so that a refusal names its field (`#[serde(flatten)]` would report
/// every error at the document itself).
#[derive(Default, Deserialize)]
#[serde(default)]
struct SignalExternalFields {
    workflow_id: String,
    run_id: Option<String>,
    namespace: Option<String>,
    signal_name: String,
    args: Vec<Payload>,
}

impl From<SignalExternalFields> for SignalExternalRequest {
    fn from(fields: SignalExternalFields) -> SignalExternalRequest {
        SignalExternalRequest {
            target: ExternalWorkflow {
                workflow_id: fields.workflow_id,
                run_id: fields.run_id,
                namespace: fields.namespace,
            },
            signal_name: fields.signal_name,
            args: fields.args,
        }
    }
}

/// `emit_metric`'s input.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct MetricRequest {
    /// The metric's name, exported as `wasm_guest_<name>`.
    pub name: String,
    /// What kind of instrument it is.
    pub kind: MetricKind,
    /// The value: added (counter), set (gauge) or recorded (histogram).
    pub value: f64,
    /// Labels, besides the `workflow_type` the worker adds.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// The kinds of guest metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricKind {
    /// A monotonically increasing count.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// A distribution of values.
    Histogram,
}

/// `respond_update`'s input: how the guest answers an update it took.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateAnswer {
    /// The update ran and returns this (at most one payload).
    Completed(Vec<Payload>),
    /// The update ran and failed.
    Failed(Failure),
    /// The validator refused it: only in the activation it arrived in.
    Rejected(Failure),
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
    /// `start_http_activity`.
    StartHttpActivity {
        /// The activity's handle.
        handle: Handle,
        /// How to schedule it.
        request: Box<crate::abi::HttpRequest>,
        /// The guest's JSON, unchanged: the activity's input.
        input: Vec<u8>,
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
    /// `start_child_workflow`.
    StartChildWorkflow {
        /// The child's handle.
        handle: Handle,
        /// Its options.
        options: Box<ChildWorkflowOptions>,
    },
    /// `cancel` of a pending child workflow.
    CancelChildWorkflow {
        /// The child's handle.
        handle: Handle,
    },
    /// `signal_external_workflow`.
    SignalExternal {
        /// The call's handle.
        handle: Handle,
        /// What to signal.
        request: Box<SignalExternalRequest>,
    },
    /// `cancel_external_workflow`.
    CancelExternal {
        /// The call's handle.
        handle: Handle,
        /// What to cancel.
        target: ExternalWorkflow,
    },
    /// `upsert_search_attributes`: JSON values by attribute name; `null` removes one.
    UpsertSearchAttributes(BTreeMap<String, serde_json::Value>),
    /// `upsert_memo`: payloads by key; `None` removes one.
    UpsertMemo(BTreeMap<String, Option<Payload>>),
    /// `emit_metric`: not a command; the worker records it unless the activation replays.
    EmitMetric(Box<MetricRequest>),
    /// `respond_update`.
    RespondUpdate {
        /// The update's id.
        update_id: String,
        /// The guest's answer.
        answer: UpdateAnswer,
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
            Call::StartHttpActivity {
                handle, request, ..
            } => format!(
                "HTTP activity {handle} {} {}{}",
                request.method,
                request.url,
                if request.local { " (local)" } else { "" }
            ),
            Call::CancelTimer { handle } => format!("cancel of timer {handle}"),
            Call::RequestCancelActivity { handle } => format!("cancel of activity {handle}"),
            Call::SetPatchMarker { patch_id, .. } => format!("patch marker `{patch_id}`"),
            Call::RespondUpdate { update_id, .. } => format!("answer to update `{update_id}`"),
            Call::StartChildWorkflow { handle, options } => match &options.workflow_id {
                Some(id) => format!("child workflow {handle} {} ({id})", options.workflow_type),
                None => format!("child workflow {handle} {}", options.workflow_type),
            },
            Call::CancelChildWorkflow { handle } => format!("cancel of child workflow {handle}"),
            Call::SignalExternal { handle, request } => format!(
                "signal {handle} `{}` to {}",
                request.signal_name, request.target.workflow_id
            ),
            Call::UpsertSearchAttributes(attributes) => format!(
                "upsert of search attributes {}",
                attributes.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            Call::UpsertMemo(memo) => format!(
                "upsert of memo {}",
                memo.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
            Call::EmitMetric(metric) => format!("metric {}", metric.name),
            Call::CancelExternal { handle, target } => {
                format!("cancel {handle} of workflow {}", target.workflow_id)
            }
        }
    }
}

//! The steps of a script, parsed from JSON before any of them runs.
//!
//! Parsing the whole script first means a typo in a test's script fails the workflow at once,
//! with no command issued, instead of after the steps before it have run. Parsing is strict
//! about keys (an unknown one is an error) and lenient about values the worker itself validates
//! (a zero duration is passed on), so tests can also script guest bugs.
//!
//! This module is the vocabulary ([`Step`], [`OnCancel`]); `parse` reads a step's JSON into it.

mod parse;
#[cfg(test)]
mod tests;

use serde_json::{Map, Value};

/// One step of a script: what it calls, with the values it calls it with.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Start a timer and wait for it.
    Sleep { duration_ms: u64 },
    /// Start an activity and wait for its result.
    Activity {
        /// `activity_options`, passed to the host as given (but for `args_from_results`).
        options: Map<String, Value>,
        /// Replace `args` with one payload of the results so far, so history records what the
        /// workflow computed and a replay that computes otherwise is caught.
        args_from_results: bool,
        /// Cancel the activity if it has not finished this long after it started.
        cancel_after_ms: Option<u64>,
    },
    /// Start an HTTP activity and wait for its result.
    Http {
        /// `http_request`, passed to the host as given.
        request: Map<String, Value>,
        /// Cancel the HTTP activity if it has not finished this long after it started.
        cancel_after_ms: Option<u64>,
    },
    /// Start a timer, cancel it after a shorter one fires, and take what the cancel gave.
    CancelTimer {
        /// The timer that is cancelled; long enough never to fire first.
        duration_ms: u64,
        /// The timer that says when to cancel it.
        after_ms: u64,
    },
    /// Read workflow time.
    Now,
    /// Read `len` deterministic random bytes.
    Random { len: u32 },
    /// Ask whether this run takes the new code path of patch `id`.
    Patched { id: String, deprecated: bool },
    /// Ask whether the host is replaying.
    IsReplaying,
    /// Sleep, or react to the workflow's cancellation if it is requested first.
    UntilCancelled {
        /// How long to wait for the cancellation before giving up on it.
        sleep_ms: u64,
        /// What a cancellation that came in time does.
        then: OnCancel,
    },
    /// Continue as new (with iteration + 1) until the iteration reaches `until`.
    ContinueAsNewUntil { until: u64 },
    /// Fail the workflow with this `failure` JSON, verbatim.
    Fail { failure: Value },
    /// Log `text` at info level.
    Log { text: String },
    /// Wait for the next signal named `name`.
    WaitSignal { name: String },
    /// Publish `value` (`None`: no payload) as the answer to query `name`.
    PublishQuery { name: String, value: Option<Value> },
    /// Say what the workflow is doing now (`set_current_details`).
    Details { text: String },
    /// Wait for an update named `name` and answer it; updates refused on the way (rejected or
    /// failed) do not end the step.
    WaitUpdate {
        name: String,
        /// Reject (the validator) an update whose first argument equals this.
        reject_if: Option<Value>,
        /// Accept, then fail, an update whose first argument equals this.
        fail_if: Option<Value>,
        /// What an update that is neither refused completes with; its first argument if absent.
        result: Option<Value>,
    },
    /// Start a child workflow and wait for its result.
    Child {
        /// `child_workflow_options`, passed to the host as given.
        options: Map<String, Value>,
        /// Cancel the child if it has not finished this long after it started.
        cancel_after_ms: Option<u64>,
    },
    /// Signal another workflow (`signal_external_workflow`, the request verbatim) and wait
    /// until it was delivered.
    SignalExternal { request: Map<String, Value> },
    /// Ask for another workflow's cancellation (`cancel_external_workflow`, the request
    /// verbatim) and wait until it was requested.
    CancelExternal { request: Map<String, Value> },
    /// `upsert_search_attributes` with these JSON values, verbatim.
    UpsertSearchAttributes { attributes: Map<String, Value> },
    /// `upsert_memo`: each JSON value as a `json/plain` payload, `null` as `null` (removal).
    UpsertMemo { memo: Map<String, Value> },
    /// `emit_metric` with this request, verbatim.
    Metric { request: Map<String, Value> },
    /// Give `info.workflow_info` as the host wrote it.
    WorkflowInfo,
}

/// What `until_cancelled` does once the workflow's cancellation is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnCancel {
    /// End the run as cancelled, as a workflow that honours cancellation does.
    CompleteAsCancelled,
    /// Note it in the results and go on, as a workflow that cleans up first does.
    Record,
}

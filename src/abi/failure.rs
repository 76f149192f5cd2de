//! The ABI's `failure` type: what a guest passes to `complete_with_failure`, and what the host
//! hands a guest when an activity, a timer or a child fails or is cancelled.
//!
//! A guest writes the v0 fields (`message`, `type`, `non_retryable`, `details`, `cause`). A
//! failure the host writes also keeps everything Temporal reported — the kind of failure, its
//! timeout type, retry state, the activity or child it came from — in the fields below them, and
//! the application error's `type` is copied to the top so a guest can branch on it without
//! walking the cause chain. A guest may pass such a failure back (as a `cause`, say): those
//! fields are accepted and describe what Temporal said, but only the v0 fields are sent on.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::abi::Payload;
use crate::abi::payload::object_only_serde;

/// The `source` of every failure this worker reports or makes up itself, so that Temporal's UI
/// and clients can tell which SDK produced it (Temporal's SDKs use e.g. `TypeScriptSDK`).
pub const FAILURE_SOURCE: &str = "temporal-wasm-worker";

/// The ABI's `failure`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Failure {
    /// Human-readable message; shown by every Temporal client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Application error type, for clients that branch on it and for non-retryable lists.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<String>,
    /// Whether a retry policy must not retry this failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_retryable: Option<bool>,
    /// Structured details for programmatic handling by the caller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<Payload>>,
    /// The failure that caused this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<Failure>>,
    /// What kind of failure Temporal reported (host-written only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FailureKind>,
    /// Who produced the failure (`TypeScriptSDK`, `temporal-wasm-worker`, …), as Temporal says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The stack trace the failing side reported, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_trace: Option<String>,
    /// For a `timeout`: which timeout fired (`start_to_close`, `schedule_to_start`,
    /// `schedule_to_close`, `heartbeat`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_type: Option<String>,
    /// For an `activity` or `child_workflow` failure: why Temporal stopped retrying
    /// (`maximum_attempts_reached`, `non_retryable_failure`, `timeout`, `cancel_requested`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_state: Option<String>,
    /// For a `timeout` or `reset_workflow`: the details of the last heartbeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_heartbeat_details: Option<Vec<Payload>>,
    /// For an `application` failure: the retry delay its thrower asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_retry_delay_ms: Option<u64>,
    /// For an `activity` failure: which activity failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Box<ActivityFailureInfo>>,
    /// For a `child_workflow` failure: which child failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child_workflow: Option<Box<ChildWorkflowFailureInfo>>,
}

object_only_serde!(Failure, "a failure object");

/// The kinds of failure Temporal reports, one per `failure_info` of its `Failure` proto.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// An error raised by workflow or activity code (`ApplicationFailureInfo`).
    Application,
    /// A timeout fired (`TimeoutFailureInfo`).
    Timeout,
    /// The work was cancelled (`CanceledFailureInfo`).
    Cancelled,
    /// The work was terminated (`TerminatedFailureInfo`).
    Terminated,
    /// The server failed it (`ServerFailureInfo`).
    Server,
    /// The workflow was reset (`ResetWorkflowFailureInfo`).
    ResetWorkflow,
    /// An activity failed; its `cause` says how (`ActivityFailureInfo`).
    Activity,
    /// A child workflow failed; its `cause` says how (`ChildWorkflowExecutionFailureInfo`).
    ChildWorkflow,
    /// A Nexus operation failed (`NexusOperationFailureInfo`).
    NexusOperation,
    /// A Nexus handler failed (`NexusHandlerFailureInfo`).
    NexusHandler,
}

/// Which activity an `activity` failure is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFailureInfo {
    /// The activity's type.
    pub activity_type: String,
    /// The activity's id.
    pub activity_id: String,
    /// The identity of the worker that last ran it.
    pub identity: String,
    /// History event that scheduled it.
    pub scheduled_event_id: i64,
    /// History event that started its last attempt.
    pub started_event_id: i64,
}

/// Which child workflow a `child_workflow` failure is about.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChildWorkflowFailureInfo {
    /// The child's namespace.
    pub namespace: String,
    /// The child's workflow id.
    pub workflow_id: String,
    /// The child's run id.
    pub run_id: String,
    /// The child's workflow type.
    pub workflow_type: String,
    /// History event that initiated it.
    pub initiated_event_id: i64,
    /// History event that recorded its start.
    pub started_event_id: i64,
}

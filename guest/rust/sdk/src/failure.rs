//! The typed failure, serialised exactly as the ABI's `failure` JSON: what a workflow raises, and
//! what the worker hands it when an activity, child workflow or timer fails or is cancelled.

use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::payload::{Payload, PayloadError};

/// Why a workflow failed: becomes a Temporal `ApplicationFailure` on the workflow's history.
///
/// Every field is optional on the wire; absent fields (and `non_retryable: false`, `details: []`)
/// are omitted from the JSON. A failure serialises as the ABI's `failure` that a guest writes;
/// what the worker adds to the failures it hands a workflow is read into [`Failure::info`].
/// Built step by step:
///
/// ```
/// use temporal_wasm_sdk::Failure;
///
/// # fn main() -> Result<(), temporal_wasm_sdk::PayloadError> {
/// let failure = Failure::new("invalid order: order has no items")
///     .with_type("InvalidOrder")
///     .non_retryable()
///     .with_details(&["order has no items"])?
///     .with_cause(Failure::new("rejected by validation"));
/// assert_eq!(failure.failure_type.as_deref(), Some("InvalidOrder"));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "WireFailure")]
pub struct Failure {
    /// Human-readable description, shown by the Temporal UI and CLI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The application's name for this kind of failure (`ApplicationFailure.type`), e.g.
    /// `InvalidOrder`; a retry policy can list types that are not retried.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<String>,
    /// When set, no retry policy retries the workflow after this failure.
    #[serde(skip_serializing_if = "is_false")]
    pub non_retryable: bool,
    /// Structured data for whoever handles the failure, one payload per value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Payload>,
    /// The failure that led to this one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<Box<Failure>>,
    /// What the worker reports beyond the fields above, in the failures it hands a workflow
    /// (`None` in one the workflow built). Read, never written: a workflow may pass such a
    /// failure on (as its own failure or a cause), and the worker keeps only the fields above of
    /// what a guest writes anyway. Boxed, so a `Result<_, Failure>` stays small.
    #[serde(skip)]
    pub info: Option<Box<FailureInfo>>,
}

/// What the worker writes into the failures it hands a workflow, beyond the guest's fields (see
/// `proto-notes/abi-v1-reference.md`, "Failures that reach a guest").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailureInfo {
    /// Which Temporal failure this level of the chain is.
    pub kind: Option<FailureKind>,
    /// Where it came from (`PythonSDK`, `temporal-wasm-worker`…).
    pub source: Option<String>,
    /// The stack trace the failing side reported.
    pub stack_trace: Option<String>,
    /// Activity and child failures: why Temporal stopped retrying (`maximum_attempts_reached`,
    /// `non_retryable_failure`, `timeout`, `cancel_requested`…).
    pub retry_state: Option<String>,
    /// Timeouts: which one (`start_to_close`, `schedule_to_start`, `schedule_to_close`,
    /// `heartbeat`).
    pub timeout_type: Option<String>,
    /// Application failures: the delay the failing side asked for before the next retry.
    pub next_retry_delay_ms: Option<u64>,
    /// Timeouts and resets: the last details the activity heartbeated.
    pub last_heartbeat_details: Vec<Payload>,
    /// Activity failures: which activity.
    pub activity: Option<ActivityFailureInfo>,
    /// Child workflow failures: which child.
    pub child_workflow: Option<ChildWorkflowFailureInfo>,
}

/// The `failure` JSON with every field a guest or the worker may write.
#[derive(Default, Deserialize)]
#[serde(default)]
struct WireFailure {
    message: Option<String>,
    #[serde(rename = "type")]
    failure_type: Option<String>,
    non_retryable: bool,
    details: Vec<Payload>,
    cause: Option<Box<Failure>>,
    kind: Option<FailureKind>,
    source: Option<String>,
    stack_trace: Option<String>,
    retry_state: Option<String>,
    timeout_type: Option<String>,
    next_retry_delay_ms: Option<u64>,
    last_heartbeat_details: Vec<Payload>,
    activity: Option<ActivityFailureInfo>,
    child_workflow: Option<ChildWorkflowFailureInfo>,
}

impl From<WireFailure> for Failure {
    fn from(wire: WireFailure) -> Failure {
        let info = FailureInfo {
            kind: wire.kind,
            source: wire.source,
            stack_trace: wire.stack_trace,
            retry_state: wire.retry_state,
            timeout_type: wire.timeout_type,
            next_retry_delay_ms: wire.next_retry_delay_ms,
            last_heartbeat_details: wire.last_heartbeat_details,
            activity: wire.activity,
            child_workflow: wire.child_workflow,
        };
        Failure {
            message: wire.message,
            failure_type: wire.failure_type,
            non_retryable: wire.non_retryable,
            details: wire.details,
            cause: wire.cause,
            info: (info != FailureInfo::default()).then(|| Box::new(info)),
        }
    }
}

/// Which kind of Temporal failure one level of a failure chain is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// An application error: raised by an activity, a workflow or the worker.
    Application,
    /// A timeout; [`Failure::timeout_type`] says which.
    Timeout,
    /// A cancellation.
    Cancelled,
    /// The workflow was terminated.
    Terminated,
    /// The Temporal server failed it.
    Server,
    /// The workflow was reset.
    ResetWorkflow,
    /// An activity failed; the cause says why, [`Failure::activity`] which one.
    Activity,
    /// A child workflow failed; the cause says why, [`Failure::child_workflow`] which one.
    ChildWorkflow,
    /// A Nexus operation failed.
    NexusOperation,
    /// A Nexus handler failed.
    NexusHandler,
    /// A kind this SDK does not know yet.
    #[serde(other)]
    Unknown,
}

/// Which activity an activity failure is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActivityFailureInfo {
    /// The activity type.
    pub activity_type: String,
    /// Its activity id.
    pub activity_id: String,
    /// The identity of the worker that ran its last attempt.
    pub identity: String,
    /// Its `ActivityTaskScheduled` event.
    pub scheduled_event_id: i64,
    /// Its last `ActivityTaskStarted` event.
    pub started_event_id: i64,
}

/// Which child workflow a child workflow failure is about.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ChildWorkflowFailureInfo {
    /// The child's namespace.
    pub namespace: String,
    /// The child's workflow id.
    pub workflow_id: String,
    /// The child's run id (empty if it never started).
    pub run_id: String,
    /// The child's workflow type.
    pub workflow_type: String,
    /// Its `StartChildWorkflowExecutionInitiated` event.
    pub initiated_event_id: i64,
    /// Its `ChildWorkflowExecutionStarted` event.
    pub started_event_id: i64,
}

fn is_false(value: &bool) -> bool {
    !value
}

impl Failure {
    /// A retryable failure with this message and nothing else.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: Some(message.into()),
            ..Self::default()
        }
    }

    /// Sets the failure type (`ApplicationFailure.type`).
    pub fn with_type(mut self, failure_type: impl Into<String>) -> Self {
        self.failure_type = Some(failure_type.into());
        self
    }

    /// Marks the failure as not retryable, whatever the workflow's retry policy says.
    pub fn non_retryable(mut self) -> Self {
        self.non_retryable = true;
        self
    }

    /// Appends `value` to the details as a `json/plain` payload.
    pub fn with_details<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Self, PayloadError> {
        self.details.push(Payload::encode_json(value)?);
        Ok(self)
    }

    /// Appends an already-encoded payload to the details.
    pub fn with_detail_payload(mut self, payload: Payload) -> Self {
        self.details.push(payload);
        self
    }

    /// Sets the failure that caused this one.
    pub fn with_cause(mut self, cause: Failure) -> Self {
        self.cause = Some(Box::new(cause));
        self
    }

    /// Which Temporal failure this level is (see [`FailureInfo::kind`]).
    pub fn kind(&self) -> Option<FailureKind> {
        self.info.as_ref()?.kind
    }

    /// Why Temporal stopped retrying (see [`FailureInfo::retry_state`]).
    pub fn retry_state(&self) -> Option<&str> {
        self.info.as_ref()?.retry_state.as_deref()
    }

    /// Which timeout this is (see [`FailureInfo::timeout_type`]).
    pub fn timeout_type(&self) -> Option<&str> {
        self.info.as_ref()?.timeout_type.as_deref()
    }

    /// Where it came from (see [`FailureInfo::source`]).
    pub fn source(&self) -> Option<&str> {
        self.info.as_ref()?.source.as_deref()
    }

    /// Which activity failed (see [`FailureInfo::activity`]).
    pub fn activity(&self) -> Option<&ActivityFailureInfo> {
        self.info.as_ref()?.activity.as_ref()
    }

    /// Which child workflow failed (see [`FailureInfo::child_workflow`]).
    pub fn child_workflow(&self) -> Option<&ChildWorkflowFailureInfo> {
        self.info.as_ref()?.child_workflow.as_ref()
    }

    /// This failure and its causes, outermost first.
    pub fn chain(&self) -> impl Iterator<Item = &Failure> {
        std::iter::successors(Some(self), |failure| failure.cause.as_deref())
    }

    /// The innermost cause: for an activity failure, what the activity itself reported (an
    /// application error, a timeout, a cancellation).
    pub fn root_cause(&self) -> &Failure {
        self.chain().last().unwrap_or(self)
    }

    /// The first application error in the chain (a failure without a `kind`, as a workflow
    /// builds it, counts as one): where an activity's own type, message and details are.
    pub fn application(&self) -> Option<&Failure> {
        self.chain()
            .find(|failure| matches!(failure.kind(), None | Some(FailureKind::Application)))
    }

    /// Decodes the `index`th detail as `json/plain` JSON.
    pub fn detail<T: DeserializeOwned>(&self, index: usize) -> Result<T, PayloadError> {
        match self.details.get(index) {
            Some(payload) => payload.decode_json(),
            None => Err(PayloadError::Missing {
                what: "failure detail",
                index,
            }),
        }
    }

    /// The ABI's `failure` JSON for this failure.
    pub fn to_json(&self) -> Vec<u8> {
        // Only strings, booleans and already-encoded payloads: serialising cannot fail.
        serde_json::to_vec(self).expect("a Failure always serialises")
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.failure_type, &self.message) {
            (Some(failure_type), Some(message)) => write!(f, "{failure_type}: {message}"),
            (Some(only), None) | (None, Some(only)) => f.write_str(only),
            (None, None) => f.write_str("workflow failed"),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|cause| cause as _)
    }
}

/// Lets `?` turn a payload error into a failure: a non-retryable `PayloadError`, since running the
/// same code on the same data again gives the same error.
impl From<PayloadError> for Failure {
    fn from(err: PayloadError) -> Self {
        Failure::new(err.to_string())
            .with_type("PayloadError")
            .non_retryable()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn json_of(failure: &Failure) -> Value {
        serde_json::from_slice(&failure.to_json()).unwrap()
    }

    #[test]
    fn message_only_failure_omits_every_other_field() {
        assert_eq!(json_of(&Failure::new("boom")), json!({"message": "boom"}));
    }

    #[test]
    fn default_failure_is_an_empty_object() {
        assert_eq!(Failure::default().to_json(), b"{}");
    }

    #[test]
    fn builder_sets_type_and_non_retryable() {
        let failure = Failure::new("greet expects a JSON string name")
            .with_type("InvalidInput")
            .non_retryable();
        assert_eq!(
            json_of(&failure),
            json!({"message": "greet expects a JSON string name", "type": "InvalidInput", "non_retryable": true})
        );
    }

    #[test]
    fn details_are_json_plain_payloads_in_order() {
        let failure = Failure::new("bad")
            .with_details(&json!({"order_id": null, "problems": ["order has no items"]}))
            .unwrap()
            .with_details("second")
            .unwrap();
        let json = json_of(&failure);
        let details = json["details"].as_array().unwrap();
        assert_eq!(details.len(), 2);
        assert_eq!(
            details[0]["metadata"],
            json!({"encoding": "anNvbi9wbGFpbg=="})
        );
        let first: Value = failure.details[0].decode_json().unwrap();
        assert_eq!(
            first,
            json!({"order_id": null, "problems": ["order has no items"]})
        );
        assert_eq!(details[1]["data"], "InNlY29uZCI="); // base64 of "second" with quotes
    }

    #[test]
    fn nested_causes_serialise_recursively() {
        let failure = Failure::new("outer")
            .with_type("Outer")
            .with_cause(Failure::new("middle").with_cause(Failure::new("inner").non_retryable()));
        assert_eq!(
            json_of(&failure),
            json!({
                "message": "outer",
                "type": "Outer",
                "cause": {"message": "middle", "cause": {"message": "inner", "non_retryable": true}}
            })
        );
    }

    #[test]
    fn failure_json_round_trips() {
        let failure = Failure::new("outer")
            .with_type("T")
            .non_retryable()
            .with_details(&[1, 2])
            .unwrap()
            .with_cause(Failure::new("inner").with_detail_payload(Payload::default()));
        assert_eq!(
            serde_json::from_slice::<Failure>(&failure.to_json()).unwrap(),
            failure
        );
    }

    #[test]
    fn display_shows_type_and_message_and_source_is_the_cause() {
        let failure = Failure::new("outer")
            .with_type("Outer")
            .with_cause(Failure::new("inner"));
        assert_eq!(failure.to_string(), "Outer: outer");
        let source = std::error::Error::source(&failure).unwrap();
        assert_eq!(source.to_string(), "inner");
    }

    #[test]
    fn payload_error_becomes_a_non_retryable_payload_error_failure() {
        let err = Payload::default().decode_json::<String>().unwrap_err();
        let failure = Failure::from(err);
        assert_eq!(failure.failure_type.as_deref(), Some("PayloadError"));
        assert!(failure.non_retryable);
        assert_eq!(
            failure.message.as_deref(),
            Some(r#"payload has no "encoding" metadata, expected "json/plain""#)
        );
    }
}

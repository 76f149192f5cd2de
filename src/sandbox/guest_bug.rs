//! Guest bugs: everything a bundle can do wrong while it runs.
//!
//! A guest bug is never the workflow's *result*; by default it fails the workflow task so that
//! Temporal retries it and the workflow stays open with this message in its history (the same
//! convention Temporal's SDKs use for a panicking workflow). See `proto-notes/workflow-lifecycle.md`.

use std::time::Duration;

use serde::Deserialize;

use crate::abi::DecodeError;
use crate::abi::TooManyResultPayloads;
use crate::sandbox::guest_memory::OutOfBounds;

/// What a guest bug does to the workflow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuestBugPolicy {
    /// Fail the workflow task: Temporal retries it and the workflow stays open (the SDK
    /// convention for panics). A fixed bundle deployed later lets the workflow complete.
    #[default]
    FailTask,
    /// Fail the workflow execution, non-retryably, with the bug as the failure.
    FailWorkflow,
}

/// Something a guest did that the ABI does not allow, with what an operator needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuestBug {
    /// The guest trapped (`unreachable`, a bad memory access, a division by zero, exhausted call
    /// stack…), in `run` or in its start function.
    #[error("{message}{}\n{backtrace}", last_error_suffix(last_error_log.as_deref()))]
    Trap {
        /// wasmtime's description of the trap (`wasm trap: …`).
        message: String,
        /// The wasm call stack at the trap, innermost frame first.
        backtrace: String,
        /// The last message the guest logged at error level, often its panic message.
        last_error_log: Option<String>,
    },
    /// The guest was still executing when its deadline passed: the whole run for a one-shot
    /// guest, one activation (from resume to park) for a durable one.
    #[error(
        "{} within its {deadline:?} deadline and was interrupted\n{backtrace}",
        if *per_activation { "guest did not park in `wait` or end the run" } else { "run did not finish" }
    )]
    DeadlineExceeded {
        /// Whether the deadline bounds one activation of a durable guest.
        per_activation: bool,
        /// The configured deadline.
        deadline: Duration,
        /// Where the guest was when it was interrupted.
        backtrace: String,
    },
    /// The guest asked for more linear memory than its cap allows.
    #[error(
        "memory limit exceeded: the guest tried to grow its memory to {requested} bytes, over its \
         cap of {limit} bytes"
    )]
    MemoryLimitExceeded {
        /// Memory size the guest asked for.
        requested: u64,
        /// The configured cap.
        limit: u64,
    },
    /// `run` returned normally without ending the workflow.
    #[error("`run` returned without calling `complete` or `complete_with_failure`")]
    NoCompletion,
    /// A host call was given a range outside guest memory.
    #[error(transparent)]
    OutOfBounds(#[from] OutOfBounds),
    /// `get_info` was called with a length other than `get_info_len()`.
    #[error("get_info was called with length {given}, but get_info_len() is {expected}")]
    InfoLengthMismatch {
        /// Length the guest passed.
        given: u32,
        /// Length of the info JSON.
        expected: usize,
    },
    /// `complete` or `complete_with_failure` was given bytes that are not the ABI's JSON.
    #[error(transparent)]
    InvalidOutput(#[from] DecodeError),
    /// `complete` was given more than one payload.
    #[error(transparent)]
    TooManyResultPayloads(#[from] TooManyResultPayloads),
    /// A handle was passed where the ABI does not allow it.
    #[error(transparent)]
    Handle(#[from] HandleMisuse),
    /// One of the per-run caps was exceeded.
    #[error(transparent)]
    CapExceeded(#[from] CapExceeded),
    /// One activation's commands would not fit in the workflow task completion that carries
    /// them to the server.
    #[error(
        "the commands issued in one activation without waiting ({commands}, this one included) \
         take about {bytes} bytes, over the {limit} bytes one workflow task completion can \
         carry (gRPC's message limit): issue fewer or smaller commands between waits"
    )]
    CompletionTooLarge {
        /// Commands issued since the guest last waited, the one refused included.
        commands: usize,
        /// Their estimated size in a completion.
        bytes: u64,
        /// The limit.
        limit: u64,
    },
    /// A v1 call's input parsed but asks for something the ABI does not allow.
    #[error("{call}: {problem}")]
    BadRequest {
        /// The host call.
        call: &'static str,
        /// What is wrong with its input.
        problem: String,
    },
}

/// A handle passed to a call that cannot take it, named with the call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandleMisuse {
    /// The run never issued this handle.
    #[error(
        "{call} was given handle {handle}, which this run never issued (it has issued {issued})"
    )]
    Unknown {
        /// The host call.
        call: &'static str,
        /// The handle.
        handle: u32,
        /// How many handles the run has issued so far (they are 1..=issued).
        issued: u32,
    },
    /// The handle's result was already taken.
    #[error("{call} was given handle {handle} ({kind}), whose result was already taken")]
    Consumed {
        /// The host call.
        call: &'static str,
        /// The handle.
        handle: u32,
        /// What the handle is for.
        kind: String,
    },
    /// The handle has no result yet.
    #[error(
        "{call} was given handle {handle} ({kind}), which is not ready: check is_ready or wait first"
    )]
    NotReady {
        /// The host call.
        call: &'static str,
        /// The handle.
        handle: u32,
        /// What the handle is for.
        kind: String,
    },
    /// `wait` was given no handles.
    #[error("wait was called with count 0: it needs at least one handle")]
    EmptyWait,
    /// `take_result` was given a length other than `result_len`.
    #[error(
        "take_result was called for handle {handle} with length {given}, but result_len({handle}) is {expected}"
    )]
    ResultLength {
        /// The handle.
        handle: u32,
        /// Length the guest passed.
        given: u32,
        /// Length of the result JSON.
        expected: usize,
    },
    /// `cancel` was given a handle that cannot be cancelled.
    #[error(
        "cancel was given handle {handle} ({kind}); only timers, activities, HTTP activities and child workflows can be cancelled"
    )]
    NotCancellable {
        /// The handle.
        handle: u32,
        /// What the handle is for.
        kind: String,
    },
}

/// A per-run cap that a guest exceeded, with the configuration key that raises it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{what}: the cap is {limit}{unit} (raise `{key}` if this is intended)")]
pub struct CapExceeded {
    /// What went over the cap, with the count reached.
    pub what: String,
    /// The cap.
    pub limit: u64,
    /// The cap's unit as it reads after the number (`" bytes"`), or nothing for a count.
    pub unit: &'static str,
    /// The configuration key of the cap.
    pub key: &'static str,
}

fn last_error_suffix(last_error_log: Option<&str>) -> String {
    last_error_log
        .map(|log| format!(" (last error the guest logged: {log})"))
        .unwrap_or_default()
}

impl GuestBug {
    /// A short, stable name for this kind of bug, for logs and failure types.
    pub fn kind(&self) -> &'static str {
        match self {
            GuestBug::Trap { .. } => "trap",
            GuestBug::DeadlineExceeded { .. } => "deadline_exceeded",
            GuestBug::MemoryLimitExceeded { .. } => "memory_limit_exceeded",
            GuestBug::NoCompletion => "no_completion",
            GuestBug::OutOfBounds(_) => "out_of_bounds",
            GuestBug::InfoLengthMismatch { .. } => "info_length_mismatch",
            GuestBug::InvalidOutput(_) => "invalid_output",
            GuestBug::TooManyResultPayloads(_) => "too_many_result_payloads",
            GuestBug::Handle(_) => "handle_misuse",
            GuestBug::CapExceeded(_) => "cap_exceeded",
            GuestBug::CompletionTooLarge { .. } => "completion_too_large",
            GuestBug::BadRequest { .. } => "bad_request",
        }
    }
}

//! How a guest's call of `run` unwound: a host call ending the run on purpose, a resource cap, or
//! a trap — told apart the same way for one-shot and durable instances.

use std::time::Duration;

use wasmtime::{Trap, WasmBacktrace};

use crate::sandbox::GuestBug;
use crate::sandbox::host::{GuestOutcome, InstanceState, MemoryLimitHit, RunEnd, RunEnded};

/// The deadline that interrupted a guest, for its message.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Deadline {
    /// The configured deadline.
    pub deadline: Duration,
    /// Whether it bounds one activation of a durable guest rather than a whole run.
    pub per_activation: bool,
}

/// Tells apart the ways a run can unwind: a host call ending it on purpose, a resource cap, or a
/// trap.
pub(crate) fn outcome_of_unwind(
    error: wasmtime::Error,
    state: &mut InstanceState,
    deadline: Deadline,
) -> Result<GuestOutcome, GuestBug> {
    if error.is::<RunEnded>() {
        return match state.take_ending() {
            Some(RunEnd::Ended(outcome)) => Ok(outcome),
            Some(RunEnd::Bug(bug)) => Err(bug),
            None => Err(trap_bug(&error, state)),
        };
    }
    if let Some(hit) = error.downcast_ref::<MemoryLimitHit>() {
        return Err(GuestBug::MemoryLimitExceeded {
            requested: hit.requested,
            limit: hit.limit,
        });
    }
    if let Some(Trap::Interrupt) = error.downcast_ref::<Trap>() {
        return Err(GuestBug::DeadlineExceeded {
            per_activation: deadline.per_activation,
            deadline: deadline.deadline,
            backtrace: backtrace_of(&error),
        });
    }
    Err(trap_bug(&error, state))
}

fn trap_bug(error: &wasmtime::Error, state: &InstanceState) -> GuestBug {
    let message = match error.downcast_ref::<Trap>() {
        Some(trap) => trap.to_string(),
        None => format!("wasm trap: {}", error.root_cause()),
    };
    GuestBug::Trap {
        message,
        backtrace: backtrace_of(error),
        last_error_log: state.last_error_log().map(str::to_owned),
    }
}

fn backtrace_of(error: &wasmtime::Error) -> String {
    error
        .downcast_ref::<WasmBacktrace>()
        .map(|backtrace| backtrace.to_string().trim_end().to_owned())
        .unwrap_or_else(|| "(no wasm backtrace)".to_owned())
}

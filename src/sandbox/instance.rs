//! One run of a workflow bundle: the whole instance lifecycle, in one place.
//!
//! Today a run is "one activation, one fresh instance": a new `Store`, an instance from the
//! bundle's `InstancePre` (a pooled slot with a copy-on-write memory image), one call of `run`,
//! and the instance is gone. When the ABI grows blocking host calls, this is the module that will
//! keep an instance alive across activations; nothing outside it creates stores or instances.

use std::sync::Arc;
use wasmtime::{Store, Trap, WasmBacktrace};

use crate::abi;
use crate::sandbox::Bundle;
use crate::sandbox::GuestBug;
use crate::sandbox::InstanceLimits;
use crate::sandbox::engine::WasmEngine;
use crate::sandbox::host::{InstanceState, LogContext, MemoryLimitHit, RunEnd, RunEnded};

/// How a guest ended its workflow, in ABI terms (`convert` maps it to a command).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuestOutcome {
    /// `complete`, with the payloads it was given.
    Completed(Vec<abi::Payload>),
    /// `complete_with_failure`; `None` when called with length 0.
    Failed(Option<abi::Failure>),
}

/// Runs `bundle` once on `info_json` in a fresh instance and returns how the guest ended.
///
/// Blocking: call it from a blocking thread, never from an async task.
pub fn execute(
    bundle: &Bundle,
    info_json: Arc<[u8]>,
    log: LogContext,
) -> Result<GuestOutcome, GuestBug> {
    let limits = bundle.limits();
    let instance_pre = bundle.instance_pre();
    let state = InstanceState::new(
        info_json,
        bundle.memory_export(),
        log,
        limits.memory_limit_bytes,
    );
    let mut store = Store::new(instance_pre.module().engine(), state);
    store.limiter(|state| state);
    store.set_epoch_deadline(WasmEngine::deadline_ticks(limits.deadline));
    store.epoch_deadline_trap();

    let result = instance_pre
        .instantiate(&mut store)
        .and_then(|instance| instance.get_typed_func::<(), ()>(&mut store, "run"))
        .and_then(|run| run.call(&mut store, ()));
    store.data().report_dropped_logs();

    match result {
        Ok(()) => Err(GuestBug::NoCompletion),
        Err(error) => outcome_of_unwind(error, store.data_mut(), limits),
    }
}

/// Tells apart the ways a run can unwind: a host call ending it on purpose, a resource cap, or a
/// trap.
fn outcome_of_unwind(
    error: wasmtime::Error,
    state: &mut InstanceState,
    limits: InstanceLimits,
) -> Result<GuestOutcome, GuestBug> {
    if error.is::<RunEnded>() {
        return match state.take_ending() {
            Some(RunEnd::Completed(payloads)) => Ok(GuestOutcome::Completed(payloads)),
            Some(RunEnd::Failed(failure)) => Ok(GuestOutcome::Failed(failure)),
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
            deadline: limits.deadline,
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

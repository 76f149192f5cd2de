//! A one-shot run (ABI v0): one activation, one fresh instance — a new `Store`, an instance from
//! the bundle's `InstancePre` (a pooled slot with a copy-on-write memory image), one synchronous
//! call of `run`, and the instance is gone.

use std::sync::Arc;

use wasmtime::Store;

use crate::sandbox::Bundle;
use crate::sandbox::GuestBug;
use crate::sandbox::engine::WasmEngine;
use crate::sandbox::host::{GuestOutcome, InstanceState, LogContext};
use crate::sandbox::instance::unwind::{Deadline, outcome_of_unwind};

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
        .and_then(|instance| {
            // Looked up as an `Option`: a missing export as an error would capture a native
            // backtrace when RUST_BACKTRACE is set, on every run of a bundle without one.
            let initialize = instance
                .get_func(&mut store, "_initialize")
                .and_then(|func| func.typed::<(), ()>(&store).ok());
            if let Some(initialize) = initialize {
                initialize.call(&mut store, ())?;
            }
            instance.get_typed_func::<(), ()>(&mut store, "run")
        })
        .and_then(|run| run.call(&mut store, ()));
    store.data().report_dropped_logs();

    match result {
        Ok(()) => Err(GuestBug::NoCompletion),
        Err(error) => outcome_of_unwind(
            error,
            store.data_mut(),
            Deadline {
                deadline: limits.deadline,
                per_activation: false,
            },
        ),
    }
}

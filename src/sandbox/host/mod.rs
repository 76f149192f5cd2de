//! The five host functions of ABI v0, registered once on a shared `Linker`.
//!
//! The functions are plain closures that reach the run's state through `Caller`; nothing in them
//! is specific to one bundle or one run, so one linker serves every bundle for the life of the
//! process. `complete` and `complete_with_failure` record the outcome and then return a
//! [`RunEnded`] error: wasmtime unwinds the guest right there, which is how "complete ends the run
//! immediately when reached" is enforced. Guest bugs detected inside a host call end the run the
//! same way.

mod state;

use std::sync::Arc;

use wasmtime::{Caller, Engine, Linker};

pub use state::{InstanceState, LogContext, MemoryLimitHit, RunEnd, RunEnded};

use crate::abi::{self, LogLevel};
use crate::sandbox::GuestBug;
use crate::sandbox::guest_memory;

/// Module name every ABI import comes from (the default of clang, rustc and Zig).
pub const IMPORT_MODULE: &str = "env";

/// Name, parameter count and result count of each ABI import; every value is an `i32`.
pub const ABI_IMPORTS: [(&str, usize, usize); 5] = [
    ("get_info_len", 0, 1),
    ("get_info", 2, 0),
    ("write_log", 3, 0),
    ("complete", 2, 0),
    ("complete_with_failure", 2, 0),
];

/// At most this many log lines are emitted per run; the rest are counted and reported once, so
/// a guest that floods `write_log` costs bounded output.
pub const MAX_LOG_LINES_PER_RUN: u32 = 1000;

/// Longer log messages are cut to this many bytes.
pub const MAX_LOG_MESSAGE_BYTES: usize = 16 * 1024;

/// Runs `access` on the guest's memory and the run state together.
fn with_memory<R>(
    caller: &mut Caller<'_, InstanceState>,
    access: impl FnOnce(&mut [u8], &mut InstanceState) -> R,
) -> wasmtime::Result<R> {
    let export = caller.data().memory;
    match caller.get_module_export(&export) {
        Some(wasmtime::Extern::Memory(memory)) => {
            let (bytes, state) = memory.data_and_store_mut(caller);
            Ok(access(bytes, state))
        }
        // Bundle loading checked that `memory` is an exported memory, so this cannot happen.
        _ => Err(wasmtime::format_err!(
            "the module's `memory` export is missing"
        )),
    }
}

/// Builds the linker with all ABI v0 host functions; one per process.
pub fn linker(engine: &Engine) -> wasmtime::Result<Linker<InstanceState>> {
    let mut linker = Linker::new(engine);

    linker.func_wrap(
        IMPORT_MODULE,
        "get_info_len",
        |caller: Caller<'_, InstanceState>| -> u32 {
            // Info JSON is built by the host and never comes near 4 GiB.
            u32::try_from(caller.data().info_json.len()).unwrap_or(u32::MAX)
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "get_info",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| -> wasmtime::Result<()> {
            with_memory(&mut caller, |memory, state| {
                let info = Arc::clone(&state.info_json);
                if usize::try_from(len).ok() != Some(info.len()) {
                    let bug = GuestBug::InfoLengthMismatch {
                        given: len,
                        expected: info.len(),
                    };
                    return Err(state.end(RunEnd::Bug(bug)));
                }
                guest_memory::write(memory, "get_info", offset, &info)
                    .map_err(|oob| state.end(RunEnd::Bug(oob.into())))
            })?
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "write_log",
        |mut caller: Caller<'_, InstanceState>, level: u32, offset: u32, len: u32| {
            with_memory(&mut caller, |memory, state| {
                let message = guest_memory::read(memory, "write_log", offset, len)
                    .map_err(|oob| state.end(RunEnd::Bug(oob.into())))?;
                if let Some(level) = LogLevel::from_abi(level) {
                    state.emit_log(level, message);
                }
                Ok(())
            })?
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "complete",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| -> wasmtime::Result<()> {
            with_memory(&mut caller, |memory, state| {
                let ending = match guest_memory::read(memory, "complete", offset, len) {
                    Err(oob) => RunEnd::Bug(oob.into()),
                    Ok([]) => RunEnd::Completed(Vec::new()),
                    Ok(json) => match abi::decode_payloads(json) {
                        Ok(payloads) => RunEnd::Completed(payloads),
                        Err(err) => RunEnd::Bug(err.into()),
                    },
                };
                Err(state.end(ending))
            })?
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "complete_with_failure",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| -> wasmtime::Result<()> {
            with_memory(&mut caller, |memory, state| {
                let ending = match guest_memory::read(memory, "complete_with_failure", offset, len)
                {
                    Err(oob) => RunEnd::Bug(oob.into()),
                    Ok([]) => RunEnd::Failed(None),
                    Ok(json) => match abi::decode_failure(json) {
                        Ok(failure) => RunEnd::Failed(Some(failure)),
                        Err(err) => RunEnd::Bug(err.into()),
                    },
                };
                Err(state.end(ending))
            })?
        },
    )?;

    Ok(linker)
}

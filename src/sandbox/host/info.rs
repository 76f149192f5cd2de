//! `get_info_len`, `get_info` and `write_log`: what a guest learns about its workflow, and how it
//! tells the operator what it is doing.

use std::sync::Arc;

use wasmtime::{Caller, Linker};

use crate::abi::LogLevel;
use crate::sandbox::GuestBug;
use crate::sandbox::guest_memory;
use crate::sandbox::host::{IMPORT_MODULE, InstanceState, RunEnd, with_memory};

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
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
        "log_level",
        |caller: Caller<'_, InstanceState>| -> u32 {
            // Logs are suppressed while replaying, so nothing at all would be emitted then.
            if caller.data().replaying() {
                return 0;
            }
            guest_log_level()
        },
    )?;
    Ok(())
}

/// The most verbose guest log level the current subscriber emits (1 error … 5 trace, 0 none).
fn guest_log_level() -> u32 {
    use tracing::Level;
    if tracing::enabled!(target: "guest", Level::TRACE) {
        5
    } else if tracing::enabled!(target: "guest", Level::DEBUG) {
        4
    } else if tracing::enabled!(target: "guest", Level::INFO) {
        3
    } else if tracing::enabled!(target: "guest", Level::WARN) {
        2
    } else if tracing::enabled!(target: "guest", Level::ERROR) {
        1
    } else {
        0
    }
}

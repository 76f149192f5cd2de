//! The five host functions of ABI v0, registered once on a shared `Linker`.
//!
//! The functions are plain closures that reach the run's state through `Caller`; nothing in them
//! is specific to one bundle or one run, so one linker serves every bundle for the life of the
//! process. `complete` and `complete_with_failure` record the outcome and then return a
//! [`RunEnded`] error: wasmtime unwinds the guest right there, which is how "complete ends the run
//! immediately when reached" is enforced. Guest bugs detected inside a host call end the run the
//! same way.

use std::sync::Arc;

use wasmtime::{Caller, Engine, Linker, ModuleExport, ResourceLimiter};

use crate::abi::{self, LogLevel};
use crate::guest_bug::GuestBug;
use crate::guest_memory;

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

/// How a run ended from inside a host call.
#[derive(Debug)]
pub enum RunEnd {
    /// `complete` with the decoded result payloads.
    Completed(Vec<abi::Payload>),
    /// `complete_with_failure`; `None` when called with length 0.
    Failed(Option<abi::Failure>),
    /// A guest bug detected inside a host call.
    Bug(GuestBug),
}

/// Marker error a host function returns to unwind the guest once [`RunState::ending`] is set.
#[derive(Debug, thiserror::Error)]
#[error("the run ended in a host call")]
pub struct RunEnded;

/// The guest tried to grow its memory over its cap; carried out of wasmtime as the trap's error.
#[derive(Debug, thiserror::Error)]
#[error("memory limit exceeded: {requested} bytes requested, cap is {limit} bytes")]
pub struct MemoryLimitHit {
    /// Memory size the guest asked for.
    pub requested: u64,
    /// The configured cap.
    pub limit: u64,
}

/// Who a run's logs belong to, attached to every guest log line as tracing fields.
#[derive(Clone, Debug, Default)]
pub struct LogContext {
    /// Workflow type of the run.
    pub workflow_type: String,
    /// Workflow id of the run.
    pub workflow_id: String,
    /// Run id of the run.
    pub run_id: String,
    /// Whether Temporal is replaying history; logs are then suppressed (they were emitted the
    /// first time round).
    pub replaying: bool,
}

/// Per-run state, owned by the run's `Store`.
pub struct RunState {
    info_json: Arc<[u8]>,
    memory: ModuleExport,
    log: LogContext,
    memory_limit_bytes: u64,
    log_lines: u32,
    last_error_log: Option<String>,
    ending: Option<RunEnd>,
}

impl RunState {
    /// State for a fresh run that will read `info_json` and whose memory is the export `memory`.
    pub fn new(
        info_json: Arc<[u8]>,
        memory: ModuleExport,
        log: LogContext,
        memory_limit_bytes: u64,
    ) -> RunState {
        RunState {
            info_json,
            memory,
            log,
            memory_limit_bytes,
            log_lines: 0,
            last_error_log: None,
            ending: None,
        }
    }

    /// Takes how the run ended, if a host call ended it.
    pub fn take_ending(&mut self) -> Option<RunEnd> {
        self.ending.take()
    }

    /// The last message logged at error level, for trap messages.
    pub fn last_error_log(&self) -> Option<&str> {
        self.last_error_log.as_deref()
    }

    /// Reports log lines dropped by the per-run cap, once, when the run is over.
    pub fn report_dropped_logs(&self) {
        if self.log_lines > MAX_LOG_LINES_PER_RUN && !self.log.replaying {
            tracing::warn!(
                target: "guest",
                workflow_type = %self.log.workflow_type,
                workflow_id = %self.log.workflow_id,
                run_id = %self.log.run_id,
                dropped = self.log_lines - MAX_LOG_LINES_PER_RUN,
                "guest log lines over the per-run cap of {MAX_LOG_LINES_PER_RUN} were dropped"
            );
        }
    }

    fn end(&mut self, ending: RunEnd) -> wasmtime::Error {
        self.ending = Some(ending);
        wasmtime::Error::new(RunEnded)
    }

    fn emit_log(&mut self, level: LogLevel, message: &[u8]) {
        if self.log.replaying {
            return;
        }
        let cut = message.len().min(MAX_LOG_MESSAGE_BYTES);
        let text = String::from_utf8_lossy(&message[..cut]);
        if level == LogLevel::Error {
            self.last_error_log = Some(text.clone().into_owned());
        }
        self.log_lines = self.log_lines.saturating_add(1);
        if self.log_lines > MAX_LOG_LINES_PER_RUN {
            return;
        }
        let LogContext {
            workflow_type,
            workflow_id,
            run_id,
            ..
        } = &self.log;
        macro_rules! guest_event {
            ($level:expr) => {
                tracing::event!(target: "guest", $level, %workflow_type, %workflow_id, %run_id, "{text}")
            };
        }
        match level {
            LogLevel::Error => guest_event!(tracing::Level::ERROR),
            LogLevel::Warn => guest_event!(tracing::Level::WARN),
            LogLevel::Info => guest_event!(tracing::Level::INFO),
            LogLevel::Debug => guest_event!(tracing::Level::DEBUG),
            LogLevel::Trace => guest_event!(tracing::Level::TRACE),
        }
    }
}

impl ResourceLimiter for RunState {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let requested = u64::try_from(desired).unwrap_or(u64::MAX);
        if requested > self.memory_limit_bytes {
            // Trapping rather than returning -1 from memory.grow: the issue decided a memory cap
            // hit is a guest bug, and most guest languages would abort on -1 anyway, with a less
            // helpful message.
            return Err(wasmtime::Error::new(MemoryLimitHit {
                requested,
                limit: self.memory_limit_bytes,
            }));
        }
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        _desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        // The pooling allocator's per-table element limit bounds tables.
        Ok(true)
    }
}

/// Runs `access` on the guest's memory and the run state together.
fn with_memory<R>(
    caller: &mut Caller<'_, RunState>,
    access: impl FnOnce(&mut [u8], &mut RunState) -> R,
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
pub fn linker(engine: &Engine) -> wasmtime::Result<Linker<RunState>> {
    let mut linker = Linker::new(engine);

    linker.func_wrap(
        IMPORT_MODULE,
        "get_info_len",
        |caller: Caller<'_, RunState>| -> u32 {
            // Info JSON is built by the host and never comes near 4 GiB.
            u32::try_from(caller.data().info_json.len()).unwrap_or(u32::MAX)
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "get_info",
        |mut caller: Caller<'_, RunState>, offset: u32, len: u32| -> wasmtime::Result<()> {
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
        |mut caller: Caller<'_, RunState>, level: u32, offset: u32, len: u32| {
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
        |mut caller: Caller<'_, RunState>, offset: u32, len: u32| -> wasmtime::Result<()> {
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
        |mut caller: Caller<'_, RunState>, offset: u32, len: u32| -> wasmtime::Result<()> {
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

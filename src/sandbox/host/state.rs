//! The state a guest's host calls share: owned by the instance's `Store`, reached through
//! `Caller` in every host function.

use std::collections::VecDeque;
use std::sync::Arc;

use wasmtime::{ModuleExport, ResourceLimiter};

use crate::abi::{GuestOutcome, LogLevel};
use crate::sandbox::GuestBug;
use crate::sandbox::host::durable::{self, SharedDurableState};
use crate::sandbox::host::{MAX_LOG_LINES_PER_RUN, MAX_LOG_MESSAGE_BYTES};

/// Lines of stderr a `proc_exit` guest bug quotes.
const STDERR_TAIL_LINES: usize = 12;

/// How a run ended from inside a host call.
#[derive(Debug)]
pub enum RunEnd {
    /// The guest ended the workflow.
    Ended(GuestOutcome),
    /// A guest bug detected inside a host call.
    Bug(GuestBug),
}

/// Marker error a host function returns to unwind the guest once [`InstanceState::ending`] is set.
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

/// Per-instance state, owned by the instance's `Store`.
pub struct InstanceState {
    pub(super) info_json: Arc<[u8]>,
    pub(super) memory: ModuleExport,
    log: LogContext,
    memory_limit_bytes: u64,
    /// Lines logged in this activation (the whole run for a one-shot guest).
    log_lines: u32,
    last_error_log: Option<String>,
    ending: Option<RunEnd>,
    /// What a durable guest shares with the host across activations; `None` for a one-shot
    /// guest, whose linker has no durable calls.
    pub(super) durable: Option<SharedDurableState>,
    /// The per-activation deadline in epoch ticks, re-armed on every resume.
    pub(super) deadline_ticks: u64,
    /// Partial lines written to WASI stdout (index 0) and stderr (index 1).
    stdio: [Vec<u8>; 2],
    /// The last lines written to WASI stderr, replaying or not, for `proc_exit`'s guest bug
    /// (where runtimes print the panic that made them exit).
    stderr_tail: VecDeque<String>,
}

impl InstanceState {
    /// State for a fresh run that will read `info_json` and whose memory is the export `memory`.
    pub fn new(
        info_json: Arc<[u8]>,
        memory: ModuleExport,
        log: LogContext,
        memory_limit_bytes: u64,
    ) -> InstanceState {
        InstanceState {
            info_json,
            memory,
            log,
            memory_limit_bytes,
            log_lines: 0,
            last_error_log: None,
            ending: None,
            durable: None,
            deadline_ticks: 0,
            stdio: [Vec::new(), Vec::new()],
            stderr_tail: VecDeque::new(),
        }
    }

    /// Makes this the state of a durable instance that shares `durable` with the host and is
    /// re-armed with `deadline_ticks` on every resume.
    pub fn with_durable(mut self, durable: SharedDurableState, deadline_ticks: u64) -> Self {
        self.durable = Some(durable);
        self.deadline_ticks = deadline_ticks;
        self
    }

    /// Called by `wait` when the guest resumes: the new activation's replay flag governs its
    /// logs, and its log cap starts afresh.
    pub(super) fn on_resume(&mut self) {
        self.report_dropped_logs();
        self.log_lines = 0;
        if let Some(shared) = &self.durable {
            let mut shared = durable::lock(shared);
            shared.unpark();
            self.log.replaying = shared.replaying();
        }
    }

    /// Whether logs are suppressed now (Temporal is replaying history).
    pub(super) fn replaying(&self) -> bool {
        self.log.replaying
    }

    /// Takes how the run ended, if a host call ended it.
    pub fn take_ending(&mut self) -> Option<RunEnd> {
        self.ending.take()
    }

    /// The last message logged at error level, for trap messages.
    pub fn last_error_log(&self) -> Option<&str> {
        self.last_error_log.as_deref()
    }

    /// WASI `fd_write` to stdout (1) or stderr (2): each complete line becomes a guest log line,
    /// at info level for stdout and error level for stderr (where runtimes print panics).
    pub(super) fn write_stdio(&mut self, fd: u32, bytes: &[u8], max_line: usize) {
        let (index, level) = if fd == 2 {
            (1, LogLevel::Error)
        } else {
            (0, LogLevel::Info)
        };
        self.stdio[index].extend_from_slice(bytes);
        while let Some(end) = self.stdio[index].iter().position(|&byte| byte == b'\n') {
            let line: Vec<u8> = self.stdio[index].drain(..=end).collect();
            self.stdio_line(fd, level, &line[..line.len() - 1]);
        }
        if self.stdio[index].len() > max_line {
            let line = std::mem::take(&mut self.stdio[index]);
            self.stdio_line(fd, level, &line);
        }
    }

    fn stdio_line(&mut self, fd: u32, level: LogLevel, line: &[u8]) {
        if fd == 2 {
            if self.stderr_tail.len() == STDERR_TAIL_LINES {
                self.stderr_tail.pop_front();
            }
            let cut = line.len().min(MAX_LOG_MESSAGE_BYTES);
            self.stderr_tail
                .push_back(String::from_utf8_lossy(&line[..cut]).into_owned());
        }
        self.emit_log(level, line);
    }

    /// The last lines the guest wrote to stderr (its partial last line included), oldest first.
    pub(super) fn take_stderr_tail(&mut self) -> Vec<String> {
        let rest = std::mem::take(&mut self.stdio[1]);
        if !rest.is_empty() {
            self.stdio_line(2, LogLevel::Error, &rest);
        }
        self.stderr_tail.drain(..).collect()
    }

    /// Logs what is left of stdout and stderr without a final newline.
    pub fn flush_stdio(&mut self) {
        for (index, level) in [(0, LogLevel::Info), (1, LogLevel::Error)] {
            let rest = std::mem::take(&mut self.stdio[index]);
            if !rest.is_empty() {
                self.stdio_line(if index == 1 { 2 } else { 1 }, level, &rest);
            }
        }
    }

    /// Reports log lines dropped by the cap, once per activation (or run, for one-shot guests).
    pub fn report_dropped_logs(&self) {
        if self.log_lines > MAX_LOG_LINES_PER_RUN && !self.log.replaying {
            tracing::warn!(
                target: "guest",
                workflow_type = %self.log.workflow_type,
                workflow_id = %self.log.workflow_id,
                run_id = %self.log.run_id,
                dropped = self.log_lines - MAX_LOG_LINES_PER_RUN,
                "guest log lines over the cap of {MAX_LOG_LINES_PER_RUN} per activation were dropped"
            );
        }
    }

    pub(super) fn end(&mut self, ending: RunEnd) -> wasmtime::Error {
        self.ending = Some(ending);
        wasmtime::Error::new(RunEnded)
    }

    pub(super) fn emit_log(&mut self, level: LogLevel, message: &[u8]) {
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

impl ResourceLimiter for InstanceState {
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

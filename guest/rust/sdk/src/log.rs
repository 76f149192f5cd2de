//! Logging through the host's `write_log`. Use the `error!` … `trace!` macros.

use std::fmt;

/// How important a log message is; the numbers are the ABI's `log_level`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u32)]
pub enum Level {
    /// Something failed. The worker shows the last error log next to a trap.
    Error = 1,
    /// Something unexpected that the workflow handled.
    Warn = 2,
    /// Normal progress.
    Info = 3,
    /// Detail for whoever debugs the workflow.
    Debug = 4,
    /// Even more detail.
    Trace = 5,
}

/// Writes `message` to the worker's log at `level`.
///
/// The worker suppresses logs while Temporal replays history, so a message appears once per
/// workflow execution. Outside wasm32 (unit tests of workflow functions on your machine) there is
/// no host, and the line goes to standard error instead.
pub fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::host::write_log(level as u32, message);
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("{level:?}: {message}");
}

/// What the log macros expand to: skips formatting when the message is a plain literal.
pub fn log_args(level: Level, args: fmt::Arguments<'_>) {
    match args.as_str() {
        Some(message) => log(level, message),
        None => log(level, &args.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_have_the_abi_numbers() {
        let numbers = [
            Level::Error,
            Level::Warn,
            Level::Info,
            Level::Debug,
            Level::Trace,
        ]
        .map(|level| level as u32);
        assert_eq!(numbers, [1, 2, 3, 4, 5]);
    }
}

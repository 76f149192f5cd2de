//! Logging through the host's `write_log`. Use the `error!` … `trace!` macros.
//!
//! [`level`] and [`enabled`] tell what the worker currently emits.

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
/// workflow execution. Off wasm32 the line goes to the running
/// [`TestHost`](crate::testing::TestHost), or to standard error when none runs (a unit test that
/// calls a workflow function directly).
pub fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    crate::host::call(|host| crate::host::Host::write_log(host, level as u32, message));
    #[cfg(not(target_arch = "wasm32"))]
    crate::testing::log(level, message);
}

/// The most verbose level the worker emits right now, `None` when it emits no guest logs (as
/// while replaying): lets a workflow skip building a message nobody will see.
///
/// The log macros do not ask, because this is an ABI v1 call: a bundle that calls it is durable.
pub fn level() -> Option<Level> {
    let level = crate::host::call(crate::host::Host::log_level);
    [
        Level::Error,
        Level::Warn,
        Level::Info,
        Level::Debug,
        Level::Trace,
    ]
    .into_iter()
    .take_while(|candidate| *candidate as u32 <= level)
    .last()
}

/// Whether a message at `level` would be emitted now; see [`level`].
pub fn enabled(level: Level) -> bool {
    self::level().is_some_and(|most_verbose| level <= most_verbose)
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

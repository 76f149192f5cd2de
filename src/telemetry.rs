//! Process-wide logging through `tracing`.
//!
//! Guest logs use the target `guest`, so `RUST_LOG=guest=debug` shows a workflow's debug logs
//! without the worker's own.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber: human-readable lines on stderr, filtered by `RUST_LOG`
/// (default `info`).
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second initialisation (tests calling in twice) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

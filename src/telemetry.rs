//! Process-wide logging through `tracing`.
//!
//! Guest logs use the target `guest`, so `RUST_LOG=guest=debug` (or `logging.level`) shows a
//! workflow's debug logs without the worker's own.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::{LogFormat, LoggingSettings};

/// Installs the global subscriber on stderr: `RUST_LOG` when set, else the configured level
/// (`info` without a config); text (coloured only on a terminal and without `NO_COLOR`) or JSON
/// lines.
pub fn init(settings: Option<&LoggingSettings>) {
    let configured = settings.map_or("info", |settings| settings.level.as_str());
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(configured))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second initialisation (tests calling in twice) keeps the first subscriber.
    let _ = match settings.map_or(LogFormat::Text, |settings| settings.format) {
        LogFormat::Json => builder.json().with_current_span(false).try_init(),
        LogFormat::Text => {
            let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            builder.with_ansi(colour).try_init()
        }
    };
}

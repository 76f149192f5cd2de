//! The one error type of configuration loading: every problem names the file, and the key when
//! one is at fault, so an operator can fix it without reading code.

use std::path::PathBuf;

/// A configuration problem, naming the file and key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read or parsed, or a key has the wrong type or is unknown.
    #[error("config {path}: {message}")]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// What the parser said, including the key.
        message: String,
    },
    /// A key parsed but its value is not acceptable.
    #[error("config {path}: `{key}` {problem}")]
    Value {
        /// The config file.
        path: PathBuf,
        /// Dotted key, e.g. `workflows.Greet.deadline_ms`.
        key: String,
        /// What is wrong with it.
        problem: String,
    },
}

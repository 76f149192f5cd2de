//! The configuration loader, through its public API only: what `config::load` makes of a TOML
//! file and an environment, and the error, naming the key, for each kind of mistake. One module
//! per part of the configuration; the helpers every module uses are here.

mod connection;
mod environment;
mod file;
mod http_activities;
mod profiles;
mod worker;
mod workflows;

use std::path::PathBuf;

use temporal_wasm_worker::config::{Settings, TlsSettings, load};

/// Writes `text` as `worker.toml` in `dir` and returns its path.
fn write_config(dir: &tempfile::TempDir, text: &str) -> PathBuf {
    let path = dir.path().join("worker.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// An environment, as `load` takes it.
fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect()
}

/// Loads `text` as `worker.toml` in a fresh folder, with the environment `vars`; an error comes
/// back as the message an operator would see.
fn load_with_env(text: &str, vars: &[(&str, &str)]) -> Result<Settings, String> {
    let dir = tempfile::tempdir().unwrap();
    load(&write_config(&dir, text), &env(vars)).map_err(|err| err.to_string())
}

/// The smallest valid config: a task queue and one workflow.
const MINIMAL: &str = r#"
    [temporal]
    task_queue = "wasm-workflows"

    [workflows.Greet]
    module = "bundles/greet.wasm"
"#;

fn tls_settings(settings: &Settings) -> &TlsSettings {
    settings.temporal.tls.as_ref().expect("TLS is on")
}

//! The file itself: defaults for what it leaves out, and an error naming the file and key for
//! what cannot be read, is unknown or is missing.

use std::path::Path;

use temporal_wasm_worker::config::DEFAULT_DEADLINE;
use temporal_wasm_worker::sandbox::GuestBugPolicy;

use super::*;

#[test]
fn minimal_config_gets_defaults_and_resolves_module_against_config_folder() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, MINIMAL);
    let settings = load(&path, &[]).unwrap();
    assert_eq!(settings.temporal.target_url, "http://localhost:7233");
    assert_eq!(settings.temporal.namespace, "default");
    assert_eq!(settings.temporal.task_queue, "wasm-workflows");
    assert_eq!(settings.temporal.api_key, None);
    let greet = &settings.workflows[0];
    assert_eq!(greet.workflow_type, "Greet");
    assert_eq!(greet.module_path, dir.path().join("bundles/greet.wasm"));
    assert_eq!(greet.limits.deadline, DEFAULT_DEADLINE);
    assert_eq!(greet.limits.memory_limit_bytes, 64 * 1024 * 1024);
    assert_eq!(greet.on_guest_bug, GuestBugPolicy::FailTask);
    assert!(
        settings
            .worker
            .identity
            .starts_with("temporal-wasm-worker@")
    );
    assert!(settings.worker.max_concurrent_runs >= 1);
}

#[test]
fn unknown_key_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        &dir,
        &MINIMAL.replace("task_queue", "adress = \"x\"\ntask_queue"),
    );
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("adress"), "{err}");
    assert!(err.contains("worker.toml"), "{err}");
}

#[test]
fn unknown_section_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, &format!("{MINIMAL}\n[wokrer]\nidentity = \"x\"\n"));
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("wokrer"), "{err}");
}

#[test]
fn missing_task_queue_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, "[temporal]\n[workflows.A]\nmodule = \"a.wasm\"\n");
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("task_queue"), "{err}");
}

#[test]
fn missing_file_is_an_error_naming_it() {
    let err = load(Path::new("/nonexistent/worker.toml"), &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/worker.toml"), "{err}");
}

#[test]
fn malformed_toml_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, "[temporal\n");
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("worker.toml"), "{err}");
}

#[test]
fn config_without_workflows_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, "[temporal]\ntask_queue = \"q\"\n");
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("registers no workflow type"), "{err}");
}

//! The `[worker]` section: how much work the worker takes on at once, and who it says it is.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::non_empty;
use super::raw::RawWorker;
use super::settings::WorkerSettings;

/// Default number of outstanding workflow tasks core may hand the worker at once.
pub const DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS: usize = 100;
/// Default time to finish in-flight work after SIGINT/SIGTERM.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// Validates `[worker]`; relative paths resolve against `config_dir`.
pub(super) fn validate_worker(
    raw: RawWorker,
    config_dir: &Path,
) -> Result<WorkerSettings, (&'static str, String)> {
    // Relative paths resolve against the config file's folder, like bundle paths.
    let path_in_config_dir = |path: Option<PathBuf>| {
        path.filter(|path| !path.as_os_str().is_empty())
            .map(|path| config_dir.join(path))
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let max_concurrent_runs = raw.max_concurrent_runs.unwrap_or(cpus);
    if !(1..=1024).contains(&max_concurrent_runs) {
        return Err((
            "worker.max_concurrent_runs",
            format!("must be between 1 and 1024, got {max_concurrent_runs}"),
        ));
    }
    let max_cached_workflows = raw.max_cached_workflows.unwrap_or(0);
    let max_outstanding_workflow_tasks = raw
        .max_outstanding_workflow_tasks
        .unwrap_or(DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS);
    let minimum_outstanding = if max_cached_workflows > 0 { 2 } else { 1 };
    if max_outstanding_workflow_tasks < minimum_outstanding {
        return Err((
            "worker.max_outstanding_workflow_tasks",
            format!(
                "must be at least {minimum_outstanding} (core requires 2 when \
                 max_cached_workflows > 0), got {max_outstanding_workflow_tasks}"
            ),
        ));
    }
    let identity = match raw.identity {
        Some(identity) => {
            non_empty(identity).ok_or(("worker.identity", "must not be empty".to_owned()))?
        }
        None => default_identity(),
    };
    let build_id = match raw.build_id {
        Some(build_id) => {
            Some(non_empty(build_id).ok_or(("worker.build_id", "must not be empty".to_owned()))?)
        }
        None => None,
    };
    Ok(WorkerSettings {
        max_concurrent_runs,
        max_outstanding_workflow_tasks,
        max_cached_workflows,
        identity,
        build_id,
        health_file: path_in_config_dir(raw.health_file),
        module_cache_dir: path_in_config_dir(raw.module_cache_dir),
        shutdown_timeout: raw
            .shutdown_timeout_secs
            .map_or(DEFAULT_SHUTDOWN_TIMEOUT, Duration::from_secs),
    })
}

/// `temporal-wasm-worker@<host>:<pid>`, the shape Temporal's SDKs use for identities.
fn default_identity() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("temporal-wasm-worker@{host}:{}", std::process::id())
}

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

/// Memory the default sticky cache budgets per cached run, whose durable guest keeps its
/// instance parked there. A budget for sizing, not a bound: each instance may still grow to its
/// `memory_limit_mib`, so operators of memory-hungry guests set the cache size themselves.
pub const MEMORY_PER_CACHED_WORKFLOW: u64 = 16 << 20;
/// Least default cache size, so that even a small machine avoids replaying every run's history
/// on each workflow task.
pub const MIN_DEFAULT_MAX_CACHED_WORKFLOWS: usize = 16;
/// Greatest default cache size, so that a large machine does not park thousands of instances
/// unless the operator asks for it.
pub const MAX_DEFAULT_MAX_CACHED_WORKFLOWS: usize = 2000;
/// Default cache size when the machine's memory cannot be read (no `/proc/meminfo`).
pub const FALLBACK_MAX_CACHED_WORKFLOWS: usize = 1000;
/// Greatest `worker.max_cached_workflows` accepted, so that a typo cannot ask core for an LRU of
/// billions of entries.
pub const MAX_CACHED_WORKFLOWS_LIMIT: usize = 100_000;

/// The sticky cache size used when `worker.max_cached_workflows` is unset: one cached run per
/// [`MEMORY_PER_CACHED_WORKFLOW`] of physical memory, between [`MIN_DEFAULT_MAX_CACHED_WORKFLOWS`]
/// and [`MAX_DEFAULT_MAX_CACHED_WORKFLOWS`], or [`FALLBACK_MAX_CACHED_WORKFLOWS`] when the memory
/// cannot be read. Public so that tests and tools can state what this machine gets.
pub fn default_max_cached_workflows() -> usize {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    cached_workflows_for_memory(meminfo.as_deref().and_then(mem_total_bytes))
}

/// The sizing rule of [`default_max_cached_workflows`], for a machine with `total_bytes` of
/// physical memory (`None`: unknown).
fn cached_workflows_for_memory(total_bytes: Option<u64>) -> usize {
    match total_bytes {
        None => FALLBACK_MAX_CACHED_WORKFLOWS,
        Some(bytes) => usize::try_from(bytes / MEMORY_PER_CACHED_WORKFLOW)
            .unwrap_or(usize::MAX)
            .clamp(
                MIN_DEFAULT_MAX_CACHED_WORKFLOWS,
                MAX_DEFAULT_MAX_CACHED_WORKFLOWS,
            ),
    }
}

/// `MemTotal` of a `/proc/meminfo` text, in bytes (the kernel writes it in kB).
fn mem_total_bytes(meminfo: &str) -> Option<u64> {
    let line = meminfo
        .lines()
        .find_map(|line| line.strip_prefix("MemTotal:"))?;
    let mut fields = line.split_whitespace();
    let kib: u64 = fields.next()?.parse().ok()?;
    match fields.next() {
        Some("kB") => kib.checked_mul(1024),
        _ => None,
    }
}

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
    let max_cached_workflows = raw
        .max_cached_workflows
        .unwrap_or_else(default_max_cached_workflows);
    if max_cached_workflows > MAX_CACHED_WORKFLOWS_LIMIT {
        return Err((
            "worker.max_cached_workflows",
            format!(
                "must be between 0 and {MAX_CACHED_WORKFLOWS_LIMIT}, got {max_cached_workflows}"
            ),
        ));
    }
    let max_outstanding_workflow_tasks = raw
        .max_outstanding_workflow_tasks
        .unwrap_or(DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS);
    let minimum_outstanding = if max_cached_workflows > 0 { 2 } else { 1 };
    if max_outstanding_workflow_tasks < minimum_outstanding {
        // The cache is on by default, so say where the 2 comes from when the file never set it.
        let cache_origin = if raw.max_cached_workflows.is_none() {
            format!("; it defaults to {max_cached_workflows} on this machine, 0 turns it off")
        } else {
            String::new()
        };
        return Err((
            "worker.max_outstanding_workflow_tasks",
            format!(
                "must be at least {minimum_outstanding} (core requires 2 when \
                 max_cached_workflows > 0{cache_origin}), got {max_outstanding_workflow_tasks}"
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

#[cfg(test)]
mod tests {
    //! The sizing rule and the `/proc/meminfo` parsing, which depend on the machine through
    //! `config::load` and so are pinned here with fixed inputs.

    use super::*;

    #[test]
    fn default_cache_is_one_run_per_16_mib_of_memory() {
        assert_eq!(cached_workflows_for_memory(Some(8 << 30)), 512);
    }

    #[test]
    fn default_cache_is_clamped_on_small_and_large_machines() {
        assert_eq!(
            cached_workflows_for_memory(Some(128 << 20)),
            MIN_DEFAULT_MAX_CACHED_WORKFLOWS
        );
        assert_eq!(
            cached_workflows_for_memory(Some(1 << 40)),
            MAX_DEFAULT_MAX_CACHED_WORKFLOWS
        );
    }

    #[test]
    fn default_cache_falls_back_when_memory_is_unknown() {
        assert_eq!(
            cached_workflows_for_memory(None),
            FALLBACK_MAX_CACHED_WORKFLOWS
        );
    }

    #[test]
    fn mem_total_is_read_in_kilobytes() {
        let meminfo = "MemTotal:       24684092 kB\nMemFree:        16895496 kB\n";
        assert_eq!(mem_total_bytes(meminfo), Some(24_684_092 * 1024));
    }

    #[test]
    fn meminfo_without_a_readable_mem_total_gives_none() {
        assert_eq!(mem_total_bytes("MemFree: 1 kB\n"), None);
        assert_eq!(mem_total_bytes("MemTotal: lots kB\n"), None);
        assert_eq!(mem_total_bytes("MemTotal: 1024 pages\n"), None);
    }
}

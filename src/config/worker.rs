//! The `[worker]` section: how much work the worker takes on at once (fixed counts or the
//! resource-based `[worker.tuner]`), how many runs it keeps cached, and who it says it is (its
//! identity, build id and Worker Deployment).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::non_empty;
use super::raw::{RawTuner, RawWorker};
use super::settings::{DeploymentSettings, TunerSettings, UsageTarget, WorkerSettings};
use crate::sandbox::VersioningBehavior;

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

/// Default `worker.tuner.target_memory_usage`: Temporal's SDKs' usual example, leaving a fifth
/// of the memory for the rest of the process and the machine.
pub const DEFAULT_TARGET_MEMORY_USAGE: f64 = 0.8;
/// Default `worker.tuner.target_cpu_usage`.
pub const DEFAULT_TARGET_CPU_USAGE: f64 = 0.9;
/// Default `worker.tuner.min_workflow_slots` (core's own default for resource-based slots).
pub const DEFAULT_MIN_WORKFLOW_SLOTS: usize = 2;
/// Default `worker.tuner.max_workflow_slots`.
pub const DEFAULT_MAX_WORKFLOW_SLOTS: usize = 1000;
/// Default `worker.tuner.max_activity_slots`: what core's fixed supplier gives without a tuner.
pub const DEFAULT_MAX_ACTIVITY_SLOTS: usize = 100;
/// Greatest slot count any `worker.tuner` key accepts.
pub const MAX_TUNER_SLOTS: usize = 100_000;

/// The sticky cache size used when `worker.max_cached_workflows` is unset: one cached run per
/// [`MEMORY_PER_CACHED_WORKFLOW`] of memory, between [`MIN_DEFAULT_MAX_CACHED_WORKFLOWS`] and
/// [`MAX_DEFAULT_MAX_CACHED_WORKFLOWS`], or [`FALLBACK_MAX_CACHED_WORKFLOWS`] when the memory
/// cannot be read. The memory is the container's limit (cgroup v2 or v1) when that is below the
/// machine's. Public so that tests and tools can state what this machine gets.
pub fn default_max_cached_workflows() -> usize {
    cached_workflows_for_memory(memory_bytes())
}

/// The default sticky cache with `[worker.tuner]`: sized as [`default_max_cached_workflows`]
/// within `target_memory_usage` of the memory, so that parked runs alone never hold the memory
/// above the target at which the tuner stops handing out slots.
pub fn default_max_cached_workflows_within(target_memory_usage: f64) -> usize {
    let share = |bytes: u64| (bytes as f64 * target_memory_usage.clamp(0.0, 1.0)) as u64;
    cached_workflows_for_memory(memory_bytes().map(share))
}

/// The memory this worker may use: the machine's, or its container's limit when lower.
fn memory_bytes() -> Option<u64> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let total = read("/proc/meminfo").as_deref().and_then(mem_total_bytes);
    let limit = read("/sys/fs/cgroup/memory.max")
        .or_else(|| read("/sys/fs/cgroup/memory/memory.limit_in_bytes"))
        .as_deref()
        .and_then(cgroup_limit_bytes);
    match (total, limit) {
        (Some(total), Some(limit)) => Some(total.min(limit)),
        (total, limit) => total.or(limit),
    }
}

/// A cgroup memory limit file's value in bytes; `None` for `max` (no limit) or unreadable text.
fn cgroup_limit_bytes(text: &str) -> Option<u64> {
    text.trim().parse().ok()
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
    let tuner = raw.tuner.map(validate_tuner).transpose()?;
    let max_cached_workflows = raw.max_cached_workflows.unwrap_or_else(|| match &tuner {
        Some(tuner) => default_max_cached_workflows_within(tuner.target_memory_usage.get()),
        None => default_max_cached_workflows(),
    });
    if max_cached_workflows > MAX_CACHED_WORKFLOWS_LIMIT {
        return Err((
            "worker.max_cached_workflows",
            format!(
                "must be between 0 and {MAX_CACHED_WORKFLOWS_LIMIT}, got {max_cached_workflows}"
            ),
        ));
    }
    if let (Some(_), Some(count)) = (&tuner, raw.max_outstanding_workflow_tasks) {
        return Err((
            "worker.max_outstanding_workflow_tasks",
            format!(
                "cannot be combined with [worker.tuner], whose slots replace the fixed count \
                 (set worker.tuner.max_workflow_slots instead), got {count}"
            ),
        ));
    }
    let max_outstanding_workflow_tasks = match &tuner {
        Some(tuner) => tuner.max_workflow_slots,
        None => raw
            .max_outstanding_workflow_tasks
            .unwrap_or(DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS),
    };
    let minimum_outstanding = if max_cached_workflows > 0 { 2 } else { 1 };
    if tuner.is_none() && max_outstanding_workflow_tasks < minimum_outstanding {
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
    let deployment = validate_deployment(raw.deployment_name, raw.deployment_versioning_behavior)?;
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
        tuner,
        deployment,
    })
}

/// Validates `[worker.tuner]`, filling in the documented defaults.
fn validate_tuner(raw: RawTuner) -> Result<TunerSettings, (&'static str, String)> {
    let target = |key: &'static str, value: Option<f64>, default: f64| {
        let share = value.unwrap_or(default);
        UsageTarget::new(share).ok_or((
            key,
            format!("must be a share above 0 and at most 1 (0.8 is 80 %), got {share}"),
        ))
    };
    let slots = |key: &'static str, value: Option<usize>, default: usize| {
        let count = value.unwrap_or(default);
        if (1..=MAX_TUNER_SLOTS).contains(&count) {
            Ok(count)
        } else {
            Err((
                key,
                format!("must be between 1 and {MAX_TUNER_SLOTS}, got {count}"),
            ))
        }
    };
    let min_workflow_slots = slots(
        "worker.tuner.min_workflow_slots",
        raw.min_workflow_slots,
        DEFAULT_MIN_WORKFLOW_SLOTS,
    )?;
    let max_workflow_slots = slots(
        "worker.tuner.max_workflow_slots",
        raw.max_workflow_slots,
        DEFAULT_MAX_WORKFLOW_SLOTS,
    )?;
    if max_workflow_slots < min_workflow_slots {
        return Err((
            "worker.tuner.max_workflow_slots",
            format!(
                "must not be below worker.tuner.min_workflow_slots ({min_workflow_slots}), \
                 got {max_workflow_slots}"
            ),
        ));
    }
    Ok(TunerSettings {
        target_memory_usage: target(
            "worker.tuner.target_memory_usage",
            raw.target_memory_usage,
            DEFAULT_TARGET_MEMORY_USAGE,
        )?,
        target_cpu_usage: target(
            "worker.tuner.target_cpu_usage",
            raw.target_cpu_usage,
            DEFAULT_TARGET_CPU_USAGE,
        )?,
        min_workflow_slots,
        max_workflow_slots,
        max_activity_slots: slots(
            "worker.tuner.max_activity_slots",
            raw.max_activity_slots,
            DEFAULT_MAX_ACTIVITY_SLOTS,
        )?,
    })
}

/// Validates `worker.deployment_name` and the behavior that only makes sense with it.
fn validate_deployment(
    name: Option<String>,
    behavior: Option<VersioningBehavior>,
) -> Result<Option<DeploymentSettings>, (&'static str, String)> {
    let Some(name) = name else {
        return match behavior {
            Some(_) => Err((
                "worker.deployment_versioning_behavior",
                "needs worker.deployment_name: without a Worker Deployment there is no versioned \
                 routing to steer"
                    .to_owned(),
            )),
            None => Ok(None),
        };
    };
    let key = "worker.deployment_name";
    let name = non_empty(name).ok_or((key, "must not be empty".to_owned()))?;
    // Temporal writes a version as `<deployment>.<build id>`, so the name cannot hold the dot.
    if name.contains('.') || name.chars().any(char::is_whitespace) {
        return Err((
            key,
            format!(
                "must not contain `.` or whitespace (Temporal names a version \
                 `<deployment>.<build id>`), got `{name}`"
            ),
        ));
    }
    Ok(Some(DeploymentSettings {
        name,
        versioning_behavior: behavior.unwrap_or(VersioningBehavior::AutoUpgrade),
    }))
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
    fn cgroup_limits_are_bytes_and_max_is_no_limit() {
        assert_eq!(cgroup_limit_bytes("536870912\n"), Some(512 << 20));
        assert_eq!(cgroup_limit_bytes("max\n"), None);
    }

    #[test]
    fn meminfo_without_a_readable_mem_total_gives_none() {
        assert_eq!(mem_total_bytes("MemFree: 1 kB\n"), None);
        assert_eq!(mem_total_bytes("MemTotal: lots kB\n"), None);
        assert_eq!(mem_total_bytes("MemTotal: 1024 pages\n"), None);
    }
}

//! The `[workflow_defaults]` and `[workflows.<Type>]` sections: which bundle serves each
//! workflow type, and the limits its instances run under.
//!
//! Every limit key may be set in both sections; a workflow's own value wins, then the
//! section's default, then `InstanceLimits::DEFAULT`, which holds the one copy of each default.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::ops::RangeInclusive;
use std::path::Path;
use std::time::Duration;

use super::raw::{RawWorkflow, RawWorkflowDefaults};
use crate::sandbox::BundleSpec;
use crate::sandbox::InstanceLimits;

/// Default run deadline (each activation's, for a durable workflow).
pub const DEFAULT_DEADLINE: Duration = InstanceLimits::DEFAULT.deadline;
/// Default memory cap per instance, in MiB.
pub const DEFAULT_MEMORY_LIMIT_MIB: u32 = (InstanceLimits::DEFAULT.memory_limit_bytes >> 20) as u32;
/// Largest memory cap a 32-bit wasm memory can use, in MiB.
pub const MAX_MEMORY_LIMIT_MIB: u32 = 4096;

// DEFAULT_MEMORY_LIMIT_MIB would round a default that is not whole MiB.
const _: () = assert!(
    InstanceLimits::DEFAULT
        .memory_limit_bytes
        .is_multiple_of(1 << 20)
);

/// Accepted `deadline_ms`. (A run longer than Temporal's default 10 s workflow task timeout could
/// never complete its task.)
const DEADLINE_MS: RangeInclusive<u64> = 1..=60_000;
/// Accepted `memory_limit_mib`.
const MEMORY_LIMIT_MIB: RangeInclusive<u32> = 1..=MAX_MEMORY_LIMIT_MIB;
/// Accepted `max_handles` and `max_pending_commands`: at least one, or no workflow could wait on
/// anything; at most a million, far past any real workflow, so the host's tables stay bounded.
const HANDLES_OR_COMMANDS: RangeInclusive<u32> = 1..=1_000_000;
/// Accepted `max_result_mib`: as much as one 32-bit guest could ever take in.
const MAX_RESULT_MIB: RangeInclusive<u32> = 1..=4096;

/// The limit keys of one table (`[workflow_defaults]` or `[workflows.<Type>]`), as written.
struct LimitKeys {
    deadline_ms: Option<u64>,
    memory_limit_mib: Option<u32>,
    max_handles: Option<u32>,
    max_pending_commands: Option<u32>,
    max_result_mib: Option<u32>,
}

/// Validates every registered workflow, each falling back to `defaults` for what it leaves
/// unset; modules resolve against `config_dir`. Errors are `(dotted key, problem)`.
pub(super) fn validate_workflows(
    defaults: RawWorkflowDefaults,
    raw_workflows: BTreeMap<String, RawWorkflow>,
    config_dir: &Path,
) -> Result<Vec<BundleSpec>, (String, String)> {
    let value_error = |key: &str, problem: String| (key.to_owned(), problem);
    let default_limits = apply_limits(
        InstanceLimits::DEFAULT,
        LimitKeys {
            deadline_ms: defaults.deadline_ms,
            memory_limit_mib: defaults.memory_limit_mib,
            max_handles: defaults.max_handles,
            max_pending_commands: defaults.max_pending_commands,
            max_result_mib: defaults.max_result_mib,
        },
        "workflow_defaults",
    )?;

    if raw_workflows.is_empty() {
        return Err(value_error(
            "workflows",
            "registers no workflow type: add a `[workflows.<Type>]` table with a `module`".into(),
        ));
    }
    let mut workflows = Vec::with_capacity(raw_workflows.len());
    for (workflow_type, workflow) in raw_workflows {
        if workflow_type.trim().is_empty() {
            return Err(value_error(
                "workflows",
                "has a table with an empty type name".into(),
            ));
        }
        let limits = apply_limits(
            default_limits,
            LimitKeys {
                deadline_ms: workflow.deadline_ms,
                memory_limit_mib: workflow.memory_limit_mib,
                max_handles: workflow.max_handles,
                max_pending_commands: workflow.max_pending_commands,
                max_result_mib: workflow.max_result_mib,
            },
            &format!("workflows.{workflow_type}"),
        )?;
        if workflow.module.as_os_str().is_empty() {
            return Err(value_error(
                &format!("workflows.{workflow_type}.module"),
                "must name a .wasm file".into(),
            ));
        }
        if let Some(index) = workflow
            .previous_modules
            .iter()
            .position(|module| module.as_os_str().is_empty())
        {
            return Err(value_error(
                &format!("workflows.{workflow_type}.previous_modules[{index}]"),
                "must name a .wasm file".into(),
            ));
        }
        workflows.push(BundleSpec {
            module_path: config_dir.join(&workflow.module),
            previous_modules: workflow
                .previous_modules
                .iter()
                .map(|module| config_dir.join(module))
                .collect(),
            limits,
            on_guest_bug: workflow
                .on_guest_bug
                .or(defaults.on_guest_bug)
                .unwrap_or_default(),
            versioning: workflow
                .versioning_behavior
                .or(defaults.versioning_behavior)
                .unwrap_or_default(),
            workflow_type,
        });
    }
    Ok(workflows)
}

/// `base` with every key that `keys` sets, each checked against its range; an error names the
/// key as `<table>.<key>`.
fn apply_limits(
    base: InstanceLimits,
    keys: LimitKeys,
    table: &str,
) -> Result<InstanceLimits, (String, String)> {
    let mut limits = base;
    if let Some(ms) = keys.deadline_ms {
        let ms = check_range(table, "deadline_ms", ms, DEADLINE_MS, " ms")?;
        limits.deadline = Duration::from_millis(ms);
    }
    if let Some(mib) = keys.memory_limit_mib {
        let unit = " MiB (a 32-bit wasm memory)";
        let mib = check_range(table, "memory_limit_mib", mib, MEMORY_LIMIT_MIB, unit)?;
        limits.memory_limit_bytes = u64::from(mib) << 20;
    }
    if let Some(handles) = keys.max_handles {
        limits.max_handles = check_range(table, "max_handles", handles, HANDLES_OR_COMMANDS, "")?;
    }
    if let Some(commands) = keys.max_pending_commands {
        let key = "max_pending_commands";
        limits.max_pending_commands = check_range(table, key, commands, HANDLES_OR_COMMANDS, "")?;
    }
    if let Some(mib) = keys.max_result_mib {
        let mib = check_range(table, "max_result_mib", mib, MAX_RESULT_MIB, " MiB")?;
        limits.max_result_bytes = u64::from(mib) << 20;
    }
    Ok(limits)
}

/// `value` when it lies in `range`; otherwise `(<table>.<key>, problem)`, the problem stating
/// the range in `unit`.
fn check_range<T: PartialOrd + Display>(
    table: &str,
    key: &str,
    value: T,
    range: RangeInclusive<T>,
    unit: &str,
) -> Result<T, (String, String)> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err((
            format!("{table}.{key}"),
            format!(
                "must be between {} and {}{unit}, got {value}",
                range.start(),
                range.end()
            ),
        ))
    }
}

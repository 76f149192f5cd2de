//! The `[workflow_defaults]` and `[workflows.<Type>]` sections: which bundle serves each
//! workflow type, and the limits its instances run under.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use super::raw::{RawWorkflow, RawWorkflowDefaults};
use crate::sandbox::BundleSpec;
use crate::sandbox::InstanceLimits;

/// Default run deadline.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(2);
/// Default memory cap per run, in MiB.
pub const DEFAULT_MEMORY_LIMIT_MIB: u32 = 64;
/// Largest memory cap a 32-bit wasm memory can use, in MiB.
pub const MAX_MEMORY_LIMIT_MIB: u32 = 4096;

/// Validates every registered workflow, each falling back to `defaults` for what it leaves
/// unset; modules resolve against `config_dir`. Errors are `(dotted key, problem)`.
pub(super) fn validate_workflows(
    defaults: RawWorkflowDefaults,
    raw_workflows: BTreeMap<String, RawWorkflow>,
    config_dir: &Path,
) -> Result<Vec<BundleSpec>, (String, String)> {
    let value_error = |key: &str, problem: String| (key.to_owned(), problem);
    let default_deadline_ms = defaults
        .deadline_ms
        .unwrap_or(DEFAULT_DEADLINE.as_millis() as u64);
    let default_memory_mib = defaults
        .memory_limit_mib
        .unwrap_or(DEFAULT_MEMORY_LIMIT_MIB);
    check_deadline(default_deadline_ms)
        .map_err(|problem| value_error("workflow_defaults.deadline_ms", problem))?;
    check_memory_limit(default_memory_mib)
        .map_err(|problem| value_error("workflow_defaults.memory_limit_mib", problem))?;

    if raw_workflows.is_empty() {
        return Err(value_error(
            "workflows",
            "registers no workflow type: add a `[workflows.<Type>]` table with a `module`".into(),
        ));
    }
    let mut workflows = Vec::with_capacity(raw_workflows.len());
    for (workflow_type, workflow) in raw_workflows {
        let key = |field: &str| format!("workflows.{workflow_type}.{field}");
        if workflow_type.trim().is_empty() {
            return Err(value_error(
                "workflows",
                "has a table with an empty type name".into(),
            ));
        }
        let deadline_ms = workflow.deadline_ms.unwrap_or(default_deadline_ms);
        check_deadline(deadline_ms).map_err(|problem| value_error(&key("deadline_ms"), problem))?;
        let memory_mib = workflow.memory_limit_mib.unwrap_or(default_memory_mib);
        check_memory_limit(memory_mib)
            .map_err(|problem| value_error(&key("memory_limit_mib"), problem))?;
        if workflow.module.as_os_str().is_empty() {
            return Err(value_error(&key("module"), "must name a .wasm file".into()));
        }
        workflows.push(BundleSpec {
            module_path: config_dir.join(&workflow.module),
            limits: InstanceLimits {
                deadline: Duration::from_millis(deadline_ms),
                memory_limit_bytes: u64::from(memory_mib) * 1024 * 1024,
                ..InstanceLimits::DEFAULT
            },
            on_guest_bug: workflow
                .on_guest_bug
                .or(defaults.on_guest_bug)
                .unwrap_or_default(),
            workflow_type,
        });
    }
    Ok(workflows)
}

fn check_deadline(deadline_ms: u64) -> Result<(), String> {
    // A run longer than Temporal's default 10 s workflow task timeout could never complete its task.
    if (1..=60_000).contains(&deadline_ms) {
        Ok(())
    } else {
        Err(format!("must be between 1 and 60000 ms, got {deadline_ms}"))
    }
}

fn check_memory_limit(memory_mib: u32) -> Result<(), String> {
    if (1..=MAX_MEMORY_LIMIT_MIB).contains(&memory_mib) {
        Ok(())
    } else {
        Err(format!(
            "must be between 1 and {MAX_MEMORY_LIMIT_MIB} MiB (a 32-bit wasm memory), got {memory_mib}"
        ))
    }
}

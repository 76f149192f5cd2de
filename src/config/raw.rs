//! The file's shape as serde reads it, before validation: every key optional where it has a
//! default, and unknown keys refused (`deny_unknown_fields`) so a typo names itself.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

use super::settings::{LogFormat, Secret};
use crate::sandbox::{GuestBugPolicy, VersioningBehavior};

/// The whole file, one field per section.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub temporal: RawTemporal,
    #[serde(default)]
    pub worker: RawWorker,
    #[serde(default)]
    pub workflow_defaults: RawWorkflowDefaults,
    #[serde(default)]
    pub workflows: BTreeMap<String, RawWorkflow>,
    #[serde(default)]
    pub metrics: RawMetrics,
    #[serde(default)]
    pub logging: RawLogging,
    #[serde(default)]
    pub http_activities: super::http::RawHttpActivities,
}

/// `[metrics]`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMetrics {
    pub prometheus_address: Option<String>,
    pub max_guest_label_sets: Option<usize>,
}

/// `[logging]`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLogging {
    pub format: Option<LogFormat>,
    pub level: Option<String>,
}

/// `[temporal]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTemporal {
    pub address: Option<String>,
    pub namespace: Option<String>,
    pub task_queue: String,
    pub api_key: Option<Secret>,
    pub profile: Option<String>,
    #[serde(default)]
    pub tls: RawTls,
}

/// `[temporal.tls]`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTls {
    pub enabled: Option<bool>,
    pub server_ca_cert: Option<PathBuf>,
    pub client_cert: Option<PathBuf>,
    pub client_key: Option<PathBuf>,
    pub server_name: Option<String>,
}

/// `[worker]`.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWorker {
    pub max_concurrent_runs: Option<u32>,
    pub max_outstanding_workflow_tasks: Option<usize>,
    pub max_cached_workflows: Option<usize>,
    pub identity: Option<String>,
    pub build_id: Option<String>,
    pub health_file: Option<PathBuf>,
    pub module_cache_dir: Option<PathBuf>,
    pub shutdown_timeout_secs: Option<u64>,
    pub deployment_name: Option<String>,
    pub deployment_versioning_behavior: Option<VersioningBehavior>,
    pub tuner: Option<RawTuner>,
}

/// `[worker.tuner]`: resource-based slots instead of fixed counts; present (even empty) means on.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTuner {
    pub target_memory_usage: Option<f64>,
    pub target_cpu_usage: Option<f64>,
    pub min_workflow_slots: Option<usize>,
    pub max_workflow_slots: Option<usize>,
    pub max_activity_slots: Option<usize>,
}

/// `[workflow_defaults]`: what every `[workflows.<Type>]` gets unless it says otherwise.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWorkflowDefaults {
    pub deadline_ms: Option<u64>,
    pub memory_limit_mib: Option<u32>,
    pub max_handles: Option<u32>,
    pub max_pending_commands: Option<u32>,
    pub max_result_mib: Option<u32>,
    pub on_guest_bug: Option<GuestBugPolicy>,
    pub versioning_behavior: Option<VersioningBehavior>,
}

/// `[workflows.<Type>]`: one registered workflow type.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWorkflow {
    pub module: PathBuf,
    #[serde(default)]
    pub previous_modules: Vec<PathBuf>,
    pub deadline_ms: Option<u64>,
    pub memory_limit_mib: Option<u32>,
    pub max_handles: Option<u32>,
    pub max_pending_commands: Option<u32>,
    pub max_result_mib: Option<u32>,
    pub on_guest_bug: Option<GuestBugPolicy>,
    pub versioning_behavior: Option<VersioningBehavior>,
}

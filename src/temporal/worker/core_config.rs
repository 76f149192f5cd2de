//! The core worker's configuration, from the validated settings: what it polls, how many tasks
//! it takes (fixed counts or core's resource-based tuner), and the version it reports (a bare
//! build id, or a Worker Deployment version with versioned routing).

use std::sync::Arc;
use std::time::Duration;

use temporalio_common::worker::{
    VersioningBehavior as DeploymentBehavior, WorkerDeploymentOptions, WorkerDeploymentVersion,
    WorkerTaskTypes,
};
use temporalio_sdk_core::{
    ResourceBasedSlotsOptions, ResourceBasedTunerConfig, ResourceSlotOptions, SlotSupplierOptions,
    TunerHolderOptions, WorkerConfig, WorkerTuner, WorkerVersioningStrategy,
};

use super::{HEARTBEAT_THROTTLE, WorkerError};
use crate::config::{DeploymentSettings, Settings, TunerSettings};
use crate::sandbox::VersioningBehavior;

/// The core worker's configuration.
pub(super) fn core_config(
    settings: &Settings,
    build_id: &str,
) -> Result<WorkerConfig, WorkerError> {
    let (temporal, worker) = (&settings.temporal, &settings.worker);
    let http = settings.http_activities.enabled;
    let task_types = WorkerTaskTypes {
        enable_workflows: true,
        // HTTP activities run on the worker's own task queue, remote or local.
        enable_local_activities: http,
        enable_remote_activities: http,
        enable_nexus: false,
    };
    // Requests in flight at shutdown may finish within most of the shutdown timeout; then core
    // cancels them, so that the worker still exits within it.
    let grace = worker.shutdown_timeout.mul_f64(0.75);
    // Core takes either a tuner or fixed counts, never both.
    let tuner = worker
        .tuner
        .as_ref()
        .map(resource_based_tuner)
        .transpose()?;
    let fixed_slots = tuner
        .is_none()
        .then_some(worker.max_outstanding_workflow_tasks);
    WorkerConfig::builder()
        .namespace(temporal.namespace.clone())
        .task_queue(temporal.task_queue.clone())
        .task_types(task_types)
        .graceful_shutdown_period(grace)
        .versioning_strategy(versioning_strategy(worker.deployment.as_ref(), build_id))
        .client_identity_override(worker.identity.clone())
        .max_cached_workflows(worker.max_cached_workflows)
        .maybe_tuner(tuner)
        .maybe_max_outstanding_workflow_tasks(fixed_slots)
        // HTTP activities heartbeat every second so that a cancellation reaches them; core's
        // default would send heartbeats of activities without a heartbeat timeout every 30 s.
        .default_heartbeat_throttle_interval(HEARTBEAT_THROTTLE)
        .build()
        .map_err(WorkerError::Config)
}

/// The build id alone, or as a Worker Deployment version with versioned routing: Temporal then
/// sends this worker only the runs of a version made current (or ramping), and the runs pinned to
/// it, each run taking the configured behavior unless it has one.
fn versioning_strategy(
    deployment: Option<&DeploymentSettings>,
    build_id: &str,
) -> WorkerVersioningStrategy {
    let Some(deployment) = deployment else {
        return WorkerVersioningStrategy::None {
            build_id: build_id.to_owned(),
        };
    };
    let version = WorkerDeploymentVersion::builder()
        .deployment_name(deployment.name.clone())
        .build_id(build_id.to_owned())
        .build();
    let behavior = match deployment.versioning_behavior {
        VersioningBehavior::Pinned => DeploymentBehavior::Pinned,
        VersioningBehavior::AutoUpgrade => DeploymentBehavior::AutoUpgrade,
    };
    WorkerVersioningStrategy::WorkerDeploymentBased(
        WorkerDeploymentOptions::new(version)
            .use_worker_versioning(true)
            .default_versioning_behavior(behavior)
            .build(),
    )
}

/// Core's resource-based slot suppliers for `[worker.tuner]`: workflow tasks between their floor
/// and ceiling with no ramp (they are short), activity tasks from one slot up, ramped as core's
/// defaults do so that a burst cannot overshoot the memory target before it shows.
fn resource_based_tuner(
    tuner: &TunerSettings,
) -> Result<Arc<dyn WorkerTuner + Send + Sync>, WorkerError> {
    let slots =
        |min, max, ramp_ms| ResourceSlotOptions::new(min, max, Duration::from_millis(ramp_ms));
    let activities = slots(1, tuner.max_activity_slots, 50);
    let targets = ResourceBasedSlotsOptions::builder()
        .target_mem_usage(tuner.target_memory_usage.get())
        .target_cpu_usage(tuner.target_cpu_usage.get())
        .build();
    let holder = TunerHolderOptions::builder()
        .workflow_slot_options(SlotSupplierOptions::ResourceBased(slots(
            tuner.min_workflow_slots,
            tuner.max_workflow_slots,
            0,
        )))
        .activity_slot_options(SlotSupplierOptions::ResourceBased(activities))
        .local_activity_slot_options(SlotSupplierOptions::ResourceBased(activities))
        .resource_based_config(ResourceBasedTunerConfig::Options(targets))
        .build_tuner_holder()
        .map_err(|err| WorkerError::Config(format!("[worker.tuner]: {err:#}")))?;
    Ok(Arc::new(holder))
}

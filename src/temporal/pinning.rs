//! Bundle versions pinned per run: every run of a durable bundle finishes on the exact bundle it
//! started with, however often it is evicted, moved to another worker or redeployed under.
//!
//! A new run records its bundle's version ([`crate::sandbox::Bundle::version`]) in its first
//! workflow task as a patch marker named `temporal-wasm-worker/bundle/sha256:…`; Temporal keeps
//! it in history (and, like every patch, lists it in the `TemporalChangeVersion` search
//! attribute, so operators can find the runs still on a version). When history replays, core
//! announces the marker in the run's first activation, before the guest starts, and the run gets
//! that version back — the current bundle or one of the workflow's `previous_modules` — or, when
//! this worker does not have it, its task fails naming the version and the ones registered, and
//! the wrong code never runs.
//!
//! That is the default, `versioning_behavior = "pinned"`. With `"auto_upgrade"` every run moves
//! to the current bundle at its next activation (Temporal's classic model: changes guarded with
//! `patched`, checked against recorded histories with `replay`, which always replays this way).
//!
//! Runs whose history has no marker (started before pinning, or on a one-shot bundle, which
//! never needs one: it ends in its first task) run the current bundle. New runs, continued-as-new
//! runs and children included, always start on the current bundle: continue-as-new is the
//! upgrade point of a long-running workflow.

use std::sync::Arc;

use temporalio_common::protos::coresdk::workflow_activation::{
    WorkflowActivation, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    SetPatchMarker, WorkflowCommand, workflow_command::Variant as Command,
};

use crate::sandbox::{Bundle, BundleVersions, VersioningBehavior};

/// What every pin marker's patch id starts with; the bundle's version follows.
pub const PIN_MARKER_PREFIX: &str = "temporal-wasm-worker/bundle/";

/// Failure type of a workflow task whose run is pinned to a version this worker does not have.
pub const BUNDLE_VERSION_NOT_REGISTERED_FAILURE_TYPE: &str = "BundleVersionNotRegistered";

/// Whether a patch id is a pin marker (the host's, never the guest's business).
pub fn is_pin_marker(patch_id: &str) -> bool {
    patch_id.starts_with(PIN_MARKER_PREFIX)
}

/// How a run came to its bundle, for logs and metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinSource {
    /// A new run: the current bundle, and the marker is recorded now.
    Recorded,
    /// History names the version.
    FromHistory,
    /// History has no marker: the current bundle.
    Unpinned,
}

impl PinSource {
    /// The metric label.
    pub fn label(self) -> &'static str {
        match self {
            PinSource::Recorded => "recorded",
            PinSource::FromHistory => "from_history",
            PinSource::Unpinned => "unpinned",
        }
    }
}

/// The bundle a run is to run, and the marker command its first completion starts with.
pub struct PinnedBundle {
    /// The bundle.
    pub bundle: Arc<Bundle>,
    /// The pin marker to (re)issue in the first activation, so that history records it or
    /// replay finds it again.
    pub marker: Option<WorkflowCommand>,
    /// How the bundle was chosen.
    pub source: PinSource,
}

/// History pins the run to a version this worker does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "run {run_id} of workflow type `{workflow_type}` started on bundle version {version}, \
     which is not registered on this worker; registered versions: {registered}. Add the bundle \
     with that digest to `previous_modules` of `[workflows.{workflow_type}]` so the run can \
     finish on the code it started with"
)]
pub struct VersionNotRegistered {
    /// The run.
    pub run_id: String,
    /// Its workflow type.
    pub workflow_type: String,
    /// The version history names.
    pub version: String,
    /// The versions this worker has, as [`BundleVersions::describe`] puts them.
    pub registered: String,
}

/// Chooses the bundle for a run from its first activation (the one with `InitializeWorkflow`,
/// and, when history has one, the pin marker's `NotifyHasPatch`), as `behavior` says: the
/// pinned version, or the current bundle (re-issuing the marker history holds, so that only
/// the guest's own commands are compared with history).
pub fn choose(
    versions: &BundleVersions,
    behavior: VersioningBehavior,
    activation: &WorkflowActivation,
) -> Result<PinnedBundle, VersionNotRegistered> {
    let pinned = activation.jobs.iter().find_map(|job| match &job.variant {
        Some(Job::NotifyHasPatch(patch)) => patch.patch_id.strip_prefix(PIN_MARKER_PREFIX),
        _ => None,
    });
    let current = versions.current();
    let chosen = |bundle: &Arc<Bundle>, marker: Option<&str>, source| PinnedBundle {
        bundle: Arc::clone(bundle),
        marker: marker.map(marker_for),
        source,
    };
    match (pinned, behavior) {
        (Some(version), VersioningBehavior::AutoUpgrade) => {
            Ok(chosen(current, Some(version), PinSource::FromHistory))
        }
        (Some(version), VersioningBehavior::Pinned) => match versions.find(version) {
            Some(bundle) => Ok(chosen(bundle, Some(version), PinSource::FromHistory)),
            None => Err(VersionNotRegistered {
                run_id: activation.run_id.clone(),
                workflow_type: current.workflow_type().to_owned(),
                version: version.to_owned(),
                registered: versions.describe(),
            }),
        },
        (None, _) if activation.is_replaying || !current.is_durable() => {
            Ok(chosen(current, None, PinSource::Unpinned))
        }
        (None, _) => Ok(chosen(
            current,
            Some(&current.version()),
            PinSource::Recorded,
        )),
    }
}

/// The pin marker for `version`. Deprecated, in core's terms: a later worker that stopped
/// issuing it would still replay the history without a nondeterminism error.
fn marker_for(version: &str) -> WorkflowCommand {
    Command::SetPatchMarker(SetPatchMarker {
        patch_id: format!("{PIN_MARKER_PREFIX}{version}"),
        deprecated: true,
    })
    .into()
}

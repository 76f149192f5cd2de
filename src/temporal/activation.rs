//! Routing activations to runs: the run cache, the limits on guests running and instances alive
//! at once, and evictions.
//!
//! Core hands out one outstanding activation per run, so a run is taken out of the cache while
//! its activation is processed and put back with its completion. `RemoveFromCache` drops the run
//! (and with it a parked guest's instance); a nondeterminism eviction is reported with the calls
//! the guest made. The meaning of each job is [`WorkflowRun`]'s business.

use std::collections::HashMap;
use std::sync::atomic::AtomicUsize;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use temporalio_common::protos::coresdk::workflow_activation::{
    RemoveFromCache, WorkflowActivation, remove_from_cache::EvictionReason,
    workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_completion::WorkflowActivationCompletion;
use tokio::sync::Semaphore;

use crate::convert::{self, WorkerContext};
use crate::metrics::WorkerMetrics;
use crate::sandbox::{BundleRegistry, VersioningBehavior};
use crate::temporal::pinning;
use crate::temporal::workflow_run::{Activated, WorkflowRun};

mod instance_slots;

pub use crate::temporal::ending::{GUEST_BUG_FAILURE_TYPE, terminal_command};
pub use crate::temporal::workflow_run::UNSUPPORTED_BY_ABI_FAILURE_TYPE;

/// Failure type of a workflow task for a type the worker has no bundle for.
pub const UNKNOWN_WORKFLOW_TYPE_FAILURE_TYPE: &str = "UnknownWorkflowType";
/// Failure type of a workflow task the worker itself could not process.
pub const WORKER_ERROR_FAILURE_TYPE: &str = "WorkerError";

/// Asks core to evict a run (`Worker::request_workflow_eviction`).
pub type EvictionRequester = Box<dyn Fn(&str) + Send + Sync>;

/// Durable instances alive at once when the worker does not say (tests, benchmarks).
const DEFAULT_INSTANCE_SLOTS: usize = 1024;

/// One cached run: `None` while its activation is being processed.
struct CachedRun {
    run: Option<WorkflowRun>,
    last_used: u64,
    /// Whether core was asked to evict it for a run waiting for a pool slot.
    eviction_asked: bool,
}

/// The runs core has cached, by run id, with a use counter for least-recently-used eviction.
#[derive(Default)]
struct RunCache {
    runs: HashMap<String, CachedRun>,
    clock: u64,
}

/// Turns activations into completions; shared by every task of the worker loop.
pub struct ActivationHandler {
    bundles: Arc<BundleRegistry>,
    context: WorkerContext,
    /// Guests running at once (each on a blocking thread).
    run_slots: Semaphore,
    /// Durable instances alive at once: what the engine's pool can hold beyond running guests.
    instance_slots: Arc<Semaphore>,
    /// New runs waiting for an instance slot: each needs one eviction asked for it.
    slot_waiters: AtomicUsize,
    cache: Mutex<RunCache>,
    metrics: Arc<WorkerMetrics>,
    /// How to ask core to evict a run when the pool is full.
    evict: EvictionRequester,
    /// Overrides every workflow type's `versioning_behavior` (replays run the current bundle).
    versioning: Option<VersioningBehavior>,
}

impl ActivationHandler {
    /// A handler that runs at most `max_concurrent_runs` guests at once.
    pub fn new(
        bundles: Arc<BundleRegistry>,
        context: WorkerContext,
        max_concurrent_runs: u32,
        metrics: Arc<WorkerMetrics>,
    ) -> ActivationHandler {
        ActivationHandler {
            bundles,
            context,
            run_slots: Semaphore::new(max_concurrent_runs.max(1) as usize),
            instance_slots: Arc::new(Semaphore::new(DEFAULT_INSTANCE_SLOTS)),
            slot_waiters: AtomicUsize::new(0),
            cache: Mutex::new(RunCache::default()),
            metrics,
            evict: Box::new(|_| {}),
            versioning: None,
        }
    }

    /// Runs every workflow type as `behavior` says, whatever its configuration: a replay of
    /// recorded histories checks the current bundles with [`VersioningBehavior::AutoUpgrade`].
    pub fn with_versioning(mut self, behavior: VersioningBehavior) -> Self {
        self.versioning = Some(behavior);
        self
    }

    /// Lets at most `slots` durable instances live at once; when they are all taken, the least
    /// recently used parked run is evicted through `evict` rather than the activation failing.
    pub fn with_instance_pool(mut self, slots: u32, evict: EvictionRequester) -> Self {
        self.instance_slots = Arc::new(Semaphore::new(slots.max(1) as usize));
        self.evict = evict;
        self
    }

    /// Number of runs core currently has cached (and so this handler remembers).
    pub fn known_run_count(&self) -> usize {
        self.cache().runs.len()
    }

    /// The calls the guest of `run_id` made in its last activation, as logs read them (empty
    /// for a run this handler does not know), so that a replay can report what differed.
    pub fn last_calls_of(&self, run_id: &str) -> Vec<String> {
        self.cache()
            .runs
            .get(run_id)
            .and_then(|cached| cached.run.as_ref())
            .map(|run| run.last_calls().to_vec())
            .unwrap_or_default()
    }

    fn cache(&self) -> MutexGuard<'_, RunCache> {
        // The map holds plain data; a panic elsewhere cannot leave it inconsistent.
        self.cache.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Handles one activation and returns the completion to send back to core.
    pub async fn handle(&self, activation: WorkflowActivation) -> WorkflowActivationCompletion {
        let run_id = activation.run_id.clone();
        if let Some(eviction) = eviction_of(&activation) {
            // Evictions arrive alone; dropping the run drops its instance.
            self.forget(&run_id, eviction);
            return WorkflowActivationCompletion::empty(run_id);
        }
        let cached = self
            .cache()
            .runs
            .get_mut(&run_id)
            .map(|cached| cached.run.take());
        let mut run = match cached {
            Some(Some(run)) => run,
            Some(None) => {
                return host_error(run_id, "an activation arrived while the previous one of the same run was still being processed".to_owned());
            }
            None => match self.new_run(&activation) {
                Ok(run) => run,
                Err(completion) => return *completion,
            },
        };
        if starts_instance(&activation, &run) {
            run.hold_slot(self.instance_slot().await);
        }
        let activated = match self.activate_on_blocking_thread(run, activation).await {
            Ok((mut run, activated)) => {
                self.record(&mut run, &activated);
                let mut cache = self.cache();
                cache.clock += 1;
                let last_used = cache.clock;
                // An eviction already asked for stays asked: core will still deliver it.
                let cached = cache.runs.entry(run_id).or_insert(CachedRun {
                    run: None,
                    last_used,
                    eviction_asked: false,
                });
                cached.run = Some(run);
                cached.last_used = last_used;
                activated
            }
            Err(message) => {
                self.cache().runs.remove(&run_id);
                return host_error(run_id, message);
            }
        };
        activated.completion
    }

    /// A run for an activation of a run this handler does not know: it must initialize it.
    fn new_run(
        &self,
        activation: &WorkflowActivation,
    ) -> Result<WorkflowRun, Box<WorkflowActivationCompletion>> {
        let init = activation.jobs.iter().find_map(|job| match &job.variant {
            Some(Job::InitializeWorkflow(init)) => Some(init),
            _ => None,
        });
        let run_id = activation.run_id.clone();
        let Some(init) = init else {
            // Core always initializes a run first; failing the task makes it replay from there.
            let failure = convert::host_failure(
                format!("activation for run {run_id}, which this worker has not initialized"),
                GUEST_BUG_FAILURE_TYPE,
                false,
            );
            return Err(Box::new(WorkflowActivationCompletion::fail(
                run_id, failure, None,
            )));
        };
        let Some(versions) = self.bundles.versions(&init.workflow_type) else {
            let registered: Vec<&str> = self.bundles.workflow_types().collect();
            let message = format!(
                "workflow type `{}` is not registered on this worker; registered types: {}",
                init.workflow_type,
                registered.join(", ")
            );
            tracing::warn!(%run_id, workflow_id = %init.workflow_id, "{message}");
            self.metrics.record_unknown_type(&init.workflow_type);
            let failure = convert::host_failure(message, UNKNOWN_WORKFLOW_TYPE_FAILURE_TYPE, false);
            return Err(Box::new(WorkflowActivationCompletion::fail(
                run_id, failure, None,
            )));
        };
        let behavior = self.versioning.unwrap_or(versions.behavior());
        let pinned = match pinning::choose(versions, behavior, activation) {
            Ok(pinned) => pinned,
            Err(missing) => {
                tracing::warn!(%run_id, workflow_id = %init.workflow_id, "{missing}");
                self.metrics
                    .record_missing_version(&missing.workflow_type, &missing.version);
                let failure = convert::host_failure(
                    missing.to_string(),
                    pinning::BUNDLE_VERSION_NOT_REGISTERED_FAILURE_TYPE,
                    false,
                );
                return Err(Box::new(WorkflowActivationCompletion::fail(
                    run_id, failure, None,
                )));
            }
        };
        tracing::debug!(
            %run_id,
            workflow_id = %init.workflow_id,
            bundle = %pinned.bundle.version(),
            pin = pinned.source.label(),
            "run starts its bundle"
        );
        Ok(WorkflowRun::pinned(run_id, pinned, self.context.clone()))
    }

    /// Runs the activation on a blocking thread, holding one of the run slots.
    async fn activate_on_blocking_thread(
        &self,
        mut run: WorkflowRun,
        activation: WorkflowActivation,
    ) -> Result<(WorkflowRun, Activated), String> {
        let _slot = self
            .run_slots
            .acquire()
            .await
            .map_err(|_| "the run slots were closed".to_owned())?;
        let _in_flight = self.metrics.instance_started();
        tokio::task::spawn_blocking(move || {
            let activated = run.activate(activation);
            (run, activated)
        })
        .await
        .map_err(|err| format!("the run's thread failed: {err}"))
    }

    fn record(&self, run: &mut WorkflowRun, activated: &Activated) {
        for metric in run.take_metrics() {
            self.metrics
                .record_guest_metric(run.workflow_type(), &metric);
        }
        let Some(finished) = activated.finished else {
            return;
        };
        if let Some(kind) = finished.bug_kind {
            self.metrics.record_guest_bug(run.workflow_type(), kind);
        }
        if !self.metrics.is_recording() {
            // The bundle's version is formatted for the label alone.
            return;
        }
        self.metrics.record_run(
            run.workflow_type(),
            &run.bundle_version(),
            finished.outcome,
            finished.duration,
        );
    }

    /// Drops an evicted run, reporting nondeterminism with what the guest did.
    fn forget(&self, run_id: &str, eviction: &RemoveFromCache) {
        // The entry leaves the cache only after the run (and its pool slot) is dropped: a run
        // waiting for a slot counts the evictions still in the cache, and would otherwise ask
        // for a second one while this one's slot is on its way back.
        let forgotten = self
            .cache()
            .runs
            .get_mut(run_id)
            .and_then(|cached| cached.run.take());
        let workflow_id = forgotten.as_ref().map(WorkflowRun::workflow_id);
        if eviction.reason() == EvictionReason::Nondeterminism {
            let workflow_type = forgotten
                .as_ref()
                .map_or("unknown", WorkflowRun::workflow_type);
            let calls = forgotten
                .as_ref()
                .map(|run| run.last_calls().join(", "))
                .filter(|calls| !calls.is_empty())
                .unwrap_or_else(|| "none".to_owned());
            self.metrics.record_nondeterminism(workflow_type);
            tracing::warn!(
                %run_id,
                workflow_id,
                %workflow_type,
                "nondeterminism: the guest's commands differ from the workflow's history: {}; \
                 the guest's calls in its last activation: {calls}",
                eviction.message
            );
        } else {
            tracing::debug!(%run_id, workflow_id, reason = %eviction.message, "run evicted");
        }
        drop(forgotten);
        self.cache().runs.remove(run_id);
    }
}

/// The eviction job, when the activation is one.
fn eviction_of(activation: &WorkflowActivation) -> Option<&RemoveFromCache> {
    activation.jobs.iter().find_map(|job| match &job.variant {
        Some(Job::RemoveFromCache(eviction)) => Some(eviction),
        _ => None,
    })
}

/// Whether this activation creates the run's durable instance (which needs a pool slot).
fn starts_instance(activation: &WorkflowActivation, run: &WorkflowRun) -> bool {
    run.is_durable()
        && activation
            .jobs
            .iter()
            .any(|job| matches!(job.variant, Some(Job::InitializeWorkflow(_))))
}

/// A failure of the host itself, never the guest's: the task is retried.
fn host_error(run_id: String, message: String) -> WorkflowActivationCompletion {
    tracing::error!(%run_id, "{message}");
    let failure = convert::host_failure(message, WORKER_ERROR_FAILURE_TYPE, false);
    WorkflowActivationCompletion::fail(run_id, failure, None)
}

//! One workflow run — one `run_id` — from its first activation to its eviction.
//!
//! A run owns its guest (a one-shot run of an ABI v0 bundle, or a durable [`Instance`] parked
//! between activations), the handle ↔ sequence-number tables, and the replay flag. It turns each
//! activation's jobs into that activation's completion without any server handle, so the worker,
//! unit tests, `exec` and a replay tool all drive it the same way: [`WorkflowRun::activate`].
//!
//! Per activation, following core's contract: every job is applied first (resolutions make
//! handles ready, a new seed reseeds `random`, signals queue, patches are noted), then the guest
//! resumes once; the calls it makes before parking again, in order, are the commands. Queries
//! never resume the guest. The job → handle mapping is in `proto-notes/abi-v1-reference.md`.

mod completion;

use std::sync::Arc;
use std::time::Instant;

use temporalio_common::protos::coresdk::workflow_activation::{
    InitializeWorkflow, QueryWorkflow, WorkflowActivation, WorkflowActivationJob,
    workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    WorkflowCommand, workflow_command::Variant as Command,
};
use temporalio_common::protos::coresdk::workflow_completion::WorkflowActivationCompletion;
use tokio::sync::OwnedSemaphorePermit;

use crate::abi::{self, MetricRequest};
use crate::convert::{self, RunContext, WorkerContext};
use crate::metrics::RunOutcome;
use crate::sandbox::Bundle;
use crate::sandbox::host::LogContext;
use crate::sandbox::instance::{Instance, StartInputs, Step};
use crate::sandbox::published::QueryView;
use crate::temporal::ending::GUEST_BUG_FAILURE_TYPE;
use crate::temporal::jobs::{self, JobContext};
use crate::temporal::local_activities::LocalActivities;
use crate::temporal::pinning::PinnedBundle;
use crate::temporal::queries;
use crate::temporal::sequences::Sequences;
use crate::temporal::updates::UpdateBook;

pub use crate::temporal::jobs::UNSUPPORTED_BY_ABI_FAILURE_TYPE;

/// Where a run's guest is.
enum Guest {
    /// No `InitializeWorkflow` yet.
    NotStarted,
    /// A durable guest between activations, with the pool slot it holds.
    Durable {
        instance: Instance,
        _slot: Option<OwnedSemaphorePermit>,
    },
    /// The run is over (or its guest hit a bug); the instance, if any, is gone.
    Ended,
}

/// A run that ended in an activation, for metrics.
#[derive(Clone, Copy, Debug)]
pub struct Finished {
    /// How it ended.
    pub outcome: RunOutcome,
    /// The guest bug's kind, when it was one.
    pub bug_kind: Option<&'static str>,
    /// Time from the first activation to the end.
    pub duration: std::time::Duration,
}

/// What one activation produced.
#[derive(Debug)]
pub struct Activated {
    /// The completion to send to core.
    pub completion: WorkflowActivationCompletion,
    /// Set when the run ended in this activation.
    pub finished: Option<Finished>,
}

/// One workflow run and everything the host keeps for it between activations.
pub struct WorkflowRun {
    run_id: String,
    bundle: Arc<Bundle>,
    worker: WorkerContext,
    context: RunContext,
    log: LogContext,
    guest: Guest,
    sequences: Sequences,
    started: Instant,
    /// The guest's calls in the last activation, for nondeterminism reports.
    last_calls: Vec<String>,
    /// The pool slot for the durable instance the next `InitializeWorkflow` creates.
    slot: Option<OwnedSemaphorePermit>,
    /// Updates delivered to the guest and not answered for good.
    updates: UpdateBook,
    /// What queries see once the guest is gone (a query after the run ended).
    final_view: Option<QueryView>,
    /// Metrics the guest emitted outside replay, for the worker to record.
    emitted: Vec<MetricRequest>,
    /// Local activities, for their backoffs and cancellation.
    local_activities: LocalActivities,
    /// Commands the host issues itself in this activation (local-activity backoffs).
    host_commands: Vec<WorkflowCommand>,
    /// Resolutions the host makes itself in this activation (a local activity cancelled
    /// while it waited out a backoff).
    host_resolutions: Vec<(abi::Handle, abi::Resolution)>,
}

impl WorkflowRun {
    /// A run of `bundle` with id `run_id`, waiting for its `InitializeWorkflow`.
    pub fn new(run_id: String, bundle: Arc<Bundle>, worker: WorkerContext) -> WorkflowRun {
        WorkflowRun {
            context: RunContext {
                workflow_type: bundle.workflow_type().to_owned(),
                task_queue: worker.task_queue.clone(),
                namespace: worker.namespace.clone(),
                run_id: run_id.clone(),
            },
            log: LogContext {
                workflow_type: bundle.workflow_type().to_owned(),
                run_id: run_id.clone(),
                ..LogContext::default()
            },
            run_id,
            bundle,
            worker,
            guest: Guest::NotStarted,
            sequences: Sequences::default(),
            started: Instant::now(),
            last_calls: Vec::new(),
            slot: None,
            updates: UpdateBook::default(),
            final_view: None,
            emitted: Vec::new(),
            local_activities: LocalActivities::default(),
            host_commands: Vec::new(),
            host_resolutions: Vec::new(),
        }
    }

    /// A run of the bundle [`crate::temporal::pinning::choose`] picked for it; its first completion starts with
    /// the pin marker, when there is one.
    pub fn pinned(run_id: String, pinned: PinnedBundle, worker: WorkerContext) -> WorkflowRun {
        let mut run = WorkflowRun::new(run_id, pinned.bundle, worker);
        run.host_commands.extend(pinned.marker);
        run
    }

    /// The version of the bundle the run runs ([`Bundle::version`]).
    pub fn bundle_version(&self) -> String {
        self.bundle.version()
    }

    /// Gives the run the pool slot its durable instance will hold until the run ends.
    pub fn hold_slot(&mut self, slot: OwnedSemaphorePermit) {
        self.slot = Some(slot);
    }

    /// Whether the run's bundle is durable (its guest lives across activations).
    pub fn is_durable(&self) -> bool {
        self.bundle.is_durable()
    }

    /// Whether the run has a durable guest parked (and holds a pool slot).
    pub fn has_live_instance(&self) -> bool {
        matches!(self.guest, Guest::Durable { .. })
    }

    /// The workflow id, once initialized.
    pub fn workflow_id(&self) -> &str {
        &self.log.workflow_id
    }

    /// The workflow type.
    pub fn workflow_type(&self) -> &str {
        self.bundle.workflow_type()
    }

    /// The metrics the guest emitted since the last call (none while replaying).
    pub fn take_metrics(&mut self) -> Vec<MetricRequest> {
        std::mem::take(&mut self.emitted)
    }

    /// The guest's calls in the last activation, as they read in logs.
    pub fn last_calls(&self) -> &[String] {
        &self.last_calls
    }

    /// What the guest is blocked on: each pending handle and what it is for.
    pub fn pending(&self) -> Vec<(abi::Handle, String)> {
        match &self.guest {
            Guest::Durable { instance, .. } => instance.pending(),
            _ => Vec::new(),
        }
    }

    /// Applies every job of `activation`, resumes the guest once if a job concerns it, and
    /// returns the completion. Blocking: the guest's code runs on this thread.
    pub fn activate(&mut self, activation: WorkflowActivation) -> Activated {
        let WorkflowActivation {
            run_id,
            jobs,
            is_replaying,
            timestamp,
            ..
        } = activation;
        let now_ms = timestamp.as_ref().map_or(0, jobs::timestamp_ms);
        let mut answers = Vec::new();
        let mut wakes_guest = false;
        let mut one_shot_info = None;
        let mut unheard_cancellation = false;

        for WorkflowActivationJob { variant } in jobs {
            let Some(job) = variant else { continue };
            if !matches!(job, Job::QueryWorkflow(_)) {
                wakes_guest = true;
            }
            match job {
                Job::InitializeWorkflow(init) => {
                    one_shot_info = self.initialize(init, now_ms, is_replaying);
                }
                Job::QueryWorkflow(query) => answers.push(self.answer_query(query)),
                Job::DoUpdate(update) => match &mut self.guest {
                    Guest::Durable { instance, .. } => {
                        self.updates.arrived(&update);
                        let args = update.input.into_iter().map(convert::payload_to_abi);
                        instance.update(&update.id, &update.name, args.collect());
                    }
                    _ => answers.push(jobs::reject_update(update, self.bundle.is_durable())),
                },
                job => {
                    if let Guest::Durable { instance, .. } = &mut self.guest {
                        let mut context = JobContext {
                            sequences: &mut self.sequences,
                            local: &mut self.local_activities,
                            host_commands: &mut self.host_commands,
                            log: &self.log,
                        };
                        unheard_cancellation |= jobs::apply(&mut context, instance, job);
                    }
                }
            }
        }

        if let Some(info) = one_shot_info {
            return self.run_one_shot(&run_id, info, answers);
        }
        if matches!(self.guest, Guest::NotStarted) {
            // Core always initializes a run before anything else; failing the task makes it
            // evict and replay from the start.
            let failure = convert::host_failure(
                format!("activation for run {run_id}, which this worker has not initialized"),
                GUEST_BUG_FAILURE_TYPE,
                false,
            );
            return Activated {
                completion: WorkflowActivationCompletion::fail(run_id, failure, None),
                finished: None,
            };
        }
        let Guest::Durable { instance, .. } = &mut self.guest else {
            // The run is over: only queries can still be answered.
            return Activated {
                completion: WorkflowActivationCompletion::from_cmds(run_id, answers),
                finished: None,
            };
        };
        if !wakes_guest {
            return Activated {
                completion: WorkflowActivationCompletion::from_cmds(run_id, answers),
                finished: None,
            };
        }
        instance.begin_activation(now_ms, is_replaying);
        let step = instance.resume();
        self.log.replaying = is_replaying;
        match step {
            // Cancellation was requested, and the guest parked again without ever opening the
            // channel that would let it hear it (a guest woken by the same activation, or running
            // for the first time, may still open it and react).
            Step::Blocked { calls } if unheard_cancellation && !instance.hears_cancellation() => {
                self.end_unheard_cancellation(calls, answers)
            }
            step => self.complete(step, answers),
        }
    }

    /// Starts the guest for `init`: a durable instance is created (it runs at the resume that
    /// follows the jobs); a one-shot run returns its info, to run once the jobs are applied.
    fn initialize(
        &mut self,
        mut init: InitializeWorkflow,
        now_ms: i64,
        replaying: bool,
    ) -> Option<Arc<[u8]>> {
        self.log.workflow_id = init.workflow_id.clone();
        self.log.replaying = replaying;
        let info = convert::info_from_initialize(&mut init, &self.run_id, &self.worker);
        let info_json: Arc<[u8]> = abi::encode_info(&info).into();
        if !self.bundle.is_durable() {
            return Some(info_json);
        }
        let instance = Instance::start(
            &self.bundle,
            info_json,
            self.log.clone(),
            StartInputs {
                randomness_seed: init.randomness_seed,
                now_ms,
                replaying,
            },
        );
        self.guest = Guest::Durable {
            instance,
            _slot: self.slot.take(),
        };
        None
    }

    /// Answers a query from the guest's published results (or the snapshot taken when the run
    /// ended), without resuming the guest.
    fn answer_query(&self, query: QueryWorkflow) -> Command {
        match (&self.guest, &self.final_view) {
            (Guest::Durable { instance, .. }, _) => {
                queries::answer(query, &instance.query_view(), self.workflow_type())
            }
            (Guest::Ended, Some(view)) => queries::answer(query, view, self.workflow_type()),
            _ => jobs::refuse_query(query, self.bundle.is_durable()),
        }
    }
}

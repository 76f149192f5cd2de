//! Handling one workflow activation: jobs in, one completion out.
//!
//! This is where Temporal's vocabulary meets the sandbox. An `InitializeWorkflow` job runs the
//! workflow's bundle once and turns how the guest ended into a `CompleteWorkflowExecution` or
//! `FailWorkflowExecution` command (or, for a guest bug, a failed activation); every other job is
//! answered as ABI v0 allows. The decisions and their reasons are in
//! `proto-notes/workflow-lifecycle.md`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use temporalio_common::protos::coresdk::workflow_activation::{
    WorkflowActivation, WorkflowActivationJob, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    CompleteWorkflowExecution, FailWorkflowExecution, QueryResult, UpdateResponse, query_result,
    update_response, workflow_command::Variant as Command,
};
use temporalio_common::protos::coresdk::workflow_completion::WorkflowActivationCompletion;
use temporalio_common::protos::temporal::api::failure::v1::Failure;
use tokio::sync::Semaphore;

use crate::abi;
use crate::convert::{self, WorkerContext};
use crate::metrics::{RunOutcome, WorkerMetrics};
use crate::sandbox::GuestBug;
use crate::sandbox::GuestBugPolicy;
use crate::sandbox::host::LogContext;
use crate::sandbox::instance::{self, GuestOutcome};
use crate::sandbox::{Bundle, BundleRegistry};

/// Failure type of a guest bug reported as a workflow (or workflow task) failure.
pub const GUEST_BUG_FAILURE_TYPE: &str = "WasmGuestBug";
/// Failure type of a workflow task for a type the worker has no bundle for.
pub const UNKNOWN_WORKFLOW_TYPE_FAILURE_TYPE: &str = "UnknownWorkflowType";
/// Failure type of a workflow task the worker itself could not process.
pub const WORKER_ERROR_FAILURE_TYPE: &str = "WorkerError";
/// Failure type of queries and updates, which ABI v0 workflows cannot handle.
pub const UNSUPPORTED_BY_ABI_FAILURE_TYPE: &str = "UnsupportedByAbiV0";

/// What the worker remembers about a run between its activations, until core evicts it.
#[derive(Clone, Debug)]
struct KnownRun {
    workflow_type: String,
    workflow_id: String,
}

/// Turns activations into completions; shared by every task of the worker loop.
pub struct ActivationHandler {
    bundles: Arc<BundleRegistry>,
    context: WorkerContext,
    run_slots: Semaphore,
    known_runs: Mutex<HashMap<String, KnownRun>>,
    metrics: Arc<WorkerMetrics>,
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
            known_runs: Mutex::new(HashMap::new()),
            metrics,
        }
    }

    /// Number of runs core currently has cached (and so this handler remembers).
    pub fn known_run_count(&self) -> usize {
        self.known_runs().len()
    }

    fn known_runs(&self) -> std::sync::MutexGuard<'_, HashMap<String, KnownRun>> {
        // The map holds plain data; a panic elsewhere cannot leave it inconsistent.
        self.known_runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Handles one activation and returns the completion to send back to core.
    pub async fn handle(&self, activation: WorkflowActivation) -> WorkflowActivationCompletion {
        let WorkflowActivation {
            run_id,
            jobs,
            is_replaying,
            ..
        } = activation;

        let mut initialize = None;
        let mut commands = Vec::new();
        for WorkflowActivationJob { variant } in jobs {
            match variant {
                Some(Job::RemoveFromCache(eviction)) => {
                    // Evictions arrive alone; forget the run and acknowledge.
                    let forgotten = self.known_runs().remove(&run_id);
                    tracing::debug!(
                        %run_id,
                        workflow_id = forgotten.as_ref().map(|run| run.workflow_id.as_str()),
                        reason = %eviction.message,
                        "run evicted"
                    );
                    return WorkflowActivationCompletion::empty(run_id);
                }
                Some(Job::InitializeWorkflow(init)) => initialize = Some(init),
                Some(Job::QueryWorkflow(query)) => {
                    commands.push(Command::RespondToQuery(QueryResult {
                        query_id: query.query_id,
                        variant: Some(query_result::Variant::Failed(unsupported(format!(
                            "query `{}` cannot be answered: ABI v0 workflows have no query handlers",
                            query.query_type
                        )))),
                    }))
                }
                Some(Job::DoUpdate(update)) => commands.push(Command::UpdateResponse(UpdateResponse {
                    protocol_instance_id: update.protocol_instance_id,
                    response: Some(update_response::Response::Rejected(unsupported(format!(
                        "update `{}` was rejected: ABI v0 workflows have no update handlers",
                        update.name
                    )))),
                })),
                // Signals, cancellation requests and the rest have no ABI v0 counterpart: the
                // workflow runs to its own end, as a workflow without handlers would in any SDK.
                Some(other) => tracing::debug!(%run_id, job = job_name(&other), "job ignored: no ABI v0 handler"),
                None => {}
            }
        }

        match initialize {
            Some(mut init) => {
                let Some(bundle) = self.bundles.get(&init.workflow_type).cloned() else {
                    let registered: Vec<&str> = self.bundles.workflow_types().collect();
                    let message = format!(
                        "workflow type `{}` is not registered on this worker; registered types: {}",
                        init.workflow_type,
                        registered.join(", ")
                    );
                    tracing::warn!(%run_id, workflow_id = %init.workflow_id, "{message}");
                    self.metrics.record_unknown_type(&init.workflow_type);
                    let failure =
                        convert::host_failure(message, UNKNOWN_WORKFLOW_TYPE_FAILURE_TYPE, false);
                    return WorkflowActivationCompletion::fail(run_id, failure, None);
                };
                let log = LogContext {
                    workflow_type: init.workflow_type.clone(),
                    workflow_id: init.workflow_id.clone(),
                    run_id: run_id.clone(),
                    replaying: is_replaying,
                };
                let info = convert::info_from_initialize(&mut init, &run_id, &self.context);
                let started = std::time::Instant::now();
                let outcome = match self.run_guest(&bundle, info, log.clone()).await {
                    Ok(outcome) => outcome,
                    Err(message) => {
                        // A failure of the host itself, never the guest's: retry the task.
                        tracing::error!(workflow_type = %log.workflow_type, workflow_id = %log.workflow_id, %run_id, "{message}");
                        let failure =
                            convert::host_failure(message, WORKER_ERROR_FAILURE_TYPE, false);
                        return WorkflowActivationCompletion::fail(run_id, failure, None);
                    }
                };
                if let Err(bug) = &outcome {
                    self.metrics
                        .record_guest_bug(&log.workflow_type, bug.kind());
                }
                let command = terminal_command(&bundle, &log, outcome);
                let run_outcome = match &command {
                    Ok(Command::CompleteWorkflowExecution(_)) => RunOutcome::Completed,
                    Ok(_) => RunOutcome::Failed,
                    Err(_) => RunOutcome::GuestBug,
                };
                self.metrics
                    .record_run(&log.workflow_type, run_outcome, started.elapsed());
                match command {
                    Ok(command) => {
                        self.known_runs().insert(
                            run_id.clone(),
                            KnownRun {
                                workflow_type: log.workflow_type,
                                workflow_id: log.workflow_id,
                            },
                        );
                        commands.push(command);
                        WorkflowActivationCompletion::from_cmds(run_id, commands)
                    }
                    Err(task_failure) => {
                        WorkflowActivationCompletion::fail(run_id, *task_failure, None)
                    }
                }
            }
            None => {
                let known = self.known_runs().get(&run_id).cloned();
                match known {
                    Some(run) => {
                        tracing::trace!(%run_id, workflow_type = %run.workflow_type, "activation after the run ended");
                        WorkflowActivationCompletion::from_cmds(run_id, commands)
                    }
                    None => {
                        // Core always initializes a run before anything else; failing the task
                        // makes it evict and replay from the start.
                        let failure = convert::host_failure(
                            format!(
                                "activation for run {run_id}, which this worker has not initialized"
                            ),
                            GUEST_BUG_FAILURE_TYPE,
                            false,
                        );
                        WorkflowActivationCompletion::fail(run_id, failure, None)
                    }
                }
            }
        }
    }

    /// Runs the guest on a blocking thread, holding one of the run slots.
    async fn run_guest(
        &self,
        bundle: &Arc<Bundle>,
        info: abi::Info,
        log: LogContext,
    ) -> Result<Result<GuestOutcome, GuestBug>, String> {
        let info_json: Arc<[u8]> = abi::encode_info(&info).into();
        let _slot = self
            .run_slots
            .acquire()
            .await
            .map_err(|_| "the run slots were closed".to_owned())?;
        let bundle = Arc::clone(bundle);
        let _in_flight = self.metrics.instance_started();
        tokio::task::spawn_blocking(move || instance::execute(&bundle, info_json, log))
            .await
            .map_err(|err| format!("the run's thread failed: {err}"))
    }
}

/// Maps how a run ended to the workflow's terminal command, or to the failure of the workflow
/// task when the bundle's policy says a guest bug fails the task.
pub fn terminal_command(
    bundle: &Bundle,
    log: &LogContext,
    outcome: Result<GuestOutcome, GuestBug>,
) -> Result<Command, Box<Failure>> {
    let bug = match outcome {
        Ok(GuestOutcome::Completed(payloads)) => match convert::result_from_abi(payloads) {
            Ok(result) => {
                return Ok(Command::CompleteWorkflowExecution(
                    CompleteWorkflowExecution { result },
                ));
            }
            Err(too_many) => GuestBug::from(too_many),
        },
        Ok(GuestOutcome::Failed(failure)) => {
            let failure =
                failure.map_or_else(convert::unspecified_failure, convert::failure_from_abi);
            return Ok(Command::FailWorkflowExecution(FailWorkflowExecution {
                failure: Some(failure),
            }));
        }
        Err(bug) => bug,
    };
    let message = format!(
        "guest bug in workflow type `{}` (bundle {}): {bug}",
        bundle.workflow_type(),
        bundle.module_path().display()
    );
    tracing::warn!(
        workflow_type = %log.workflow_type,
        workflow_id = %log.workflow_id,
        run_id = %log.run_id,
        kind = bug.kind(),
        "{message}"
    );
    match bundle.on_guest_bug() {
        GuestBugPolicy::FailTask => Err(Box::new(convert::host_failure(
            message,
            GUEST_BUG_FAILURE_TYPE,
            false,
        ))),
        GuestBugPolicy::FailWorkflow => Ok(Command::FailWorkflowExecution(FailWorkflowExecution {
            failure: Some(convert::host_failure(message, GUEST_BUG_FAILURE_TYPE, true)),
        })),
    }
}

fn unsupported(message: String) -> Failure {
    convert::host_failure(message, UNSUPPORTED_BY_ABI_FAILURE_TYPE, true)
}

fn job_name(job: &Job) -> &'static str {
    match job {
        Job::SignalWorkflow(_) => "signal_workflow",
        Job::CancelWorkflow(_) => "cancel_workflow",
        Job::UpdateRandomSeed(_) => "update_random_seed",
        Job::NotifyHasPatch(_) => "notify_has_patch",
        _ => "other",
    }
}

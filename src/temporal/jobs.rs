//! What each activation job does to a durable run, apart from starting it: resolutions make
//! handles ready, signals queue, a seed or a patch is noted, a cancellation request reaches the
//! cancellation channel — and the answers to queries and updates, which never resume the guest.

use temporalio_common::protos::coresdk::activity_result::{
    ActivityResolution, activity_resolution::Status,
};
use temporalio_common::protos::coresdk::workflow_activation::{
    DoUpdate, QueryWorkflow, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    QueryResult, UpdateResponse, WorkflowCommand, query_result, update_response,
    workflow_command::Variant as Command,
};
use temporalio_common::protos::temporal::api::failure::v1::Failure;

use crate::abi;
use crate::convert;
use crate::sandbox::Instance;
use crate::sandbox::host::LogContext;
use crate::temporal::local_activities::LocalActivities;
use crate::temporal::pinning;
use crate::temporal::sequences::{CommandKind, Sequences};

/// Failure type of queries and updates the workflow cannot answer.
pub const UNSUPPORTED_BY_ABI_FAILURE_TYPE: &str = "UnsupportedByAbiV0";

/// The answer to a query: one-shot (ABI v0) workflows have no query handlers, and this worker
/// publishes no query results for durable ones yet.
pub fn refuse_query(query: QueryWorkflow, durable: bool) -> Command {
    let why = if durable {
        "the workflow publishes no query results"
    } else {
        "ABI v0 workflows have no query handlers"
    };
    Command::RespondToQuery(QueryResult {
        query_id: query.query_id,
        variant: Some(query_result::Variant::Failed(unsupported(format!(
            "query `{}` cannot be answered: {why}",
            query.query_type
        )))),
    })
}

/// The answer to an update, given in the activation it arrived in as core requires.
pub fn reject_update(update: DoUpdate, durable: bool) -> Command {
    let why = if durable {
        "the workflow has no open update channels"
    } else {
        "ABI v0 workflows have no update handlers"
    };
    Command::UpdateResponse(UpdateResponse {
        protocol_instance_id: update.protocol_instance_id,
        response: Some(update_response::Response::Rejected(unsupported(format!(
            "update `{}` was rejected: {why}",
            update.name
        )))),
    })
}

/// What applying a job may touch besides the guest: the run's numbering, its local activities,
/// and the commands the host issues itself (a local activity's backoff timer and retry).
pub struct JobContext<'a> {
    /// The run's handle ↔ sequence-number tables.
    pub sequences: &'a mut Sequences,
    /// The run's local activities.
    pub local: &'a mut LocalActivities,
    /// Commands the host issues in this activation, before the guest's.
    pub host_commands: &'a mut Vec<WorkflowCommand>,
    /// Who the run is, for logs.
    pub log: &'a LogContext,
}

/// Applies one job to a durable guest; returns `true` for a cancellation request the guest
/// cannot hear (it has no cancellation channel open).
pub fn apply(context: &mut JobContext<'_>, instance: &mut Instance, job: Job) -> bool {
    let log = context.log;
    let resolve =
        |sequences: &Sequences, instance: &mut Instance, kind, seq, resolution: abi::Resolution| {
            match sequences.handle_of(kind, seq) {
                Some(handle) => instance.resolve(handle, &resolution),
                None => tracing::warn!(
                    run_id = %log.run_id,
                    workflow_id = %log.workflow_id,
                    ?kind,
                    seq,
                    "a resolution for a command this run never issued was ignored"
                ),
            }
        };
    let sequences = &mut *context.sequences;
    match job {
        Job::FireTimer(fired) if context.local.is_backoff_timer(fired.seq) => {
            if let Some(retry) = context.local.timer_fired(sequences, fired.seq) {
                context.host_commands.push(retry);
            }
        }
        Job::FireTimer(fired) => resolve(
            sequences,
            instance,
            CommandKind::Timer,
            fired.seq,
            convert::timer_fired(),
        ),
        Job::ResolveActivity(resolved) if resolved.is_local => {
            let Some(handle) = sequences.handle_of(CommandKind::LocalActivity, resolved.seq) else {
                return false;
            };
            match resolved.result.and_then(|result| result.status) {
                Some(Status::Backoff(backoff)) => {
                    if let Some(timer) = context.local.back_off(sequences, handle, backoff) {
                        context.host_commands.push(timer);
                    }
                }
                status => {
                    context.local.resolved(handle);
                    let resolution =
                        convert::activity_resolution(status.map(|status| ActivityResolution {
                            status: Some(status),
                        }));
                    instance.resolve(handle, &resolution);
                }
            }
        }
        Job::ResolveActivity(resolved) => resolve(
            sequences,
            instance,
            CommandKind::Activity,
            resolved.seq,
            convert::activity_resolution(resolved.result),
        ),
        Job::ResolveChildWorkflowExecutionStart(start) => {
            if let Some(resolution) = convert::child_start(start.status) {
                resolve(
                    sequences,
                    instance,
                    CommandKind::ChildWorkflow,
                    start.seq,
                    resolution,
                );
            }
        }
        Job::ResolveChildWorkflowExecution(ended) => resolve(
            sequences,
            instance,
            CommandKind::ChildWorkflow,
            ended.seq,
            convert::child_result(ended.result),
        ),
        Job::ResolveSignalExternalWorkflow(resolved) => resolve(
            sequences,
            instance,
            CommandKind::SignalExternal,
            resolved.seq,
            convert::external_delivered(resolved.failure),
        ),
        Job::ResolveRequestCancelExternalWorkflow(resolved) => resolve(
            sequences,
            instance,
            CommandKind::CancelExternal,
            resolved.seq,
            convert::external_delivered(resolved.failure),
        ),
        Job::UpdateRandomSeed(seed) => instance.reseed(seed.randomness_seed),
        // The host's own marker: which bundle the run is pinned to, chosen before it started.
        Job::NotifyHasPatch(patch) if pinning::is_pin_marker(&patch.patch_id) => {}
        Job::NotifyHasPatch(patch) => instance.notify_patch(patch.patch_id),
        Job::SignalWorkflow(signal) => instance.signal(
            &signal.signal_name,
            signal
                .input
                .into_iter()
                .map(convert::payload_to_abi)
                .collect(),
        ),
        Job::CancelWorkflow(_) => return !instance.request_cancellation(),
        other => tracing::debug!(
            run_id = %log.run_id,
            job = job_name(&other),
            "job ignored: this worker does not handle it yet"
        ),
    }
    false
}

fn job_name(job: &Job) -> &'static str {
    match job {
        Job::ResolveNexusOperationStart(_) => "resolve_nexus_operation_start",
        Job::ResolveNexusOperation(_) => "resolve_nexus_operation",
        Job::RemoveFromCache(_) => "remove_from_cache",
        _ => "other",
    }
}

fn unsupported(message: String) -> Failure {
    convert::host_failure(message, UNSUPPORTED_BY_ABI_FAILURE_TYPE, true)
}

pub fn timestamp_ms(timestamp: &prost_wkt_types::Timestamp) -> i64 {
    timestamp
        .seconds
        .saturating_mul(1000)
        .saturating_add(i64::from(timestamp.nanos / 1_000_000))
}

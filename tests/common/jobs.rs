//! Activations, jobs and completions as core would deliver and read them, for tests that drive a
//! `WorkflowRun` or an `ActivationHandler` without a server.

#![allow(dead_code)]

use std::collections::HashMap;

use prost_wkt_types::{Duration as ProtoDuration, Timestamp};
use temporalio_common::protos::coresdk::activity_result::{
    self, ActivityResolution, activity_resolution::Status as ActivityStatus,
};
use temporalio_common::protos::coresdk::workflow_activation::{
    CancelWorkflow, FireTimer, InitializeWorkflow, NotifyHasPatch, QueryWorkflow, RemoveFromCache,
    ResolveActivity, UpdateRandomSeed, WorkflowActivation, WorkflowActivationJob,
    remove_from_cache::EvictionReason, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    WorkflowCommand, workflow_command::Variant as Command,
};
use temporalio_common::protos::coresdk::workflow_completion::{
    WorkflowActivationCompletion, workflow_activation_completion::Status,
};
use temporalio_common::protos::temporal::api::common::v1::Payload;
use temporalio_common::protos::temporal::api::failure::v1::Failure;

/// The run every single-run test drives.
pub const RUN_ID: &str = "run-1";
/// The randomness seed `initialize` starts runs with.
pub const SEED: u64 = 7;

/// An activation of `run_id` with `jobs`, live (not replaying), without a timestamp.
pub fn activation_for(run_id: &str, jobs: Vec<Job>) -> WorkflowActivation {
    WorkflowActivation {
        run_id: run_id.to_owned(),
        jobs: jobs
            .into_iter()
            .map(|job| WorkflowActivationJob { variant: Some(job) })
            .collect(),
        ..Default::default()
    }
}

/// An activation of [`RUN_ID`] with `jobs`.
pub fn activation(jobs: Vec<Job>) -> WorkflowActivation {
    activation_for(RUN_ID, jobs)
}

/// The same activation, as core sends it while replaying history.
pub fn replaying(mut activation: WorkflowActivation) -> WorkflowActivation {
    activation.is_replaying = true;
    activation
}

/// The same activation, with workflow time `ms` since the Unix epoch.
pub fn at_ms(mut activation: WorkflowActivation, ms: i64) -> WorkflowActivation {
    activation.timestamp = Some(Timestamp {
        seconds: ms.div_euclid(1000),
        nanos: (ms.rem_euclid(1000) * 1_000_000) as i32,
    });
    activation
}

/// `InitializeWorkflow` of `workflow_type`, workflow id `wf-1`, seeded with [`SEED`].
pub fn initialize(workflow_type: &str) -> Job {
    initialize_with_seed(workflow_type, SEED)
}

/// `InitializeWorkflow` of `workflow_type` with the randomness seed `seed`.
pub fn initialize_with_seed(workflow_type: &str, seed: u64) -> Job {
    Job::InitializeWorkflow(InitializeWorkflow {
        workflow_type: workflow_type.to_owned(),
        workflow_id: "wf-1".to_owned(),
        randomness_seed: seed,
        attempt: 1,
        ..Default::default()
    })
}

/// `FireTimer` for the timer numbered `seq`.
pub fn fire_timer(seq: u32) -> Job {
    Job::FireTimer(FireTimer { seq })
}

/// `ResolveActivity` for the activity numbered `seq`.
pub fn resolve_activity(seq: u32, status: ActivityStatus) -> Job {
    Job::ResolveActivity(ResolveActivity {
        seq,
        result: Some(ActivityResolution {
            status: Some(status),
        }),
        is_local: false,
    })
}

/// An activity's successful result.
pub fn activity_completed(result: Payload) -> ActivityStatus {
    ActivityStatus::Completed(activity_result::Success {
        result: Some(result),
    })
}

/// An activity's failure, as core reports it.
pub fn activity_failed(failure: Failure) -> ActivityStatus {
    ActivityStatus::Failed(activity_result::Failure {
        failure: Some(failure),
        ..Default::default()
    })
}

/// An activity's cancellation, as core reports it.
pub fn activity_cancelled(failure: Failure) -> ActivityStatus {
    ActivityStatus::Cancelled(activity_result::Cancellation {
        failure: Some(failure),
    })
}

/// `CancelWorkflow`: the workflow's cancellation was requested.
pub fn cancel_workflow() -> Job {
    Job::CancelWorkflow(CancelWorkflow {
        reason: "requested by a test".to_owned(),
    })
}

/// `UpdateRandomSeed` to `seed`.
pub fn update_random_seed(seed: u64) -> Job {
    Job::UpdateRandomSeed(UpdateRandomSeed {
        randomness_seed: seed,
    })
}

/// `NotifyHasPatch`: history recorded the marker of `patch_id`.
pub fn notify_has_patch(patch_id: &str) -> Job {
    Job::NotifyHasPatch(NotifyHasPatch {
        patch_id: patch_id.to_owned(),
    })
}

/// `QueryWorkflow` of `query_type`, answered under `query_id`.
pub fn query(query_id: &str, query_type: &str) -> Job {
    Job::QueryWorkflow(QueryWorkflow {
        query_id: query_id.to_owned(),
        query_type: query_type.to_owned(),
        ..Default::default()
    })
}

/// `RemoveFromCache` with `reason`.
pub fn eviction(reason: EvictionReason) -> Job {
    Job::RemoveFromCache(RemoveFromCache {
        message: "evicted by a test".to_owned(),
        reason: reason.into(),
    })
}

/// A `json/plain` payload of `json`, as Temporal's SDKs encode values.
pub fn json_payload(json: &str) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: json.as_bytes().to_vec(),
        ..Default::default()
    }
}

/// A protobuf duration of `ms` milliseconds.
pub fn duration_ms(ms: u64) -> ProtoDuration {
    ProtoDuration {
        seconds: (ms / 1000) as i64,
        nanos: ((ms % 1000) * 1_000_000) as i32,
    }
}

/// The whole commands (with user metadata) of a successful completion.
pub fn workflow_commands(completion: &WorkflowActivationCompletion) -> Vec<WorkflowCommand> {
    match &completion.status {
        Some(Status::Successful(success)) => success.commands.clone(),
        other => panic!("expected a successful completion, got {other:?}"),
    }
}

/// The command variants of a successful completion, in order.
pub fn commands(completion: &WorkflowActivationCompletion) -> Vec<Command> {
    workflow_commands(completion)
        .into_iter()
        .map(|command| command.variant.expect("a command with a variant"))
        .collect()
}

/// The failure of a failed completion (a failed workflow task).
pub fn task_failure(completion: &WorkflowActivationCompletion) -> Failure {
    match &completion.status {
        Some(Status::Failed(failed)) => failed.failure.clone().expect("a failure"),
        other => panic!("expected a failed activation, got {other:?}"),
    }
}

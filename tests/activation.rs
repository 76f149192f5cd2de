//! Activation handling without a server: jobs in, completions out, as core would deliver them.

mod common;

use std::sync::Arc;

use common::wat::completes_with;
use common::{Fixtures, TEST_LIMITS, settings};
use temporal_wasm_worker::convert::WorkerContext;
use temporal_wasm_worker::metrics::WorkerMetrics;
use temporal_wasm_worker::sandbox::BundleRegistry;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::temporal::activation::{
    ActivationHandler, UNKNOWN_WORKFLOW_TYPE_FAILURE_TYPE,
};
use temporalio_common::protos::coresdk::workflow_activation::{
    InitializeWorkflow, QueryWorkflow, RemoveFromCache, SignalWorkflow, WorkflowActivation,
    WorkflowActivationJob, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    query_result, workflow_command::Variant as Command,
};
use temporalio_common::protos::coresdk::workflow_completion::{
    WorkflowActivationCompletion, workflow_activation_completion::Status,
};

fn handler() -> (Fixtures, ActivationHandler) {
    let fixtures = Fixtures::new();
    let path = fixtures.write("hello.wat", completes_with("[]"));
    let engine = WasmEngine::new(EngineCapacity { instance_slots: 2 }).unwrap();
    let linkers = Linkers::new(engine.engine()).unwrap();
    let bundles = BundleRegistry::load(
        &engine,
        &linkers,
        &[
            settings("Hello", path.clone(), TEST_LIMITS),
            settings("Other", path, TEST_LIMITS),
        ],
        None,
    )
    .unwrap();
    let context = WorkerContext {
        namespace: "default".into(),
        task_queue: "q".into(),
    };
    let metrics = Arc::new(WorkerMetrics::new(None));
    (
        fixtures,
        ActivationHandler::new(Arc::new(bundles), context, 2, metrics),
    )
}

fn activation(run_id: &str, jobs: Vec<Job>) -> WorkflowActivation {
    WorkflowActivation {
        run_id: run_id.into(),
        jobs: jobs
            .into_iter()
            .map(|job| WorkflowActivationJob { variant: Some(job) })
            .collect(),
        ..Default::default()
    }
}

fn initialize(workflow_type: &str) -> Job {
    Job::InitializeWorkflow(InitializeWorkflow {
        workflow_type: workflow_type.into(),
        workflow_id: "wf".into(),
        ..Default::default()
    })
}

fn commands(completion: &WorkflowActivationCompletion) -> Vec<Command> {
    match &completion.status {
        Some(Status::Successful(success)) => success
            .commands
            .iter()
            .filter_map(|command| command.variant.clone())
            .collect(),
        other => panic!("expected a successful completion, got {other:?}"),
    }
}

fn task_failure_message(completion: &WorkflowActivationCompletion) -> String {
    match &completion.status {
        Some(Status::Failed(failed)) => failed.failure.as_ref().unwrap().message.clone(),
        other => panic!("expected a failed activation, got {other:?}"),
    }
}

#[tokio::test]
async fn initialize_runs_the_bundle_and_completes_the_workflow() {
    let (_fixtures, handler) = handler();
    let completion = handler
        .handle(activation("run-1", vec![initialize("Hello")]))
        .await;
    assert_eq!(completion.run_id, "run-1");
    assert!(matches!(
        commands(&completion)[..],
        [Command::CompleteWorkflowExecution(_)]
    ));
    assert_eq!(handler.known_run_count(), 1);
}

#[tokio::test]
async fn eviction_is_acknowledged_with_an_empty_completion_and_forgets_the_run() {
    let (_fixtures, handler) = handler();
    handler
        .handle(activation("run-1", vec![initialize("Hello")]))
        .await;
    let eviction = Job::RemoveFromCache(RemoveFromCache {
        message: "cache full".into(),
        ..Default::default()
    });
    let completion = handler.handle(activation("run-1", vec![eviction])).await;
    assert!(commands(&completion).is_empty());
    assert_eq!(handler.known_run_count(), 0);
}

#[tokio::test]
async fn unregistered_type_fails_the_task_and_lists_registered_types() {
    let (_fixtures, handler) = handler();
    let completion = handler
        .handle(activation("run-1", vec![initialize("Missing")]))
        .await;
    let message = task_failure_message(&completion);
    assert_eq!(
        message,
        "workflow type `Missing` is not registered on this worker; registered types: Hello, Other"
    );
    let Some(Status::Failed(failed)) = &completion.status else {
        unreachable!()
    };
    let failure = failed.failure.as_ref().unwrap();
    assert!(format!("{failure:?}").contains(UNKNOWN_WORKFLOW_TYPE_FAILURE_TYPE));
    assert_eq!(handler.known_run_count(), 0);
}

#[tokio::test]
async fn query_after_the_run_ended_gets_a_failed_query_result() {
    let (_fixtures, handler) = handler();
    handler
        .handle(activation("run-1", vec![initialize("Hello")]))
        .await;
    let query = Job::QueryWorkflow(QueryWorkflow {
        query_id: "q-1".into(),
        query_type: "status".into(),
        ..Default::default()
    });
    let completion = handler.handle(activation("run-1", vec![query])).await;
    let [Command::RespondToQuery(result)] = &commands(&completion)[..] else {
        panic!("expected one query response");
    };
    assert_eq!(result.query_id, "q-1");
    let Some(query_result::Variant::Failed(failure)) = &result.variant else {
        panic!("expected a failed query");
    };
    assert!(
        failure.message.contains("query `status`"),
        "{}",
        failure.message
    );
}

#[tokio::test]
async fn signal_after_the_run_ended_is_acknowledged_without_commands() {
    let (_fixtures, handler) = handler();
    handler
        .handle(activation("run-1", vec![initialize("Hello")]))
        .await;
    let signal = Job::SignalWorkflow(SignalWorkflow {
        signal_name: "poke".into(),
        ..Default::default()
    });
    let completion = handler.handle(activation("run-1", vec![signal])).await;
    assert!(commands(&completion).is_empty());
}

#[tokio::test]
async fn signal_in_the_first_activation_does_not_stop_the_workflow_completing() {
    let (_fixtures, handler) = handler();
    let signal = Job::SignalWorkflow(SignalWorkflow {
        signal_name: "poke".into(),
        ..Default::default()
    });
    let completion = handler
        .handle(activation("run-1", vec![initialize("Hello"), signal]))
        .await;
    assert!(matches!(
        commands(&completion)[..],
        [Command::CompleteWorkflowExecution(_)]
    ));
}

#[tokio::test]
async fn activation_for_a_run_never_initialized_fails_the_task_so_core_replays() {
    let (_fixtures, handler) = handler();
    let signal = Job::SignalWorkflow(SignalWorkflow::default());
    let completion = handler.handle(activation("stranger", vec![signal])).await;
    assert!(task_failure_message(&completion).contains("has not initialized"));
}

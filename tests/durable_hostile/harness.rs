//! Driving a hostile guest in process, through the same `ActivationHandler` the worker uses,
//! with activations built as core builds them, and checking that what the run held is back when
//! it ends.
//!
//! The handler's engine has **one** instance slot and its pool one parked instance, so "the
//! memory is back" is checked exactly: once the hostile run has ended, the healthy `Nap`
//! workflow must start, park, resume and complete in that same slot without the handler asking
//! core to evict anything; and after core's eviction the handler forgets the run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use temporal_wasm_worker::convert::WorkerContext;
use temporal_wasm_worker::metrics::WorkerMetrics;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::sandbox::{BundleRegistry, InstanceLimits};
use temporal_wasm_worker::temporal::activation::{ActivationHandler, EvictionRequester};
use temporal_wasm_worker::temporal::pinning::PIN_MARKER_PREFIX;
use temporalio_common::protos::coresdk::workflow_activation::{
    InitializeWorkflow, SignalWorkflow, WorkflowActivation, remove_from_cache::EvictionReason,
    workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;
use temporalio_common::protos::coresdk::workflow_completion::{
    WorkflowActivationCompletion, workflow_activation_completion::Status,
};

use super::common::jobs::{activation_for, eviction, fire_timer, json_payload, replaying};
use super::common::{Fixtures, TEST_LIMITS, settings};
use super::guests;

/// The workflow type the hostile bundle is registered under, in process.
pub const HOSTILE: &str = "Hostile";
/// The healthy durable workflow type.
pub const NAP: &str = "Nap";

/// A handler serving one hostile bundle and `Nap`, with the runtime that drives it.
pub struct Harness {
    handler: Arc<ActivationHandler>,
    /// Run ids the handler asked core to evict (it does when its pool is full).
    evictions_asked: Arc<Mutex<Vec<String>>>,
    runtime: tokio::runtime::Runtime,
    _fixtures: Fixtures,
}

/// What one activation of the hostile run came to.
#[derive(Debug)]
pub enum Outcome {
    /// A successful completion with these commands (the pin marker of a first one left out).
    Commands(Vec<Command>),
    /// A failed workflow task with this message.
    TaskFailed(String),
}

impl Outcome {
    /// The commands, after checking the activation succeeded.
    pub fn commands(self) -> Vec<Command> {
        match self {
            Outcome::Commands(commands) => commands,
            Outcome::TaskFailed(message) => panic!("expected commands, the task failed: {message}"),
        }
    }

    /// The guest-bug message after ``guest bug in workflow type `Hostile` (bundle …): ``,
    /// after checking the task failed with one.
    pub fn guest_bug(self) -> String {
        match self {
            Outcome::TaskFailed(message) => guest_bug_text(&message, HOSTILE).to_owned(),
            Outcome::Commands(commands) => {
                panic!(
                    "expected a failed task, got {} commands: {commands:?}",
                    commands.len()
                )
            }
        }
    }
}

/// The part of a guest-bug message after its ``guest bug in workflow type `T` (bundle …): ``
/// prefix, after checking the prefix names `workflow_type` and a bundle.
pub fn guest_bug_text<'a>(message: &'a str, workflow_type: &str) -> &'a str {
    let prefix = format!("guest bug in workflow type `{workflow_type}` (bundle ");
    assert!(
        message.starts_with(&prefix),
        "not a guest bug of {workflow_type}: {message}"
    );
    let (_, rest) = message
        .split_once("): ")
        .unwrap_or_else(|| panic!("no bundle in {message}"));
    rest
}

impl Harness {
    /// A harness whose hostile bundle is `wat` with `limits`.
    pub fn new(wat: &str, limits: InstanceLimits) -> Harness {
        let fixtures = Fixtures::new();
        let hostile = fixtures.write("hostile.wat", wat);
        let nap = fixtures.write("nap.wat", guests::nap());
        let engine = WasmEngine::new(EngineCapacity { instance_slots: 1 }).expect("engine");
        let linkers = Linkers::new(engine.engine()).expect("linkers");
        let bundles = BundleRegistry::load(
            &engine,
            &linkers,
            &[
                settings(HOSTILE, hostile, limits),
                settings(NAP, nap, TEST_LIMITS),
            ],
            None,
        )
        .expect("bundles load");
        let evictions_asked = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&evictions_asked);
        let requester: EvictionRequester =
            Box::new(move |run_id: &str| record.lock().unwrap().push(run_id.to_owned()));
        let context = WorkerContext {
            namespace: "default".to_owned(),
            task_queue: "hostile-in-process".to_owned(),
        };
        let handler = ActivationHandler::new(
            Arc::new(bundles),
            context,
            2,
            Arc::new(WorkerMetrics::new(None)),
        )
        .with_instance_pool(1, requester);
        Harness {
            handler: Arc::new(handler),
            evictions_asked,
            runtime: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime"),
            _fixtures: fixtures,
        }
    }

    /// The handler's completion of `activation`, within `timeout`.
    pub fn complete_within(
        &self,
        activation: WorkflowActivation,
        timeout: Duration,
    ) -> Option<WorkflowActivationCompletion> {
        let handler = Arc::clone(&self.handler);
        self.runtime
            .block_on(
                async move { tokio::time::timeout(timeout, handler.handle(activation)).await },
            )
            .ok()
    }

    /// The handler's completion of `activation` (within a minute).
    pub fn complete(&self, activation: WorkflowActivation) -> WorkflowActivationCompletion {
        self.complete_within(activation, Duration::from_secs(60))
            .expect("the activation completed within a minute")
    }

    /// What the activation of `run_id` with `jobs` came to.
    pub fn activate(&self, run_id: &str, jobs: Vec<Job>) -> Outcome {
        outcome(&self.complete(activation_for(run_id, jobs)))
    }

    /// Starts the hostile workflow as run `run_id` and returns what its first activation came to.
    pub fn start(&self, run_id: &str) -> Outcome {
        self.activate(run_id, vec![initialize(HOSTILE, Vec::new())])
    }

    /// Core's eviction of `run_id` (after a failed task, a completed run, or a full cache).
    pub fn evict(&self, run_id: &str) {
        let completion = self.complete(activation_for(
            run_id,
            vec![eviction(EvictionReason::LangFail)],
        ));
        assert!(outcome(&completion).commands().is_empty());
    }

    /// Runs the hostile workflow's first activation again, as core replays history after an
    /// eviction, and returns what it came to.
    pub fn replay_start(&self, run_id: &str, pin_marker: &str) -> Outcome {
        use super::common::jobs::notify_has_patch;
        outcome(&self.complete(replaying(activation_for(
            run_id,
            vec![
                initialize(HOSTILE, Vec::new()),
                notify_has_patch(pin_marker),
            ],
        ))))
    }

    /// The answer to query `query_type` of `run_id` (as core sends queries: alone, replaying), as
    /// the text of its payload's data.
    pub fn query(&self, run_id: &str, query_id: &str, query_type: &str) -> String {
        use temporalio_common::protos::coresdk::workflow_commands::query_result::Variant;
        let answer = self.activate_replaying(
            run_id,
            vec![super::common::jobs::query(query_id, query_type)],
        );
        match &answer[..] {
            [Command::RespondToQuery(result)] => match &result.variant {
                Some(Variant::Succeeded(success)) => String::from_utf8_lossy(
                    &success
                        .response
                        .as_ref()
                        .map(|p| p.data.clone())
                        .unwrap_or_default(),
                )
                .into_owned(),
                other => panic!("query {query_type} failed: {other:?}"),
            },
            other => panic!("a query is answered with one RespondToQuery, not {other:?}"),
        }
    }

    /// The commands of a replaying activation of `run_id` with `jobs`.
    pub fn activate_replaying(&self, run_id: &str, jobs: Vec<Job>) -> Vec<Command> {
        outcome(&self.complete(replaying(activation_for(run_id, jobs)))).commands()
    }

    /// Runs currently cached by the handler.
    pub fn known_runs(&self) -> usize {
        self.handler.known_run_count()
    }

    /// Checks that the hostile runs `ended` (which must have ended) gave back everything they
    /// held: `Nap` runs start to finish in the engine's one slot without any eviction being
    /// asked for, and once core has evicted every run the handler knows none.
    pub fn assert_back_at_baseline(&self, ended: &[&str]) {
        let started = self
            .complete_within(
                activation_for(
                    "nap",
                    vec![initialize(NAP, vec![json_payload(r#"{"n":1}"#)])],
                ),
                Duration::from_secs(10),
            )
            .expect("Nap got no instance slot: a hostile run that ended still holds its slot");
        assert!(
            matches!(&outcome(&started).commands()[..], [Command::StartTimer(_)]),
            "Nap starts its timer in the freed slot"
        );
        let done = self.activate("nap", vec![fire_timer(1)]).commands();
        assert!(
            matches!(&done[..], [Command::CompleteWorkflowExecution(complete)]
                if complete.result == Some(json_payload(r#"{"n":1}"#))),
            "Nap completes with its argument: {done:?}"
        );
        assert_eq!(
            *self.evictions_asked.lock().unwrap(),
            Vec::<String>::new(),
            "the handler had to ask for an eviction: a slot was still held"
        );
        for run_id in ended.iter().copied().chain(["nap"]) {
            self.evict(run_id);
        }
        assert_eq!(self.known_runs(), 0, "the handler still knows evicted runs");
    }
}

/// `InitializeWorkflow` of `workflow_type` with `arguments`, seeded with 7.
pub fn initialize(
    workflow_type: &str,
    arguments: Vec<temporalio_common::protos::temporal::api::common::v1::Payload>,
) -> Job {
    Job::InitializeWorkflow(InitializeWorkflow {
        workflow_type: workflow_type.to_owned(),
        workflow_id: format!("{workflow_type}-wf"),
        randomness_seed: super::common::jobs::SEED,
        attempt: 1,
        arguments,
        ..Default::default()
    })
}

/// `SignalWorkflow` named `name` with one `json/plain` argument `json`.
pub fn signal(name: &str, json: &str) -> Job {
    Job::SignalWorkflow(SignalWorkflow {
        signal_name: name.to_owned(),
        input: vec![json_payload(json)],
        ..Default::default()
    })
}

/// What a completion came to, leaving out a first completion's pin marker.
pub fn outcome(completion: &WorkflowActivationCompletion) -> Outcome {
    match &completion.status {
        Some(Status::Successful(success)) => Outcome::Commands(
            success
                .commands
                .iter()
                .filter_map(|command| command.variant.clone())
                .filter(|command| {
                    !matches!(command, Command::SetPatchMarker(marker)
                        if marker.patch_id.starts_with(PIN_MARKER_PREFIX))
                })
                .collect(),
        ),
        Some(Status::Failed(failed)) => Outcome::TaskFailed(
            failed
                .failure
                .as_ref()
                .map(|failure| failure.message.clone())
                .unwrap_or_default(),
        ),
        None => panic!("a completion without a status"),
    }
}

/// The pin marker of a first completion, for its replay.
pub fn pin_marker(completion: &WorkflowActivationCompletion) -> String {
    match &completion.status {
        Some(Status::Successful(success)) => success
            .commands
            .iter()
            .find_map(|command| match &command.variant {
                Some(Command::SetPatchMarker(marker))
                    if marker.patch_id.starts_with(PIN_MARKER_PREFIX) =>
                {
                    Some(marker.patch_id.clone())
                }
                _ => None,
            })
            .expect("a first completion has a pin marker"),
        other => panic!("expected a successful completion, got {other:?}"),
    }
}

/// The limits every hostile bundle runs with in process, unless a case says otherwise.
pub const LIMITS: InstanceLimits = TEST_LIMITS;

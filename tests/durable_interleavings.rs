//! A property test of durable runs under any interleaving core can produce: resolutions of a
//! guest's timers and activities arrive in any order and any grouping into activations, and the
//! run is evicted before any activation and replayed from its history. Whatever the schedule,
//! the commands of every activation — live, and again when replayed — must be exactly those of
//! the uninterrupted run, and those must be what a simple model of the guest predicts.
//!
//! The guest (`fan_out`) starts two timers and two activities, then takes whichever is ready
//! first (`wait` on all it has not taken), records the handle and its result, and for each of
//! the four starts one follow-up timer; it completes with its transcript once all eight are
//! taken. What it does next depends on which resolution came first, so a replay that resolved
//! them in another order, or resumed the guest at another point, would show.
//!
//! `PROPTEST_CASES=N` runs more cases; failures are saved to
//! `proptest-regressions/durable_interleavings.txt`.

mod common;
#[path = "durable_interleavings/model.rs"]
mod model;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};

use proptest::prelude::*;
use temporal_wasm_worker::convert::WorkerContext;
use temporal_wasm_worker::metrics::WorkerMetrics;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::sandbox::{BundleRegistry, InstanceLimits};
use temporal_wasm_worker::temporal::activation::ActivationHandler;
use temporal_wasm_worker::temporal::pinning::PIN_MARKER_PREFIX;
use temporalio_common::protos::coresdk::workflow_activation::{
    WorkflowActivation, remove_from_cache::EvictionReason, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;
use temporalio_common::protos::coresdk::workflow_completion::workflow_activation_completion::Status;
use temporalio_common::protos::temporal::api::common::v1::Payload as ProtoPayload;

use common::jobs::{activation_for, eviction, initialize, notify_has_patch, replaying};
use common::{Fixtures, TEST_LIMITS, settings};

use model::{FAN_OUT, Model, Said, fan_out};

/// Cases per run unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 128;

fn config() -> ProptestConfig {
    common::properties::config(
        DEFAULT_CASES,
        "proptest-regressions/durable_interleavings.txt",
    )
}

/// The handler the cases share (a fresh run id each), and its runtime.
struct Shared {
    handler: Arc<ActivationHandler>,
    runtime: tokio::runtime::Runtime,
    _fixtures: Fixtures,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let fixtures = Fixtures::new();
        let path = fixtures.write("fan_out.wat", fan_out());
        let engine = WasmEngine::new(EngineCapacity { instance_slots: 4 }).expect("engine");
        let linkers = Linkers::new(engine.engine()).expect("linkers");
        let limits = InstanceLimits { ..TEST_LIMITS };
        let bundles =
            BundleRegistry::load(&engine, &linkers, &[settings(FAN_OUT, path, limits)], None)
                .expect("the bundle loads");
        let context = WorkerContext {
            namespace: "default".to_owned(),
            task_queue: "interleavings".to_owned(),
        };
        let metrics = Arc::new(WorkerMetrics::new(None));
        Shared {
            handler: Arc::new(ActivationHandler::new(
                Arc::new(bundles),
                context,
                1,
                metrics,
            )),
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            _fixtures: fixtures,
        }
    })
}

/// What the handler said for `activation` (the pin marker left out), or why it failed.
fn said(
    activation: WorkflowActivation,
    pin: &mut Option<String>,
) -> Result<Vec<Said>, TestCaseError> {
    let shared = shared();
    let completion = shared.runtime.block_on(shared.handler.handle(activation));
    let commands = match completion.status {
        Some(Status::Successful(success)) => success.commands,
        other => {
            return Err(TestCaseError::fail(format!(
                "the activation failed: {other:?}"
            )));
        }
    };
    let mut said = Vec::new();
    for command in commands.into_iter().filter_map(|command| command.variant) {
        said.push(match command {
            Command::SetPatchMarker(marker) if marker.patch_id.starts_with(PIN_MARKER_PREFIX) => {
                *pin = Some(marker.patch_id);
                continue;
            }
            Command::StartTimer(timer) => {
                let timeout = timer.start_to_fire_timeout.unwrap_or_default();
                let ms = timeout.seconds as u64 * 1000 + timeout.nanos as u64 / 1_000_000;
                Said::Timer { seq: timer.seq, ms }
            }
            Command::ScheduleActivity(activity) => Said::Activity { seq: activity.seq },
            Command::CompleteWorkflowExecution(complete) => {
                let data = complete
                    .result
                    .map(|p: ProtoPayload| p.data)
                    .unwrap_or_default();
                // The transcript payload's data is the text itself.
                Said::Complete(String::from_utf8_lossy(&data).into_owned())
            }
            other => return Err(TestCaseError::fail(format!("unexpected command {other:?}"))),
        });
    }
    Ok(said)
}

/// A schedule: which unresolved handles each activation resolves (chosen from `picks`), in
/// which order its jobs come (`orders`), and whether the run is evicted and replayed before it.
fn schedule(picks: &[u32], orders: &[u32]) -> (Vec<Said>, Vec<Step>) {
    let (mut model, first) = Model::start();
    let mut activations = Vec::new();
    let mut picks = picks.iter().cycle();
    let mut orders = orders.iter().cycle();
    loop {
        let mut unresolved = model.unresolved();
        if unresolved.is_empty() {
            break;
        }
        let take = 1 + *picks.next().expect("cycle") as usize % unresolved.len().min(3);
        let mut chosen = Vec::new();
        for _ in 0..take {
            let at = *picks.next().expect("cycle") as usize % unresolved.len();
            chosen.push(unresolved.remove(at));
        }
        let (mut jobs, said) = model.activate(&chosen);
        // Jobs of one activation in any order: the guest sees them all before it resumes.
        let rotate = *orders.next().expect("cycle") as usize % jobs.len();
        jobs.rotate_left(rotate);
        activations.push((jobs, said));
    }
    (first, activations)
}

/// One activation after the first: its jobs, and what the guest says in it.
type Step = (Vec<Job>, Vec<Said>);

/// A run id for one run; core's eviction of the run when dropped, so that a failing case gives
/// its instance back before the next (shrinking) case.
struct RunId(String);

impl RunId {
    fn next() -> RunId {
        RunId(format!("run-{}", RUNS.fetch_add(1, Ordering::Relaxed)))
    }
}

impl Drop for RunId {
    fn drop(&mut self) {
        let evict = activation_for(&self.0, vec![eviction(EvictionReason::Unspecified)]);
        let _ = said(evict, &mut None);
    }
}

/// Run ids, one per run, so the cases share a handler without sharing runs.
static RUNS: AtomicU32 = AtomicU32::new(0);

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_interleaving_of_resolutions_evictions_and_replays_gives_the_uninterrupted_commands(
        picks in proptest::collection::vec(any::<u32>(), 1..40),
        orders in proptest::collection::vec(any::<u32>(), 1..8),
        evict_before in proptest::collection::vec(any::<bool>(), 16),
    ) {
        let (first, activations) = schedule(&picks, &orders);
        prop_assert!(matches!(activations.last(), Some((_, said)) if matches!(said.last(), Some(Said::Complete(_)))));

        // Uninterrupted: every activation's commands are the model's.
        let run = RunId::next();
        let run_id = &run.0;
        let mut pin = None;
        let start = || activation_for(run_id, vec![initialize(FAN_OUT)]);
        prop_assert_eq!(&said(start(), &mut pin)?, &first);
        for (jobs, expected) in &activations {
            prop_assert_eq!(&said(activation_for(run_id, jobs.clone()), &mut pin)?, expected);
        }
        drop(run);
        let pin = pin.expect("a pin marker");

        // Interrupted: evicted before the activations `evict_before` says, then replayed from
        // history, every replayed activation saying again what it said live.
        let run = RunId::next();
        let run_id = &run.0;
        let mut ignored = None;
        prop_assert_eq!(&said(activation_for(run_id, vec![initialize(FAN_OUT)]), &mut ignored)?, &first);
        let mut evictions = 0;
        for (at, (jobs, expected)) in activations.iter().enumerate() {
            if evict_before[at % evict_before.len()] {
                evictions += 1;
                let evict = activation_for(run_id, vec![eviction(EvictionReason::CacheFull)]);
                prop_assert_eq!(said(evict, &mut ignored)?, vec![]);
                let replay = vec![initialize(FAN_OUT), notify_has_patch(&pin)];
                let replayed = said(replaying(activation_for(run_id, replay)), &mut ignored)?;
                prop_assert_eq!(&replayed, &first, "replayed start before activation {}", at);
                for (earlier, (jobs, expected)) in activations[..at].iter().enumerate() {
                    let replayed =
                        said(replaying(activation_for(run_id, jobs.clone())), &mut ignored)?;
                    prop_assert_eq!(&replayed, expected, "replayed activation {} before {}", earlier, at);
                }
            }
            let live = said(activation_for(run_id, jobs.clone()), &mut ignored)?;
            prop_assert_eq!(&live, expected, "activation {} after {} evictions", at, evictions);
        }
        drop(run);
        prop_assert_eq!(shared().handler.known_run_count(), 0);
    }
}

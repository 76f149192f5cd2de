//! Pool exhaustion under load, in process: far more durable runs than the instance pool has
//! slots, driven through the worker's `ActivationHandler` the way core drives it — activations
//! of different runs at once, and an eviction (then a replay from history) for every run the
//! handler asks core to evict. Nothing may fail: each new instance waits for the least recently
//! used parked run's slot, and every run completes with the result of its uninterrupted run.
//!
//! In process because on a real worker core's cache is never larger than the pool (the pool has
//! `max(max_cached_workflows, max_concurrent_runs)` parked slots), so only races reach this path
//! there; here every run but the first four does.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use temporal_wasm_worker::convert::WorkerContext;
use temporal_wasm_worker::metrics::WorkerMetrics;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::sandbox::{BundleRegistry, InstanceLimits};
use temporal_wasm_worker::temporal::activation::{ActivationHandler, EvictionRequester};
use temporal_wasm_worker::temporal::pinning::PIN_MARKER_PREFIX;
use temporalio_common::protos::coresdk::workflow_activation::{
    InitializeWorkflow, WorkflowActivation, remove_from_cache::EvictionReason,
    workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;
use temporalio_common::protos::coresdk::workflow_completion::workflow_activation_completion::Status;

use super::common::durable_worker::scenario_bundle;
use super::common::jobs::{
    activation_for, eviction, fire_timer, json_payload, notify_has_patch, replaying,
};
use super::common::settings;
use super::load::size;

/// Parked-instance slots of the pool under test.
const POOL_SLOTS: u32 = 4;
/// Timers each run waits on, one after the other.
const STEPS: u32 = 3;

/// What the fake core knows of one run: its history so far and whether the handler has it.
struct Run {
    id: String,
    /// The pin marker its first completion recorded (replays announce it).
    pin: Option<String>,
    /// Timers fired so far.
    fired: u32,
    /// Whether the handler holds the run (false after an eviction: the next task replays).
    cached: bool,
    done: bool,
    replays: u32,
}

/// The handler, with the run ids it asked core to evict.
fn handler() -> (Arc<ActivationHandler>, Arc<Mutex<VecDeque<String>>>) {
    let engine = WasmEngine::new(EngineCapacity {
        instance_slots: POOL_SLOTS + 2,
    })
    .expect("engine");
    let linkers = Linkers::new(engine.engine()).expect("linkers");
    let spec = settings("Scenario", scenario_bundle(), InstanceLimits::DEFAULT);
    let bundles = BundleRegistry::load(&engine, &linkers, &[spec], None).expect("bundle loads");
    let asked = Arc::new(Mutex::new(VecDeque::new()));
    let record = Arc::clone(&asked);
    let requester: EvictionRequester =
        Box::new(move |run_id: &str| record.lock().expect("lock").push_back(run_id.to_owned()));
    let context = WorkerContext {
        namespace: "default".to_owned(),
        task_queue: "pool-exhaustion".to_owned(),
    };
    let metrics = Arc::new(WorkerMetrics::new(None));
    let handler = ActivationHandler::new(Arc::new(bundles), context, 2, metrics)
        .with_instance_pool(POOL_SLOTS, requester);
    (Arc::new(handler), asked)
}

fn initialize(run: &Run) -> Job {
    let steps: Vec<Value> = (0..STEPS).map(|_| json!({"sleep_ms": 100})).collect();
    Job::InitializeWorkflow(InitializeWorkflow {
        workflow_type: "Scenario".to_owned(),
        workflow_id: run.id.clone(),
        randomness_seed: 7,
        attempt: 1,
        arguments: vec![json_payload(&json!({"steps": steps}).to_string())],
        ..Default::default()
    })
}

/// The commands of `activation`, after checking it did not fail.
async fn commands(handler: &ActivationHandler, activation: WorkflowActivation) -> Vec<Command> {
    let completion = handler.handle(activation).await;
    match completion.status {
        Some(Status::Successful(success)) => success
            .commands
            .into_iter()
            .filter_map(|command| command.variant)
            .collect(),
        other => panic!("an activation failed: {other:?}"),
    }
}

/// What a run must do after `fired` timers: start timer `fired + 1`, or complete.
fn assert_next(commands: &[Command], fired: u32, run_id: &str) {
    if fired < STEPS {
        assert!(
            matches!(commands, [Command::StartTimer(timer)] if timer.seq == fired + 1),
            "{run_id} after {fired} timers: {commands:?}"
        );
    } else {
        let fired = json!({"completed": []});
        let expected = json!({"iteration": 0, "results": vec![fired; STEPS as usize]});
        match commands {
            [Command::CompleteWorkflowExecution(complete)] => {
                let data = &complete.result.as_ref().expect("a result").data;
                let result: Value = serde_json::from_slice(data).expect("JSON result");
                assert_eq!(result, expected, "{run_id}");
            }
            other => panic!("{run_id} did not complete: {other:?}"),
        }
    }
}

/// One workflow task of `run`: its first, the next timer on its cached instance, or, after an
/// eviction, the replay of its history followed by the next timer.
async fn advance(handler: &ActivationHandler, run: &mut Run) {
    if run.pin.is_none() {
        let mut first = commands(handler, activation_for(&run.id, vec![initialize(run)])).await;
        match first.first() {
            Some(Command::SetPatchMarker(marker))
                if marker.patch_id.starts_with(PIN_MARKER_PREFIX) =>
            {
                run.pin = Some(marker.patch_id.clone());
            }
            other => panic!("a first completion starts with its pin marker, not {other:?}"),
        }
        first.remove(0);
        assert_next(&first, 0, &run.id);
        run.cached = true;
        return;
    }
    if !run.cached {
        run.replays += 1;
        let pin = run.pin.clone().expect("a pin");
        let jobs = vec![initialize(run), notify_has_patch(&pin)];
        let mut replayed = commands(handler, replaying(activation_for(&run.id, jobs))).await;
        // A replay records the pin marker again, as history has it.
        replayed.retain(
            |command| !matches!(command, Command::SetPatchMarker(marker) if marker.patch_id == pin),
        );
        assert_next(&replayed, 0, &run.id);
        for seq in 1..=run.fired {
            let jobs = vec![fire_timer(seq)];
            let replayed = commands(handler, replaying(activation_for(&run.id, jobs))).await;
            assert_next(&replayed, seq, &run.id);
        }
        run.cached = true;
    }
    run.fired += 1;
    let next = commands(
        handler,
        activation_for(&run.id, vec![fire_timer(run.fired)]),
    )
    .await;
    assert_next(&next, run.fired, &run.id);
    if run.fired == STEPS {
        // Core evicts a run once it has completed.
        evict(handler, &run.id, EvictionReason::Unspecified).await;
        run.done = true;
        run.cached = false;
    }
}

async fn evict(handler: &ActivationHandler, run_id: &str, reason: EvictionReason) {
    let done = commands(handler, activation_for(run_id, vec![eviction(reason)])).await;
    assert!(done.is_empty(), "an eviction has no commands: {done:?}");
}

#[test]
#[ignore = "fault/load test: run in the bounded fault step"]
fn more_durable_runs_than_pool_slots_evict_the_least_recently_used_and_all_complete() {
    let started_at = Instant::now();
    let count = size("DURABLE_FAULTS_POOL_RUNS", 200);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (handler, asked) = handler();
    let runs: Vec<Arc<tokio::sync::Mutex<Run>>> = (0..count)
        .map(|n| {
            Arc::new(tokio::sync::Mutex::new(Run {
                id: format!("run-{n}"),
                pin: None,
                fired: 0,
                cached: false,
                done: false,
                replays: 0,
            }))
        })
        .collect();
    let evictions_done = runtime.block_on(async {
        // Core's side of `request_workflow_eviction`: the eviction follows once the run is idle.
        let stop = Arc::new(AtomicBool::new(false));
        let evictor = {
            let (handler, asked, stop) =
                (Arc::clone(&handler), Arc::clone(&asked), Arc::clone(&stop));
            let by_id: Vec<_> = runs.iter().map(Arc::clone).collect();
            tokio::spawn(async move {
                let mut evicted = 0_u32;
                while !stop.load(Ordering::Relaxed) {
                    let next = asked.lock().expect("lock").pop_front();
                    let Some(run_id) = next else {
                        tokio::time::sleep(Duration::from_millis(2)).await;
                        continue;
                    };
                    let n: usize = run_id["run-".len()..].parse().expect("a run id");
                    let mut run = by_id[n].lock().await;
                    if run.cached {
                        evict(&handler, &run_id, EvictionReason::CacheFull).await;
                        run.cached = false;
                        evicted += 1;
                    }
                }
                evicted
            })
        };
        // Rounds of one workflow task per open run, all at once, in a different order each round.
        let mut order: Vec<usize> = (0..count).collect();
        let mut seed = 0x9e37_79b9_u64;
        for _round in 0..=STEPS {
            for i in (1..order.len()).rev() {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                order.swap(i, (seed >> 33) as usize % (i + 1));
            }
            let tasks: Vec<_> = order
                .iter()
                .map(|&n| {
                    let (handler, run) = (Arc::clone(&handler), Arc::clone(&runs[n]));
                    tokio::spawn(async move { advance(&handler, &mut *run.lock().await).await })
                })
                .collect();
            for task in tasks {
                tokio::time::timeout(Duration::from_secs(120), task)
                    .await
                    .expect("a workflow task waited over two minutes for a slot")
                    .expect("a workflow task panicked");
            }
        }
        stop.store(true, Ordering::Relaxed);
        evictor.await.expect("the evictor")
    });
    let replays: u32 = runtime.block_on(async {
        let mut replays = 0;
        for run in &runs {
            let run = run.lock().await;
            assert!(run.done, "{} did not complete", run.id);
            replays += run.replays;
        }
        replays
    });
    assert_eq!(handler.known_run_count(), 0, "the handler still holds runs");
    assert!(
        evictions_done as usize >= count - POOL_SLOTS as usize,
        "only {evictions_done} evictions for {count} runs over {POOL_SLOTS} slots"
    );
    eprintln!(
        "{count} runs of {STEPS} timers over {POOL_SLOTS} pool slots: {evictions_done} LRU \
         evictions asked and done, {replays} replays, no failure; {:.1}s",
        started_at.elapsed().as_secs_f64()
    );
}

//! Durable runs in the `ActivationHandler`'s run cache: eviction drops a parked guest, core's
//! replay brings it back, and a full instance pool asks core to evict the least recently used
//! parked run.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use temporal_wasm_worker::metrics::WorkerMetrics;
use temporal_wasm_worker::sandbox::BundleRegistry;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::temporal::activation::{ActivationHandler, EvictionRequester};
use temporal_wasm_worker::temporal::pinning::PIN_MARKER_PREFIX;
use temporalio_common::protos::coresdk::workflow_activation::{
    WorkflowActivation, remove_from_cache::EvictionReason,
};
use temporalio_common::protos::coresdk::workflow_commands::StartTimer;
use temporalio_common::protos::coresdk::workflow_completion::WorkflowActivationCompletion;

use super::common::jobs::{
    activation_for, commands, duration_ms, eviction, fire_timer, initialize, json_payload,
    notify_has_patch, query, replaying, task_failure,
};
use super::common::{Fixtures, TEST_LIMITS, settings};
use super::{Command, timer_then_done, worker};

/// The durable workflow type the handler serves: `timer_then_done`.
const SLEEPER: &str = "Sleeper";

fn handler() -> (Fixtures, ActivationHandler) {
    let fixtures = Fixtures::new();
    let path = fixtures.write("sleeper.wat", timer_then_done());
    let engine = WasmEngine::new(EngineCapacity { instance_slots: 4 }).unwrap();
    let linkers = Linkers::new(engine.engine()).unwrap();
    let bundles = BundleRegistry::load(
        &engine,
        &linkers,
        &[settings(SLEEPER, path, TEST_LIMITS)],
        None,
    )
    .unwrap();
    let metrics = Arc::new(WorkerMetrics::new(None));
    let handler = ActivationHandler::new(Arc::new(bundles), worker(), 2, metrics);
    (fixtures, handler)
}

/// An eviction requester that records the run ids it is asked to evict.
fn recorder() -> (Arc<Mutex<Vec<String>>>, EvictionRequester) {
    let evicted = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&evicted);
    let requester: EvictionRequester =
        Box::new(move |run_id: &str| record.lock().unwrap().push(run_id.to_owned()));
    (evicted, requester)
}

fn sleeper_started() -> Vec<Command> {
    vec![Command::StartTimer(StartTimer {
        seq: 1,
        start_to_fire_timeout: Some(duration_ms(1500)),
    })]
}

/// A new run's commands after the pin marker its first completion starts with, and the
/// marker's patch id.
fn after_pin(completion: &WorkflowActivationCompletion) -> (String, Vec<Command>) {
    let mut commands = commands(completion);
    match commands.first() {
        Some(Command::SetPatchMarker(marker))
            if marker.patch_id.starts_with(PIN_MARKER_PREFIX) && marker.deprecated =>
        {
            let patch_id = marker.patch_id.clone();
            commands.remove(0);
            (patch_id, commands)
        }
        other => panic!("a new run's first command is its pin marker, not {other:?}"),
    }
}

/// Core's eviction of `run_id` because its cache is full.
fn evict(run_id: &str) -> WorkflowActivation {
    activation_for(run_id, vec![eviction(EvictionReason::CacheFull)])
}

#[tokio::test]
async fn eviction_forgets_a_parked_run_so_a_later_job_without_initialize_fails_the_task() {
    let (_dir, handler) = handler();
    let first = handler
        .handle(activation_for("run-1", vec![initialize(SLEEPER)]))
        .await;
    assert_eq!(after_pin(&first).1, sleeper_started());
    assert_eq!(handler.known_run_count(), 1);

    let evicted = handler.handle(evict("run-1")).await;
    assert_eq!(commands(&evicted), []);
    assert_eq!(handler.known_run_count(), 0);

    let orphan = handler
        .handle(activation_for("run-1", vec![fire_timer(1)]))
        .await;
    let failure = task_failure(&orphan);
    assert!(
        failure.message.contains("has not initialized"),
        "{}",
        failure.message
    );
    assert_eq!(handler.known_run_count(), 0);
}

#[tokio::test]
async fn initialize_after_an_eviction_replays_the_run_and_it_carries_on() {
    let (_dir, handler) = handler();
    let live = handler
        .handle(activation_for("run-1", vec![initialize(SLEEPER)]))
        .await;
    handler.handle(evict("run-1")).await;

    // Core announces the pin marker of the first task in the first activation of a replay.
    let (pin, _) = after_pin(&live);
    let replayed = handler
        .handle(replaying(activation_for(
            "run-1",
            vec![initialize(SLEEPER), notify_has_patch(&pin)],
        )))
        .await;
    assert_eq!(replayed, live);
    let done = handler
        .handle(activation_for("run-1", vec![fire_timer(1)]))
        .await;
    assert!(matches!(
        &commands(&done)[..],
        [Command::CompleteWorkflowExecution(complete)]
            if complete.result == Some(json_payload(r#""done""#))
    ));
}

/// Initializes `run_id` on `handler` while, after a short delay, core's eviction of `victim`
/// arrives (as it would once the handler asked for it); returns the new run's completion.
async fn initialize_while_evicting(
    handler: &Arc<ActivationHandler>,
    run_id: &str,
    victim: &str,
) -> WorkflowActivationCompletion {
    let evicting = {
        let handler = Arc::clone(handler);
        let victim = victim.to_owned();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            handler.handle(evict(&victim)).await
        })
    };
    let started = tokio::time::timeout(
        Duration::from_secs(20),
        handler.handle(activation_for(run_id, vec![initialize(SLEEPER)])),
    )
    .await
    .expect("the new run gets the evicted run's slot");
    assert_eq!(commands(&evicting.await.unwrap()), []);
    started
}

#[tokio::test]
async fn a_full_instance_pool_asks_core_to_evict_the_parked_run_and_waits_for_its_slot() {
    let (_dir, handler) = handler();
    let (evicted, requester) = recorder();
    let handler = Arc::new(handler.with_instance_pool(1, requester));
    handler
        .handle(activation_for("run-1", vec![initialize(SLEEPER)]))
        .await;
    assert_eq!(*evicted.lock().unwrap(), Vec::<String>::new());

    let second = initialize_while_evicting(&handler, "run-2", "run-1").await;
    assert_eq!(*evicted.lock().unwrap(), ["run-1"]);
    assert_eq!(after_pin(&second).1, sleeper_started());
    assert_eq!(handler.known_run_count(), 1);
}

#[tokio::test]
async fn a_full_instance_pool_evicts_the_least_recently_used_run_not_the_oldest() {
    let (_dir, handler) = handler();
    let (evicted, requester) = recorder();
    let handler = Arc::new(handler.with_instance_pool(2, requester));
    for run_id in ["run-1", "run-2"] {
        handler
            .handle(activation_for(run_id, vec![initialize(SLEEPER)]))
            .await;
    }
    // run-1 is used again (a query), so run-2 is now the least recently used.
    handler
        .handle(replaying(activation_for(
            "run-1",
            vec![query("q", "status")],
        )))
        .await;

    let third = initialize_while_evicting(&handler, "run-3", "run-2").await;
    assert_eq!(*evicted.lock().unwrap(), ["run-2"]);
    assert_eq!(after_pin(&third).1, sleeper_started());
}

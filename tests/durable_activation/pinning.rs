//! Bundle versions pinned per run, as the `ActivationHandler` applies them: a new run records
//! its bundle's version, a replay gets the version history names (current or previous), a
//! version the worker does not have fails the task by name, and `auto_upgrade` runs the
//! current bundle under the marker history holds.

use std::sync::Arc;

use temporal_wasm_worker::metrics::WorkerMetrics;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::sandbox::{BundleRegistry, VersioningBehavior};
use temporal_wasm_worker::temporal::activation::ActivationHandler;
use temporal_wasm_worker::temporal::pinning::{
    BUNDLE_VERSION_NOT_REGISTERED_FAILURE_TYPE, PIN_MARKER_PREFIX,
};
use temporalio_common::protos::coresdk::workflow_activation::WorkflowActivation;
use temporalio_common::protos::coresdk::workflow_commands::{SetPatchMarker, StartTimer};

use super::common::jobs::{
    activation_for, commands, duration_ms, initialize, notify_has_patch, replaying, task_failure,
};
use super::common::wat::completes_with;
use super::common::{Fixtures, TEST_LIMITS, settings};
use super::{Command, Inputs, guest, worker};

const TYPE: &str = "Versioned";

/// A durable guest that starts one timer of `ms` and parks: versions differ by `ms`.
fn sleeps(ms: u64) -> String {
    let mut inputs = Inputs::default();
    let timer = inputs.add(&format!(r#"{{"duration_ms":{ms}}}"#));
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (drop (call $wait_one (call $start_timer {timer})))
    unreachable)"#
        ),
    )
}

/// A handler serving `TYPE` with `current` and `previous` bundles (WAT) under `behavior`.
fn handler(
    current: &str,
    previous: &[&str],
    behavior: VersioningBehavior,
) -> (Fixtures, ActivationHandler, Arc<BundleRegistry>) {
    let fixtures = Fixtures::new();
    let mut spec = settings(TYPE, fixtures.write("current.wat", current), TEST_LIMITS);
    spec.versioning = behavior;
    spec.previous_modules = previous
        .iter()
        .enumerate()
        .map(|(index, wat)| fixtures.write(&format!("previous-{index}.wat"), wat))
        .collect();
    let engine = WasmEngine::new(EngineCapacity { instance_slots: 8 }).unwrap();
    let linkers = Linkers::new(engine.engine()).unwrap();
    let bundles = Arc::new(BundleRegistry::load(&engine, &linkers, &[spec], None).unwrap());
    let metrics = Arc::new(WorkerMetrics::new(None));
    let handler = ActivationHandler::new(Arc::clone(&bundles), worker(), 2, metrics);
    (fixtures, handler, bundles)
}

fn versions(bundles: &BundleRegistry) -> Vec<String> {
    bundles
        .versions(TYPE)
        .unwrap()
        .all()
        .map(|bundle| bundle.version())
        .collect()
}

fn marker(version: &str) -> Command {
    Command::SetPatchMarker(SetPatchMarker {
        patch_id: format!("{PIN_MARKER_PREFIX}{version}"),
        deprecated: true,
    })
}

fn timer(ms: u64) -> Command {
    Command::StartTimer(StartTimer {
        seq: 1,
        start_to_fire_timeout: Some(duration_ms(ms)),
    })
}

/// The first activation of a replay whose history pins `version`.
fn replay_pinned_to(run_id: &str, version: &str) -> WorkflowActivation {
    replaying(activation_for(
        run_id,
        vec![
            initialize(TYPE),
            notify_has_patch(&format!("{PIN_MARKER_PREFIX}{version}")),
        ],
    ))
}

#[tokio::test]
async fn a_new_run_records_the_current_version_before_its_first_command() {
    let (_dir, handler, bundles) = handler(&sleeps(2000), &[&sleeps(1000)], Default::default());
    let [current, _previous] = &versions(&bundles)[..] else {
        panic!("two versions")
    };
    assert!(current.starts_with("sha256:") && current.len() == "sha256:".len() + 16);
    let first = handler
        .handle(activation_for("run-1", vec![initialize(TYPE)]))
        .await;
    assert_eq!(commands(&first), [marker(current), timer(2000)]);
}

#[tokio::test]
async fn a_replay_runs_the_version_history_names_and_re_issues_its_marker() {
    let (_dir, handler, bundles) = handler(&sleeps(2000), &[&sleeps(1000)], Default::default());
    let versions = versions(&bundles);
    let replayed = handler
        .handle(replay_pinned_to("old-run", &versions[1]))
        .await;
    assert_eq!(commands(&replayed), [marker(&versions[1]), timer(1000)]);
    let replayed = handler
        .handle(replay_pinned_to("new-run", &versions[0]))
        .await;
    assert_eq!(commands(&replayed), [marker(&versions[0]), timer(2000)]);
}

#[tokio::test]
async fn a_run_pinned_to_a_version_this_worker_lacks_fails_its_task_naming_both() {
    let (_dir, handler, bundles) = handler(&sleeps(2000), &[], Default::default());
    let completion = handler
        .handle(replay_pinned_to("run-1", "sha256:00000000000000ff"))
        .await;
    let failure = task_failure(&completion);
    let current = &versions(&bundles)[0];
    assert!(format!("{failure:?}").contains(BUNDLE_VERSION_NOT_REGISTERED_FAILURE_TYPE));
    for needle in [
        "run-1",
        "`Versioned`",
        "sha256:00000000000000ff",
        &format!("{current} ("),
        "current.wat, current)",
        "previous_modules",
    ] {
        assert!(
            failure.message.contains(needle),
            "{needle}: {}",
            failure.message
        );
    }
    // The worker forgets the run: the retried task starts over.
    assert_eq!(handler.known_run_count(), 0);
}

#[tokio::test]
async fn auto_upgrade_runs_the_current_bundle_under_the_marker_history_holds() {
    let (_dir, upgrading, _bundles) = handler(&sleeps(2000), &[], VersioningBehavior::AutoUpgrade);
    let replayed = upgrading
        .handle(replay_pinned_to("run-1", "sha256:00000000000000ff"))
        .await;
    assert_eq!(
        commands(&replayed),
        [marker("sha256:00000000000000ff"), timer(2000)]
    );
    let overridden = {
        let (_dir, pinned, bundles) = handler(&sleeps(2000), &[&sleeps(1000)], Default::default());
        let previous = versions(&bundles)[1].clone();
        let upgraded = pinned.with_versioning(VersioningBehavior::AutoUpgrade);
        commands(&upgraded.handle(replay_pinned_to("run-2", &previous)).await)
    };
    assert_eq!(
        overridden[1],
        timer(2000),
        "a replay override runs the current bundle"
    );
}

#[tokio::test]
async fn runs_without_a_marker_and_one_shot_runs_record_none() {
    let (_dir, handler, _bundles) = handler(&sleeps(2000), &[], Default::default());
    let replayed = handler
        .handle(replaying(activation_for("legacy", vec![initialize(TYPE)])))
        .await;
    assert_eq!(commands(&replayed), [timer(2000)]);

    let (_dir, handler, _bundles) = handler_one_shot();
    let completion = handler
        .handle(activation_for("one-shot", vec![initialize(TYPE)]))
        .await;
    assert!(matches!(
        &commands(&completion)[..],
        [Command::CompleteWorkflowExecution(_)]
    ));
}

fn handler_one_shot() -> (Fixtures, ActivationHandler, Arc<BundleRegistry>) {
    handler(&completes_with("[]"), &[], Default::default())
}

#[test]
fn previous_modules_with_the_current_bytes_are_registered_once() {
    let (_dir, _handler, bundles) = handler(
        &sleeps(2000),
        &[&sleeps(2000), &sleeps(1000)],
        Default::default(),
    );
    assert_eq!(versions(&bundles).len(), 2);
    let described = bundles.versions(TYPE).unwrap().describe();
    assert!(described.contains("current.wat, current)"), "{described}");
    assert!(described.contains("previous-1.wat)"), "{described}");
}

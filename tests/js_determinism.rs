//! JavaScript workflows (guest/js) on a real server: a workflow that calls `Math.random()` and
//! `Date.now()` replays without nondeterminism when every workflow task replays it from the
//! start (`max_cached_workflows = 0`), and a JavaScript exception becomes the workflow's failure
//! with its message and type.
//!
//! The workflows are `guest/js/tests/workflows/*.js`, built here with `guest/js/build.sh` (which
//! installs its toolchain when missing; the first build compiles the engine and the build tool).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use common::durable_client::{DurableClient, count_events};
use common::durable_worker::{ACTIVITY_QUEUE, TIMEOUT, activity_worker, start_worker};
use common::temporal::{TemporalServer, WorkerProcess, free_port, workflow_id};
use serde_json::{Value, json};

const WORKFLOWS: [(&str, &str); 2] = [("JsRandomClock", "random_clock"), ("JsThrower", "thrower")];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Builds a test workflow of guest/js/tests/workflows into `dir`.
fn build(name: &str, dir: &Path) -> PathBuf {
    let source = repo().join(format!("guest/js/tests/workflows/{name}.js"));
    let output = dir.join(format!("{name}.wasm"));
    let built = Command::new(repo().join("guest/js/build.sh"))
        .arg(&source)
        .arg("-o")
        .arg(&output)
        .output()
        .expect("run guest/js/build.sh");
    assert!(
        built.status.success(),
        "guest/js/build.sh {name}.js failed:\n{}{}",
        String::from_utf8_lossy(&built.stdout),
        String::from_utf8_lossy(&built.stderr)
    );
    output
}

/// One worker with the sticky cache off, so every workflow task replays the run from its start.
fn worker() -> &'static (WorkerProcess, DurableClient, tempfile::TempDir) {
    static WORKER: OnceLock<(WorkerProcess, DurableClient, tempfile::TempDir)> = OnceLock::new();
    WORKER.get_or_init(|| {
        activity_worker();
        let bundles = tempfile::tempdir().expect("temp dir");
        let server = TemporalServer::shared();
        let queue = format!("js-determinism-{}", free_port());
        let mut config = format!(
            "[temporal]\naddress = \"{}\"\nnamespace = \"default\"\ntask_queue = \"{queue}\"\n\n\
             [worker]\nshutdown_timeout_secs = 10\nmax_cached_workflows = 0\n\n",
            server.address
        );
        for (workflow_type, name) in WORKFLOWS {
            let bundle = build(name, bundles.path());
            config.push_str(&format!(
                "[workflows.{workflow_type}]\nmodule = \"{}\"\n\n",
                bundle.display()
            ));
        }
        let worker = start_worker(&config, tempfile::tempdir().expect("temp dir"));
        (worker, DurableClient::new(&server.address, &queue), bundles)
    })
}

fn run(workflow_type: &str, args: Value) -> Value {
    let (worker, client, _) = worker();
    let id = workflow_id(workflow_type);
    client.start(&id, workflow_type, args);
    let outcome = client.outcome(&id, TIMEOUT);
    assert_ne!(
        outcome["status"],
        "RUNNING",
        "{outcome}\nworker log:\n{}",
        worker.log()
    );
    outcome
}

#[test]
fn math_random_and_date_now_replay_without_nondeterminism_with_no_cache() {
    let outcome = run("JsRandomClock", json!([{"activity_queue": ACTIVITY_QUEUE}]));
    let (worker, _, _) = worker();
    assert_eq!(
        outcome["status"],
        "COMPLETED",
        "{outcome}\nworker log:\n{}",
        worker.log()
    );
    assert_eq!(
        count_events(&outcome, "EVENT_TYPE_WORKFLOW_TASK_FAILED"),
        0,
        "{outcome}"
    );
    let result = &outcome["result"];
    // `first` was computed again by the last replay; `echoed` is what the first execution sent,
    // as history recorded it.
    assert_eq!(result["first"], result["echoed"], "{result}");
    let random = result["first"]["random"].as_f64().expect("a number");
    assert!((0.0..1.0).contains(&random), "{result}");
    let timers = result["timers"].as_u64().expect("a count") as usize;
    // The setTimeout adds one timer to the sleeps.
    assert_eq!(
        count_events(&outcome, "EVENT_TYPE_TIMER_FIRED"),
        timers + 1,
        "{outcome}"
    );
    let (first, second) = (
        result["first"]["now"].as_i64(),
        result["second"]["now"].as_i64(),
    );
    assert!(
        first.is_some() && second > first,
        "workflow time moves on: {result}"
    );
    assert!(!worker.log().contains("Nondeterminism"), "{}", worker.log());
}

#[test]
fn a_javascript_exception_fails_the_workflow_with_its_message_and_type() {
    let outcome = run("JsThrower", json!(["type"]));
    assert_eq!(outcome["status"], "FAILED", "{outcome}");
    assert_eq!(outcome["failure"]["type"], "TypeError", "{outcome}");
    assert_eq!(
        outcome["failure"]["message"], "cannot read property 'items' of null",
        "{outcome}"
    );

    let outcome = run("JsThrower", json!(["custom"]));
    assert_eq!(outcome["failure"]["type"], "OutOfApples", "{outcome}");
    assert_eq!(outcome["failure"]["message"], "no apples left", "{outcome}");
    assert_eq!(
        outcome["failure"]["cause"]["type"], "RangeError",
        "{outcome}"
    );
    assert_eq!(
        outcome["failure"]["cause"]["message"], "stock -1",
        "{outcome}"
    );

    let outcome = run("JsThrower", json!(["other"]));
    assert_eq!(outcome["failure"]["type"], "Refused", "{outcome}");
    assert_eq!(outcome["failure"]["non_retryable"], true, "{outcome}");
}

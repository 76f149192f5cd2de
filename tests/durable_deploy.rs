//! Durable workflows across worker restarts and redeploys, on a real dev server: a worker killed
//! mid-run and started again, a changed bundle that takes the new path only for new runs
//! (`patched`), and a changed bundle whose commands differ from history (nondeterminism) — and
//! the README's example workflow, as an operator would deploy it.
//!
//! Each test has workers of its own on its own task queue, started and stopped by the test.

mod common;

use std::time::Duration;

use common::activities::ActivityWorker;
use common::durable::{data, module};
use common::durable_client::{DurableClient, count_events};
use common::durable_worker::{
    ACTIVITY_QUEUE, TIMEOUT, activity, activity_worker, config, start_worker, wait_for_event,
};
use common::temporal::{TemporalServer, WorkerProcess, free_port, workflow_id};
use serde_json::{Value, json};

const TIMER_2S: &str = r#"{"duration_ms":2000}"#;
const TIMER_100MS: &str = r#"{"duration_ms":100}"#;
/// `[json/plain "old"]` and `[json/plain "new"]`.
const OLD: &str = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"Im9sZCI="}]"#;
const NEW: &str = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"Im5ldyI="}]"#;

/// Old code: a 2 s timer, then complete with "old".
fn old_bundle() -> String {
    module(&format!(
        r#"{}{}
  (func $old
    (drop (call $wait_one (call $start_timer (i32.const 1024) (i32.const {}))))
    (call $complete (i32.const 2048) (i32.const {}))
    unreachable)
  (func (export "run") (call $old))"#,
        data(1024, TIMER_2S),
        data(2048, OLD),
        TIMER_2S.len(),
        OLD.len()
    ))
}

/// New code behind patch `p1`: a 100 ms timer, then "new"; runs started before the patch keep
/// the old path.
fn patched_bundle() -> String {
    module(&format!(
        r#"{}{}{}{}{}
  (func $old
    (drop (call $wait_one (call $start_timer (i32.const 1024) (i32.const {}))))
    (call $complete (i32.const 2048) (i32.const {}))
    unreachable)
  (func (export "run")
    (if (call $patched (i32.const 3000) (i32.const 2) (i32.const 0))
      (then
        (drop (call $wait_one (call $start_timer (i32.const 1100) (i32.const {}))))
        (call $complete (i32.const 2400) (i32.const {}))))
    (call $old))"#,
        data(1024, TIMER_2S),
        data(1100, TIMER_100MS),
        data(2048, OLD),
        data(2400, NEW),
        data(3000, "p1"),
        TIMER_2S.len(),
        OLD.len(),
        TIMER_100MS.len(),
        NEW.len()
    ))
}

/// A changed bundle without a patch: it schedules an activity where the old one started a timer.
fn activity_instead_of_timer_bundle() -> String {
    let options = json!({"activity_type": "echo", "task_queue": ACTIVITY_QUEUE,
                         "start_to_close_timeout_ms": 5000})
    .to_string();
    module(&format!(
        r#"{}{}
  (func (export "run")
    (drop (call $wait_one (call $start_activity (i32.const 1024) (i32.const {}))))
    (call $complete (i32.const 2048) (i32.const {}))
    unreachable)"#,
        data(1024, &options),
        data(2048, OLD),
        options.len(),
        OLD.len()
    ))
}

/// A worker on `queue` whose `Versioned` type runs `wat` (next to the scenario bundle) and
/// moves running workflows to it (`auto_upgrade`: the classic model, where changes are
/// guarded with `patched`; pinned versions are `bundle_versions.rs`' business).
fn versioned_worker(queue: &str, wat: &str) -> WorkerProcess {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("versioned.wat"), wat).expect("write the bundle");
    let extra = "[workflows.Versioned]\nmodule = \"versioned.wat\"\n\
                 versioning_behavior = \"auto_upgrade\"\n";
    let config = config(
        &TemporalServer::shared().address,
        queue,
        "max_cached_workflows = 10",
        extra,
    );
    start_worker(&config, dir)
}

#[test]
fn patched_keeps_running_workflows_on_the_old_path_after_a_redeploy() {
    let queue = format!("patched-{}", free_port());
    let client = DurableClient::new(&TemporalServer::shared().address, &queue);
    let old_worker = versioned_worker(&queue, &old_bundle());
    let before = workflow_id("before-patch");
    client.start(&before, "Versioned", json!([]));
    wait_for_event(&client, &before, "EVENT_TYPE_TIMER_STARTED");
    old_worker.stop();

    let new_worker = versioned_worker(&queue, &patched_bundle());
    let after = workflow_id("after-patch");
    client.start(&after, "Versioned", json!([]));
    let outcomes = client.outcomes(&[before, after], TIMEOUT);
    assert_eq!(
        outcomes[0]["status"],
        "COMPLETED",
        "{}\n{}",
        outcomes[0],
        new_worker.log()
    );
    assert_eq!(
        outcomes[0]["result"], "old",
        "started before the patch: {}",
        outcomes[0]
    );
    // Each run's history has its pin marker; only the new one has the patch's marker too.
    assert_eq!(count_events(&outcomes[0], "EVENT_TYPE_MARKER_RECORDED"), 1);
    assert_eq!(
        outcomes[1]["result"], "new",
        "started after the patch: {}",
        outcomes[1]
    );
    assert_eq!(count_events(&outcomes[1], "EVENT_TYPE_MARKER_RECORDED"), 2);
}

#[test]
fn a_changed_bundle_that_issues_other_commands_fails_its_task_as_nondeterministic() {
    activity_worker();
    let queue = format!("nondeterminism-{}", free_port());
    let client = DurableClient::new(&TemporalServer::shared().address, &queue);
    let old_worker = versioned_worker(&queue, &old_bundle());
    let id = workflow_id("nondeterministic");
    client.start(&id, "Versioned", json!([]));
    wait_for_event(&client, &id, "EVENT_TYPE_TIMER_STARTED");
    old_worker.stop();

    let new_worker = versioned_worker(&queue, &activity_instead_of_timer_bundle());
    // Other workflows keep completing on the same worker meanwhile.
    let healthy = workflow_id("healthy-next-to-nondeterminism");
    client.start(
        &healthy,
        "Scenario",
        json!([{"steps": [{"sleep_ms": 100}]}]),
    );
    let failure = client.task_failure(&id, TIMEOUT);
    assert_eq!(
        failure["cause"], "WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR",
        "{failure}"
    );
    let message = failure["message"].as_str().unwrap_or_default();
    assert!(message.contains("Nondeterminism"), "{message}");
    assert_eq!(client.outcome(&healthy, TIMEOUT)["status"], "COMPLETED");
    assert!(
        new_worker.wait_for_log("activity 1 echo", Duration::from_secs(10)),
        "the worker names the call that differed:\n{}",
        new_worker.log()
    );
    client.terminate(&id);
}

#[test]
fn a_worker_killed_mid_run_is_replaced_and_every_workflow_completes_exactly_once() {
    activity_worker();
    let queue = format!("killed-{}", free_port());
    let address = TemporalServer::shared().address.clone();
    let client = DurableClient::new(&address, &queue);
    let start = || {
        let dir = tempfile::tempdir().expect("temp dir");
        start_worker(
            &config(&address, &queue, "max_cached_workflows = 100", ""),
            dir,
        )
    };
    // Sleeps, calls an activity, cancels a slow one, then sleeps again.
    let steps = json!([
        {"sleep_ms": 1500},
        {"activity": activity("echo", json!(["charged"]), json!({}))},
        {"activity": activity("slow", json!([{"seconds": 30}]), json!({"heartbeat_timeout_ms": 2000})),
         "cancel_after_ms": 500},
        {"sleep_ms": 1500},
    ]);
    let ids: Vec<String> = (0..20).map(|_| workflow_id("survivor")).collect();
    let specs: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "type": "Scenario", "args": [{"steps": steps}]}))
        .collect();
    let first = start();
    client.start_all(&Value::Array(specs));
    for id in &ids {
        wait_for_event(&client, id, "EVENT_TYPE_TIMER_STARTED");
    }
    first.signal("KILL");
    drop(first);

    let second = start();
    let outcomes = client.outcomes(&ids, Duration::from_secs(120));
    for outcome in &outcomes {
        assert_eq!(
            outcome["status"],
            "COMPLETED",
            "{outcome}\n{}",
            second.log()
        );
        let results = &outcome["result"]["results"];
        assert_eq!(results[1], json!({"completed": "charged"}), "{outcome}");
        assert_eq!(results[2]["cancel_requested"], true, "{outcome}");
        assert!(results[2]["result"]["cancelled"].is_object(), "{outcome}");
        assert_eq!(outcome["runs"], 1);
        for (event, count) in [
            ("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED", 1),
            ("EVENT_TYPE_TIMER_STARTED", 3),
            ("EVENT_TYPE_ACTIVITY_TASK_SCHEDULED", 2),
        ] {
            assert_eq!(count_events(outcome, event), count, "{event} in {outcome}");
        }
    }
}

#[test]
fn the_readme_example_charges_after_a_delay_and_ends_canceled_when_cancelled() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("guest/examples/wat/charge_after_delay.wat"))
        .expect("the example");
    let readme = std::fs::read_to_string(root.join("README.md")).expect("the README");
    assert!(
        readme.contains(&example),
        "the README shows the example file verbatim"
    );

    let address = TemporalServer::shared().address.clone();
    let _payments = ActivityWorker::start(&address, "payments");
    let queue = format!("readme-{}", free_port());
    let extra = format!(
        "[workflows.ChargeAfterDelay]\nmodule = \"{}\"\n",
        root.join("guest/examples/wat/charge_after_delay.wat")
            .display()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let worker = start_worker(&config(&address, &queue, "", &extra), dir);
    let client = DurableClient::new(&address, &queue);

    let charged = workflow_id("charge");
    client.start(&charged, "ChargeAfterDelay", json!([]));
    let cancelled = workflow_id("charge-cancelled");
    client.start(&cancelled, "ChargeAfterDelay", json!([]));
    client.cancel(&cancelled);
    let outcomes = client.outcomes(&[charged, cancelled], TIMEOUT);
    assert_eq!(
        outcomes[0]["result"],
        json!({"order_id": 17, "status": "charged"}),
        "{}\n{}",
        outcomes[0],
        worker.log()
    );
    assert_eq!(outcomes[1]["status"], "CANCELED", "{}", outcomes[1]);
    assert_eq!(
        count_events(&outcomes[1], "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"),
        0
    );
}

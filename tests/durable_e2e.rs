//! Durable workflows end to end: the worker binary against a real Temporal dev server, with the
//! official Python SDK as the client and as the activity worker on another task queue.
//!
//! Most workflows here are the `scenario` guest (`tests/guests/scenario`, built by
//! `tests/guests/build.sh`), written against the raw ABI v1 imports, whose input is a script of
//! calls; each test states its workflow in a few lines of JSON.

mod common;

use std::sync::OnceLock;

use common::durable_client::{DurableClient, count_events};
use common::durable_worker::{
    TIMEOUT, activity, activity_worker, config, decode_payload_json, start_worker, wait_for_event,
};
use common::temporal::{TemporalServer, WorkerProcess, free_port, workflow_id};
use serde_json::{Value, json};

/// A worker with the sticky cache on, and one with it off (every workflow task replays the run
/// from the start), both on the shared server.
fn worker(cached: bool) -> &'static (WorkerProcess, DurableClient) {
    static CACHED: OnceLock<(WorkerProcess, DurableClient)> = OnceLock::new();
    static UNCACHED: OnceLock<(WorkerProcess, DurableClient)> = OnceLock::new();
    let cell = if cached { &CACHED } else { &UNCACHED };
    cell.get_or_init(|| {
        activity_worker();
        let server = TemporalServer::shared();
        let queue = format!(
            "durable-{}-{}",
            if cached { "cached" } else { "uncached" },
            free_port()
        );
        let keys = if cached {
            "max_cached_workflows = 100"
        } else {
            "max_cached_workflows = 0"
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let worker = start_worker(&config(&server.address, &queue, keys, ""), dir);
        (worker, DurableClient::new(&server.address, &queue))
    })
}

/// Runs the scenario `steps` on the cached or uncached worker and returns its outcome.
fn run_scenario(cached: bool, steps: Value) -> Value {
    let (worker, client) = worker(cached);
    let id = workflow_id("scenario");
    client.start(&id, "Scenario", json!([{"steps": steps}]));
    let outcome = client.outcome(&id, TIMEOUT);
    assert_ne!(
        outcome["status"],
        "RUNNING",
        "{outcome}\nworker log:\n{}",
        worker.log()
    );
    outcome
}

/// The step results of a completed scenario.
fn results(outcome: &Value) -> Vec<Value> {
    assert_eq!(outcome["status"], "COMPLETED", "{outcome}");
    outcome["result"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no results in {outcome}"))
}

#[test]
fn a_timer_fires_and_the_workflow_completes() {
    for cached in [true, false] {
        let outcome = run_scenario(cached, json!([{"sleep_ms": 1000}]));
        assert_eq!(results(&outcome), vec![json!({"completed": []})]);
        assert_eq!(count_events(&outcome, "EVENT_TYPE_TIMER_STARTED"), 1);
        assert_eq!(count_events(&outcome, "EVENT_TYPE_TIMER_FIRED"), 1);
    }
}

#[test]
fn an_activity_result_reaches_the_guest() {
    for cached in [true, false] {
        let outcome = run_scenario(
            cached,
            json!([{"activity": activity("echo", json!([{"order": 17}]), json!({}))}]),
        );
        assert_eq!(results(&outcome), vec![json!({"completed": {"order": 17}})]);
    }
}

#[test]
fn a_typed_non_retryable_activity_failure_reaches_the_guest_with_type_and_details() {
    let spec = json!({"type": "CardDeclined", "message": "card 4242 declined",
                      "details": [{"code": 42}], "non_retryable": true});
    let outcome = run_scenario(
        true,
        json!([{"activity": activity("fail_typed", json!([spec]), json!({}))}]),
    );
    let failure = &results(&outcome)[0]["failed"];
    // Temporal wraps the application error in an activity failure; the type is also on top.
    assert_eq!(failure["kind"], "activity", "{failure}");
    assert_eq!(failure["type"], "CardDeclined", "{failure}");
    assert_eq!(failure["retry_state"], "non_retryable_failure", "{failure}");
    assert_eq!(
        failure["activity"]["activity_type"], "fail_typed",
        "{failure}"
    );
    let cause = &failure["cause"];
    assert_eq!(cause["kind"], "application", "{failure}");
    assert_eq!(cause["type"], "CardDeclined");
    assert_eq!(cause["message"], "card 4242 declined");
    assert_eq!(cause["non_retryable"], true);
    let detail = &cause["details"][0];
    assert_eq!(
        decode_payload_json(detail),
        json!({"code": 42}),
        "{failure}"
    );
}

#[test]
fn an_activity_timing_out_reaches_the_guest_as_a_timeout() {
    let outcome = run_scenario(
        true,
        json!([{"activity": activity("sleep_past_timeout", json!([5]), json!({
            "start_to_close_timeout_ms": 1000,
            "retry_policy": {"maximum_attempts": 1},
        }))}]),
    );
    let failure = &results(&outcome)[0]["failed"];
    assert_eq!(failure["kind"], "activity", "{failure}");
    assert_eq!(failure["cause"]["kind"], "timeout", "{failure}");
    assert_eq!(
        failure["cause"]["timeout_type"], "start_to_close",
        "{failure}"
    );
    assert!(failure["retry_state"].is_string(), "{failure}");
}

#[test]
fn an_activity_is_retried_by_its_policy_until_it_succeeds() {
    for cached in [true, false] {
        let outcome = run_scenario(
            cached,
            json!([{"activity": activity("flaky", json!([{"succeed_on_attempt": 3, "value": "ok"}]), json!({
                "retry_policy": {"initial_interval_ms": 100, "backoff_coefficient": 1.0, "maximum_attempts": 5},
            }))}]),
        );
        assert_eq!(
            results(&outcome),
            vec![json!({"completed": {"value": "ok", "attempt": 3}})]
        );
    }
}

#[test]
fn a_cancelled_timer_resolves_as_cancelled_at_once() {
    for cached in [true, false] {
        let outcome = run_scenario(
            cached,
            json!([{"cancel_timer": {"duration_ms": 60_000, "after_ms": 200}}]),
        );
        let result = &results(&outcome)[0];
        assert_eq!(result["cancelled"]["kind"], "cancelled", "{result}");
        assert_eq!(
            count_events(&outcome, "EVENT_TYPE_TIMER_CANCELED"),
            1,
            "{outcome}"
        );
    }
}

#[test]
fn a_cancelled_activity_reports_its_cancellation_to_the_guest() {
    for cancellation_type in ["try_cancel", "wait_cancellation_completed"] {
        let outcome = run_scenario(
            true,
            json!([{
                "activity": activity("slow", json!([{"seconds": 30}]), json!({
                    "heartbeat_timeout_ms": 2000,
                    "cancellation_type": cancellation_type,
                })),
                "cancel_after_ms": 1000,
            }]),
        );
        let result = &results(&outcome)[0];
        assert_eq!(result["cancel_requested"], true, "{result}");
        let failure = &result["result"]["cancelled"];
        assert!(failure.is_object(), "{cancellation_type}: {result}");
        assert!(
            failure.to_string().contains("\"kind\":\"cancelled\""),
            "{cancellation_type}: a cancelled failure in the chain: {failure}"
        );
        assert_eq!(
            count_events(&outcome, "EVENT_TYPE_ACTIVITY_TASK_CANCEL_REQUESTED"),
            1,
            "{outcome}"
        );
    }
}

#[test]
fn a_workflow_cancelled_from_the_client_ends_canceled_through_its_channel() {
    let (worker, client) = worker(true);
    let id = workflow_id("cancel-heard");
    client.start(
        &id,
        "Scenario",
        json!([{"steps": [{"until_cancelled": {"sleep_ms": 60_000, "then": "complete_as_cancelled"}}]}]),
    );
    wait_for_event(client, &id, "EVENT_TYPE_TIMER_STARTED");
    client.cancel(&id);
    let outcome = client.outcome(&id, TIMEOUT);
    assert_eq!(outcome["status"], "CANCELED", "{outcome}\n{}", worker.log());
    assert_eq!(
        outcome["failure"]["details"],
        json!(["cancelled at step 0"]),
        "{outcome}"
    );
}

#[test]
fn a_workflow_that_never_listens_for_cancellation_ends_canceled_when_cancelled() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = workflow_id("cancel-unheard");
        client.start(&id, "Scenario", json!([{"steps": [{"sleep_ms": 60_000}]}]));
        wait_for_event(client, &id, "EVENT_TYPE_TIMER_STARTED");
        client.cancel(&id);
        let outcome = client.outcome(&id, TIMEOUT);
        assert_eq!(outcome["status"], "CANCELED", "{outcome}\n{}", worker.log());
        assert_eq!(
            count_events(&outcome, "EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED"),
            1
        );
    }
}

#[test]
fn continue_as_new_chains_runs_until_the_last_completes() {
    for cached in [true, false] {
        let outcome = run_scenario(cached, json!([{"continue_as_new_until": 3}]));
        assert_eq!(results(&outcome), vec![json!(3)], "{outcome}");
        assert_eq!(outcome["result"]["iteration"], 3);
        assert_eq!(outcome["runs"], 4, "{outcome}");
    }
}

#[test]
fn now_and_random_are_identical_before_and_after_a_replay() {
    // Without the cache every workflow task replays the run from the start: the values the
    // guest computed first (recorded in history as the activity's input) must be the ones it
    // computes again on every replay, up to the final one that completes the workflow.
    let outcome = run_scenario(
        false,
        json!([
            {"now": true},
            {"random": 16},
            {"activity": activity("echo", json!([]), json!({})), "args_from_results": true},
            {"sleep_ms": 300},
            {"now": true},
            {"is_replaying": true},
        ]),
    );
    let results = results(&outcome);
    let recorded = &outcome["activity_inputs"][0];
    assert_eq!(recorded, &json!([results[0], results[1]]), "{outcome}");
    assert_eq!(results[2], json!({"completed": [results[0], results[1]]}));
    assert_eq!(
        results[1].as_str().map(str::len),
        Some(32),
        "16 random bytes in hex"
    );
    let (before, after) = (results[0].as_i64().unwrap(), results[4].as_i64().unwrap());
    assert!(
        after >= before + 300,
        "workflow time advances with the timer: {before} {after}"
    );
    assert_eq!(
        results[5],
        json!(0),
        "the last activation runs new code, not a replay"
    );
}

//! `temporal-wasm-worker exec` for durable bundles: the whole run locally, on virtual time, with
//! activities, HTTP activities, children, signals, updates and the cancellation answered from a
//! mocks file. Drives the binary as an author would, with the scenario guest (raw ABI v1).

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::durable_worker::scenario_bundle;
use serde_json::{Value, json};

/// Runs `exec` on the scenario guest with `steps` and `mocks`; returns the exit code and report.
fn exec(steps: Value, mocks: Option<Value>) -> (i32, Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_temporal-wasm-worker"));
    command
        .arg("exec")
        .arg(scenario_bundle())
        .arg("--input")
        .arg(json!({"steps": steps}).to_string());
    if let Some(mocks) = mocks {
        let path = dir.path().join("mocks.json");
        std::fs::write(&path, mocks.to_string()).expect("write mocks");
        command.arg("--mocks").arg(path);
    }
    let output: Output = command.env("NO_COLOR", "1").output().expect("run exec");
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
        panic!(
            "exec printed no JSON ({err}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), report)
}

fn results(report: &Value) -> &Vec<Value> {
    report["result"]["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results in {report}"))
}

fn activity(activity_type: &str) -> Value {
    json!({"activity_type": activity_type, "start_to_close_timeout_ms": 1000})
}

#[test]
fn timers_fire_on_virtual_time_and_now_advances_with_them() {
    let started = Instant::now();
    let (code, report) = exec(
        json!([{"now": true}, {"sleep_ms": 3_600_000}, {"now": true}]),
        None,
    );
    assert_eq!(code, 0, "{report}");
    let results = results(&report);
    let (before, after) = (results[0].as_i64().unwrap(), results[2].as_i64().unwrap());
    assert_eq!(after - before, 3_600_000, "{report}");
    assert_eq!(report["virtual_ms"], 3_600_000);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "an hour took no real hour"
    );
}

#[test]
fn activities_are_answered_from_the_mocks_in_order() {
    let mocks = json!({"activities": {"charge": [
        {"failure": {"message": "declined", "type": "CardDeclined", "non_retryable": true, "details": [42]}},
        {"result": {"charge_id": "ch_2"}}
    ]}});
    let (code, report) = exec(
        json!([{"activity": activity("charge")}, {"activity": activity("charge")}]),
        Some(mocks),
    );
    assert_eq!(code, 0, "{report}");
    let results = results(&report);
    let failure = &results[0]["failed"];
    assert_eq!(failure["kind"], "activity", "{report}");
    assert_eq!(failure["type"], "CardDeclined");
    assert_eq!(failure["cause"]["non_retryable"], true);
    assert_eq!(results[1], json!({"completed": {"charge_id": "ch_2"}}));
}

#[test]
fn an_activity_the_mocks_do_not_answer_blocks_the_run_naming_it() {
    let (code, report) = exec(json!([{"activity": activity("reserve_stock")}]), None);
    assert_eq!(code, 5, "{report}");
    assert_eq!(report["status"], "blocked");
    assert_eq!(report["unanswered"], json!(["activity reserve_stock"]));
    assert!(
        report["waiting_on"][0]
            .as_str()
            .is_some_and(|waiting| waiting.contains("reserve_stock")),
        "{report}"
    );
}

#[test]
fn signals_arrive_at_their_virtual_time() {
    let mocks =
        json!({"signals": [{"after_ms": 5000, "name": "approve", "args": [{"by": "ops"}]}]});
    let (code, report) = exec(
        json!([{"wait_signal": "approve"}, {"now": true}]),
        Some(mocks),
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["virtual_ms"], 5000, "{report}");
    let item = &results(&report)[0]["completed"][0];
    assert!(item.is_object(), "a payload: {report}");
}

#[test]
fn updates_are_sent_and_their_answers_reported() {
    let mocks = json!({"updates": [
        {"after_ms": 10, "name": "approve", "id": "u-1", "args": ["bad"]},
        {"after_ms": 20, "name": "approve", "id": "u-2", "args": ["good"]}
    ]});
    let (code, report) = exec(
        json!([{"wait_update": {"name": "approve", "reject_if": "bad", "result": "ok"}}]),
        Some(mocks),
    );
    assert_eq!(code, 0, "{report}");
    assert!(
        report["updates"]["u-1"][0]["rejected"].is_string(),
        "{report}"
    );
    assert_eq!(
        report["updates"]["u-2"],
        json!(["accepted", {"completed": "ok"}]),
        "{report}"
    );
}

#[test]
fn children_and_http_activities_are_answered_from_the_mocks() {
    let mocks = json!({
        "children": {"Ship": {"result": {"tracking": "T-1"}}},
        "http": {"status": 200, "headers": {"content-type": "application/json"}, "body_json": {"charge_id": "ch_9"}}
    });
    let (code, report) = exec(
        json!([
            {"child": {"workflow_type": "Ship", "workflow_id": "ship-1"}},
            {"http": {"method": "POST", "url": "http://127.0.0.1:9/charges"}}
        ]),
        Some(mocks),
    );
    assert_eq!(code, 0, "{report}");
    let results = results(&report);
    assert_eq!(
        results[0],
        json!({"completed": {"tracking": "T-1"}}),
        "{report}"
    );
    assert_eq!(results[1]["completed"]["status"], 200, "{report}");
}

#[test]
fn a_mocked_http_response_with_a_failing_status_fails_as_the_executor_would() {
    let mocks = json!({"http": [{"status": 402, "body_text": "declined"}, {"status": 201}]});
    let (code, report) = exec(
        json!([
            {"http": {"method": "post", "url": "http://127.0.0.1:9/charges?card=1"}},
            {"http": {"method": "POST", "url": "http://127.0.0.1:9/charges"}}
        ]),
        Some(mocks),
    );
    assert_eq!(code, 0, "{report}");
    let results = results(&report);
    let failure = &results[0]["failed"];
    assert_eq!(
        failure["cause"]["message"],
        "POST http://127.0.0.1:9/charges answered 402 Payment Required",
        "{report}"
    );
    assert_eq!(failure["cause"]["type"], "HttpStatus", "{report}");
    assert_eq!(failure["cause"]["non_retryable"], true, "{report}");
    assert_eq!(results[1]["completed"]["status"], 201, "{report}");
}

#[test]
fn a_mocked_cancellation_ends_the_run_cancelled() {
    let mocks = json!({"cancel_after_ms": 1500});
    let (code, report) = exec(
        json!([{"until_cancelled": {"sleep_ms": 60_000, "then": "complete_as_cancelled"}}]),
        Some(mocks),
    );
    assert_eq!(code, 6, "{report}");
    assert_eq!(report["status"], "cancelled");
    assert_eq!(report["details"], json!(["cancelled at step 0"]));
    assert_eq!(report["virtual_ms"], 1500);
}

#[test]
fn a_mocks_file_with_an_unknown_key_is_refused_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mocks.json");
    std::fs::write(&path, r#"{"activites": {}}"#).expect("write mocks");
    let output = Command::new(env!("CARGO_BIN_EXE_temporal-wasm-worker"))
        .arg("exec")
        .arg(scenario_bundle())
        .arg("--mocks")
        .arg(&path)
        .output()
        .expect("run exec");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("mocks.json") && stderr.contains("activites"),
        "{stderr}"
    );
}

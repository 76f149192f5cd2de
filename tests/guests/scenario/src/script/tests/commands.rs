//! The command steps: what they start, how they wait, cancel after `cancel_after_ms`, and what
//! outcome they give.

use serde_json::json;

use super::{FakeHost, completed, completed_with, info};
use crate::base64;
use crate::payload::Payload;
use crate::script::run;

#[test]
fn sleeps_and_completes_with_the_timer_result() {
    let mut host = FakeHost::default();
    host.ready.insert(1, r#"{"completed": []}"#.into());
    let ending = run(&mut host, &info(json!({"steps": [{"sleep_ms": 5}]})));
    assert_eq!(
        completed(ending),
        json!({"results": [{"completed": []}], "iteration": 0})
    );
    assert_eq!(
        host.calls,
        [r#"start_timer({"duration_ms":5})"#, "wait([1])"]
    );
}

#[test]
fn activity_result_is_decoded_and_args_can_carry_earlier_results() {
    let mut host = FakeHost::default();
    let value = Payload::json(&json!({"echo": 1})).to_value();
    host.ready
        .insert(1, json!({"completed": [value]}).to_string());
    let script = json!({"steps": [
        {"now": true},
        {"activity": {"activity_type": "echo"}, "args_from_results": true},
    ]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(results["results"][1], json!({"completed": {"echo": 1}}));
    let args = Payload::json(&json!([1_767_225_600_000i64])).to_value();
    let options = json!({"activity_type": "echo", "args": [args]});
    assert_eq!(host.calls[0], format!("start_activity({options})"));
}

#[test]
fn activity_failure_is_kept_verbatim_and_no_payload_is_null() {
    let mut host = FakeHost::default();
    let failed = json!({"failed": {"message": "boom", "type": "Oops", "cause": {}}});
    host.ready.insert(1, failed.to_string());
    host.ready.insert(2, r#"{"completed": []}"#.into());
    let script = json!({"steps": [
        {"activity": {"activity_type": "fail_typed"}},
        {"activity": {"activity_type": "echo"}},
    ]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(results["results"], json!([failed, {"completed": null}]));
}

#[test]
fn activity_still_running_after_cancel_after_ms_is_cancelled() {
    let mut host = FakeHost::default();
    host.ready.insert(2, r#"{"completed": []}"#.into());
    host.on_cancel
        .insert(1, r#"{"cancelled": {"message": "gone"}}"#.into());
    let script = json!({"steps": [
        {"activity": {"activity_type": "slow"}, "cancel_after_ms": 1000},
    ]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(
        results["results"][0],
        json!({"cancel_requested": true, "result": {"cancelled": {"message": "gone"}}})
    );
    assert_eq!(
        host.calls[1..],
        [
            r#"start_timer({"duration_ms":1000})"#,
            "wait([1, 2])",
            "cancel(1)",
            "wait([1])"
        ]
    );
}

#[test]
fn activity_finished_before_cancel_after_ms_is_not_cancelled() {
    let mut host = FakeHost::default();
    let value = Payload::json(&json!("done")).to_value();
    host.ready
        .insert(1, json!({"completed": [value]}).to_string());
    host.ready.insert(2, r#"{"completed": []}"#.into());
    let script = json!({"steps": [
        {"activity": {"activity_type": "echo"}, "cancel_after_ms": 1000},
    ]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(
        results["results"][0],
        json!({"cancel_requested": false, "result": {"completed": "done"}})
    );
    assert!(!host.calls.iter().any(|call| call.starts_with("cancel")));
}

#[test]
fn http_request_is_passed_verbatim_and_the_response_body_also_read_as_text() {
    let mut host = FakeHost::default();
    let response = json!({"status": 200, "headers": {"content-type": "application/json"},
                          "body": base64::encode(br#"{"ok":true}"#)});
    host.ready.insert(1, completed_with(&response));
    let binary = json!({"status": 200, "headers": {}, "body": base64::encode(&[0xff, 0])});
    host.ready.insert(2, completed_with(&binary));
    let failed = json!({"failed": {"message": "answered 404", "type": "HttpStatus"}});
    host.ready.insert(3, failed.to_string());
    let request = json!({"method": "POST", "url": "http://127.0.0.1:1/x",
                         "headers": {"Content-Type": "application/json"},
                         "body": base64::encode(b"{}"), "local": true});
    let script = json!({"steps": [
        {"http": request}, {"http": {"method": "GET", "url": "http://a/"}},
        {"http": {"method": "GET", "url": "http://a/404"}},
    ]});
    let results = completed(run(&mut host, &info(script)));
    let mut with_text = response.clone();
    with_text["body_text"] = json!(r#"{"ok":true}"#);
    assert_eq!(
        results["results"],
        json!([{"completed": with_text}, {"completed": binary}, failed])
    );
    assert_eq!(host.calls[0], format!("start_http_activity({request})"));
    assert_eq!(host.calls[1], "wait([1])");
}

#[test]
fn http_request_still_running_after_cancel_after_ms_is_cancelled() {
    let mut host = FakeHost::default();
    host.ready.insert(2, r#"{"completed": []}"#.into());
    host.on_cancel
        .insert(1, r#"{"cancelled": {"message": "gone"}}"#.into());
    let script = json!({"steps": [
        {"http": {"method": "GET", "url": "http://a/slow"}, "cancel_after_ms": 500},
    ]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(
        results["results"][0],
        json!({"cancel_requested": true, "result": {"cancelled": {"message": "gone"}}})
    );
    assert_eq!(
        host.calls[1..],
        [
            r#"start_timer({"duration_ms":500})"#,
            "wait([1, 2])",
            "cancel(1)",
            "wait([1])"
        ]
    );

    let mut host = FakeHost::default();
    let response = json!({"status": 204, "headers": {}, "body": ""});
    host.ready.insert(1, completed_with(&response));
    let script = json!({"steps": [
        {"http": {"method": "GET", "url": "http://a/fast"}, "cancel_after_ms": 500},
    ]});
    let results = completed(run(&mut host, &info(script)));
    let mut with_text = response.clone();
    with_text["body_text"] = json!("");
    assert_eq!(
        results["results"][0],
        json!({"cancel_requested": false, "result": {"completed": with_text}})
    );
}

#[test]
fn cancel_timer_cancels_the_long_timer_after_the_short_one() {
    let mut host = FakeHost::default();
    host.ready.insert(2, r#"{"completed": []}"#.into());
    host.on_cancel
        .insert(1, r#"{"cancelled": {"message": "cancelled"}}"#.into());
    let script = json!({"steps": [{"cancel_timer": {"duration_ms": 60000, "after_ms": 10}}]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(
        results["results"][0],
        json!({"cancelled": {"message": "cancelled"}})
    );
    assert_eq!(host.calls[2..], ["wait([2])", "cancel(1)", "wait([1])"]);
}
#[test]
fn child_result_is_decoded_and_a_slow_child_is_cancelled() {
    let mut host = FakeHost::default();
    host.ready
        .insert(1, completed_with(&json!({"results": []})));
    let options = json!({"workflow_type": "Scenario", "workflow_id": "kid"});
    let script = json!({"steps": [{"child": options}]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(results["results"][0], json!({"completed": {"results": []}}));
    assert_eq!(host.calls[0], format!("start_child_workflow({options})"));

    let mut host = FakeHost::default();
    host.ready.insert(2, r#"{"completed": []}"#.into());
    host.on_cancel
        .insert(1, r#"{"cancelled": {"message": "child cancelled"}}"#.into());
    let script = json!({"steps": [{"child": options, "cancel_after_ms": 100}]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(
        results["results"][0],
        json!({"cancel_requested": true, "result": {"cancelled": {"message": "child cancelled"}}})
    );
    assert_eq!(host.calls[2..], ["wait([1, 2])", "cancel(1)", "wait([1])"]);
}

#[test]
fn external_calls_pass_their_request_and_give_the_host_result() {
    let mut host = FakeHost::default();
    host.ready.insert(1, r#"{"completed": []}"#.into());
    host.ready
        .insert(2, r#"{"failed": {"message": "not found"}}"#.into());
    let signal = json!({"workflow_id": "w", "signal_name": "go", "args": []});
    let cancel = json!({"workflow_id": "gone"});
    let script = json!({"steps": [{"signal_external": signal}, {"cancel_external": cancel}]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(
        results["results"],
        json!([{"completed": []}, {"failed": {"message": "not found"}}])
    );
    assert_eq!(
        host.calls,
        [
            format!("signal_external_workflow({signal})"),
            "wait([1])".to_owned(),
            format!("cancel_external_workflow({cancel})"),
            "wait([2])".to_owned(),
        ]
    );
}

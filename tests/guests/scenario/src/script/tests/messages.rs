//! The message steps: signals, updates (rejected, failed, completed) and the workflow's
//! cancellation.

use serde_json::json;

use super::{FakeHost, completed, info, update_item};
use crate::payload::Payload;
use crate::script::{Ending, run};

#[test]
fn until_cancelled_records_or_ends_as_cancelled() {
    let script = |then: &str| {
        info(json!({"steps": [{"until_cancelled": {"sleep_ms": 9000, "then": then}}]}))
    };
    let mut host = FakeHost::default();
    host.ready.insert(1, r#"{"completed": []}"#.into());
    let results = completed(run(&mut host, &script("record")));
    assert_eq!(results["results"], json!(["cancelled"]));

    let mut host = FakeHost::default();
    host.ready.insert(1, r#"{"completed": []}"#.into());
    let details = Payload::json(&json!("cancelled at step 0")).to_value();
    assert_eq!(
        run(&mut host, &script("complete_as_cancelled")),
        Ending::Cancelled(json!({"details": [details]}))
    );

    let mut host = FakeHost::default();
    host.ready.insert(2, r#"{"completed": []}"#.into());
    let results = completed(run(&mut host, &script("record")));
    assert_eq!(results["results"], json!(["not_cancelled"]));
}
#[test]
fn waits_for_a_signal() {
    let mut host = FakeHost::default();
    let arg = Payload::json(&json!("go")).to_value();
    host.ready
        .insert(1, json!({"completed": [arg]}).to_string());
    let results = completed(run(
        &mut host,
        &info(json!({"steps": [{"wait_signal": "go"}]})),
    ));
    assert_eq!(results["results"][0], json!({"completed": [arg]}));
    assert_eq!(host.calls, ["signal_channel(go)", "wait([1])"]);
}
#[test]
fn wait_update_rejects_fails_then_completes_and_gives_the_completed_args() {
    let mut host = FakeHost::default();
    host.ready.insert(1, update_item("u1", &[json!("bad")]));
    host.then.insert(
        1,
        vec![
            update_item("u2", &[json!("broken")]),
            update_item("u3", &[json!("good"), json!(2)]),
        ],
    );
    let script = json!({"steps": [{"wait_update": {
        "name": "approve", "reject_if": "bad", "fail_if": "broken", "result": "ok",
    }}]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(results["results"], json!([["good", 2]]));
    let ok = Payload::json(&json!("ok")).to_value();
    assert_eq!(
        host.calls,
        [
            "update_channel(approve)".to_owned(),
            "wait([1])".to_owned(),
            r#"respond_update(u1, {"rejected":{"message":"update `approve` rejects \"bad\"","non_retryable":true,"type":"Refused"}})"#.to_owned(),
            "wait([1])".to_owned(),
            r#"respond_update(u2, {"failed":{"message":"update `approve` fails on \"broken\"","non_retryable":true,"type":"Refused"}})"#.to_owned(),
            "wait([1])".to_owned(),
            format!(r#"respond_update(u3, {{"completed":[{ok}]}})"#),
        ]
    );
}

#[test]
fn wait_update_echoes_its_first_argument_by_default() {
    let mut host = FakeHost::default();
    host.ready.insert(1, update_item("u1", &[json!({"n": 1})]));
    let script = json!({"steps": [{"wait_update": {"name": "approve"}}]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(results["results"], json!([[{"n": 1}]]));
    let echo = Payload::json(&json!({"n": 1})).to_value();
    assert_eq!(
        host.calls[2],
        format!(r#"respond_update(u1, {{"completed":[{echo}]}})"#)
    );
}

//! Unit tests of step parsing: every kind, its modifiers, and the steps and values refused.

use serde_json::{Value, json};

use super::{OnCancel, Step};

fn parse(step: Value) -> Result<Step, String> {
    Step::parse(&step)
}

#[test]
fn parses_every_kind() {
    let cases = [
        (json!({"sleep_ms": 5}), Step::Sleep { duration_ms: 5 }),
        (
            json!({"cancel_timer": {"duration_ms": 9000, "after_ms": 10}}),
            Step::CancelTimer {
                duration_ms: 9000,
                after_ms: 10,
            },
        ),
        (json!({"now": true}), Step::Now),
        (json!({"random": 8}), Step::Random { len: 8 }),
        (
            json!({"patched": "v2"}),
            Step::Patched {
                id: "v2".into(),
                deprecated: false,
            },
        ),
        (
            json!({"patched": "v2", "deprecated": true}),
            Step::Patched {
                id: "v2".into(),
                deprecated: true,
            },
        ),
        (json!({"is_replaying": true}), Step::IsReplaying),
        (
            json!({"until_cancelled": {"sleep_ms": 100, "then": "record"}}),
            Step::UntilCancelled {
                sleep_ms: 100,
                then: OnCancel::Record,
            },
        ),
        (
            json!({"until_cancelled": {"sleep_ms": 1, "then": "complete_as_cancelled"}}),
            Step::UntilCancelled {
                sleep_ms: 1,
                then: OnCancel::CompleteAsCancelled,
            },
        ),
        (
            json!({"continue_as_new_until": 3}),
            Step::ContinueAsNewUntil { until: 3 },
        ),
        (
            json!({"fail": {"message": "no"}}),
            Step::Fail {
                failure: json!({"message": "no"}),
            },
        ),
        (json!({"log": "hi"}), Step::Log { text: "hi".into() }),
        (
            json!({"wait_signal": "go"}),
            Step::WaitSignal { name: "go".into() },
        ),
        (
            json!({"publish_query": {"name": "status", "value": {"at": 1}}}),
            Step::PublishQuery {
                name: "status".into(),
                value: Some(json!({"at": 1})),
            },
        ),
        (
            json!({"publish_query": {"name": "status"}}),
            Step::PublishQuery {
                name: "status".into(),
                value: None,
            },
        ),
        (
            json!({"details": "packing"}),
            Step::Details {
                text: "packing".into(),
            },
        ),
        (
            json!({"wait_update": {"name": "approve"}}),
            Step::WaitUpdate {
                name: "approve".into(),
                reject_if: None,
                fail_if: None,
                result: None,
            },
        ),
        (
            json!({"wait_update": {"name": "approve", "reject_if": null, "fail_if": 2,
                                   "result": "ok"}}),
            Step::WaitUpdate {
                name: "approve".into(),
                reject_if: Some(Value::Null),
                fail_if: Some(json!(2)),
                result: Some(json!("ok")),
            },
        ),
        (
            json!({"child": {"workflow_type": "Scenario"}}),
            Step::Child {
                options: json!({"workflow_type": "Scenario"})
                    .as_object()
                    .unwrap()
                    .clone(),
                cancel_after_ms: None,
            },
        ),
        (
            json!({"child": {"workflow_type": "Scenario"}, "cancel_after_ms": 5}),
            Step::Child {
                options: json!({"workflow_type": "Scenario"})
                    .as_object()
                    .unwrap()
                    .clone(),
                cancel_after_ms: Some(5),
            },
        ),
        (
            json!({"signal_external": {"workflow_id": "w", "signal_name": "go"}}),
            Step::SignalExternal {
                request: json!({"workflow_id": "w", "signal_name": "go"})
                    .as_object()
                    .unwrap()
                    .clone(),
            },
        ),
        (
            json!({"cancel_external": {"workflow_id": "w"}}),
            Step::CancelExternal {
                request: json!({"workflow_id": "w"}).as_object().unwrap().clone(),
            },
        ),
        (
            json!({"upsert_search_attributes": {"Stage": "packed"}}),
            Step::UpsertSearchAttributes {
                attributes: json!({"Stage": "packed"}).as_object().unwrap().clone(),
            },
        ),
        (
            json!({"upsert_memo": {"note": [1], "gone": null}}),
            Step::UpsertMemo {
                memo: json!({"note": [1], "gone": null})
                    .as_object()
                    .unwrap()
                    .clone(),
            },
        ),
        (
            json!({"metric": {"name": "orders", "kind": "counter", "value": 1}}),
            Step::Metric {
                request: json!({"name": "orders", "kind": "counter", "value": 1})
                    .as_object()
                    .unwrap()
                    .clone(),
            },
        ),
        (json!({"workflow_info": true}), Step::WorkflowInfo),
    ];
    for (json, step) in cases {
        assert_eq!(parse(json.clone()), Ok(step), "{json}");
    }
}

#[test]
fn parses_activity_options_and_modifiers() {
    let options = json!({"activity_type": "echo", "start_to_close_timeout_ms": 1000});
    assert_eq!(
        parse(json!({"activity": options.clone()})),
        Ok(Step::Activity {
            options: options.as_object().unwrap().clone(),
            args_from_results: false,
            cancel_after_ms: None,
        })
    );
    assert_eq!(
        parse(json!({"activity": options, "args_from_results": true, "cancel_after_ms": 50})),
        Ok(Step::Activity {
            options: options.as_object().unwrap().clone(),
            args_from_results: true,
            cancel_after_ms: Some(50),
        })
    );
}

#[test]
fn parses_http_requests_and_their_cancel_after_ms() {
    let request = json!({"method": "GET", "url": "http://127.0.0.1:1/x", "local": true});
    assert_eq!(
        parse(json!({"http": request.clone()})),
        Ok(Step::Http {
            request: request.as_object().unwrap().clone(),
            cancel_after_ms: None,
        })
    );
    assert_eq!(
        parse(json!({"http": request.clone(), "cancel_after_ms": 250})),
        Ok(Step::Http {
            request: request.as_object().unwrap().clone(),
            cancel_after_ms: Some(250),
        })
    );
    assert!(
        parse(json!({"http": request, "args_from_results": true}))
            .unwrap_err()
            .starts_with(r#"unknown key "args_from_results""#)
    );
}

#[test]
fn passes_values_the_worker_validates() {
    assert_eq!(
        parse(json!({"sleep_ms": 0})),
        Ok(Step::Sleep { duration_ms: 0 })
    );
}

#[test]
fn refuses_unknown_steps_and_keys() {
    assert_eq!(
        parse(json!({"jump": 1})),
        Err(r#"unknown step {"jump":1}"#.into())
    );
    assert!(
        parse(json!("sleep_ms"))
            .unwrap_err()
            .starts_with("unknown step")
    );
    assert_eq!(
        parse(json!({"sleep_ms": 5, "cancel_after_ms": 1})),
        Err(r#"unknown key "cancel_after_ms" in step {"cancel_after_ms":1,"sleep_ms":5}"#.into())
    );
    assert!(
        parse(json!({"sleep_ms": 5, "log": "x"}))
            .unwrap_err()
            .contains("two kinds")
    );
    assert!(
        parse(json!({"wait_update": {"name": "approve", "reject": 1}}))
            .unwrap_err()
            .starts_with(r#"unknown key "reject""#)
    );
    assert!(
        parse(json!({"metric": {}, "cancel_after_ms": 1}))
            .unwrap_err()
            .starts_with(r#"unknown key "cancel_after_ms""#)
    );
}

#[test]
fn refuses_values_of_the_wrong_shape() {
    for step in [
        json!({"sleep_ms": "5"}),
        json!({"sleep_ms": -1}),
        json!({"activity": "echo"}),
        json!({"activity": {}, "args_from_results": 1}),
        json!({"http": "GET http://a/"}),
        json!({"http": {}, "cancel_after_ms": -1}),
        json!({"cancel_timer": {"duration_ms": 5}}),
        json!({"random": 1u64 << 33}),
        json!({"patched": 1}),
        json!({"until_cancelled": {"sleep_ms": 5, "then": "ignore"}}),
        json!({"continue_as_new_until": true}),
        json!({"log": null}),
        json!({"wait_signal": ["go"]}),
        json!({"publish_query": "status"}),
        json!({"publish_query": {"value": 1}}),
        json!({"details": 7}),
        json!({"wait_update": {"name": 1}}),
        json!({"child": "Scenario"}),
        json!({"child": {}, "cancel_after_ms": "soon"}),
        json!({"signal_external": "w"}),
        json!({"cancel_external": null}),
        json!({"upsert_search_attributes": []}),
        json!({"upsert_memo": 1}),
        json!({"metric": "orders"}),
    ] {
        assert!(
            parse(step.clone()).unwrap_err().starts_with("step "),
            "{step}"
        );
    }
}

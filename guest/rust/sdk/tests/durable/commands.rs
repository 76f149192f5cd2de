//! Commands and their results: activities, HTTP activities, child and external workflows, with
//! the failures the worker reports for them.

use serde_json::{Value, json};
use temporal_wasm_sdk::testing::{Reply, TestHost};
use temporal_wasm_sdk::{ChildWorkflow, Error, ExternalWorkflow, Failure, FailureKind, http};

use crate::{activity, run};

#[test]
fn an_activity_failure_reaches_the_workflow_with_its_type_and_details() {
    let host = TestHost::new().on_activity("charge", |_| {
        Reply::error(
            Failure::new("card declined")
                .with_type("CardDeclined")
                .non_retryable()
                .with_details(&json!({"code": 42}))
                .unwrap(),
        )
    });
    let run = run(host, || {
        let err = activity("charge").execute::<Value>().unwrap_err();
        assert_eq!(err.failure_type(), Some("CardDeclined"));
        assert_eq!(err.failure().unwrap().kind(), Some(FailureKind::Activity));
        let details: Value = err.failure().unwrap().application().unwrap().detail(0)?;
        Ok(details)
    });
    assert_eq!(run.result::<Value>(), json!({"code": 42}));
}

#[test]
fn an_unhandled_activity_failure_fails_the_workflow_with_it() {
    let host = TestHost::new().on_activity("charge", |_| {
        Reply::error(Failure::new("card declined").with_type("CardDeclined"))
    });
    let run = run(host, || Ok(activity("charge").execute::<Value>()?));
    let failure = run.failure();
    assert_eq!(failure.failure_type.as_deref(), Some("CardDeclined"));
    assert_eq!(
        failure.root_cause().message.as_deref(),
        Some("card declined")
    );
}

#[test]
fn activity_arguments_are_json_plain_payloads_in_order() {
    let host = TestHost::new().on_activity("add", |request| {
        Reply::value(&(request.arg::<i64>(0) + request.arg::<i64>(1)))
    });
    let run = run(host, || {
        Ok(activity("add").args(&[2, 3])?.execute::<i64>()?)
    });
    assert_eq!(run.result::<i64>(), 5);
}

#[test]
fn http_activities_send_the_request_and_read_the_response() {
    let host = TestHost::new().on_http(|request| {
        assert_eq!(request.body_json::<Value>(), json!({"q": 1}));
        Reply::http(200, &[("content-type", "text/plain")], b"hello")
    });
    let run = run(host, || {
        let response = http::Request::put("https://api.example/x")
            .json(&json!({"q": 1}))?
            .execute()?;
        Ok((response.status, response.text()))
    });
    assert_eq!(run.result::<(u16, String)>(), (200, "hello".to_owned()));
    let request = run.calls_to("start_http_activity")[0];
    assert_eq!(request["method"], "PUT");
    assert_eq!(request["headers"]["content-type"], "application/json");
}

#[test]
fn http_failures_carry_the_http_error_type() {
    let host = TestHost::new().on_http(|_| {
        Reply::error(Failure::new("GET https://api.example/x answered 503").with_type("HttpStatus"))
    });
    let run = run(host, || {
        let err = http::Request::get("https://api.example/x")
            .execute()
            .unwrap_err();
        Ok((err.failure_type().map(str::to_owned), err.message()))
    });
    assert_eq!(
        run.result::<(Option<String>, String)>(),
        (
            Some("HttpStatus".into()),
            "GET https://api.example/x answered 503".into()
        )
    );
}

#[test]
fn children_and_external_workflows_resolve_through_their_handles() {
    let host = TestHost::new()
        .on_child("Ship", |request| {
            Reply::value(&format!("shipped {}", request.arg::<String>(0)))
        })
        .on_external(|request| {
            if request.json["workflow_id"] == "gone" {
                Reply::error(Failure::new("workflow not found"))
            } else {
                Reply::empty()
            }
        });
    let run = run(host, || {
        let shipped: String = ChildWorkflow::new("Ship").arg("A-17")?.execute()?;
        ExternalWorkflow::new("batch-3")
            .signal("done", &shipped)?
            .result()?;
        let gone = ExternalWorkflow::new("gone").cancel().result();
        assert!(matches!(gone, Err(Error::Failed(_))));
        Ok(shipped)
    });
    assert_eq!(run.result::<String>(), "shipped A-17");
}

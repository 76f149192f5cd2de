//! Requests and responses: JSON bodies both ways, the same activity type from a Python-SDK
//! workflow, local activities, and activity types this worker does not run.

use super::*;

/// A small JSON API: `GET …/items/7` gives the item, `POST …/items` echoes what it was sent.
fn items_api(prefix: &str) -> Route {
    route(prefix, |_, request| {
        if request.method == "POST" {
            let sent: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            let echo = json!({"created": sent,
                              "content_type": request.header("content-type")});
            Answer::new(201)
                .header("Content-Type", "application/json")
                .header("Location", "/items/8")
                .body(echo.to_string())
        } else {
            Answer::new(200)
                .header("Content-Type", "application/json")
                .body(json!({"id": 7, "name": "widget", "tags": ["a", "b"]}).to_string())
        }
    })
}

#[test]
fn get_and_post_with_json_bodies_round_trip() {
    let api = items_api("round-trip");
    let get = request("GET", &api.url("/items/7?fields=all"));
    let post = json_request(
        "POST",
        &api.url("/items"),
        &json!({"name": "gadget", "qty": 2}),
    );
    let (id, outcome) = run("http-round-trip", json!([{"http": get}, {"http": post}]));
    let results = results(&outcome);

    let got = response(&results[0]);
    assert_eq!(got["status"], 200, "{got}");
    assert_eq!(got["headers"]["content-type"], "application/json", "{got}");
    let body: Value = serde_json::from_str(got["body_text"].as_str().unwrap()).unwrap();
    assert_eq!(body, json!({"id": 7, "name": "widget", "tags": ["a", "b"]}));

    let created = response(&results[1]);
    assert_eq!(created["status"], 201, "{created}");
    assert_eq!(created["headers"]["location"], "/items/8", "{created}");
    let body: Value = serde_json::from_str(created["body_text"].as_str().unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"created": {"name": "gadget", "qty": 2}, "content_type": "application/json"})
    );

    let hits = api.hits();
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert_eq!(hits[0].request.method, "GET");
    assert_eq!(
        hits[0].request.path,
        format!("/{}/items/7?fields=all", api.name)
    );
    assert_eq!(hits[1].request.method, "POST");
    assert_eq!(hits[1].request.body, br#"{"name":"gadget","qty":2}"#);
    assert!(
        hits[0]
            .header("user-agent")
            .is_some_and(|agent| agent.starts_with("temporal-wasm-worker/")),
        "{hits:#?}"
    );

    // Ordinary activities of the HTTP type, with the guest's request as their one argument.
    assert_eq!(
        count_events(&outcome, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"),
        2
    );
    assert_eq!(outcome["activity_inputs"], json!([get, post]), "{outcome}");
    let history = history(&id);
    for scheduled in events_of(&history, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED") {
        let attributes = &scheduled["activityTaskScheduledEventAttributes"];
        assert_eq!(attributes["activityType"]["name"], HTTP_TYPE, "{scheduled}");
        assert_eq!(
            attributes["taskQueue"]["name"],
            fixture().task_queue,
            "{scheduled}"
        );
    }
}

#[test]
fn a_python_sdk_workflow_calls_the_same_activity_type() {
    let api = items_api("python");
    let (_, client) = python_workflows();
    let post = json_request("POST", &api.url("/items"), &json!({"name": "from python"}));
    let id = workflow_id("http-python");
    let spec = json!({"activity_type": HTTP_TYPE, "task_queue": fixture().task_queue,
                      "args": [post]});
    client.start(&id, "CallActivity", json!([spec]));
    let outcome = client.outcome(&id, TIMEOUT);

    assert_eq!(
        outcome["status"],
        "COMPLETED",
        "{outcome}\nworker log:\n{}",
        fixture().worker.log()
    );
    let result = &outcome["result"];
    assert_eq!(result["status"], 201, "{result}");
    assert_eq!(
        serde_json::from_str::<Value>(&decoded(&result["body"])).unwrap(),
        json!({"created": {"name": "from python"}, "content_type": "application/json"})
    );
    let hits = api.hits();
    assert_eq!(hits.len(), 1, "{hits:#?}");
    assert_eq!(hits[0].request.body, br#"{"name":"from python"}"#);
    // The Python SDK numbers activity ids from 1 too.
    let key = hits[0].header("idempotency-key").unwrap_or_default();
    assert!(
        key.starts_with(&format!("{id}/")) && key.ends_with("/1"),
        "{key}"
    );
}

#[test]
fn local_true_completes_without_an_activity_task_scheduled_event() {
    let api = items_api("local");
    let mut get = request("GET", &api.url("/items/7"));
    get["local"] = json!(true);
    let (id, outcome) = run("http-local", json!([{"http": get}]));
    let results = results(&outcome);

    assert_eq!(response(&results[0])["status"], 200, "{results:?}");
    assert_eq!(api.hits().len(), 1);
    assert_eq!(
        count_events(&outcome, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"),
        0,
        "{outcome}"
    );
    // Its request and response are in the local activity's marker instead.
    let markers: Vec<Value> = events_of(&history(&id), "EVENT_TYPE_MARKER_RECORDED")
        .into_iter()
        .filter(|marker| {
            marker["markerRecordedEventAttributes"]["markerName"] == "core_local_activity"
        })
        .collect();
    assert_eq!(markers.len(), 1, "{markers:#?}");
    assert!(deep_contains(&markers[0], HTTP_TYPE), "{markers:#?}");
    assert!(deep_contains(&markers[0], "widget"), "{markers:#?}");
}

#[test]
fn an_activity_of_another_type_fails_non_retryably_naming_the_types_this_worker_runs() {
    // Scheduled on the workflow's own task queue, which only the wasm worker polls.
    let charge = json!({"activity_type": "Charge", "start_to_close_timeout_ms": 5000,
                        "retry_policy": fast_retries(5)});
    let (id, outcome) = run("http-other-type", json!([{"activity": charge}]));
    let results = results(&outcome);

    let (failure, application, _) = failure(&results[0]);
    assert_eq!(application["type"], "UnknownActivityType", "{failure}");
    assert_eq!(application["non_retryable"], true, "{failure}");
    let message = application["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`Charge`") && message.contains(HTTP_TYPE),
        "{message}"
    );
    assert_eq!(failure["retry_state"], "non_retryable_failure", "{failure}");
    // One attempt only, whatever the retry policy allows.
    let started = events_of(&history(&id), "EVENT_TYPE_ACTIVITY_TASK_STARTED");
    assert_eq!(started.len(), 1, "{started:#?}");
    assert_eq!(
        started[0]["activityTaskStartedEventAttributes"]["attempt"], 1,
        "{started:#?}"
    );
}

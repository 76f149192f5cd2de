//! Status mapping and Temporal's retries: retryable and non-retryable statuses, `Retry-After`,
//! attempt timeouts, and the `Idempotency-Key` every attempt carries.

use super::*;

/// The `attempt` of the (last) `ActivityTaskStarted` event of each activity in `id`'s history.
fn started_attempts(id: &str) -> Vec<Value> {
    events_of(&history(id), "EVENT_TYPE_ACTIVITY_TASK_STARTED")
        .iter()
        .map(|event| event["activityTaskStartedEventAttributes"]["attempt"].clone())
        .collect()
}

#[test]
fn status_503_twice_then_200_completes_on_the_third_attempt() {
    let api = route("flaky", |attempt, _| {
        if attempt < 3 {
            Answer::new(503).body(format!("attempt {attempt}: come back later"))
        } else {
            Answer::new(200).body("third time lucky")
        }
    });
    let (id, outcome) = run(
        "http-503",
        json!([{"http": request("GET", &api.url("/status"))}]),
    );
    let results = results(&outcome);

    let got = response(&results[0]);
    assert_eq!(got["status"], 200, "{got}");
    assert_eq!(got["body_text"], "third time lucky", "{got}");
    assert_eq!(api.hits().len(), 3);
    // One activity, started for the third time: the retries were Temporal's.
    assert_eq!(
        count_events(&outcome, "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"),
        1
    );
    assert_eq!(started_attempts(&id), [json!(3)]);
    let started = events_of(&history(&id), "EVENT_TYPE_ACTIVITY_TASK_STARTED");
    let last_failure = &started[0]["activityTaskStartedEventAttributes"]["lastFailure"];
    assert!(
        last_failure["message"]
            .as_str()
            .is_some_and(|message| message.contains("503")),
        "{last_failure}"
    );
}

#[test]
fn status_404_fails_non_retryably_with_the_status_in_the_details() {
    let api = route("missing", |_, _| {
        Answer::new(404)
            .header("Content-Type", "application/problem+json")
            .body(r#"{"title":"no such item"}"#)
    });
    let (id, outcome) = run(
        "http-404",
        json!([{"http": request("GET", &api.url("/items/9"))}]),
    );
    let results = results(&outcome);

    let (failure, application, details) = failure(&results[0]);
    assert_eq!(application["type"], "HttpStatus", "{failure}");
    assert_eq!(application["non_retryable"], true, "{failure}");
    assert!(
        application["message"]
            .as_str()
            .is_some_and(|message| message.contains("404")),
        "{failure}"
    );
    assert_eq!(failure["retry_state"], "non_retryable_failure", "{failure}");
    assert_eq!(details["status"], 404, "{details}");
    assert_eq!(decoded(&details["body"]), r#"{"title":"no such item"}"#);
    assert_eq!(
        details["headers"]["content-type"],
        "application/problem+json"
    );
    assert_eq!(details["host"], "127.0.0.1", "{details}");
    // Five attempts allowed, one made.
    assert_eq!(api.hits().len(), 1);
    assert_eq!(started_attempts(&id), [json!(1)]);
}

#[test]
fn status_429_with_retry_after_2_waits_about_2_s_before_the_next_attempt() {
    let api = route("throttled", |attempt, _| {
        if attempt == 1 {
            Answer::new(429).header("Retry-After", "2")
        } else {
            Answer::new(200).body("welcome back")
        }
    });
    // Without Retry-After the retry policy would retry after 100 ms.
    let (_, outcome) = run(
        "http-429",
        json!([{"http": request("GET", &api.url("/slowly"))}]),
    );
    let results = results(&outcome);

    assert_eq!(response(&results[0])["body_text"], "welcome back");
    let hits = api.hits();
    assert_eq!(hits.len(), 2, "{hits:#?}");
    let gap = hits[1].at - hits[0].at;
    assert!(
        gap >= Duration::from_millis(1900) && gap < Duration::from_millis(4000),
        "the second attempt came {gap:?} after the first"
    );
}

#[test]
fn a_slow_endpoint_times_out_and_is_retried() {
    let api = route("slow", |attempt, _| {
        if attempt == 1 {
            Answer::new(200)
                .body("too late")
                .after(Duration::from_secs(20))
        } else {
            Answer::new(200).body("in time")
        }
    });
    let mut slow = request("GET", &api.url("/report"));
    slow["start_to_close_timeout_ms"] = json!(1000);
    let (id, outcome) = run("http-slow", json!([{"http": slow}]));
    let results = results(&outcome);

    assert_eq!(response(&results[0])["body_text"], "in time");
    let hits = api.hits();
    assert_eq!(hits.len(), 2, "{hits:#?}");
    // The first attempt's request was given up on at its timeout, not answered.
    let aborted = hits[0]
        .aborted_at
        .unwrap_or_else(|| panic!("the first request was not aborted: {hits:#?}"));
    let waited = aborted - hits[0].at;
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "aborted {waited:?} after it arrived"
    );
    assert!(hits[1].at - hits[0].at >= Duration::from_millis(900));
    assert_eq!(started_attempts(&id), [json!(2)]);
}

#[test]
fn the_idempotency_key_is_the_same_on_every_attempt_and_differs_between_activities() {
    let api = route("idempotent", |attempt, request| {
        // The first activity fails twice; the second (…/again) succeeds at once.
        if attempt <= 2 && !request.path.ends_with("/again") {
            Answer::new(500)
        } else {
            Answer::new(200)
        }
    });
    let (_, outcome) = run(
        "http-idempotency",
        json!([
            {"workflow_info": true},
            {"http": request("POST", &api.url("/charge"))},
            {"http": request("POST", &api.url("/again"))},
        ]),
    );
    let results = results(&outcome);

    let info = &results[0];
    let hits = api.hits();
    assert_eq!(hits.len(), 4, "{hits:#?}");
    let keys: Vec<&str> = hits
        .iter()
        .map(|hit| hit.header("idempotency-key").unwrap_or("<none>"))
        .collect();
    // `<workflow id>/<run id>/<activity id>`; activity ids count from 1.
    let run = format!(
        "{}/{}",
        info["workflow_id"].as_str().unwrap(),
        info["run_id"].as_str().unwrap()
    );
    let (first, second) = (format!("{run}/1"), format!("{run}/2"));
    assert_eq!(keys, [&first, &first, &first, &second]);
}

#[test]
fn a_local_and_a_remote_http_activity_of_one_run_carry_different_idempotency_keys() {
    let api = route("idempotent-local", |_, _| Answer::new(200));
    let mut local = request("POST", &api.url("/local"));
    local["local"] = json!(true);
    let (_, outcome) = run(
        "http-idempotency-local",
        json!([{"http": request("POST", &api.url("/remote"))}, {"http": local}]),
    );
    results(&outcome);

    let keys: Vec<String> = api
        .hits()
        .iter()
        .map(|hit| hit.header("idempotency-key").unwrap_or("<none>").to_owned())
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
    assert_ne!(keys[0], keys[1], "two different requests, one key");
}

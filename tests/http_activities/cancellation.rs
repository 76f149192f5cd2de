//! Cancellation: a request in flight is aborted (the server sees its connection closed) when
//! the workflow cancels the HTTP activity, and when the workflow itself is cancelled.

use super::*;

/// How long after a cancellation the request in flight may still be open: the worker
/// heartbeats every second while a request runs, and learns of the cancellation from a
/// heartbeat's answer.
const ABORTED_WITHIN: Duration = Duration::from_secs(5);

/// A route that answers only after a minute, so any earlier end of a request is an abort.
fn hanging(prefix: &str) -> Route {
    route(prefix, |_, _| {
        Answer::new(200)
            .body("too late")
            .after(Duration::from_secs(60))
    })
}

/// `request` that may run for two minutes, so its own timeout never ends it here.
fn patient(url: &str) -> Value {
    let mut request = request("GET", url);
    request["start_to_close_timeout_ms"] = json!(120_000);
    request
}

#[test]
fn cancel_after_ms_aborts_the_request_in_flight() {
    let api = hanging("cancel-after");
    let steps = json!([{"http": patient(&api.url("/wait")), "cancel_after_ms": 1500}]);
    let (_, outcome) = run("http-cancel-after", steps);
    let results = results(&outcome);

    assert_eq!(results[0]["cancel_requested"], true, "{results:?}");
    assert!(results[0]["result"]["cancelled"].is_object(), "{results:?}");
    let hits = api.wait_for(Duration::from_secs(40), |hits| {
        hits.first().is_some_and(|hit| hit.aborted_at.is_some())
    });
    let hit = hits.first().expect("the request reached the server");
    let aborted = hit
        .aborted_at
        .unwrap_or_else(|| panic!("the request was never aborted: {hit:#?}"));
    // Cancelled 1.5 s after the activity started, which is about when the request arrived.
    let after_cancel = (aborted - hit.at).saturating_sub(Duration::from_millis(1500));
    assert!(
        after_cancel < ABORTED_WITHIN,
        "the request stayed open {after_cancel:?} after its cancellation"
    );
}

#[test]
fn a_cancelled_workflow_aborts_its_in_flight_request() {
    let api = hanging("cancel-workflow");
    let id = start(
        "http-cancel-workflow",
        json!([{"http": patient(&api.url("/wait"))}]),
    );
    let arrived = api.wait_for(TIMEOUT, |hits| !hits.is_empty());
    assert_eq!(arrived.len(), 1, "the request never reached the server");
    let cancelled_at = std::time::Instant::now();
    fixture().client.cancel(&id);

    // The guest never listens for cancellation: the workflow ends Canceled.
    let outcome = finished(&id);
    assert_eq!(outcome["status"], "CANCELED", "{outcome}");
    let hits = api.wait_for(Duration::from_secs(40), |hits| hits[0].aborted_at.is_some());
    let aborted = hits[0]
        .aborted_at
        .unwrap_or_else(|| panic!("the request was never aborted: {hits:#?}"));
    let after_cancel = aborted.saturating_duration_since(cancelled_at);
    assert!(
        after_cancel < ABORTED_WITHIN,
        "the request stayed open {after_cancel:?} after the workflow's cancellation"
    );
}

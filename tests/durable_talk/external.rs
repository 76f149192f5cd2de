//! Signals to and cancellation of other workflows, and their failures.

use super::*;

#[test]
fn signal_external_workflow_wakes_a_workflow_parked_on_that_channel() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let target = start_parked(client, "signalled", json!([{"wait_signal": "go"}]));
        let sender = start(
            client,
            "signaller",
            json!([{"signal_external": {"workflow_id": target, "signal_name": "go",
                                        "args": args_payloads(json!(["from a workflow"]))}}]),
        );
        assert_eq!(
            results(&finished(worker, client, &sender))[0],
            json!({"completed": []})
        );
        let target_results = results(&finished(worker, client, &target));
        assert_eq!(
            completed_values(&target_results[0]),
            [json!("from a workflow")]
        );
    }
}

#[test]
fn signalling_a_workflow_that_does_not_exist_fails_for_the_guest() {
    let (worker, client) = worker(true);
    let nobody = workflow_id("nobody");
    let sender = start(
        client,
        "signal-nobody",
        json!([{"signal_external": {"workflow_id": nobody, "signal_name": "go"}}]),
    );
    let outcome = finished(worker, client, &sender);
    let failure = &results(&outcome)[0]["failed"];
    assert_eq!(
        failure["type"], "ExternalWorkflowExecutionNotFound",
        "{failure}"
    );
    assert!(
        failure["message"]
            .as_str()
            .is_some_and(|message| message.contains("not found")),
        "{failure}"
    );
    assert_eq!(
        count_events(
            &outcome,
            "EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_FAILED"
        ),
        1,
        "{outcome}"
    );
}

#[test]
fn cancelling_a_workflow_that_does_not_exist_fails_for_the_guest() {
    let (worker, client) = worker(true);
    let nobody = workflow_id("nobody");
    let canceller = start(
        client,
        "cancel-nobody",
        json!([{"cancel_external": {"workflow_id": nobody}}]),
    );
    let outcome = finished(worker, client, &canceller);
    let failure = &results(&outcome)[0]["failed"];
    assert_eq!(
        failure["type"], "ExternalWorkflowExecutionNotFound",
        "{failure}"
    );
    assert!(
        failure["message"]
            .as_str()
            .is_some_and(|message| message.contains("not found")),
        "{failure}"
    );
    assert_eq!(
        count_events(
            &outcome,
            "EVENT_TYPE_REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION_FAILED"
        ),
        1,
        "{outcome}"
    );
}

#[test]
fn cancel_external_workflow_cancels_another_workflow() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let target = start_parked(client, "cancelled", json!([{"sleep_ms": 60_000}]));
        let canceller = start(
            client,
            "canceller",
            json!([{"cancel_external": {"workflow_id": target}}]),
        );
        assert_eq!(
            results(&finished(worker, client, &canceller))[0],
            json!({"completed": []})
        );
        let outcome = finished(worker, client, &target);
        assert_eq!(outcome["status"], "CANCELED", "{outcome}");
    }
}

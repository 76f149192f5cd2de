//! Queries: published results while parked and after completion, and the UI's built-ins.

use super::*;

#[test]
fn a_query_answers_while_the_guest_is_parked_and_after_the_workflow_completed() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = start_parked(
            client,
            "query",
            json!([
                {"publish_query": {"name": "status", "value": {"stage": "parked"}}},
                {"wait_signal": "go"},
                {"publish_query": {"name": "status", "value": {"stage": "done"}}},
            ]),
        );
        assert_eq!(
            client.query(&id, "status"),
            json!({"value": {"stage": "parked"}}),
            "{}",
            worker.log()
        );
        client.signal(&id, "go", json!([]));
        results(&finished(worker, client, &id));
        assert_eq!(
            client.query(&id, "status"),
            json!({"value": {"stage": "done"}}),
            "{}",
            worker.log()
        );
    }
}

#[test]
fn a_query_for_a_name_never_published_fails_listing_the_published_names() {
    let (_, client) = worker(true);
    let id = start_parked(
        client,
        "query-unknown",
        json!([
            {"publish_query": {"name": "status", "value": 1}},
            {"wait_signal": "go"},
        ]),
    );
    let answer = client.query(&id, "balance");
    let message = answer["failure"].as_str().unwrap_or_default();
    assert!(
        message.contains("unknown query `balance`") && message.contains("status"),
        "{answer}"
    );
    client.terminate(&id);
}

#[test]
fn a_query_published_without_a_value_answers_null() {
    let (_, client) = worker(true);
    let id = start_parked(
        client,
        "query-null",
        json!([{"publish_query": {"name": "status"}}, {"wait_signal": "go"}]),
    );
    assert_eq!(client.query(&id, "status"), json!({"value": null}));
    client.terminate(&id);
}

#[test]
fn the_stack_trace_names_the_timer_the_guest_waits_on() {
    for cached in [true, false] {
        let (_, client) = worker(cached);
        let id = start_parked(client, "stack", json!([{"sleep_ms": 3_600_000}]));
        // `temporal workflow stack` is the CLI's view of `__stack_trace`, as the UI's tab is.
        let stack = temporal(&client.address, &["workflow", "stack", "-w", &id]);
        client.terminate(&id);
        assert!(
            stack.contains("waiting on timer 1 (3600000 ms)"),
            "cached: {cached}\n{stack}"
        );
    }
}

#[test]
fn the_stack_trace_names_the_signal_channel_the_guest_waits_on() {
    let (_, client) = worker(true);
    let id = start_parked(client, "stack-signal", json!([{"wait_signal": "approval"}]));
    let stack = temporal(&client.address, &["workflow", "stack", "-w", &id]);
    client.terminate(&id);
    // What the guest is blocked on is the channel for signal `approval`, not a bare handle.
    assert!(
        stack.contains("waiting on signal channel `approval` (handle 1)"),
        "{stack}"
    );
}

#[test]
fn the_stack_trace_names_the_child_the_parent_waits_on() {
    let (_, client) = worker(true);
    let child_id = workflow_id("stack-child");
    let parent = start(
        client,
        "stack-parent",
        json!([{"child": child(&child_id, json!([{"sleep_ms": 3_600_000}]))}]),
    );
    wait_for_event(
        client,
        &parent,
        "EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_STARTED",
    );
    let stack = temporal(&client.address, &["workflow", "stack", "-w", &parent]);
    assert!(
        stack.contains(&format!("child workflow 1 Scenario ({child_id})")),
        "{stack}"
    );
    client.terminate(&parent);
}

#[test]
fn the_workflow_metadata_lists_published_queries_open_channels_and_current_details() {
    let (worker, client) = worker(true);
    let id = start_parked(
        client,
        "metadata",
        json!([
            {"publish_query": {"name": "status", "value": "packing"}},
            {"details": "Packing **order 7**"},
            {"wait_update": {"name": "approve"}},
            {"wait_signal": "go"},
        ]),
    );
    // After the update the guest is parked on `go` with both channels open.
    assert_eq!(
        client.update(&id, "approve", json!([1])),
        json!({"result": 1}),
        "{}",
        worker.log()
    );
    let answer = client.query(&id, "__temporal_workflow_metadata");
    let metadata = &answer["value"];
    assert_eq!(metadata["definition"]["type"], "Scenario", "{answer}");
    assert_eq!(
        metadata["definition"]["queryDefinitions"],
        json!([{"name": "status"}]),
        "{answer}"
    );
    assert_eq!(
        metadata["definition"]["signalDefinitions"],
        json!([{"name": "go"}]),
        "{answer}"
    );
    assert_eq!(
        metadata["definition"]["updateDefinitions"],
        json!([{"name": "approve"}]),
        "{answer}"
    );
    assert_eq!(
        metadata["currentDetails"], "Packing **order 7**",
        "{answer}"
    );
    // The CLI decodes it as Temporal's WorkflowMetadata proto, as the UI does.
    let shown = temporal(&client.address, &["workflow", "metadata", "-w", &id]);
    assert!(
        shown.contains("Packing **order 7**") && shown.contains("status"),
        "{shown}"
    );
    client.terminate(&id);
}

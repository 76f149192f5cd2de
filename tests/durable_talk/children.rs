//! Child workflows: results, failures, start failures, ids, memo and cancellation.

use super::*;

#[test]
fn a_parent_starts_a_child_scenario_and_returns_its_result() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let child_id = workflow_id("child");
        let parent = start(
            client,
            "parent",
            json!([{"child": child(&child_id, json!([{"sleep_ms": 100}]))}]),
        );
        let outcome = finished(worker, client, &parent);
        assert_eq!(
            results(&outcome)[0],
            json!({"completed": {"results": [{"completed": []}], "iteration": 0}}),
            "{outcome}"
        );
        assert_eq!(client.describe(&child_id)["parent_id"], parent);
    }
}

#[test]
fn a_child_is_started_with_the_memo_its_parent_gives_it() {
    let (worker, client) = worker(true);
    let child_id = workflow_id("child-memo");
    let mut options = child(&child_id, json!([]));
    let gift = args_payloads(json!([{"from": "parent"}]))[0].clone();
    options["memo"] = json!({"gift": gift});
    let parent = start(client, "parent-memo", json!([{"child": options}]));
    results(&finished(worker, client, &parent));
    let described = client.describe(&child_id);
    assert_eq!(
        described["memo"],
        json!({"gift": {"from": "parent"}}),
        "{described}"
    );
}

#[test]
fn a_child_started_without_an_id_gets_one_derived_from_the_parent_run_on_every_replay() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let mut options = child("unused", json!([{"sleep_ms": 100}]));
        options
            .as_object_mut()
            .expect("options")
            .remove("workflow_id");
        let parent = start(client, "parent-default-id", json!([{"child": options}]));
        // Without the cache the parent replays the start on each later task: a different id
        // would be nondeterminism, and the run would not complete.
        results(&finished(worker, client, &parent));
        let described: Value = serde_json::from_str(&temporal(
            &client.address,
            &["workflow", "describe", "-w", &parent, "-o", "json"],
        ))
        .expect("JSON from the CLI");
        let run_id = described["workflowExecutionInfo"]["execution"]["runId"]
            .as_str()
            .expect("run id");
        let child_id = format!("{run_id}_1");
        assert_eq!(
            client.describe(&child_id)["parent_id"],
            parent,
            "cached: {cached}"
        );
    }
}

#[test]
fn a_child_knows_its_parent_and_the_memo_it_was_started_with() {
    let (worker, client) = worker(true);
    let child_id = workflow_id("child-info");
    let mut options = child(&child_id, json!([{"workflow_info": true}]));
    options["memo"] = json!({"gift": args_payloads(json!([{"from": "parent"}]))[0]});
    let parent = start(client, "parent-info", json!([{"child": options}]));
    let outcome = finished(worker, client, &parent);
    let info = &results(&outcome)[0]["completed"]["results"][0];
    assert_eq!(info["workflow_id"], child_id, "{outcome}");
    assert_eq!(info["parent"]["workflow_id"], parent, "{info}");
    assert_eq!(info["parent"]["namespace"], "default", "{info}");
    assert!(
        info["parent"]["run_id"]
            .as_str()
            .is_some_and(|run| !run.is_empty()),
        "{info}"
    );
    assert_eq!(
        decode_payload_json(&info["memo"]["gift"]),
        json!({"from": "parent"}),
        "{info}"
    );
}

#[test]
fn a_failing_child_reaches_the_parent_as_a_child_workflow_failure_with_its_cause() {
    let (worker, client) = worker(true);
    let child_id = workflow_id("child-fails");
    let broke = json!({"message": "child broke", "type": "ChildBroke", "non_retryable": true});
    let parent = start(
        client,
        "parent-of-failing",
        json!([{"child": child(&child_id, json!([{"fail": broke}]))}]),
    );
    let outcome = finished(worker, client, &parent);
    let failure = &results(&outcome)[0]["failed"];
    assert_eq!(failure["kind"], "child_workflow", "{failure}");
    assert_eq!(failure["type"], "ChildBroke", "{failure}");
    assert_eq!(
        failure["child_workflow"]["workflow_id"], child_id,
        "{failure}"
    );
    assert_eq!(
        failure["child_workflow"]["workflow_type"], "Scenario",
        "{failure}"
    );
    let cause = &failure["cause"];
    assert_eq!(cause["kind"], "application", "{failure}");
    assert_eq!(cause["type"], "ChildBroke", "{failure}");
    assert_eq!(cause["message"], "child broke", "{failure}");
}

#[test]
fn a_child_started_with_the_id_of_a_running_workflow_fails_to_start_with_workflow_already_started()
{
    let (worker, client) = worker(true);
    let running = start_parked(client, "already-running", json!([{"wait_signal": "go"}]));
    let parent = start(
        client,
        "parent-of-duplicate",
        json!([{"child": child(&running, json!([]))}]),
    );
    let outcome = finished(worker, client, &parent);
    let failure = &results(&outcome)[0]["failed"];
    assert_eq!(failure["type"], "WorkflowAlreadyStarted", "{failure}");
    assert!(
        failure["message"]
            .as_str()
            .is_some_and(|message| message.contains(&running)),
        "{failure}"
    );
    assert_eq!(
        count_events(&outcome, "EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_FAILED"),
        1,
        "{outcome}"
    );
    client.terminate(&running);
}

#[test]
fn a_child_cancelled_by_its_parent_ends_canceled_and_the_parent_sees_the_cancellation() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let child_id = workflow_id("child-cancelled");
        let parent = start(
            client,
            "parent-cancels",
            json!([{"child": child(&child_id, json!([{"sleep_ms": 60_000}])),
                    "cancel_after_ms": 1000}]),
        );
        let outcome = finished(worker, client, &parent);
        let result = &results(&outcome)[0];
        assert_eq!(result["cancel_requested"], true, "{result}");
        assert!(result["result"]["cancelled"].is_object(), "{result}");
        assert_eq!(client.outcome(&child_id, TIMEOUT)["status"], "CANCELED");
    }
}

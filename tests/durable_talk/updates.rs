//! Updates: validators, verdicts, answers in later activations, and updates nobody answers.

use super::*;

#[test]
fn an_update_the_validator_rejects_fails_for_its_caller_and_a_later_one_returns_its_result() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = start_parked(
            client,
            "update-validate",
            json!([{"wait_update": {"name": "approve", "reject_if": "bad",
                                    "result": {"approved": true}}}]),
        );
        let rejected = client.update(&id, "approve", json!(["bad"]));
        let failure = &rejected["failure"];
        assert_eq!(failure["type"], "Refused", "{rejected}\n{}", worker.log());
        assert_eq!(
            failure["message"], "update `approve` rejects \"bad\"",
            "{rejected}"
        );

        let accepted = client.update(&id, "approve", json!(["good"]));
        assert_eq!(
            accepted,
            json!({"result": {"approved": true}}),
            "{}",
            worker.log()
        );
        let outcome = finished(worker, client, &id);
        assert_eq!(results(&outcome)[0], json!(["good"]));
        // A rejected update leaves no trace in history; the accepted one does.
        assert_eq!(
            count_events(&outcome, "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED"),
            1,
            "{outcome}"
        );
    }
}

#[test]
fn an_update_failed_after_acceptance_reaches_its_caller_as_the_failure() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = start_parked(
            client,
            "update-fail",
            json!([{"wait_update": {"name": "approve", "fail_if": "broken"}}]),
        );
        let failed = client.update(&id, "approve", json!(["broken"]));
        assert_eq!(failed["failure"]["type"], "Refused", "{failed}");
        assert_eq!(
            failed["failure"]["message"], "update `approve` fails on \"broken\"",
            "{failed}"
        );
        // The failed update was accepted, so replays see it again and fail it again.
        let echoed = client.update(&id, "approve", json!([{"n": 2}]));
        assert_eq!(echoed, json!({"result": {"n": 2}}), "{}", worker.log());
        let outcome = finished(worker, client, &id);
        assert_eq!(results(&outcome)[0], json!([{"n": 2}]));
        assert_eq!(
            count_events(&outcome, "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED"),
            2,
            "{outcome}"
        );
        assert_eq!(
            count_events(&outcome, "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED"),
            2,
            "{outcome}"
        );
    }
}

#[test]
fn an_update_whose_name_has_no_open_channel_is_rejected_listing_the_open_ones() {
    let (worker, client) = worker(true);
    let id = start_parked(
        client,
        "update-unheard",
        json!([{"wait_update": {"name": "approve"}}]),
    );
    let rejected = client.update(&id, "cancel_order", json!([1]));
    let failure = &rejected["failure"];
    assert_eq!(failure["type"], "UpdateRejected", "{rejected}");
    assert_eq!(
        failure["message"],
        "update `cancel_order` was rejected: no update channel named `cancel_order` is open \
         (open update channels: approve)",
        "{rejected}"
    );
    // The run goes on: its own channel still answers.
    assert_eq!(
        client.update(&id, "approve", json!(["yes"])),
        json!({"result": "yes"})
    );
    assert_eq!(results(&finished(worker, client, &id))[0], json!(["yes"]));
}

#[test]
fn an_update_sent_before_the_guest_opens_its_channel_in_a_later_task_is_rejected() {
    // Temporal wants each update's verdict in the activation it arrives in: one that comes while
    // the guest sleeps before opening the channel cannot wait for it.
    let (worker, client) = worker(true);
    let id = start_parked(
        client,
        "update-early",
        json!([{"sleep_ms": 5000}, {"wait_update": {"name": "approve"}}]),
    );
    let rejected = client.update(&id, "approve", json!(["early"]));
    assert_eq!(
        rejected["failure"]["message"],
        "update `approve` was rejected: no update channel named `approve` is open (open \
         update channels: none)",
        "{rejected}"
    );
    wait_for_event(client, &id, "EVENT_TYPE_TIMER_FIRED");
    assert_eq!(
        client.update(&id, "approve", json!(["late"])),
        json!({"result": "late"}),
        "{}",
        worker.log()
    );
    results(&finished(worker, client, &id));
}

#[test]
fn an_update_with_start_reaches_the_channel_the_guest_opens_in_its_first_task() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = workflow_id("update-with-start");
        let input = json!({"steps": [{"wait_update": {"name": "approve", "result": "started"}}]});
        let answer = temporal(
            &client.address,
            &[
                "workflow",
                "execute-update-with-start",
                "--update-name",
                "approve",
                "--update-input",
                "\"first\"",
                "--workflow-id",
                &id,
                "--type",
                "Scenario",
                "--task-queue",
                &client.task_queue,
                "--input",
                &input.to_string(),
                "--id-conflict-policy",
                "Fail",
                "-o",
                "json",
            ],
        );
        let answer: Value = serde_json::from_str(&answer).expect("JSON from the CLI");
        assert_eq!(answer["updateResult"], "started", "{answer}");
        let outcome = finished(worker, client, &id);
        assert_eq!(results(&outcome)[0], json!(["first"]), "{outcome}");
    }
}

#[test]
fn an_update_that_arrives_while_the_guest_sleeps_on_an_open_channel_is_answered_when_taken() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = start_parked(
            client,
            "update-queued",
            json!([
                {"wait_update": {"name": "approve"}},
                {"sleep_ms": 4000},
                {"wait_update": {"name": "approve", "result": "after the nap"}},
            ]),
        );
        assert_eq!(
            client.update(&id, "approve", json!([1])),
            json!({"result": 1})
        );
        // Sent during the nap: accepted at once (the channel is open), answered after it.
        let started = Instant::now();
        let answer = client.update(&id, "approve", json!([2]));
        assert_eq!(
            answer,
            json!({"result": "after the nap"}),
            "cached: {cached}\n{}",
            worker.log()
        );
        assert!(started.elapsed() >= Duration::from_millis(500), "{answer}");
        let outcome = finished(worker, client, &id);
        assert_eq!(
            results(&outcome),
            [json!([1]), json!({"completed": []}), json!([2])]
        );
    }
}

#[test]
fn rejecting_an_update_accepted_in_an_earlier_activation_is_a_guest_bug_naming_respond_update() {
    // A validator only runs in the activation the update arrives in; this guest sleeps through
    // it, so the update is accepted, and the later rejection is refused.
    let (worker, client) = worker(true);
    let id = start_parked(
        client,
        "update-late-reject",
        json!([
            {"wait_update": {"name": "approve"}},
            {"sleep_ms": 5000},
            {"wait_update": {"name": "approve", "reject_if": "bad"}},
        ]),
    );
    assert_eq!(
        client.update(&id, "approve", json!([1])),
        json!({"result": 1})
    );
    temporal(
        &client.address,
        &[
            "workflow",
            "update",
            "start",
            "-w",
            &id,
            "--name",
            "approve",
            "--input",
            "\"bad\"",
            "--wait-for-stage",
            "accepted",
        ],
    );
    let failure = client.task_failure(&id, TIMEOUT);
    client.terminate(&id);
    let message = failure["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("respond_update")
            && message.contains("can no longer be rejected, only completed or failed"),
        "{failure}\n{}",
        worker.log()
    );
}

#[test]
fn an_accepted_update_the_run_ends_without_answering_fails_for_its_caller() {
    let (worker, client) = worker(true);
    let id = start_parked(
        client,
        "update-unanswered",
        json!([{"wait_update": {"name": "approve"}}, {"sleep_ms": 4000}]),
    );
    assert_eq!(
        client.update(&id, "approve", json!([1])),
        json!({"result": 1})
    );
    // The channel stays open, so the second update is accepted; nobody takes it before the
    // run completes.
    let unanswered = client.update(&id, "approve", json!([2]));
    assert_eq!(
        unanswered["failure"]["message"],
        "update `approve` was not answered: the workflow run ended first",
        "{unanswered}\n{}",
        worker.log()
    );
    let outcome = finished(worker, client, &id);
    assert_eq!(outcome["status"], "COMPLETED", "{outcome}");
    assert_eq!(
        count_events(&outcome, "EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED"),
        2,
        "{outcome}"
    );
}

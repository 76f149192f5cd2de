//! Signals: a signal wakes a parked guest, and none is lost before its channel opens.

use super::*;

#[test]
fn a_signal_wakes_a_guest_parked_on_its_channel() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = start_parked(client, "signal-wakes", json!([{"wait_signal": "go"}]));
        client.signal(&id, "go", json!(["hello", 7]));
        let results = results(&finished(worker, client, &id));
        assert_eq!(completed_values(&results[0]), [json!("hello"), json!(7)]);
    }
}

#[test]
fn a_signal_sent_while_the_guest_sleeps_before_opening_its_channel_is_delivered_when_it_opens() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = start(
            client,
            "signal-early",
            json!([{"sleep_ms": 4000}, {"wait_signal": "go"}]),
        );
        wait_for_event(client, &id, "EVENT_TYPE_TIMER_STARTED");
        client.signal(&id, "go", json!(["early"]));
        let outcome = finished(worker, client, &id);
        let results = results(&outcome);
        assert_eq!(completed_values(&results[1]), [json!("early")], "{outcome}");
        // The signal was recorded before the timer fired: it really was held, not just late.
        let events = outcome["events"].as_array().expect("events");
        let position = |name: &str| events.iter().position(|event| event == name);
        assert!(
            position("EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED") < position("EVENT_TYPE_TIMER_FIRED"),
            "{outcome}"
        );
    }
}

#[test]
fn a_signal_with_start_reaches_the_channel_the_guest_opens_in_its_first_task() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = workflow_id("signal-with-start");
        client.signal_with_start(
            &id,
            "Scenario",
            script(json!([{"wait_signal": "go"}])),
            "go",
            json!([{"first": true}]),
        );
        let outcome = finished(worker, client, &id);
        assert_eq!(
            completed_values(&results(&outcome)[0]),
            [json!({"first": true})]
        );
        assert_eq!(
            count_events(&outcome, "EVENT_TYPE_TIMER_STARTED"),
            0,
            "{outcome}"
        );
    }
}

//! Messages: signals (held until their channel opens), updates and their validators, and the
//! query answers a workflow publishes.

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use temporal_wasm_sdk::testing::{DEFAULT_START_MILLIS, Reply, TestHost, UpdateVerdict};
use temporal_wasm_sdk::{
    Failure, Payload, SignalChannel, Timer, UpdateChannel, query, select, workflow,
};

use crate::{activity, run};

#[test]
fn signals_sent_before_the_channel_opens_wait_for_it_in_order() {
    let host = TestHost::new()
        .signal(Duration::ZERO, "add", &1)
        .signal(Duration::ZERO, "add", &2)
        .signal(Duration::from_secs(5), "add", &3);
    let run = run(host, || {
        workflow::sleep(Duration::from_secs(1));
        let add = SignalChannel::<i64>::new("add");
        let mut seen = vec![add.receive()?, add.receive()?];
        assert!(add.try_receive().is_none());
        seen.push(add.receive()?);
        Ok(seen)
    });
    assert_eq!(run.result::<Vec<i64>>(), [1, 2, 3]);
}

#[test]
fn a_signal_that_does_not_decode_is_an_error_and_consumed() {
    let host = TestHost::new()
        .signal(Duration::ZERO, "n", &"not a number")
        .signal(Duration::ZERO, "n", &7);
    let run = run(host, || {
        let n = SignalChannel::<i64>::new("n");
        assert!(n.receive().is_err());
        Ok(n.receive()?)
    });
    assert_eq!(run.result::<i64>(), 7);
}

#[derive(Debug, Deserialize)]
struct Amount {
    amount: i64,
}

fn positive(amount: &Amount) -> Result<(), Failure> {
    if amount.amount > 0 {
        Ok(())
    } else {
        Err(Failure::new("amount must be positive").with_type("NotPositive"))
    }
}

#[test]
fn an_update_is_validated_while_the_workflow_waits_for_something_else() {
    // The workflow is blocked on a slow activity when both updates arrive; the rejection must
    // happen in their activation, or the worker would have accepted them.
    let host = TestHost::new()
        .on_activity("slow", |_| Reply::empty().after(Duration::from_secs(60)))
        .update(
            Duration::from_secs(1),
            "u1",
            "deposit",
            &json!({"amount": -5}),
        )
        .update(
            Duration::from_secs(2),
            "u2",
            "deposit",
            &json!({"amount": 5}),
        );
    let run = run(host, || {
        let deposits = UpdateChannel::<Amount>::new("deposit").validator(positive);
        activity("slow").execute::<()>()?;
        let update = deposits.try_receive().expect("the valid update waits");
        let amount = update.input().amount;
        update.complete(&amount)?;
        assert!(deposits.try_receive().is_none());
        Ok(amount)
    });
    assert_eq!(run.result::<i64>(), 5);
    let UpdateVerdict::Rejected(failure) = &run.updates[0].verdict else {
        panic!("{:?}", run.updates);
    };
    assert_eq!(failure.failure_type.as_deref(), Some("NotPositive"));
    assert_eq!(
        run.updates[1].verdict,
        UpdateVerdict::Completed(Some(Payload::encode_json(&5).unwrap()))
    );
}

#[test]
fn an_update_channel_is_ready_in_a_select_only_for_accepted_updates() {
    let host = TestHost::new()
        .update(
            Duration::from_secs(1),
            "u1",
            "deposit",
            &json!({"amount": 0}),
        )
        .update(
            Duration::from_secs(2),
            "u2",
            "deposit",
            &json!({"amount": 3}),
        );
    let run = run(host, || {
        let deposits = UpdateChannel::<Amount>::new("deposit").validator(positive);
        let deadline = Timer::start(Duration::from_secs(10));
        assert_eq!(select(&[&deposits, &deadline]), 0);
        assert_eq!(workflow::now_millis(), DEFAULT_START_MILLIS + 2000);
        let update = deposits.receive();
        update.complete_empty();
        Ok(())
    });
    assert!(matches!(run.updates[0].verdict, UpdateVerdict::Rejected(_)));
    assert_eq!(run.updates[1].verdict, UpdateVerdict::Completed(None));
}

#[test]
fn an_update_whose_argument_does_not_decode_is_rejected() {
    let host = TestHost::new().update(Duration::from_secs(1), "u1", "deposit", &"five");
    let run = run(host, || {
        let _deposits = UpdateChannel::<Amount>::new("deposit");
        workflow::sleep(Duration::from_secs(5));
        Ok(())
    });
    let UpdateVerdict::Rejected(failure) = &run.updates[0].verdict else {
        panic!("{:?}", run.updates);
    };
    assert_eq!(failure.failure_type.as_deref(), Some("PayloadError"));
}

#[test]
fn an_update_without_an_open_channel_is_rejected_by_the_worker() {
    let host = TestHost::new().update(Duration::from_secs(1), "u1", "deposit", &json!({}));
    let run = run(host, || {
        workflow::sleep(Duration::from_secs(5));
        Ok(())
    });
    let UpdateVerdict::Rejected(failure) = &run.updates[0].verdict else {
        panic!("{:?}", run.updates);
    };
    assert!(
        failure
            .message
            .as_deref()
            .unwrap()
            .contains("no update channel named `deposit`")
    );
}

#[test]
fn an_accepted_update_can_be_failed() {
    let host = TestHost::new().update(Duration::ZERO, "u1", "deposit", &json!({"amount": 1}));
    let run = run(host, || {
        let update = UpdateChannel::<Amount>::new("deposit").receive();
        update.fail(Failure::new("closed").with_type("Closed"));
        Ok(())
    });
    assert!(
        matches!(&run.updates[0].verdict, UpdateVerdict::Failed(f) if f.message.as_deref() == Some("closed"))
    );
}
#[test]
fn queries_and_details_are_published_for_the_worker_to_answer() {
    let run = run(TestHost::new(), || {
        query::publish("progress", &10)?;
        query::publish("progress", &20)?;
        query::publish_payload("nothing", None);
        workflow::set_current_details("**halfway**");
        Ok(())
    });
    assert_eq!(run.query::<i64>("progress"), 20);
    assert_eq!(run.queries["nothing"], None);
    assert_eq!(run.current_details.as_deref(), Some("**halfway**"));
}

//! Waiting: `select` and `select_timeout` over handles, and a wait that nothing will end.

use std::time::Duration;

use serde_json::Value;
use temporal_wasm_sdk::testing::{DEFAULT_START_MILLIS, Reply, TestHost};
use temporal_wasm_sdk::{SignalChannel, Waitable, select, select_timeout, workflow};

use crate::{activity, run};

#[test]
fn select_returns_the_first_ready_in_the_order_given_and_takes_nothing() {
    let host = TestHost::new()
        .on_activity("fast", |_| Reply::value("fast"))
        .on_activity("slow", |_| {
            Reply::value("slow").after(Duration::from_secs(5))
        });
    let run = run(host, || {
        let slow = activity("slow").start();
        let fast = activity("fast").start();
        assert_eq!(select(&[&slow, &fast]), 1);
        // Both ready now: the order given decides.
        workflow::sleep(Duration::from_secs(10));
        assert_eq!(select(&[&slow, &fast]), 0);
        assert!(fast.is_ready() && slow.is_ready());
        Ok((fast.result::<String>()?, slow.result::<String>()?))
    });
    assert_eq!(
        run.result::<(String, String)>(),
        ("fast".into(), "slow".into())
    );
}

#[test]
fn select_timeout_times_out_on_a_durable_timer() {
    let run = run(TestHost::new(), || {
        let approve = SignalChannel::<Value>::new("approve");
        Ok(select_timeout(&[&approve], Duration::from_secs(30)))
    });
    assert_eq!(run.result::<Option<usize>>(), None);
    assert_eq!(run.calls_to("start_timer")[0]["duration_ms"], 30_000);
    assert_eq!(run.now_millis, DEFAULT_START_MILLIS + 30_000);
}

#[test]
fn select_timeout_cancels_its_timer_when_something_else_is_first() {
    let host = TestHost::new().signal(Duration::from_secs(1), "approve", &"ops");
    let run = run(host, || {
        let approve = SignalChannel::<String>::new("approve");
        let ready = select_timeout(&[&approve], Duration::from_secs(30));
        Ok((ready, approve.receive()?))
    });
    assert_eq!(
        run.result::<(Option<usize>, String)>(),
        (Some(0), "ops".into())
    );
    assert_eq!(run.calls_to("cancel").len(), 1);
    assert_eq!(run.now_millis, DEFAULT_START_MILLIS + 1000);
}

#[test]
#[should_panic(expected = "select needs at least one thing to wait on")]
fn select_of_nothing_is_a_bug() {
    run(TestHost::new(), || Ok(select(&[])));
}

#[test]
fn a_workflow_waiting_on_nothing_that_will_happen_is_reported() {
    let result = std::panic::catch_unwind(|| {
        run(TestHost::new(), || {
            Ok(activity("unanswered").execute::<Value>()?)
        })
    });
    let message = *result.unwrap_err().downcast::<String>().unwrap();
    assert!(message.contains("waits forever"), "{message}");
    assert!(message.contains("activity unanswered"), "{message}");
}

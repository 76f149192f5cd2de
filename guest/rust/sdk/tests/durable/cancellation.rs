//! Cancellation: of the workflow (heard or not) and of an activity it started.

use std::time::Duration;

use serde_json::Value;
use temporal_wasm_sdk::testing::{Ending, Reply, TestHost};
use temporal_wasm_sdk::{Failure, Payload, Timer, select, select_timeout, workflow};

use crate::{activity, run};

#[test]
fn a_workflow_that_never_opens_its_cancellation_channel_ends_cancelled() {
    let host = TestHost::new().cancel_workflow(Duration::from_secs(1));
    let run = run(host, || {
        workflow::sleep(Duration::from_secs(60));
        Ok(())
    });
    assert_eq!(run.ending, Ending::Cancelled(vec![]));
}

#[test]
fn a_workflow_that_listens_to_cancellation_cleans_up_first() {
    let host = TestHost::new()
        .cancel_workflow(Duration::from_secs(1))
        .on_activity("cleanup", |_| Reply::empty());
    let run = run(host, || {
        let cancellation = workflow::cancellation();
        let timer = Timer::start(Duration::from_secs(60));
        if select(&[&timer, &cancellation]) == 1 {
            timer.cancel();
            activity("cleanup").execute::<()>()?;
            workflow::complete_as_cancelled("cleaned up");
        }
        Ok(())
    });
    assert_eq!(run.activities(), ["cleanup"]);
    assert_eq!(
        run.ending,
        Ending::Cancelled(vec![Payload::encode_json("cleaned up").unwrap()])
    );
}

#[test]
#[should_panic(expected = "cancellation was not requested")]
fn complete_as_cancelled_without_a_request_is_a_bug() {
    run(TestHost::new(), || -> Result<(), Failure> {
        workflow::complete_as_cancelled("nobody asked")
    });
}

#[test]
fn a_cancelled_activity_reports_its_cancellation() {
    let host = TestHost::new().on_activity("slow", |_| Reply::never());
    let run = run(host, || {
        let slow = activity("slow").start();
        if select_timeout(&[&slow], Duration::from_secs(1)).is_none() {
            slow.cancel();
        }
        let err = slow.result::<Value>().unwrap_err();
        assert!(err.is_cancelled());
        Ok(err.failure().unwrap().retry_state().map(str::to_owned))
    });
    assert_eq!(
        run.result::<Option<String>>().as_deref(),
        Some("cancel_requested")
    );
}

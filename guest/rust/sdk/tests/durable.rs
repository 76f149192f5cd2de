//! How the blocking API behaves under a (fake) worker: waiting, channels, updates and their
//! validators, cancellation, the deterministic sources and the ending calls.

use std::time::{Duration, UNIX_EPOCH};

use serde::Deserialize;
use serde_json::{Value, json};
use temporal_wasm_sdk::testing::{DEFAULT_START_MILLIS, Ending, Reply, TestHost, UpdateVerdict};
use temporal_wasm_sdk::{
    Activity, ChildWorkflow, Error, ExternalWorkflow, Failure, FailureKind, Level, Payload,
    SignalChannel, Timer, UpdateChannel, Waitable, http, info, log, query, select, select_timeout,
    workflow,
};

fn activity(activity_type: &str) -> Activity {
    Activity::new(activity_type).start_to_close(Duration::from_secs(10))
}

/// Runs `body` as a workflow with no input that completes with its value.
fn run<T: serde::Serialize>(
    host: TestHost,
    body: impl FnOnce() -> Result<T, Failure>,
) -> temporal_wasm_sdk::testing::TestRun {
    host.run(|_: ()| body())
}

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

#[test]
fn an_activity_failure_reaches_the_workflow_with_its_type_and_details() {
    let host = TestHost::new().on_activity("charge", |_| {
        Reply::error(
            Failure::new("card declined")
                .with_type("CardDeclined")
                .non_retryable()
                .with_details(&json!({"code": 42}))
                .unwrap(),
        )
    });
    let run = run(host, || {
        let err = activity("charge").execute::<Value>().unwrap_err();
        assert_eq!(err.failure_type(), Some("CardDeclined"));
        assert_eq!(err.failure().unwrap().kind(), Some(FailureKind::Activity));
        let details: Value = err.failure().unwrap().application().unwrap().detail(0)?;
        Ok(details)
    });
    assert_eq!(run.result::<Value>(), json!({"code": 42}));
}

#[test]
fn an_unhandled_activity_failure_fails_the_workflow_with_it() {
    let host = TestHost::new().on_activity("charge", |_| {
        Reply::error(Failure::new("card declined").with_type("CardDeclined"))
    });
    let run = run(host, || Ok(activity("charge").execute::<Value>()?));
    let failure = run.failure();
    assert_eq!(failure.failure_type.as_deref(), Some("CardDeclined"));
    assert_eq!(
        failure.root_cause().message.as_deref(),
        Some("card declined")
    );
}

#[test]
fn activity_arguments_are_json_plain_payloads_in_order() {
    let host = TestHost::new().on_activity("add", |request| {
        Reply::value(&(request.arg::<i64>(0) + request.arg::<i64>(1)))
    });
    let run = run(host, || {
        Ok(activity("add").args(&[2, 3])?.execute::<i64>()?)
    });
    assert_eq!(run.result::<i64>(), 5);
}

#[test]
fn http_activities_send_the_request_and_read_the_response() {
    let host = TestHost::new().on_http(|request| {
        assert_eq!(request.body_json::<Value>(), json!({"q": 1}));
        Reply::http(200, &[("content-type", "text/plain")], b"hello")
    });
    let run = run(host, || {
        let response = http::Request::put("https://api.example/x")
            .json(&json!({"q": 1}))?
            .execute()?;
        Ok((response.status, response.text()))
    });
    assert_eq!(run.result::<(u16, String)>(), (200, "hello".to_owned()));
    let request = run.calls_to("start_http_activity")[0];
    assert_eq!(request["method"], "PUT");
    assert_eq!(request["headers"]["content-type"], "application/json");
}

#[test]
fn http_failures_carry_the_http_error_type() {
    let host = TestHost::new().on_http(|_| {
        Reply::error(Failure::new("GET https://api.example/x answered 503").with_type("HttpStatus"))
    });
    let run = run(host, || {
        let err = http::Request::get("https://api.example/x")
            .execute()
            .unwrap_err();
        Ok((err.failure_type().map(str::to_owned), err.message()))
    });
    assert_eq!(
        run.result::<(Option<String>, String)>(),
        (
            Some("HttpStatus".into()),
            "GET https://api.example/x answered 503".into()
        )
    );
}

#[test]
fn children_and_external_workflows_resolve_through_their_handles() {
    let host = TestHost::new()
        .on_child("Ship", |request| {
            Reply::value(&format!("shipped {}", request.arg::<String>(0)))
        })
        .on_external(|request| {
            if request.json["workflow_id"] == "gone" {
                Reply::error(Failure::new("workflow not found"))
            } else {
                Reply::empty()
            }
        });
    let run = run(host, || {
        let shipped: String = ChildWorkflow::new("Ship").arg("A-17")?.execute()?;
        ExternalWorkflow::new("batch-3")
            .signal("done", &shipped)?
            .result()?;
        let gone = ExternalWorkflow::new("gone").cancel().result();
        assert!(matches!(gone, Err(Error::Failed(_))));
        Ok(shipped)
    });
    assert_eq!(run.result::<String>(), "shipped A-17");
}

#[test]
fn continue_as_new_ends_the_run_with_the_new_input() {
    let run = TestHost::new()
        .input(&1)
        .run(|page: u32| -> Result<(), Failure> { workflow::continue_as_new(&(page + 1)) });
    let Ending::ContinuedAsNew(options) = &run.ending else {
        panic!("{:?}", run.ending);
    };
    let args: Vec<Payload> = serde_json::from_value(options["args"].clone()).unwrap();
    assert_eq!(args[0].decode_json::<u32>().unwrap(), 2);
}

#[test]
fn the_clock_is_the_activations_and_moves_with_timers() {
    let run = run(TestHost::new(), || {
        let start = workflow::now();
        assert_eq!(
            start,
            UNIX_EPOCH + Duration::from_millis(DEFAULT_START_MILLIS as u64)
        );
        workflow::sleep(Duration::from_millis(1500));
        Ok(workflow::now().duration_since(start).unwrap().as_millis())
    });
    assert_eq!(run.result::<u128>(), 1500);
}

#[test]
fn sub_millisecond_timers_round_up_to_one_millisecond() {
    let run = run(TestHost::new(), || {
        workflow::sleep(Duration::from_micros(1));
        Ok(())
    });
    assert_eq!(run.calls_to("start_timer")[0]["duration_ms"], 1);
}

#[test]
fn randomness_is_the_runs_deterministic_stream() {
    let draw = |seed| {
        run(TestHost::new().seed(seed), || {
            Ok((
                workflow::random_bytes(5),
                workflow::random_u64(),
                workflow::uuid4(),
            ))
        })
        .result::<(Vec<u8>, u64, String)>()
    };
    assert_eq!(draw(7), draw(7));
    assert_ne!(draw(7), draw(8));
    let (_, _, uuid) = draw(7);
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4");
    assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "{uuid}");
}

#[test]
fn patched_answers_once_per_id_and_records_deprecation() {
    let run = run(TestHost::new().patch_absent("old"), || {
        workflow::deprecate_patch("gone");
        Ok((
            workflow::patched("new"),
            workflow::patched("old"),
            workflow::patched("new"),
        ))
    });
    assert_eq!(run.result::<(bool, bool, bool)>(), (true, false, true));
    assert_eq!(run.calls_to("patched")[0], &json!({"deprecated": true}));
}

#[test]
fn log_level_and_replaying_come_from_the_worker() {
    let run = run(TestHost::new().log_level(3).replaying(true), || {
        info!("step {}", 1);
        Ok((
            log::level().map(|level| format!("{level:?}")),
            log::enabled(Level::Info),
            log::enabled(Level::Debug),
            workflow::is_replaying(),
        ))
    });
    assert_eq!(
        run.result::<(Option<String>, bool, bool, bool)>(),
        (Some("Info".into()), true, false, true)
    );
    assert_eq!(run.logs, [(Level::Info, "step 1".to_owned())]);
    let silent = run_level(0);
    assert_eq!(silent, None);
}

fn run_level(level: u32) -> Option<String> {
    run(TestHost::new().log_level(level), || {
        Ok(log::level().map(|level| format!("{level:?}")))
    })
    .result::<Option<String>>()
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

#[test]
fn a_one_shot_workflow_runs_under_the_test_host_too() {
    let run = TestHost::new()
        .input(&"Alice")
        .run(|name: String| Ok::<_, Failure>(format!("Hello, {name}!")));
    assert_eq!(run.result::<String>(), "Hello, Alice!");
    assert_eq!(run.activations, 1);
}

//! The golden ABI fixtures of `guest/fixtures`, through the public API: every request fixture is
//! what the SDK writes for the call that builds it, every result fixture decodes into what a
//! workflow reads. The worker's own tests (`tests/abi_fixtures.rs`) check the other side, so the
//! SDK and the host cannot drift apart.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use temporal_wasm_sdk::testing::{Ending, Reply, TestHost, TestRun, UpdateVerdict};
use temporal_wasm_sdk::{
    Activity, ActivityCancellation, ChildCancellation, ChildWorkflow, ContinueAsNew, DurableInfo,
    Error, ExternalWorkflow, Failure, FailureKind, IdReusePolicy, Info, ParentClosePolicy, Payload,
    RetryPolicy, SignalChannel, Timer, UpdateChannel, http, memo, metric, query, search_attributes,
    workflow,
};

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn text(name: &str) -> String {
    let path = fixtures().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}

fn fixture(name: &str) -> Value {
    serde_json::from_str(&text(name)).unwrap_or_else(|err| panic!("{name}: {err}"))
}

/// The JSON of the one call to `name` the run made.
fn only_call<'a>(run: &'a TestRun, name: &str) -> &'a Value {
    match run.calls_to(name)[..] {
        [json] => json,
        ref calls => panic!("expected one `{name}`, got {calls:?}"),
    }
}

/// Runs `body` as a workflow with no input that completes with nothing.
fn run(host: TestHost, body: impl FnOnce() -> Result<(), Failure>) -> TestRun {
    host.run(|_: ()| body())
}

// --- requests/: what the SDK writes ---------------------------------------------------------

#[derive(Serialize)]
struct Line<'a> {
    sku: &'a str,
    quantity: u32,
}

#[derive(Serialize)]
struct OrderRef<'a> {
    order_id: &'a str,
}

#[test]
fn start_activity_writes_every_activity_option() {
    let run = run(TestHost::new(), || {
        let _ = Activity::new("reserve_stock")
            .arg(&Line {
                sku: "apple",
                quantity: 3,
            })?
            .task_queue("inventory")
            .activity_id("reserve-1")
            .schedule_to_close(Duration::from_secs(60))
            .schedule_to_start(Duration::from_secs(10))
            .start_to_close(Duration::from_secs(5))
            .heartbeat_timeout(Duration::from_secs(2))
            .retry(
                RetryPolicy::new()
                    .initial_interval(Duration::from_millis(100))
                    .backoff_coefficient(2.0)
                    .maximum_interval(Duration::from_secs(10))
                    .maximum_attempts(5)
                    .non_retryable_error_types(["OutOfStock"]),
            )
            .cancellation(ActivityCancellation::WaitCancellationCompleted)
            .summary("reserve 3 apples")
            .start();
        Ok(())
    });
    assert_eq!(
        only_call(&run, "start_activity"),
        &fixture("requests/start_activity.json")
    );
}

#[test]
fn start_http_activity_writes_the_http_request() {
    #[derive(Serialize)]
    struct Charge<'a> {
        order_id: &'a str,
        amount_cents: i64,
    }
    let run = run(TestHost::new(), || {
        let _ = http::Request::post("http://127.0.0.1:8080/charges")
            .header("content-type", "application/json")
            .header("authorization", "Bearer {{secret PAYMENTS_TOKEN}}")
            .json(&Charge {
                order_id: "A-17",
                amount_cents: 375,
            })?
            .start_to_close(Duration::from_secs(10))
            .retry(RetryPolicy::new().maximum_attempts(3))
            .max_response_bytes(65536)
            .local(false)
            .start();
        Ok(())
    });
    assert_eq!(
        only_call(&run, "start_http_activity"),
        &fixture("requests/start_http_activity.json")
    );
}

#[test]
fn start_child_workflow_writes_every_child_option() {
    let run = run(TestHost::new(), || {
        let _ = ChildWorkflow::new("Ship")
            .workflow_id("ship-A-17")
            .arg(&OrderRef { order_id: "A-17" })?
            .task_queue("wasm-workflows")
            .namespace("default")
            .execution_timeout(Duration::from_secs(3600))
            .run_timeout(Duration::from_secs(600))
            .task_timeout(Duration::from_secs(10))
            .id_reuse_policy(IdReusePolicy::RejectDuplicate)
            .parent_close_policy(ParentClosePolicy::RequestCancel)
            .retry(RetryPolicy::new().maximum_attempts(2))
            .cron_schedule("")
            .memo("owner", "ops")?
            .search_attribute("CustomKeywordField", "ship")?
            .cancellation(ChildCancellation::WaitCancellationCompleted)
            .start();
        Ok(())
    });
    assert_eq!(
        only_call(&run, "start_child_workflow"),
        &fixture("requests/start_child_workflow.json")
    );
}

#[test]
fn start_timer_writes_duration_and_summary() {
    let run = run(TestHost::new(), || {
        let _ = Timer::with_summary(Duration::from_secs(5), "wait for the warehouse");
        Ok(())
    });
    assert_eq!(
        only_call(&run, "start_timer"),
        &fixture("requests/start_timer.json")
    );
}

#[test]
fn signal_external_workflow_writes_target_name_and_args() {
    let run = run(TestHost::new(), || {
        let _ = ExternalWorkflow::new("batch-3")
            .run_id("run-0")
            .namespace("default")
            .signal("order_done", &OrderRef { order_id: "A-17" })?;
        Ok(())
    });
    assert_eq!(
        only_call(&run, "signal_external_workflow"),
        &fixture("requests/signal_external_workflow.json")
    );
}

#[test]
fn cancel_external_workflow_writes_the_target() {
    let run = run(TestHost::new(), || {
        let _ = ExternalWorkflow::new("reminder-A-17").cancel();
        Ok(())
    });
    assert_eq!(
        only_call(&run, "cancel_external_workflow"),
        &fixture("requests/cancel_external_workflow.json")
    );
}

#[test]
fn complete_writes_the_result_payload() {
    #[derive(Serialize)]
    struct Receipt<'a> {
        receipt: &'a str,
    }
    let run = TestHost::new().run(|_: ()| Ok::<_, Failure>(Receipt { receipt: "R-17" }));
    assert_eq!(
        only_call(&run, "complete"),
        &fixture("requests/complete.json")
    );
}

#[test]
fn complete_with_failure_writes_the_failure() {
    #[derive(Serialize)]
    struct Detail {
        order_id: u32,
    }
    let run = TestHost::new().run(|_: ()| -> Result<(), Failure> {
        Err(Failure::new("order 17 is invalid")
            .with_type("InvalidOrder")
            .non_retryable()
            .with_details(&Detail { order_id: 17 })?)
    });
    assert_eq!(
        only_call(&run, "complete_with_failure"),
        &fixture("requests/complete_with_failure.json")
    );
}

#[test]
fn complete_as_cancelled_writes_the_details() {
    let host = TestHost::new().cancel_workflow(Duration::from_secs(1));
    let run = run(host, || {
        workflow::cancellation().wait();
        workflow::complete_as_cancelled("cancelled by the customer")
    });
    assert_eq!(
        only_call(&run, "complete_as_cancelled"),
        &fixture("requests/complete_as_cancelled.json")
    );
}

#[test]
fn continue_as_new_writes_every_option() {
    #[derive(Serialize)]
    struct Page {
        page: u32,
    }
    let run = run(TestHost::new(), || {
        ContinueAsNew::new()
            .arg(&Page { page: 2 })?
            .workflow_type("OrderFulfilment")
            .task_queue("wasm-workflows")
            .run_timeout(Duration::from_secs(600))
            .task_timeout(Duration::from_secs(10))
            .memo("owner", "ops")?
            .search_attribute("CustomKeywordField", "gold")?
            .retry(RetryPolicy::new().maximum_attempts(1))
            .continue_as_new()
    });
    assert_eq!(
        only_call(&run, "continue_as_new"),
        &fixture("requests/continue_as_new.json")
    );
}

#[test]
fn emit_metric_writes_name_kind_value_and_labels() {
    let run = run(TestHost::new(), || {
        metric::counter("orders_shipped", 1, &[("region", "eu")]);
        Ok(())
    });
    assert_eq!(
        only_call(&run, "emit_metric"),
        &fixture("requests/emit_metric.json")
    );
}

#[test]
fn set_query_result_writes_one_payload() {
    #[derive(Serialize)]
    struct Status<'a> {
        state: &'a str,
    }
    let run = run(TestHost::new(), || {
        query::publish(
            "status",
            &Status {
                state: "awaiting_approval",
            },
        )?;
        Ok(())
    });
    assert_eq!(
        only_call(&run, "set_query_result"),
        &fixture("requests/set_query_result.json")
    );
    assert_eq!(run.calls[0].key.as_deref(), Some("status"));
}

#[test]
fn upsert_memo_writes_payloads_and_null_for_removal() {
    let run = run(TestHost::new(), || {
        memo::upsert(&json!({"note": "gift wrap", "old_note": null}))?;
        Ok(())
    });
    assert_eq!(
        only_call(&run, "upsert_memo"),
        &fixture("requests/upsert_memo.json")
    );
}

#[test]
fn upsert_search_attributes_writes_json_values_and_null_for_removal() {
    let run = run(TestHost::new(), || {
        search_attributes::upsert(
            &json!({"CustomKeywordField": "shipped", "CustomIntField": 3, "Obsolete": null}),
        )?;
        Ok(())
    });
    assert_eq!(
        only_call(&run, "upsert_search_attributes"),
        &fixture("requests/upsert_search_attributes.json")
    );
}

#[derive(Debug, Deserialize)]
struct Quantity {
    quantity: i64,
}

/// A worker that sends update `upd-1` with `{"quantity": 4}` after a second.
fn updated() -> TestHost {
    TestHost::new().update(
        Duration::from_secs(1),
        "upd-1",
        "set_quantity",
        &json!({"quantity": 4}),
    )
}

#[test]
fn respond_update_completed_writes_the_result() {
    let run = run(updated(), || {
        let update = UpdateChannel::<Quantity>::new("set_quantity").receive();
        assert_eq!(update.id(), "upd-1");
        assert_eq!(update.input().quantity, 4);
        update.complete(&json!({"approved": true}))?;
        Ok(())
    });
    assert_eq!(
        only_call(&run, "respond_update"),
        &fixture("requests/respond_update-completed.json")
    );
    assert_eq!(run.updates[0].id, "upd-1");
    assert!(matches!(
        run.updates[0].verdict,
        UpdateVerdict::Completed(Some(_))
    ));
}

#[test]
fn respond_update_failed_writes_the_failure() {
    let run = run(updated(), || {
        UpdateChannel::<Quantity>::new("set_quantity")
            .receive()
            .fail(Failure::new("cannot change a shipped order").with_type("OrderShipped"));
        Ok(())
    });
    assert_eq!(
        only_call(&run, "respond_update"),
        &fixture("requests/respond_update-failed.json")
    );
}

#[test]
fn respond_update_rejected_is_what_a_validator_writes() {
    let run = run(updated(), || {
        let _channel = UpdateChannel::<Quantity>::new("set_quantity").validator(|_| {
            Err(Failure::new("quantity must be positive").with_type("InvalidQuantity"))
        });
        // Blocked on a timer, not the channel: the update is still judged when it arrives.
        workflow::sleep(Duration::from_secs(10));
        Ok(())
    });
    assert_eq!(
        only_call(&run, "respond_update"),
        &fixture("requests/respond_update-rejected.json")
    );
    assert!(matches!(run.updates[0].verdict, UpdateVerdict::Rejected(_)));
}

// --- results/: what the SDK reads -----------------------------------------------------------

/// A worker whose activity `a` resolves with the result fixture `name`.
fn activity_resolving_with(name: &str) -> TestHost {
    let json = text(name);
    TestHost::new().on_activity("a", move |_| Reply::raw(json.clone()))
}

fn activity<T: serde::de::DeserializeOwned>() -> Result<T, Error> {
    Activity::new("a")
        .start_to_close(Duration::from_secs(1))
        .execute()
}

#[test]
fn activity_completed_decodes_its_value() {
    run(
        activity_resolving_with("results/activity_completed.json"),
        || {
            assert_eq!(activity::<Value>().unwrap(), json!({"reserved": 3}));
            Ok(())
        },
    );
}

#[test]
fn activity_completed_decodes_into_a_struct_or_reports_why_not() {
    #[derive(Deserialize)]
    struct Reserved {
        reserved: u32,
    }
    run(
        activity_resolving_with("results/activity_completed.json"),
        || {
            assert_eq!(activity::<Reserved>().unwrap().reserved, 3);
            Ok(())
        },
    );
    run(
        activity_resolving_with("results/activity_completed.json"),
        || {
            let err = activity::<String>().unwrap_err();
            assert!(matches!(err, Error::Decode(_)), "{err}");
            Ok(())
        },
    );
}

#[test]
fn activity_failed_keeps_type_kind_activity_and_details() {
    run(
        activity_resolving_with("results/activity_failed.json"),
        || {
            let err = activity::<Value>().unwrap_err();
            assert!(!err.is_cancelled());
            assert_eq!(err.failure_type(), Some("CardDeclined"));
            assert_eq!(err.message(), "card 4242 declined");
            let failure = err.failure().unwrap();
            assert_eq!(failure.kind(), Some(FailureKind::Activity));
            assert_eq!(failure.retry_state(), Some("non_retryable_failure"));
            let activity = failure.activity().unwrap();
            assert_eq!(
                (
                    activity.activity_type.as_str(),
                    activity.activity_id.as_str()
                ),
                ("charge", "2")
            );
            assert_eq!(
                (activity.scheduled_event_id, activity.started_event_id),
                (5, 6)
            );
            let application = failure.application().unwrap();
            assert_eq!(application.kind(), Some(FailureKind::Application));
            assert!(application.non_retryable);
            assert_eq!(application.source(), Some("PythonSDK"));
            assert_eq!(application.detail::<Value>(0).unwrap(), json!({"code": 42}));
            // `?` fails the workflow with the worker's failure, cause chain and all.
            let as_failure = Failure::from(err);
            assert_eq!(as_failure.message.as_deref(), Some("Activity task failed"));
            assert_eq!(
                as_failure.root_cause().message.as_deref(),
                Some("card 4242 declined")
            );
            Ok(())
        },
    );
}

#[test]
fn activity_cancelled_is_a_cancellation() {
    run(
        activity_resolving_with("results/activity_cancelled.json"),
        || {
            let err = activity::<Value>().unwrap_err();
            assert!(err.is_cancelled());
            let failure = err.failure().unwrap();
            assert_eq!(failure.retry_state(), Some("cancel_requested"));
            assert_eq!(failure.root_cause().kind(), Some(FailureKind::Cancelled));
            Ok(())
        },
    );
}

/// A worker whose child `Ship` resolves with the result fixture `name`.
fn child_resolving_with(name: &str) -> TestHost {
    let json = text(name);
    TestHost::new().on_child("Ship", move |_| Reply::raw(json.clone()))
}

#[test]
fn child_already_started_is_a_typed_failure_naming_the_child() {
    run(
        child_resolving_with("results/child_already_started.json"),
        || {
            let err = ChildWorkflow::new("Ship").execute::<Value>().unwrap_err();
            assert_eq!(err.failure_type(), Some("WorkflowAlreadyStarted"));
            let failure = err.failure().unwrap();
            assert!(failure.non_retryable);
            assert_eq!(failure.source(), Some("temporal-wasm-worker"));
            let child = failure.child_workflow().unwrap();
            assert_eq!(child.workflow_id, "ship-A-17");
            assert_eq!(child.workflow_type, "Ship");
            Ok(())
        },
    );
}

#[test]
fn child_failed_reads_the_childs_own_failure_type() {
    run(child_resolving_with("results/child_failed.json"), || {
        let err = ChildWorkflow::new("Ship").execute::<Value>().unwrap_err();
        let failure = err.failure().unwrap();
        assert_eq!(failure.kind(), Some(FailureKind::ChildWorkflow));
        assert_eq!(failure.child_workflow().unwrap().run_id, "run-9");
        // Not copied to the top here: found in the chain.
        assert_eq!(err.failure_type(), Some("NoCourier"));
        assert_eq!(err.message(), "no courier");
        Ok(())
    });
}

#[test]
fn http_completed_decodes_status_headers_and_body() {
    let json = text("results/http_completed.json");
    let host = TestHost::new().on_http(move |_| Reply::raw(json.clone()));
    run(host, || {
        let response = http::Request::get("http://127.0.0.1:8080/charges/ch_1")
            .execute()
            .unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.headers["content-type"], "application/json");
        assert_eq!(
            response.json::<Value>().unwrap(),
            json!({"charge_id": "ch_1"})
        );
        assert_eq!(response.text(), r#"{"charge_id":"ch_1"}"#);
        Ok(())
    });
}

/// A worker whose timers resolve with the result fixture `name`.
fn timer_resolving_with(name: &str) -> TestHost {
    let json = text(name);
    TestHost::new().on_timer(move |_| Reply::raw(json.clone()))
}

#[test]
fn timer_fired_completes_the_wait() {
    run(timer_resolving_with("results/timer_fired.json"), || {
        Timer::start(Duration::from_secs(1)).wait().unwrap();
        Ok(())
    });
}

#[test]
fn timer_cancelled_is_a_cancellation() {
    run(timer_resolving_with("results/timer_cancelled.json"), || {
        let err = Timer::start(Duration::from_secs(1)).wait().unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.message(), "timer cancelled by the workflow");
        assert_eq!(err.failure().unwrap().kind(), Some(FailureKind::Cancelled));
        Ok(())
    });
}

#[test]
fn a_timer_the_workflow_cancels_resolves_as_the_fixture_says() {
    run(TestHost::new(), || {
        let timer = Timer::start(Duration::from_secs(60));
        timer.cancel();
        let Err(Error::Cancelled(failure)) = timer.wait() else {
            panic!("a cancelled timer is cancelled");
        };
        let fixture: Failure =
            serde_json::from_value(fixture("results/timer_cancelled.json")["cancelled"].clone())
                .unwrap();
        assert_eq!(failure, fixture);
        Ok(())
    });
}

#[test]
fn signal_item_decodes_its_argument() {
    #[derive(Deserialize)]
    struct Approval {
        approved_by: String,
    }
    let args: Vec<Payload> =
        serde_json::from_value(fixture("results/signal_item.json")["completed"].clone()).unwrap();
    let host = TestHost::new().signal_payloads(Duration::from_secs(1), "approve", args);
    run(host, || {
        let approval = SignalChannel::<Approval>::new("approve").receive()?;
        assert_eq!(approval.approved_by, "ops");
        Ok(())
    });
}

#[test]
fn update_item_decodes_id_and_argument() {
    let item = fixture("results/update_item.json");
    let args: Vec<Payload> = serde_json::from_value(item["args"].clone()).unwrap();
    let value: Value = args[0].decode_json().unwrap();
    let host = TestHost::new().update(Duration::from_secs(1), "upd-1", "set_quantity", &value);
    run(host, || {
        let update = UpdateChannel::<Quantity>::new("set_quantity").receive();
        assert_eq!(update.id(), item["update_id"]);
        assert_eq!(update.input().quantity, 4);
        update.complete_empty();
        Ok(())
    });
}

#[test]
fn cancellation_item_makes_the_channel_ready() {
    let host = TestHost::new().cancel_workflow(Duration::from_secs(1));
    let run = run(host, || {
        let cancellation = workflow::cancellation();
        assert!(!cancellation.is_requested());
        cancellation.wait();
        assert!(cancellation.is_requested());
        Ok(())
    });
    assert!(matches!(run.ending, Ending::Completed(_)));
}

// --- info, payloads and failures ------------------------------------------------------------

#[test]
fn info_of_a_durable_run_has_params_and_identity() {
    let info = Info::from_json(text("info.json").as_bytes()).unwrap();
    assert_eq!(info.params.len(), 2);
    assert_eq!(
        info.params[0].decode_json::<Value>().unwrap(),
        json!({"order_id": "A-17"})
    );
    assert_eq!(info.params[1].decode_json::<i64>().unwrap(), 2);
    let workflow = &info.workflow_info;
    assert_eq!(workflow.workflow_type, "OrderFulfilment");
    assert_eq!(workflow.workflow_id, "order-17");
    assert_eq!(workflow.run_id, "run-1");
    assert_eq!(workflow.namespace, "default");
    assert_eq!(workflow.task_queue, "wasm-workflows");
    assert_eq!(workflow.attempt, 1);
    assert_eq!(workflow.start_time, "2026-01-01T00:00:00Z");
}

#[test]
fn durable_info_has_parent_continued_run_memo_and_search_attributes() {
    let durable = DurableInfo::from_json(text("info.json").as_bytes()).unwrap();
    let parent = durable.parent.as_ref().unwrap();
    assert_eq!(
        (
            parent.namespace.as_str(),
            parent.workflow_id.as_str(),
            parent.run_id.as_str()
        ),
        ("default", "batch-3", "run-0")
    );
    assert_eq!(durable.continued_from_run_id.as_deref(), Some("run-0"));
    assert_eq!(
        durable.memo["owner"].decode_json::<String>().unwrap(),
        "ops"
    );
    assert_eq!(durable.search_attributes["CustomKeywordField"], "gold");
    // `Info` and `DurableInfo` together are the whole `workflow_info`.
    let info = Info::from_json(text("info.json").as_bytes()).unwrap();
    let mut whole = json!(info);
    let Value::Object(extra) = json!(durable) else {
        panic!("an object");
    };
    whole["workflow_info"]
        .as_object_mut()
        .unwrap()
        .extend(extra);
    assert_eq!(whole, fixture("info.json"));
}

#[test]
fn info_of_a_v0_run_has_no_durable_fields() {
    let info = Info::from_json(text("info-v0.json").as_bytes()).unwrap();
    assert!(info.params.is_empty());
    assert_eq!(info.workflow_info.workflow_id, "greet-1");
    assert_eq!(
        serde_json::to_value(&info).unwrap(),
        fixture("info-v0.json")
    );
    let durable = DurableInfo::from_json(text("info-v0.json").as_bytes()).unwrap();
    assert_eq!(durable, DurableInfo::default());
}

#[test]
fn workflow_info_is_the_runs_info() {
    let durable = DurableInfo::from_json(text("info.json").as_bytes()).unwrap();
    let run = TestHost::new()
        .input(&"x")
        .durable_info(durable.clone())
        .run(|_: String| {
            assert_eq!(workflow::durable_info(), durable);
            Ok::<_, Failure>(workflow::info().workflow_info.workflow_id.clone())
        });
    assert_eq!(run.result::<String>(), "test-workflow");
}

#[test]
fn payloads_decode_json_binary_and_empty() {
    let payloads: Vec<Payload> = serde_json::from_str(&text("payloads.json")).unwrap();
    assert_eq!(payloads[0].decode_json::<String>().unwrap(), "Alice");
    assert_eq!(payloads[1].encoding(), Some(b"binary/plain".as_slice()));
    assert_eq!(payloads[1].data, [0x00, 0x01, 0xfe, 0xff]);
    assert_eq!(payloads[2], Payload::default());
    for payload in &payloads {
        let json = serde_json::to_string(payload).unwrap();
        assert_eq!(&serde_json::from_str::<Payload>(&json).unwrap(), payload);
    }
}

#[test]
fn a_guest_failure_round_trips_every_field() {
    let failure: Failure = serde_json::from_str(&text("failure-application.json")).unwrap();
    assert_eq!(
        serde_json::to_value(&failure).unwrap(),
        fixture("failure-application.json")
    );
}

/// The fields a guest writes, at every level of the chain.
fn guest_fields(failure: &Value) -> Value {
    let mut kept = serde_json::Map::new();
    for field in ["message", "type", "non_retryable", "details"] {
        if let Some(value) = failure.get(field) {
            kept.insert(field.to_owned(), value.clone());
        }
    }
    if let Some(cause) = failure.get("cause") {
        kept.insert("cause".to_owned(), guest_fields(cause));
    }
    Value::Object(kept)
}

#[test]
fn a_worker_failure_passed_on_keeps_only_what_a_guest_writes() {
    for name in ["failure-activity.json", "failure-timeout.json"] {
        let failure: Failure = serde_json::from_str(&text(name)).unwrap();
        assert_eq!(
            serde_json::to_value(&failure).unwrap(),
            guest_fields(&fixture(name)),
            "{name}"
        );
    }
}

#[test]
fn a_worker_failure_reads_every_field() {
    let failure: Failure = serde_json::from_str(&text("failure-activity.json")).unwrap();
    assert_eq!(failure.kind(), Some(FailureKind::Activity));
    assert_eq!(failure.retry_state(), Some("non_retryable_failure"));
    let activity = failure.activity().unwrap();
    assert_eq!(activity.identity, "worker@host");
    let cause = failure.cause.as_deref().unwrap();
    assert_eq!(cause.kind(), Some(FailureKind::Application));
    assert_eq!(cause.source(), Some("PythonSDK"));
}

#[test]
fn a_timeout_failure_names_its_timeout() {
    let failure: Failure = serde_json::from_str(&text("failure-timeout.json")).unwrap();
    assert_eq!(failure.retry_state(), Some("timeout"));
    let cause = failure.root_cause();
    assert_eq!(cause.kind(), Some(FailureKind::Timeout));
    assert_eq!(cause.timeout_type(), Some("start_to_close"));
}

#[test]
fn an_application_failure_reads_its_details_and_cause() {
    let failure: Failure = serde_json::from_str(&text("failure-application.json")).unwrap();
    assert_eq!(failure.failure_type.as_deref(), Some("CardDeclined"));
    assert_eq!(failure.detail::<Value>(0).unwrap(), json!({"code": 42}));
    assert!(failure.detail::<Value>(1).is_err());
    assert_eq!(
        failure.root_cause().message.as_deref(),
        Some("issuer said no")
    );
}

// --- every fixture is covered ---------------------------------------------------------------

/// Fails when a fixture is added that no test here reads, so the SDK follows the ABI.
#[test]
fn every_fixture_is_covered() {
    let covered = [
        "requests/cancel_external_workflow.json",
        "requests/complete.json",
        "requests/complete_as_cancelled.json",
        "requests/complete_with_failure.json",
        "requests/continue_as_new.json",
        "requests/emit_metric.json",
        "requests/respond_update-completed.json",
        "requests/respond_update-failed.json",
        "requests/respond_update-rejected.json",
        "requests/set_query_result.json",
        "requests/signal_external_workflow.json",
        "requests/start_activity.json",
        "requests/start_child_workflow.json",
        "requests/start_http_activity.json",
        "requests/start_timer.json",
        "requests/upsert_memo.json",
        "requests/upsert_search_attributes.json",
        "results/activity_cancelled.json",
        "results/activity_completed.json",
        "results/activity_failed.json",
        "results/cancellation_item.json",
        "results/child_already_started.json",
        "results/child_failed.json",
        "results/http_completed.json",
        "results/signal_item.json",
        "results/timer_cancelled.json",
        "results/timer_fired.json",
        "results/update_item.json",
        "failure-activity.json",
        "failure-application.json",
        "failure-timeout.json",
        "info-v0.json",
        "info.json",
        "payloads.json",
    ];
    for folder in ["", "requests/", "results/"] {
        for entry in std::fs::read_dir(fixtures().join(folder)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".json") {
                let name = format!("{folder}{name}");
                assert!(covered.contains(&name.as_str()), "no test reads {name}");
            }
        }
    }
}

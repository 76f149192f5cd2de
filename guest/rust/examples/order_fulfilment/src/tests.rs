//! The workflow under a fake worker: every path of the contract, with the calls it makes.

use std::time::Duration;

use serde_json::{Value, json};
use temporal_wasm_sdk::testing::{Ending, Reply, TestHost, TestRun, UpdateVerdict};
use temporal_wasm_sdk::{Failure, Payload};

use super::order_fulfilment;

const PAYMENT_URL: &str = "http://127.0.0.1:8080/charges";

fn order() -> Value {
    json!({
        "order_id": "A-17",
        "items": [
            {"sku": "apple", "quantity": 3, "unit_price_cents": 125},
            {"sku": "pear", "quantity": 2, "unit_price_cents": 80},
        ],
        "payment_url": PAYMENT_URL,
        "approval_timeout_ms": 5000,
    })
}

/// A worker whose inventory and payments services all succeed (the compensations return
/// nothing, as a Python activity returning `None` does).
fn worker(input: &Value) -> TestHost {
    TestHost::new()
        .input(input)
        .on_activity("reserve_stock", |_| {
            Reply::value(&json!({"reservation_id": "R-1"}))
        })
        .on_activity("release_stock", |_| Reply::null())
        .on_activity("refund", |_| Reply::null())
        .on_activity("ship", |_| Reply::value(&json!({"tracking": "T-9"})))
        .on_http(|_| {
            Reply::http(
                201,
                &[("content-type", "application/json")],
                br#"{"charge_id":"ch_1"}"#,
            )
        })
}

fn approved_after(host: TestHost, after: Duration) -> TestHost {
    host.signal(after, "approve", &json!({"approved_by": "ops"}))
}

#[test]
fn an_approved_order_is_reserved_charged_shipped_and_receipted() {
    let run = approved_after(worker(&order()), Duration::from_secs(1)).run(order_fulfilment);
    assert_eq!(
        run.result::<Value>(),
        json!({
            "order_id": "A-17",
            "reservation_id": "R-1",
            "charge_id": "ch_1",
            "approved_by": "ops",
            "tracking": "T-9",
            "total_cents": 535,
        })
    );
    assert_eq!(run.activities(), ["reserve_stock", "ship"]);
    assert_eq!(
        run.query::<Value>("status"),
        json!({"state": "shipped", "order_id": "A-17", "charge_id": "ch_1", "tracking": "T-9"})
    );
    assert_eq!(
        run.current_details.as_deref(),
        Some("awaiting approval of order A-17")
    );
    assert_eq!(
        run.calls_to("emit_metric"),
        [
            &json!({"name": "orders_completed", "kind": "counter", "value": 1, "labels": {"outcome": "shipped"}})
        ]
    );
}

#[test]
fn reserve_stock_gets_the_order_on_the_inventory_queue_with_three_attempts() {
    let run = approved_after(worker(&order()), Duration::ZERO).run(order_fulfilment);
    let reserve = run.calls_to("start_activity")[0];
    assert_eq!(reserve["task_queue"], "inventory");
    assert_eq!(reserve["start_to_close_timeout_ms"], 10_000);
    assert_eq!(reserve["retry_policy"], json!({"maximum_attempts": 3}));
    let arg: Payload = serde_json::from_value(reserve["args"][0].clone()).unwrap();
    assert_eq!(
        String::from_utf8(arg.data).unwrap(),
        r#"{"order_id":"A-17","items":[{"sku":"apple","quantity":3,"unit_price_cents":125},{"sku":"pear","quantity":2,"unit_price_cents":80}]}"#
    );
    let ship = run.calls_to("start_activity")[1];
    let arg: Payload = serde_json::from_value(ship["args"][0].clone()).unwrap();
    assert_eq!(arg.data, br#"{"order_id":"A-17","reservation_id":"R-1"}"#);
}

#[test]
fn the_charge_posts_the_total_with_the_secret_placeholder() {
    let run = approved_after(worker(&order()), Duration::ZERO).run(order_fulfilment);
    let [request] = run.calls_to("start_http_activity")[..] else {
        panic!("one HTTP activity");
    };
    assert_eq!(request["method"], "POST");
    assert_eq!(request["url"], PAYMENT_URL);
    assert_eq!(
        request["headers"],
        json!({"content-type": "application/json", "authorization": "Bearer {{secret PAYMENTS_TOKEN}}"})
    );
    // base64 of {"order_id":"A-17","amount_cents":535}
    assert_eq!(
        request["body"],
        "eyJvcmRlcl9pZCI6IkEtMTciLCJhbW91bnRfY2VudHMiOjUzNX0="
    );
    assert_eq!(request["start_to_close_timeout_ms"], 10_000);
    assert_eq!(request["retry_policy"], json!({"maximum_attempts": 3}));
}

#[test]
fn it_publishes_awaiting_approval_before_waiting() {
    // Never approved: the status seen while waiting is the last one published.
    let run = worker(&order()).run(order_fulfilment);
    let published = run.calls_to("set_query_result");
    let status: Vec<Payload> = serde_json::from_value(published[0].clone()).unwrap();
    assert_eq!(
        status[0].decode_json::<Value>().unwrap(),
        json!({"state": "awaiting_approval", "order_id": "A-17", "charge_id": "ch_1"})
    );
}

#[test]
fn a_bad_order_fails_like_validate_order_before_any_call() {
    let input = json!({"order_id": "B-2", "items": [
        {"sku": "", "quantity": 0, "unit_price_cents": 10},
        {"sku": "kiwi", "quantity": 1.5, "unit_price_cents": -1}
    ], "payment_url": PAYMENT_URL});
    let run = worker(&input).run(order_fulfilment);
    let failure = run.failure();
    assert_eq!(failure.failure_type.as_deref(), Some("InvalidOrder"));
    assert!(failure.non_retryable);
    assert_eq!(
        failure.message.as_deref(),
        Some(
            "invalid order: items[0].sku is required; items[0].quantity must be a positive \
             integer; items[1].quantity must be a positive integer; items[1].unit_price_cents \
             must be a non-negative integer"
        )
    );
    assert_eq!(
        failure.detail::<Value>(0).unwrap(),
        json!({"order_id": "B-2", "problems": [
            "items[0].sku is required",
            "items[0].quantity must be a positive integer",
            "items[1].quantity must be a positive integer",
            "items[1].unit_price_cents must be a non-negative integer"
        ]})
    );
    assert!(run.activities().is_empty());
}

#[test]
fn a_non_object_input_fails_as_validate_order_does() {
    let run = worker(&json!("not an order")).run(order_fulfilment);
    assert_eq!(
        run.failure().message.as_deref(),
        Some("invalid order: order must be a JSON object")
    );
}

#[test]
fn payment_url_and_approval_timeout_are_checked_with_the_order() {
    let input = json!({"order_id": "C-3", "items": [{"sku": "s", "quantity": 1, "unit_price_cents": 1}],
                       "approval_timeout_ms": 0});
    let run = worker(&input).run(order_fulfilment);
    assert_eq!(
        run.failure().message.as_deref(),
        Some(
            "invalid order: payment_url is required; approval_timeout_ms must be a positive \
             integer"
        )
    );
}

#[test]
fn the_approval_timeout_defaults_to_a_minute() {
    let mut input = order();
    input.as_object_mut().unwrap().remove("approval_timeout_ms");
    let run = worker(&input).run(order_fulfilment);
    assert_eq!(run.calls_to("start_timer")[0]["duration_ms"], 60_000);
    assert_eq!(
        run.failure().message.as_deref(),
        Some("order A-17 was not approved within 60000 ms")
    );
}

#[test]
fn a_failed_payment_releases_the_stock_and_fails_with_the_reason() {
    let run = worker(&order())
        .on_http(|_| {
            Reply::error(
                Failure::new("POST http://127.0.0.1:8080/charges answered 402 Payment Required")
                    .with_type("HttpStatus")
                    .non_retryable(),
            )
        })
        .run(order_fulfilment);
    assert_eq!(run.activities(), ["reserve_stock", "release_stock"]);
    let release = run.calls_to("start_activity")[1];
    let arg: Payload = serde_json::from_value(release["args"][0].clone()).unwrap();
    assert_eq!(arg.data, br#"{"reservation_id":"R-1"}"#);
    let failure = run.failure();
    assert_eq!(failure.failure_type.as_deref(), Some("PaymentFailed"));
    assert!(failure.non_retryable);
    assert_eq!(
        failure.message.as_deref(),
        Some(
            "payment for order A-17 failed: POST http://127.0.0.1:8080/charges answered 402 \
             Payment Required"
        )
    );
}

#[test]
fn a_charge_response_without_a_charge_id_is_a_failed_payment() {
    let run = worker(&order())
        .on_http(|_| Reply::http(200, &[], b"{}"))
        .run(order_fulfilment);
    assert_eq!(run.activities(), ["reserve_stock", "release_stock"]);
    assert_eq!(run.failure().failure_type.as_deref(), Some("PaymentFailed"));
}

#[test]
fn no_approval_in_time_refunds_releases_and_fails() {
    let run = worker(&order()).run(order_fulfilment);
    assert_eq!(
        run.activities(),
        ["reserve_stock", "refund", "release_stock"]
    );
    let refund = run.calls_to("start_activity")[1];
    let arg: Payload = serde_json::from_value(refund["args"][0].clone()).unwrap();
    assert_eq!(arg.data, br#"{"charge_id":"ch_1"}"#);
    let failure = run.failure();
    assert_eq!(failure.failure_type.as_deref(), Some("ApprovalTimedOut"));
    assert!(failure.non_retryable);
    assert_eq!(
        failure.message.as_deref(),
        Some("order A-17 was not approved within 5000 ms")
    );
    assert!(run.calls_to("emit_metric").is_empty());
}

#[test]
fn an_approval_after_the_timeout_is_too_late() {
    let run = approved_after(worker(&order()), Duration::from_secs(6)).run(order_fulfilment);
    assert_eq!(
        run.failure().failure_type.as_deref(),
        Some("ApprovalTimedOut")
    );
}

#[test]
fn cancellation_while_waiting_refunds_releases_and_ends_cancelled() {
    let run = worker(&order())
        .cancel_workflow(Duration::from_secs(2))
        .run(order_fulfilment);
    assert_eq!(
        run.activities(),
        ["reserve_stock", "refund", "release_stock"]
    );
    assert_eq!(
        run.ending,
        Ending::Cancelled(vec![Payload::encode_json("order A-17 cancelled").unwrap()])
    );
}

#[test]
fn cancellation_before_the_charge_is_heard_once_waiting() {
    // Requested at the start, while stock is being reserved: the workflow still charges (the
    // reservation is not undone halfway), then compensates both and ends cancelled.
    let run = worker(&order())
        .cancel_workflow(Duration::ZERO)
        .run(order_fulfilment);
    assert_eq!(
        run.activities(),
        ["reserve_stock", "refund", "release_stock"]
    );
    assert!(matches!(run.ending, Ending::Cancelled(_)));
}

#[test]
fn notes_are_validated_counted_and_kept_in_the_receipt() {
    let run = worker(&order())
        .update(
            Duration::from_millis(100),
            "u1",
            "add_note",
            &json!({"note": "gift wrap"}),
        )
        .update(
            Duration::from_millis(200),
            "u2",
            "add_note",
            &json!({"note": ""}),
        )
        .update(
            Duration::from_millis(300),
            "u3",
            "add_note",
            &json!({"note": "ring twice"}),
        )
        .update(
            Duration::from_millis(400),
            "u4",
            "add_note",
            &json!({"text": "no note"}),
        )
        .signal(
            Duration::from_secs(1),
            "approve",
            &json!({"approved_by": "ops"}),
        )
        .run(order_fulfilment);
    let receipt = run.result::<Value>();
    assert_eq!(receipt["notes"], json!(["gift wrap", "ring twice"]));
    let verdicts: Vec<_> = run.updates.iter().map(|update| &update.verdict).collect();
    assert_eq!(
        verdicts[0],
        &UpdateVerdict::Completed(Some(Payload::encode_json(&json!({"notes": 1})).unwrap()))
    );
    let UpdateVerdict::Rejected(empty) = verdicts[1] else {
        panic!("an empty note is rejected: {verdicts:?}");
    };
    assert_eq!(empty.failure_type.as_deref(), Some("EmptyNote"));
    assert_eq!(
        verdicts[2],
        &UpdateVerdict::Completed(Some(Payload::encode_json(&json!({"notes": 2})).unwrap()))
    );
    let UpdateVerdict::Rejected(undecodable) = verdicts[3] else {
        panic!("a note that is not a note is rejected: {verdicts:?}");
    };
    assert_eq!(undecodable.failure_type.as_deref(), Some("PayloadError"));
}

#[test]
fn a_note_sent_while_stock_is_reserved_is_validated_at_once_and_kept() {
    // The update arrives while the workflow waits for `reserve_stock` (which takes a second):
    // the SDK validates it in that activation and the workflow answers it once waiting.
    let run = worker(&order())
        .on_activity("reserve_stock", |_| {
            Reply::value(&json!({"reservation_id": "R-1"})).after(Duration::from_secs(1))
        })
        .update(
            Duration::from_millis(10),
            "u1",
            "add_note",
            &json!({"note": ""}),
        )
        .update(
            Duration::from_millis(20),
            "u2",
            "add_note",
            &json!({"note": "early"}),
        )
        .signal(
            Duration::from_secs(2),
            "approve",
            &json!({"approved_by": "ops"}),
        )
        .run(order_fulfilment);
    assert!(matches!(run.updates[0].verdict, UpdateVerdict::Rejected(_)));
    assert_eq!(run.result::<Value>()["notes"], json!(["early"]));
}

#[test]
fn a_receipt_without_notes_has_no_notes_key() {
    let run = approved_after(worker(&order()), Duration::ZERO).run(order_fulfilment);
    assert!(run.result::<Value>().get("notes").is_none());
}

#[test]
fn a_bad_approve_signal_is_ignored() {
    let run = worker(&order())
        .signal(Duration::from_millis(10), "approve", &json!(42))
        .signal(
            Duration::from_millis(20),
            "approve",
            &json!({"approved_by": "ops"}),
        )
        .run(order_fulfilment);
    assert_eq!(run.result::<Value>()["approved_by"], "ops");
}

#[test]
fn a_failing_ship_activity_fails_the_workflow_with_its_failure() {
    let run: TestRun = approved_after(worker(&order()), Duration::ZERO)
        .on_activity("ship", |_| {
            Reply::error(
                Failure::new("no courier")
                    .with_type("NoCourier")
                    .non_retryable(),
            )
        })
        .run(order_fulfilment);
    let failure = run.failure();
    assert_eq!(failure.failure_type.as_deref(), Some("NoCourier"));
    assert_eq!(failure.root_cause().message.as_deref(), Some("no courier"));
}

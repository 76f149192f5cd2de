//! The durable examples: `order_fulfilment` through its approved, timed-out, cancelled,
//! declined and invalid paths, and `memory_loop`, in every language at once. Each language must
//! give the same receipt, failure and compensations as the others.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::common::temporal::workflow_id;
use super::{LANGUAGES, examples};

const TIMEOUT: Duration = Duration::from_secs(90);

/// The order every case charges (3 × 125 + 2 × 80 cents).
fn order(order_id: &str, approval_timeout_ms: u64) -> Value {
    json!({
        "order_id": order_id,
        "items": [
            {"sku": "apple", "quantity": 3, "unit_price_cents": 125},
            {"sku": "pear", "quantity": 2, "unit_price_cents": 80}
        ],
        "payment_url": examples().payments.url(),
        "approval_timeout_ms": approval_timeout_ms,
    })
}

/// Runs `case(workflow type prefix)` for every language in parallel; returns each one's value.
fn in_every_language<T: Send>(case: impl Fn(&str) -> T + Sync) -> Vec<(&'static str, T)> {
    examples();
    std::thread::scope(|scope| {
        let running: Vec<_> = LANGUAGES
            .iter()
            .map(|(prefix, _)| (*prefix, scope.spawn(|| case(prefix))))
            .collect();
        running
            .into_iter()
            .map(|(prefix, thread)| (prefix, thread.join().expect("the case ran")))
            .collect()
    })
}

/// Starts `prefix`'s order workflow for `input` and waits until it awaits approval.
fn start_awaiting_approval(prefix: &str, case: &str, input: Value) -> String {
    let client = &examples().durable;
    let id = workflow_id(&format!("{prefix}-order-{case}"));
    client.start(&id, &format!("{prefix}OrderFulfilment"), json!([input]));
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let status = client.query(&id, "status");
        if status["value"]["state"] == "awaiting_approval" {
            assert_eq!(
                status["value"],
                json!({"state": "awaiting_approval", "order_id": "A-17", "charge_id": "ch-A-17"}),
                "{prefix}"
            );
            return id;
        }
        assert!(Instant::now() < deadline, "{prefix}: {status}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The inputs of the activities the run scheduled, in order (its compensations included), with
/// the HTTP charge, the second, checked and replaced by `"charge"`.
fn activities(outcome: &Value) -> Value {
    let mut inputs = outcome["activity_inputs"].clone();
    if let Some(charge) = inputs
        .get_mut(1)
        .filter(|input| input["method"].is_string())
    {
        check_charge(charge);
        *charge = json!("charge");
    }
    inputs
}

/// The charge, as history holds it: the secret stays a placeholder.
fn check_charge(request: &Value) {
    use base64::Engine as _;
    assert_eq!(request["method"], "POST", "{request}");
    assert_eq!(request["url"], examples().payments.url(), "{request}");
    assert_eq!(
        request["headers"],
        json!({"content-type": "application/json",
               "authorization": "Bearer {{secret PAYMENTS_TOKEN}}"}),
        "{request}"
    );
    assert_eq!(request["start_to_close_timeout_ms"], 10_000, "{request}");
    assert_eq!(request["retry_policy"]["maximum_attempts"], 3, "{request}");
    let body = base64::engine::general_purpose::STANDARD
        .decode(request["body"].as_str().unwrap_or_default())
        .expect("a base64 body");
    let body: Value = serde_json::from_slice(&body).expect("a JSON body");
    assert_eq!(body["amount_cents"], 535, "{body}");
    assert!(body["order_id"].is_string(), "{body}");
}

fn reserve(order_id: &str) -> Value {
    json!({"order_id": order_id, "items": [
        {"sku": "apple", "quantity": 3, "unit_price_cents": 125},
        {"sku": "pear", "quantity": 2, "unit_price_cents": 80}
    ]})
}

#[test]
fn an_approved_order_is_shipped_with_its_notes_and_a_receipt() {
    for (prefix, (notes, empty, outcome, status)) in in_every_language(|prefix| {
        let client = &examples().durable;
        let id = start_awaiting_approval(prefix, "approved", order("A-17", 120_000));
        let notes = client.update(&id, "add_note", json!([{"note": "gift wrap"}]));
        let empty = client.update(&id, "add_note", json!([{"note": ""}]));
        client.signal(&id, "approve", json!([{"approved_by": "ops"}]));
        let outcome = client.outcome(&id, TIMEOUT);
        (notes, empty, outcome, client.query(&id, "status"))
    }) {
        assert_eq!(notes, json!({"result": {"notes": 1}}), "{prefix}");
        assert_eq!(empty["failure"]["type"], "EmptyNote", "{prefix}: {empty}");
        assert_eq!(outcome["status"], "COMPLETED", "{prefix}: {outcome}");
        assert_eq!(
            outcome["result"],
            json!({"order_id": "A-17", "reservation_id": "R-A-17", "charge_id": "ch-A-17",
                   "approved_by": "ops", "tracking": "T-A-17", "total_cents": 535,
                   "notes": ["gift wrap"]}),
            "{prefix}"
        );
        assert_eq!(
            status["value"],
            json!({"state": "shipped", "order_id": "A-17", "charge_id": "ch-A-17",
                   "tracking": "T-A-17"}),
            "{prefix}"
        );
        assert_eq!(
            activities(&outcome),
            json!([reserve("A-17"), "charge", {"order_id": "A-17", "reservation_id": "R-A-17"}]),
            "{prefix}"
        );
    }
    // One 201 per language, charged with the secret the worker filled in.
    let charged = examples()
        .payments
        .log()
        .lines()
        .filter(|line| line.contains(r#""order_id": "A-17", "status": 201"#))
        .count();
    assert!(charged >= LANGUAGES.len(), "{}", examples().payments.log());
}

#[test]
fn an_order_not_approved_in_time_is_refunded_released_and_failed() {
    for (prefix, outcome) in in_every_language(|prefix| {
        let client = &examples().durable;
        let id = workflow_id(&format!("{prefix}-order-timeout"));
        client.start(
            &id,
            &format!("{prefix}OrderFulfilment"),
            json!([order("A-17", 1500)]),
        );
        client.outcome(&id, TIMEOUT)
    }) {
        assert_eq!(outcome["status"], "FAILED", "{prefix}: {outcome}");
        let failure = &outcome["failure"];
        assert_eq!(failure["type"], "ApprovalTimedOut", "{prefix}: {failure}");
        assert_eq!(
            failure["message"], "order A-17 was not approved within 1500 ms",
            "{prefix}"
        );
        assert_eq!(failure["non_retryable"], true, "{prefix}");
        assert_eq!(
            activities(&outcome),
            json!([reserve("A-17"), "charge", {"charge_id": "ch-A-17"}, {"reservation_id": "R-A-17"}]),
            "{prefix}: refund, then release"
        );
    }
}

#[test]
fn a_cancelled_order_is_refunded_released_and_ends_canceled() {
    for (prefix, outcome) in in_every_language(|prefix| {
        let client = &examples().durable;
        let id = start_awaiting_approval(prefix, "cancelled", order("A-17", 120_000));
        client.cancel(&id);
        client.outcome(&id, TIMEOUT)
    }) {
        assert_eq!(outcome["status"], "CANCELED", "{prefix}: {outcome}");
        assert_eq!(
            outcome["failure"]["details"],
            json!(["order A-17 cancelled"]),
            "{prefix}: {outcome}"
        );
        assert_eq!(
            activities(&outcome),
            json!([reserve("A-17"), "charge", {"charge_id": "ch-A-17"}, {"reservation_id": "R-A-17"}]),
            "{prefix}"
        );
    }
}

#[test]
fn a_declined_payment_releases_the_stock_and_fails_naming_the_decline() {
    let outcomes = in_every_language(|prefix| {
        let client = &examples().durable;
        let id = workflow_id(&format!("{prefix}-order-declined"));
        client.start(
            &id,
            &format!("{prefix}OrderFulfilment"),
            json!([order("DECLINE-1", 120_000)]),
        );
        client.outcome(&id, TIMEOUT)
    });
    let first_message = outcomes[0].1["failure"]["message"].clone();
    for (prefix, outcome) in &outcomes {
        assert_eq!(outcome["status"], "FAILED", "{prefix}: {outcome}");
        let failure = &outcome["failure"];
        assert_eq!(failure["type"], "PaymentFailed", "{prefix}: {failure}");
        assert_eq!(failure["non_retryable"], true, "{prefix}");
        let message = failure["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with("payment for order DECLINE-1 failed: ") && message.contains("402"),
            "{prefix}: {message}"
        );
        assert_eq!(
            failure["message"], first_message,
            "{prefix}: same in every language"
        );
        assert_eq!(
            activities(outcome),
            json!([reserve("DECLINE-1"), "charge", {"reservation_id": "R-DECLINE-1"}]),
            "{prefix}"
        );
    }
}

#[test]
fn an_invalid_order_fails_as_validate_order_does_before_reserving_anything() {
    for (prefix, outcome) in in_every_language(|prefix| {
        let client = &examples().durable;
        let id = workflow_id(&format!("{prefix}-order-invalid"));
        let mut input = order("B-2", 1000);
        input["items"] = json!([{"sku": "", "quantity": 0, "unit_price_cents": 10}]);
        client.start(&id, &format!("{prefix}OrderFulfilment"), json!([input]));
        client.outcome(&id, TIMEOUT)
    }) {
        let failure = &outcome["failure"];
        assert_eq!(failure["type"], "InvalidOrder", "{prefix}: {outcome}");
        assert_eq!(
            failure["details"][0],
            json!({"order_id": "B-2", "problems": [
                "items[0].sku is required",
                "items[0].quantity must be a positive integer"
            ]}),
            "{prefix}"
        );
        assert_eq!(activities(&outcome), json!([]), "{prefix}");
    }
}

#[test]
fn memory_loop_takes_every_result_on_a_real_server() {
    for (prefix, outcome) in in_every_language(|prefix| {
        let client = &examples().durable;
        let id = workflow_id(&format!("{prefix}-memory-loop"));
        client.start(
            &id,
            &format!("{prefix}MemoryLoop"),
            json!([{"iterations": 25}]),
        );
        client.outcome(&id, TIMEOUT)
    }) {
        assert_eq!(
            outcome["result"],
            json!({"iterations": 25}),
            "{prefix}: {outcome}"
        );
        assert_eq!(activities(&outcome).as_array().map(Vec::len), Some(25));
    }
}

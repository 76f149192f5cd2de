//! `order_fulfilment`: a durable workflow that reserves stock, charges the customer over HTTP,
//! waits for a person to approve, ships, and undoes what it did when something goes wrong.
//!
//! Input: params[0], `{"order_id": str, "items": [{"sku", "quantity", "unit_price_cents"}],
//! "payment_url": str, "approval_timeout_ms"?: int (default 60000)}`.
//!
//! 1. The order is checked as `validate_order` checks it (the same `order.rs`); a bad one fails
//!    with the same non-retryable `InvalidOrder` failure. A missing `payment_url` or a bad
//!    `approval_timeout_ms` are problems of the same list.
//! 2. Activity `reserve_stock` on task queue `inventory`: `{"order_id", "items"}` →
//!    `{"reservation_id"}`.
//! 3. HTTP activity: `POST payment_url` with `{"order_id", "amount_cents"}` → `{"charge_id"}`. If
//!    it fails: `release_stock` `{"reservation_id"}`, then a non-retryable `PaymentFailed`.
//! 4. Query `status` ← `{"state": "awaiting_approval", "order_id", "charge_id"}`; current
//!    details `awaiting approval of order <id>`.
//! 5. The first of: signal `approve` (`{"approved_by"}`), the approval timeout, cancellation.
//!    Timeout: `refund` `{"charge_id"}` and `release_stock`, then a non-retryable
//!    `ApprovalTimedOut`. Cancellation: the same, then the run ends as cancelled.
//! 6. Activity `ship` `{"order_id", "reservation_id"}` → `{"tracking"}`; query `status` ←
//!    `{"state": "shipped", …, "tracking"}`.
//! 7. Result: the receipt `{"order_id", "reservation_id", "charge_id", "approved_by", "tracking",
//!    "total_cents"}`, with `"notes": [...]` when notes were added; counter `orders_completed`
//!    (`outcome` = `shipped`).
//!
//! Update `add_note` (`{"note": str}`) is open for the whole run: an empty note is rejected
//! (`EmptyNote`), any other is completed with `{"notes": <count so far>}` and kept for the receipt.
//! Every activity has a 10 s start-to-close timeout; `reserve_stock` and the charge are tried at
//! most 3 times, the compensations and `ship` retried by Temporal's default policy.

#[path = "../../validate_order/src/order.rs"]
mod order;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use temporal_wasm_sdk::{
    Activity, Failure, Info, RetryPolicy, SignalChannel, Timer, UpdateChannel, http, info, metric,
    query, select, warn, workflow,
};

workflow!(order_fulfilment);

/// The activity workers' task queue.
const INVENTORY: &str = "inventory";
/// Time allowed for one attempt of any activity.
const ACTIVITY_TIMEOUT: Duration = Duration::from_secs(10);
/// Attempts of `reserve_stock` and of the charge.
const ATTEMPTS: i32 = 3;
/// How long to wait for approval when the order does not say.
const DEFAULT_APPROVAL_TIMEOUT_MS: i64 = 60_000;

/// A checked order and what the workflow needs besides.
struct Order {
    order_id: String,
    items: Vec<order::Item>,
    total_cents: i64,
    payment_url: String,
    approval_timeout_ms: i64,
}

#[derive(Serialize)]
struct Reserve<'a> {
    order_id: &'a str,
    items: &'a [order::Item],
}

#[derive(Deserialize)]
struct Reservation {
    reservation_id: String,
}

#[derive(Serialize)]
struct ChargeRequest<'a> {
    order_id: &'a str,
    amount_cents: i64,
}

#[derive(Deserialize)]
struct Charge {
    charge_id: String,
}

#[derive(Serialize)]
struct Release<'a> {
    reservation_id: &'a str,
}

#[derive(Serialize)]
struct Refund<'a> {
    charge_id: &'a str,
}

#[derive(Serialize)]
struct Ship<'a> {
    order_id: &'a str,
    reservation_id: &'a str,
}

#[derive(Deserialize)]
struct Shipment {
    tracking: String,
}

#[derive(Deserialize)]
struct Approval {
    approved_by: String,
}

#[derive(Deserialize)]
struct Note {
    note: String,
}

#[derive(Serialize)]
struct NoteCount {
    notes: usize,
}

/// What query `status` answers.
#[derive(Serialize)]
struct Status<'a> {
    state: &'a str,
    order_id: &'a str,
    charge_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tracking: Option<&'a str>,
}

/// The workflow's result.
#[derive(Debug, PartialEq, Serialize)]
struct Receipt {
    order_id: String,
    reservation_id: String,
    charge_id: String,
    approved_by: String,
    tracking: String,
    total_cents: i64,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

fn order_fulfilment(info: &Info) -> Result<Receipt, Failure> {
    let order = Order::from_info(info)?;
    let id = order.order_id.as_str();

    // Opened first, so that a note, an approval or a cancellation is heard at any point of
    // the run (a workflow that never opens its cancellation channel just ends as cancelled).
    let notes = UpdateChannel::<Note>::new("add_note").validator(|note| {
        if note.note.is_empty() {
            return Err(Failure::new("a note must not be empty").with_type("EmptyNote"));
        }
        Ok(())
    });
    let approve = SignalChannel::<Approval>::new("approve");
    let cancellation = workflow::cancellation();
    let mut kept_notes = Vec::new();

    let reservation: Reservation = inventory("reserve_stock")
        .retry(RetryPolicy::new().maximum_attempts(ATTEMPTS))
        .arg(&Reserve {
            order_id: id,
            items: &order.items,
        })?
        .execute()?;
    let reservation_id = reservation.reservation_id.as_str();
    info!("order {id}: stock reserved as {reservation_id}");

    let charge_id = match charge(&order) {
        Ok(charge) => charge.charge_id,
        Err(reason) => {
            warn!("order {id}: payment failed: {reason}");
            release_stock(reservation_id)?;
            return Err(
                Failure::new(format!("payment for order {id} failed: {reason}"))
                    .with_type("PaymentFailed")
                    .non_retryable(),
            );
        }
    };
    let charge_id = charge_id.as_str();

    query::publish(
        "status",
        &Status {
            state: "awaiting_approval",
            order_id: id,
            charge_id,
            tracking: None,
        },
    )?;
    workflow::set_current_details(&format!("awaiting approval of order {id}"));

    let timeout = Timer::start(Duration::from_millis(order.approval_timeout_ms as u64));
    let approved_by = loop {
        match select(&[&approve, &timeout, &cancellation, &notes]) {
            0 => match approve.receive() {
                Ok(approval) => break approval.approved_by,
                Err(err) => warn!("order {id}: ignoring an `approve` signal: {err}"),
            },
            1 => {
                undo_charge_and_reservation(charge_id, reservation_id)?;
                return Err(Failure::new(format!(
                    "order {id} was not approved within {} ms",
                    order.approval_timeout_ms
                ))
                .with_type("ApprovalTimedOut")
                .non_retryable());
            }
            2 => {
                undo_charge_and_reservation(charge_id, reservation_id)?;
                workflow::complete_as_cancelled(&format!("order {id} cancelled"));
            }
            _ => answer_notes(&notes, &mut kept_notes)?,
        }
    };
    // Done with the timer: cancel it and take its (cancelled) result.
    timeout.cancel();
    let _ = timeout.wait();
    info!("order {id} approved by {approved_by}");

    let shipment: Shipment = inventory("ship")
        .arg(&Ship {
            order_id: id,
            reservation_id,
        })?
        .execute()?;
    query::publish(
        "status",
        &Status {
            state: "shipped",
            order_id: id,
            charge_id,
            tracking: Some(&shipment.tracking),
        },
    )?;
    // Notes that came in while shipping are answered and kept too.
    answer_notes(&notes, &mut kept_notes)?;
    metric::counter("orders_completed", 1, &[("outcome", "shipped")]);

    Ok(Receipt {
        order_id: order.order_id.clone(),
        reservation_id: reservation_id.to_owned(),
        charge_id: charge_id.to_owned(),
        approved_by,
        tracking: shipment.tracking,
        total_cents: order.total_cents,
        notes: kept_notes,
    })
}

impl Order {
    /// Checks the order in the first argument: `validate_order`'s problems, then this
    /// workflow's own fields.
    fn from_info(info: &Info) -> Result<Order, Failure> {
        let input = order::decode(info)?;
        let checked = order::check(&input);
        let mut problems = checked.problems;
        let payment_url =
            (input.get("payment_url").and_then(Value::as_str)).filter(|url| !url.is_empty());
        if payment_url.is_none() {
            problems.push("payment_url is required".to_owned());
        }
        let approval_timeout_ms = match input.get("approval_timeout_ms") {
            None | Some(Value::Null) => Some(DEFAULT_APPROVAL_TIMEOUT_MS),
            value => order::integer(value).filter(|&ms| ms >= 1),
        };
        if approval_timeout_ms.is_none() {
            problems.push("approval_timeout_ms must be a positive integer".to_owned());
        }
        match (checked.order_id, payment_url, approval_timeout_ms) {
            (Some(order_id), Some(payment_url), Some(approval_timeout_ms))
                if problems.is_empty() =>
            {
                Ok(Order {
                    order_id: order_id.to_owned(),
                    items: checked.items,
                    total_cents: checked.total_cents,
                    payment_url: payment_url.to_owned(),
                    approval_timeout_ms,
                })
            }
            _ => Err(order::reject(checked.order_id, &problems)),
        }
    }
}

/// An activity on the inventory workers, with the common timeout.
fn inventory(activity_type: &str) -> Activity {
    Activity::new(activity_type)
        .task_queue(INVENTORY)
        .start_to_close(ACTIVITY_TIMEOUT)
}

/// Charges the order's total through the payments service, or says why it could not.
fn charge(order: &Order) -> Result<Charge, String> {
    let response = http::Request::post(&order.payment_url)
        .header("content-type", "application/json")
        .header("authorization", "Bearer {{secret PAYMENTS_TOKEN}}")
        .json(&ChargeRequest {
            order_id: &order.order_id,
            amount_cents: order.total_cents,
        })
        .map_err(|err| err.to_string())?
        .start_to_close(ACTIVITY_TIMEOUT)
        .retry(RetryPolicy::new().maximum_attempts(ATTEMPTS))
        .execute()
        // The innermost cause's message: the HTTP error itself, not "Activity task failed".
        .map_err(|err| err.message())?;
    response
        .json()
        .map_err(|err| format!("the payments service answered {}: {err}", response.status))
}

/// Compensation of step 2.
fn release_stock(reservation_id: &str) -> Result<(), Failure> {
    inventory("release_stock")
        .arg(&Release { reservation_id })?
        .execute::<Value>()?;
    Ok(())
}

/// Compensation of steps 3 and 2, in reverse order.
fn undo_charge_and_reservation(charge_id: &str, reservation_id: &str) -> Result<(), Failure> {
    inventory("refund")
        .arg(&Refund { charge_id })?
        .execute::<Value>()?;
    release_stock(reservation_id)
}

/// Answers every accepted `add_note` update, keeping its note.
fn answer_notes(channel: &UpdateChannel<Note>, kept: &mut Vec<String>) -> Result<(), Failure> {
    while let Some(update) = channel.try_receive() {
        kept.push(update.input().note.clone());
        update.complete(&NoteCount { notes: kept.len() })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;

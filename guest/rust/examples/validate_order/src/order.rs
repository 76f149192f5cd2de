//! Checking an order: every problem found, in the specified words and order. Shared by
//! `validate_order` and `order_fulfilment` (which includes this file with `#[path]`), so both
//! reject a bad order with the same `InvalidOrder` failure.
//!
//! The order is read as a JSON object rather than into a derived struct because serde stops at
//! the first problem, and every problem must be reported.

// Each of the two workflows reads only part of what a check finds.
#![allow(dead_code)]

use serde::Serialize;
use serde_json::{Map, Value};
use temporal_wasm_sdk::{Failure, Info, warn};

/// One line of a valid order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub sku: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
}

/// What checking an order found.
#[derive(Debug)]
pub struct Checked<'a> {
    /// The order id, if it has a non-empty one.
    pub order_id: Option<&'a str>,
    /// The valid lines.
    pub items: Vec<Item>,
    /// Sum of the valid lines' quantities.
    pub item_count: i64,
    /// Sum of the valid lines' quantity × unit price.
    pub total_cents: i64,
    /// Every problem, in order; empty for a valid order.
    pub problems: Vec<String>,
}

/// The order in the first argument as a JSON object, or the rejection of anything else.
pub fn decode(info: &Info) -> Result<Map<String, Value>, Failure> {
    info.params
        .first()
        .and_then(|param| param.decode_json::<Map<String, Value>>().ok())
        .ok_or_else(|| reject(None, &["order must be a JSON object".to_owned()]))
}

/// Checks `order`, collecting every problem.
pub fn check(order: &Map<String, Value>) -> Checked<'_> {
    let mut problems = Vec::new();
    // An empty id counts as no id: it is reported as missing, logged as `?` and sent as null.
    let order_id = order
        .get("order_id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty());
    if order_id.is_none() {
        problems.push("order_id is required".to_owned());
    }
    let lines = order
        .get("items")
        .and_then(Value::as_array)
        .filter(|items| !items.is_empty());
    if lines.is_none() {
        problems.push("order has no items".to_owned());
    }

    // Totals wrap on i64 overflow rather than trap: the specification sets no upper bound.
    let (mut items, mut item_count, mut total_cents) = (Vec::new(), 0i64, 0i64);
    for (i, item) in lines.into_iter().flatten().enumerate() {
        // `Value::get` finds nothing in a non-object item, which so gets all three problems.
        let sku = item
            .get("sku")
            .and_then(Value::as_str)
            .filter(|sku| !sku.is_empty());
        if sku.is_none() {
            problems.push(format!("items[{i}].sku is required"));
        }
        let quantity = integer(item.get("quantity")).filter(|&quantity| quantity >= 1);
        if quantity.is_none() {
            problems.push(format!("items[{i}].quantity must be a positive integer"));
        }
        let unit_price_cents = integer(item.get("unit_price_cents")).filter(|&price| price >= 0);
        if unit_price_cents.is_none() {
            problems.push(format!(
                "items[{i}].unit_price_cents must be a non-negative integer"
            ));
        }
        if let (Some(quantity), Some(unit_price_cents)) = (quantity, unit_price_cents) {
            item_count = item_count.wrapping_add(quantity);
            total_cents = total_cents.wrapping_add(quantity.wrapping_mul(unit_price_cents));
            if let Some(sku) = sku {
                items.push(Item {
                    sku: sku.to_owned(),
                    quantity,
                    unit_price_cents,
                });
            }
        }
    }
    Checked {
        order_id,
        items,
        item_count,
        total_cents,
        problems,
    }
}

/// A JSON integer: a number written without fraction or exponent that fits in i64.
pub fn integer(value: Option<&Value>) -> Option<i64> {
    // With `arbitrary_precision` a number keeps its literal text and `as_i64` parses that text,
    // so `1.0`, `1e2` and integers beyond i64 are `None`, and `-0` is 0.
    value.and_then(Value::as_i64)
}

/// The failure detail of a rejected order.
#[derive(Serialize)]
struct Rejection<'a> {
    order_id: Option<&'a str>,
    problems: &'a [String],
}

/// Logs the rejection and builds the non-retryable `InvalidOrder` failure listing `problems`.
pub fn reject(order_id: Option<&str>, problems: &[String]) -> Failure {
    warn!("order {} rejected", order_id.unwrap_or("?"));
    Failure::new(format!("invalid order: {}", problems.join("; ")))
        .with_type("InvalidOrder")
        .non_retryable()
        .with_details(&Rejection { order_id, problems })
        .expect("a rejection always encodes as JSON")
}

//! `validate_order`: checks an order and totals it, or rejects it with every problem found.
//!
//! Input:  params[0]: a `json/plain` payload holding
//!         `{"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}`.
//! Result: `{"order_id": ..., "item_count": <sum of quantities>, "total_cents": <sum of quantity*price>}`.
//! Fails:  non-retryable `InvalidOrder`, message `invalid order: <problems joined by "; ">`, and one
//!         detail `{"order_id": <id or null>, "problems": [...]}`.

mod order;

use serde::Serialize;
use temporal_wasm_sdk::{Failure, Info, info, workflow};

workflow!(validate_order);

/// The result of an accepted order.
#[derive(Debug, PartialEq, Serialize)]
struct OrderTotals {
    order_id: String,
    item_count: i64,
    total_cents: i64,
}

/// Validates the order in the first argument (see `order.rs` for the rules).
fn validate_order(info: &Info) -> Result<OrderTotals, Failure> {
    let order = order::decode(info)?;
    let checked = order::check(&order);
    match checked.order_id {
        Some(order_id) if checked.problems.is_empty() => {
            info!("order {order_id} accepted");
            Ok(OrderTotals {
                order_id: order_id.to_owned(),
                item_count: checked.item_count,
                total_cents: checked.total_cents,
            })
        }
        _ => Err(order::reject(checked.order_id, &checked.problems)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use temporal_wasm_sdk::{ENCODING_KEY, Payload};

    use super::*;

    fn run(order: Value) -> Result<OrderTotals, Failure> {
        validate_order(&Info {
            params: vec![Payload::encode_json(&order).unwrap()],
            ..Info::default()
        })
    }

    /// Runs the workflow on an order given as JSON text, to test exactly how numbers are written.
    fn run_text(order: &str) -> Result<OrderTotals, Failure> {
        let param = Payload {
            data: order.as_bytes().to_vec(),
            ..Payload::encode_json(&()).unwrap()
        };
        validate_order(&Info {
            params: vec![param],
            ..Info::default()
        })
    }

    /// The failure's message and its one detail, checking the parts every rejection shares.
    fn rejection(result: Result<OrderTotals, Failure>) -> (String, Value) {
        let failure = result.unwrap_err();
        assert_eq!(failure.failure_type.as_deref(), Some("InvalidOrder"));
        assert!(failure.non_retryable);
        assert_eq!(failure.details.len(), 1);
        (
            failure.message.unwrap(),
            failure.details[0].decode_json().unwrap(),
        )
    }

    #[test]
    fn totals_a_valid_order() {
        let order = json!({"order_id": "A-17", "items": [
            {"sku": "apple", "quantity": 3, "unit_price_cents": 125},
            {"sku": "pear", "quantity": 2, "unit_price_cents": 0},
        ]});
        assert_eq!(
            run(order).unwrap(),
            OrderTotals {
                order_id: "A-17".into(),
                item_count: 5,
                total_cents: 375
            }
        );
    }

    #[test]
    fn rejects_a_missing_param_or_a_non_object() {
        let no_params = validate_order(&Info::default());
        for result in [
            no_params,
            run(json!([1])),
            run(json!("A-17")),
            run(Value::Null),
        ] {
            let (message, detail) = rejection(result);
            assert_eq!(message, "invalid order: order must be a JSON object");
            assert_eq!(
                detail,
                json!({"order_id": null, "problems": ["order must be a JSON object"]})
            );
        }
    }

    #[test]
    fn rejects_another_encoding_as_a_non_object() {
        let mut param = Payload::encode_json(&json!({"order_id": "A-17"})).unwrap();
        param
            .metadata
            .insert(ENCODING_KEY.into(), b"binary/plain".to_vec());
        let (message, _) = rejection(validate_order(&Info {
            params: vec![param],
            ..Info::default()
        }));
        assert_eq!(message, "invalid order: order must be a JSON object");
    }

    #[test]
    fn reports_missing_id_and_items() {
        for order in [
            json!({}),
            json!({"order_id": "", "items": []}),
            json!({"order_id": 17, "items": {}}),
        ] {
            let (message, detail) = rejection(run(order));
            assert_eq!(
                message,
                "invalid order: order_id is required; order has no items"
            );
            assert_eq!(
                detail,
                json!({"order_id": null, "problems": ["order_id is required", "order has no items"]})
            );
        }
    }

    #[test]
    fn reports_every_item_problem_in_order() {
        let order = json!({"order_id": "B-2", "items": [
            {"sku": "", "quantity": 0, "unit_price_cents": -1},
            {"sku": "ok", "quantity": 1.5, "unit_price_cents": 1e2},
            "not an object",
            {"sku": "ok", "quantity": 1, "unit_price_cents": 1},
            {"sku": 5, "quantity": "1", "unit_price_cents": 9223372036854775808u64},
        ]});
        let (message, detail) = rejection(run(order));
        let problems = [
            "items[0].sku is required",
            "items[0].quantity must be a positive integer",
            "items[0].unit_price_cents must be a non-negative integer",
            "items[1].quantity must be a positive integer",
            "items[1].unit_price_cents must be a non-negative integer",
            "items[2].sku is required",
            "items[2].quantity must be a positive integer",
            "items[2].unit_price_cents must be a non-negative integer",
            "items[4].sku is required",
            "items[4].quantity must be a positive integer",
            "items[4].unit_price_cents must be a non-negative integer",
        ];
        assert_eq!(message, format!("invalid order: {}", problems.join("; ")));
        assert_eq!(detail, json!({"order_id": "B-2", "problems": problems}));
    }

    #[test]
    fn numbers_with_a_fraction_or_exponent_or_beyond_i64_are_not_integers() {
        for number in ["1.0", "1e0", "1E+0", "10.5", "1e400", "9223372036854775808"] {
            let order = format!(
                r#"{{"order_id": "C", "items": [{{"sku": "s", "quantity": {number}, "unit_price_cents": 1}}]}}"#
            );
            let (message, _) = rejection(run_text(&order));
            assert_eq!(
                message, "invalid order: items[0].quantity must be a positive integer",
                "{number}"
            );
        }
    }

    #[test]
    fn minus_zero_is_the_integer_zero() {
        let order =
            r#"{"order_id": "Z", "items": [{"sku": "s", "quantity": 2, "unit_price_cents": -0}]}"#;
        assert_eq!(run_text(order).unwrap().total_cents, 0);
    }

    #[test]
    fn large_totals_stay_in_i64() {
        let order = json!({"order_id": "D", "items": [
            {"sku": "s", "quantity": i64::MAX, "unit_price_cents": 1},
        ]});
        assert_eq!(run(order).unwrap().total_cents, i64::MAX);
    }
}

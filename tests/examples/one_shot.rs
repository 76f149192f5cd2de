//! The one-shot examples, `greet` and `validate_order`: the same answers in every language.

use serde_json::{Value, json};

use super::common::temporal::workflow_id;
use super::{LANGUAGES, examples};

/// Runs `(workflow type suffix, args)` for every language at once; returns outcomes per language.
fn run_everywhere(cases: &[(&str, Value)]) -> Vec<(String, Value, Value)> {
    let mut specs = Vec::new();
    let mut labels = Vec::new();
    for (prefix, _) in LANGUAGES {
        for (suffix, args) in cases {
            let workflow_type = format!("{prefix}{suffix}");
            specs.push(
                json!({"id": workflow_id(&workflow_type), "type": workflow_type, "args": args}),
            );
            labels.push((workflow_type, args.clone()));
        }
    }
    let outcomes = examples().client.execute(&Value::Array(specs));
    labels
        .into_iter()
        .zip(outcomes)
        .map(|((workflow_type, args), outcome)| (workflow_type, args, outcome))
        .collect()
}

#[test]
fn greet_greets_by_name_in_every_language() {
    for (workflow_type, args, outcome) in run_everywhere(&[
        ("Greet", json!(["Alice"])),
        ("Greet", json!([])),
        ("Greet", json!(["Zoë \"Z\" \\ 🦀"])),
    ]) {
        let name = args.get(0).and_then(Value::as_str).unwrap_or("World");
        assert_eq!(
            outcome["status"], "completed",
            "{workflow_type} {args}: {outcome}"
        );
        assert_eq!(
            outcome["result"],
            json!(format!("Hello, {name}!")),
            "{workflow_type} {args}"
        );
    }
}

#[test]
fn greet_rejects_a_name_that_is_not_a_string_in_every_language() {
    for (workflow_type, _, outcome) in run_everywhere(&[("Greet", json!([42]))]) {
        assert_eq!(outcome["status"], "failed", "{workflow_type}: {outcome}");
        let failure = &outcome["failure"];
        assert_eq!(
            failure["message"], "greet expects a JSON string name",
            "{workflow_type}"
        );
        assert_eq!(failure["type"], "InvalidInput", "{workflow_type}");
        assert_eq!(failure["non_retryable"], true, "{workflow_type}");
    }
}

#[test]
fn validate_order_totals_a_valid_order_in_every_language() {
    let order = json!({"order_id": "A-17", "items": [
        {"sku": "apple", "quantity": 3, "unit_price_cents": 125},
        {"sku": "pear", "quantity": 2, "unit_price_cents": 80}
    ]});
    for (workflow_type, _, outcome) in run_everywhere(&[("ValidateOrder", json!([order]))]) {
        assert_eq!(outcome["status"], "completed", "{workflow_type}: {outcome}");
        assert_eq!(
            outcome["result"],
            json!({"order_id": "A-17", "item_count": 5, "total_cents": 535}),
            "{workflow_type}"
        );
    }
}

#[test]
fn validate_order_fails_a_bad_order_with_typed_details_in_every_language() {
    let order = json!({"order_id": "B-2", "items": [
        {"sku": "", "quantity": 0, "unit_price_cents": 10},
        {"sku": "kiwi", "quantity": 1.5, "unit_price_cents": -1}
    ]});
    let problems = json!([
        "items[0].sku is required",
        "items[0].quantity must be a positive integer",
        "items[1].quantity must be a positive integer",
        "items[1].unit_price_cents must be a non-negative integer"
    ]);
    for (workflow_type, _, outcome) in run_everywhere(&[
        ("ValidateOrder", json!([order])),
        ("ValidateOrder", json!(["not an order"])),
    ]) {
        assert_eq!(outcome["status"], "failed", "{workflow_type}: {outcome}");
        let failure = &outcome["failure"];
        assert_eq!(failure["type"], "InvalidOrder", "{workflow_type}");
        assert_eq!(failure["non_retryable"], true, "{workflow_type}");
        let details = &failure["details"][0];
        if details["order_id"] == "B-2" {
            assert_eq!(details["problems"], problems, "{workflow_type}");
            assert_eq!(
                failure["message"],
                "invalid order: items[0].sku is required; items[0].quantity must be a positive \
                 integer; items[1].quantity must be a positive integer; items[1].unit_price_cents \
                 must be a non-negative integer",
                "{workflow_type}"
            );
        } else {
            assert_eq!(details["order_id"], Value::Null, "{workflow_type}");
            assert_eq!(
                details["problems"],
                json!(["order must be a JSON object"]),
                "{workflow_type}"
            );
            assert_eq!(
                failure["message"], "invalid order: order must be a JSON object",
                "{workflow_type}"
            );
        }
    }
}

//! The steps that tell the world: queries, details, search attributes, memo and metrics.

use serde_json::json;

use super::{FakeHost, completed, info};
use crate::payload::Payload;
use crate::script::run;

#[test]
fn publishes_query_results_and_details() {
    let mut host = FakeHost::default();
    let script = json!({"steps": [
        {"publish_query": {"name": "status", "value": "parked"}},
        {"publish_query": {"name": "empty"}},
        {"details": "waiting for **approval**"},
    ]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(results["results"], json!([null, null, null]));
    let parked = Payload::json(&json!("parked")).to_value();
    assert_eq!(
        host.calls,
        [
            format!("set_query_result(status, [{parked}])"),
            "set_query_result(empty, [])".to_owned(),
            "set_current_details(waiting for **approval**)".to_owned(),
        ]
    );
}
#[test]
fn search_attributes_memo_and_metrics_are_passed_on() {
    let mut host = FakeHost::default();
    let metric = json!({"name": "orders", "kind": "counter", "value": 2});
    let script = json!({"steps": [
        {"upsert_search_attributes": {"Stage": "packed", "Old": null}},
        {"upsert_memo": {"note": {"a": 1}, "gone": null}},
        {"metric": metric},
    ]});
    let results = completed(run(&mut host, &info(script)));
    assert_eq!(results["results"], json!([null, null, null]));
    let note = Payload::json(&json!({"a": 1})).to_value();
    assert_eq!(
        host.calls,
        [
            r#"upsert_search_attributes({"Old":null,"Stage":"packed"})"#.to_owned(),
            format!(r#"upsert_memo({{"gone":null,"note":{note}}})"#),
            format!("emit_metric({metric})"),
        ]
    );
}

//! What the workflow tells the world: `write_log`, `set_query_result`, `set_current_details`,
//! `upsert_search_attributes`, `upsert_memo` and `emit_metric`.
//!
//! None of them waits for anything; each is checked as the worker checks it (a guest bug
//! panics), recorded, and kept for the report where the report has a place for it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::TestHost;
use super::state::parse;
use crate::Level;
use crate::payload::Payload;

/// `write_log`: kept in the report, at the level the ABI number stands for.
pub(super) fn write_log(host: &mut TestHost, level: u32, message: &str) {
    let level = match level {
        1 => Level::Error,
        2 => Level::Warn,
        3 => Level::Info,
        4 => Level::Debug,
        _ => Level::Trace,
    };
    host.logs.push((level, message.to_owned()));
}

/// `set_query_result`: at most one payload, under a name that is not reserved.
pub(super) fn set_query_result(host: &mut TestHost, name: &str, json: &[u8]) {
    assert!(
        !name.is_empty() && !name.starts_with("__"),
        "guest bug: query name `{name}` is empty or reserved"
    );
    let payloads: Vec<Payload> = if json.is_empty() {
        Vec::new()
    } else {
        serde_json::from_slice(json)
            .unwrap_or_else(|err| panic!("guest bug: `set_query_result` JSON: {err}"))
    };
    assert!(
        payloads.len() <= 1,
        "guest bug: `set_query_result` with two payloads"
    );
    let recorded = if json.is_empty() {
        Value::Null
    } else {
        parse("set_query_result", json)
    };
    host.record("set_query_result", Some(name), recorded, None);
    (host.queries).insert(name.to_owned(), payloads.into_iter().next());
}

/// `upsert_search_attributes`.
pub(super) fn upsert_search_attributes(host: &mut TestHost, json: &[u8]) {
    let value = parse("upsert_search_attributes", json);
    host.record("upsert_search_attributes", None, value, None);
}

/// `upsert_memo`: every value a payload, or `null` to remove the key.
pub(super) fn upsert_memo(host: &mut TestHost, json: &[u8]) {
    let value = parse("upsert_memo", json);
    let _: BTreeMap<String, Option<Payload>> = serde_json::from_value(value.clone())
        .unwrap_or_else(|err| panic!("guest bug: `upsert_memo` values: {err}"));
    host.record("upsert_memo", None, value, None);
}

/// `set_current_details`: at most 64 KiB.
pub(super) fn set_current_details(host: &mut TestHost, text: &str) {
    assert!(
        text.len() <= 64 * 1024,
        "guest bug: current details over 64 KiB"
    );
    host.record(
        "set_current_details",
        None,
        Value::String(text.into()),
        None,
    );
    host.current_details = Some(text.to_owned());
}

/// `emit_metric`: a counter, gauge or histogram.
pub(super) fn emit_metric(host: &mut TestHost, json: &[u8]) {
    let value = parse("emit_metric", json);
    assert!(
        matches!(
            value["kind"].as_str(),
            Some("counter" | "gauge" | "histogram")
        ),
        "guest bug: `emit_metric` kind: {value}"
    );
    host.record("emit_metric", None, value, None);
}

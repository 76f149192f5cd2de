//! Reading one step's JSON into a [`Step`]: which kind it is, which keys may go with it, and
//! whether each value has the shape its kind needs. Every error names the step and what is wrong.

use serde_json::Value;

use super::{OnCancel, Step};

/// Every key that names a step's kind; a step has exactly one of them.
const KINDS: &[&str] = &[
    "sleep_ms",
    "activity",
    "http",
    "cancel_timer",
    "now",
    "random",
    "patched",
    "is_replaying",
    "until_cancelled",
    "continue_as_new_until",
    "fail",
    "log",
    "wait_signal",
    "publish_query",
    "details",
    "wait_update",
    "child",
    "signal_external",
    "cancel_external",
    "upsert_search_attributes",
    "upsert_memo",
    "metric",
    "workflow_info",
];

/// The shape of `cancel_timer`'s value, for its error message.
const TIMER_PAIR: &str = "{\"duration_ms\": N, \"after_ms\": M} in whole milliseconds";

/// The shape of `until_cancelled`'s value, for its error message.
const UNTIL_CANCELLED: &str = r#"{"sleep_ms": N, "then": "complete_as_cancelled" or "record"}"#;

/// The shape of `publish_query`'s value, for its error message.
const PUBLISH_QUERY: &str = r#"{"name": "QUERY", "value"?: json}"#;

/// The shape of `wait_update`'s value, for its error message.
const WAIT_UPDATE: &str =
    r#"{"name": "UPDATE", "reject_if"?: json, "fail_if"?: json, "result"?: json}"#;

impl Step {
    /// Parses one step; the error says which step and what is wrong with it.
    pub fn parse(step: &Value) -> Result<Step, String> {
        let object = step
            .as_object()
            .ok_or_else(|| format!("unknown step {step}: a step is a JSON object"))?;
        let mut kinds = object.keys().filter(|key| KINDS.contains(&key.as_str()));
        let kind = kinds
            .next()
            .ok_or_else(|| format!("unknown step {step}"))?
            .as_str();
        if let Some(other) = kinds.next() {
            return Err(format!("step {step} has two kinds, {kind} and {other}"));
        }
        let allowed: &[&str] = match kind {
            "activity" => &["activity", "args_from_results", "cancel_after_ms"],
            "http" => &["http", "cancel_after_ms"],
            "child" => &["child", "cancel_after_ms"],
            "patched" => &["patched", "deprecated"],
            _ => &[],
        };
        if let Some(key) = object
            .keys()
            .find(|key| *key != kind && !allowed.contains(&key.as_str()))
        {
            return Err(format!("unknown key {key:?} in step {step}"));
        }

        let value = &object[kind];
        let bad = |expected: &str| format!("step {step}: {kind} must be {expected}");
        let millis = |value: Option<&Value>, expected: &str| {
            value.and_then(Value::as_u64).ok_or_else(|| bad(expected))
        };
        let text = || {
            value
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| bad("a string"))
        };
        let object = |expected: &str| value.as_object().cloned().ok_or_else(|| bad(expected));
        // The keys of an inner object, as strict as a step's own: a typo fails the script.
        let fields = |allowed: &[&str], required: &str, expected: &str| {
            let fields = object(expected)?;
            match fields.keys().find(|key| !allowed.contains(&key.as_str())) {
                Some(key) => Err(format!("unknown key {key:?} in step {step}")),
                None if !fields.get(required).is_some_and(Value::is_string) => Err(bad(expected)),
                None => Ok(fields),
            }
        };
        Ok(match kind {
            "sleep_ms" => Step::Sleep {
                duration_ms: millis(Some(value), "a whole number of milliseconds")?,
            },
            "activity" => Step::Activity {
                options: value
                    .as_object()
                    .cloned()
                    .ok_or_else(|| bad("an activity_options object"))?,
                args_from_results: modifier(step, "args_from_results", Value::as_bool, "a bool")?
                    .unwrap_or(false),
                cancel_after_ms: modifier(
                    step,
                    "cancel_after_ms",
                    Value::as_u64,
                    "a whole number",
                )?,
            },
            "http" => Step::Http {
                request: object("an http_request object")?,
                cancel_after_ms: modifier(
                    step,
                    "cancel_after_ms",
                    Value::as_u64,
                    "a whole number",
                )?,
            },
            "cancel_timer" => Step::CancelTimer {
                duration_ms: millis(value.get("duration_ms"), TIMER_PAIR)?,
                after_ms: millis(value.get("after_ms"), TIMER_PAIR)?,
            },
            "now" => Step::Now,
            "random" => Step::Random {
                len: value
                    .as_u64()
                    .and_then(|len| u32::try_from(len).ok())
                    .ok_or_else(|| bad("a byte count"))?,
            },
            "patched" => Step::Patched {
                id: text()?,
                deprecated: modifier(step, "deprecated", Value::as_bool, "a bool")?
                    .unwrap_or(false),
            },
            "is_replaying" => Step::IsReplaying,
            "until_cancelled" => Step::UntilCancelled {
                sleep_ms: millis(value.get("sleep_ms"), UNTIL_CANCELLED)?,
                then: match value.get("then").and_then(Value::as_str) {
                    Some("complete_as_cancelled") => OnCancel::CompleteAsCancelled,
                    Some("record") => OnCancel::Record,
                    _ => return Err(bad(UNTIL_CANCELLED)),
                },
            },
            "continue_as_new_until" => Step::ContinueAsNewUntil {
                until: value.as_u64().ok_or_else(|| bad("an iteration number"))?,
            },
            "fail" => Step::Fail {
                failure: value.clone(),
            },
            "log" => Step::Log { text: text()? },
            "wait_signal" => Step::WaitSignal { name: text()? },
            "publish_query" => {
                let fields = fields(&["name", "value"], "name", PUBLISH_QUERY)?;
                Step::PublishQuery {
                    name: fields["name"].as_str().unwrap_or_default().to_owned(),
                    value: fields.get("value").cloned(),
                }
            }
            "details" => Step::Details { text: text()? },
            "wait_update" => {
                let fields = fields(
                    &["name", "reject_if", "fail_if", "result"],
                    "name",
                    WAIT_UPDATE,
                )?;
                Step::WaitUpdate {
                    name: fields["name"].as_str().unwrap_or_default().to_owned(),
                    reject_if: fields.get("reject_if").cloned(),
                    fail_if: fields.get("fail_if").cloned(),
                    result: fields.get("result").cloned(),
                }
            }
            "child" => Step::Child {
                options: object("a child_workflow_options object")?,
                cancel_after_ms: modifier(
                    step,
                    "cancel_after_ms",
                    Value::as_u64,
                    "a whole number",
                )?,
            },
            "signal_external" => Step::SignalExternal {
                request: object("a signal_external_workflow request object")?,
            },
            "cancel_external" => Step::CancelExternal {
                request: object("a cancel_external_workflow request object")?,
            },
            "upsert_search_attributes" => Step::UpsertSearchAttributes {
                attributes: object("an object of search attribute values")?,
            },
            "upsert_memo" => Step::UpsertMemo {
                memo: object("an object of memo values")?,
            },
            "metric" => Step::Metric {
                request: object("an emit_metric request object")?,
            },
            "workflow_info" => Step::WorkflowInfo,
            _ => unreachable!("every kind in KINDS has an arm"),
        })
    }
}

/// Reads the optional key `key` next to a step's kind (absent: `None`) with `read`.
fn modifier<T>(
    step: &Value,
    key: &str,
    read: fn(&Value) -> Option<T>,
    expected: &str,
) -> Result<Option<T>, String> {
    step.get(key)
        .map(|value| read(value).ok_or_else(|| format!("step {step}: {key} must be {expected}")))
        .transpose()
}

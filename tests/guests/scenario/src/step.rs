//! The steps of a script, parsed from JSON before any of them runs.
//!
//! Parsing the whole script first means a typo in a test's script fails the workflow at once,
//! with no command issued, instead of after the steps before it have run. Parsing is strict
//! about keys (an unknown one is an error) and lenient about values the worker itself validates
//! (a zero duration is passed on), so tests can also script guest bugs.

use serde_json::{Map, Value};

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

/// One step of a script: what it calls, with the values it calls it with.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Start a timer and wait for it.
    Sleep { duration_ms: u64 },
    /// Start an activity and wait for its result.
    Activity {
        /// `activity_options`, passed to the host as given (but for `args_from_results`).
        options: Map<String, Value>,
        /// Replace `args` with one payload of the results so far, so history records what the
        /// workflow computed and a replay that computes otherwise is caught.
        args_from_results: bool,
        /// Cancel the activity if it has not finished this long after it started.
        cancel_after_ms: Option<u64>,
    },
    /// Start an HTTP activity and wait for its result.
    Http {
        /// `http_request`, passed to the host as given.
        request: Map<String, Value>,
        /// Cancel the HTTP activity if it has not finished this long after it started.
        cancel_after_ms: Option<u64>,
    },
    /// Start a timer, cancel it after a shorter one fires, and take what the cancel gave.
    CancelTimer {
        /// The timer that is cancelled; long enough never to fire first.
        duration_ms: u64,
        /// The timer that says when to cancel it.
        after_ms: u64,
    },
    /// Read workflow time.
    Now,
    /// Read `len` deterministic random bytes.
    Random { len: u32 },
    /// Ask whether this run takes the new code path of patch `id`.
    Patched { id: String, deprecated: bool },
    /// Ask whether the host is replaying.
    IsReplaying,
    /// Sleep, or react to the workflow's cancellation if it is requested first.
    UntilCancelled {
        /// How long to wait for the cancellation before giving up on it.
        sleep_ms: u64,
        /// What a cancellation that came in time does.
        then: OnCancel,
    },
    /// Continue as new (with iteration + 1) until the iteration reaches `until`.
    ContinueAsNewUntil { until: u64 },
    /// Fail the workflow with this `failure` JSON, verbatim.
    Fail { failure: Value },
    /// Log `text` at info level.
    Log { text: String },
    /// Wait for the next signal named `name`.
    WaitSignal { name: String },
    /// Publish `value` (`None`: no payload) as the answer to query `name`.
    PublishQuery { name: String, value: Option<Value> },
    /// Say what the workflow is doing now (`set_current_details`).
    Details { text: String },
    /// Wait for an update named `name` and answer it; updates refused on the way (rejected or
    /// failed) do not end the step.
    WaitUpdate {
        name: String,
        /// Reject (the validator) an update whose first argument equals this.
        reject_if: Option<Value>,
        /// Accept, then fail, an update whose first argument equals this.
        fail_if: Option<Value>,
        /// What an update that is neither refused completes with; its first argument if absent.
        result: Option<Value>,
    },
    /// Start a child workflow and wait for its result.
    Child {
        /// `child_workflow_options`, passed to the host as given.
        options: Map<String, Value>,
        /// Cancel the child if it has not finished this long after it started.
        cancel_after_ms: Option<u64>,
    },
    /// Signal another workflow (`signal_external_workflow`, the request verbatim) and wait
    /// until it was delivered.
    SignalExternal { request: Map<String, Value> },
    /// Ask for another workflow's cancellation (`cancel_external_workflow`, the request
    /// verbatim) and wait until it was requested.
    CancelExternal { request: Map<String, Value> },
    /// `upsert_search_attributes` with these JSON values, verbatim.
    UpsertSearchAttributes { attributes: Map<String, Value> },
    /// `upsert_memo`: each JSON value as a `json/plain` payload, `null` as `null` (removal).
    UpsertMemo { memo: Map<String, Value> },
    /// `emit_metric` with this request, verbatim.
    Metric { request: Map<String, Value> },
    /// Give `info.workflow_info` as the host wrote it.
    WorkflowInfo,
}

/// What `until_cancelled` does once the workflow's cancellation is requested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnCancel {
    /// End the run as cancelled, as a workflow that honours cancellation does.
    CompleteAsCancelled,
    /// Note it in the results and go on, as a workflow that cleans up first does.
    Record,
}

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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn parse(step: Value) -> Result<Step, String> {
        Step::parse(&step)
    }

    #[test]
    fn parses_every_kind() {
        let cases = [
            (json!({"sleep_ms": 5}), Step::Sleep { duration_ms: 5 }),
            (
                json!({"cancel_timer": {"duration_ms": 9000, "after_ms": 10}}),
                Step::CancelTimer {
                    duration_ms: 9000,
                    after_ms: 10,
                },
            ),
            (json!({"now": true}), Step::Now),
            (json!({"random": 8}), Step::Random { len: 8 }),
            (
                json!({"patched": "v2"}),
                Step::Patched {
                    id: "v2".into(),
                    deprecated: false,
                },
            ),
            (
                json!({"patched": "v2", "deprecated": true}),
                Step::Patched {
                    id: "v2".into(),
                    deprecated: true,
                },
            ),
            (json!({"is_replaying": true}), Step::IsReplaying),
            (
                json!({"until_cancelled": {"sleep_ms": 100, "then": "record"}}),
                Step::UntilCancelled {
                    sleep_ms: 100,
                    then: OnCancel::Record,
                },
            ),
            (
                json!({"until_cancelled": {"sleep_ms": 1, "then": "complete_as_cancelled"}}),
                Step::UntilCancelled {
                    sleep_ms: 1,
                    then: OnCancel::CompleteAsCancelled,
                },
            ),
            (
                json!({"continue_as_new_until": 3}),
                Step::ContinueAsNewUntil { until: 3 },
            ),
            (
                json!({"fail": {"message": "no"}}),
                Step::Fail {
                    failure: json!({"message": "no"}),
                },
            ),
            (json!({"log": "hi"}), Step::Log { text: "hi".into() }),
            (
                json!({"wait_signal": "go"}),
                Step::WaitSignal { name: "go".into() },
            ),
            (
                json!({"publish_query": {"name": "status", "value": {"at": 1}}}),
                Step::PublishQuery {
                    name: "status".into(),
                    value: Some(json!({"at": 1})),
                },
            ),
            (
                json!({"publish_query": {"name": "status"}}),
                Step::PublishQuery {
                    name: "status".into(),
                    value: None,
                },
            ),
            (
                json!({"details": "packing"}),
                Step::Details {
                    text: "packing".into(),
                },
            ),
            (
                json!({"wait_update": {"name": "approve"}}),
                Step::WaitUpdate {
                    name: "approve".into(),
                    reject_if: None,
                    fail_if: None,
                    result: None,
                },
            ),
            (
                json!({"wait_update": {"name": "approve", "reject_if": null, "fail_if": 2,
                                       "result": "ok"}}),
                Step::WaitUpdate {
                    name: "approve".into(),
                    reject_if: Some(Value::Null),
                    fail_if: Some(json!(2)),
                    result: Some(json!("ok")),
                },
            ),
            (
                json!({"child": {"workflow_type": "Scenario"}}),
                Step::Child {
                    options: json!({"workflow_type": "Scenario"})
                        .as_object()
                        .unwrap()
                        .clone(),
                    cancel_after_ms: None,
                },
            ),
            (
                json!({"child": {"workflow_type": "Scenario"}, "cancel_after_ms": 5}),
                Step::Child {
                    options: json!({"workflow_type": "Scenario"})
                        .as_object()
                        .unwrap()
                        .clone(),
                    cancel_after_ms: Some(5),
                },
            ),
            (
                json!({"signal_external": {"workflow_id": "w", "signal_name": "go"}}),
                Step::SignalExternal {
                    request: json!({"workflow_id": "w", "signal_name": "go"})
                        .as_object()
                        .unwrap()
                        .clone(),
                },
            ),
            (
                json!({"cancel_external": {"workflow_id": "w"}}),
                Step::CancelExternal {
                    request: json!({"workflow_id": "w"}).as_object().unwrap().clone(),
                },
            ),
            (
                json!({"upsert_search_attributes": {"Stage": "packed"}}),
                Step::UpsertSearchAttributes {
                    attributes: json!({"Stage": "packed"}).as_object().unwrap().clone(),
                },
            ),
            (
                json!({"upsert_memo": {"note": [1], "gone": null}}),
                Step::UpsertMemo {
                    memo: json!({"note": [1], "gone": null})
                        .as_object()
                        .unwrap()
                        .clone(),
                },
            ),
            (
                json!({"metric": {"name": "orders", "kind": "counter", "value": 1}}),
                Step::Metric {
                    request: json!({"name": "orders", "kind": "counter", "value": 1})
                        .as_object()
                        .unwrap()
                        .clone(),
                },
            ),
            (json!({"workflow_info": true}), Step::WorkflowInfo),
        ];
        for (json, step) in cases {
            assert_eq!(parse(json.clone()), Ok(step), "{json}");
        }
    }

    #[test]
    fn parses_activity_options_and_modifiers() {
        let options = json!({"activity_type": "echo", "start_to_close_timeout_ms": 1000});
        assert_eq!(
            parse(json!({"activity": options.clone()})),
            Ok(Step::Activity {
                options: options.as_object().unwrap().clone(),
                args_from_results: false,
                cancel_after_ms: None,
            })
        );
        assert_eq!(
            parse(json!({"activity": options, "args_from_results": true, "cancel_after_ms": 50})),
            Ok(Step::Activity {
                options: options.as_object().unwrap().clone(),
                args_from_results: true,
                cancel_after_ms: Some(50),
            })
        );
    }

    #[test]
    fn parses_http_requests_and_their_cancel_after_ms() {
        let request = json!({"method": "GET", "url": "http://127.0.0.1:1/x", "local": true});
        assert_eq!(
            parse(json!({"http": request.clone()})),
            Ok(Step::Http {
                request: request.as_object().unwrap().clone(),
                cancel_after_ms: None,
            })
        );
        assert_eq!(
            parse(json!({"http": request.clone(), "cancel_after_ms": 250})),
            Ok(Step::Http {
                request: request.as_object().unwrap().clone(),
                cancel_after_ms: Some(250),
            })
        );
        assert!(
            parse(json!({"http": request, "args_from_results": true}))
                .unwrap_err()
                .starts_with(r#"unknown key "args_from_results""#)
        );
    }

    #[test]
    fn passes_values_the_worker_validates() {
        assert_eq!(
            parse(json!({"sleep_ms": 0})),
            Ok(Step::Sleep { duration_ms: 0 })
        );
    }

    #[test]
    fn refuses_unknown_steps_and_keys() {
        assert_eq!(
            parse(json!({"jump": 1})),
            Err(r#"unknown step {"jump":1}"#.into())
        );
        assert!(
            parse(json!("sleep_ms"))
                .unwrap_err()
                .starts_with("unknown step")
        );
        assert_eq!(
            parse(json!({"sleep_ms": 5, "cancel_after_ms": 1})),
            Err(
                r#"unknown key "cancel_after_ms" in step {"cancel_after_ms":1,"sleep_ms":5}"#
                    .into()
            )
        );
        assert!(
            parse(json!({"sleep_ms": 5, "log": "x"}))
                .unwrap_err()
                .contains("two kinds")
        );
        assert!(
            parse(json!({"wait_update": {"name": "approve", "reject": 1}}))
                .unwrap_err()
                .starts_with(r#"unknown key "reject""#)
        );
        assert!(
            parse(json!({"metric": {}, "cancel_after_ms": 1}))
                .unwrap_err()
                .starts_with(r#"unknown key "cancel_after_ms""#)
        );
    }

    #[test]
    fn refuses_values_of_the_wrong_shape() {
        for step in [
            json!({"sleep_ms": "5"}),
            json!({"sleep_ms": -1}),
            json!({"activity": "echo"}),
            json!({"activity": {}, "args_from_results": 1}),
            json!({"http": "GET http://a/"}),
            json!({"http": {}, "cancel_after_ms": -1}),
            json!({"cancel_timer": {"duration_ms": 5}}),
            json!({"random": 1u64 << 33}),
            json!({"patched": 1}),
            json!({"until_cancelled": {"sleep_ms": 5, "then": "ignore"}}),
            json!({"continue_as_new_until": true}),
            json!({"log": null}),
            json!({"wait_signal": ["go"]}),
            json!({"publish_query": "status"}),
            json!({"publish_query": {"value": 1}}),
            json!({"details": 7}),
            json!({"wait_update": {"name": 1}}),
            json!({"child": "Scenario"}),
            json!({"child": {}, "cancel_after_ms": "soon"}),
            json!({"signal_external": "w"}),
            json!({"cancel_external": null}),
            json!({"upsert_search_attributes": []}),
            json!({"upsert_memo": 1}),
            json!({"metric": "orders"}),
        ] {
            assert!(
                parse(step.clone()).unwrap_err().starts_with("step "),
                "{step}"
            );
        }
    }
}

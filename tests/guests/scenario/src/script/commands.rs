//! The command steps: `sleep_ms`, `activity`, `http`, `cancel_timer`, `child`,
//! `signal_external` and `cancel_external`. Each starts its command, waits for it (racing a
//! `cancel_after_ms` timer where the step has one) and gives its outcome.

use serde_json::{Map, Value, json};

use super::{Ending, Host, failure, wait_and_take};
use crate::base64;
use crate::payload::Payload;

/// `sleep_ms`: the timer's result JSON.
pub(super) fn sleep(host: &mut impl Host, duration_ms: u64) -> Result<Value, Ending> {
    let timer = host.start_timer(&json!({"duration_ms": duration_ms}));
    wait_and_take(host, timer)
}

/// `activity`: its outcome, with `args` replaced by the results so far if the step asks.
pub(super) fn activity(
    host: &mut impl Host,
    options: &Map<String, Value>,
    args_from_results: bool,
    cancel_after_ms: Option<u64>,
    results: &[Value],
) -> Result<Value, Ending> {
    let mut options = options.clone();
    if args_from_results {
        let results = Payload::json(&Value::from(results.to_vec()));
        options.insert("args".into(), json!([results.to_value()]));
    }
    let activity = host.start_activity(&Value::Object(options));
    outcome_cancelled_after(host, activity, cancel_after_ms)
}

/// `http`: its outcome, with the body also as text.
pub(super) fn http(
    host: &mut impl Host,
    request: &Map<String, Value>,
    cancel_after_ms: Option<u64>,
) -> Result<Value, Ending> {
    let http = host.start_http_activity(&Value::Object(request.clone()));
    outcome_cancelled_after(host, http, cancel_after_ms).map(with_body_text)
}

/// `cancel_timer`: what the cancelled long timer resolves with.
pub(super) fn cancel_timer(
    host: &mut impl Host,
    duration_ms: u64,
    after_ms: u64,
) -> Result<Value, Ending> {
    let long = host.start_timer(&json!({"duration_ms": duration_ms}));
    let short = host.start_timer(&json!({"duration_ms": after_ms}));
    host.wait(&[short]);
    host.cancel(long);
    wait_and_take(host, long)
}

/// `child`: its outcome.
pub(super) fn child(
    host: &mut impl Host,
    options: &Map<String, Value>,
    cancel_after_ms: Option<u64>,
) -> Result<Value, Ending> {
    let child = host.start_child_workflow(&Value::Object(options.clone()));
    outcome_cancelled_after(host, child, cancel_after_ms)
}

/// `signal_external`: the result JSON once the signal was delivered.
pub(super) fn signal_external(
    host: &mut impl Host,
    request: &Map<String, Value>,
) -> Result<Value, Ending> {
    let signal = host.signal_external_workflow(&Value::Object(request.clone()));
    wait_and_take(host, signal)
}

/// `cancel_external`: the result JSON once the cancellation was requested.
pub(super) fn cancel_external(
    host: &mut impl Host,
    request: &Map<String, Value>,
) -> Result<Value, Ending> {
    let cancel = host.cancel_external_workflow(&Value::Object(request.clone()));
    wait_and_take(host, cancel)
}

/// Waits for `handle` (an activity or child) and gives its outcome; with `cancel_after_ms`, a
/// timer races it and the handle is cancelled if the timer comes first.
fn outcome_cancelled_after(
    host: &mut impl Host,
    handle: u32,
    cancel_after_ms: Option<u64>,
) -> Result<Value, Ending> {
    let Some(cancel_after_ms) = cancel_after_ms else {
        return decoded_outcome(wait_and_take(host, handle)?);
    };
    let timer = host.start_timer(&json!({"duration_ms": cancel_after_ms}));
    host.wait(&[handle, timer]);
    // `wait` prefers the handle when both are ready, so "still not ready" is exactly "the timer
    // came first"; asking `is_ready` exercises that call too. The timer is left pending when the
    // handle wins: nothing waits on it again.
    let cancel_requested = !host.is_ready(handle);
    if cancel_requested {
        host.cancel(handle);
    }
    let result = decoded_outcome(wait_and_take(host, handle)?)?;
    Ok(json!({"cancel_requested": cancel_requested, "result": result}))
}

/// An activity's or child's step result: a completion with its payload decoded, so tests
/// compare plain values; a failure or cancellation exactly as the host reported it.
fn decoded_outcome(result: Value) -> Result<Value, Ending> {
    let Some(completed) = result.get("completed") else {
        if result.get("failed").is_some() || result.get("cancelled").is_some() {
            return Ok(result);
        }
        return Err(failure(
            "BadHostJson",
            format!("a result is neither completed, failed nor cancelled: {result}"),
        ));
    };
    let bad_host = |what: &str| failure("BadHostJson", format!("{what}: {result}"));
    let payloads: Vec<Payload> = serde_json::from_value(completed.clone())
        .map_err(|err| bad_host(&format!("completed is not a list of payloads ({err})")))?;
    let value = match payloads.first() {
        None => Value::Null,
        Some(payload) => payload
            .decode()
            .map_err(|err| failure("BadPayload", format!("the result's payload: {err}")))?,
    };
    Ok(json!({"completed": value}))
}

/// An HTTP step's outcome with the completed `http_response`'s body also as `body_text`, when
/// it is UTF-8, so tests read what the server sent without decoding base64; `body` stays as the
/// host gave it. Applies inside the `result` of a `cancel_after_ms` step too.
fn with_body_text(mut outcome: Value) -> Value {
    if let Some(result) = outcome.get_mut("result") {
        *result = with_body_text(result.take());
        return outcome;
    }
    let Some(response) = outcome.get_mut("completed").and_then(Value::as_object_mut) else {
        return outcome;
    };
    let text = response
        .get("body")
        .and_then(Value::as_str)
        .and_then(|body| base64::decode(body).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok());
    if let Some(text) = text {
        response.insert("body_text".into(), text.into());
    }
    outcome
}

//! The steps that tell the world: `publish_query`, `details`, `log`, `upsert_search_attributes`,
//! `upsert_memo` and `metric`. Each is one call that waits for nothing; its result is `null`.

use serde_json::{Map, Value};

use super::{Ending, Host};
use crate::payload::Payload;

/// `publish_query`: `set_query_result` with `[json/plain value]`, or `[]` without a value.
pub(super) fn query(
    host: &mut impl Host,
    name: &str,
    value: &Option<Value>,
) -> Result<Value, Ending> {
    let payloads: Vec<Value> = value
        .iter()
        .map(|value| Payload::json(value).to_value())
        .collect();
    host.set_query_result(name, &Value::from(payloads));
    Ok(Value::Null)
}

/// `details`: `set_current_details`.
pub(super) fn details(host: &mut impl Host, text: &str) -> Result<Value, Ending> {
    host.set_current_details(text);
    Ok(Value::Null)
}

/// `log`: `write_log` at info level.
pub(super) fn log(host: &mut impl Host, text: &str) -> Result<Value, Ending> {
    host.log(3, text);
    Ok(Value::Null)
}

/// `upsert_search_attributes`, verbatim.
pub(super) fn search_attributes(
    host: &mut impl Host,
    attributes: &Map<String, Value>,
) -> Result<Value, Ending> {
    host.upsert_search_attributes(&Value::Object(attributes.clone()));
    Ok(Value::Null)
}

/// `upsert_memo`: each value as a `json/plain` payload, `null` kept (it removes the key).
pub(super) fn memo(host: &mut impl Host, memo: &Map<String, Value>) -> Result<Value, Ending> {
    let memo: Map<String, Value> = memo
        .iter()
        .map(|(key, value)| {
            let payload = match value {
                Value::Null => Value::Null,
                value => Payload::json(value).to_value(),
            };
            (key.clone(), payload)
        })
        .collect();
    host.upsert_memo(&Value::Object(memo));
    Ok(Value::Null)
}

/// `metric`: `emit_metric`, verbatim.
pub(super) fn metric(host: &mut impl Host, request: &Map<String, Value>) -> Result<Value, Ending> {
    host.emit_metric(&Value::Object(request.clone()));
    Ok(Value::Null)
}

//! The message steps: `wait_signal`, `wait_update` and `until_cancelled`, which wait on the
//! inbound channels for what the world sends the workflow.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{Ending, Host, failure, take, wait_and_take};
use crate::payload::Payload;
use crate::step::OnCancel;

/// An item of an update channel.
#[derive(Deserialize)]
struct UpdateItem {
    /// What `respond_update` names it by.
    update_id: String,
    /// Its arguments.
    #[serde(default)]
    args: Vec<Payload>,
}

/// `wait_signal`: the next signal's result JSON.
pub(super) fn wait_signal(host: &mut impl Host, name: &str) -> Result<Value, Ending> {
    let channel = host.signal_channel(name);
    wait_and_take(host, channel)
}

/// `until_cancelled`: `"not_cancelled"` if the timer fires first; on cancellation `"cancelled"`,
/// or the end of the run as cancelled at step `index`.
pub(super) fn until_cancelled(
    host: &mut impl Host,
    index: usize,
    sleep_ms: u64,
    then: OnCancel,
) -> Result<Value, Ending> {
    let cancellation = host.cancellation_channel();
    let timer = host.start_timer(&json!({"duration_ms": sleep_ms}));
    if host.wait(&[cancellation, timer]) == timer {
        return Ok("not_cancelled".into());
    }
    take(host, cancellation)?;
    match then {
        OnCancel::Record => Ok("cancelled".into()),
        OnCancel::CompleteAsCancelled => {
            let details = Payload::json(&format!("cancelled at step {index}").into());
            Err(Ending::Cancelled(json!({"details": [details.to_value()]})))
        }
    }
}

/// Takes updates named `name` until one is neither rejected nor failed, answers each, and gives
/// the arguments of the one it completed. Only the completed update decides the result: a
/// rejected update never reaches history, so a replay does not see it again.
pub(super) fn wait_update(
    host: &mut impl Host,
    name: &str,
    reject_if: &Option<Value>,
    fail_if: &Option<Value>,
    result: &Option<Value>,
) -> Result<Value, Ending> {
    let channel = host.update_channel(name);
    loop {
        let item = wait_and_take(host, channel)?;
        let update: UpdateItem = serde_json::from_value(item.clone()).map_err(|err| {
            failure(
                "BadHostJson",
                format!("an update item is not {{update_id, args}} ({err}): {item}"),
            )
        })?;
        let args = update
            .args
            .iter()
            .map(Payload::decode)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|err| failure("BadPayload", format!("update `{name}`'s argument: {err}")))?;
        let first = args.first().cloned().unwrap_or(Value::Null);
        let refusal = |verdict: &str| {
            json!({"message": format!("update `{name}` {verdict} {first}"), "type": "Refused",
                   "non_retryable": true})
        };
        if reject_if.as_ref() == Some(&first) {
            host.respond_update(&update.update_id, &json!({"rejected": refusal("rejects")}));
            continue;
        }
        if fail_if.as_ref() == Some(&first) {
            host.respond_update(&update.update_id, &json!({"failed": refusal("fails on")}));
            continue;
        }
        let answer = result.clone().unwrap_or(first);
        let completed = json!({"completed": [Payload::json(&answer).to_value()]});
        host.respond_update(&update.update_id, &completed);
        return Ok(Value::from(args));
    }
}

//! Running a script: each step as the ABI v1 calls it makes, against a [`Host`].
//!
//! The script never calls the imports directly: on wasm32 [`Host`] is the worker (`host.rs`),
//! in unit tests a scripted fake, so the order of calls and the shape of every result are tested
//! without a worker.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::base64;
use crate::payload::Payload;
use crate::step::{OnCancel, Step};

/// The ABI v1 calls a script makes, minus the ones that end the run (those are an [`Ending`]).
pub trait Host {
    /// `start_timer` with `{"duration_ms": N}`.
    fn start_timer(&mut self, options: &Value) -> u32;
    /// `start_activity` with `activity_options`.
    fn start_activity(&mut self, options: &Value) -> u32;
    /// `start_http_activity` with `http_request`.
    fn start_http_activity(&mut self, request: &Value) -> u32;
    /// `cancel`.
    fn cancel(&mut self, handle: u32);
    /// `wait`: the first of `handles`, in order, that is ready.
    fn wait(&mut self, handles: &[u32]) -> u32;
    /// `is_ready`.
    fn is_ready(&mut self, handle: u32) -> bool;
    /// `result_len` then `take_result`: the ready handle's result JSON, consumed.
    fn take_result(&mut self, handle: u32) -> Vec<u8>;
    /// `cancellation_channel`.
    fn cancellation_channel(&mut self) -> u32;
    /// `signal_channel`.
    fn signal_channel(&mut self, name: &str) -> u32;
    /// `now`.
    fn now(&mut self) -> i64;
    /// `random` into `len` bytes.
    fn random(&mut self, len: u32) -> Vec<u8>;
    /// `patched`.
    fn patched(&mut self, id: &str, deprecated: bool) -> i32;
    /// `is_replaying`.
    fn is_replaying(&mut self) -> i32;
    /// `write_log` at `level` (1 error … 5 trace).
    fn log(&mut self, level: u32, message: &str);
    /// `start_child_workflow` with `child_workflow_options`.
    fn start_child_workflow(&mut self, options: &Value) -> u32;
    /// `signal_external_workflow`.
    fn signal_external_workflow(&mut self, request: &Value) -> u32;
    /// `cancel_external_workflow`.
    fn cancel_external_workflow(&mut self, request: &Value) -> u32;
    /// `update_channel`.
    fn update_channel(&mut self, name: &str) -> u32;
    /// `respond_update` to the taken update `update_id`.
    fn respond_update(&mut self, update_id: &str, answer: &Value);
    /// `set_query_result` with `[payload]` (or `[]`).
    fn set_query_result(&mut self, name: &str, payloads: &Value);
    /// `set_current_details`.
    fn set_current_details(&mut self, text: &str);
    /// `upsert_search_attributes`.
    fn upsert_search_attributes(&mut self, attributes: &Value);
    /// `upsert_memo` with payloads (or `null`) by key.
    fn upsert_memo(&mut self, memo: &Value);
    /// `emit_metric`.
    fn emit_metric(&mut self, metric: &Value);
}

/// How the run ends: the call `run` makes last, with its JSON.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    /// `complete` with this `[payload]`.
    Complete(Value),
    /// `complete_with_failure` with this `failure`.
    Fail(Value),
    /// `complete_as_cancelled` with this `{"details": [payload]}`.
    Cancelled(Value),
    /// `continue_as_new` with these options.
    ContinueAsNew(Value),
}

/// An item of an update channel.
#[derive(Deserialize)]
struct UpdateItem {
    /// What `respond_update` names it by.
    update_id: String,
    /// Its arguments.
    #[serde(default)]
    args: Vec<Payload>,
}

/// The part of `info` the scenario reads; the rest is ignored, as the ABI asks of guests.
#[derive(Deserialize)]
struct Info {
    /// The workflow's arguments; the script is the first.
    #[serde(default)]
    params: Vec<Payload>,
    /// Who the workflow is, for the `workflow_info` step.
    #[serde(default)]
    workflow_info: Value,
}

/// The script's JSON, before its steps are parsed. Unknown keys are refused: a misspelt
/// `iteration` would otherwise silently restart the count.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScriptJson {
    /// The steps, each parsed by [`Step::parse`].
    steps: Vec<Value>,
    /// How many times the run has continued as new to get here.
    #[serde(default)]
    iteration: u64,
}

/// A parsed script and what it needs to continue as new with itself.
struct Script {
    /// The script as given, continued as new with only `iteration` changed.
    source: Map<String, Value>,
    /// The steps, in order.
    steps: Vec<Step>,
    /// This run's iteration, from the script.
    iteration: u64,
    /// `info.workflow_info`, as the host wrote it.
    workflow_info: Value,
}

/// Runs the script in `info_json`'s `params[0]` and says how the run ends.
pub fn run(host: &mut impl Host, info_json: &[u8]) -> Ending {
    match Script::from_info(info_json).and_then(|script| script.run(host)) {
        Ok(ending) | Err(ending) => ending,
    }
}

impl Script {
    /// Reads and parses the whole script, so a bad one fails before any command.
    fn from_info(info_json: &[u8]) -> Result<Script, Ending> {
        let info: Info = serde_json::from_slice(info_json)
            .map_err(|err| failure("BadHostJson", format!("info is not valid JSON: {err}")))?;
        let param = info.params.first().ok_or_else(|| {
            failure(
                "BadScript",
                "the scenario takes its script as params[0]".into(),
            )
        })?;
        let source = param
            .decode()
            .map_err(|err| failure("BadScript", format!("params[0]: {err}")))?;
        let script: ScriptJson = serde_json::from_value(source.clone())
            .map_err(|err| failure("BadScript", format!("params[0] is not a script: {err}")))?;
        let steps = script
            .steps
            .iter()
            .enumerate()
            .map(|(index, step)| {
                Step::parse(step)
                    .map_err(|err| failure("BadScript", format!("step {index}: {err}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Script {
            source: source.as_object().cloned().unwrap_or_default(),
            steps,
            iteration: script.iteration,
            workflow_info: info.workflow_info,
        })
    }

    /// Runs every step, then completes with their results; a step may end the run sooner.
    fn run(&self, host: &mut impl Host) -> Result<Ending, Ending> {
        let mut results = Vec::with_capacity(self.steps.len());
        for (index, step) in self.steps.iter().enumerate() {
            let result = self.step(host, index, step, &results)?;
            results.push(result);
        }
        let output = json!({"results": results, "iteration": self.iteration});
        Ok(Ending::Complete(json!([Payload::json(&output).to_value()])))
    }

    /// Runs step number `index`, given the results of the steps before it.
    fn step(
        &self,
        host: &mut impl Host,
        index: usize,
        step: &Step,
        results: &[Value],
    ) -> Result<Value, Ending> {
        match step {
            Step::Sleep { duration_ms } => {
                let timer = host.start_timer(&json!({"duration_ms": duration_ms}));
                wait_and_take(host, timer)
            }
            Step::Activity {
                options,
                args_from_results,
                cancel_after_ms,
            } => {
                let mut options = options.clone();
                if *args_from_results {
                    let results = Payload::json(&Value::from(results.to_vec()));
                    options.insert("args".into(), json!([results.to_value()]));
                }
                let activity = host.start_activity(&Value::Object(options));
                outcome_cancelled_after(host, activity, *cancel_after_ms)
            }
            Step::Http {
                request,
                cancel_after_ms,
            } => {
                let http = host.start_http_activity(&Value::Object(request.clone()));
                outcome_cancelled_after(host, http, *cancel_after_ms).map(with_body_text)
            }
            Step::CancelTimer {
                duration_ms,
                after_ms,
            } => {
                let long = host.start_timer(&json!({"duration_ms": duration_ms}));
                let short = host.start_timer(&json!({"duration_ms": after_ms}));
                host.wait(&[short]);
                host.cancel(long);
                wait_and_take(host, long)
            }
            Step::Now => Ok(host.now().into()),
            Step::Random { len } => Ok(hex(&host.random(*len)).into()),
            Step::Patched { id, deprecated } => Ok(host.patched(id, *deprecated).into()),
            Step::IsReplaying => Ok(host.is_replaying().into()),
            Step::UntilCancelled { sleep_ms, then } => {
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
            Step::ContinueAsNewUntil { until } => {
                if self.iteration >= *until {
                    return Ok(self.iteration.into());
                }
                let mut next = self.source.clone();
                next.insert("iteration".into(), (self.iteration + 1).into());
                let args = Payload::json(&Value::Object(next));
                Err(Ending::ContinueAsNew(json!({"args": [args.to_value()]})))
            }
            Step::Fail { failure } => Err(Ending::Fail(failure.clone())),
            Step::Log { text } => {
                host.log(3, text);
                Ok(Value::Null)
            }
            Step::WaitSignal { name } => {
                let channel = host.signal_channel(name);
                wait_and_take(host, channel)
            }
            Step::PublishQuery { name, value } => {
                let payloads: Vec<Value> = value
                    .iter()
                    .map(|value| Payload::json(value).to_value())
                    .collect();
                host.set_query_result(name, &Value::from(payloads));
                Ok(Value::Null)
            }
            Step::Details { text } => {
                host.set_current_details(text);
                Ok(Value::Null)
            }
            Step::WaitUpdate {
                name,
                reject_if,
                fail_if,
                result,
            } => wait_update(host, name, reject_if, fail_if, result),
            Step::Child {
                options,
                cancel_after_ms,
            } => {
                let child = host.start_child_workflow(&Value::Object(options.clone()));
                outcome_cancelled_after(host, child, *cancel_after_ms)
            }
            Step::SignalExternal { request } => {
                let signal = host.signal_external_workflow(&Value::Object(request.clone()));
                wait_and_take(host, signal)
            }
            Step::CancelExternal { request } => {
                let cancel = host.cancel_external_workflow(&Value::Object(request.clone()));
                wait_and_take(host, cancel)
            }
            Step::UpsertSearchAttributes { attributes } => {
                host.upsert_search_attributes(&Value::Object(attributes.clone()));
                Ok(Value::Null)
            }
            Step::UpsertMemo { memo } => {
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
            Step::Metric { request } => {
                host.emit_metric(&Value::Object(request.clone()));
                Ok(Value::Null)
            }
            Step::WorkflowInfo => Ok(self.workflow_info.clone()),
        }
    }
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

/// Takes updates named `name` until one is neither rejected nor failed, answers each, and gives
/// the arguments of the one it completed. Only the completed update decides the result: a
/// rejected update never reaches history, so a replay does not see it again.
fn wait_update(
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

/// Waits until `handle` is ready and takes its result.
fn wait_and_take(host: &mut impl Host, handle: u32) -> Result<Value, Ending> {
    host.wait(&[handle]);
    take(host, handle)
}

/// Takes the ready `handle`'s result and parses it.
fn take(host: &mut impl Host, handle: u32) -> Result<Value, Ending> {
    let json = host.take_result(handle);
    serde_json::from_slice(&json).map_err(|err| {
        failure(
            "BadHostJson",
            format!(
                "the result of handle {handle} is not JSON ({err}): {}",
                String::from_utf8_lossy(&json)
            ),
        )
    })
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

/// A non-retryable failure of `kind`: the script or the host is wrong, retrying cannot help.
fn failure(kind: &str, message: String) -> Ending {
    Ending::Fail(json!({"message": message, "type": kind, "non_retryable": true}))
}

/// Lowercase hex of `bytes`, for the `random` step's result.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    /// A fake worker: handles are numbered in call order as the ABI says, each call is recorded,
    /// and a handle is ready once the test gave it a result (or, for `cancel`, a result on
    /// cancel).
    #[derive(Default)]
    struct FakeHost {
        /// Every call, as `name(arguments)`.
        calls: Vec<String>,
        /// The last handle given out.
        last_handle: u32,
        /// The result JSON of each ready handle.
        ready: HashMap<u32, String>,
        /// The result JSON a handle gets when it is cancelled.
        on_cancel: HashMap<u32, String>,
        /// Items a channel handle gets next, in order, once its ready one is taken.
        then: HashMap<u32, Vec<String>>,
    }

    impl FakeHost {
        fn handle(&mut self, call: String) -> u32 {
            self.calls.push(call);
            self.last_handle += 1;
            self.last_handle
        }
    }

    impl Host for FakeHost {
        fn start_timer(&mut self, options: &Value) -> u32 {
            self.handle(format!("start_timer({options})"))
        }
        fn start_activity(&mut self, options: &Value) -> u32 {
            self.handle(format!("start_activity({options})"))
        }
        fn start_http_activity(&mut self, request: &Value) -> u32 {
            self.handle(format!("start_http_activity({request})"))
        }
        fn cancel(&mut self, handle: u32) {
            self.calls.push(format!("cancel({handle})"));
            if let Some(result) = self.on_cancel.remove(&handle) {
                self.ready.insert(handle, result);
            }
        }
        fn wait(&mut self, handles: &[u32]) -> u32 {
            self.calls.push(format!("wait({handles:?})"));
            *handles
                .iter()
                .find(|handle| self.ready.contains_key(handle))
                .expect("wait would block forever")
        }
        fn is_ready(&mut self, handle: u32) -> bool {
            self.ready.contains_key(&handle)
        }
        fn take_result(&mut self, handle: u32) -> Vec<u8> {
            let taken = self.ready.remove(&handle).expect("take of a ready handle");
            if let Some(next) = self.then.get_mut(&handle).filter(|next| !next.is_empty()) {
                self.ready.insert(handle, next.remove(0));
            }
            taken.into_bytes()
        }
        fn cancellation_channel(&mut self) -> u32 {
            self.handle("cancellation_channel()".into())
        }
        fn signal_channel(&mut self, name: &str) -> u32 {
            self.handle(format!("signal_channel({name})"))
        }
        fn now(&mut self) -> i64 {
            1_767_225_600_000
        }
        fn random(&mut self, len: u32) -> Vec<u8> {
            (0..len as u8).map(|i| i * 17).collect()
        }
        fn patched(&mut self, id: &str, deprecated: bool) -> i32 {
            self.calls.push(format!("patched({id}, {deprecated})"));
            1
        }
        fn is_replaying(&mut self) -> i32 {
            0
        }
        fn log(&mut self, level: u32, message: &str) {
            self.calls.push(format!("log({level}, {message})"));
        }
        fn start_child_workflow(&mut self, options: &Value) -> u32 {
            self.handle(format!("start_child_workflow({options})"))
        }
        fn signal_external_workflow(&mut self, request: &Value) -> u32 {
            self.handle(format!("signal_external_workflow({request})"))
        }
        fn cancel_external_workflow(&mut self, request: &Value) -> u32 {
            self.handle(format!("cancel_external_workflow({request})"))
        }
        fn update_channel(&mut self, name: &str) -> u32 {
            self.handle(format!("update_channel({name})"))
        }
        fn respond_update(&mut self, update_id: &str, answer: &Value) {
            self.calls
                .push(format!("respond_update({update_id}, {answer})"));
        }
        fn set_query_result(&mut self, name: &str, payloads: &Value) {
            self.calls
                .push(format!("set_query_result({name}, {payloads})"));
        }
        fn set_current_details(&mut self, text: &str) {
            self.calls.push(format!("set_current_details({text})"));
        }
        fn upsert_search_attributes(&mut self, attributes: &Value) {
            self.calls
                .push(format!("upsert_search_attributes({attributes})"));
        }
        fn upsert_memo(&mut self, memo: &Value) {
            self.calls.push(format!("upsert_memo({memo})"));
        }
        fn emit_metric(&mut self, metric: &Value) {
            self.calls.push(format!("emit_metric({metric})"));
        }
    }

    /// An update channel item with JSON `args`.
    fn update_item(id: &str, args: &[Value]) -> String {
        let args: Vec<Value> = args
            .iter()
            .map(|arg| Payload::json(arg).to_value())
            .collect();
        json!({"update_id": id, "args": args}).to_string()
    }

    /// `{"completed": [json/plain value]}`.
    fn completed_with(value: &Value) -> String {
        json!({"completed": [Payload::json(value).to_value()]}).to_string()
    }

    fn info(script: Value) -> Vec<u8> {
        json!({"params": [Payload::json(&script).to_value()], "workflow_info": {}})
            .to_string()
            .into_bytes()
    }

    /// The value inside a `complete` ending's single payload.
    fn completed(ending: Ending) -> Value {
        let Ending::Complete(payloads) = ending else {
            panic!("expected complete, got {ending:?}");
        };
        let payloads: Vec<Payload> = serde_json::from_value(payloads).unwrap();
        assert_eq!(payloads.len(), 1);
        payloads[0].decode().unwrap()
    }

    fn failure_type(ending: &Ending) -> &str {
        match ending {
            Ending::Fail(failure) => failure["type"].as_str().unwrap(),
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn sleeps_and_completes_with_the_timer_result() {
        let mut host = FakeHost::default();
        host.ready.insert(1, r#"{"completed": []}"#.into());
        let ending = run(&mut host, &info(json!({"steps": [{"sleep_ms": 5}]})));
        assert_eq!(
            completed(ending),
            json!({"results": [{"completed": []}], "iteration": 0})
        );
        assert_eq!(
            host.calls,
            [r#"start_timer({"duration_ms":5})"#, "wait([1])"]
        );
    }

    #[test]
    fn activity_result_is_decoded_and_args_can_carry_earlier_results() {
        let mut host = FakeHost::default();
        let value = Payload::json(&json!({"echo": 1})).to_value();
        host.ready
            .insert(1, json!({"completed": [value]}).to_string());
        let script = json!({"steps": [
            {"now": true},
            {"activity": {"activity_type": "echo"}, "args_from_results": true},
        ]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(results["results"][1], json!({"completed": {"echo": 1}}));
        let args = Payload::json(&json!([1_767_225_600_000i64])).to_value();
        let options = json!({"activity_type": "echo", "args": [args]});
        assert_eq!(host.calls[0], format!("start_activity({options})"));
    }

    #[test]
    fn activity_failure_is_kept_verbatim_and_no_payload_is_null() {
        let mut host = FakeHost::default();
        let failed = json!({"failed": {"message": "boom", "type": "Oops", "cause": {}}});
        host.ready.insert(1, failed.to_string());
        host.ready.insert(2, r#"{"completed": []}"#.into());
        let script = json!({"steps": [
            {"activity": {"activity_type": "fail_typed"}},
            {"activity": {"activity_type": "echo"}},
        ]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(results["results"], json!([failed, {"completed": null}]));
    }

    #[test]
    fn activity_still_running_after_cancel_after_ms_is_cancelled() {
        let mut host = FakeHost::default();
        host.ready.insert(2, r#"{"completed": []}"#.into());
        host.on_cancel
            .insert(1, r#"{"cancelled": {"message": "gone"}}"#.into());
        let script = json!({"steps": [
            {"activity": {"activity_type": "slow"}, "cancel_after_ms": 1000},
        ]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(
            results["results"][0],
            json!({"cancel_requested": true, "result": {"cancelled": {"message": "gone"}}})
        );
        assert_eq!(
            host.calls[1..],
            [
                r#"start_timer({"duration_ms":1000})"#,
                "wait([1, 2])",
                "cancel(1)",
                "wait([1])"
            ]
        );
    }

    #[test]
    fn activity_finished_before_cancel_after_ms_is_not_cancelled() {
        let mut host = FakeHost::default();
        let value = Payload::json(&json!("done")).to_value();
        host.ready
            .insert(1, json!({"completed": [value]}).to_string());
        host.ready.insert(2, r#"{"completed": []}"#.into());
        let script = json!({"steps": [
            {"activity": {"activity_type": "echo"}, "cancel_after_ms": 1000},
        ]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(
            results["results"][0],
            json!({"cancel_requested": false, "result": {"completed": "done"}})
        );
        assert!(!host.calls.iter().any(|call| call.starts_with("cancel")));
    }

    #[test]
    fn http_request_is_passed_verbatim_and_the_response_body_also_read_as_text() {
        let mut host = FakeHost::default();
        let response = json!({"status": 200, "headers": {"content-type": "application/json"},
                              "body": base64::encode(br#"{"ok":true}"#)});
        host.ready.insert(1, completed_with(&response));
        let binary = json!({"status": 200, "headers": {}, "body": base64::encode(&[0xff, 0])});
        host.ready.insert(2, completed_with(&binary));
        let failed = json!({"failed": {"message": "answered 404", "type": "HttpStatus"}});
        host.ready.insert(3, failed.to_string());
        let request = json!({"method": "POST", "url": "http://127.0.0.1:1/x",
                             "headers": {"Content-Type": "application/json"},
                             "body": base64::encode(b"{}"), "local": true});
        let script = json!({"steps": [
            {"http": request}, {"http": {"method": "GET", "url": "http://a/"}},
            {"http": {"method": "GET", "url": "http://a/404"}},
        ]});
        let results = completed(run(&mut host, &info(script)));
        let mut with_text = response.clone();
        with_text["body_text"] = json!(r#"{"ok":true}"#);
        assert_eq!(
            results["results"],
            json!([{"completed": with_text}, {"completed": binary}, failed])
        );
        assert_eq!(host.calls[0], format!("start_http_activity({request})"));
        assert_eq!(host.calls[1], "wait([1])");
    }

    #[test]
    fn http_request_still_running_after_cancel_after_ms_is_cancelled() {
        let mut host = FakeHost::default();
        host.ready.insert(2, r#"{"completed": []}"#.into());
        host.on_cancel
            .insert(1, r#"{"cancelled": {"message": "gone"}}"#.into());
        let script = json!({"steps": [
            {"http": {"method": "GET", "url": "http://a/slow"}, "cancel_after_ms": 500},
        ]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(
            results["results"][0],
            json!({"cancel_requested": true, "result": {"cancelled": {"message": "gone"}}})
        );
        assert_eq!(
            host.calls[1..],
            [
                r#"start_timer({"duration_ms":500})"#,
                "wait([1, 2])",
                "cancel(1)",
                "wait([1])"
            ]
        );

        let mut host = FakeHost::default();
        let response = json!({"status": 204, "headers": {}, "body": ""});
        host.ready.insert(1, completed_with(&response));
        let script = json!({"steps": [
            {"http": {"method": "GET", "url": "http://a/fast"}, "cancel_after_ms": 500},
        ]});
        let results = completed(run(&mut host, &info(script)));
        let mut with_text = response.clone();
        with_text["body_text"] = json!("");
        assert_eq!(
            results["results"][0],
            json!({"cancel_requested": false, "result": {"completed": with_text}})
        );
    }

    #[test]
    fn cancel_timer_cancels_the_long_timer_after_the_short_one() {
        let mut host = FakeHost::default();
        host.ready.insert(2, r#"{"completed": []}"#.into());
        host.on_cancel
            .insert(1, r#"{"cancelled": {"message": "cancelled"}}"#.into());
        let script = json!({"steps": [{"cancel_timer": {"duration_ms": 60000, "after_ms": 10}}]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(
            results["results"][0],
            json!({"cancelled": {"message": "cancelled"}})
        );
        assert_eq!(host.calls[2..], ["wait([2])", "cancel(1)", "wait([1])"]);
    }

    #[test]
    fn deterministic_sources_and_log_give_their_values() {
        let mut host = FakeHost::default();
        let script = json!({"steps": [
            {"random": 3}, {"patched": "v2", "deprecated": true}, {"is_replaying": true},
            {"log": "hello"},
        ]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(results["results"], json!(["001122", 1, 0, null]));
        assert_eq!(host.calls, ["patched(v2, true)", "log(3, hello)"]);
    }

    #[test]
    fn until_cancelled_records_or_ends_as_cancelled() {
        let script = |then: &str| {
            info(json!({"steps": [{"until_cancelled": {"sleep_ms": 9000, "then": then}}]}))
        };
        let mut host = FakeHost::default();
        host.ready.insert(1, r#"{"completed": []}"#.into());
        let results = completed(run(&mut host, &script("record")));
        assert_eq!(results["results"], json!(["cancelled"]));

        let mut host = FakeHost::default();
        host.ready.insert(1, r#"{"completed": []}"#.into());
        let details = Payload::json(&json!("cancelled at step 0")).to_value();
        assert_eq!(
            run(&mut host, &script("complete_as_cancelled")),
            Ending::Cancelled(json!({"details": [details]}))
        );

        let mut host = FakeHost::default();
        host.ready.insert(2, r#"{"completed": []}"#.into());
        let results = completed(run(&mut host, &script("record")));
        assert_eq!(results["results"], json!(["not_cancelled"]));
    }

    #[test]
    fn continues_as_new_with_the_next_iteration_until_it_is_reached() {
        let steps = json!([{"log": "again"}, {"continue_as_new_until": 2}]);
        let mut host = FakeHost::default();
        let next = Payload::json(&json!({"steps": steps, "iteration": 2})).to_value();
        assert_eq!(
            run(&mut host, &info(json!({"steps": steps, "iteration": 1}))),
            Ending::ContinueAsNew(json!({"args": [next]}))
        );
        let results = completed(run(
            &mut host,
            &info(json!({"steps": steps, "iteration": 2})),
        ));
        assert_eq!(results, json!({"results": [null, 2], "iteration": 2}));
    }

    #[test]
    fn waits_for_a_signal() {
        let mut host = FakeHost::default();
        let arg = Payload::json(&json!("go")).to_value();
        host.ready
            .insert(1, json!({"completed": [arg]}).to_string());
        let results = completed(run(
            &mut host,
            &info(json!({"steps": [{"wait_signal": "go"}]})),
        ));
        assert_eq!(results["results"][0], json!({"completed": [arg]}));
        assert_eq!(host.calls, ["signal_channel(go)", "wait([1])"]);
    }

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
    fn wait_update_rejects_fails_then_completes_and_gives_the_completed_args() {
        let mut host = FakeHost::default();
        host.ready.insert(1, update_item("u1", &[json!("bad")]));
        host.then.insert(
            1,
            vec![
                update_item("u2", &[json!("broken")]),
                update_item("u3", &[json!("good"), json!(2)]),
            ],
        );
        let script = json!({"steps": [{"wait_update": {
            "name": "approve", "reject_if": "bad", "fail_if": "broken", "result": "ok",
        }}]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(results["results"], json!([["good", 2]]));
        let ok = Payload::json(&json!("ok")).to_value();
        assert_eq!(
            host.calls,
            [
                "update_channel(approve)".to_owned(),
                "wait([1])".to_owned(),
                r#"respond_update(u1, {"rejected":{"message":"update `approve` rejects \"bad\"","non_retryable":true,"type":"Refused"}})"#.to_owned(),
                "wait([1])".to_owned(),
                r#"respond_update(u2, {"failed":{"message":"update `approve` fails on \"broken\"","non_retryable":true,"type":"Refused"}})"#.to_owned(),
                "wait([1])".to_owned(),
                format!(r#"respond_update(u3, {{"completed":[{ok}]}})"#),
            ]
        );
    }

    #[test]
    fn wait_update_echoes_its_first_argument_by_default() {
        let mut host = FakeHost::default();
        host.ready.insert(1, update_item("u1", &[json!({"n": 1})]));
        let script = json!({"steps": [{"wait_update": {"name": "approve"}}]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(results["results"], json!([[{"n": 1}]]));
        let echo = Payload::json(&json!({"n": 1})).to_value();
        assert_eq!(
            host.calls[2],
            format!(r#"respond_update(u1, {{"completed":[{echo}]}})"#)
        );
    }

    #[test]
    fn child_result_is_decoded_and_a_slow_child_is_cancelled() {
        let mut host = FakeHost::default();
        host.ready
            .insert(1, completed_with(&json!({"results": []})));
        let options = json!({"workflow_type": "Scenario", "workflow_id": "kid"});
        let script = json!({"steps": [{"child": options}]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(results["results"][0], json!({"completed": {"results": []}}));
        assert_eq!(host.calls[0], format!("start_child_workflow({options})"));

        let mut host = FakeHost::default();
        host.ready.insert(2, r#"{"completed": []}"#.into());
        host.on_cancel
            .insert(1, r#"{"cancelled": {"message": "child cancelled"}}"#.into());
        let script = json!({"steps": [{"child": options, "cancel_after_ms": 100}]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(
            results["results"][0],
            json!({"cancel_requested": true, "result": {"cancelled": {"message": "child cancelled"}}})
        );
        assert_eq!(host.calls[2..], ["wait([1, 2])", "cancel(1)", "wait([1])"]);
    }

    #[test]
    fn external_calls_pass_their_request_and_give_the_host_result() {
        let mut host = FakeHost::default();
        host.ready.insert(1, r#"{"completed": []}"#.into());
        host.ready
            .insert(2, r#"{"failed": {"message": "not found"}}"#.into());
        let signal = json!({"workflow_id": "w", "signal_name": "go", "args": []});
        let cancel = json!({"workflow_id": "gone"});
        let script = json!({"steps": [{"signal_external": signal}, {"cancel_external": cancel}]});
        let results = completed(run(&mut host, &info(script)));
        assert_eq!(
            results["results"],
            json!([{"completed": []}, {"failed": {"message": "not found"}}])
        );
        assert_eq!(
            host.calls,
            [
                format!("signal_external_workflow({signal})"),
                "wait([1])".to_owned(),
                format!("cancel_external_workflow({cancel})"),
                "wait([2])".to_owned(),
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

    #[test]
    fn workflow_info_gives_what_the_host_wrote() {
        let mut host = FakeHost::default();
        let script = Payload::json(&json!({"steps": [{"workflow_info": true}]})).to_value();
        let workflow_info = json!({"workflow_id": "kid", "parent": {"workflow_id": "mum"}});
        let info = json!({"params": [script], "workflow_info": workflow_info});
        let results = completed(run(&mut host, info.to_string().as_bytes()));
        assert_eq!(results["results"], json!([workflow_info]));
        assert!(host.calls.is_empty());
    }

    #[test]
    fn fail_step_fails_with_the_failure_verbatim() {
        let failure = json!({"message": "no", "type": "Nope", "details": []});
        let script = json!({"steps": [{"fail": failure}, {"log": "never"}]});
        let mut host = FakeHost::default();
        assert_eq!(run(&mut host, &info(script)), Ending::Fail(failure));
        assert!(host.calls.is_empty());
    }

    #[test]
    fn bad_script_fails_before_any_call() {
        let mut host = FakeHost::default();
        let ending = run(
            &mut host,
            &info(json!({"steps": [{"log": "x"}, {"teleport": 1}]})),
        );
        assert_eq!(failure_type(&ending), "BadScript");
        let Ending::Fail(failure) = &ending else {
            unreachable!()
        };
        assert_eq!(failure["message"], r#"step 1: unknown step {"teleport":1}"#);
        assert_eq!(failure["non_retryable"], true);
        assert!(host.calls.is_empty());

        let no_params = br#"{"params": []}"#;
        assert_eq!(failure_type(&run(&mut host, no_params)), "BadScript");
        assert_eq!(
            failure_type(&run(&mut host, &info(json!([1])))),
            "BadScript"
        );
    }

    #[test]
    fn host_json_that_does_not_parse_fails_the_workflow() {
        let mut host = FakeHost::default();
        host.ready.insert(1, "{not json".into());
        let ending = run(&mut host, &info(json!({"steps": [{"sleep_ms": 5}]})));
        assert_eq!(failure_type(&ending), "BadHostJson");
    }
}

//! Running a script: each step as the ABI v1 calls it makes, against a [`Host`].
//!
//! The script never calls the imports directly: on wasm32 [`Host`] is the worker (`host.rs`),
//! in unit tests a scripted fake, so the order of calls and the shape of every result are tested
//! without a worker.
//!
//! The steps run one by one from [`Script::step`]; what each family of steps calls is in its own
//! module: `commands` (timers, activities, HTTP activities, children, external workflows),
//! `messages` (signals, updates, the workflow's cancellation) and `publish` (queries, details,
//! logs, search attributes, memo, metrics). The deterministic sources and the ending steps are
//! single calls, made right here.

mod commands;
mod messages;
mod publish;
#[cfg(test)]
mod tests;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::payload::Payload;
use crate::step::Step;

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
            Step::Sleep { duration_ms } => commands::sleep(host, *duration_ms),
            Step::Activity {
                options,
                args_from_results,
                cancel_after_ms,
            } => commands::activity(host, options, *args_from_results, *cancel_after_ms, results),
            Step::Http {
                request,
                cancel_after_ms,
            } => commands::http(host, request, *cancel_after_ms),
            Step::CancelTimer {
                duration_ms,
                after_ms,
            } => commands::cancel_timer(host, *duration_ms, *after_ms),
            Step::Now => Ok(host.now().into()),
            Step::Random { len } => Ok(hex(&host.random(*len)).into()),
            Step::Patched { id, deprecated } => Ok(host.patched(id, *deprecated).into()),
            Step::IsReplaying => Ok(host.is_replaying().into()),
            Step::UntilCancelled { sleep_ms, then } => {
                messages::until_cancelled(host, index, *sleep_ms, *then)
            }
            Step::ContinueAsNewUntil { until } => self.continue_as_new_until(*until),
            Step::Fail { failure } => Err(Ending::Fail(failure.clone())),
            Step::Log { text } => publish::log(host, text),
            Step::WaitSignal { name } => messages::wait_signal(host, name),
            Step::PublishQuery { name, value } => publish::query(host, name, value),
            Step::Details { text } => publish::details(host, text),
            Step::WaitUpdate {
                name,
                reject_if,
                fail_if,
                result,
            } => messages::wait_update(host, name, reject_if, fail_if, result),
            Step::Child {
                options,
                cancel_after_ms,
            } => commands::child(host, options, *cancel_after_ms),
            Step::SignalExternal { request } => commands::signal_external(host, request),
            Step::CancelExternal { request } => commands::cancel_external(host, request),
            Step::UpsertSearchAttributes { attributes } => {
                publish::search_attributes(host, attributes)
            }
            Step::UpsertMemo { memo } => publish::memo(host, memo),
            Step::Metric { request } => publish::metric(host, request),
            Step::WorkflowInfo => Ok(self.workflow_info.clone()),
        }
    }

    /// `continue_as_new_until`: the iteration once it reaches `until`, else the run continues
    /// as new with the same script at the next iteration.
    fn continue_as_new_until(&self, until: u64) -> Result<Value, Ending> {
        if self.iteration >= until {
            return Ok(self.iteration.into());
        }
        let mut next = self.source.clone();
        next.insert("iteration".into(), (self.iteration + 1).into());
        let args = Payload::json(&Value::Object(next));
        Err(Ending::ContinueAsNew(json!({"args": [args.to_value()]})))
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

/// A non-retryable failure of `kind`: the script or the host is wrong, retrying cannot help.
fn failure(kind: &str, message: String) -> Ending {
    Ending::Fail(json!({"message": message, "type": kind, "non_retryable": true}))
}

/// Lowercase hex of `bytes`, for the `random` step's result.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

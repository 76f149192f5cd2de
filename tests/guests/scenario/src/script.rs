//! Running a script: each step as the ABI v1 calls it makes, against a [`Host`].
//!
//! The script never calls the imports directly: on wasm32 [`Host`] is the worker (`host.rs`),
//! in unit tests a scripted fake, so the order of calls and the shape of every result are tested
//! without a worker.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::payload::Payload;
use crate::step::{OnCancel, Step};

/// The ABI v1 calls a script makes, minus the ones that end the run (those are an [`Ending`]).
pub trait Host {
    /// `start_timer` with `{"duration_ms": N}`.
    fn start_timer(&mut self, options: &Value) -> u32;
    /// `start_activity` with `activity_options`.
    fn start_activity(&mut self, options: &Value) -> u32;
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
                let Some(cancel_after_ms) = cancel_after_ms else {
                    return activity_outcome(wait_and_take(host, activity)?);
                };
                let timer = host.start_timer(&json!({"duration_ms": cancel_after_ms}));
                host.wait(&[activity, timer]);
                // `wait` prefers the activity when both are ready, so "still not ready" is
                // exactly "the timer came first"; asking `is_ready` exercises that call too.
                // The timer is left pending when the activity wins: nothing waits on it again.
                let cancel_requested = !host.is_ready(activity);
                if cancel_requested {
                    host.cancel(activity);
                }
                let result = activity_outcome(wait_and_take(host, activity)?)?;
                Ok(json!({"cancel_requested": cancel_requested, "result": result}))
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
        }
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

/// An activity's step result: a completion with its payload decoded, so tests compare plain
/// values; a failure or cancellation exactly as the host reported it.
fn activity_outcome(result: Value) -> Result<Value, Ending> {
    let Some(completed) = result.get("completed") else {
        if result.get("failed").is_some() || result.get("cancelled").is_some() {
            return Ok(result);
        }
        return Err(failure(
            "BadHostJson",
            format!("an activity result is neither completed, failed nor cancelled: {result}"),
        ));
    };
    let bad_host = |what: &str| failure("BadHostJson", format!("{what}: {result}"));
    let payloads: Vec<Payload> = serde_json::from_value(completed.clone())
        .map_err(|err| bad_host(&format!("completed is not a list of payloads ({err})")))?;
    let value = match payloads.first() {
        None => Value::Null,
        Some(payload) => payload
            .decode()
            .map_err(|err| failure("BadPayload", format!("the activity's result: {err}")))?,
    };
    Ok(json!({"completed": value}))
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
            self.ready
                .remove(&handle)
                .expect("take of a ready handle")
                .into_bytes()
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

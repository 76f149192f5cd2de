//! Unit tests of running a script, against [`FakeHost`]: which calls each step makes, in what
//! order, and what it gives as its result. One file per step family, as in the script itself.

mod commands;
mod messages;
mod publish;
mod run;

use std::collections::HashMap;

use serde_json::{Value, json};

use super::{Ending, Host};
use crate::payload::Payload;

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

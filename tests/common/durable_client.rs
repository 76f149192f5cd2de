//! The durable-workflow client (`tests/support/durable.py`): start, cancel, signal, update and
//! query workflows, and read their outcomes, histories, search attributes and memo through the
//! official Python SDK.

#![allow(dead_code)]

use std::time::Duration;

use serde_json::{Value, json};

use super::temporal::run_support_script;

/// A client for one task queue of one server.
pub struct DurableClient {
    /// The server's `host:port`.
    pub address: String,
    /// The task queue workflows start on.
    pub task_queue: String,
}

impl DurableClient {
    /// A client for `task_queue` at `address`.
    pub fn new(address: &str, task_queue: &str) -> DurableClient {
        DurableClient {
            address: address.to_owned(),
            task_queue: task_queue.to_owned(),
        }
    }

    fn call(&self, args: &[&str]) -> Value {
        run_support_script("durable.py", &self.address, &self.task_queue, args)
    }

    /// Starts `workflow_type` as `id` with `args` (JSON values).
    pub fn start(&self, id: &str, workflow_type: &str, args: Value) {
        self.start_all(&json!([{"id": id, "type": workflow_type, "args": args}]));
    }

    /// Starts every `{"id", "type", "args"}` in `specs`.
    pub fn start_all(&self, specs: &Value) {
        let answer = self.call(&["start", &specs.to_string()]);
        assert_eq!(
            answer["started"].as_u64(),
            specs.as_array().map(|specs| specs.len() as u64),
            "{answer}"
        );
    }

    /// Requests cancellation of `id`.
    pub fn cancel(&self, id: &str) {
        self.call(&["cancel", id]);
    }

    /// Signals `id` with `name` and `args` (JSON values).
    pub fn signal(&self, id: &str, name: &str, args: Value) {
        self.call(&["signal", id, name, &args.to_string()]);
    }

    /// Executes update `name` of `id` with `args` (JSON values) and waits for its outcome:
    /// `{"result": value}` or `{"failure": decoded failure chain}`.
    pub fn update(&self, id: &str, name: &str, args: Value) -> Value {
        self.call(&["update", id, name, &args.to_string()])
    }

    /// Queries `id` with `name`: `{"value": value}` or `{"failure": message}`.
    pub fn query(&self, id: &str, name: &str) -> Value {
        self.call(&["query", id, name])
    }

    /// `{"status", "search_attributes": {name: [values]}, "memo": {key: value}, "parent_id"}`.
    pub fn describe(&self, id: &str) -> Value {
        self.call(&["describe", id])
    }

    /// The ids of the workflows the visibility `query` finds.
    pub fn list(&self, query: &str) -> Vec<String> {
        let answer = self.call(&["list", query]);
        serde_json::from_value(answer["ids"].clone())
            .unwrap_or_else(|err| panic!("list prints ids ({err}): {answer}"))
    }

    /// Starts `workflow_type` as `id` with `args` by signal-with-start: signal `signal` with
    /// `signal_args` is delivered in the run's first workflow task.
    pub fn signal_with_start(
        &self,
        id: &str,
        workflow_type: &str,
        args: Value,
        signal: &str,
        signal_args: Value,
    ) {
        self.start_all(&json!([{"id": id, "type": workflow_type, "args": args,
                                "start_signal": signal, "start_signal_args": signal_args}]));
    }

    /// Waits up to `timeout` for the first failed workflow task of `id`: `{"message", "cause"}`.
    pub fn task_failure(&self, id: &str, timeout: Duration) -> Value {
        self.call(&["task-failure", id, &timeout.as_secs_f64().to_string()])
    }

    /// Terminates `id`.
    pub fn terminate(&self, id: &str) {
        self.call(&["terminate", id]);
    }

    /// Waits up to `timeout` for each workflow and returns their outcomes, in order.
    pub fn outcomes(&self, ids: &[String], timeout: Duration) -> Vec<Value> {
        let ids = serde_json::to_string(ids).expect("ids serialise");
        match self.call(&["outcomes", &ids, &timeout.as_secs_f64().to_string()]) {
            Value::Array(outcomes) => outcomes,
            other => panic!("unexpected outcomes output {other}"),
        }
    }

    /// Waits up to `timeout` for one workflow.
    pub fn outcome(&self, id: &str, timeout: Duration) -> Value {
        self.outcomes(&[id.to_owned()], timeout)
            .pop()
            .expect("one outcome")
    }
}

/// How many events of `event_type` (`EVENT_TYPE_TIMER_FIRED`) an outcome's last run has.
pub fn count_events(outcome: &Value, event_type: &str) -> usize {
    outcome["events"].as_array().map_or(0, |events| {
        events.iter().filter(|e| *e == event_type).count()
    })
}

//! Talking to running workflows, end to end: signals, updates, queries (the guest's own and the
//! two the UI asks), child workflows, signals and cancellations of other workflows, search
//! attributes, memo and guest metrics — the worker binary against a real Temporal dev server,
//! with the official Python SDK (`tests/support/durable.py`) and the Temporal CLI as the
//! independent other side.
//!
//! Every workflow is the `scenario` guest (`tests/guests/scenario`), whose input is a script of
//! raw ABI v1 calls; children are `Scenario` runs too, on the parent's task queue.

#[path = "../common/mod.rs"]
mod common;

mod attributes;
mod children;
mod external;
mod metrics;
mod queries;
mod signals;
mod updates;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use common::durable_client::{DurableClient, count_events};
use common::durable_worker::{
    TIMEOUT, args_payloads, config, decode_payload_json, start_worker, wait_for_event,
};
use common::temporal::{TemporalServer, WorkerProcess, free_port, temporal, workflow_id};
use serde_json::{Value, json};

/// The custom search attributes the dedicated server registers, with their types.
pub(crate) const SEARCH_ATTRIBUTES: [(&str, &str); 6] = [
    (STAGE, "Keyword"),
    ("TalkCount", "Int"),
    ("TalkScore", "Double"),
    ("TalkUrgent", "Bool"),
    ("TalkDue", "Datetime"),
    ("TalkTags", "KeywordList"),
];
/// The Keyword attribute most tests use.
pub(crate) const STAGE: &str = "TalkStage";

/// A worker with the sticky cache on, and one with it off (every workflow task replays the run
/// from the start), both on the shared server.
pub(crate) fn worker(cached: bool) -> &'static (WorkerProcess, DurableClient) {
    static CACHED: OnceLock<(WorkerProcess, DurableClient)> = OnceLock::new();
    static UNCACHED: OnceLock<(WorkerProcess, DurableClient)> = OnceLock::new();
    let cell = if cached { &CACHED } else { &UNCACHED };
    cell.get_or_init(|| {
        let server = TemporalServer::shared();
        let (queue, keys) = queue_and_keys("talk", cached);
        let dir = tempfile::tempdir().expect("temp dir");
        let worker = start_worker(&config(&server.address, &queue, keys, ""), dir);
        (worker, DurableClient::new(&server.address, &queue))
    })
}

/// A task queue of its own and the cache setting, for a worker `cached` or not.
pub(crate) fn queue_and_keys(prefix: &str, cached: bool) -> (String, &'static str) {
    let kind = if cached { "cached" } else { "uncached" };
    let keys = if cached {
        "max_cached_workflows = 100"
    } else {
        "max_cached_workflows = 0"
    };
    (format!("{prefix}-{kind}-{}", free_port()), keys)
}

/// A dev server of its own with [`SEARCH_ATTRIBUTES`] registered (the shared server has no
/// custom attributes), and a cached worker on it.
pub(crate) fn search_attribute_worker() -> &'static (TemporalServer, WorkerProcess, DurableClient) {
    static CELL: OnceLock<(TemporalServer, WorkerProcess, DurableClient)> = OnceLock::new();
    CELL.get_or_init(|| {
        let attributes: Vec<String> = SEARCH_ATTRIBUTES
            .iter()
            .map(|(name, kind)| format!("{name}={kind}"))
            .collect();
        let args: Vec<&str> = attributes
            .iter()
            .flat_map(|attribute| ["--search-attribute", attribute.as_str()])
            .collect();
        let server = TemporalServer::start_with_args_on(free_port(), &args);
        let (queue, keys) = queue_and_keys("talk-sa", true);
        let dir = tempfile::tempdir().expect("temp dir");
        let worker = start_worker(&config(&server.address, &queue, keys, ""), dir);
        let client = DurableClient::new(&server.address, &queue);
        (server, worker, client)
    })
}

/// The scenario's arguments for `steps`.
pub(crate) fn script(steps: Value) -> Value {
    json!([{"steps": steps}])
}

/// Starts the scenario `steps` as a new workflow and returns its id.
pub(crate) fn start(client: &DurableClient, prefix: &str, steps: Value) -> String {
    let id = workflow_id(prefix);
    client.start(&id, "Scenario", script(steps));
    id
}

/// Starts the scenario `steps` and waits until its first workflow task completed: the guest
/// has run and is parked, with its channels open and its query results published.
pub(crate) fn start_parked(client: &DurableClient, prefix: &str, steps: Value) -> String {
    let id = start(client, prefix, steps);
    wait_for_event(client, &id, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED");
    id
}

/// Waits for `id` to close and returns its outcome, showing the worker's log if it does not.
pub(crate) fn finished(worker: &WorkerProcess, client: &DurableClient, id: &str) -> Value {
    let outcome = client.outcome(id, TIMEOUT);
    assert_ne!(
        outcome["status"],
        "RUNNING",
        "{outcome}\nworker log:\n{}",
        worker.log()
    );
    outcome
}

/// The step results of a completed scenario.
pub(crate) fn results(outcome: &Value) -> Vec<Value> {
    assert_eq!(outcome["status"], "COMPLETED", "{outcome}");
    outcome["result"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no results in {outcome}"))
}

/// The JSON values inside a `{"completed": [payload…]}` result.
pub(crate) fn completed_values(result: &Value) -> Vec<Value> {
    result["completed"]
        .as_array()
        .unwrap_or_else(|| panic!("not completed: {result}"))
        .iter()
        .map(decode_payload_json)
        .collect()
}

/// Polls `probe` until it returns `Some`, for what Temporal shows eventually (visibility).
pub(crate) fn eventually<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(Instant::now() < deadline, "never: {what}");
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// `child_workflow_options` for a `Scenario` child running `steps` as `id`.
pub(crate) fn child(id: &str, steps: Value) -> Value {
    json!({"workflow_type": "Scenario", "workflow_id": id, "args": args_payloads(script(steps))})
}

//! What the durable end-to-end tests share: the scenario bundle, worker configs, activity
//! options for the test activity worker, and waiting on history.

#![allow(dead_code)]

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use std::sync::OnceLock;

use super::activities::ActivityWorker;
use super::durable_client::{DurableClient, count_events};
use super::temporal::{TemporalServer, WorkerProcess};

/// Activities run here, served by the Python SDK (`tests/support/activities.py`).
pub const ACTIVITY_QUEUE: &str = "durable-activities";
/// How long any one workflow may take in these tests.
pub const TIMEOUT: Duration = Duration::from_secs(60);

/// The scenario bundle, built from source by `tests/guests/build.sh`.
pub fn scenario_bundle() -> PathBuf {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/guest-bundles/tests/scenario.wasm");
    assert!(
        path.is_file(),
        "{} is missing: build it with `bash tests/guests/build.sh` (scripts/test.sh does)",
        path.display()
    );
    path
}

/// The test activity worker on [`ACTIVITY_QUEUE`] of the shared server, started once.
pub fn activity_worker() -> &'static ActivityWorker {
    static WORKER: OnceLock<ActivityWorker> = OnceLock::new();
    WORKER.get_or_init(|| ActivityWorker::start(&TemporalServer::shared().address, ACTIVITY_QUEUE))
}

/// A worker config for `task_queue` registering the scenario bundle as `Scenario`, plus
/// `extra` tables.
pub fn config(address: &str, task_queue: &str, worker_keys: &str, extra: &str) -> String {
    format!(
        "[temporal]\naddress = \"{address}\"\nnamespace = \"default\"\ntask_queue = \"{task_queue}\"\n\n\
         [worker]\nshutdown_timeout_secs = 10\n{worker_keys}\n\n\
         [workflows.Scenario]\nmodule = \"{}\"\n\n{extra}\n",
        scenario_bundle().display()
    )
}

/// Starts a worker and waits until it polls.
pub fn start_worker(config: &str, dir: tempfile::TempDir) -> WorkerProcess {
    let worker = WorkerProcess::start(config, dir, &[]);
    assert!(
        worker.wait_for_log("polling for workflow tasks", Duration::from_secs(60)),
        "worker did not start polling:\n{}",
        worker.log()
    );
    worker
}

/// Activity options for `activity_type` on the test activity worker, with `args` (JSON values)
/// and `extra` options merged in.
pub fn activity(activity_type: &str, args: Value, extra: Value) -> Value {
    let mut options = json!({
        "activity_type": activity_type,
        "task_queue": ACTIVITY_QUEUE,
        "args": args_payloads(args),
        "start_to_close_timeout_ms": 10_000,
    });
    if let (Some(options), Some(extra)) = (options.as_object_mut(), extra.as_object()) {
        options.extend(extra.clone());
    }
    options
}

/// JSON values as the ABI's `json/plain` payloads.
pub fn args_payloads(args: Value) -> Value {
    use base64::Engine as _;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    Value::Array(
        args.as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|value| {
                json!({"metadata": {"encoding": encode(b"json/plain")}, "data": encode(value.to_string().as_bytes())})
            })
            .collect(),
    )
}

/// Waits until the workflow's history has an event of `event_type`.
pub fn wait_for_event(client: &DurableClient, id: &str, event_type: &str) {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let outcome = client.outcome(id, Duration::from_millis(200));
        if count_events(&outcome, event_type) > 0 {
            return;
        }
        assert!(Instant::now() < deadline, "no {event_type} in {outcome}");
    }
}

/// The JSON value inside an ABI `json/plain` payload.
pub fn decode_payload_json(payload: &Value) -> Value {
    use base64::Engine as _;
    let data = payload["data"].as_str().expect("payload data");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("base64");
    serde_json::from_slice(&bytes).expect("JSON data")
}

//! HTTP activities end to end: the worker binary, configured with `[http_activities]`, runs the
//! `scenario` guest's `start_http_activity` calls (and a Python-SDK workflow's activities of type
//! `temporal-wasm-worker.http`) against a REST endpoint the tests serve on loopback, through a
//! real Temporal dev server. What the endpoint received, what Temporal recorded
//! (`temporal workflow show -o json`, the Python SDK's view), the worker's log and its
//! `/metrics` are the evidence.
//!
//! One worker serves every test (its allow-list names the shared endpoint's port, as
//! `127.0.0.1` and as `localhost`; a secret comes from its environment); each test has routes of
//! its own on the endpoint (`endpoint.rs`), so tests run in parallel without seeing each other's
//! requests.

#[path = "../common/mod.rs"]
mod common;

mod endpoint;
mod python;

mod cancellation;
mod metrics;
mod retries;
mod round_trip;
mod security;

use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use common::durable_client::{DurableClient, count_events};
use common::durable_worker::{TIMEOUT, config, decode_payload_json};
use common::temporal::{TemporalServer, WorkerProcess, free_port, temporal, workflow_id};
use endpoint::{Answer, Endpoint, Route};
use python::PythonWorkflows;

/// The activity type of HTTP activities.
const HTTP_TYPE: &str = "temporal-wasm-worker.http";
/// The secret the worker reads from [`SECRET_VARIABLE`]; requests name it `{{secret API_TOKEN}}`.
const SECRET: &str = "tww-e2e-s3cret-5f1c9a7d";
/// The environment variable the worker process gets [`SECRET`] in.
const SECRET_VARIABLE: &str = "TWW_TEST_HTTP_API_TOKEN";
/// The worker's `http_activities.max_response_bytes`.
const MAX_RESPONSE_BYTES: u64 = 64 * 1024;

/// The wasm worker every test shares, with what it was configured with.
struct Fixture {
    worker: WorkerProcess,
    /// A client for the worker's task queue, where `Scenario` runs.
    client: DurableClient,
    /// The worker's task queue: where its HTTP activities are scheduled.
    task_queue: String,
    /// `host:port` of the worker's Prometheus endpoint.
    metrics_address: String,
}

/// The endpoint on the allow-list.
fn endpoint() -> &'static Endpoint {
    static ENDPOINT: OnceLock<Endpoint> = OnceLock::new();
    ENDPOINT.get_or_init(Endpoint::start)
}

/// An endpoint on a port the allow-list does not name.
fn outside() -> &'static Endpoint {
    static OUTSIDE: OnceLock<Endpoint> = OnceLock::new();
    OUTSIDE.get_or_init(Endpoint::start)
}

/// The shared worker, started on first use.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let server = TemporalServer::shared();
        let task_queue = format!("http-activities-{}", free_port());
        let metrics_address = format!("127.0.0.1:{}", free_port());
        let port = endpoint().port;
        let extra = format!(
            "[metrics]\nprometheus_address = \"{metrics_address}\"\n\n\
             [http_activities]\nenabled = true\n\
             allowed_hosts = [\"http://127.0.0.1:{port}\", \"http://localhost:{port}\"]\n\
             max_response_bytes = {MAX_RESPONSE_BYTES}\n\n\
             [http_activities.secrets]\nAPI_TOKEN = {{ env = \"{SECRET_VARIABLE}\" }}\n"
        );
        let config = config(
            &server.address,
            &task_queue,
            "max_cached_workflows = 100",
            &extra,
        );
        let dir = tempfile::tempdir().expect("temp dir");
        // Debug for the worker itself: every attempt is logged, so the log has the chance to
        // show a secret that the security test checks it never does.
        let env = [
            (SECRET_VARIABLE.to_owned(), SECRET.to_owned()),
            (
                "RUST_LOG".to_owned(),
                "info,temporal_wasm_worker=debug,guest=trace".to_owned(),
            ),
        ];
        let worker = WorkerProcess::start(&config, dir, &env);
        assert!(
            worker.wait_for_log("polling for workflow tasks", Duration::from_secs(60)),
            "worker did not start polling:\n{}",
            worker.log()
        );
        Fixture {
            worker,
            client: DurableClient::new(&server.address, &task_queue),
            task_queue,
            metrics_address,
        }
    })
}

/// The Python-SDK workflow worker, started on first use, and a client for its task queue.
fn python_workflows() -> &'static (PythonWorkflows, DurableClient) {
    static PYTHON: OnceLock<(PythonWorkflows, DurableClient)> = OnceLock::new();
    PYTHON.get_or_init(|| {
        let address = &TemporalServer::shared().address;
        let queue = format!("http-python-{}", free_port());
        let worker = PythonWorkflows::start(address, &queue);
        (worker, DurableClient::new(address, &queue))
    })
}

/// A route of the shared endpoint, answered by `handler(attempt, request)`.
fn route(
    prefix: &str,
    handler: impl Fn(u32, &endpoint::Received) -> Answer + Send + Sync + 'static,
) -> Route {
    endpoint().route(prefix, handler)
}

/// A retry policy fast enough for tests: 100 ms between attempts, at most `attempts`.
fn fast_retries(attempts: u32) -> Value {
    json!({"initial_interval_ms": 100, "backoff_coefficient": 1.0, "maximum_attempts": attempts})
}

/// `http_request` for `method url` with fast retries, to extend with `headers`, `body`…
fn request(method: &str, url: &str) -> Value {
    json!({"method": method, "url": url, "start_to_close_timeout_ms": 10_000,
           "retry_policy": fast_retries(5)})
}

/// `request` with `body` as JSON and its content type.
fn json_request(method: &str, url: &str, body: &Value) -> Value {
    let mut request = request(method, url);
    request["headers"] = json!({"Content-Type": "application/json"});
    request["body"] = json!(BASE64.encode(body.to_string()));
    request
}

/// Runs the scenario `steps` on the shared worker until it closes; its id and outcome.
fn run(prefix: &str, steps: Value) -> (String, Value) {
    let id = start(prefix, steps);
    let outcome = finished(&id);
    (id, outcome)
}

/// Starts the scenario `steps` and returns the workflow's id.
fn start(prefix: &str, steps: Value) -> String {
    let id = workflow_id(prefix);
    fixture()
        .client
        .start(&id, "Scenario", json!([{"steps": steps}]));
    id
}

/// Waits for `id` to close and returns its outcome, with the worker's log if it does not.
fn finished(id: &str) -> Value {
    let fixture = fixture();
    let outcome = fixture.client.outcome(id, TIMEOUT);
    assert_ne!(
        outcome["status"],
        "RUNNING",
        "{outcome}\nworker log:\n{}",
        fixture.worker.log()
    );
    outcome
}

/// The step results of a completed scenario.
fn results(outcome: &Value) -> Vec<Value> {
    assert_eq!(outcome["status"], "COMPLETED", "{outcome}");
    outcome["result"]["results"]
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("no results in {outcome}"))
}

/// The `http_response` of a completed HTTP step.
fn response(result: &Value) -> &Value {
    let response = &result["completed"];
    assert!(response.is_object(), "not completed: {result}");
    response
}

/// The failure of a failed step, with its application failure (the cause an activity failure
/// wraps) and that failure's first detail decoded (`Null` without details).
fn failure(result: &Value) -> (&Value, &Value, Value) {
    let failure = &result["failed"];
    assert!(failure.is_object(), "not failed: {result}");
    assert_eq!(failure["kind"], "activity", "{failure}");
    let application = &failure["cause"];
    assert_eq!(application["kind"], "application", "{failure}");
    let details = application["details"]
        .get(0)
        .map_or(Value::Null, decode_payload_json);
    (failure, application, details)
}

/// Base64 text decoded to UTF-8, lossily.
fn decoded(base64: &Value) -> String {
    let bytes = BASE64
        .decode(base64.as_str().expect("base64 string"))
        .expect("base64");
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The workflow's history as the Temporal CLI prints it: `temporal workflow show -o json`.
fn history(id: &str) -> Value {
    let address = &TemporalServer::shared().address;
    let text = temporal(address, &["workflow", "show", "-w", id, "-o", "json"]);
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("history JSON ({err}): {text}"))
}

/// The history's events of `event_type` (`EVENT_TYPE_ACTIVITY_TASK_STARTED`), in order.
fn events_of(history: &Value, event_type: &str) -> Vec<Value> {
    history["events"]
        .as_array()
        .unwrap_or_else(|| panic!("no events in {history}"))
        .iter()
        .filter(|event| event["eventType"] == event_type)
        .cloned()
        .collect()
}

/// Whether `needle` occurs anywhere in `value`: in a string, or in what a string decodes to as
/// base64 (payload data, a response body), at any depth, JSON inside base64 inside JSON
/// included. So a secret is found wherever history might hold it, however encoded.
fn deep_contains(value: &Value, needle: &str) -> bool {
    match value {
        Value::String(text) => {
            text.contains(needle)
                || BASE64.decode(text.trim()).ok().is_some_and(|bytes| {
                    String::from_utf8_lossy(&bytes).contains(needle)
                        || serde_json::from_slice::<Value>(&bytes)
                            .is_ok_and(|inner| deep_contains(&inner, needle))
                })
        }
        Value::Array(items) => items.iter().any(|item| deep_contains(item, needle)),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, item)| key.contains(needle) || deep_contains(item, needle)),
        _ => false,
    }
}

/// `GET http://address/metrics` with a bare HTTP/1.0 request; the response.
fn scrape_metrics() -> String {
    use std::io::{Read, Write};
    let address = &fixture().metrics_address;
    let mut stream =
        std::net::TcpStream::connect(address).expect("connect to the metrics endpoint");
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .expect("send request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    response
}

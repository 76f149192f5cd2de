//! End to end: the worker binary against a real Temporal dev server, with workflows started by
//! the Temporal CLI and by the official Python SDK, and outcomes read back through them.

mod common;

use std::sync::OnceLock;
use std::time::Duration;

use common::temporal::{
    PythonClient, TemporalServer, WorkerProcess, free_port, temporal, workflow_id,
};
use common::wat::{self, completes_with, data, fails_with, module};
use serde_json::{Value, json};

const TASK_QUEUE: &str = "e2e-wasm";
const HELLO: &str = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkhlbGxvIg=="}]"#;
const FAILURE: &str = r#"{"message":"order 17 is invalid","type":"InvalidOrder","non_retryable":true,
  "details":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJvcmRlcl9pZCI6MTd9"}],
  "cause":{"message":"quantity must be positive","type":"ValidationError",
           "cause":{"message":"root"}}}"#;

/// Bundles every test registers, as (workflow type, WAT, extra config lines).
fn fixtures() -> Vec<(&'static str, String, &'static str)> {
    let info_logger = module(
        r#"(func (export "run") (local $len i32)
             (local.set $len (call $get_info_len))
             (call $get_info (i32.const 16) (local.get $len))
             (call $write_log (i32.const 3) (i32.const 16) (local.get $len))
             (call $complete (i32.const 0) (i32.const 0)))"#,
    );
    let trap = module(
        r#"(func $charge_card unreachable)
           (func (export "run") (call $charge_card))"#,
    );
    vec![
        ("Hello", completes_with(HELLO), ""),
        ("Echo", wat::echo_first_param(), ""),
        ("Empty", completes_with("[]"), ""),
        ("Fail", fails_with(FAILURE), ""),
        (
            "FailEmpty",
            module(
                r#"(func (export "run") (call $complete_with_failure (i32.const 0) (i32.const 0)))"#,
            ),
            "",
        ),
        ("Trap", trap.clone(), ""),
        (
            "TrapFailsWorkflow",
            trap,
            "on_guest_bug = \"fail_workflow\"\n",
        ),
        (
            "Spin",
            module(r#"(func (export "run") (loop $forever (br $forever)))"#),
            "deadline_ms = 200\n",
        ),
        (
            "TwoResults",
            completes_with(r#"[{"data":"MQ=="},{"data":"Mg=="}]"#),
            "",
        ),
        ("InfoLogger", info_logger, ""),
        (
            "LogsThenCompletes",
            module(&format!(
                r#"{}
                   (func (export "run")
                     (call $write_log (i32.const 2) (i32.const 2048) (i32.const 17))
                     (call $complete (i32.const 0) (i32.const 0)))"#,
                data(2048, b"once per workflow")
            )),
            "",
        ),
    ]
}

/// Writes the fixtures and a config for `task_queue` at `address` into a fresh folder.
/// `worker_keys` go into the `[worker]` table; `extra` is appended (more tables).
fn worker_config(
    address: &str,
    task_queue: &str,
    worker_keys: &str,
    extra: &str,
) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = format!(
        "[temporal]\naddress = \"{address}\"\nnamespace = \"default\"\ntask_queue = \"{task_queue}\"\n\n\
         [worker]\nshutdown_timeout_secs = 10\n{worker_keys}\n\n{extra}\n\n"
    );
    for (workflow_type, wat, extra) in fixtures() {
        let file = format!("{}.wat", workflow_type.to_lowercase());
        std::fs::write(dir.path().join(&file), wat).expect("write fixture");
        config.push_str(&format!(
            "[workflows.{workflow_type}]\nmodule = \"{file}\"\n{extra}\n"
        ));
    }
    (config, dir)
}

/// The worker shared by the tests that only start workflows.
fn shared_worker() -> &'static (WorkerProcess, PythonClient) {
    static WORKER: OnceLock<(WorkerProcess, PythonClient)> = OnceLock::new();
    WORKER.get_or_init(|| {
        let server = TemporalServer::shared();
        let (config, dir) = worker_config(&server.address, TASK_QUEUE, "", "");
        let client = PythonClient {
            address: server.address.clone(),
            task_queue: TASK_QUEUE.to_owned(),
        };
        (start_polling(&config, dir), client)
    })
}

/// Starts the worker binary and waits until it polls.
fn start_polling(config: &str, dir: tempfile::TempDir) -> WorkerProcess {
    let worker = WorkerProcess::start(config, dir, &[]);
    assert!(
        worker.wait_for_log("polling for workflow tasks", Duration::from_secs(60)),
        "worker did not start polling:\n{}",
        worker.log()
    );
    worker
}

/// A worker of its own on the shared server, with its own task queue, for tests that change
/// its configuration or stop it.
fn dedicated_worker(name: &str, worker_keys: &str, extra: &str) -> (WorkerProcess, PythonClient) {
    let server = TemporalServer::shared();
    let task_queue = format!("{name}-{}", free_port());
    let (config, dir) = worker_config(&server.address, &task_queue, worker_keys, extra);
    let client = PythonClient {
        address: server.address.clone(),
        task_queue,
    };
    (start_polling(&config, dir), client)
}

fn client() -> &'static PythonClient {
    &shared_worker().1
}

fn execute_one(workflow_type: &str, args: Value) -> Value {
    let id = workflow_id(workflow_type);
    let outcomes = client().execute(&json!([{"id": id, "type": workflow_type, "args": args}]));
    outcomes.into_iter().next().expect("one outcome")
}

#[test]
fn workflow_started_from_the_cli_completes_with_its_result() {
    let client = client();
    let id = workflow_id("cli-hello");
    let output = temporal(
        &client.address,
        &[
            "workflow",
            "execute",
            "--type",
            "Hello",
            "--task-queue",
            TASK_QUEUE,
            "--workflow-id",
            &id,
            "--output",
            "json",
        ],
    );
    let value: Value = serde_json::from_str(&output).expect("CLI prints JSON");
    assert_eq!(value["status"], "COMPLETED", "{value}");
    assert_eq!(value["result"], "Hello", "{value}");
}

#[test]
fn json_argument_round_trips_through_the_guest() {
    let outcome = execute_one("Echo", json!([{"order": 17, "items": ["a", "é", "\"q\""]}]));
    assert_eq!(outcome["status"], "completed", "{outcome}");
    assert_eq!(
        outcome["result"],
        json!({"order": 17, "items": ["a", "é", "\"q\""]})
    );
}

#[test]
fn binary_payload_round_trips_byte_for_byte() {
    use base64::Engine as _;
    let bytes: Vec<u8> = (0..=255).cycle().take(70_000).collect();
    let encoded = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let outcomes = client().execute(&json!([{
        "id": workflow_id("echo-bytes"), "type": "Echo", "bytes_args": [encoded],
    }]));
    assert_eq!(outcomes[0]["status"], "completed", "{}", outcomes[0]);
    assert_eq!(outcomes[0]["result_bytes"], json!(encoded));
}

#[test]
fn empty_completion_completes_with_no_result() {
    let outcome = execute_one("Empty", json!([]));
    assert_eq!(outcome["status"], "completed", "{outcome}");
    assert_eq!(outcome["result"], Value::Null);
}

#[test]
fn failure_reaches_clients_with_type_message_details_cause_and_non_retryable() {
    let outcome = execute_one("Fail", json!([]));
    assert_eq!(outcome["status"], "failed", "{outcome}");
    // As the Python SDK decodes it.
    let failure = &outcome["failure"];
    assert_eq!(failure["class"], "ApplicationError");
    assert_eq!(failure["message"], "order 17 is invalid");
    assert_eq!(failure["type"], "InvalidOrder");
    assert_eq!(failure["non_retryable"], true);
    assert_eq!(failure["details"], json!([{"order_id": 17}]));
    assert_eq!(failure["cause"]["message"], "quantity must be positive");
    assert_eq!(failure["cause"]["type"], "ValidationError");
    assert_eq!(failure["cause"]["non_retryable"], false);
    assert_eq!(failure["cause"]["cause"]["message"], "root");
    // As stored in history.
    let raw = &outcome["raw_failure"];
    assert_eq!(raw["source"], "temporal-wasm-worker");
    assert_eq!(raw["details"][0]["metadata"]["encoding"], "json/plain");
    assert_eq!(raw["cause"]["cause"]["source"], "temporal-wasm-worker");
}

#[test]
fn zero_length_failure_fails_the_workflow_with_a_generic_type() {
    let outcome = execute_one("FailEmpty", json!([]));
    assert_eq!(outcome["status"], "failed", "{outcome}");
    assert_eq!(outcome["failure"]["type"], "UnspecifiedFailure");
    assert!(
        outcome["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("length 0"),
        "{outcome}"
    );
}

#[test]
fn guest_bug_is_a_workflow_task_failure_while_other_workflows_complete() {
    let client = client();
    let trap_id = workflow_id("trap");
    let healthy: Vec<Value> = (0..5)
        .map(|_| json!({"id": workflow_id("healthy"), "type": "Hello", "args": []}))
        .collect();
    let (task_failure, outcomes) = std::thread::scope(|scope| {
        let trap = scope.spawn(|| client.task_failure("Trap", &trap_id, &json!([])));
        let outcomes = client.execute(&Value::Array(healthy));
        (trap.join().expect("trap thread"), outcomes)
    });
    for outcome in &outcomes {
        assert_eq!(outcome["result"], "Hello", "{outcome}");
    }
    let message = task_failure["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("guest bug in workflow type `Trap`"),
        "{task_failure}"
    );
    assert!(message.contains("unreachable"), "{task_failure}");
    assert!(
        message.contains("charge_card"),
        "backtrace missing: {task_failure}"
    );
    assert_eq!(task_failure["raw_failure"]["type"], "WasmGuestBug");
    assert_eq!(task_failure["status"], "RUNNING", "{task_failure}");
    let events: Vec<&str> = task_failure["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        events.contains(&"EVENT_TYPE_WORKFLOW_TASK_FAILED"),
        "{events:?}"
    );
    assert!(
        !events.contains(&"EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"),
        "{events:?}"
    );
}

#[test]
fn deadline_exceeded_is_a_workflow_task_failure() {
    let task_failure = client().task_failure("Spin", &workflow_id("spin"), &json!([]));
    let message = task_failure["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("did not finish within its 200ms deadline"),
        "{task_failure}"
    );
    // The worker keeps serving.
    assert_eq!(execute_one("Hello", json!([]))["result"], "Hello");
}

#[test]
fn too_many_result_payloads_is_a_workflow_task_failure() {
    let task_failure = client().task_failure("TwoResults", &workflow_id("two"), &json!([]));
    let message = task_failure["message"].as_str().unwrap_or_default();
    assert!(message.contains("single payload"), "{task_failure}");
}

#[test]
fn guest_bug_fails_the_workflow_when_the_workflow_is_configured_so() {
    let outcome = execute_one("TrapFailsWorkflow", json!([]));
    assert_eq!(outcome["status"], "failed", "{outcome}");
    assert_eq!(outcome["failure"]["type"], "WasmGuestBug");
    assert_eq!(outcome["failure"]["non_retryable"], true);
    assert!(
        outcome["failure"]["message"]
            .as_str()
            .unwrap()
            .contains("charge_card"),
        "{outcome}"
    );
}

#[test]
fn unregistered_workflow_type_fails_the_task_listing_registered_types() {
    let task_failure = client().task_failure("NoSuchWorkflow", &workflow_id("unknown"), &json!([]));
    let message = task_failure["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`NoSuchWorkflow` is not registered"),
        "{task_failure}"
    );
    assert!(message.contains("Echo, Empty, Fail"), "{task_failure}");
}

#[test]
fn query_on_a_completed_workflow_is_refused_with_a_clear_message() {
    let id = workflow_id("queried");
    let outcomes = client().execute(&json!([{"id": id, "type": "Hello", "args": []}]));
    assert_eq!(outcomes[0]["status"], "completed");
    let answer = client().query(&id, "status");
    assert_eq!(answer["status"], "query_failed", "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("no query handlers"),
        "{answer}"
    );
}

#[test]
fn guest_logs_carry_the_workflow_identity_and_info_fields() {
    let (worker, client) = shared_worker();
    let id = workflow_id("info");
    let outcomes = client.execute(&json!([{"id": id, "type": "InfoLogger", "args": ["Alice"]}]));
    assert_eq!(outcomes[0]["status"], "completed", "{}", outcomes[0]);
    let needle = format!(r#""workflow_type":"InfoLogger","workflow_id":"{id}""#);
    assert!(
        worker.wait_for_log(&needle, Duration::from_secs(10)),
        "{}",
        worker.log()
    );
    let line = worker
        .log()
        .lines()
        .find(|line| line.contains(&needle))
        .unwrap()
        .to_owned();
    assert!(line.contains(&format!("workflow_id={id}")), "{line}");
    assert!(
        line.contains(r#""namespace":"default","task_queue":"e2e-wasm","attempt":1"#),
        "{line}"
    );
    assert!(
        line.contains(
            r#""params":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkFsaWNlIg=="}]"#
        ),
        "{line}"
    );
    assert!(line.contains(r#""start_time":"20"#), "{line}");
}

#[test]
fn guest_log_is_written_once_even_when_history_is_replayed() {
    let (worker, client) = shared_worker();
    let id = workflow_id("logs-once");
    let outcomes = client.execute(&json!([{"id": id, "type": "LogsThenCompletes", "args": []}]));
    assert_eq!(outcomes[0]["status"], "completed");
    // A query on the completed workflow makes the worker replay its history from the start.
    let _ = client.query(&id, "anything");
    let count = worker
        .log()
        .lines()
        .filter(|line| line.contains("once per workflow") && line.contains(&id))
        .count();
    assert_eq!(count, 1, "{}", worker.log());
}

#[test]
fn sigterm_stops_polling_and_exits_zero() {
    let (mut worker, client) = dedicated_worker("sigterm", "", "");
    let outcomes =
        client.execute(&json!([{"id": workflow_id("before-term"), "type": "Hello", "args": []}]));
    assert_eq!(outcomes[0]["result"], "Hello");
    worker.signal("TERM");
    assert_eq!(
        worker.wait_exit(Duration::from_secs(20)),
        Some(0),
        "{}",
        worker.log()
    );
    assert!(
        worker.log().contains("SIGTERM received"),
        "{}",
        worker.log()
    );
    assert!(worker.log().contains("worker stopped"), "{}", worker.log());
}

#[test]
fn worker_keeps_retrying_an_unreachable_server_and_serves_once_it_is_up() {
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    let task_queue = "late-server".to_owned();
    let (config, dir) = worker_config(&address, &task_queue, "", "");
    let worker = WorkerProcess::start(&config, dir, &[]);
    assert!(
        worker.wait_for_log("cannot reach the Temporal server", Duration::from_secs(30)),
        "{}",
        worker.log()
    );
    let server = TemporalServer::start_on(port);
    assert!(
        worker.wait_for_log("polling for workflow tasks", Duration::from_secs(60)),
        "{}",
        worker.log()
    );
    let client = PythonClient {
        address: server.address.clone(),
        task_queue,
    };
    let outcomes =
        client.execute(&json!([{"id": workflow_id("late"), "type": "Hello", "args": []}]));
    assert_eq!(outcomes[0]["result"], "Hello", "{}", outcomes[0]);
}

/// `GET http://address/metrics` with a bare HTTP/1.0 request.
fn scrape(address: &str) -> String {
    use std::io::{Read, Write};
    let mut stream =
        std::net::TcpStream::connect(address).expect("connect to the metrics endpoint");
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .expect("send request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    response
}

#[test]
fn prometheus_endpoint_serves_core_and_worker_metrics_after_runs() {
    let metrics_address = format!("127.0.0.1:{}", free_port());
    let (worker, client) = dedicated_worker(
        "metrics",
        "",
        &format!("[metrics]\nprometheus_address = \"{metrics_address}\""),
    );
    assert!(worker.log().contains(&format!(
        "serving Prometheus metrics on http://{metrics_address}/metrics"
    )));
    let outcomes = client.execute(&json!([
        {"id": workflow_id("m-hello"), "type": "Hello", "args": []},
        {"id": workflow_id("m-fail"), "type": "Fail", "args": []},
    ]));
    assert_eq!(outcomes[0]["status"], "completed");
    assert_eq!(outcomes[1]["status"], "failed");
    let task_failure = client.task_failure("Trap", &workflow_id("m-trap"), &json!([]));
    assert!(task_failure["message"].is_string(), "{task_failure}");

    let metrics = scrape(&metrics_address);
    assert!(
        metrics.starts_with("HTTP/1.") && metrics.contains(" 200 "),
        "{metrics}"
    );
    let has = |name: &str, labels: &[&str]| {
        metrics
            .lines()
            .any(|line| line.starts_with(name) && labels.iter().all(|label| line.contains(label)))
    };
    assert!(
        has(
            "wasm_workflow_runs",
            &["workflow_type=\"Hello\"", "outcome=\"completed\""]
        ),
        "{metrics}"
    );
    assert!(
        has(
            "wasm_workflow_runs",
            &["workflow_type=\"Fail\"", "outcome=\"failed\""]
        ),
        "{metrics}"
    );
    assert!(
        has(
            "wasm_workflow_runs",
            &["workflow_type=\"Trap\"", "outcome=\"guest_bug\""]
        ),
        "{metrics}"
    );
    assert!(
        has(
            "wasm_guest_bugs",
            &["workflow_type=\"Trap\"", "kind=\"trap\""]
        ),
        "{metrics}"
    );
    assert!(
        has(
            "wasm_workflow_run_duration_bucket",
            &["workflow_type=\"Hello\""]
        ),
        "{metrics}"
    );
    assert!(
        has(
            "wasm_bundle_load_duration_count",
            &["workflow_type=\"Echo\""]
        ),
        "{metrics}"
    );
    assert!(has("wasm_instances_in_flight", &[]), "{metrics}");
    // Core's own worker metrics come from the same endpoint.
    assert!(
        has("temporal_workflow_completed", &["workflow_type=\"Hello\""]),
        "{metrics}"
    );
}

#[test]
fn json_log_format_writes_one_json_object_per_line() {
    // The config's level applies only without RUST_LOG; the harness sets RUST_LOG, so this also
    // shows that RUST_LOG wins (guest=trace stays on).
    let (worker, client) = dedicated_worker(
        "json-logs",
        "",
        "[logging]\nformat = \"json\"\nlevel = \"info\"",
    );
    let id = workflow_id("json-logs");
    let outcomes = client.execute(&json!([{"id": id, "type": "LogsThenCompletes", "args": []}]));
    assert_eq!(outcomes[0]["status"], "completed");
    assert!(
        worker.wait_for_log("once per workflow", Duration::from_secs(10)),
        "{}",
        worker.log()
    );
    let log = worker.log();
    let guest_line = log
        .lines()
        .find(|line| line.contains("once per workflow"))
        .expect("the guest's log line");
    let event: Value = serde_json::from_str(guest_line).expect("a JSON log line");
    assert_eq!(event["level"], "WARN");
    assert_eq!(event["target"], "guest");
    assert_eq!(event["fields"]["message"], "once per workflow");
    assert_eq!(event["fields"]["workflow_id"], json!(id));
    for line in log.lines().filter(|line| !line.trim().is_empty()) {
        serde_json::from_str::<Value>(line)
            .unwrap_or_else(|err| panic!("not JSON ({err}): {line}"));
    }
}

#[test]
fn health_file_is_fresh_while_polling_and_gone_after_shutdown() {
    let (mut worker, _) = dedicated_worker("health", "health_file = \"worker.health\"", "");
    let health_file = worker.dir().join("worker.health");
    let health = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_temporal-wasm-worker"))
            .args([
                "health",
                "--file",
                &health_file.to_string_lossy(),
                "--max-age-secs",
                "30",
            ])
            .output()
            .expect("run health")
    };
    let mut healthy = false;
    for _ in 0..50 {
        if health().status.success() {
            healthy = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        healthy,
        "health never passed: {}",
        String::from_utf8_lossy(&health().stderr)
    );
    worker.signal("TERM");
    assert_eq!(
        worker.wait_exit(Duration::from_secs(20)),
        Some(0),
        "{}",
        worker.log()
    );
    let after = health();
    assert_eq!(after.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&after.stderr).contains("is missing"),
        "{:?}",
        after
    );
}

#[test]
fn worker_identifies_itself_in_history_as_temporal_wasm_worker() {
    let client = client();
    let id = workflow_id("identity");
    let outcomes = client.execute(&json!([{"id": id, "type": "Hello", "args": []}]));
    assert_eq!(outcomes[0]["status"], "completed");
    let history: Value = serde_json::from_str(&temporal(
        &client.address,
        &["workflow", "show", "--workflow-id", &id, "--output", "json"],
    ))
    .expect("history JSON");
    let completed = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|event| event.get("workflowTaskCompletedEventAttributes"))
        .expect("a completed workflow task");
    assert_eq!(
        completed["sdkMetadata"]["sdkName"], "temporal-wasm-worker",
        "{completed}"
    );
    assert_eq!(
        completed["sdkMetadata"]["sdkVersion"],
        env!("CARGO_PKG_VERSION"),
        "{completed}"
    );
    let identity = completed["identity"].as_str().unwrap();
    assert!(identity.starts_with("temporal-wasm-worker@"), "{identity}");
    let (_, pid) = identity.rsplit_once(':').expect("host:pid");
    assert!(pid.parse::<u32>().is_ok(), "{identity}");
    let build_id = completed["workerVersion"]["buildId"].as_str().unwrap();
    assert!(build_id.starts_with("wasm-"), "{completed}");
}

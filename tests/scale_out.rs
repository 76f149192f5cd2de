//! Scaling out on Temporal itself, against a real dev server: two workers on one task queue share
//! its durable workflows, one stops with SIGTERM while runs are parked on it and the other
//! finishes every one; a worker with core's resource-based tuner serves; and a worker with a
//! deployment name polls as a Worker Deployment version that serves once it is made current.
//!
//! Which worker served what is read from history: the identity on each `WorkflowTaskCompleted`.
//! Each test has its own task queue and workers.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

use common::durable_client::DurableClient;
use common::durable_worker::{TIMEOUT, config, start_worker};
use common::temporal::{
    TemporalServer, WorkerProcess, free_port, temporal, temporal_cli, workflow_id,
};
use serde_json::{Value, json};

/// How many workflows the two workers share: enough that both get some.
const SHARED_WORKFLOWS: usize = 16;
/// The timer the shared workflows park on: long enough that they are all still parked when the
/// first worker has stopped, however slow the machine.
const PARKED_MS: u64 = 20_000;

/// The scenario input: one timer after another, each `ms` long.
fn timers(ms: &[u64]) -> Value {
    let steps: Vec<Value> = ms.iter().map(|ms| json!({ "sleep_ms": ms })).collect();
    json!([{ "steps": steps }])
}

/// Starts `count` scenario workflows running `args` and returns their ids.
fn start_workflows(
    client: &DurableClient,
    prefix: &str,
    count: usize,
    args: &Value,
) -> Vec<String> {
    let ids: Vec<String> = (0..count).map(|_| workflow_id(prefix)).collect();
    let specs: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "type": "Scenario", "args": args}))
        .collect();
    client.start_all(&Value::Array(specs));
    ids
}

/// The identities on an outcome's `WorkflowTaskCompleted` events, in order.
fn identities(outcome: &Value) -> Vec<&str> {
    outcome["completed_task_identities"]
        .as_array()
        .expect("durable.py reports completed_task_identities")
        .iter()
        .map(|identity| identity.as_str().expect("identity is a string"))
        .collect()
}

/// A worker on `queue` of the shared server whose identity is `identity`, with `worker_keys`.
fn worker(queue: &str, identity: &str, worker_keys: &str) -> WorkerProcess {
    let keys = format!("identity = \"{identity}\"\nmax_cached_workflows = 50\n{worker_keys}");
    let config = config(&TemporalServer::shared().address, queue, &keys, "");
    start_worker(&config, tempfile::tempdir().expect("temp dir"))
}

#[test]
fn two_workers_share_durable_workflows_and_one_finishes_them_after_the_other_stops() {
    let queue = format!("scale-out-{}", free_port());
    let (first, second) = (format!("{queue}-first"), format!("{queue}-second"));
    let mut first_worker = worker(&queue, &first, "");
    let second_worker = worker(&queue, &second, "");
    let client = DurableClient::new(&TemporalServer::shared().address, &queue);
    let ids = start_workflows(
        &client,
        "scale-out",
        SHARED_WORKFLOWS,
        &timers(&[100, PARKED_MS]),
    );

    // Every run is parked on its long timer once its second workflow task completed.
    let deadline = Instant::now() + TIMEOUT;
    let parked = loop {
        let outcomes = client.outcomes(&ids, Duration::from_millis(200));
        if outcomes
            .iter()
            .all(|outcome| identities(outcome).len() >= 2)
        {
            break outcomes;
        }
        assert!(Instant::now() < deadline, "runs never parked: {outcomes:?}");
        std::thread::sleep(Duration::from_millis(300));
    };
    let served_by = |identity: &str| {
        parked
            .iter()
            .filter(|outcome| identities(outcome).contains(&identity))
            .count()
    };
    assert!(
        served_by(&first) > 0 && served_by(&second) > 0,
        "both workers serve the queue: {} by the first, {} by the second",
        served_by(&first),
        served_by(&second)
    );

    first_worker.signal("TERM");
    assert_eq!(
        first_worker.wait_exit(Duration::from_secs(30)),
        Some(0),
        "the first worker stops gracefully:\n{}",
        first_worker.log()
    );
    // The runs the first worker had parked and that are still open must move to the second.
    let moved: Vec<String> = client
        .outcomes(&ids, Duration::from_millis(200))
        .iter()
        .filter(|outcome| {
            outcome["status"] == "RUNNING" && identities(outcome).contains(&first.as_str())
        })
        .map(|outcome| outcome["id"].as_str().expect("id").to_owned())
        .collect();
    assert!(
        !moved.is_empty(),
        "the first worker held parked runs when it stopped"
    );
    eprintln!(
        "{} runs served by the first worker, {} by the second; {} moved after the first stopped",
        served_by(&first),
        served_by(&second),
        moved.len()
    );

    for outcome in client.outcomes(&ids, TIMEOUT) {
        assert_eq!(
            outcome["status"],
            "COMPLETED",
            "{outcome}\nsecond worker:\n{}",
            second_worker.log()
        );
        assert_eq!(outcome["task_failures"], json!([]), "{outcome}");
        if moved.iter().any(|id| outcome["id"] == id.as_str()) {
            assert_eq!(
                identities(&outcome).last().copied(),
                Some(second.as_str()),
                "a run parked on the stopped worker is finished by the other: {outcome}"
            );
        }
    }
}

/// `GET http://address/metrics`, the body.
fn metrics(address: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect to the metrics endpoint");
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .expect("send the request");
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("read the response");
    response
}

#[test]
fn a_worker_with_the_resource_based_tuner_starts_and_serves() {
    let queue = format!("scale-tuner-{}", free_port());
    let metrics_address = format!("127.0.0.1:{}", free_port());
    let keys = "[worker.tuner]\ntarget_memory_usage = 0.95\ntarget_cpu_usage = 0.95\n\
                min_workflow_slots = 2\nmax_workflow_slots = 20";
    let extra = format!("[metrics]\nprometheus_address = \"{metrics_address}\"\n");
    let config = config(&TemporalServer::shared().address, &queue, keys, &extra);
    let worker = start_worker(&config, tempfile::tempdir().expect("temp dir"));
    let client = DurableClient::new(&TemporalServer::shared().address, &queue);

    let ids = start_workflows(&client, "scale-tuner", 6, &timers(&[100, 100]));
    for outcome in client.outcomes(&ids, TIMEOUT) {
        assert_eq!(
            outcome["status"],
            "COMPLETED",
            "{outcome}\n{}",
            worker.log()
        );
        assert_eq!(
            outcome["result"]["results"].as_array().map(Vec::len),
            Some(2)
        );
    }
    // Core's resource-based slot suppliers report what they measure; fixed ones do not.
    let scraped = metrics(&metrics_address);
    assert!(
        scraped.contains("temporal_resource_slots_mem_usage"),
        "the tuner is in use:\n{scraped}"
    );
}

/// The build id a worker logged when it started polling.
fn logged_build_id(worker: &WorkerProcess) -> String {
    let log = worker.log();
    log.lines()
        .filter(|line| line.contains("polling for workflow tasks"))
        .find_map(|line| line.split("build_id=").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no build id logged:\n{log}"))
}

#[test]
fn a_worker_with_a_deployment_name_serves_as_a_worker_deployment_version_once_current() {
    let address = &TemporalServer::shared().address;
    let queue = format!("scale-deployment-{}", free_port());
    let deployment = format!("wasm-orders-{}", free_port());
    let worker = worker(
        &queue,
        &format!("{queue}-versioned"),
        &format!("deployment_name = \"{deployment}\""),
    );
    let build_id = logged_build_id(&worker);

    // Polling registers the version in the deployment (which does not exist until then).
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let described = Command::new(temporal_cli())
            .args(["worker", "deployment", "describe", "--name", &deployment])
            .args(["-o", "json", "--address", address])
            .output()
            .expect("run the Temporal CLI");
        let described = String::from_utf8_lossy(&described.stdout).into_owned();
        if described.contains(&build_id) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "version never registered: {described}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    // Versioned routing: until the version is current, a new run is not this worker's.
    let client = DurableClient::new(address, &queue);
    let ids = start_workflows(&client, "scale-deployment", 1, &timers(&[100]));
    let waiting = client.outcome(&ids[0], Duration::from_secs(2));
    assert_eq!(waiting["status"], "RUNNING", "{waiting}");
    assert!(identities(&waiting).is_empty(), "{waiting}");

    temporal(
        address,
        &[
            "worker",
            "deployment",
            "set-current-version",
            "--deployment-name",
            &deployment,
            "--build-id",
            &build_id,
            "--yes",
        ],
    );
    let done = client.outcome(&ids[0], TIMEOUT);
    assert_eq!(done["status"], "COMPLETED", "{done}\n{}", worker.log());
    let described = temporal(
        address,
        &["workflow", "describe", "-w", &ids[0], "-o", "json"],
    );
    assert!(
        described.contains("VERSIONING_BEHAVIOR_AUTO_UPGRADE") && described.contains(&build_id),
        "the run records the version and the default behavior: {described}"
    );
}

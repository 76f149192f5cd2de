//! What the durable fault tests share: sizes, the scenario workflows they run and the results
//! those must end with, the activity calls recorded on disk, workers, and watching progress.

use std::collections::{HashMap, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::common::durable_worker::{activity, config};
use super::common::temporal::{WorkerProcess, Workload, free_port};
use super::plans::{Planned, specs};

/// A size from the environment variable `name`, or `default` (the CI size).
pub fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// What every load workflow logs in its first activation: its lines show the worker's progress.
pub const BEGUN: &str = "durable-fault-begun";

/// A task queue of its own for one test.
pub fn task_queue(test: &str) -> String {
    format!("durable-{test}-{}", free_port())
}

/// Activity calls counted on disk by the activity worker's `record_call`, one file per key, so
/// the count survives a `kill -9` of the activity worker itself.
pub struct Calls {
    dir: tempfile::TempDir,
}

impl Calls {
    pub fn new() -> Calls {
        Calls {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// `record_call` options for `key` on `queue`, running `seconds` (heartbeating) if not 0.
    pub fn record(&self, queue: &str, key: &str, seconds: f64, extra: Value) -> Value {
        let mut options = activity(
            "record_call",
            json!([{"dir": self.dir.path(), "key": key, "seconds": seconds}]),
            extra,
        );
        options["task_queue"] = json!(queue);
        options
    }

    /// How many times `record_call` ran for `key` (0 if never).
    pub fn count(&self, key: &str) -> usize {
        std::fs::read_to_string(self.dir.path().join(key)).map_or(0, |text| text.lines().count())
    }

    /// How many keys have at least one call.
    pub fn keys(&self) -> usize {
        std::fs::read_dir(self.dir.path()).map_or(0, |entries| entries.count())
    }
}

/// A worker on `queue` at `address` with the scenario bundle, `worker_keys` in `[worker]` and
/// `extra` tables; started, and polling.
pub fn start_worker(
    address: &str,
    queue: &str,
    worker_keys: &str,
    extra: &str,
    env: &[(String, String)],
) -> WorkerProcess {
    let config = config(address, queue, worker_keys, extra);
    let worker = WorkerProcess::start(&config, tempfile::tempdir().expect("temp dir"), env);
    assert_polling(&worker);
    worker
}

/// A second worker on `first`'s config file, logging into a folder of its own.
pub fn start_replacement(first: &WorkerProcess, env: &[(String, String)]) -> WorkerProcess {
    let worker = WorkerProcess::start_with_config_file(
        &first.dir().join("worker.toml"),
        tempfile::tempdir().expect("temp dir"),
        env,
    );
    assert_polling(&worker);
    worker
}

fn assert_polling(worker: &WorkerProcess) {
    assert!(
        worker.wait_for_log("polling for workflow tasks", Duration::from_secs(60)),
        "the worker did not start polling:\n{}",
        worker.log()
    );
}

/// The workflows whose first activation `worker` ran (from the guest's [`BEGUN`] log line).
pub fn begun(worker: &WorkerProcess) -> HashSet<String> {
    worker
        .log()
        .lines()
        .filter(|line| line.contains(BEGUN))
        .filter_map(|line| line.split("workflow_id=").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Waits until `workers` together have begun at least `count` workflows; returns how many.
pub fn wait_until_begun(workers: &[&WorkerProcess], count: usize, timeout: Duration) -> usize {
    let deadline = Instant::now() + timeout;
    loop {
        let started: HashSet<String> = workers.iter().flat_map(|worker| begun(worker)).collect();
        if started.len() >= count {
            return started.len();
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {count} workflows began within {timeout:?}",
            started.len()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Starts `planned` on `queue` at `address` and returns the workload client.
pub fn start_all(address: &str, queue: &str, planned: &[Planned]) -> Workload {
    let workload = Workload {
        address: address.to_owned(),
        task_queue: queue.to_owned(),
    };
    // In batches: a process's argument may not exceed 128 KiB.
    for batch in planned.chunks(100) {
        workload.start(&specs(batch));
    }
    workload
}

/// Waits until `calls` has at least `count` keys recorded.
pub fn wait_until_recorded(calls: &Calls, count: usize, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    while calls.keys() < count {
        assert!(
            Instant::now() < deadline,
            "only {} of {count} activities started within {timeout:?}",
            calls.keys()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// One field (in bytes) of `/proc/<pid>/status`, e.g. `VmRSS` or `VmHWM`.
pub fn memory_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .and_then(|value| {
            value
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

/// The worker's Prometheus metrics at `address`, as `name{labels}` → value (summed over
/// label sets by name).
pub fn metrics(address: &str) -> HashMap<String, f64> {
    let mut stream = TcpStream::connect(address).expect("connect to the metrics endpoint");
    write!(stream, "GET /metrics HTTP/1.0\r\nHost: {address}\r\n\r\n").expect("send");
    let mut text = String::new();
    stream.read_to_string(&mut text).expect("read metrics");
    let mut by_name = HashMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let Some((series, value)) = line.rsplit_once(' ') else {
            continue;
        };
        let name = series.split('{').next().unwrap_or(series).to_owned();
        if let Ok(value) = value.parse::<f64>() {
            *by_name.entry(name).or_insert(0.0) += value;
        }
    }
    by_name
}

/// Lines of `log` that contain `needle`.
pub fn count_lines(log: &str, needle: &str) -> usize {
    log.lines().filter(|line| line.contains(needle)).count()
}

//! The real-server half of each case: one worker, on the shared dev server, registers every
//! hostile durable bundle and the healthy `Nap`; a case runs its hostile workflow alongside three
//! `Nap`s (`tests/support/durable_hostile.py`), optionally under a flood of signals or queries,
//! and checks what `tests/hostile.rs` checks for v0 guests: the healthy workflows complete with
//! their own results while the hostile one is handled, and the worker's resident memory is back
//! within [`RSS_TOLERANCE_BYTES`] of what it was before the case.

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::common::temporal::{
    TemporalServer, WorkerProcess, free_port, run_support_script, workflow_id,
};
use super::guests;
use super::harness::guest_bug_text;
use super::worker_bundles::bundles;

/// How far above where it was before a case the worker's resident memory may stay after it:
/// allocator slack (see [`assert_memory_back`]); a slot that kept a grown guest's pages would
/// leave 192 MiB.
pub const RSS_TOLERANCE_BYTES: u64 = 64 << 20;

/// How far above the warm-up baseline the worker's resident memory may be after any case, all
/// cases before it included.
pub const RSS_CEILING_BYTES: u64 = 256 << 20;

/// Memory cap of `GrowsWhileParked`; large, so that not giving it back would show.
pub const GROWTH_CAP_MIB: u64 = 256;

/// Pages `GrowsWhileParked` grows by in each activation: 64 MiB, so that it reaches its cap in
/// four activations (the dev server fires short timers about once a second).
pub const GROWTH_PAGES: u32 = 1024;

/// Steps of `BusyWithQueries`, a 100 ms timer each.
pub const BUSY_STEPS: u32 = 5;

/// `random`/`now` calls of `RandomAndNow`.
pub const RANDOM_CALLS: u32 = 1_000_000;

/// A worker running hostile bundles beside `Nap`, and its memory baseline.
pub struct HostileWorker {
    pub worker: WorkerProcess,
    pub address: String,
    pub task_queue: String,
    pub baseline_rss: u64,
}

/// The worker the cases share, with every bundle of [`bundles`].
pub fn hostile_worker() -> &'static HostileWorker {
    static WORKER: OnceLock<HostileWorker> = OnceLock::new();
    WORKER.get_or_init(|| HostileWorker::start(bundles(), ""))
}

impl HostileWorker {
    /// Starts a worker of its own (on the shared server and a task queue of its own) with
    /// `bundles` (workflow type, WAT, extra config lines) beside `Nap`, and `worker_keys` in its
    /// `[worker]` table, and warms it up.
    pub fn start(bundles: Vec<(String, String, String)>, worker_keys: &str) -> HostileWorker {
        let server = TemporalServer::shared();
        let task_queue = format!("durable-hostile-{}", free_port());
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = format!(
            "[temporal]\naddress = \"{}\"\ntask_queue = \"{task_queue}\"\n\n\
             [worker]\nmax_concurrent_runs = 4\nmax_cached_workflows = 100\n\
             shutdown_timeout_secs = 10\n{worker_keys}\n\n\
             [workflows.Nap]\nmodule = \"nap.wat\"\n\n",
            server.address
        );
        std::fs::write(dir.path().join("nap.wat"), guests::nap()).expect("write Nap");
        for (workflow_type, wat, extra) in bundles {
            let file = format!("{}.wat", workflow_type.to_lowercase());
            std::fs::write(dir.path().join(&file), wat).expect("write a hostile bundle");
            config.push_str(&format!(
                "[workflows.{workflow_type}]\nmodule = \"{file}\"\n{extra}\n"
            ));
        }
        let worker = WorkerProcess::start(&config, dir, &[]);
        assert!(
            worker.wait_for_log("polling for workflow tasks", Duration::from_secs(120)),
            "the worker did not start polling:\n{}",
            worker.log()
        );
        let hostile = HostileWorker {
            baseline_rss: 0,
            address: server.address.clone(),
            task_queue,
            worker,
        };
        // Warm up: the first workflows grow the worker's pools and arenas to their working size,
        // which is the baseline every case returns to.
        let warm_up = hostile.alongside(&[], None);
        let healthy = warm_up["healthy"].as_array();
        assert!(
            healthy.is_some_and(|healthy| healthy.iter().all(|o| o["status"] == "completed")),
            "the worker did not complete its warm-up workflows: {warm_up}"
        );
        HostileWorker {
            baseline_rss: memory_status(hostile.worker.pid(), "VmRSS"),
            ..hostile
        }
    }

    /// Runs `hostile` workflow types beside three healthy `Nap`s (and `flood`, if any), as
    /// `durable_hostile.py alongside` does.
    pub fn alongside(&self, hostile: &[&str], flood: Option<&Value>) -> Value {
        let hostile: Vec<Value> = hostile
            .iter()
            .map(|workflow_type| json!({"id": workflow_id(workflow_type), "type": workflow_type, "args": []}))
            .collect();
        let mut args = vec![
            "alongside".to_owned(),
            Value::Array(hostile).to_string(),
            healthy_specs().to_string(),
        ];
        if let Some(flood) = flood {
            args.push(flood.to_string());
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_support_script("durable_hostile.py", &self.address, &self.task_queue, &args)
    }
}

/// Three healthy `Nap`s, each echoing its own argument.
fn healthy_specs() -> Value {
    (0..3)
        .map(|n| json!({"id": workflow_id("nap"), "type": "Nap", "args": [{"n": n}]}))
        .collect()
}

/// One field (in bytes) of `/proc/<pid>/status`, e.g. `VmRSS` or `VmHWM`.
pub fn memory_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("worker status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
    kib * 1024
}

/// What one hostile workflow became on the real worker.
pub struct Hostile {
    /// `watch_hostile`'s report: `task_failure`, `status`, `outcome`, `events`.
    pub outcome: Value,
    /// Whether it was still open when the healthy workflows beside it had all completed.
    pub open_when_healthy_done: bool,
    /// What the flood came to, for a case with one.
    pub flood: Value,
    /// The worker's peak resident memory during the case, above what it was before.
    pub peak_above_baseline: u64,
}

impl Hostile {
    /// The guest-bug message of the task failure this workflow caused (after its prefix), after
    /// checking that it is a guest bug of `workflow_type`, that the workflow stayed open, and
    /// that it was open while the healthy workflows ran.
    pub fn guest_bug(&self, workflow_type: &str) -> String {
        let failure = &self.outcome["task_failure"];
        assert!(failure.is_object(), "no task failure: {}", self.outcome);
        assert_eq!(failure["type"], "WasmGuestBug", "{}", self.outcome);
        assert_eq!(self.outcome["status"], "RUNNING", "{}", self.outcome);
        assert!(
            self.open_when_healthy_done,
            "the hostile workflow was not open while the healthy ones ran: {}",
            self.outcome
        );
        guest_bug_text(
            failure["message"].as_str().unwrap_or_default(),
            workflow_type,
        )
        .to_owned()
    }

    /// The type and message of the first workflow task failure, after checking that the workflow
    /// stayed open (and was open while the healthy workflows ran).
    pub fn task_failure(&self) -> (&str, &str) {
        let failure = &self.outcome["task_failure"];
        assert!(failure.is_object(), "no task failure: {}", self.outcome);
        assert_eq!(self.outcome["status"], "RUNNING", "{}", self.outcome);
        assert!(self.open_when_healthy_done, "{}", self.outcome);
        (
            failure["type"].as_str().unwrap_or_default(),
            failure["message"].as_str().unwrap_or_default(),
        )
    }

    /// The workflow's own result, after checking that it completed.
    pub fn completed_result(&self) -> &Value {
        assert_eq!(
            self.outcome["outcome"]["status"], "completed",
            "{}",
            self.outcome
        );
        &self.outcome["outcome"]["result"]
    }
}

/// Runs the `hostile` workflow types (the first under `flood`, if any) alongside three healthy
/// `Nap`s, checks the healthy ones completed with their own results and the worker's memory is
/// back where it was before the case, and returns what each hostile workflow became.
pub fn run_alongside_healthy(hostile: &[&str], flood: Option<Value>) -> Vec<Hostile> {
    static ONE_CASE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let worker = hostile_worker();
    let _case = ONE_CASE_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    worker.run_case(hostile, flood)
}

impl HostileWorker {
    /// [`run_alongside_healthy`] on this worker.
    pub fn run_case(&self, hostile: &[&str], flood: Option<Value>) -> Vec<Hostile> {
        let worker = self;
        let pid = worker.worker.pid();
        let before = memory_status(pid, "VmRSS");
        // Reset the peak resident size, so the peak read below is this case's.
        std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset the peak RSS");
        let answer = worker.alongside(hostile, flood.as_ref());
        let peak = memory_status(pid, "VmHWM");

        let healthy = answer["healthy"].as_array().expect("healthy outcomes");
        assert_eq!(healthy.len(), 3, "{answer}");
        for (n, outcome) in healthy.iter().enumerate() {
            assert_eq!(
                outcome,
                &json!({"status": "completed", "result": {"n": n}}),
                "a healthy durable workflow alongside {hostile:?}"
            );
        }
        let after = assert_memory_back(worker, before, hostile);
        eprintln!(
            "{hostile:?}: RSS {} MiB before, peak {} MiB, {} MiB after (warm-up baseline {} MiB)",
            before >> 20,
            peak >> 20,
            after >> 20,
            worker.baseline_rss >> 20
        );
        let open = answer["hostile_open_when_healthy_done"]
            .as_array()
            .expect("open flags");
        answer["hostile"]
            .as_array()
            .expect("hostile outcomes")
            .iter()
            .zip(open)
            .map(|(outcome, open)| Hostile {
                outcome: outcome.clone(),
                open_when_healthy_done: open.as_bool() == Some(true),
                flood: answer["flood"].clone(),
                peak_above_baseline: peak.saturating_sub(before),
            })
            .collect()
    }
}

/// [`run_alongside_healthy`] for one hostile workflow type.
pub fn run_one(workflow_type: &str) -> Hostile {
    run_alongside_healthy(&[workflow_type], None)
        .pop()
        .expect("one outcome")
}

/// Waits (the pool gives pages back as runs end) until the worker's resident memory is within
/// [`RSS_TOLERANCE_BYTES`] of what it was before the case, and within [`RSS_CEILING_BYTES`] of
/// the baseline taken after warm-up, and returns it.
///
/// Each case is measured against its own start because the allocator keeps what a case freed in
/// the arena of the thread that freed it: a case that made the host allocate (10 000 commands)
/// leaves RSS 13–52 MiB up the first time, and the same case run again 14 times in a row stays
/// there (observed: 63, 72, 75, then 78 MiB for ever from a 50 MiB baseline) — retention, not a
/// leak. The ceiling catches what would add up.
fn assert_memory_back(worker: &HostileWorker, before: u64, case: &[&str]) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rss = memory_status(worker.worker.pid(), "VmRSS");
        if rss <= before + RSS_TOLERANCE_BYTES && rss <= worker.baseline_rss + RSS_CEILING_BYTES {
            return rss;
        }
        assert!(
            Instant::now() < deadline,
            "after {case:?} the worker's resident memory stayed at {} MiB: {} MiB before the \
             case (tolerance {} MiB), {} MiB after warm-up (ceiling {} MiB)",
            rss >> 20,
            before >> 20,
            RSS_TOLERANCE_BYTES >> 20,
            worker.baseline_rss >> 20,
            RSS_CEILING_BYTES >> 20,
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Lines of the worker's log that mention `workflow_id`.
pub fn log_lines_of(workflow_id: &str) -> Vec<String> {
    hostile_worker()
        .worker
        .log()
        .lines()
        .filter(|line| line.contains(&format!("workflow_id={workflow_id}")))
        .map(str::to_owned)
        .collect()
}

/// Queries `workflow_id` on the shared worker's task queue: `{"value"}` or `{"failure"}`.
pub fn query(workflow_id: &str, name: &str) -> Value {
    let worker = hostile_worker();
    super::common::durable_client::DurableClient::new(&worker.address, &worker.task_queue)
        .query(workflow_id, name)
}

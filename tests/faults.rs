//! Faults under load: the worker killed, the server restarted, the worker stopped, and a bundle
//! file broken on disk, each while hundreds of workflows are on their way.
//!
//! Every test is ignored by a plain `cargo test`: `scripts/test.sh` runs them in their own step,
//! one at a time (`cargo test --test faults -- --ignored --test-threads=1`). Each is bounded:
//! a few hundred workflows, timeouts on every wait, servers and workers on 127.0.0.1 only, and
//! every process killed when its test ends. Outcomes are in `proto-notes/hostile-guests.md`.

mod common;

use std::collections::HashSet;
use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use common::temporal::{TemporalServer, WorkerProcess, Workload, free_port, workflow_id};
use common::wat::{self, completes_with};
use serde_json::{Value, json};

/// Workflows per load test.
const LOAD: usize = 300;

/// What the guest logs at the start of every run; its lines show the worker's progress.
const PROGRESS_MARKER: &[u8] = b"progress";

const HELLO: &str = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkhlbGxvIg=="}]"#;

/// The workflow every load test runs: it logs [`PROGRESS_MARKER`], then echoes its argument.
fn logging_echo() -> String {
    let echo = wat::echo_first_param().replacen(r#"(func (export "run")"#, "(func $echo", 1);
    let end = echo.rfind(')').expect("a module");
    format!(
        r#"{}  {}
  (func (export "run")
    (call $write_log (i32.const 3) (i32.const 0) (i32.const {}))
    (call $echo))
)"#,
        &echo[..end],
        wat::data(0, PROGRESS_MARKER),
        PROGRESS_MARKER.len()
    )
}

/// A folder with the `Work` bundle (and `Greeting`, whose result lives in a data segment) and a
/// worker config for `task_queue` at `address`.
fn worker_files(address: &str, task_queue: &str) -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("work.wat"), logging_echo()).expect("write bundle");
    std::fs::write(dir.path().join("greeting.wat"), completes_with(HELLO)).expect("write bundle");
    let config = format!(
        "[temporal]\naddress = \"{address}\"\ntask_queue = \"{task_queue}\"\n\n\
         [worker]\nshutdown_timeout_secs = 10\n\n\
         [workflows.Work]\nmodule = \"work.wat\"\n\n\
         [workflows.Greeting]\nmodule = \"greeting.wat\"\n"
    );
    (config, dir)
}

/// Starts a worker on `config` and waits until it polls.
fn start_worker(config: &str, dir: tempfile::TempDir) -> WorkerProcess {
    let worker = WorkerProcess::start(config, dir, &[]);
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

/// A second worker on the first one's config file and bundles, logging into its own folder.
fn start_replacement(first: &WorkerProcess) -> WorkerProcess {
    let worker = WorkerProcess::start_with_config_file(
        &first.dir().join("worker.toml"),
        tempfile::tempdir().expect("temp dir"),
        &[],
    );
    assert_polling(&worker);
    worker
}

/// [`LOAD`] `Work` workflows, each echoing its own number, as (ids, start specs).
fn load_specs(prefix: &str) -> (Vec<String>, Value) {
    let ids: Vec<String> = (0..LOAD).map(|_| workflow_id(prefix)).collect();
    let specs = ids
        .iter()
        .enumerate()
        .map(|(n, id)| json!({"id": id, "type": "Work", "args": [{"n": n}]}))
        .collect();
    (ids, specs)
}

/// The workflows whose runs the worker has begun (from the guest's log line).
fn workflows_begun(worker: &WorkerProcess) -> HashSet<String> {
    let marker = String::from_utf8_lossy(PROGRESS_MARKER).into_owned();
    worker
        .log()
        .lines()
        .filter(|line| line.contains(&marker))
        .filter_map(|line| line.split("workflow_id=").nth(1))
        .filter_map(|rest| rest.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// Waits until the worker has run at least `count` workflows and returns how many it has.
fn wait_for_runs(worker: &WorkerProcess, count: usize) -> usize {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let started = workflows_begun(worker).len();
        if started >= count {
            return started;
        }
        assert!(
            Instant::now() < deadline,
            "only {started} of {count} workflows ran:\n{}",
            worker.log()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Checks that every workflow in `ids` completed exactly once, in one run, with its own number.
fn assert_each_completed_exactly_once(outcomes: &[Value], ids: &[String]) {
    assert_eq!(outcomes.len(), ids.len());
    for (n, (outcome, id)) in outcomes.iter().zip(ids).enumerate() {
        assert_eq!(outcome["id"], json!(id));
        assert_eq!(outcome["status"], "completed", "{outcome}");
        assert_eq!(outcome["result"], json!({"n": n}), "{outcome}");
        assert_eq!(outcome["completed_events"], 1, "{outcome}");
        assert_eq!(outcome["runs"], 1, "{outcome}");
    }
}

fn count(outcomes: &[Value], field: &str) -> u64 {
    outcomes
        .iter()
        .filter(|outcome| outcome[field].as_u64().unwrap_or(0) > 0)
        .count() as u64
}

#[test]
#[ignore = "fault/load test: run by scripts/test.sh in its own step"]
fn killing_the_worker_mid_load_loses_no_workflow_and_completes_none_twice() {
    let started_at = Instant::now();
    let server = TemporalServer::shared();
    let task_queue = format!("kill9-{}", free_port());
    let workload = Workload {
        address: server.address.clone(),
        task_queue: task_queue.clone(),
    };
    let (ids, specs) = load_specs("kill9");
    workload.start(&specs);

    let (config, dir) = worker_files(&server.address, &task_queue);
    let mut first = start_worker(&config, dir);
    let ran = wait_for_runs(&first, LOAD / 3);
    first.signal("KILL");
    // The watchdog reports the worker's death by SIGKILL as the shell does: 128 + 9.
    assert_eq!(first.wait_exit(Duration::from_secs(10)), Some(137));
    assert!(
        ran < LOAD,
        "the worker finished everything before it was killed"
    );

    let _second = start_replacement(&first);
    let outcomes = workload.outcomes(&ids, Duration::from_secs(180));
    assert_each_completed_exactly_once(&outcomes, &ids);
    eprintln!(
        "kill -9 after {ran} of {LOAD} runs had started; {} workflow tasks timed out on the \
         killed worker and were redone; {:.1}s in all",
        count(&outcomes, "task_timed_out"),
        started_at.elapsed().as_secs_f64()
    );
}

#[test]
#[ignore = "fault/load test: run by scripts/test.sh in its own step"]
fn restarting_the_server_mid_load_the_worker_reconnects_and_every_workflow_completes() {
    let started_at = Instant::now();
    let mut server = TemporalServer::start_persistent_on(free_port());
    let task_queue = "server-restart".to_owned();
    let workload = Workload {
        address: server.address.clone(),
        task_queue: task_queue.clone(),
    };
    let (ids, specs) = load_specs("restart");
    workload.start(&specs);

    let (config, dir) = worker_files(&server.address, &task_queue);
    let mut worker = start_worker(&config, dir);
    let ran = wait_for_runs(&worker, LOAD / 3);
    let restarting = Instant::now();
    server.restart();
    let restarted_in = restarting.elapsed();
    assert!(
        ran < LOAD,
        "the worker finished everything before the restart"
    );

    let outcomes = workload.outcomes(&ids, Duration::from_secs(180));
    assert_each_completed_exactly_once(&outcomes, &ids);
    assert!(worker.is_running(), "the worker exited:\n{}", worker.log());
    eprintln!(
        "server restarted in {:.1}s after {ran} of {LOAD} runs had started; {} workflow tasks \
         timed out and were redone; {:.1}s in all",
        restarted_in.as_secs_f64(),
        count(&outcomes, "task_timed_out"),
        started_at.elapsed().as_secs_f64()
    );
}

#[test]
#[ignore = "fault/load test: run by scripts/test.sh in its own step"]
fn sigterm_mid_load_finishes_every_run_begun_and_exits_zero_within_the_grace_period() {
    let started_at = Instant::now();
    let server = TemporalServer::shared();
    let task_queue = format!("sigterm-load-{}", free_port());
    let workload = Workload {
        address: server.address.clone(),
        task_queue: task_queue.clone(),
    };
    let (ids, specs) = load_specs("sigterm");
    workload.start(&specs);

    let (config, dir) = worker_files(&server.address, &task_queue);
    let mut first = start_worker(&config, dir);
    let ran = wait_for_runs(&first, LOAD / 3);
    let signalled = Instant::now();
    first.signal("TERM");
    let exit = first.wait_exit(Duration::from_secs(20));
    let stopping = signalled.elapsed();
    assert_eq!(exit, Some(0), "{}", first.log());
    // `shutdown_timeout_secs = 10` in the config: the worker exits 1 if it needs longer.
    assert!(stopping < Duration::from_secs(11), "took {stopping:?}");
    assert!(first.log().contains("worker stopped"), "{}", first.log());
    let begun = workflows_begun(&first);
    assert!(
        begun.len() < LOAD,
        "the worker finished everything before SIGTERM"
    );

    let _second = start_replacement(&first);
    let outcomes = workload.outcomes(&ids, Duration::from_secs(180));
    assert_each_completed_exactly_once(&outcomes, &ids);
    // Every run the stopping worker had begun was finished and reported: none was abandoned to
    // time out, none failed. (A task the server hands over in the last moments before the signal
    // can still be dropped by the core SDK before it is begun; it times out and the replacement
    // worker does it. See proto-notes/hostile-guests.md.)
    for (outcome, id) in outcomes.iter().zip(&ids) {
        if begun.contains(id) {
            assert_eq!(outcome["task_timed_out"], 0, "{outcome}");
            assert_eq!(outcome["task_failed"], 0, "{outcome}");
        }
    }
    eprintln!(
        "SIGTERM after {ran} of {LOAD} runs had started; exited 0 in {:.2}s; the stopped worker \
         began {} runs; {} workflow tasks timed out; {:.1}s in all",
        stopping.as_secs_f64(),
        begun.len(),
        count(&outcomes, "task_timed_out"),
        started_at.elapsed().as_secs_f64()
    );
}

#[test]
#[ignore = "fault/load test: run by scripts/test.sh in its own step"]
fn bundle_files_broken_on_disk_after_start_up_do_not_affect_the_running_worker() {
    let server = TemporalServer::shared();
    let task_queue = format!("broken-bundles-{}", free_port());
    let workload = Workload {
        address: server.address.clone(),
        task_queue: task_queue.clone(),
    };
    let (config, dir) = worker_files(&server.address, &task_queue);
    let mut worker = start_worker(&config, dir);

    let (ids, specs) = load_specs("broken");
    let greetings: Vec<String> = (0..50).map(|_| workflow_id("greeting")).collect();
    workload.start(&specs);
    workload.start(
        &greetings
            .iter()
            .map(|id| json!({"id": id, "type": "Greeting", "args": []}))
            .collect(),
    );
    wait_for_runs(&worker, 10);
    // Truncated and overwritten with garbage, made unreadable, and deleted outright.
    let greeting = worker.dir().join("greeting.wat");
    std::fs::write(&greeting, b"").expect("truncate");
    std::fs::write(&greeting, b"\0asm garbage").expect("corrupt");
    std::fs::set_permissions(&greeting, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    std::fs::remove_file(worker.dir().join("work.wat")).expect("delete");

    let outcomes = workload.outcomes(&ids, Duration::from_secs(180));
    assert_each_completed_exactly_once(&outcomes, &ids);
    for outcome in workload.outcomes(&greetings, Duration::from_secs(60)) {
        assert_eq!(outcome["status"], "completed", "{outcome}");
        assert_eq!(outcome["result"], "Hello", "{outcome}");
    }
    assert!(worker.is_running(), "{}", worker.log());
}

//! Hostile guests against the real worker and a real Temporal server.
//!
//! One worker registers every hostile bundle below plus a healthy `Echo`. Each test runs one
//! hostile case alongside three healthy workflows and checks the three things every case must
//! show: the hostile workflow gets its documented outcome with a message an operator can act
//! on; the healthy workflows complete with their own results while the hostile one is being
//! handled; and the worker's resident memory is back at its baseline afterwards. Cases run one
//! at a time so that the memory a case used is its own.
//!
//! The matrix, with each observed outcome and its reason, is `proto-notes/hostile-guests.md`.
//! Where `tests/host.rs` already pins a case down in-process, the test here adds what only a
//! running worker shows and names the host test.

mod common;

use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use common::temporal::{TemporalServer, WorkerProcess, Workload, workflow_id};
use common::wat::{self, completes_with, data, fails_with, module};
use serde_json::{Value, json};

const TASK_QUEUE: &str = "hostile-wasm";

const HELLO: &str = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkhlbGxvIg=="}]"#;

/// How far above its baseline the worker's resident memory may stay after a case. The pooling
/// allocator keeps its slots' address space reserved but gives their pages back after every run,
/// so what remains is allocator slack (observed: under 8 MiB); a slot that kept the memory
/// bomb's pages would leave 256 MiB behind.
const RSS_TOLERANCE_BYTES: u64 = 32 << 20;

/// Memory cap of the memory bomb; large, so that not giving it back would show.
const BOMB_CAP_MIB: u64 = 256;

/// Log lines the flood guest writes.
const FLOOD_LINES: u32 = 2_000_000;

/// Size of the payload `BigResult` returns: over the dev server's 2 MiB blob limit, under
/// gRPC's 4 MiB message limit.
const BIG_RESULT_BYTES: usize = 3 << 20;

/// What `BadUtf8Log` logs: two invalid bytes, and a sequence cut short at the end.
const BAD_UTF8: &[u8] = b"bad \xff\xfe utf-8 \xc3";

/// Size of `HugeData`'s data segment.
const HUGE_DATA_BYTES: usize = 24 << 20;

/// Functions in `ManyFunctions`.
const MANY_FUNCTIONS: usize = 10_000;

/// Every hostile bundle, as (workflow type, WAT, extra config lines).
fn hostile_bundles() -> Vec<(&'static str, String, String)> {
    let info_len_prefix =
        r#"(func (export "run") (local $len i32) (local.set $len (call $get_info_len))"#;
    vec![
        (
            "Spin",
            module(r#"(func (export "run") (loop $forever (br $forever)))"#),
            "deadline_ms = 500\n".into(),
        ),
        (
            "MemoryBomb",
            // Grows one page at a time until refused, writing to every 4 KiB of each new page so
            // that the memory is really resident, not just reserved.
            module(
                r#"(func (export "run") (local $at i32) (local $end i32)
                     (loop $grow
                       (local.set $at (memory.grow (i32.const 1)))
                       (if (i32.ne (local.get $at) (i32.const -1))
                         (then
                           (local.set $at (i32.mul (local.get $at) (i32.const 65536)))
                           (local.set $end (i32.add (local.get $at) (i32.const 65536)))
                           (loop $touch
                             (i32.store (local.get $at) (i32.const 1))
                             (local.set $at (i32.add (local.get $at) (i32.const 4096)))
                             (br_if $touch (i32.lt_u (local.get $at) (local.get $end))))
                           (br $grow))))
                     (call $complete (i32.const 0) (i32.const 0)))"#,
            ),
            format!("memory_limit_mib = {BOMB_CAP_MIB}\ndeadline_ms = 10000\n"),
        ),
        (
            "Recurse",
            module(
                r#"(func $descend (param i64) (call $descend (i64.add (local.get 0) (i64.const 1))))
                   (func (export "run") (call $descend (i64.const 0)))"#,
            ),
            String::new(),
        ),
        (
            "OutOfBoundsGetInfo",
            module(&format!(
                "{info_len_prefix} (call $get_info (i32.const -1) (local.get $len)))"
            )),
            String::new(),
        ),
        (
            "OutOfBoundsWriteLog",
            module(
                r#"(func (export "run") (call $write_log (i32.const 3) (i32.const 16) (i32.const -1)))"#,
            ),
            String::new(),
        ),
        (
            "OutOfBoundsComplete",
            module(r#"(func (export "run") (call $complete (i32.const -1) (i32.const 2)))"#),
            String::new(),
        ),
        (
            "OutOfBoundsFailure",
            module(
                r#"(func (export "run") (call $complete_with_failure (i32.const 65530) (i32.const 100)))"#,
            ),
            String::new(),
        ),
        (
            "MalformedJson",
            completes_with(r#"[{"data":"#),
            String::new(),
        ),
        (
            "WrongShape",
            fails_with(r#"{"message":"x","non_retryable":"yes"}"#),
            String::new(),
        ),
        (
            "BadBase64",
            completes_with(r#"[{"data":"not base64"}]"#),
            String::new(),
        ),
        ("DeepJson", deep_json_guest(), String::new()),
        (
            "BadUtf8Log",
            module(&format!(
                r#"{}
                   (func (export "run")
                     (call $write_log (i32.const 3) (i32.const 2048) (i32.const {}))
                     (call $complete (i32.const 0) (i32.const 0)))"#,
                data(2048, BAD_UTF8),
                BAD_UTF8.len()
            )),
            String::new(),
        ),
        (
            "LogFlood",
            log_flood_guest(),
            "deadline_ms = 30000\n".into(),
        ),
        ("BigResult", big_result_guest(), String::new()),
        ("CompleteTwice", complete_twice_guest(), String::new()),
        (
            "InfoWrongLength",
            module(&format!(
                "{info_len_prefix} (call $get_info (i32.const 16) (i32.sub (local.get $len) (i32.const 1))))"
            )),
            String::new(),
        ),
        ("ManyFunctions", many_functions_guest(), String::new()),
        ("HugeData", huge_data_guest(), String::new()),
        (
            "StartTraps",
            module(
                r#"(func $initialise_globals unreachable)
                   (start $initialise_globals)
                   (func (export "run") (call $complete (i32.const 0) (i32.const 0)))"#,
            ),
            String::new(),
        ),
        (
            "StartLoops",
            module(
                r#"(func $initialise_forever (loop $forever (br $forever)))
                   (start $initialise_forever)
                   (func (export "run") (call $complete (i32.const 0) (i32.const 0)))"#,
            ),
            "deadline_ms = 500\n".into(),
        ),
    ]
}

/// A failure whose `cause` chain is 100 000 levels deep.
fn deep_json_guest() -> String {
    let depth = 100_000;
    let json = format!("{}{{}}{}", r#"{"cause":"#.repeat(depth), "}".repeat(depth));
    wat_with_memory_pages(
        &format!(
            r#"(data (i32.const 1024) "{}")
               (func (export "run") (call $complete_with_failure (i32.const 1024) (i32.const {})))"#,
            json.replace('"', "\\\""),
            json.len()
        ),
        (json.len() / 65536 + 2) as u32,
    )
}

fn log_flood_guest() -> String {
    module(&format!(
        r#"{}
           (func (export "run") (local $i i32)
             (loop $flood
               (call $write_log (i32.const 3) (i32.const 2048) (i32.const 14))
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br_if $flood (i32.lt_u (local.get $i) (i32.const {FLOOD_LINES}))))
             (call $complete (i32.const 0) (i32.const 0)))"#,
        data(2048, b"flood line ...")
    ))
}

/// Completes with one `binary/plain` payload of [`BIG_RESULT_BYTES`] zero bytes.
fn big_result_guest() -> String {
    let json = format!(
        r#"[{{"metadata":{{"encoding":"YmluYXJ5L3BsYWlu"}},"data":"{}"}}]"#,
        "A".repeat(BIG_RESULT_BYTES / 3 * 4)
    );
    wat_with_memory_pages(
        &format!(
            r#"(data (i32.const 1024) "{}")
               (func (export "run") (call $complete (i32.const 1024) (i32.const {})) unreachable)"#,
            json.replace('"', "\\\""),
            json.len()
        ),
        (json.len() / 65536 + 2) as u32,
    )
}

/// Calls `complete` with "first", then — were the run to go on — with "second".
fn complete_twice_guest() -> String {
    let first = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"ImZpcnN0Ig=="}]"#;
    let second = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"InNlY29uZCI="}]"#;
    module(&format!(
        r#"{}
           {}
           (func (export "run")
             (call $complete (i32.const 1024) (i32.const {}))
             (call $complete (i32.const 2048) (i32.const {})))"#,
        data(1024, first.as_bytes()),
        data(2048, second.as_bytes()),
        first.len(),
        second.len()
    ))
}

/// [`MANY_FUNCTIONS`] functions; `f_i` returns `i`, most of them by calling `f_(i-1)`.
fn many_functions_guest() -> String {
    let mut body = String::new();
    for i in 0..MANY_FUNCTIONS {
        if i % 10 == 0 {
            body.push_str(&format!("(func $f{i} (result i32) (i32.const {i}))\n"));
        } else {
            body.push_str(&format!(
                "(func $f{i} (result i32) (i32.add (call $f{}) (i32.const 1)))\n",
                i - 1
            ));
        }
    }
    let last = MANY_FUNCTIONS - 1;
    body.push_str(&format!(
        r#"{}
           (func (export "run")
             (if (i32.ne (call $f{last}) (i32.const {last})) (then unreachable))
             (call $complete (i32.const 1024) (i32.const {})))"#,
        data(1024, HELLO.as_bytes()),
        HELLO.len()
    ));
    module(&body)
}

/// A [`HUGE_DATA_BYTES`] data segment whose last bytes are the result the guest completes with.
fn huge_data_guest() -> String {
    let at = 1024 + HUGE_DATA_BYTES;
    let pages = (at + HELLO.len()) / 65536 + 1;
    wat_with_memory_pages(
        &format!(
            r#"(data (i32.const 1024) "{}{}")
               (func (export "run") (call $complete (i32.const {at}) (i32.const {})))"#,
            "x".repeat(HUGE_DATA_BYTES),
            HELLO.replace('"', "\\\""),
            HELLO.len()
        ),
        pages as u32,
    )
}

/// [`module`] with an initial memory of `pages` instead of one.
fn wat_with_memory_pages(body: &str, pages: u32) -> String {
    module(body).replace(
        "(memory (export \"memory\") 1)",
        &format!("(memory (export \"memory\") {pages})"),
    )
}

/// The worker every test shares, its workload client, and its memory baseline.
struct HostileWorker {
    worker: WorkerProcess,
    workload: Workload,
    baseline_rss: u64,
}

fn hostile_worker() -> &'static HostileWorker {
    static WORKER: OnceLock<HostileWorker> = OnceLock::new();
    WORKER.get_or_init(|| {
        let server = TemporalServer::shared();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut config = format!(
            "[temporal]\naddress = \"{}\"\ntask_queue = \"{TASK_QUEUE}\"\n\n\
             [worker]\nmax_concurrent_runs = 4\nshutdown_timeout_secs = 10\n\n\
             [workflows.Echo]\nmodule = \"echo.wat\"\n\n",
            server.address
        );
        std::fs::write(dir.path().join("echo.wat"), wat::echo_first_param()).expect("write");
        for (workflow_type, wat, extra) in hostile_bundles() {
            let file = format!("{}.wat", workflow_type.to_lowercase());
            std::fs::write(dir.path().join(&file), wat).expect("write fixture");
            config.push_str(&format!(
                "[workflows.{workflow_type}]\nmodule = \"{file}\"\n{extra}\n"
            ));
        }
        let worker = WorkerProcess::start(&config, dir, &[]);
        assert!(
            worker.wait_for_log("polling for workflow tasks", Duration::from_secs(120)),
            "worker did not start polling:\n{}",
            worker.log()
        );
        let workload = Workload {
            address: server.address.clone(),
            task_queue: TASK_QUEUE.to_owned(),
        };
        // Warm up: the first workflows grow the worker's connection pools and allocator arenas
        // to their working size, which is the baseline every case returns to.
        let warm_up = workload.alongside(&json!([]), &healthy_specs());
        let healthy = warm_up["healthy"].as_array();
        assert!(
            healthy.is_some_and(|healthy| healthy.iter().all(|o| o["status"] == "completed")),
            "the worker did not complete its warm-up workflows: {warm_up}"
        );
        HostileWorker {
            baseline_rss: memory_status(worker.pid(), "VmRSS"),
            worker,
            workload,
        }
    })
}

/// One field (in bytes) of `/proc/<pid>/status`, e.g. `VmRSS` or `VmHWM`.
fn memory_status(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("worker status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix(&format!("{field}:")))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"));
    kib * 1024
}

/// Three healthy workflows, each echoing its own argument.
fn healthy_specs() -> Value {
    (0..3)
        .map(|n| json!({"id": workflow_id("healthy"), "type": "Echo", "args": [{"n": n}]}))
        .collect()
}

/// What one hostile workflow became, and whether it was still open when the healthy workflows
/// started alongside it had all completed.
struct Hostile {
    outcome: Value,
    open_when_healthy_done: bool,
}

impl Hostile {
    /// The message of the workflow task failure this hostile workflow caused, after checking that
    /// it is a guest bug of `workflow_type` and that the workflow stayed open.
    fn task_failure_message(&self, workflow_type: &str) -> &str {
        let failure = &self.outcome["task_failure"];
        assert!(failure.is_object(), "no task failure: {}", self.outcome);
        assert_eq!(failure["type"], "WasmGuestBug", "{}", self.outcome);
        assert_eq!(self.outcome["status"], "RUNNING", "{}", self.outcome);
        assert!(
            self.open_when_healthy_done,
            "the hostile workflow was not open while the healthy ones ran: {}",
            self.outcome
        );
        let message = failure["message"].as_str().unwrap_or_default();
        assert!(
            message.starts_with(&format!(
                "guest bug in workflow type `{workflow_type}` (bundle "
            )),
            "{message}"
        );
        message
    }

    /// The workflow's own result, after checking that it completed.
    fn completed_result(&self) -> &Value {
        assert_eq!(
            self.outcome["outcome"]["status"], "completed",
            "{}",
            self.outcome
        );
        &self.outcome["outcome"]["result"]
    }
}

/// Runs the `hostile` workflow types alongside healthy ones and returns what each hostile one
/// became, once the healthy ones have completed and the worker's memory is back at its baseline.
fn run_alongside_healthy(hostile: &[&str]) -> Vec<Hostile> {
    run_case(hostile, |_| {})
}

/// [`run_alongside_healthy`], calling `before` with the worker's pid once it is this case's turn.
fn run_case(hostile: &[&str], before: impl FnOnce(u32)) -> Vec<Hostile> {
    static ONE_CASE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let HostileWorker {
        worker,
        workload,
        baseline_rss,
    } = hostile_worker();
    let _case = ONE_CASE_AT_A_TIME
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    before(worker.pid());
    let specs: Vec<Value> = hostile
        .iter()
        .map(|workflow_type| json!({"id": workflow_id(workflow_type), "type": workflow_type, "args": []}))
        .collect();
    let answer = workload.alongside(&Value::Array(specs), &healthy_specs());

    let healthy = answer["healthy"].as_array().expect("healthy outcomes");
    assert_eq!(healthy.len(), 3, "{answer}");
    for (n, outcome) in healthy.iter().enumerate() {
        assert_eq!(
            outcome,
            &json!({"status": "completed", "result": {"n": n}}),
            "a healthy workflow alongside {hostile:?}"
        );
    }
    assert_memory_back_at(worker, *baseline_rss, hostile);
    let open = answer["hostile_open_when_healthy_done"].as_array().unwrap();
    answer["hostile"]
        .as_array()
        .expect("hostile outcomes")
        .iter()
        .zip(open)
        .map(|(outcome, open)| Hostile {
            outcome: outcome.clone(),
            open_when_healthy_done: open.as_bool() == Some(true),
        })
        .collect()
}

fn run_one_alongside_healthy(workflow_type: &str) -> Hostile {
    run_alongside_healthy(&[workflow_type])
        .pop()
        .expect("one hostile outcome")
}

/// Waits (the pool gives pages back as runs end) until the worker's resident memory is within
/// [`RSS_TOLERANCE_BYTES`] of `baseline`.
fn assert_memory_back_at(worker: &WorkerProcess, baseline: u64, case: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rss = memory_status(worker.pid(), "VmRSS");
        if rss <= baseline + RSS_TOLERANCE_BYTES {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "after {case:?} the worker's resident memory stayed at {} MiB, over its baseline of \
             {} MiB + {} MiB",
            rss >> 20,
            baseline >> 20,
            RSS_TOLERANCE_BYTES >> 20
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

// Host test: host.rs::infinite_loop_is_interrupted_at_the_deadline.
#[test]
fn infinite_loop_fails_the_task_at_its_deadline_while_others_complete() {
    let spin = run_one_alongside_healthy("Spin");
    let message = spin.task_failure_message("Spin");
    assert!(
        message.contains("run did not finish within its 500ms deadline and was interrupted"),
        "{message}"
    );
}

// Host test: host.rs::growing_memory_over_the_cap_is_a_guest_bug.
#[test]
fn memory_bomb_fails_the_task_at_its_cap_and_the_memory_is_given_back() {
    let bomb = run_case(&["MemoryBomb"], |pid| {
        // Reset the peak resident size, so the peak read below is this case's.
        std::fs::write(format!("/proc/{pid}/clear_refs"), "5").expect("reset the peak RSS");
    })
    .pop()
    .expect("one hostile outcome");
    let message = bomb.task_failure_message("MemoryBomb");
    let cap = BOMB_CAP_MIB << 20;
    assert!(
        message.contains(&format!(
            "memory limit exceeded: the guest tried to grow its memory to {} bytes, over its cap \
             of {cap} bytes",
            cap + 65536
        )),
        "{message}"
    );
    // The bomb really made its memory resident before it was refused (and, as every case
    // checks, the worker gave it back).
    let worker = hostile_worker();
    let peak = memory_status(worker.worker.pid(), "VmHWM");
    assert!(
        peak >= worker.baseline_rss + cap * 3 / 4,
        "peak RSS {} MiB over a baseline of {} MiB: the bomb never touched its memory",
        peak >> 20,
        worker.baseline_rss >> 20
    );
}

// Host test: host.rs::stack_exhaustion_is_a_trap_not_a_host_crash.
#[test]
fn deep_recursion_fails_the_task_with_call_stack_exhausted() {
    let recurse = run_one_alongside_healthy("Recurse");
    let message = recurse.task_failure_message("Recurse");
    assert!(message.contains("call stack exhausted"), "{message}");
    assert!(message.contains("descend"), "no backtrace: {message}");
}

// Host tests: host.rs::out_of_bounds_complete_is_a_guest_bug_naming_the_call,
// offset_plus_length_overflowing_u32_is_out_of_bounds, out_of_bounds_get_info_is_a_guest_bug;
// fuzz_abi.rs::host_calls_on_arbitrary_ranges_do_what_the_abi_model_says.
#[test]
fn out_of_bounds_range_in_every_host_call_fails_the_task_naming_call_and_range() {
    let cases = [
        (
            "OutOfBoundsGetInfo",
            "get_info was given bytes 4294967295..",
        ),
        (
            "OutOfBoundsWriteLog",
            "write_log was given bytes 16..4294967311 (offset 16, length 4294967295)",
        ),
        (
            "OutOfBoundsComplete",
            "complete was given bytes 4294967295..4294967297 (offset 4294967295, length 2)",
        ),
        (
            "OutOfBoundsFailure",
            "complete_with_failure was given bytes 65530..65630 (offset 65530, length 100), \
             outside the guest's 65536-byte memory",
        ),
    ];
    let types: Vec<&str> = cases
        .iter()
        .map(|(workflow_type, _)| *workflow_type)
        .collect();
    let outcomes = run_alongside_healthy(&types);
    for ((workflow_type, expected), hostile) in cases.iter().zip(&outcomes) {
        let message = hostile.task_failure_message(workflow_type);
        assert!(message.contains(expected), "{message}");
    }
}

// Host test: host.rs::malformed_json_in_complete_is_a_guest_bug.
#[test]
fn malformed_json_fails_the_task_saying_what_was_wrong_where() {
    let hostile = run_one_alongside_healthy("MalformedJson");
    let message = hostile.task_failure_message("MalformedJson");
    assert!(
        message.contains("complete output is not valid ABI JSON at `[0].data`: EOF"),
        "{message}"
    );
}

// Host test: host.rs::wrong_json_shape_in_failure_is_a_guest_bug.
#[test]
fn wrong_json_shape_fails_the_task_naming_the_field() {
    let hostile = run_one_alongside_healthy("WrongShape");
    let message = hostile.task_failure_message("WrongShape");
    assert!(
        message.contains(
            "complete_with_failure input is not valid ABI JSON at `non_retryable`: invalid type"
        ),
        "{message}"
    );
}

// Host test: host.rs::invalid_base64_in_complete_names_the_field.
#[test]
fn invalid_base64_fails_the_task_naming_the_field() {
    let hostile = run_one_alongside_healthy("BadBase64");
    let message = hostile.task_failure_message("BadBase64");
    assert!(
        message.contains("not valid ABI JSON at `[0].data`: invalid base64"),
        "{message}"
    );
}

// Unit test: abi.rs::deeply_nested_json_is_refused_not_overflowing_the_stack.
#[test]
fn hugely_nested_json_fails_the_task_without_overflowing_the_host_stack() {
    let hostile = run_one_alongside_healthy("DeepJson");
    let message = hostile.task_failure_message("DeepJson");
    assert!(message.contains("recursion limit exceeded"), "{message}");
}

// Host test: host.rs::write_log_shows_invalid_utf8_lossily_without_failing.
#[test]
fn invalid_utf8_in_a_log_is_written_with_replacement_characters_and_the_workflow_completes() {
    let hostile = run_one_alongside_healthy("BadUtf8Log");
    assert_eq!(hostile.completed_result(), &Value::Null);
    let worker = &hostile_worker().worker;
    let id = hostile.outcome["id"].as_str().expect("hostile id");
    let logged = worker.log().lines().any(|line| {
        line.contains(&format!("workflow_id={id}"))
            && line.contains("guest: bad \u{fffd}\u{fffd} utf-8 \u{fffd} workflow_type=BadUtf8Log")
    });
    assert!(logged, "{}", worker.log());
}

// Host test: host.rs::log_flood_is_capped_per_run_and_the_drop_reported_once.
#[test]
fn log_flood_of_two_million_calls_is_capped_at_a_thousand_lines_and_completes() {
    let started = Instant::now();
    let hostile = run_one_alongside_healthy("LogFlood");
    assert_eq!(hostile.completed_result(), &Value::Null);
    assert!(started.elapsed() < Duration::from_secs(30));
    let worker = &hostile_worker().worker;
    let dropped = format!("dropped={}", FLOOD_LINES - 1000);
    assert!(
        worker.wait_for_log(&dropped, Duration::from_secs(5)),
        "no drop report"
    );
    let run_id = worker
        .log()
        .lines()
        .find(|line| line.contains(&dropped))
        .and_then(|line| line.split("run_id=").nth(1))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the drop report names the run")
        .to_owned();
    let lines = worker
        .log()
        .lines()
        .filter(|line| line.contains("flood line") && line.contains(&run_id))
        .count();
    assert_eq!(lines, 1000);
}

#[test]
fn result_over_the_servers_payload_size_limit_fails_the_task_in_core_and_is_never_recorded() {
    let hostile = run_one_alongside_healthy("BigResult");
    // Core checks the completion against the namespace's blob size limit (2 MiB on the dev
    // server) before sending it, and fails the workflow task itself.
    let failure = &hostile.outcome["task_failure"];
    assert_eq!(failure["type"], "PayloadsTooLarge", "{}", hostile.outcome);
    // WORKFLOW_TASK_FAILED_CAUSE_PAYLOADS_TOO_LARGE
    assert_eq!(failure["cause"], 37, "{}", hostile.outcome);
    assert!(
        failure["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Attempted to upload payloads with size that exceeded the error limit"),
        "{}",
        hostile.outcome
    );
    assert_eq!(hostile.outcome["status"], "RUNNING", "{}", hostile.outcome);
    assert!(hostile.open_when_healthy_done, "{}", hostile.outcome);
    let events = hostile.outcome["events"].to_string();
    assert!(
        !events.contains("EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"),
        "{events}"
    );
    // The worker's log names the workflow, the size and the limit.
    let worker = &hostile_worker().worker;
    let id = hostile.outcome["id"].as_str().expect("hostile id");
    let logged = worker.log().lines().any(|line| {
        line.contains(id)
            && line.contains(&format!("size={}", BIG_RESULT_BYTES + 36))
            && line.contains("limit=2097152")
    });
    assert!(logged, "{}", worker.log());
}

// Host test: host.rs::complete_ends_the_run_immediately.
#[test]
fn complete_called_twice_completes_with_the_first_result() {
    let hostile = run_one_alongside_healthy("CompleteTwice");
    assert_eq!(hostile.completed_result(), "first");
}

// Host test: host.rs::get_info_with_a_wrong_length_is_a_guest_bug.
#[test]
fn get_info_with_a_wrong_length_fails_the_task_naming_both_lengths() {
    let hostile = run_one_alongside_healthy("InfoWrongLength");
    let message = hostile.task_failure_message("InfoWrongLength");
    let given: u64 = message
        .split("get_info was called with length ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("{message}"));
    assert!(
        message.contains(&format!("but get_info_len() is {}", given + 1)),
        "{message}"
    );
}

#[test]
fn module_with_ten_thousand_functions_loads_and_completes() {
    let hostile = run_one_alongside_healthy("ManyFunctions");
    assert_eq!(hostile.completed_result(), "Hello");
}

#[test]
fn module_with_a_24_mib_data_segment_loads_and_completes_with_bytes_from_its_end() {
    let hostile = run_one_alongside_healthy("HugeData");
    assert_eq!(hostile.completed_result(), "Hello");
}

// Host test: host.rs::trap_in_start_function_is_a_guest_bug.
#[test]
fn trap_in_the_start_function_fails_the_task_with_its_backtrace() {
    let hostile = run_one_alongside_healthy("StartTraps");
    let message = hostile.task_failure_message("StartTraps");
    assert!(message.contains("wasm trap"), "{message}");
    assert!(message.contains("unreachable"), "{message}");
    assert!(message.contains("initialise_globals"), "{message}");
}

// Host test: host.rs::loop_in_start_function_is_interrupted_at_the_deadline.
#[test]
fn loop_in_the_start_function_fails_the_task_at_its_deadline() {
    let hostile = run_one_alongside_healthy("StartLoops");
    let message = hostile.task_failure_message("StartLoops");
    assert!(
        message.contains("run did not finish within its 500ms deadline"),
        "{message}"
    );
    assert!(message.contains("initialise_forever"), "{message}");
}

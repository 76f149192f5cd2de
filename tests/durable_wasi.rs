//! The deterministic WASI subset, one behaviour per test, with WAT guests driven through a
//! sandbox instance and no server: what Go's `wasip1` runtime and wasi-libc get to see.

mod common;

use common::durable::{self, blocked, bug, completed_text, fired, start};
use common::load;
use temporal_wasm_worker::abi::Call;
use temporal_wasm_worker::sandbox::rng::DeterministicRng;

/// A durable module (all `env` imports) that also imports the WASI subset, around `body`.
fn wasi_module(body: &str) -> String {
    durable::module_with_imports(
        r#"
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $fd_prestat_dir_name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $fd_fdstat_set_flags (param i32 i32) (result i32)))"#,
        body,
    )
}

/// Completes with the `len` bytes at `at` as the data of one payload (base64 done by the host
/// test: the guest hex-encodes them first, so the payload is JSON-safe text).
const HEX_RESULT: &str = r#"
  (func $hex_result (param $at i32) (param $len i32)
    (local $i i32) (local $byte i32)
    ;; writes "[{\"data\":\"" at 20000 is too fiddly in WAT; instead the bytes are hex text,
    ;; and the payload's data is the base64 the host expects: built by the test from the hex.
    (local.set $i (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $byte (i32.load8_u (i32.add (local.get $at) (local.get $i))))
      (i32.store8 (i32.add (i32.const 30000) (i32.mul (local.get $i) (i32.const 2)))
        (call $nibble_hex (i32.shr_u (local.get $byte) (i32.const 4))))
      (i32.store8 (i32.add (i32.const 30001) (i32.mul (local.get $i) (i32.const 2)))
        (call $nibble_hex (i32.and (local.get $byte) (i32.const 15))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $next)))
    (call $write_log (i32.const 3) (i32.const 30000) (i32.mul (local.get $len) (i32.const 2))))
  (func $nibble_hex (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 10))
      (then (i32.add (local.get $n) (i32.const 48)))
      (else (i32.add (local.get $n) (i32.const 87)))))"#;

#[test]
fn a_bundle_importing_wasi_is_durable_and_loads() {
    let (_dir, bundle) = load(&wasi_module(
        r#"(func (export "run") (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    assert!(bundle.is_durable());
}

#[test]
fn clock_time_get_reads_workflow_time_in_nanoseconds() {
    let (_dir, bundle) = load(&wasi_module(&format!(
        r#"{HEX_RESULT}
  (func (export "run")
    (drop (call $clock_time_get (i32.const 0) (i64.const 1) (i32.const 100)))
    (call $hex_result (i32.const 100) (i32.const 8))
    (call $complete (i32.const 0) (i32.const 0)))"#
    )));
    let (outcome, logs) = common::run_durable_logged(&bundle);
    outcome.expect("completes");
    let nanos = (durable::START.now_ms as u64 * 1_000_000).to_le_bytes();
    let hex: String = nanos.iter().map(|byte| format!("{byte:02x}")).collect();
    assert!(
        logs.contains(&hex),
        "workflow time {hex} in the logs:\n{logs}"
    );
}

#[test]
fn random_get_draws_the_runs_deterministic_stream() {
    let (_dir, bundle) = load(&wasi_module(&format!(
        r#"{HEX_RESULT}
  (func (export "run")
    (drop (call $random_get (i32.const 100) (i32.const 16)))
    (call $hex_result (i32.const 100) (i32.const 16))
    (call $complete (i32.const 0) (i32.const 0)))"#
    )));
    let (outcome, logs) = common::run_durable_logged(&bundle);
    outcome.expect("completes");
    let mut expected = [0u8; 16];
    DeterministicRng::new(durable::START.randomness_seed).fill(&mut expected);
    let hex: String = expected.iter().map(|byte| format!("{byte:02x}")).collect();
    assert!(logs.contains(&hex), "{hex} in:\n{logs}");
}

#[test]
fn stdout_lines_become_guest_logs_and_other_descriptors_are_ebadf() {
    let (_dir, bundle) = load(&wasi_module(&format!(
        r#"{}
  (func (export "run")
    ;; one iovec {{ptr 200, len 18}} at 100
    (i32.store (i32.const 100) (i32.const 200))
    (i32.store (i32.const 104) (i32.const 18))
    (drop (call $fd_write (i32.const 1) (i32.const 100) (i32.const 1) (i32.const 120)))
    ;; fd 5 does not exist: its errno (8 for EBADF) is logged as a digit
    (i32.store8 (i32.const 300) (i32.add (i32.const 48)
      (call $fd_write (i32.const 5) (i32.const 100) (i32.const 1) (i32.const 120))))
    (call $write_log (i32.const 3) (i32.const 300) (i32.const 1))
    (call $complete (i32.const 0) (i32.const 0)))"#,
        durable::data(200, "hello from stdout\n")
    )));
    let (outcome, logs) = common::run_durable_logged(&bundle);
    outcome.expect("completes");
    assert!(logs.contains("guest: hello from stdout "), "{logs}");
    assert!(logs.contains("guest: 8 "), "EBADF is 8:\n{logs}");
    assert_eq!(
        logs.lines().count(),
        2,
        "nothing left over to flush:\n{logs}"
    );
}

#[test]
fn there_are_no_arguments() {
    let (_dir, bundle) = load(&wasi_module(
        r#"(func (export "run")
    (i32.store (i32.const 100) (i32.const 7))
    (i32.store (i32.const 104) (i32.const 7))
    (drop (call $args_sizes_get (i32.const 100) (i32.const 104)))
    (if (i32.or (i32.load (i32.const 100)) (i32.load (i32.const 104))) (then unreachable))
    (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    common::run_durable_logged(&bundle)
        .0
        .expect("argc and argv size are 0");
}

#[test]
fn proc_exit_is_a_guest_bug_with_its_code() {
    let (_dir, bundle) = load(&wasi_module(
        r#"(func (export "run") (call $proc_exit (i32.const 3)) unreachable)"#,
    ));
    let mut instance = start(&bundle);
    let message = bug(instance.resume()).to_string();
    assert!(
        message.contains("proc_exit: the guest exited with code 3"),
        "{message}"
    );
}

#[test]
fn proc_exit_quotes_the_last_lines_the_guest_wrote_to_stderr() {
    // fd_write(2, [iovec at 1000 → 1100, 40 bytes]) with a panic and a partial last line.
    let text = "panic: out of stock\ngoroutine 1 [running]";
    let (_dir, bundle) = load(&wasi_module(&format!(
        r#"{}
  (func (export "run")
    (i32.store (i32.const 1000) (i32.const 1100))
    (i32.store (i32.const 1004) (i32.const {}))
    (drop (call $fd_write (i32.const 2) (i32.const 1000) (i32.const 1) (i32.const 1008)))
    (call $proc_exit (i32.const 2)) unreachable)"#,
        durable::data(1100, text),
        text.len()
    )));
    let mut instance = start(&bundle);
    let message = bug(instance.resume()).to_string();
    assert!(
        message.contains(
            "exited with code 2; a workflow ends with complete, complete_with_failure, \
             continue_as_new or complete_as_cancelled; the last lines it wrote to stderr:\n  \
             panic: out of stock\n  goroutine 1 [running]"
        ),
        "{message}"
    );
}

#[test]
fn go_start_up_probes_find_no_descriptors() {
    // EBADF (8) from fd_prestat_get ends Go's preopen loop; fd 0-2 flags are not supported (58);
    // stdin reads nothing.
    let (_dir, bundle) = load(&wasi_module(
        r#"(func (export "run")
    (if (i32.ne (call $fd_prestat_get (i32.const 3) (i32.const 100)) (i32.const 8)) (then unreachable))
    (if (i32.ne (call $fd_prestat_dir_name (i32.const 3) (i32.const 100) (i32.const 8)) (i32.const 8)) (then unreachable))
    (if (i32.ne (call $fd_fdstat_set_flags (i32.const 1) (i32.const 4)) (i32.const 58)) (then unreachable))
    (if (i32.ne (call $fd_fdstat_set_flags (i32.const 5) (i32.const 4)) (i32.const 8)) (then unreachable))
    (if (i32.ne (call $fd_read (i32.const 0) (i32.const 100) (i32.const 1) (i32.const 200)) (i32.const 8)) (then unreachable))
    (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    let mut instance = start(&bundle);
    durable::ended(instance.resume())
        .1
        .expect("every probe answered as Go expects");
}

#[test]
fn a_clock_wait_of_a_millisecond_returns_at_once_without_a_timer() {
    let (_dir, bundle) = load(&wasi_module(
        r#"(func (export "run")
    (i64.store (i32.const 1000) (i64.const 7))
    (i32.store8 (i32.const 1008) (i32.const 0))
    (i64.store (i32.const 1024) (i64.const 1000000))
    (i32.store16 (i32.const 1040) (i32.const 0))
    (drop (call $poll_oneoff (i32.const 1000) (i32.const 2000) (i32.const 1) (i32.const 2100)))
    (if (i32.ne (i32.load (i32.const 2100)) (i32.const 1)) (then unreachable))
    (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    let mut instance = start(&bundle);
    let (calls, outcome) = durable::ended(instance.resume());
    assert!(calls.is_empty(), "{calls:?}");
    outcome.expect("the wait returned its event at once");
}

#[test]
fn poll_oneoff_with_a_clock_is_a_durable_timer() {
    // One clock subscription (tag 0) with a relative timeout of 1.5 s, userdata 42.
    let (_dir, bundle) = load(&wasi_module(
        r#"(func (export "run")
    (i64.store (i32.const 1000) (i64.const 42))
    (i32.store8 (i32.const 1008) (i32.const 0))
    (i64.store (i32.const 1024) (i64.const 1500000000))
    (i32.store16 (i32.const 1040) (i32.const 0))
    (drop (call $poll_oneoff (i32.const 1000) (i32.const 2000) (i32.const 1) (i32.const 2100)))
    ;; one event, for userdata 42
    (if (i32.ne (i32.load (i32.const 2100)) (i32.const 1)) (then unreachable))
    (if (i64.ne (i64.load (i32.const 2000)) (i64.const 42)) (then unreachable))
    (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    let mut instance = start(&bundle);
    let calls = blocked(instance.resume());
    assert!(
        matches!(&calls[..], [Call::StartTimer { handle: 1, request }] if request.duration_ms == 1500),
        "{calls:?}"
    );
    instance.resolve(1, &fired());
    let (calls, outcome) = durable::ended(instance.resume());
    assert!(calls.is_empty());
    outcome.expect("the event was written and the guest completed");
}

#[test]
fn initialize_runs_before_run_for_a_reactor() {
    let (_dir, bundle) = load(&wasi_module(&format!(
        r#"(global $ready (mut i32) (i32.const 0))
  (func (export "_initialize") (global.set $ready (i32.const 1)))
  (func (export "run")
    (if (i32.eqz (global.get $ready)) (then unreachable))
    (call $complete (i32.const 1024) (i32.const {}))) {}"#,
        r#"[{"data":"Im9rIg=="}]"#.len(),
        durable::data(1024, r#"[{"data":"Im9rIg=="}]"#)
    )));
    let mut instance = start(&bundle);
    assert_eq!(completed_text(instance.resume()), "\"ok\"");
}

//! Durable (ABI v1) guests for host tests: WAT modules that import every v1 call, and helpers
//! that drive a sandbox [`Instance`] through activations without a server.

#![allow(dead_code)]

use std::sync::Arc;

use temporal_wasm_worker::abi::{self, Call, Resolution};
use temporal_wasm_worker::sandbox::{Bundle, GuestBug, GuestOutcome, Instance, StartInputs, Step};

use super::{info, log_context};

/// Every ABI import (v0 and v1) and a one-page exported memory, around `body`.
pub fn module(body: &str) -> String {
    format!(
        r#"(module
  (import "env" "get_info_len" (func $get_info_len (result i32)))
  (import "env" "get_info" (func $get_info (param i32 i32)))
  (import "env" "write_log" (func $write_log (param i32 i32 i32)))
  (import "env" "complete" (func $complete (param i32 i32)))
  (import "env" "complete_with_failure" (func $complete_with_failure (param i32 i32)))
  (import "env" "start_timer" (func $start_timer (param i32 i32) (result i32)))
  (import "env" "start_activity" (func $start_activity (param i32 i32) (result i32)))
  (import "env" "cancel" (func $cancel (param i32)))
  (import "env" "wait" (func $wait (param i32 i32) (result i32)))
  (import "env" "is_ready" (func $is_ready (param i32) (result i32)))
  (import "env" "result_len" (func $result_len (param i32) (result i32)))
  (import "env" "take_result" (func $take_result (param i32 i32 i32)))
  (import "env" "cancellation_channel" (func $cancellation_channel (result i32)))
  (import "env" "signal_channel" (func $signal_channel (param i32 i32) (result i32)))
  (import "env" "continue_as_new" (func $continue_as_new (param i32 i32)))
  (import "env" "complete_as_cancelled" (func $complete_as_cancelled (param i32 i32)))
  (import "env" "now" (func $now (result i64)))
  (import "env" "random" (func $random (param i32 i32)))
  (import "env" "patched" (func $patched (param i32 i32 i32) (result i32)))
  (import "env" "is_replaying" (func $is_replaying (result i32)))
  (import "env" "log_level" (func $log_level (result i32)))
  (memory (export "memory") 1)
  {body}
  ;; Waits on the one handle stored at 0 and returns the handle wait returned.
  (func $wait_one (param $handle i32) (result i32)
    (i32.store (i32.const 0) (local.get $handle))
    (call $wait (i32.const 0) (i32.const 1)))
  ;; Takes the result of $handle into memory at $at and returns its length.
  (func $take_into (param $handle i32) (param $at i32) (result i32)
    (local $len i32)
    (local.set $len (call $result_len (local.get $handle)))
    (call $take_result (local.get $handle) (local.get $at) (local.get $len))
    (local.get $len))
  ;; Ends the run with the result of $handle, so a test sees the host's JSON exactly:
  ;; a completed result [P] completes with [P]; a failed or cancelled one fails with its failure.
  (func $end_with_result (param $handle i32)
    (local $len i32)
    (local.set $len (call $take_into (local.get $handle) (i32.const 8192)))
    ;; byte 2 is `f` only for failed; byte 3 is `o` only for completed
    (if (i32.eq (i32.load8_u (i32.const 8194)) (i32.const 102))
      (then (call $complete_with_failure (i32.const 8202) (i32.sub (local.get $len) (i32.const 11)))))
    (if (i32.eq (i32.load8_u (i32.const 8195)) (i32.const 111))
      (then (call $complete (i32.const 8205) (i32.sub (local.get $len) (i32.const 14)))))
    (call $complete_with_failure (i32.const 8205) (i32.sub (local.get $len) (i32.const 14)))
    unreachable)
)"#
    )
}

/// A data segment holding `text` at `offset`.
pub fn data(offset: u32, text: &str) -> String {
    super::wat::data(offset, text.as_bytes())
}

/// First-activation inputs used by every test: seed 7, workflow time 1 000 000 ms.
pub const START: StartInputs = StartInputs {
    randomness_seed: 7,
    now_ms: 1_000_000,
    replaying: false,
};

/// A durable instance of `bundle` with no params, not yet run.
pub fn start(bundle: &Bundle) -> Instance {
    start_with(bundle, START)
}

/// A durable instance of `bundle` with no params and these first-activation inputs.
pub fn start_with(bundle: &Bundle, inputs: StartInputs) -> Instance {
    let info_json: Arc<[u8]> = abi::encode_info(&info(vec![])).into();
    Instance::start(bundle, info_json, log_context(inputs.replaying), inputs)
}

/// The calls of a step that must have parked.
pub fn blocked(step: Step) -> Vec<Call> {
    match step {
        Step::Blocked { calls } => calls,
        Step::Ended { calls, outcome } => {
            panic!("expected the guest to park, it ended with {outcome:?} after {calls:?}")
        }
    }
}

/// The calls and outcome of a step that must have ended.
pub fn ended(step: Step) -> (Vec<Call>, Result<GuestOutcome, GuestBug>) {
    match step {
        Step::Ended { calls, outcome } => (calls, outcome),
        Step::Blocked { calls } => panic!("expected the run to end, it parked after {calls:?}"),
    }
}

/// The guest bug a step must have ended with.
pub fn bug(step: Step) -> GuestBug {
    match ended(step).1 {
        Err(bug) => bug,
        Ok(outcome) => panic!("expected a guest bug, the run ended with {outcome:?}"),
    }
}

/// The payloads a step must have completed with.
pub fn completed(step: Step) -> Vec<abi::Payload> {
    match ended(step).1 {
        Ok(GuestOutcome::Completed(payloads)) => payloads,
        other => panic!("expected completion, got {other:?}"),
    }
}

/// The JSON text of the single payload's data a step completed with.
pub fn completed_text(step: Step) -> String {
    let payloads = completed(step);
    assert_eq!(payloads.len(), 1, "one result payload: {payloads:?}");
    String::from_utf8(payloads[0].data.0.clone()).expect("UTF-8 result")
}

/// A timer firing.
pub fn fired() -> Resolution {
    Resolution::Completed(vec![])
}

//! Durable (ABI v1) guests for host tests: WAT modules that import every v1 call, and helpers
//! that drive a sandbox [`Instance`] through activations without a server.
//!
//! Guest memory as the helpers use it (one 64 KiB page): `0..512` wait sets, `512..` the
//! request of `$start_1s_timer`, `1024..8192` the
//! test's own data, `8192..` `$end_with_result`'s copy of a result, `12288..32768` the
//! transcript, `32768..` the transcript's payload.
//!
//! **Transcripts.** A guest can `$put` numbers (handles, 0/1 answers), `$put_i64` times,
//! `$put_hex` raw bytes and `$put_result` the exact result JSON of a handle, each separated by a
//! space, then `$complete_with_transcript`: the run completes with one payload whose data is
//! that text, which [`transcript`] returns. A test then asserts on everything the guest saw in
//! one string, e.g. `1 0 {"completed":[]}`.

#![allow(dead_code)]

use std::sync::Arc;

use temporal_wasm_worker::abi::{self, ActivityOptions, Call, Resolution, TimerRequest};
use temporal_wasm_worker::sandbox::{Bundle, GuestBug, GuestOutcome, Instance, StartInputs, Step};

use super::{info, log_context};

/// Every ABI import (v0 and v1) and a one-page exported memory, around `body`.
pub fn module(body: &str) -> String {
    module_with_imports("", body)
}

/// As [`module`], with more `imports` (WAT import fields) before the memory.
pub fn module_with_imports(imports: &str, body: &str) -> String {
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
  {imports}
  (memory (export "memory") 1)
  {timer_segment}
  {body}
  ;; Starts a 1 s timer (its request is at 512) and returns its handle.
  (func $start_1s_timer (result i32)
    (call $start_timer (i32.const 512) (i32.const {timer_len})))
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
  ;; Waits on $first then $second (stored at 0 and 4) and returns the handle wait returned.
  (func $wait_two (param $first i32) (param $second i32) (result i32)
    (i32.store (i32.const 0) (local.get $first))
    (i32.store (i32.const 4) (local.get $second))
    (call $wait (i32.const 0) (i32.const 2)))
  ;; --- The transcript (see the module docs): text at 12288 up to $out.
  (global $out (mut i32) (i32.const 12288))
  (data (i32.const 32768) "\5b\7b\22data\22:\22")
  (func $put_byte (param $byte i32)
    (i32.store8 (global.get $out) (local.get $byte))
    (global.set $out (i32.add (global.get $out) (i32.const 1))))
  (func $put_separator
    (if (i32.ne (global.get $out) (i32.const 12288)) (then (call $put_byte (i32.const 32)))))
  ;; Puts $value in decimal.
  (func $put_i64 (param $value i64)
    (local $low i32) (local $high i32) (local $swap i32)
    (call $put_separator)
    (if (i64.lt_s (local.get $value) (i64.const 0))
      (then
        (call $put_byte (i32.const 45))
        (local.set $value (i64.sub (i64.const 0) (local.get $value)))))
    (local.set $low (global.get $out))
    (loop $digits
      (call $put_byte
        (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $value) (i64.const 10)))))
      (local.set $value (i64.div_u (local.get $value) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $value) (i64.const 0))))
    ;; the digits came out least significant first: reverse them
    (local.set $high (i32.sub (global.get $out) (i32.const 1)))
    (block $done
      (loop $reverse
        (br_if $done (i32.ge_u (local.get $low) (local.get $high)))
        (local.set $swap (i32.load8_u (local.get $low)))
        (i32.store8 (local.get $low) (i32.load8_u (local.get $high)))
        (i32.store8 (local.get $high) (local.get $swap))
        (local.set $low (i32.add (local.get $low) (i32.const 1)))
        (local.set $high (i32.sub (local.get $high) (i32.const 1)))
        (br $reverse))))
  ;; Puts an i32 read as u32 (a handle, a 0/1 answer) in decimal.
  (func $put (param $value i32)
    (call $put_i64 (i64.extend_i32_u (local.get $value))))
  ;; Puts the $len bytes at $at in lowercase hex.
  (func $put_hex (param $at i32) (param $len i32)
    (local $end i32) (local $byte i32)
    (call $put_separator)
    (local.set $end (i32.add (local.get $at) (local.get $len)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $byte (i32.load8_u (local.get $at)))
        (call $put_byte (call $hex_digit (i32.shr_u (local.get $byte) (i32.const 4))))
        (call $put_byte (call $hex_digit (i32.and (local.get $byte) (i32.const 15))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $each))))
  (func $hex_digit (param $nibble i32) (result i32)
    (i32.add (local.get $nibble)
      (select (i32.const 48) (i32.const 87) (i32.lt_u (local.get $nibble) (i32.const 10)))))
  ;; Takes the (oldest) result of $handle and puts its JSON exactly as the host wrote it.
  (func $put_result (param $handle i32)
    (local $len i32)
    (call $put_separator)
    (local.set $len (call $result_len (local.get $handle)))
    (call $take_result (local.get $handle) (global.get $out) (local.get $len))
    (global.set $out (i32.add (global.get $out) (local.get $len))))
  ;; Completes with one payload whose data is the transcript: `[{{"data":"<base64>"}}]`.
  (func $complete_with_transcript
    (local $from i32) (local $left i32) (local $to i32) (local $group i32)
    (local.set $from (i32.const 12288))
    (local.set $to (i32.const 32778))
    (block $done
      (loop $each
        (local.set $left (i32.sub (global.get $out) (local.get $from)))
        (br_if $done (i32.le_s (local.get $left) (i32.const 0)))
        (local.set $group (i32.shl (i32.load8_u (local.get $from)) (i32.const 16)))
        (if (i32.gt_s (local.get $left) (i32.const 1))
          (then (local.set $group (i32.or (local.get $group)
            (i32.shl (i32.load8_u offset=1 (local.get $from)) (i32.const 8))))))
        (if (i32.gt_s (local.get $left) (i32.const 2))
          (then (local.set $group (i32.or (local.get $group)
            (i32.load8_u offset=2 (local.get $from))))))
        (i32.store8 (local.get $to)
          (call $base64_digit (i32.shr_u (local.get $group) (i32.const 18))))
        (i32.store8 offset=1 (local.get $to)
          (call $base64_digit (i32.and (i32.shr_u (local.get $group) (i32.const 12)) (i32.const 63))))
        (i32.store8 offset=2 (local.get $to)
          (select
            (call $base64_digit (i32.and (i32.shr_u (local.get $group) (i32.const 6)) (i32.const 63)))
            (i32.const 61)
            (i32.gt_s (local.get $left) (i32.const 1))))
        (i32.store8 offset=3 (local.get $to)
          (select
            (call $base64_digit (i32.and (local.get $group) (i32.const 63)))
            (i32.const 61)
            (i32.gt_s (local.get $left) (i32.const 2))))
        (local.set $from (i32.add (local.get $from) (i32.const 3)))
        (local.set $to (i32.add (local.get $to) (i32.const 4)))
        (br $each)))
    ;; then `"}}]`
    (i32.store8 (local.get $to) (i32.const 34))
    (i32.store8 offset=1 (local.get $to) (i32.const 125))
    (i32.store8 offset=2 (local.get $to) (i32.const 93))
    (call $complete (i32.const 32768) (i32.sub (i32.add (local.get $to) (i32.const 3)) (i32.const 32768)))
    unreachable)
  (func $base64_digit (param $six i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $six) (i32.const 26))
      (then (i32.add (local.get $six) (i32.const 65)))
      (else (if (result i32) (i32.lt_u (local.get $six) (i32.const 52))
        (then (i32.add (local.get $six) (i32.const 71)))
        (else (if (result i32) (i32.lt_u (local.get $six) (i32.const 62))
          (then (i32.sub (local.get $six) (i32.const 4)))
          (else (select (i32.const 43) (i32.const 47) (i32.eq (local.get $six) (i32.const 62))))))))))
)"#,
        timer_segment = data(512, TIMER_1S),
        timer_len = TIMER_1S.len(),
    )
}

/// The request of `$start_1s_timer`.
pub const TIMER_1S: &str = r#"{"duration_ms":1000}"#;

/// A durable guest whose `run` is `body`, with each `(offset, text)` of `texts` as a data
/// segment. `run` has locals `$a`, `$b`, `$c` (i32) for handles.
pub fn guest(texts: &[(u32, &str)], body: &str) -> String {
    let segments: String = texts
        .iter()
        .map(|(offset, text)| data(*offset, text) + "\n  ")
        .collect();
    module(&format!(
        "{segments}(func (export \"run\") (local $a i32) (local $b i32) (local $c i32)\n    {body})"
    ))
}

/// A durable guest whose `run` is `body`, in which `INPUT` stands for the arguments
/// `(ptr, len)` of `input`, kept at 1024: `(call $start_timer INPUT)`.
pub fn guest_with_input(input: &str, body: &str) -> String {
    guest(&[(1024, input)], &body.replace("INPUT", &at(1024, input)))
}

/// The `(i32.const offset) (i32.const len)` arguments of a call that reads `text` at `offset`.
pub fn at(offset: u32, text: &str) -> String {
    format!("(i32.const {offset}) (i32.const {})", text.len())
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

/// A durable instance of `bundle` started with `params`.
pub fn start_with_params(bundle: &Bundle, params: Vec<abi::Payload>) -> Instance {
    let info_json: Arc<[u8]> = abi::encode_info(&info(params)).into();
    Instance::start(bundle, info_json, log_context(false), START)
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

/// The transcript a guest completed with `$complete_with_transcript`.
pub fn transcript(step: Step) -> String {
    completed_text(step)
}

/// The calls of a step that must have ended with a transcript, and the transcript.
pub fn calls_and_transcript(step: Step) -> (Vec<Call>, String) {
    match ended(step) {
        (calls, Ok(GuestOutcome::Completed(payloads))) if payloads.len() == 1 => {
            let text = String::from_utf8(payloads[0].data.0.clone()).expect("UTF-8 transcript");
            (calls, text)
        }
        (calls, outcome) => panic!("expected a transcript, got {outcome:?} after {calls:?}"),
    }
}

/// Fires the timer `handle` and resumes the guest.
pub fn fire_and_resume(instance: &mut Instance, handle: u32) -> Step {
    instance.resolve(handle, &fired());
    instance.resume()
}

/// The message of the guest bug a step must have ended with.
pub fn bug_message(step: Step) -> String {
    bug(step).to_string()
}

/// A timer firing.
pub fn fired() -> Resolution {
    Resolution::Completed(vec![])
}

// --- Expected values shared by the durable host tests ------------------------------------

/// The smallest valid `start_activity` input.
pub const CHARGE: &str = r#"{"activity_type":"Charge","start_to_close_timeout_ms":1000}"#;

/// `{"completed":[]}`: what a fired timer and a cancellation request yield.
pub const COMPLETED_EMPTY: &str = r#"{"completed":[]}"#;

/// The result of a timer the guest cancelled.
pub const CANCELLED_TIMER: &str = r#"{"cancelled":{"message":"timer cancelled by the workflow","kind":"cancelled","source":"temporal-wasm-worker"}}"#;

/// `StartTimer` of `duration_ms` for `handle`.
pub fn timer_call(handle: u32, duration_ms: u64) -> Call {
    Call::StartTimer {
        handle,
        request: TimerRequest {
            duration_ms,
            summary: None,
        },
    }
}

/// `StartActivity` of [`CHARGE`] for `handle`.
pub fn charge_call(handle: u32) -> Call {
    Call::StartActivity {
        handle,
        options: Box::new(ActivityOptions {
            activity_type: "Charge".into(),
            start_to_close_timeout_ms: Some(1000),
            ..ActivityOptions::default()
        }),
    }
}

/// `SetPatchMarker` for `patch_id`.
pub fn marker(patch_id: &str, deprecated: bool) -> Call {
    Call::SetPatchMarker {
        patch_id: patch_id.into(),
        deprecated,
    }
}

/// First-activation inputs of a run that starts by replaying history.
pub const REPLAYING: StartInputs = StartInputs {
    replaying: true,
    ..START
};

//! Durable (ABI v1) runs driven activation by activation as core drives them, without a server:
//! jobs in, completions out, through `WorkflowRun` and, where the run cache matters,
//! `ActivationHandler`. Guests are small WAT modules (`common::durable::module`) whose calls are
//! spelled out in each test.

mod common;

#[path = "durable_activation/cache.rs"]
mod cache;
#[path = "durable_activation/commands.rs"]
mod commands;
#[path = "durable_activation/lifecycle.rs"]
mod lifecycle;
#[path = "durable_activation/pinning.rs"]
mod pinning;
#[path = "durable_activation/resolutions.rs"]
mod resolutions;

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use common::jobs::{self, activation, initialize};
use common::{Fixtures, TEST_LIMITS};
use temporal_wasm_worker::convert::WorkerContext;
use temporal_wasm_worker::sandbox::{Bundle, GuestBugPolicy};
use temporal_wasm_worker::temporal::workflow_run::{Activated, WorkflowRun};
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;

/// The workflow type `common::load` registers bundles under.
const WORKFLOW_TYPE: &str = "Test";
/// The task queue the worker polls; commands default to it.
const WORKER_QUEUE: &str = "main-queue";

/// What the worker tells every run about itself.
fn worker() -> WorkerContext {
    WorkerContext {
        namespace: "default".to_owned(),
        task_queue: WORKER_QUEUE.to_owned(),
    }
}

/// A bundle of `wat` under the default guest-bug policy (fail the task).
fn bundle(wat: &str) -> (Fixtures, Arc<Bundle>) {
    bundle_with(wat, GuestBugPolicy::FailTask)
}

fn bundle_with(wat: &str, policy: GuestBugPolicy) -> (Fixtures, Arc<Bundle>) {
    let (fixtures, bundle) = common::try_load_with(wat, TEST_LIMITS, policy).expect("bundle loads");
    (fixtures, Arc::new(bundle))
}

/// A run of `bundle` with id `run-1`, not yet initialized.
fn new_run(bundle: &Arc<Bundle>) -> WorkflowRun {
    WorkflowRun::new(jobs::RUN_ID.to_owned(), Arc::clone(bundle), worker())
}

/// A run of `wat`'s bundle that has had its `InitializeWorkflow`, and that first completion.
fn started(wat: &str) -> (Fixtures, WorkflowRun, Activated) {
    let (fixtures, bundle) = bundle(wat);
    let mut run = new_run(&bundle);
    let first = run.activate(activation(vec![initialize(WORKFLOW_TYPE)]));
    (fixtures, run, first)
}

/// JSON inputs laid out in guest memory from offset 1024, each passed to a host call as
/// `(i32.const ptr) (i32.const len)`.
#[derive(Default)]
struct Inputs {
    segments: String,
    used: u32,
}

impl Inputs {
    /// Places `json` in memory and returns the pointer/length pair that passes it.
    fn add(&mut self, json: &str) -> String {
        let offset = 1024 + self.used;
        self.used += json.len() as u32;
        assert!(
            offset + json.len() as u32 <= 6144,
            "inputs overflow into scratch"
        );
        self.segments.push_str(&common::durable::data(offset, json));
        self.segments.push('\n');
        format!("(i32.const {offset}) (i32.const {})", json.len())
    }
}

/// A durable guest of `run` (and any other funcs) over `inputs`, with every v1 import, the
/// helpers of `common::durable::module`, and `$complete_with_bytes` /
/// `$complete_with_result_json`, which complete with raw bytes as one payload's data so a test
/// reads exactly what the guest saw.
///
/// Memory (clear of what `common::durable`'s own helpers use): 1024..6144 inputs, 6144..8192
/// scratch, 8192.. the result `$end_with_result` or `$complete_with_result_json` took,
/// 40950.. the payload being completed with.
fn guest(inputs: &Inputs, run: &str) -> String {
    common::durable::module(&format!(
        r#"{segments}
  {prefix}
  (func $byte (param $at i32) (param $i i32) (param $len i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $i) (local.get $len))
      (then (i32.load8_u (i32.add (local.get $at) (local.get $i))))
      (else (i32.const 0))))
  ;; The base64 digit of bits $shift..$shift+6 of $n.
  (func $sextet (param $n i32) (param $shift i32) (result i32)
    (local $six i32)
    (local.set $six (i32.and (i32.shr_u (local.get $n) (local.get $shift)) (i32.const 63)))
    (if (result i32) (i32.lt_u (local.get $six) (i32.const 26))
      (then (i32.add (local.get $six) (i32.const 65)))
      (else (if (result i32) (i32.lt_u (local.get $six) (i32.const 52))
        (then (i32.add (local.get $six) (i32.const 71)))
        (else (if (result i32) (i32.lt_u (local.get $six) (i32.const 62))
          (then (i32.sub (local.get $six) (i32.const 4)))
          (else (select (i32.const 43) (i32.const 47) (i32.eq (local.get $six) (i32.const 62))))))))))
  ;; Completes with [{{"data": base64 of the $len bytes at $at}}].
  (func $complete_with_bytes (param $at i32) (param $len i32)
    (local $i i32) (local $o i32) (local $n i32)
    (local.set $o (i32.const 40960))
    (block $done (loop $group
      (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $n (i32.or (i32.or
        (i32.shl (call $byte (local.get $at) (local.get $i) (local.get $len)) (i32.const 16))
        (i32.shl (call $byte (local.get $at) (i32.add (local.get $i) (i32.const 1)) (local.get $len)) (i32.const 8)))
        (call $byte (local.get $at) (i32.add (local.get $i) (i32.const 2)) (local.get $len))))
      (i32.store8 (local.get $o) (call $sextet (local.get $n) (i32.const 18)))
      (i32.store8 offset=1 (local.get $o) (call $sextet (local.get $n) (i32.const 12)))
      (i32.store8 offset=2 (local.get $o) (call $sextet (local.get $n) (i32.const 6)))
      (i32.store8 offset=3 (local.get $o) (call $sextet (local.get $n) (i32.const 0)))
      (local.set $i (i32.add (local.get $i) (i32.const 3)))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $group)))
    ;; the last group read one or two bytes past the end: their sextets are padding
    (if (i32.gt_u (local.get $i) (local.get $len))
      (then (i32.store8 (i32.sub (local.get $o) (i32.const 1)) (i32.const 61))))
    (if (i32.gt_u (local.get $i) (i32.add (local.get $len) (i32.const 1)))
      (then (i32.store8 (i32.sub (local.get $o) (i32.const 2)) (i32.const 61))))
    (i32.store8 (local.get $o) (i32.const 34))
    (i32.store8 offset=1 (local.get $o) (i32.const 125))
    (i32.store8 offset=2 (local.get $o) (i32.const 93))
    (call $complete (i32.const 40950) (i32.sub (i32.add (local.get $o) (i32.const 3)) (i32.const 40950)))
    unreachable)
  ;; Completes with the exact result JSON of $handle as the data of one payload.
  (func $complete_with_result_json (param $handle i32)
    (call $complete_with_bytes (i32.const 8192) (call $take_into (local.get $handle) (i32.const 8192))))
  {run}"#,
        segments = inputs.segments,
        prefix = common::wat::data(40950, br#"[{"data":""#),
    ))
}

/// The ABI form of a `json/plain` payload of `json`, for guest inputs.
fn abi_payload(json: &str) -> String {
    format!(
        r#"{{"metadata":{{"encoding":"{}"}},"data":"{}"}}"#,
        BASE64.encode("json/plain"),
        BASE64.encode(json)
    )
}

/// A guest that starts a 1500 ms timer, waits for it, then completes with `"done"`.
fn timer_then_done() -> String {
    let mut inputs = Inputs::default();
    let timer = inputs.add(r#"{"duration_ms":1500}"#);
    let done = inputs.add(&format!("[{}]", abi_payload(r#""done""#)));
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (drop (call $wait_one (call $start_timer {timer})))
    (call $complete {done})
    unreachable)"#
        ),
    )
}

/// A guest that makes each `(import, json)` call in order, then parks on handle 1 for good.
fn calls_then_parks(calls: &[(&str, &str)]) -> String {
    let mut inputs = Inputs::default();
    let calls: String = calls
        .iter()
        .map(|(import, json)| format!("(drop (call ${import} {}))\n    ", inputs.add(json)))
        .collect();
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    {calls}(drop (call $wait_one (i32.const 1)))
    unreachable)"#
        ),
    )
}

/// The bytes of the result payload the completion's last command completes the workflow with.
fn completed_bytes(activated: &Activated) -> Vec<u8> {
    match jobs::commands(&activated.completion).last() {
        Some(Command::CompleteWorkflowExecution(complete)) => {
            complete.result.clone().expect("a result payload").data
        }
        other => panic!("expected CompleteWorkflowExecution last, got {other:?}"),
    }
}

/// The JSON a `$complete_with_result_json` guest completed with.
fn completed_json(activated: &Activated) -> serde_json::Value {
    serde_json::from_slice(&completed_bytes(activated)).expect("the guest's result is JSON")
}

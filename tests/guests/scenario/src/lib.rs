//! `scenario`: a durable test workflow that runs a JSON script of ABI v1 calls.
//!
//! The worker's tests need a guest for every durable behaviour (timers, activities, HTTP
//! activities, cancellation, signals, updates, queries, child and external workflows, search
//! attributes, memo, metrics, continue-as-new, versioning, replay). Instead of one bundle per
//! behaviour, this one bundle takes the behaviour as its input, so a test states in a few lines
//! of JSON what the workflow does. It is written against the raw imports, without the guest SDK, so the calls the
//! worker sees are exactly the ones the test scripted, as any language's guest would make them.
//!
//! # Input and result
//!
//! `params[0]` is a `json/plain` payload holding `{"steps": [step, …], "iteration"?: n}`. The
//! steps run in order, each adding one value to `results`; the workflow then completes with one
//! `json/plain` payload `{"results": [...], "iteration": n}` (`iteration` defaults to 0).
//!
//! | step | calls | result |
//! |---|---|---|
//! | `{"sleep_ms": N}` | `start_timer`, `wait`, `take_result` | the timer's result JSON |
//! | `{"activity": OPTIONS}` | `start_activity` (OPTIONS verbatim), `wait`, `take_result` | `{"completed": value}` (the single payload decoded, `null` if none), else `{"failed": …}` / `{"cancelled": …}` as the host gave it |
//! | … `"args_from_results": true` | OPTIONS.args := one payload of the results so far | as above |
//! | … `"cancel_after_ms": M` | also a timer M; `wait [activity, timer]`; `cancel(activity)` if it is still not ready | `{"cancel_requested": bool, "result": …}` |
//! | `{"http": HTTP_REQUEST}` | `start_http_activity` (HTTP_REQUEST verbatim), `wait`, `take_result` | `{"completed": http_response}` (the single payload decoded: `status`, `headers`, `body` base64 as the host gave it, plus `body_text` when the body is UTF-8), else `{"failed": …}` / `{"cancelled": …}` as the host gave it |
//! | … `"cancel_after_ms": M` | as for `activity`, cancelling the HTTP activity | as for `activity` |
//! | `{"cancel_timer": {"duration_ms": N, "after_ms": M}}` | timer N, timer M, `wait [M]`, `cancel(N)`, `wait [N]`, take | N's result JSON |
//! | `{"now": true}` | `now` | the i64 |
//! | `{"random": n}` | `random` | lowercase hex of the n bytes |
//! | `{"patched": "ID", "deprecated"?: bool}` | `patched` | the i32 |
//! | `{"is_replaying": true}` | `is_replaying` | the i32 |
//! | `{"until_cancelled": {"sleep_ms": N, "then": T}}` | `cancellation_channel`, timer N, `wait [channel, timer]` | `"not_cancelled"` if the timer fires first; on cancellation T = `"record"` gives `"cancelled"`, T = `"complete_as_cancelled"` ends the run as cancelled with details `"cancelled at step K"` |
//! | `{"continue_as_new_until": K}` | `continue_as_new` with the same script at iteration + 1 while iteration < K | the iteration |
//! | `{"fail": FAILURE}` | `complete_with_failure` with FAILURE verbatim | — |
//! | `{"log": "text"}` | `write_log` at info level | `null` |
//! | `{"wait_signal": "NAME"}` | `signal_channel`, `wait`, `take_result` | the signal's result JSON |
//! | `{"publish_query": {"name": "Q", "value"?: json}}` | `set_query_result` with `[json/plain value]` (`[]` without `value`) | `null` |
//! | `{"details": "text"}` | `set_current_details` | `null` |
//! | `{"wait_update": {"name": "U", "reject_if"?: json, "fail_if"?: json, "result"?: json}}` | `update_channel`, then per update `wait`, `take_result`, `respond_update`: `rejected` if its first argument equals `reject_if`, `failed` if it equals `fail_if` (both type `Refused`; the step then waits for the next update), else `completed` with `result` (default: the first argument) | the completed update's arguments, decoded |
//! | `{"child": OPTIONS}` | `start_child_workflow` (OPTIONS verbatim), `wait`, `take_result` | as for `activity` |
//! | … `"cancel_after_ms": M` | as for `activity`, cancelling the child | as for `activity` |
//! | `{"signal_external": REQUEST}` | `signal_external_workflow` (REQUEST verbatim), `wait`, `take_result` | the result JSON |
//! | `{"cancel_external": REQUEST}` | `cancel_external_workflow` (REQUEST verbatim), `wait`, `take_result` | the result JSON |
//! | `{"upsert_search_attributes": MAP}` | `upsert_search_attributes` (MAP verbatim) | `null` |
//! | `{"upsert_memo": MAP}` | `upsert_memo`, each value as a `json/plain` payload, `null` kept (removes the key) | `null` |
//! | `{"metric": REQUEST}` | `emit_metric` (REQUEST verbatim) | `null` |
//! | `{"workflow_info": true}` | none (`get_info` was read at the start) | `info.workflow_info` as the host wrote it |
//!
//! A script that does not parse, an unknown step or key, or a step that does not fit its shape
//! fails the workflow before any call with a non-retryable `BadScript` failure. Host JSON that
//! does not parse fails it with `BadHostJson`, an activity, child or update payload that is not
//! JSON with `BadPayload`. A panic logs its message at error level, then traps.
//!
//! The script runs against the [`script::Host`] trait, so everything but the imports themselves
//! is unit-tested on the build machine with `cargo test`.

// Off wasm32 there is no `run` to call the script, only the unit tests.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod base64;
#[cfg(target_arch = "wasm32")]
mod host;
mod payload;
mod script;
mod step;

/// The ABI's entry point: the worker calls it once per instance, and replays call it again from
/// the start.
#[cfg(target_arch = "wasm32")]
#[unsafe(no_mangle)]
pub extern "C" fn run() {
    host::run();
}

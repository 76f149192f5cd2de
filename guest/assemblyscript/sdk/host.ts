/**
 * host.ts: the worker's imports, exactly as ABI v0 and v1 declare them (module `env`).
 *
 * SDK-internal: workflows use the wrappers in the other files. Pointers and lengths are `usize`
 * / `i32` (read by the host as u32), handles are `u32` (never 0), times are `i64` milliseconds.
 * AssemblyScript imports only what the program reaches, so a workflow that only computes
 * imports only the five v0 calls and stays a one-shot bundle; the first v1 call it makes (a
 * timer, an activity, `log_level`...) makes its bundle durable.
 */

// ---- ABI v0 --------------------------------------------------------------------------------

// @ts-ignore: decorator
@external("env", "get_info_len")
export declare function get_info_len(): i32;

// @ts-ignore: decorator
@external("env", "get_info")
export declare function get_info(ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "write_log")
export declare function write_log(level: i32, ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "complete")
export declare function complete(ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "complete_with_failure")
export declare function complete_with_failure(ptr: usize, len: i32): void;

// ---- Commands: start something, get a handle -----------------------------------------------

// @ts-ignore: decorator
@external("env", "start_timer")
export declare function start_timer(ptr: usize, len: i32): u32;

// @ts-ignore: decorator
@external("env", "start_activity")
export declare function start_activity(ptr: usize, len: i32): u32;

// @ts-ignore: decorator
@external("env", "start_http_activity")
export declare function start_http_activity(ptr: usize, len: i32): u32;

// @ts-ignore: decorator
@external("env", "start_child_workflow")
export declare function start_child_workflow(ptr: usize, len: i32): u32;

// @ts-ignore: decorator
@external("env", "signal_external_workflow")
export declare function signal_external_workflow(ptr: usize, len: i32): u32;

// @ts-ignore: decorator
@external("env", "cancel_external_workflow")
export declare function cancel_external_workflow(ptr: usize, len: i32): u32;

// @ts-ignore: decorator
@external("env", "cancel")
export declare function cancel(handle: u32): void;

// ---- Waiting and results -------------------------------------------------------------------

// @ts-ignore: decorator
@external("env", "wait")
export declare function wait(handles: usize, count: i32): u32;

// @ts-ignore: decorator
@external("env", "is_ready")
export declare function is_ready(handle: u32): i32;

// @ts-ignore: decorator
@external("env", "result_len")
export declare function result_len(handle: u32): i32;

// @ts-ignore: decorator
@external("env", "take_result")
export declare function take_result(handle: u32, ptr: usize, len: i32): void;

// ---- Inbound channels and answers ----------------------------------------------------------

// @ts-ignore: decorator
@external("env", "signal_channel")
export declare function signal_channel(ptr: usize, len: i32): u32;

// @ts-ignore: decorator
@external("env", "update_channel")
export declare function update_channel(ptr: usize, len: i32): u32;

// @ts-ignore: decorator
@external("env", "respond_update")
export declare function respond_update(idPtr: usize, idLen: i32, ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "cancellation_channel")
export declare function cancellation_channel(): u32;

// @ts-ignore: decorator
@external("env", "set_query_result")
export declare function set_query_result(namePtr: usize, nameLen: i32, ptr: usize, len: i32): void;

// ---- Deterministic sources -----------------------------------------------------------------

// @ts-ignore: decorator
@external("env", "now")
export declare function now(): i64;

// @ts-ignore: decorator
@external("env", "random")
export declare function random(ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "patched")
export declare function patched(ptr: usize, len: i32, deprecated: i32): i32;

// @ts-ignore: decorator
@external("env", "is_replaying")
export declare function is_replaying(): i32;

// ---- Telling the world ---------------------------------------------------------------------

// @ts-ignore: decorator
@external("env", "log_level")
export declare function log_level(): i32;

// @ts-ignore: decorator
@external("env", "upsert_search_attributes")
export declare function upsert_search_attributes(ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "upsert_memo")
export declare function upsert_memo(ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "set_current_details")
export declare function set_current_details(ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "emit_metric")
export declare function emit_metric(ptr: usize, len: i32): void;

// ---- Ending the run (v1) -------------------------------------------------------------------

// @ts-ignore: decorator
@external("env", "continue_as_new")
export declare function continue_as_new(ptr: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "complete_as_cancelled")
export declare function complete_as_cancelled(ptr: usize, len: i32): void;

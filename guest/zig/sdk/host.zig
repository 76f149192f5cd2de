//! The ABI's host functions (module `env`), with the exact core-wasm signatures of
//! proto-notes/abi-v1-spec.md. Nothing else in the SDK declares an import.
//!
//! Zig only imports what a bundle references, so a workflow that calls no v1 function (greet,
//! validate_order) stays a one-shot v0 bundle, and one that calls any becomes durable.
//!
//! Pointers and lengths are `usize` (u32 on wasm32), handles `u32`, times `i64` milliseconds.
//! Off wasm (the SDK's native unit tests) every import is a stub that panics: the tests only
//! exercise the pure parts (encoders, decoders, base64, JSON), which never reach the host.

const builtin = @import("builtin");

const is_wasm = builtin.target.cpu.arch.isWasm();

/// The imports themselves on wasm; panicking stubs anywhere else.
const impl = if (is_wasm) wasm else native;

const wasm = struct {
    // v0
    extern "env" fn get_info_len() u32;
    extern "env" fn get_info(ptr: [*]u8, len: usize) void;
    extern "env" fn write_log(level: u32, ptr: [*]const u8, len: usize) void;
    extern "env" fn complete(ptr: [*]const u8, len: usize) void;
    extern "env" fn complete_with_failure(ptr: [*]const u8, len: usize) void;
    // v1: commands
    extern "env" fn start_timer(ptr: [*]const u8, len: usize) u32;
    extern "env" fn start_activity(ptr: [*]const u8, len: usize) u32;
    extern "env" fn start_http_activity(ptr: [*]const u8, len: usize) u32;
    extern "env" fn start_child_workflow(ptr: [*]const u8, len: usize) u32;
    extern "env" fn signal_external_workflow(ptr: [*]const u8, len: usize) u32;
    extern "env" fn cancel_external_workflow(ptr: [*]const u8, len: usize) u32;
    extern "env" fn cancel(handle: u32) void;
    // v1: inbound channels
    extern "env" fn signal_channel(name_ptr: [*]const u8, name_len: usize) u32;
    extern "env" fn update_channel(name_ptr: [*]const u8, name_len: usize) u32;
    extern "env" fn respond_update(id_ptr: [*]const u8, id_len: usize, ptr: [*]const u8, len: usize) void;
    extern "env" fn cancellation_channel() u32;
    extern "env" fn set_query_result(name_ptr: [*]const u8, name_len: usize, ptr: [*]const u8, len: usize) void;
    // v1: waiting and results
    extern "env" fn wait(handles_ptr: [*]const u32, count: usize) u32;
    extern "env" fn is_ready(handle: u32) i32;
    extern "env" fn result_len(handle: u32) i32;
    extern "env" fn take_result(handle: u32, ptr: [*]u8, len: usize) void;
    // v1: deterministic sources
    extern "env" fn now() i64;
    extern "env" fn random(ptr: [*]u8, len: usize) void;
    extern "env" fn patched(id_ptr: [*]const u8, id_len: usize, deprecated: i32) i32;
    extern "env" fn is_replaying() i32;
    // v1: telling the world
    extern "env" fn log_level() i32;
    extern "env" fn upsert_search_attributes(ptr: [*]const u8, len: usize) void;
    extern "env" fn upsert_memo(ptr: [*]const u8, len: usize) void;
    extern "env" fn set_current_details(ptr: [*]const u8, len: usize) void;
    extern "env" fn emit_metric(ptr: [*]const u8, len: usize) void;
    // v1: ending the run
    extern "env" fn continue_as_new(ptr: [*]const u8, len: usize) void;
    extern "env" fn complete_as_cancelled(ptr: [*]const u8, len: usize) void;
};

/// Native builds have no worker: each call is a bug in a test that reached the host.
const native = struct {
    fn stub(comptime name: []const u8) noreturn {
        @panic("temporal: env." ++ name ++ " called outside wasm (native tests cannot reach the host)");
    }
    fn get_info_len() u32 {
        stub("get_info_len");
    }
    fn get_info(_: [*]u8, _: usize) void {
        stub("get_info");
    }
    fn write_log(_: u32, _: [*]const u8, _: usize) void {
        stub("write_log");
    }
    fn complete(_: [*]const u8, _: usize) void {
        stub("complete");
    }
    fn complete_with_failure(_: [*]const u8, _: usize) void {
        stub("complete_with_failure");
    }
    fn start_timer(_: [*]const u8, _: usize) u32 {
        stub("start_timer");
    }
    fn start_activity(_: [*]const u8, _: usize) u32 {
        stub("start_activity");
    }
    fn start_http_activity(_: [*]const u8, _: usize) u32 {
        stub("start_http_activity");
    }
    fn start_child_workflow(_: [*]const u8, _: usize) u32 {
        stub("start_child_workflow");
    }
    fn signal_external_workflow(_: [*]const u8, _: usize) u32 {
        stub("signal_external_workflow");
    }
    fn cancel_external_workflow(_: [*]const u8, _: usize) u32 {
        stub("cancel_external_workflow");
    }
    fn cancel(_: u32) void {
        stub("cancel");
    }
    fn signal_channel(_: [*]const u8, _: usize) u32 {
        stub("signal_channel");
    }
    fn update_channel(_: [*]const u8, _: usize) u32 {
        stub("update_channel");
    }
    fn respond_update(_: [*]const u8, _: usize, _: [*]const u8, _: usize) void {
        stub("respond_update");
    }
    fn cancellation_channel() u32 {
        stub("cancellation_channel");
    }
    fn set_query_result(_: [*]const u8, _: usize, _: [*]const u8, _: usize) void {
        stub("set_query_result");
    }
    fn wait(_: [*]const u32, _: usize) u32 {
        stub("wait");
    }
    fn is_ready(_: u32) i32 {
        stub("is_ready");
    }
    fn result_len(_: u32) i32 {
        stub("result_len");
    }
    fn take_result(_: u32, _: [*]u8, _: usize) void {
        stub("take_result");
    }
    fn now() i64 {
        stub("now");
    }
    fn random(_: [*]u8, _: usize) void {
        stub("random");
    }
    fn patched(_: [*]const u8, _: usize, _: i32) i32 {
        stub("patched");
    }
    fn is_replaying() i32 {
        stub("is_replaying");
    }
    fn log_level() i32 {
        stub("log_level");
    }
    fn upsert_search_attributes(_: [*]const u8, _: usize) void {
        stub("upsert_search_attributes");
    }
    fn upsert_memo(_: [*]const u8, _: usize) void {
        stub("upsert_memo");
    }
    fn set_current_details(_: [*]const u8, _: usize) void {
        stub("set_current_details");
    }
    fn emit_metric(_: [*]const u8, _: usize) void {
        stub("emit_metric");
    }
    fn continue_as_new(_: [*]const u8, _: usize) void {
        stub("continue_as_new");
    }
    fn complete_as_cancelled(_: [*]const u8, _: usize) void {
        stub("complete_as_cancelled");
    }
};

// The wrappers below take slices, so callers never split (pointer, length) pairs themselves.

/// Byte length of the `info` JSON.
pub fn getInfoLen() usize {
    return impl.get_info_len();
}

/// Writes the `info` JSON into `buffer`, whose length must be `getInfoLen()`.
pub fn getInfo(buffer: []u8) void {
    impl.get_info(buffer.ptr, buffer.len);
}

/// Writes one log line at `level` (1 error … 5 trace).
pub fn writeLog(level: u32, message: []const u8) void {
    impl.write_log(level, message.ptr, message.len);
}

/// Ends the run with `payloads_json` (`[payload]`, at most one).
pub fn complete(payloads_json: []const u8) noreturn {
    impl.complete(payloads_json.ptr, payloads_json.len);
    @trap(); // the host ends the run inside the call
}

/// Ends the run with `failure_json`.
pub fn completeWithFailure(failure_json: []const u8) noreturn {
    impl.complete_with_failure(failure_json.ptr, failure_json.len);
    @trap();
}

/// Ends the run by continuing as new; an empty `options_json` continues with no arguments.
pub fn continueAsNew(options_json: []const u8) noreturn {
    impl.continue_as_new(options_json.ptr, options_json.len);
    @trap();
}

/// Ends the run as cancelled; `details_json` is empty or `{"details": [payload]}`.
pub fn completeAsCancelled(details_json: []const u8) noreturn {
    impl.complete_as_cancelled(details_json.ptr, details_json.len);
    @trap();
}

/// `start_timer`.
pub fn startTimer(request: []const u8) u32 {
    return impl.start_timer(request.ptr, request.len);
}

/// `start_activity`.
pub fn startActivity(request: []const u8) u32 {
    return impl.start_activity(request.ptr, request.len);
}

/// `start_http_activity`.
pub fn startHttpActivity(request: []const u8) u32 {
    return impl.start_http_activity(request.ptr, request.len);
}

/// `start_child_workflow`.
pub fn startChildWorkflow(request: []const u8) u32 {
    return impl.start_child_workflow(request.ptr, request.len);
}

/// `signal_external_workflow`.
pub fn signalExternalWorkflow(request: []const u8) u32 {
    return impl.signal_external_workflow(request.ptr, request.len);
}

/// `cancel_external_workflow`.
pub fn cancelExternalWorkflow(request: []const u8) u32 {
    return impl.cancel_external_workflow(request.ptr, request.len);
}

/// `cancel`.
pub fn cancel(handle: u32) void {
    impl.cancel(handle);
}

/// `signal_channel`.
pub fn signalChannel(name: []const u8) u32 {
    return impl.signal_channel(name.ptr, name.len);
}

/// `update_channel`.
pub fn updateChannel(name: []const u8) u32 {
    return impl.update_channel(name.ptr, name.len);
}

/// `respond_update`.
pub fn respondUpdate(update_id: []const u8, response: []const u8) void {
    impl.respond_update(update_id.ptr, update_id.len, response.ptr, response.len);
}

/// `cancellation_channel`.
pub fn cancellationChannel() u32 {
    return impl.cancellation_channel();
}

/// `set_query_result`; an empty `payloads_json` publishes "no value".
pub fn setQueryResult(name: []const u8, payloads_json: []const u8) void {
    impl.set_query_result(name.ptr, name.len, payloads_json.ptr, payloads_json.len);
}

/// `wait`: the first ready handle of `handles`, parking the instance until one is.
pub fn wait(handles: []const u32) u32 {
    return impl.wait(handles.ptr, handles.len);
}

/// `is_ready`.
pub fn isReady(handle: u32) bool {
    return impl.is_ready(handle) != 0;
}

/// `result_len` of a ready handle.
pub fn resultLen(handle: u32) usize {
    return @intCast(impl.result_len(handle));
}

/// `take_result` into `buffer`, whose length must be `resultLen(handle)`.
pub fn takeResult(handle: u32, buffer: []u8) void {
    impl.take_result(handle, buffer.ptr, buffer.len);
}

/// `now`.
pub fn now() i64 {
    return impl.now();
}

/// `random`.
pub fn random(buffer: []u8) void {
    impl.random(buffer.ptr, buffer.len);
}

/// `patched`.
pub fn patched(id: []const u8, deprecated: bool) bool {
    return impl.patched(id.ptr, id.len, @intFromBool(deprecated)) != 0;
}

/// `is_replaying`.
pub fn isReplaying() bool {
    return impl.is_replaying() != 0;
}

/// `log_level`.
pub fn logLevel() u32 {
    return @intCast(@max(impl.log_level(), 0));
}

/// `upsert_search_attributes`.
pub fn upsertSearchAttributes(request: []const u8) void {
    impl.upsert_search_attributes(request.ptr, request.len);
}

/// `upsert_memo`.
pub fn upsertMemo(request: []const u8) void {
    impl.upsert_memo(request.ptr, request.len);
}

/// `set_current_details`.
pub fn setCurrentDetails(text: []const u8) void {
    impl.set_current_details(text.ptr, text.len);
}

/// `emit_metric`.
pub fn emitMetric(request: []const u8) void {
    impl.emit_metric(request.ptr, request.len);
}

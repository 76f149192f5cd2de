//! Ending the run: `complete`, `complete_with_failure`, `continue_as_new`,
//! `complete_as_cancelled`. Each is `noreturn`: the worker ends the run inside the call.

const std = @import("std");
const attributes = @import("attributes.zig");
const host = @import("host.zig");
const json = @import("json.zig");
const memory = @import("memory.zig");
const payload = @import("payload.zig");
const request = @import("request.zig");
const retry = @import("retry.zig");
const Failure = @import("failure.zig").Failure;

/// `complete`'s JSON for `result` (one `json/plain` payload, or the `Payload` itself), in `gpa`.
pub fn encodeComplete(gpa: std.mem.Allocator, result: anytype) []u8 {
    return json.stringify(gpa, payload.args(.{result}));
}

/// `complete_with_failure`'s JSON, in `gpa`.
pub fn encodeFailure(gpa: std.mem.Allocator, failure: Failure) []u8 {
    return json.stringify(gpa, failure);
}

/// Completes the workflow with `result`: anything `std.json` serialises (a `[]const u8`
/// becomes a JSON string, a struct an object), as one `json/plain` payload.
pub fn complete(result: anytype) noreturn {
    host.complete(encodeComplete(memory.allocator, result));
}

/// Completes the workflow with no result.
pub fn completeEmpty() noreturn {
    host.complete("[]");
}

/// Fails the workflow with `failure` (raised, or one received and passed on).
pub fn fail(failure: Failure) noreturn {
    host.completeWithFailure(encodeFailure(memory.allocator, failure));
}

/// `continue_as_new`'s options, less the arguments; absent fields keep the run's.
pub const ContinueAsNewOptions = struct {
    workflow_type: ?[]const u8 = null,
    task_queue: ?[]const u8 = null,
    run_timeout_ms: ?u64 = null,
    task_timeout_ms: ?u64 = null,
    memo: ?attributes.Memo = null,
    search_attributes: ?attributes.SearchAttributes = null,
    retry_policy: ?retry.RetryPolicy = null,
};

/// `continue_as_new`'s JSON, in `gpa`.
pub fn encodeContinueAsNew(gpa: std.mem.Allocator, options: ContinueAsNewOptions, args: anytype) []u8 {
    return request.encodeWithArgs(gpa, options, args);
}

/// Ends this run and starts a new one of the same workflow (unless `options` says otherwise)
/// with the arguments of the tuple `args`: how a workflow with an unbounded history keeps it
/// short.
pub fn continueAsNew(options: ContinueAsNewOptions, args: anytype) noreturn {
    host.continueAsNew(encodeContinueAsNew(memory.allocator, options, args));
}

/// `complete_as_cancelled`'s JSON for the tuple `details` ("" when empty), in `gpa`.
pub fn encodeCancelled(gpa: std.mem.Allocator, details: anytype) []u8 {
    if (payload.args(details).isEmpty()) return &.{};
    return json.stringify(gpa, .{ .details = payload.args(details) });
}

/// Ends the workflow as *Canceled*, with the values of the tuple `details` as its details.
/// Only after its cancellation was requested (see `cancellation`); otherwise a guest bug.
pub fn completeAsCancelled(details: anytype) noreturn {
    host.completeAsCancelled(encodeCancelled(memory.allocator, details));
}

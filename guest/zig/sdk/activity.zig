//! Activities: `start_activity`, and `cancel` of one.
//!
//!     const Reservation = struct { reservation_id: []const u8 };
//!     const reserved = tw.activity.execute(Reservation, arena, .{
//!         .activity_type = "reserve_stock",
//!         .task_queue = "inventory",
//!         .start_to_close_timeout_ms = 10_000,
//!         .retry_policy = .{ .maximum_attempts = 3 },
//!     }, .{order});
//!     switch (reserved) {
//!         .completed => |r| …r.reservation_id…,
//!         .failed, .cancelled => |f| tw.fail(f),
//!     }
//!
//! Arguments are a tuple, each value sent as one `json/plain` payload (a `Payload` as it is);
//! the result is decoded as the type asked for (`void`: not at all).

const std = @import("std");
const host = @import("host.zig");
const memory = @import("memory.zig");
const request = @import("request.zig");
const retry = @import("retry.zig");
const wait = @import("wait.zig");
const Handle = wait.Handle;
const Outcome = wait.Outcome;

/// `start_activity`'s options (`activity_options` of the spec), less the arguments.
pub const ActivityOptions = struct {
    activity_type: []const u8,
    /// Default: the workflow's task queue.
    task_queue: ?[]const u8 = null,
    /// Default: the activity's sequence number in the run (unique, stable on replay).
    activity_id: ?[]const u8 = null,
    /// One of the two `*_to_close` timeouts is required, as Temporal requires.
    schedule_to_close_timeout_ms: ?u64 = null,
    schedule_to_start_timeout_ms: ?u64 = null,
    start_to_close_timeout_ms: ?u64 = null,
    heartbeat_timeout_ms: ?u64 = null,
    retry_policy: ?retry.RetryPolicy = null,
    cancellation_type: ?retry.ActivityCancellationType = null,
    /// Shown in the Temporal UI.
    summary: ?[]const u8 = null,
};

/// A scheduled activity.
pub const Activity = struct {
    handle: Handle,

    /// Blocks until the activity ends and returns its result decoded as `T` into `arena`.
    pub fn result(self: Activity, comptime T: type, arena: std.mem.Allocator) Outcome(T) {
        return wait.awaitOutcome(T, arena, self.handle);
    }

    /// Whether it has ended (its result is waiting to be taken).
    pub fn isReady(self: Activity) bool {
        return wait.isReady(self.handle);
    }

    /// Asks Temporal to cancel it; `result` then reports what the activity did (for the
    /// default `try_cancel`, `cancelled` at once).
    pub fn cancel(self: Activity) void {
        host.cancel(self.handle.raw());
    }
};

/// Schedules an activity with the arguments of the tuple `args`.
pub fn start(options: ActivityOptions, args: anytype) Activity {
    const text = encode(memory.allocator, options, args);
    defer memory.allocator.free(text);
    return .{ .handle = Handle.of(host.startActivity(text)) };
}

/// Runs an activity to its end: `start` then `result`.
pub fn execute(comptime T: type, arena: std.mem.Allocator, options: ActivityOptions, args: anytype) Outcome(T) {
    return start(options, args).result(T, arena);
}

/// `start_activity`'s JSON, in `gpa`.
pub fn encode(gpa: std.mem.Allocator, options: ActivityOptions, args: anytype) []u8 {
    return request.encodeWithArgs(gpa, options, args);
}

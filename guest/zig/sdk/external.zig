//! Other workflows: `signal_external_workflow` and `cancel_external_workflow`.
//!
//!     const sent = tw.external.signal(.{ .workflow_id = "batch-3" }, "order_done", .{.{ .order_id = id }});
//!     switch (sent.result(arena)) { .completed => {}, .failed, .cancelled => |f| … }

const std = @import("std");
const host = @import("host.zig");
const memory = @import("memory.zig");
const request = @import("request.zig");
const wait = @import("wait.zig");
const Handle = wait.Handle;
const Outcome = wait.Outcome;

/// Which workflow execution to address.
pub const ExternalWorkflow = struct {
    workflow_id: []const u8,
    /// Default: the latest run.
    run_id: ?[]const u8 = null,
    /// Default: the workflow's own.
    namespace: ?[]const u8 = null,
};

/// A signal or cancellation request on its way.
pub const ExternalCall = struct {
    handle: Handle,

    /// Blocks until the signal was delivered (or the cancellation requested), or failed (no
    /// such workflow); allocates a failure in `arena`.
    pub fn result(self: ExternalCall, arena: std.mem.Allocator) Outcome(void) {
        return wait.awaitOutcome(void, arena, self.handle);
    }
};

/// The request of `signal`.
const SignalRequest = struct {
    workflow_id: []const u8,
    run_id: ?[]const u8 = null,
    namespace: ?[]const u8 = null,
    signal_name: []const u8,
};

/// `signal_external_workflow`'s JSON, in `gpa`.
pub fn encodeSignal(gpa: std.mem.Allocator, target: ExternalWorkflow, signal_name: []const u8, args: anytype) []u8 {
    return request.encodeWithArgs(gpa, SignalRequest{
        .workflow_id = target.workflow_id,
        .run_id = target.run_id,
        .namespace = target.namespace,
        .signal_name = signal_name,
    }, args);
}

/// `cancel_external_workflow`'s JSON, in `gpa`.
pub fn encodeCancel(gpa: std.mem.Allocator, target: ExternalWorkflow) []u8 {
    return request.encodeWithArgs(gpa, target, .{});
}

/// Sends signal `signal_name` with the arguments of the tuple `args` to another workflow.
pub fn signal(target: ExternalWorkflow, signal_name: []const u8, args: anytype) ExternalCall {
    const text = encodeSignal(memory.allocator, target, signal_name, args);
    defer memory.allocator.free(text);
    return .{ .handle = Handle.of(host.signalExternalWorkflow(text)) };
}

/// Asks Temporal to cancel another workflow.
pub fn cancel(target: ExternalWorkflow) ExternalCall {
    const text = encodeCancel(memory.allocator, target);
    defer memory.allocator.free(text);
    return .{ .handle = Handle.of(host.cancelExternalWorkflow(text)) };
}

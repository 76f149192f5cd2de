//! Child workflows: `start_child_workflow`, and `cancel` of one.
//!
//!     const shipped = tw.child.execute(Shipment, arena, .{ .workflow_type = "Ship" }, .{order});
//!
//! The child's handle resolves with its result, its failure (kind `child_workflow`, with the
//! child's own failure as the cause), its cancellation, or, if it could not start, a failure of
//! type `WorkflowAlreadyStarted` or `NamespaceNotFound`.

const std = @import("std");
const attributes = @import("attributes.zig");
const host = @import("host.zig");
const memory = @import("memory.zig");
const request = @import("request.zig");
const retry = @import("retry.zig");
const wait = @import("wait.zig");
const Handle = wait.Handle;
const Outcome = wait.Outcome;

/// Whether a workflow id may be reused by a new run.
pub const IdReusePolicy = enum { allow_duplicate, allow_duplicate_failed_only, reject_duplicate, terminate_if_running };

/// What happens to the child when the parent run closes.
pub const ParentClosePolicy = enum { terminate, abandon, request_cancel };

/// What `cancel` of a child waits for before its handle resolves.
pub const ChildCancellationType = enum { wait_cancellation_completed, wait_cancellation_requested, try_cancel, abandon };

/// `start_child_workflow`'s options (`child_workflow_options` of the spec), less the arguments.
pub const ChildWorkflowOptions = struct {
    workflow_type: []const u8,
    /// Default: `<parent run id>_<sequence number>`, unique per parent run, stable on replay.
    workflow_id: ?[]const u8 = null,
    /// Default: the parent's.
    task_queue: ?[]const u8 = null,
    /// Default: the parent's.
    namespace: ?[]const u8 = null,
    execution_timeout_ms: ?u64 = null,
    run_timeout_ms: ?u64 = null,
    task_timeout_ms: ?u64 = null,
    id_reuse_policy: ?IdReusePolicy = null,
    /// Default: `terminate`.
    parent_close_policy: ?ParentClosePolicy = null,
    retry_policy: ?retry.RetryPolicy = null,
    cron_schedule: ?[]const u8 = null,
    memo: ?attributes.Memo = null,
    search_attributes: ?attributes.SearchAttributes = null,
    /// Default: `wait_cancellation_completed`.
    cancellation_type: ?ChildCancellationType = null,
};

/// A started child workflow.
pub const ChildWorkflow = struct {
    handle: Handle,

    /// Blocks until the child ends and returns its result decoded as `T` into `arena`.
    pub fn result(self: ChildWorkflow, comptime T: type, arena: std.mem.Allocator) Outcome(T) {
        return wait.awaitOutcome(T, arena, self.handle);
    }

    /// Whether it has ended (its result is waiting to be taken).
    pub fn isReady(self: ChildWorkflow) bool {
        return wait.isReady(self.handle);
    }

    /// Asks Temporal to cancel the child; `result` then reports how it ended.
    pub fn cancel(self: ChildWorkflow) void {
        host.cancel(self.handle.raw());
    }
};

/// Starts a child workflow with the arguments of the tuple `args`.
pub fn start(options: ChildWorkflowOptions, args: anytype) ChildWorkflow {
    const text = encode(memory.allocator, options, args);
    defer memory.allocator.free(text);
    return .{ .handle = Handle.of(host.startChildWorkflow(text)) };
}

/// Runs a child workflow to its end: `start` then `result`.
pub fn execute(comptime T: type, arena: std.mem.Allocator, options: ChildWorkflowOptions, args: anytype) Outcome(T) {
    return start(options, args).result(T, arena);
}

/// `start_child_workflow`'s JSON, in `gpa`.
pub fn encode(gpa: std.mem.Allocator, options: ChildWorkflowOptions, args: anytype) []u8 {
    return request.encodeWithArgs(gpa, options, args);
}

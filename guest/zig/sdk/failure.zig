//! Failures: the ones a workflow raises (`fail`, an update's rejection) and the ones Temporal
//! hands it (a failed or cancelled activity, child, timer…), as one type.
//!
//! Raising: set what you need, `tw.fail(.{ .message = "…", .type = "InvalidOrder",
//! .non_retryable = true, .details = &.{tw.Payload.json(arena, x)} })`; null fields are left
//! out of the JSON. Receiving: every field the worker writes is read (proto-notes/
//! abi-v1-reference.md, "Failures that reach a guest"), the first application failure's `type`
//! is already copied to the top, and `cause` walks the chain. A received failure may be raised
//! again as it is, or as another's `cause`: the worker accepts its fields and sends the v0
//! ones on.

const std = @import("std");
const Payload = @import("payload.zig").Payload;

/// A Temporal failure: v0's fields first, then those the worker adds when it hands one over.
pub const Failure = struct {
    message: ?[]const u8 = null,
    /// Application error type, e.g. `InvalidInput`; for a received failure, the first
    /// application failure's type of the chain.
    type: ?[]const u8 = null,
    /// True: a retry policy must not retry this failure.
    non_retryable: ?bool = null,
    /// Structured details: `&.{tw.Payload.json(arena, .{ .reason = "…" })}`.
    details: ?[]const Payload = null,
    cause: ?*const Failure = null,

    // Written by the worker only:
    /// `application`, `timeout`, `cancelled`, `terminated`, `server`, `reset_workflow`,
    /// `activity`, `child_workflow`, `nexus_operation`, `nexus_handler`.
    kind: ?[]const u8 = null,
    source: ?[]const u8 = null,
    stack_trace: ?[]const u8 = null,
    /// `activity` and `child_workflow` failures: `maximum_attempts_reached`,
    /// `non_retryable_failure`, `timeout`, `cancel_requested`, …
    retry_state: ?[]const u8 = null,
    /// `timeout` failures: `start_to_close`, `schedule_to_start`, `schedule_to_close`,
    /// `heartbeat`.
    timeout_type: ?[]const u8 = null,
    next_retry_delay_ms: ?i64 = null,
    last_heartbeat_details: ?[]const Payload = null,
    activity: ?ActivityInfo = null,
    child_workflow: ?ChildWorkflowInfo = null,

    /// Which activity an `activity` failure is about.
    pub const ActivityInfo = struct {
        activity_type: []const u8 = "",
        activity_id: []const u8 = "",
        identity: []const u8 = "",
        scheduled_event_id: i64 = 0,
        started_event_id: i64 = 0,
    };

    /// Which child a `child_workflow` failure is about.
    pub const ChildWorkflowInfo = struct {
        namespace: []const u8 = "",
        workflow_id: []const u8 = "",
        run_id: []const u8 = "",
        workflow_type: []const u8 = "",
        initiated_event_id: i64 = 0,
        started_event_id: i64 = 0,
    };

    /// What went wrong in the most specific words available: the innermost message of the
    /// chain (an activity's own error sits below Temporal's "Activity task failed").
    pub fn reason(self: *const Failure) []const u8 {
        var found: []const u8 = "failed without a message";
        var level: ?*const Failure = self;
        while (level) |f| : (level = f.cause) {
            if (f.message) |m| found = m;
        }
        return found;
    }

    /// The first failure of the chain (this one included) whose `kind` is `kind`, e.g. the
    /// `timeout` below an activity failure.
    pub fn find(self: *const Failure, kind: []const u8) ?*const Failure {
        var level: ?*const Failure = self;
        while (level) |f| : (level = f.cause) {
            if (std.mem.eql(u8, f.kind orelse "", kind)) return f;
        }
        return null;
    }

    /// Whether the failure (or, for a received one, its application failure) has `type`.
    pub fn hasType(self: *const Failure, failure_type: []const u8) bool {
        return std.mem.eql(u8, self.type orelse return false, failure_type);
    }
};

test "reason is the innermost message, find walks the chain" {
    const inner: Failure = .{ .message = "card 4242 declined", .kind = "application", .type = "CardDeclined" };
    const outer: Failure = .{ .message = "Activity task failed", .kind = "activity", .type = "CardDeclined", .cause = &inner };
    try std.testing.expectEqualStrings("card 4242 declined", outer.reason());
    try std.testing.expect(outer.find("application") == &inner);
    try std.testing.expect(outer.find("timeout") == null);
    try std.testing.expect(outer.hasType("CardDeclined"));
    try std.testing.expectEqualStrings("failed without a message", (Failure{}).reason());
}

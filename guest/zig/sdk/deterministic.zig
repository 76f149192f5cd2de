//! Deterministic sources: the only clock, randomness and versioning a workflow may use, since
//! a replay must reach the same calls with the same arguments.

const std = @import("std");
const host = @import("host.zig");

/// Workflow time in ms since the Unix epoch: the activation's timestamp, identical on replay.
pub fn now() i64 {
    return host.now();
}

/// Fills `buffer` from the run's deterministic generator (seeded by Temporal, identical on
/// replay).
pub fn randomBytes(buffer: []u8) void {
    host.random(buffer);
}

/// A `std.Random` over `randomBytes`: `tw.random().intRangeAtMost(u8, 1, 6)`.
pub fn random() std.Random {
    return .{ .ptr = undefined, .fillFn = fill };
}

fn fill(_: *anyopaque, buffer: []u8) void {
    host.random(buffer);
}

/// Temporal's versioning: true if this run takes the new code path for patch `id` (recording
/// a marker), false if history says it started before the patch. One id gets one answer for
/// the whole run.
pub fn patched(id: []const u8) bool {
    return host.patched(id, false);
}

/// Marks patch `id` deprecated: every run still in history has the patch, so the old path is
/// gone; the marker is still recorded for runs that replay with it.
pub fn deprecatePatch(id: []const u8) void {
    _ = host.patched(id, true);
}

/// Whether the activation replays history (for workflows that skip their own side effects;
/// logs and metrics are already suppressed by the worker).
pub fn isReplaying() bool {
    return host.isReplaying();
}

//! Queries and current details: published answers, since queries never run guest code.
//!
//! `setQueryResult("status", .{ .state = "shipped" })` answers query `status` from now on
//! (while the workflow is parked, running, finished, and after replay) until it is published
//! again. `setCurrentDetails` is the text the Temporal UI shows for what the workflow is doing.

const std = @import("std");
const host = @import("host.zig");
const json = @import("json.zig");
const memory = @import("memory.zig");
const payload = @import("payload.zig");

/// `set_query_result`'s JSON for `value` (one `json/plain` payload, or the `Payload` itself),
/// in `gpa`.
pub fn encodeQueryResult(gpa: std.mem.Allocator, value: anytype) []u8 {
    return json.stringify(gpa, payload.args(.{value}));
}

/// Publishes `value` as the answer to query `name`.
pub fn setQueryResult(name: []const u8, value: anytype) void {
    const text = encodeQueryResult(memory.allocator, value);
    defer memory.allocator.free(text);
    host.setQueryResult(name, text);
}

/// Publishes "no value" as the answer to query `name`.
pub fn clearQueryResult(name: []const u8) void {
    host.setQueryResult(name, "");
}

/// Sets the text (Markdown allowed, at most 64 KiB) describing what the workflow is doing now.
pub fn setCurrentDetails(text: []const u8) void {
    host.setCurrentDetails(text);
}

//! HTTP activities: `start_http_activity`. The worker executes the request itself, as an
//! ordinary Temporal activity (recorded in history, retried by its retry policy), against the
//! operator's allow-list; header values may name secrets, `{{secret NAME}}`, which the
//! executing worker fills in (history keeps the placeholder).
//!
//!     const charged = tw.http.execute(arena, .{
//!         .method = "POST",
//!         .url = payment_url,
//!         .headers = &.{.{ .name = "content-type", .value = "application/json" }},
//!         .body = tw.json.stringify(arena, .{ .order_id = id, .amount_cents = total }),
//!         .start_to_close_timeout_ms = 10_000,
//!     });
//!
//! 2xx and 3xx complete with the response; 408, 429, 5xx, connection errors and timeouts fail
//! retryably, other 4xx non-retryably (the failure's details carry the status and response).

const std = @import("std");
const base64 = @import("base64.zig");
const host = @import("host.zig");
const jsonlib = @import("json.zig");
const memory = @import("memory.zig");
const retry = @import("retry.zig");
const wait = @import("wait.zig");
const Handle = wait.Handle;
const Outcome = wait.Outcome;

/// One request header.
pub const Header = struct { name: []const u8, value: []const u8 };

/// `start_http_activity`'s request (`http_request` of the spec).
pub const HttpRequest = struct {
    method: []const u8 = "GET",
    url: []const u8,
    headers: []const Header = &.{},
    /// The raw body bytes (sent base64-encoded).
    body: ?[]const u8 = null,
    start_to_close_timeout_ms: ?u64 = null,
    schedule_to_close_timeout_ms: ?u64 = null,
    retry_policy: ?retry.RetryPolicy = null,
    /// Responses over this size fail non-retryably.
    max_response_bytes: ?u64 = null,
    /// Runs it as a Temporal local activity (a marker, no extra round trip), for short calls.
    local: ?bool = null,

    pub fn jsonStringify(self: HttpRequest, jw: *std.json.Stringify) std.json.Stringify.Error!void {
        try jw.beginObject();
        try jw.objectField("method");
        try jw.write(self.method);
        try jw.objectField("url");
        try jw.write(self.url);
        if (self.headers.len > 0) {
            try jw.objectField("headers");
            try jw.beginObject();
            for (self.headers) |h| {
                try jw.objectField(h.name);
                try jw.write(h.value);
            }
            try jw.endObject();
        }
        if (self.body) |body| {
            try jw.objectField("body");
            try jw.beginWriteRaw();
            try jw.writer.writeByte('"');
            try base64.encodeToWriter(jw.writer, body);
            try jw.writer.writeByte('"');
            jw.endWriteRaw();
        }
        try @import("request.zig").writeFields(jw, .{
            .start_to_close_timeout_ms = self.start_to_close_timeout_ms,
            .schedule_to_close_timeout_ms = self.schedule_to_close_timeout_ms,
            .retry_policy = self.retry_policy,
            .max_response_bytes = self.max_response_bytes,
            .local = self.local,
        });
        try jw.endObject();
    }
};

/// A completed request's response (`http_response` of the spec).
pub const HttpResponse = struct {
    status: u16,
    /// Response headers as the worker reports them.
    headers: std.json.ArrayHashMap([]const u8),
    /// The decoded body bytes.
    body: []const u8,

    /// The value of header `name` (compared case-insensitively), if present.
    pub fn header(self: *const HttpResponse, name: []const u8) ?[]const u8 {
        var it = self.headers.map.iterator();
        while (it.next()) |entry| {
            if (std.ascii.eqlIgnoreCase(entry.key_ptr.*, name)) return entry.value_ptr.*;
        }
        return null;
    }

    /// The body parsed as JSON of type `T`, into `arena`.
    pub fn json(self: *const HttpResponse, comptime T: type, arena: std.mem.Allocator) jsonlib.ParseError!T {
        return jsonlib.parse(T, arena, self.body);
    }
};

/// The wire form of `http_response`, body still base64.
const WireResponse = struct {
    status: u16 = 0,
    headers: std.json.ArrayHashMap([]const u8) = .{},
    body: []const u8 = "",
};

/// A started HTTP activity.
pub const HttpCall = struct {
    handle: Handle,

    /// Blocks until the request has been answered (or failed) and returns the response,
    /// allocated in `arena`.
    pub fn result(self: HttpCall, arena: std.mem.Allocator) Outcome(HttpResponse) {
        return decodeOutcome(wait.awaitOutcome(WireResponse, arena, self.handle), arena);
    }

    /// Asks Temporal to cancel it.
    pub fn cancel(self: HttpCall) void {
        host.cancel(self.handle.raw());
    }
};

/// Turns the wire response's base64 body into bytes.
pub fn decodeOutcome(outcome: Outcome(WireResponse), arena: std.mem.Allocator) Outcome(HttpResponse) {
    return switch (outcome) {
        .completed => |wire| .{ .completed = .{
            .status = wire.status,
            .headers = wire.headers,
            .body = base64.decode(arena, wire.body) catch return .{ .failed = wait.payloadFailure(arena, error.InvalidBase64) },
        } },
        .failed => |f| .{ .failed = f },
        .cancelled => |f| .{ .cancelled = f },
    };
}

/// Decodes an HTTP activity's result JSON `text` into `arena` (for tests and custom waits).
pub fn decodeResult(arena: std.mem.Allocator, text: []const u8) Outcome(HttpResponse) {
    return decodeOutcome(wait.decodeOutcome(WireResponse, arena, text), arena);
}

/// Starts an HTTP activity.
pub fn start(req: HttpRequest) HttpCall {
    const text = encode(memory.allocator, req);
    defer memory.allocator.free(text);
    return .{ .handle = Handle.of(host.startHttpActivity(text)) };
}

/// Runs an HTTP activity to its end: `start` then `result`.
pub fn execute(arena: std.mem.Allocator, req: HttpRequest) Outcome(HttpResponse) {
    return start(req).result(arena);
}

/// `start_http_activity`'s JSON, in `gpa`.
pub fn encode(gpa: std.mem.Allocator, req: HttpRequest) []u8 {
    return jsonlib.stringify(gpa, req);
}

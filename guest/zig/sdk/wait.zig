//! Handles, waiting and results.
//!
//! Every command (timer, activity, child…) and every channel is a `Handle`. Waiting is ABI v1's
//! `wait`: the first ready handle of a set, in the order given, parking the instance until an
//! activation makes one ready. `select` waits on anything that has a handle and returns the
//! index of the first ready one; `selectTimeout` adds a durable timer to the set.
//!
//! The SDK adds the open update channels to every set it waits on, so each update is validated
//! in the activation it arrives in, whatever the workflow is blocked on (see update.zig).
//!
//! A command's result is `{"completed": [payload]}`, `{"failed": failure}` or
//! `{"cancelled": failure}`; `Outcome(T)` is that union with the payload decoded as `T`.

const std = @import("std");
const host = @import("host.zig");
const json = @import("json.zig");
const memory = @import("memory.zig");
const payload = @import("payload.zig");
const update = @import("update.zig");
const Failure = @import("failure.zig").Failure;
const Payload = payload.Payload;

/// A handle: a number from 1, unique within the run, that names a pending command or a
/// channel. Deterministic: a replay of the same code gets the same handles.
pub const Handle = enum(u32) {
    _,

    /// The ABI's number.
    pub fn raw(self: Handle) u32 {
        return @backingInt(self);
    }

    /// The handle the host returned.
    pub fn of(number: u32) Handle {
        return @fromBackingInt(number);
    }
};

/// How a timer, activity, HTTP activity, child or external call ended, its result decoded as
/// `T` (`void`: not decoded). A completed result whose payload does not decode as `T` is
/// `failed` with a non-retryable `PayloadError` failure saying why.
pub fn Outcome(comptime T: type) type {
    return union(enum) {
        completed: T,
        failed: Failure,
        cancelled: Failure,

        /// The value if it completed.
        pub fn value(self: @This()) ?T {
            return switch (self) {
                .completed => |v| v,
                else => null,
            };
        }

        /// The failure if it failed or was cancelled.
        pub fn failure(self: *const @This()) ?*const Failure {
            return switch (self.*) {
                .completed => null,
                .failed, .cancelled => |*f| f,
            };
        }
    };
}

/// A result as the host writes it.
const WireResult = union(enum) {
    completed: []const Payload,
    failed: Failure,
    cancelled: Failure,
};

/// Decodes a result's JSON `text` (allocating in `arena`). Text that is not a result is a
/// worker bug no workflow could handle: it panics.
pub fn decodeOutcome(comptime T: type, arena: std.mem.Allocator, text: []const u8) Outcome(T) {
    const wire = json.parse(WireResult, arena, text) catch
        @panic("temporal: the worker wrote a result that is not {\"completed\"|\"failed\"|\"cancelled\": …}");
    return switch (wire) {
        .completed => |payloads| if (payload.decodeFirst(T, arena, payloads)) |v|
            .{ .completed = v }
        else |err|
            .{ .failed = payloadFailure(arena, err) },
        .failed => |f| .{ .failed = f },
        .cancelled => |f| .{ .cancelled = f },
    };
}

/// The failure a result that does not decode turns into.
pub fn payloadFailure(arena: std.mem.Allocator, err: payload.PayloadError) Failure {
    return .{
        .message = memory.concat(arena, &.{ "the result does not decode: ", payload.describe(err) }),
        .type = "PayloadError",
        .non_retryable = true,
    };
}

/// The handle of anything `select` accepts: a `Handle`, or a value (or pointer to one) with a
/// `handle` field (timers, activities, channels…).
pub fn handleOf(item: anytype) Handle {
    const T = @TypeOf(item);
    if (T == Handle) return item;
    return switch (@typeInfo(T)) {
        .pointer => handleOf(item.*),
        else => item.handle,
    };
}

/// Blocks until one of `items` (a tuple: `.{ approve, timer, cancelled }`) is ready and
/// returns its index: the first ready one, in the order given. Nothing is taken: call the
/// ready item's own method (`receive`, `result`…) next.
pub fn select(items: anytype) usize {
    const fields = @typeInfo(@TypeOf(items)).@"struct".field_names;
    comptime std.debug.assert(fields.len > 0); // the ABI cannot wait on nothing
    var handles: [fields.len]Handle = undefined;
    inline for (fields, 0..) |name, i| handles[i] = handleOf(@field(items, name));
    const ready = waitAny(&handles);
    return std.mem.findScalar(Handle, &handles, ready).?;
}

/// `select` with a timeout: null if `timeout_ms` passed first (a durable timer, cancelled
/// when something else is ready first).
pub fn selectTimeout(items: anytype, timeout_ms: u64) ?usize {
    const Timer = @import("timer.zig").Timer;
    const fields = @typeInfo(@TypeOf(items)).@"struct".field_names;
    const timer = Timer.start(.{ .duration_ms = timeout_ms });
    var handles: [fields.len + 1]Handle = undefined;
    inline for (fields, 0..) |name, i| handles[i] = handleOf(@field(items, name));
    handles[fields.len] = timer.handle;
    const index = std.mem.findScalar(Handle, &handles, waitAny(&handles)).?;
    if (index == fields.len) {
        discard(timer.handle);
        return null;
    }
    timer.cancel();
    return index;
}

/// `wait` with the open update channels added; returns the first ready handle of `handles`.
pub fn waitAny(handles: []const Handle) Handle {
    std.debug.assert(handles.len > 0);
    // Wait sets are short; the stack holds them (with the update channels) in most runs.
    var stack: [32]Handle = undefined;
    while (true) {
        // Updates already validated and kept by the SDK are ready without asking the host.
        for (handles) |h| if (update.hasAccepted(h)) return h;
        const channels = update.openChannels();
        var extra: usize = 0;
        for (channels) |c| {
            if (std.mem.findScalar(Handle, handles, c) == null) extra += 1;
        }
        const ready = if (extra == 0) Handle.of(host.wait(rawHandles(handles))) else ready: {
            const total = handles.len + extra;
            const set = if (total <= stack.len) stack[0..total] else memory.allocator.alloc(Handle, total) catch memory.outOfMemory();
            defer if (total > stack.len) memory.allocator.free(set);
            @memcpy(set[0..handles.len], handles);
            var i = handles.len;
            for (channels) |c| {
                if (std.mem.findScalar(Handle, handles, c) == null) {
                    set[i] = c;
                    i += 1;
                }
            }
            break :ready Handle.of(host.wait(rawHandles(set)));
        };
        if (!update.isChannel(ready)) return ready;
        update.validateArrivals(ready);
        if (std.mem.findScalar(Handle, handles, ready) != null and update.hasAccepted(ready)) return ready;
    }
}

fn rawHandles(handles: []const Handle) []const u32 {
    return @ptrCast(handles);
}

/// Whether `handle` is ready now (a result to take, an item in the channel); never blocks.
/// An update channel counts the updates the SDK has validated and kept.
pub fn isReady(handle: Handle) bool {
    if (update.isChannel(handle)) {
        update.validateArrivals(handle);
        return update.hasAccepted(handle);
    }
    return host.isReady(handle.raw());
}

/// Takes the ready `handle`'s result JSON into newly allocated memory of `gpa`.
pub fn take(gpa: std.mem.Allocator, handle: Handle) []u8 {
    const buffer = gpa.alloc(u8, host.resultLen(handle.raw())) catch memory.outOfMemory();
    host.takeResult(handle.raw(), buffer);
    return buffer;
}

/// Takes the ready `handle`'s result and drops it.
pub fn discard(handle: Handle) void {
    memory.allocator.free(take(memory.allocator, handle));
}

/// Waits for `handle` alone, takes its result and decodes it as `T` into `arena`; the raw
/// result is freed before this returns.
pub fn awaitOutcome(comptime T: type, arena: std.mem.Allocator, handle: Handle) Outcome(T) {
    _ = waitAny(&.{handle});
    const text = take(memory.allocator, handle);
    defer memory.allocator.free(text);
    return decodeOutcome(T, arena, text);
}

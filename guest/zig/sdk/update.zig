//! Updates: `update_channel` and `respond_update`. An update is a request to the workflow that
//! gets an answer: first accepted or rejected (the validator), then completed or failed.
//!
//! Temporal needs the verdict in the activation the update arrived in: the worker accepts every
//! update the workflow has not rejected by the time it parks again. A workflow busy waiting for
//! something else (an activity, a timer) would never get to reject one. So every open channel
//! is registered here, and every wait the SDK makes includes the registered channels: whatever
//! the workflow waits for, an arriving update is taken at once, decoded and run through its
//! channel's validator, then rejected, or kept here (accepted) until the workflow `receive`s
//! it. Replays deliver the same updates at the same points, so this stays deterministic.
//!
//! Memory: a kept update is its raw JSON in `memory.allocator`, freed when it is received; the
//! validator gets a scratch arena freed after its verdict.

const std = @import("std");
const host = @import("host.zig");
const json = @import("json.zig");
const memory = @import("memory.zig");
const payload = @import("payload.zig");
const wait = @import("wait.zig");
const Failure = @import("failure.zig").Failure;
const Handle = wait.Handle;
const Payload = payload.Payload;

/// A validator, erased to what the registry can store: decodes the arguments as its channel's
/// type and judges them; null accepts.
const Judge = *const fn (validator: ?*const anyopaque, arena: std.mem.Allocator, args: []const Payload) ?Failure;

/// One open update channel (the ABI cannot close one, so it stays for the rest of the run).
const Channel = struct {
    handle: Handle,
    judge: Judge,
    validator: ?*const anyopaque,
    /// Accepted updates not yet received, oldest first: their raw JSON.
    accepted: std.ArrayList([]u8) = .empty,
};

/// The run's open update channels (a wasm instance has one thread and one run).
var channels: std.ArrayList(Channel) = .empty;
/// Their handles, in opening order, for `wait` sets.
var channel_handles: std.ArrayList(Handle) = .empty;

/// An update item as the channel yields it.
pub const Item = struct {
    update_id: []const u8 = "",
    args: []const Payload = &.{},
};

/// Reads an update item's JSON `text` into `arena`.
pub fn decodeItem(arena: std.mem.Allocator, text: []const u8) json.ParseError!Item {
    return json.parse(Item, arena, text);
}

fn find(handle: Handle) ?*Channel {
    for (channels.items) |*c| if (c.handle == handle) return c;
    return null;
}

/// The handles of every open update channel.
pub fn openChannels() []const Handle {
    return channel_handles.items;
}

/// Whether `handle` is an update channel's.
pub fn isChannel(handle: Handle) bool {
    return find(handle) != null;
}

/// Whether the channel of `handle` holds an accepted update.
pub fn hasAccepted(handle: Handle) bool {
    const c = find(handle) orelse return false;
    return c.accepted.items.len > 0;
}

/// Takes every update the host holds for the channel of `handle` and runs each through the
/// channel's validator: rejected at once, or kept as accepted.
pub fn validateArrivals(handle: Handle) void {
    while (host.isReady(handle.raw())) {
        const raw = wait.take(memory.allocator, handle);
        var scratch = memory.arena();
        defer scratch.deinit();
        const item = json.parse(Item, scratch.allocator(), raw) catch
            @panic("temporal: the worker wrote an update that is not {\"update_id\", \"args\"}");
        const c = find(handle).?;
        if (c.judge(c.validator, scratch.allocator(), item.args)) |rejection| {
            respond(item.update_id, encodeReject(memory.allocator, rejection));
            memory.allocator.free(raw);
        } else {
            // Found again: a validator that opened a channel may have moved the registry.
            find(handle).?.accepted.append(memory.allocator, raw) catch memory.outOfMemory();
        }
    }
}

/// `respond_update`'s JSON completing an update with `result` (one `json/plain` payload, or
/// the `Payload` itself), in `gpa`.
pub fn encodeComplete(gpa: std.mem.Allocator, result: anytype) []u8 {
    return json.stringify(gpa, .{ .completed = payload.args(.{result}) });
}

/// `respond_update`'s JSON completing an update with no value.
pub const complete_empty_json = "{\"completed\":[]}";

/// `respond_update`'s JSON failing an accepted update, in `gpa`.
pub fn encodeFail(gpa: std.mem.Allocator, failure: Failure) []u8 {
    return json.stringify(gpa, .{ .failed = failure });
}

/// `respond_update`'s JSON rejecting an update (the validator's verdict), in `gpa`.
pub fn encodeReject(gpa: std.mem.Allocator, failure: Failure) []u8 {
    return json.stringify(gpa, .{ .rejected = failure });
}

/// Sends `response_json` (freed afterwards) for `update_id`.
fn respond(update_id: []const u8, response_json: []u8) void {
    defer memory.allocator.free(response_json);
    host.respondUpdate(update_id, response_json);
}

/// The updates of one name, each decoded as `T` from its first argument (JSON `null` when it
/// has none), judged by an optional validator:
///
///     const Note = struct { note: []const u8 };
///     fn checkNote(_: std.mem.Allocator, n: Note) ?tw.Failure {
///         if (n.note.len == 0) return .{ .message = "a note must not be empty", .type = "EmptyNote" };
///         return null;
///     }
///     const notes = tw.UpdateChannel(Note).open("add_note", checkNote);
///     const update = notes.receive(arena); // blocks until an update is accepted
///     update.complete(.{ .notes = 1 });
///
/// An update whose argument does not decode as `T` is rejected (a `PayloadError` failure)
/// before the validator sees it. The validator runs inside whatever the workflow is blocked on
/// when the update arrives, so it must only judge (its `arena` is freed after the verdict). It
/// runs again on replay, but only for updates that were accepted the first time, and its
/// answer is then ignored.
///
/// Every accepted update needs an answer (`complete` or `fail`); one still unanswered when the
/// run ends is failed by the worker.
pub fn UpdateChannel(comptime T: type) type {
    return struct {
        const Self = @This();

        handle: Handle,

        /// Judges an update's input: a failure rejects it, null accepts it.
        pub const Validator = *const fn (arena: std.mem.Allocator, input: T) ?Failure;

        /// Opens the channel for updates named `name` (or gives an open one this type and a new
        /// validator; updates it accepted before are received as this type too).
        pub fn open(name: []const u8, validator: ?Validator) Self {
            const handle = Handle.of(host.updateChannel(name));
            const erased: ?*const anyopaque = if (validator) |v| @ptrCast(v) else null;
            if (find(handle)) |c| {
                c.judge = judge;
                c.validator = erased;
            } else {
                channels.append(memory.allocator, .{ .handle = handle, .judge = judge, .validator = erased }) catch memory.outOfMemory();
                channel_handles.append(memory.allocator, handle) catch memory.outOfMemory();
            }
            return .{ .handle = handle };
        }

        fn judge(validator: ?*const anyopaque, arena: std.mem.Allocator, args: []const Payload) ?Failure {
            const input = payload.decodeFirst(T, arena, args) catch |err| return .{
                .message = memory.concat(arena, &.{ "the update's argument does not decode: ", payload.describe(err) }),
                .type = "PayloadError",
                .non_retryable = true,
            };
            const v: Validator = @ptrCast(validator orelse return null);
            return v(arena, input);
        }

        /// Blocks until an update has been accepted, then takes the oldest, decoded into
        /// `arena`.
        pub fn receive(self: Self, arena: std.mem.Allocator) Update(T) {
            while (true) {
                if (self.tryReceive(arena)) |u| return u;
                _ = wait.waitAny(&.{self.handle});
            }
        }

        /// Takes the oldest accepted update, if there is one; never blocks.
        pub fn tryReceive(self: Self, arena: std.mem.Allocator) ?Update(T) {
            validateArrivals(self.handle);
            const c = find(self.handle).?;
            if (c.accepted.items.len == 0) return null;
            const raw = c.accepted.orderedRemove(0);
            defer memory.allocator.free(raw);
            // Both were read once already, by the validator.
            const item = json.parse(Item, arena, raw) catch unreachable;
            const input = payload.decodeFirst(T, arena, item.args) catch
                @panic("temporal: an accepted update no longer decodes (was its channel reopened with another type?)");
            return .{ .id = item.update_id, .input = input, .args = item.args };
        }
    };
}

/// An accepted update, waiting for its answer.
pub fn Update(comptime T: type) type {
    return struct {
        const Self = @This();

        /// Its id, unique within the workflow.
        id: []const u8,
        /// Its first argument, decoded.
        input: T,
        /// Its arguments as they arrived.
        args: []const Payload,

        /// Answers it with `result`, as one `json/plain` payload.
        pub fn complete(self: Self, result: anytype) void {
            respond(self.id, encodeComplete(memory.allocator, result));
        }

        /// Answers it with no value.
        pub fn completeEmpty(self: Self) void {
            host.respondUpdate(self.id, complete_empty_json);
        }

        /// Fails it: the caller gets `failure` (it was accepted, so it stays in history).
        pub fn fail(self: Self, failure: Failure) void {
            respond(self.id, encodeFail(memory.allocator, failure));
        }
    };
}

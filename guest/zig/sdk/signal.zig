//! Signals: `signal_channel`. A channel is ready while signals of its name are queued; each
//! take yields the oldest. Signals that arrive before the channel is opened are kept by the
//! worker and delivered when it is.
//!
//!     const Approval = struct { approved_by: []const u8 };
//!     const approve = tw.SignalChannel(Approval).open("approve");
//!     const approval = try approve.receive(arena); // blocks until one arrives

const std = @import("std");
const host = @import("host.zig");
const json = @import("json.zig");
const memory = @import("memory.zig");
const payload = @import("payload.zig");
const wait = @import("wait.zig");
const Handle = wait.Handle;
const Payload = payload.Payload;

/// A signal as the channel yields it: its arguments.
const Item = struct { completed: []const Payload = &.{} };

/// Decodes a signal item's JSON `text` into its arguments, in `arena`.
pub fn decodeItem(arena: std.mem.Allocator, text: []const u8) []const Payload {
    const item = json.parse(Item, arena, text) catch
        @panic("temporal: the worker wrote a signal that is not {\"completed\": [payload…]}");
    return item.completed;
}

/// The signals of one name, each read as `T` from its first argument (JSON `null` when it has
/// none).
pub fn SignalChannel(comptime T: type) type {
    return struct {
        const Self = @This();

        handle: Handle,

        /// Opens the channel for signals named `name` (the same handle if already open).
        pub fn open(name: []const u8) Self {
            return .{ .handle = Handle.of(host.signalChannel(name)) };
        }

        /// Whether a signal is queued.
        pub fn isReady(self: Self) bool {
            return host.isReady(self.handle.raw());
        }

        /// Blocks until a signal is queued, then takes the oldest, decoded into `arena`. A
        /// signal whose argument does not decode is taken all the same (the error says why).
        pub fn receive(self: Self, arena: std.mem.Allocator) payload.PayloadError!T {
            return payload.decodeFirst(T, arena, self.receiveArgs(arena));
        }

        /// Takes the oldest queued signal, if there is one; never blocks.
        pub fn tryReceive(self: Self, arena: std.mem.Allocator) payload.PayloadError!?T {
            if (!self.isReady()) return null;
            return try self.receive(arena);
        }

        /// Blocks until a signal is queued, then takes the oldest's arguments as they arrived.
        pub fn receiveArgs(self: Self, arena: std.mem.Allocator) []const Payload {
            _ = wait.waitAny(&.{self.handle});
            const text = wait.take(memory.allocator, self.handle);
            defer memory.allocator.free(text);
            return decodeItem(arena, text);
        }
    };
}

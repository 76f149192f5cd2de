//! Durable timers: `start_timer`, and `sleep` on top of it.
//!
//! A timer is a Temporal timer: it survives worker restarts, and `now()` reads its firing time
//! after it fires. A timeout is just a timer in a `select` set.

const std = @import("std");
const host = @import("host.zig");
const json = @import("json.zig");
const memory = @import("memory.zig");
const waiting = @import("wait.zig");
const Handle = waiting.Handle;

/// `start_timer`'s options.
pub const TimerOptions = struct {
    /// At least 1.
    duration_ms: u64,
    /// Shown in the Temporal UI next to the timer.
    summary: ?[]const u8 = null,
};

/// How a timer ended.
pub const TimerOutcome = enum { fired, cancelled };

/// A started timer.
pub const Timer = struct {
    handle: Handle,

    /// Starts a timer.
    pub fn start(options: TimerOptions) Timer {
        const request = encode(memory.allocator, options);
        defer memory.allocator.free(request);
        return .{ .handle = Handle.of(host.startTimer(request)) };
    }

    /// Blocks until the timer fires (or was cancelled) and takes its result.
    pub fn wait(self: Timer) TimerOutcome {
        var scratch = memory.arena();
        defer scratch.deinit();
        return switch (waiting.awaitOutcome(void, scratch.allocator(), self.handle)) {
            .completed => .fired,
            .failed, .cancelled => .cancelled,
        };
    }

    /// Whether it has fired (or been cancelled) and its result is waiting to be taken.
    pub fn isReady(self: Timer) bool {
        return waiting.isReady(self.handle);
    }

    /// Cancels the timer if it is still pending and drops its result: the handle is done with
    /// and must not be waited on again. A timer that already fired is just dropped.
    pub fn cancel(self: Timer) void {
        if (!host.isReady(self.handle.raw())) host.cancel(self.handle.raw()); // resolves at once
        waiting.discard(self.handle);
    }
};

/// `start_timer`'s JSON for `options`, in `gpa`.
pub fn encode(gpa: std.mem.Allocator, options: TimerOptions) []u8 {
    return json.stringify(gpa, options);
}

/// Sleeps for `duration_ms` of workflow time (a durable timer; 0 returns at once).
pub fn sleep(duration_ms: u64) void {
    if (duration_ms == 0) return;
    _ = Timer.start(.{ .duration_ms = duration_ms }).wait();
}

//! memory_loop: runs the activity `echo` N times in one workflow run and keeps only a count, to
//! show that a long-lived durable instance frees every result it reads.
//!
//! Input:  params[0], {"iterations": N} with a whole N >= 0.
//! Calls:  N times activity `echo` on task queue `inventory` (start-to-close 10 s) with one
//!         argument, the iteration number (0, 1, … N-1); its result (any JSON, ~1 KiB under the
//!         memory test) is decoded and dropped.
//! Result: {"iterations": N}
//! Fails:  non-retryable `InvalidInput` for any other input; with the activity's own failure if
//!         an `echo` fails.
//!
//! Every step decodes its result into one arena that is reset (keeping its capacity) before
//! the next step, and the SDK frees the raw result and the request itself, so memory stays at
//! its first step's size: N = 10 000 runs under a 4 MiB cap. It uses exactly N handles.

const std = @import("std");
const tw = @import("temporal");

pub const panic = tw.panic;

export fn run() void {
    var step = tw.arena();
    const arena = step.allocator();

    const input = tw.param(std.json.Value, arena, 0) catch null;
    const iterations = tw.json.integer(tw.json.field(input, "iterations")) orelse -1;
    if (iterations < 0) tw.fail(.{
        .message = "memory_loop expects {\"iterations\": N} with a whole N >= 0",
        .type = "InvalidInput",
        .non_retryable = true,
    });

    var echoed: i64 = 0;
    var i: i64 = 0;
    while (i < iterations) : (i += 1) {
        _ = step.reset(.retain_capacity); // the previous step's result and input are gone
        const outcome = tw.activity.execute(std.json.Value, arena, .{
            .activity_type = "echo",
            .task_queue = "inventory",
            .start_to_close_timeout_ms = 10_000,
        }, .{i});
        switch (outcome) {
            .completed => echoed += 1,
            .failed, .cancelled => |failure| tw.fail(failure),
        }
    }

    _ = step.reset(.retain_capacity);
    tw.logf(.info, "echoed {d} times; linear memory {d} KiB", .{ echoed, tw.linearMemoryBytes() / 1024 });
    tw.complete(.{ .iterations = echoed });
}

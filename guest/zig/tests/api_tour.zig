//! api_tour: a test workflow (not an example) that calls every part of the SDK once, against
//! the real host under `temporal-wasm-worker exec` with tests/mocks/api_tour.json, and
//! completes with what it observed, so test.sh can check each call's effect.
//!
//! Input: {"end": "complete" | "continue" | "fail"}.

const std = @import("std");
const tw = @import("temporal");

pub const panic = tw.panic;
pub const std_options: std.Options = .{ .logFn = tw.logFn };

const Ack = struct { ok: bool };

export fn run() void {
    var keep = tw.arena();
    const arena = keep.allocator();
    const Input = struct { end: []const u8 = "complete" };
    const input = tw.param(Input, arena, 0) catch Input{};

    const wi = tw.info().workflow_info;
    std.log.info("tour of {s} (attempt {d})", .{ wi.workflow_type, wi.attempt });
    tw.logf(.debug, "log level now: {?}", .{tw.logLevel()});

    // Deterministic sources.
    const t0 = tw.now();
    var bytes: [8]u8 = undefined;
    tw.randomBytes(&bytes);
    const die = tw.random().intRangeAtMost(u8, 1, 6);
    const patched = tw.patched("tour-v2");
    tw.deprecatePatch("tour-v1");
    const replaying = tw.isReplaying();

    // Telling the world.
    tw.upsertSearchAttributes(.{ .CustomKeywordField = "tour", .Obsolete = null });
    tw.upsertMemo(.{ .note = "gift wrap", .old_note = null });
    tw.metric.gauge("tour_depth", 2.5, .{});
    tw.metric.histogram("tour_latency_ms", 12, .{ .step = "start" });
    tw.setQueryResult("progress", .{ .step = "started" });
    tw.clearQueryResult("unused");
    tw.setCurrentDetails("touring");

    // Timers: sleep, a timeout that passes, a timer cancelled.
    tw.sleep(1000);
    const slept_ms = tw.now() - t0;
    const never = tw.SignalChannel([]const u8).open("never");
    const timed_out = tw.selectTimeout(.{never}, 500) == null;
    const nothing_queued = (never.tryReceive(arena) catch null) == null;
    const spare = tw.Timer.start(.{ .duration_ms = 60_000, .summary = "spare" });
    spare.cancel();

    // A signal that arrives while the tour waits.
    const hello = tw.SignalChannel(struct { who: []const u8 }).open("hello");
    const greeted = (hello.receive(arena) catch unreachable).who;

    // An activity that is never answered, cancelled; one that fails; one typed result.
    const slow = tw.activity.start(.{ .activity_type = "slow", .start_to_close_timeout_ms = 5000 }, .{});
    slow.cancel();
    const slow_outcome = slow.result(void, arena);
    const flaky = tw.activity.execute(Ack, arena, .{ .activity_type = "flaky", .schedule_to_close_timeout_ms = 5000 }, .{ 1, "two", tw.Payload.bytes(arena, "binary/plain", "3") });
    const typed = tw.activity.execute(Ack, arena, .{ .activity_type = "ack", .start_to_close_timeout_ms = 5000 }, .{});

    // HTTP, a child, other workflows.
    const got = tw.http.execute(arena, .{ .url = "http://127.0.0.1:9/status", .local = true });
    const shipped = tw.child.execute(struct { tracking: []const u8 }, arena, .{
        .workflow_type = "Ship",
        .memo = tw.Memo.of(arena, .{ .owner = "ops" }),
        .search_attributes = tw.SearchAttributes.of(arena, .{ .CustomKeywordField = "child" }),
    }, .{.{ .order_id = "A-17" }});
    const signalled = tw.external.signal(.{ .workflow_id = "batch-3" }, "order_done", .{.{ .order_id = "A-17" }}).result(arena);
    const cancelled_other = tw.external.cancel(.{ .workflow_id = "reminder-A-17" }).result(arena);

    const observed = .{
        .workflow_type = wi.workflow_type,
        .random_bytes = bytes.len,
        .die_in_range = die >= 1 and die <= 6,
        .patched = patched,
        .replaying = replaying,
        .slept_ms = slept_ms,
        .timed_out = timed_out,
        .nothing_queued = nothing_queued,
        .greeted = greeted,
        .slow = @tagName(slow_outcome),
        .flaky = @tagName(flaky),
        .flaky_type = if (flaky.failure()) |f| f.type else null,
        .flaky_reason = if (flaky.failure()) |f| f.reason() else null,
        .typed = if (typed.value()) |ack| ack.ok else null,
        .http_status = if (got.value()) |r| r.status else 0,
        .http_body = if (got.value()) |r| r.body else "",
        .tracking = if (shipped.value()) |s| s.tracking else "",
        .signalled = @tagName(signalled),
        .cancelled_other = @tagName(cancelled_other),
        .memory_kib = tw.linearMemoryBytes() / 1024,
    };
    tw.setQueryResult("progress", .{ .step = "done" });

    if (std.mem.eql(u8, input.end, "continue")) {
        tw.continueAsNew(.{ .workflow_type = "Tour", .run_timeout_ms = 600_000, .retry_policy = .{ .maximum_attempts = 1 } }, .{.{ .end = "complete" }});
    }
    if (std.mem.eql(u8, input.end, "fail")) {
        tw.fail(.{
            .message = "the tour failed on purpose",
            .type = "TourFailed",
            .details = &.{tw.Payload.json(arena, observed)},
            .cause = flaky.failure(),
        });
    }
    tw.complete(observed);
}

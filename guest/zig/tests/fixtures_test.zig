//! The SDK against the golden ABI fixtures (guest/fixtures): every request a guest writes is
//! encoded by the SDK's encoder and compared, as JSON, with its fixture; every result, channel
//! item, info, payload and failure the host writes is decoded and its fields checked. Two
//! further tests fail when a fixture is added without a test here.
//!
//! Run from guest/zig (test.sh does): the fixtures are read from ../fixtures at run time.
//! Scratch the SDK allocates comes from `std.testing.allocator` in tests, so a leak fails too.

const std = @import("std");
const tw = @import("temporal");
const wire = tw.wire;

const testing = std.testing;
const gpa = testing.allocator;
const fixtures_dir = "../fixtures";

// ---- helpers --------------------------------------------------------------------------------

fn readFixture(name: []const u8) ![]u8 {
    const path = try std.fs.path.join(gpa, &.{ fixtures_dir, name });
    defer gpa.free(path);
    return std.Io.Dir.cwd().readFileAlloc(testing.io, path, gpa, .limited(1 << 20)) catch |err| {
        std.debug.print("cannot read {s} (run from guest/zig): {t}\n", .{ path, err });
        return err;
    };
}

/// Whether two JSON values mean the same: objects compare by members (any order), numbers by
/// value (`2` = `2.0`), everything else exactly.
fn jsonEqual(a: std.json.Value, b: std.json.Value) bool {
    switch (a) {
        .integer, .float, .number_string => return numberOf(b) != null and numberOf(a).? == numberOf(b).?,
        else => {},
    }
    if (std.meta.activeTag(a) != std.meta.activeTag(b)) return false;
    return switch (a) {
        .null => true,
        .bool => |x| x == b.bool,
        .string => |x| std.mem.eql(u8, x, b.string),
        .array => |x| x.items.len == b.array.items.len and for (x.items, b.array.items) |p, q| {
            if (!jsonEqual(p, q)) break false;
        } else true,
        .object => |x| x.count() == b.object.count() and for (x.keys(), x.values()) |k, v| {
            const other = b.object.get(k) orelse break false;
            if (!jsonEqual(v, other)) break false;
        } else true,
        .integer, .float, .number_string => unreachable,
    };
}

fn numberOf(v: std.json.Value) ?f64 {
    return switch (v) {
        .integer => |i| @floatFromInt(i),
        .float => |f| f,
        .number_string => |s| std.fmt.parseFloat(f64, s) catch null,
        else => null,
    };
}

/// Checks that `actual` (the SDK's encoding, which it frees) means the same as fixture `name`.
fn expectRequest(name: []const u8, actual: []u8) !void {
    defer gpa.free(actual);
    const expected_text = try readFixture(name);
    defer gpa.free(expected_text);
    var arena_state = std.heap.ArenaAllocator.init(gpa);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const expected = try std.json.parseFromSliceLeaky(std.json.Value, arena, expected_text, .{});
    const got = try std.json.parseFromSliceLeaky(std.json.Value, arena, actual, .{});
    if (!jsonEqual(expected, got)) {
        std.debug.print("{s}:\n  fixture: {s}\n  encoded: {s}\n", .{ name, expected_text, actual });
        return error.TestExpectedEqual;
    }
}

/// An arena for decoded values, checked for leaks by `std.testing.allocator` when freed.
fn newArena() std.heap.ArenaAllocator {
    return std.heap.ArenaAllocator.init(gpa);
}

/// Fails if a file of fixture folder `dir` is not in `tested`.
fn expectAllTested(dir: []const u8, tested: []const []const u8) !void {
    const path = try std.fs.path.join(gpa, &.{ fixtures_dir, dir });
    defer gpa.free(path);
    var folder = try std.Io.Dir.cwd().openDir(testing.io, path, .{ .iterate = true });
    defer folder.close(testing.io);
    var it = folder.iterate();
    var count: usize = 0;
    while (try it.next(testing.io)) |entry| {
        count += 1;
        for (tested) |name| {
            if (std.mem.eql(u8, name, entry.name)) break;
        } else {
            std.debug.print("{s}/{s} has no test in fixtures_test.zig\n", .{ dir, entry.name });
            return error.UntestedFixture;
        }
    }
    try testing.expectEqual(tested.len, count);
}

// ---- requests: what a guest writes ----------------------------------------------------------

const request_fixtures = [_][]const u8{
    "cancel_external_workflow.json", "complete.json",                 "complete_as_cancelled.json",
    "complete_with_failure.json",    "continue_as_new.json",          "emit_metric.json",
    "respond_update-completed.json", "respond_update-failed.json",    "respond_update-rejected.json",
    "set_query_result.json",         "signal_external_workflow.json", "start_activity.json",
    "start_child_workflow.json",     "start_http_activity.json",      "start_timer.json",
    "upsert_memo.json",              "upsert_search_attributes.json",
};

test "every request fixture has a test" {
    try expectAllTested("requests", &request_fixtures);
}

test "start_timer" {
    try expectRequest("requests/start_timer.json", wire.encodeTimer(gpa, .{ .duration_ms = 5000, .summary = "wait for the warehouse" }));
}

test "start_activity with every option" {
    try expectRequest("requests/start_activity.json", wire.encodeActivity(gpa, .{
        .activity_type = "reserve_stock",
        .task_queue = "inventory",
        .activity_id = "reserve-1",
        .schedule_to_close_timeout_ms = 60000,
        .schedule_to_start_timeout_ms = 10000,
        .start_to_close_timeout_ms = 5000,
        .heartbeat_timeout_ms = 2000,
        .retry_policy = .{
            .initial_interval_ms = 100,
            .backoff_coefficient = 2.0,
            .maximum_interval_ms = 10000,
            .maximum_attempts = 5,
            .non_retryable_error_types = &.{"OutOfStock"},
        },
        .cancellation_type = .wait_cancellation_completed,
        .summary = "reserve 3 apples",
    }, .{.{ .sku = "apple", .quantity = 3 }}));
}

test "start_activity with only what is required leaves the rest out" {
    const text = wire.encodeActivity(gpa, .{ .activity_type = "echo", .start_to_close_timeout_ms = 10000 }, .{});
    defer gpa.free(text);
    try testing.expectEqualStrings("{\"activity_type\":\"echo\",\"start_to_close_timeout_ms\":10000}", text);
}

test "start_http_activity" {
    try expectRequest("requests/start_http_activity.json", wire.encodeHttp(gpa, .{
        .method = "POST",
        .url = "http://127.0.0.1:8080/charges",
        .headers = &.{
            .{ .name = "content-type", .value = "application/json" },
            .{ .name = "authorization", .value = "Bearer {{secret PAYMENTS_TOKEN}}" },
        },
        .body = "{\"order_id\":\"A-17\",\"amount_cents\":375}",
        .start_to_close_timeout_ms = 10000,
        .retry_policy = .{ .maximum_attempts = 3 },
        .max_response_bytes = 65536,
        .local = false,
    }));
}

test "start_child_workflow with every option" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    try expectRequest("requests/start_child_workflow.json", wire.encodeChild(gpa, .{
        .workflow_type = "Ship",
        .workflow_id = "ship-A-17",
        .task_queue = "wasm-workflows",
        .namespace = "default",
        .execution_timeout_ms = 3600000,
        .run_timeout_ms = 600000,
        .task_timeout_ms = 10000,
        .id_reuse_policy = .reject_duplicate,
        .parent_close_policy = .request_cancel,
        .retry_policy = .{ .maximum_attempts = 2 },
        .cron_schedule = "",
        .memo = tw.Memo.of(arena, .{ .owner = "ops" }),
        .search_attributes = tw.SearchAttributes.of(arena, .{ .CustomKeywordField = "ship" }),
        .cancellation_type = .wait_cancellation_completed,
    }, .{.{ .order_id = "A-17" }}));
}

test "signal_external_workflow" {
    try expectRequest("requests/signal_external_workflow.json", wire.encodeSignalExternal(
        gpa,
        .{ .workflow_id = "batch-3", .run_id = "run-0", .namespace = "default" },
        "order_done",
        .{.{ .order_id = "A-17" }},
    ));
}

test "cancel_external_workflow" {
    try expectRequest("requests/cancel_external_workflow.json", wire.encodeCancelExternal(gpa, .{ .workflow_id = "reminder-A-17" }));
}

test "respond_update completed, failed, rejected" {
    try expectRequest("requests/respond_update-completed.json", wire.encodeUpdateComplete(gpa, .{ .approved = true }));
    try expectRequest("requests/respond_update-failed.json", wire.encodeUpdateFail(gpa, .{ .message = "cannot change a shipped order", .type = "OrderShipped" }));
    try expectRequest("requests/respond_update-rejected.json", wire.encodeUpdateReject(gpa, .{ .message = "quantity must be positive", .type = "InvalidQuantity" }));
}

test "set_query_result" {
    try expectRequest("requests/set_query_result.json", wire.encodeQueryResult(gpa, .{ .state = "awaiting_approval" }));
}

test "upsert_search_attributes, with a removal" {
    try expectRequest("requests/upsert_search_attributes.json", wire.encodeSearchAttributes(gpa, .{
        .CustomKeywordField = "shipped",
        .CustomIntField = 3,
        .Obsolete = null,
    }));
}

test "upsert_memo, with a removal" {
    try expectRequest("requests/upsert_memo.json", wire.encodeMemo(gpa, .{ .note = "gift wrap", .old_note = null }));
}

test "emit_metric" {
    try expectRequest("requests/emit_metric.json", wire.encodeMetric(gpa, "orders_shipped", .counter, 1, .{ .region = "eu" }));
}

test "emit_metric without labels leaves them out" {
    const text = wire.encodeMetric(gpa, "queue_depth", .gauge, 2.5, .{});
    defer gpa.free(text);
    try testing.expectEqualStrings("{\"name\":\"queue_depth\",\"kind\":\"gauge\",\"value\":2.5}", text);
}

test "complete" {
    try expectRequest("requests/complete.json", wire.encodeComplete(gpa, .{ .receipt = "R-17" }));
}

test "complete_with_failure" {
    var arena_state = newArena();
    defer arena_state.deinit();
    try expectRequest("requests/complete_with_failure.json", wire.encodeFailure(gpa, .{
        .message = "order 17 is invalid",
        .type = "InvalidOrder",
        .non_retryable = true,
        .details = &.{tw.Payload.json(arena_state.allocator(), .{ .order_id = 17 })},
    }));
}

test "continue_as_new with every option" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    try expectRequest("requests/continue_as_new.json", wire.encodeContinueAsNew(gpa, .{
        .workflow_type = "OrderFulfilment",
        .task_queue = "wasm-workflows",
        .run_timeout_ms = 600000,
        .task_timeout_ms = 10000,
        .memo = tw.Memo.of(arena, .{ .owner = "ops" }),
        .search_attributes = tw.SearchAttributes.of(arena, .{ .CustomKeywordField = "gold" }),
        .retry_policy = .{ .maximum_attempts = 1 },
    }, .{.{ .page = 2 }}));
}

test "complete_as_cancelled, with details and without" {
    try expectRequest("requests/complete_as_cancelled.json", wire.encodeCancelled(gpa, .{"cancelled by the customer"}));
    try testing.expectEqual(@as(usize, 0), wire.encodeCancelled(gpa, .{}).len);
}

// ---- results: what take_result yields ------------------------------------------------------

const result_fixtures = [_][]const u8{
    "activity_cancelled.json", "activity_completed.json",    "activity_failed.json",
    "cancellation_item.json",  "child_already_started.json", "child_failed.json",
    "http_completed.json",     "signal_item.json",           "timer_cancelled.json",
    "timer_fired.json",        "update_item.json",
};

test "every result fixture has a test" {
    try expectAllTested("results", &result_fixtures);
}

/// Decodes result fixture `name` as `Outcome(T)` into `arena`.
fn decodeResult(comptime T: type, arena: std.mem.Allocator, name: []const u8) !tw.Outcome(T) {
    const text = try readFixture(name);
    defer gpa.free(text);
    return wire.decodeOutcome(T, arena, text);
}

test "activity_completed decodes as the type asked for" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const outcome = try decodeResult(struct { reserved: i64 }, arena_state.allocator(), "results/activity_completed.json");
    try testing.expectEqual(@as(i64, 3), outcome.value().?.reserved);
}

test "activity_completed as the wrong type is a PayloadError failure" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const outcome = try decodeResult(struct { reservation_id: []const u8 }, arena_state.allocator(), "results/activity_completed.json");
    const failure = outcome.failure().?;
    try testing.expect(outcome == .failed);
    try testing.expectEqualStrings("PayloadError", failure.type.?);
    try testing.expect(failure.non_retryable.?);
}

test "activity_failed keeps the type, the chain and the details" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const outcome = try decodeResult(void, arena, "results/activity_failed.json");
    try testing.expect(outcome == .failed);
    const failure = outcome.failure().?;
    try testing.expectEqualStrings("Activity task failed", failure.message.?);
    try testing.expect(failure.hasType("CardDeclined"));
    try testing.expectEqualStrings("activity", failure.kind.?);
    try testing.expectEqualStrings("non_retryable_failure", failure.retry_state.?);
    try testing.expectEqualStrings("charge", failure.activity.?.activity_type);
    try testing.expectEqualStrings("2", failure.activity.?.activity_id);
    try testing.expectEqualStrings("worker@host", failure.activity.?.identity);
    try testing.expectEqual(@as(i64, 5), failure.activity.?.scheduled_event_id);
    try testing.expectEqual(@as(i64, 6), failure.activity.?.started_event_id);
    try testing.expectEqualStrings("card 4242 declined", failure.reason());
    const application = failure.find("application").?;
    try testing.expect(application.non_retryable.?);
    try testing.expectEqualStrings("PythonSDK", application.source.?);
    const detail = try application.details.?[0].decode(struct { code: i64 }, arena);
    try testing.expectEqual(@as(i64, 42), detail.code);
}

test "activity_cancelled is cancelled, with the activity and its cause" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const outcome = try decodeResult(void, arena_state.allocator(), "results/activity_cancelled.json");
    try testing.expect(outcome == .cancelled);
    const failure = outcome.failure().?;
    try testing.expectEqualStrings("cancel_requested", failure.retry_state.?);
    try testing.expectEqualStrings("slow", failure.activity.?.activity_type);
    try testing.expectEqualStrings("cancelled", failure.cause.?.kind.?);
}

test "timer_fired and cancellation_item complete with nothing" {
    var arena_state = newArena();
    defer arena_state.deinit();
    try testing.expect((try decodeResult(void, arena_state.allocator(), "results/timer_fired.json")) == .completed);
    try testing.expect((try decodeResult(void, arena_state.allocator(), "results/cancellation_item.json")) == .completed);
    // No payload reads as null for an optional type.
    const none = try decodeResult(?i64, arena_state.allocator(), "results/timer_fired.json");
    try testing.expectEqual(@as(?i64, null), none.value().?);
}

test "timer_cancelled is cancelled by the workflow" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const outcome = try decodeResult(void, arena_state.allocator(), "results/timer_cancelled.json");
    try testing.expect(outcome == .cancelled);
    try testing.expectEqualStrings("timer cancelled by the workflow", outcome.failure().?.message.?);
    try testing.expectEqualStrings("cancelled", outcome.failure().?.kind.?);
    try testing.expectEqualStrings("temporal-wasm-worker", outcome.failure().?.source.?);
}

test "child_failed keeps the child and the child's own failure" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const outcome = try decodeResult(void, arena_state.allocator(), "results/child_failed.json");
    const failure = outcome.failure().?;
    try testing.expect(outcome == .failed);
    try testing.expectEqualStrings("child_workflow", failure.kind.?);
    try testing.expectEqualStrings("run-9", failure.child_workflow.?.run_id);
    try testing.expectEqual(@as(i64, 9), failure.child_workflow.?.initiated_event_id);
    try testing.expectEqualStrings("NoCourier", failure.find("application").?.type.?);
    try testing.expectEqualStrings("no courier", failure.reason());
}

test "child_already_started is a typed, non-retryable start failure" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const outcome = try decodeResult(void, arena_state.allocator(), "results/child_already_started.json");
    const failure = outcome.failure().?;
    try testing.expect(failure.hasType("WorkflowAlreadyStarted"));
    try testing.expect(failure.non_retryable.?);
    try testing.expectEqualStrings("ship-A-17", failure.child_workflow.?.workflow_id);
    try testing.expectEqualStrings("Ship", failure.child_workflow.?.workflow_type);
}

test "http_completed decodes status, headers and body" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const text = try readFixture("results/http_completed.json");
    defer gpa.free(text);
    const outcome = wire.decodeHttpResult(arena, text);
    const response = outcome.value().?;
    try testing.expectEqual(@as(u16, 200), response.status);
    try testing.expectEqualStrings("application/json", response.header("Content-Type").?);
    try testing.expectEqualStrings("{\"charge_id\":\"ch_1\"}", response.body);
    const charge = try response.json(struct { charge_id: []const u8 }, arena);
    try testing.expectEqualStrings("ch_1", charge.charge_id);
}

test "signal_item yields the signal's arguments" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const text = try readFixture("results/signal_item.json");
    defer gpa.free(text);
    const args = wire.decodeSignal(arena, text);
    try testing.expectEqual(@as(usize, 1), args.len);
    const approval = try tw.payload.decodeFirst(struct { approved_by: []const u8 }, arena, args);
    try testing.expectEqualStrings("ops", approval.approved_by);
}

test "update_item yields the update's id and arguments" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const text = try readFixture("results/update_item.json");
    defer gpa.free(text);
    const item = try wire.decodeUpdate(arena, text);
    try testing.expectEqualStrings("upd-1", item.update_id);
    const input = try tw.payload.decodeFirst(struct { quantity: i64 }, arena, item.args);
    try testing.expectEqual(@as(i64, 4), input.quantity);
}

// ---- info, payloads, failures ----------------------------------------------------------------

test "info of a durable run: params, parent, continued run, memo, search attributes" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const text = try readFixture("info.json");
    defer gpa.free(text);
    const info = try wire.decodeInfo(arena, text);
    const order = try wire.paramOf(struct { order_id: []const u8 }, arena, info.params, 0);
    try testing.expectEqualStrings("A-17", order.order_id);
    try testing.expectEqual(@as(i64, 2), try wire.paramOf(i64, arena, info.params, 1));
    try testing.expectError(error.ParamMissing, wire.paramOf(i64, arena, info.params, 2));
    try testing.expectError(error.ParamInvalid, wire.paramOf([]const u8, arena, info.params, 1));
    const wi = info.workflow_info;
    try testing.expectEqualStrings("OrderFulfilment", wi.workflow_type);
    try testing.expectEqualStrings("order-17", wi.workflow_id);
    try testing.expectEqualStrings("run-1", wi.run_id);
    try testing.expectEqualStrings("default", wi.namespace);
    try testing.expectEqualStrings("wasm-workflows", wi.task_queue);
    try testing.expectEqual(@as(i64, 1), wi.attempt);
    try testing.expectEqualStrings("2026-01-01T00:00:00Z", wi.start_time);
    try testing.expectEqualStrings("batch-3", wi.parent.?.workflow_id);
    try testing.expectEqualStrings("run-0", wi.parent.?.run_id);
    try testing.expectEqualStrings("run-0", wi.continued_from_run_id.?);
    const owner = try wi.memo.?.map.get("owner").?.decode([]const u8, arena);
    try testing.expectEqualStrings("ops", owner);
    try testing.expectEqualStrings("gold", wi.search_attributes.?.map.get("CustomKeywordField").?.string);
}

test "info of a v0 run has no params and none of the durable fields" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const text = try readFixture("info-v0.json");
    defer gpa.free(text);
    const info = try wire.decodeInfo(arena, text);
    try testing.expectEqual(@as(usize, 0), info.params.len);
    try testing.expectError(error.ParamMissing, wire.paramOf([]const u8, arena, info.params, 0));
    try testing.expectEqualStrings("Greet", info.workflow_info.workflow_type);
    try testing.expect(info.workflow_info.parent == null);
    try testing.expect(info.workflow_info.memo == null);
}

test "payloads: JSON, binary and empty, read and written" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const text = try readFixture("payloads.json");
    defer gpa.free(text);
    const payloads = try tw.json.parse([]const tw.Payload, arena, text);
    try testing.expectEqual(@as(usize, 3), payloads.len);

    try testing.expect(payloads[0].isJsonPlain());
    try testing.expectEqualStrings("Alice", try payloads[0].decode([]const u8, arena));
    const alice = tw.Payload.json(arena, "Alice");
    try testing.expectEqualStrings(payloads[0].data, alice.data);
    try testing.expectEqualStrings(payloads[0].metadata.?.encoding.?, alice.metadata.?.encoding.?);

    try testing.expectEqualStrings("binary/plain", try payloads[1].encoding(arena));
    try testing.expectEqualSlices(u8, &.{ 0x00, 0x01, 0xfe, 0xff }, try payloads[1].rawData(arena));
    try testing.expectError(error.NotJsonPlain, payloads[1].decode(std.json.Value, arena));
    const binary = tw.Payload.bytes(arena, "binary/plain", &.{ 0x00, 0x01, 0xfe, 0xff });
    try testing.expectEqualStrings(payloads[1].data, binary.data);
    try testing.expectEqualStrings(payloads[1].metadata.?.encoding.?, binary.metadata.?.encoding.?);

    try testing.expect(payloads[2].metadata == null);
    try testing.expectEqualStrings("", try payloads[2].encoding(arena));
    try testing.expectEqualStrings("", try payloads[2].rawData(arena));
    try testing.expectError(error.NotJsonPlain, payloads[2].decode(std.json.Value, arena));

    // Written back, the three mean what the fixture says.
    try expectRequest("payloads.json", tw.json.stringify(gpa, payloads));
}

test "failure-application: raised by a guest, read back the same" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const cause: tw.Failure = .{ .message = "issuer said no" };
    try expectRequest("failure-application.json", wire.encodeFailure(gpa, .{
        .message = "card 4242 declined",
        .type = "CardDeclined",
        .non_retryable = true,
        .details = &.{tw.Payload.json(arena, .{ .code = 42 })},
        .cause = &cause,
    }));
    const text = try readFixture("failure-application.json");
    defer gpa.free(text);
    const failure = try tw.json.parse(tw.Failure, arena, text);
    try testing.expectEqualStrings("issuer said no", failure.reason());
    try testing.expect(failure.kind == null);
}

test "failure-activity and failure-timeout as the host hands them over" {
    var arena_state = newArena();
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const activity_text = try readFixture("failure-activity.json");
    defer gpa.free(activity_text);
    const activity = try tw.json.parse(tw.Failure, arena, activity_text);
    try testing.expect(activity.hasType("CardDeclined"));
    try testing.expectEqualStrings("card 4242 declined", activity.reason());

    const timeout_text = try readFixture("failure-timeout.json");
    defer gpa.free(timeout_text);
    const timeout = try tw.json.parse(tw.Failure, arena, timeout_text);
    try testing.expect(timeout.type == null);
    try testing.expectEqualStrings("timeout", timeout.retry_state.?);
    try testing.expectEqualStrings("start_to_close", timeout.find("timeout").?.timeout_type.?);
    try testing.expectEqualStrings("activity StartToClose timeout", timeout.reason());

    // A received failure passed on (as a cause) is written with everything it had.
    try expectRequest("failure-timeout.json", wire.encodeFailure(gpa, timeout));
}

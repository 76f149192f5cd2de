//! order_fulfilment: a durable workflow that reserves stock, charges the customer over HTTP,
//! waits for a person to approve, ships, and undoes what it did when something goes wrong.
//!
//! Input: params[0], {"order_id": str, "items": [{"sku", "quantity", "unit_price_cents"}],
//! "payment_url": str, "approval_timeout_ms"?: int (default 60000)}.
//!
//! 1. The order is checked as validate_order checks it (the same order.zig); a bad one fails
//!    with the same non-retryable `InvalidOrder` failure. A missing `payment_url` or a bad
//!    `approval_timeout_ms` are problems of the same list.
//! 2. Activity `reserve_stock` on task queue `inventory`: {"order_id", "items"} →
//!    {"reservation_id"}.
//! 3. HTTP activity: POST payment_url with {"order_id", "amount_cents"} → {"charge_id"}. If it
//!    fails: `release_stock` {"reservation_id"}, then a non-retryable `PaymentFailed`.
//! 4. Query `status` ← {"state": "awaiting_approval", "order_id", "charge_id"}; current details
//!    `awaiting approval of order <id>`.
//! 5. The first of: signal `approve` ({"approved_by"}), the approval timeout, cancellation.
//!    Timeout: `refund` {"charge_id"} and `release_stock`, then a non-retryable
//!    `ApprovalTimedOut`. Cancellation: the same, then the run ends as cancelled.
//! 6. Activity `ship` {"order_id", "reservation_id"} → {"tracking"}; query `status` ←
//!    {"state": "shipped", …, "tracking"}.
//! 7. Result: the receipt {"order_id", "reservation_id", "charge_id", "approved_by", "tracking",
//!    "total_cents"}, with "notes": [...] when notes were added; counter `orders_completed`
//!    (`outcome` = `shipped`).
//!
//! Update `add_note` ({"note": str}) is open for the whole run: an empty note is rejected
//! (`EmptyNote`), any other is completed with {"notes": <count so far>} and kept for the
//! receipt. Every activity has a 10 s start-to-close timeout; `reserve_stock` and the charge
//! are tried at most 3 times, the compensations and `ship` retried by Temporal's default
//! policy. A failed `reserve_stock`, compensation or `ship` fails the workflow with the
//! activity's own failure.
//!
//! Memory: what the run keeps (ids, notes) lives in one arena for the run; each step's
//! results go to a step arena freed when the step ends.

const std = @import("std");
const tw = @import("temporal");
const order = @import("order");

pub const panic = tw.panic;

/// The activity workers' task queue.
const inventory = "inventory";
/// Time allowed for one attempt of any activity.
const activity_timeout_ms = 10_000;
/// Attempts of `reserve_stock` and of the charge.
const attempts = 3;
/// How long to wait for approval when the order does not say.
const default_approval_timeout_ms = 60_000;

const Reservation = struct { reservation_id: []const u8 };
const Charge = struct { charge_id: []const u8 };
const Shipment = struct { tracking: []const u8 };
const Approval = struct { approved_by: []const u8 };
const Note = struct { note: []const u8 };

/// What query `status` answers (`tracking` left out until shipped).
const Status = struct {
    state: []const u8,
    order_id: []const u8,
    charge_id: []const u8,
    tracking: ?[]const u8 = null,
};

/// A checked order and what the run has learnt so far; its strings live in the run arena.
const Fulfilment = struct {
    run: std.mem.Allocator,
    order_id: []const u8,
    items: []const order.Item,
    total_cents: i64,
    payment_url: []const u8,
    approval_timeout_ms: i64,
    reservation_id: []const u8 = "",
    charge_id: []const u8 = "",
    /// Notes accepted so far, for the receipt.
    notes: std.ArrayList([]const u8) = .empty,
};

/// The `add_note` validator: a note must not be empty.
fn checkNote(_: std.mem.Allocator, note: Note) ?tw.Failure {
    if (note.note.len == 0) return .{ .message = "a note must not be empty", .type = "EmptyNote" };
    return null;
}

export fn run() void {
    var run_arena = tw.arena();
    const f = checkOrder(run_arena.allocator());

    // Opened first, so that a note, an approval or a cancellation is heard at any point of
    // the run (a workflow that never opens its cancellation channel just ends as cancelled).
    const notes = tw.UpdateChannel(Note).open("add_note", checkNote);
    const approve = tw.SignalChannel(Approval).open("approve");
    const cancelled = tw.cancellation();

    reserveStock(f);
    charge(f);

    tw.setQueryResult("status", Status{ .state = "awaiting_approval", .order_id = f.order_id, .charge_id = f.charge_id });
    tw.setCurrentDetails(tw.concat(f.run, &.{ "awaiting approval of order ", f.order_id }));

    const timeout = tw.Timer.start(.{ .duration_ms = @intCast(f.approval_timeout_ms) });
    const approved_by = while (true) {
        switch (tw.select(.{ approve, timeout, cancelled, notes })) {
            0 => {
                var step = tw.arena();
                defer step.deinit();
                if (approve.receive(step.allocator())) |approval| {
                    break tw.dupe(f.run, approval.approved_by);
                } else |err| {
                    tw.log(.warn, tw.concat(step.allocator(), &.{ "order ", f.order_id, ": ignoring an `approve` signal: ", tw.payload.describe(err) }));
                }
            },
            1 => {
                undoChargeAndReservation(f);
                tw.fail(.{
                    .message = tw.format(f.run, "order {s} was not approved within {d} ms", .{ f.order_id, f.approval_timeout_ms }),
                    .type = "ApprovalTimedOut",
                    .non_retryable = true,
                });
            },
            2 => {
                undoChargeAndReservation(f);
                tw.completeAsCancelled(.{tw.concat(f.run, &.{ "order ", f.order_id, " cancelled" })});
            },
            else => answerNotes(f, notes),
        }
    };
    // Done with the timer: cancel it and drop its (cancelled) result.
    timeout.cancel();
    tw.log(.info, tw.concat(f.run, &.{ "order ", f.order_id, " approved by ", approved_by }));

    const tracking = ship(f);
    tw.setQueryResult("status", Status{ .state = "shipped", .order_id = f.order_id, .charge_id = f.charge_id, .tracking = tracking });
    // Notes that came in while shipping are answered and kept too.
    answerNotes(f, notes);
    tw.metric.counter("orders_completed", 1, .{ .outcome = "shipped" });

    tw.complete(.{
        .order_id = f.order_id,
        .reservation_id = f.reservation_id,
        .charge_id = f.charge_id,
        .approved_by = approved_by,
        .tracking = tracking,
        .total_cents = f.total_cents,
        .notes = if (f.notes.items.len > 0) f.notes.items else null,
    });
}

/// Step 1: validate_order's problems, then this workflow's own fields.
fn checkOrder(keep: std.mem.Allocator) *Fulfilment {
    const input = tw.param(std.json.Value, keep, 0) catch null;
    var checked = order.check(keep, input);

    const payment_url = tw.json.string(tw.json.field(input, "payment_url")) orelse "";
    if (payment_url.len == 0) checked.addProblem(keep, "payment_url is required");
    const timeout = tw.json.field(input, "approval_timeout_ms");
    const approval_timeout_ms = if (tw.json.isNull(timeout))
        default_approval_timeout_ms
    else
        tw.json.integer(timeout) orelse 0;
    if (approval_timeout_ms < 1) checked.addProblem(keep, "approval_timeout_ms must be a positive integer");
    if (checked.problems.items.len > 0) checked.reject(keep);

    const f = keep.create(Fulfilment) catch tw.outOfMemory();
    f.* = .{
        .run = keep,
        .order_id = checked.order_id.?,
        .items = checked.items.items,
        .total_cents = checked.total_cents,
        .payment_url = payment_url,
        .approval_timeout_ms = approval_timeout_ms,
    };
    return f;
}

/// An activity on the inventory workers, with the common timeout.
fn inventoryActivity(activity_type: []const u8, retry_policy: ?tw.RetryPolicy) tw.ActivityOptions {
    return .{
        .activity_type = activity_type,
        .task_queue = inventory,
        .start_to_close_timeout_ms = activity_timeout_ms,
        .retry_policy = retry_policy,
    };
}

/// Step 2: reserve the stock, or fail with the activity's failure.
fn reserveStock(f: *Fulfilment) void {
    var step = tw.arena();
    defer step.deinit();
    const reserved = tw.activity.execute(Reservation, step.allocator(), inventoryActivity("reserve_stock", .{ .maximum_attempts = attempts }), .{.{
        .order_id = f.order_id,
        .items = f.items,
    }});
    switch (reserved) {
        .completed => |r| f.reservation_id = tw.dupe(f.run, r.reservation_id),
        .failed, .cancelled => |failure| tw.fail(failure),
    }
    tw.log(.info, tw.concat(step.allocator(), &.{ "order ", f.order_id, ": stock reserved as ", f.reservation_id }));
}

/// Step 3: charge the order's total through the payments service, or undo the reservation
/// and fail with `PaymentFailed`.
fn charge(f: *Fulfilment) void {
    var step = tw.arena();
    defer step.deinit();
    const arena = step.allocator();
    const charged = tw.http.execute(arena, .{
        .method = "POST",
        .url = f.payment_url,
        .headers = &.{
            .{ .name = "content-type", .value = "application/json" },
            .{ .name = "authorization", .value = "Bearer {{secret PAYMENTS_TOKEN}}" },
        },
        .body = tw.json.stringify(arena, .{ .order_id = f.order_id, .amount_cents = f.total_cents }),
        .start_to_close_timeout_ms = activity_timeout_ms,
        .retry_policy = .{ .maximum_attempts = attempts },
    });
    const reason = switch (charged) {
        .completed => |response| if (response.json(Charge, arena)) |c| {
            f.charge_id = tw.dupe(f.run, c.charge_id);
            tw.log(.info, tw.concat(arena, &.{ "order ", f.order_id, ": charged as ", f.charge_id }));
            return;
        } else |_| tw.format(arena, "the payments service answered {d} without a charge_id", .{response.status}),
        // The innermost cause's message: the HTTP error itself, not "Activity task failed".
        .failed, .cancelled => |failure| failure.reason(),
    };
    tw.log(.warn, tw.concat(arena, &.{ "order ", f.order_id, ": payment failed: ", reason }));
    releaseStock(f);
    tw.fail(.{
        .message = tw.concat(arena, &.{ "payment for order ", f.order_id, " failed: ", reason }),
        .type = "PaymentFailed",
        .non_retryable = true,
    });
}

/// Runs a compensation; its failure fails the workflow (Temporal retries it first).
fn compensate(activity_type: []const u8, arg: anytype) void {
    var step = tw.arena();
    defer step.deinit();
    switch (tw.activity.execute(void, step.allocator(), inventoryActivity(activity_type, null), .{arg})) {
        .completed => {},
        .failed, .cancelled => |failure| tw.fail(failure),
    }
}

/// Compensation of step 2.
fn releaseStock(f: *const Fulfilment) void {
    compensate("release_stock", .{ .reservation_id = f.reservation_id });
}

/// Compensation of steps 3 and 2, in reverse order.
fn undoChargeAndReservation(f: *const Fulfilment) void {
    compensate("refund", .{ .charge_id = f.charge_id });
    releaseStock(f);
}

/// Step 6: ship, returning the tracking number (in the run arena).
fn ship(f: *Fulfilment) []const u8 {
    var step = tw.arena();
    defer step.deinit();
    const shipped = tw.activity.execute(Shipment, step.allocator(), inventoryActivity("ship", null), .{.{
        .order_id = f.order_id,
        .reservation_id = f.reservation_id,
    }});
    return switch (shipped) {
        .completed => |s| tw.dupe(f.run, s.tracking),
        .failed, .cancelled => |failure| tw.fail(failure),
    };
}

/// Answers every accepted `add_note` update, keeping its note.
fn answerNotes(f: *Fulfilment, channel: tw.UpdateChannel(Note)) void {
    var step = tw.arena();
    defer step.deinit();
    while (channel.tryReceive(step.allocator())) |update| {
        f.notes.append(f.run, tw.dupe(f.run, update.input.note)) catch tw.outOfMemory();
        update.complete(.{ .notes = f.notes.items.len });
    }
}

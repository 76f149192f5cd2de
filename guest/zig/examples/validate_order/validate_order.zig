//! validate_order: checks an order and totals it, or rejects it with every problem found.
//!
//! Input:  params[0]: a json/plain payload holding
//!         {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}
//! Result: {"order_id": ..., "item_count": <sum of quantities>, "total_cents": <sum of quantity*price>}
//! Fails:  non-retryable `InvalidOrder`, message "invalid order: <problems joined by "; ">", and one
//!         detail {"order_id": <id or null>, "problems": [...]}.
//!
//! A one-shot (v0) bundle: it calls no v1 import, so the worker runs it the v0 way.

const std = @import("std");
const tw = @import("temporal");
const order = @import("order");

pub const panic = tw.panic;

export fn run() void {
    // A one-shot run: the arena is freed with the instance, right after `complete`.
    var arena_state = tw.arena();
    const arena = arena_state.allocator();

    const input = tw.param(std.json.Value, arena, 0) catch null;
    const checked = order.check(arena, input);
    if (checked.problems.items.len > 0) checked.reject(arena);

    tw.log(.info, tw.concat(arena, &.{ "order ", checked.shownId(), " accepted" }));
    tw.complete(.{
        .order_id = checked.shownId(),
        .item_count = checked.item_count,
        .total_cents = checked.total_cents,
    });
}

//! validate_order: checks an order and totals it, or rejects it with every problem found.
//!
//! Input:  params[0]: a json/plain payload holding
//!         {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}
//! Result: {"order_id": ..., "item_count": <sum of quantities>, "total_cents": <sum of quantity*price>}
//! Fails:  non-retryable `InvalidOrder`, message "invalid order: <problems joined by "; ">", and one
//!         detail {"order_id": <id or null>, "problems": [...]}.

const std = @import("std");
const tw = @import("temporal_wasm.zig");

pub const panic = tw.panic;

/// The problems found so far, in the order the checks ran.
var problems: std.ArrayList([]const u8) = .empty;

fn addProblem(problem: []const u8) void {
    problems.append(tw.allocator, problem) catch @panic("out of memory");
}

export fn run() void {
    var order_id: ?[]const u8 = null;
    // Totals wrap on i64 overflow rather than trap: the spec sets no upper bound.
    var item_count: i64 = 0;
    var total_cents: i64 = 0;

    const order = tw.paramJson(0) catch null;
    if (order == null or order.? != .object) {
        addProblem("order must be a JSON object");
    } else {
        // An empty id counts as no id: it is reported as missing, logged as `?`, sent as null.
        order_id = tw.string(tw.field(order, "order_id"));
        if (order_id != null and order_id.?.len == 0) order_id = null;
        if (order_id == null) addProblem("order_id is required");

        const items = tw.array(tw.field(order, "items")) orelse &.{};
        if (items.len == 0) addProblem("order has no items");

        for (items, 0..) |item, index| {
            const prefix = tw.concat(&.{ "items[", tw.intToString(index), "]." });
            const sku = tw.string(tw.field(item, "sku")) orelse "";
            if (sku.len == 0) addProblem(tw.concat(&.{ prefix, "sku is required" }));

            const quantity = tw.integer(tw.field(item, "quantity")) orelse 0;
            if (quantity < 1) addProblem(tw.concat(&.{ prefix, "quantity must be a positive integer" }));

            const unit_price_cents = tw.integer(tw.field(item, "unit_price_cents")) orelse -1;
            if (unit_price_cents < 0) {
                addProblem(tw.concat(&.{ prefix, "unit_price_cents must be a non-negative integer" }));
            }

            if (quantity >= 1 and unit_price_cents >= 0) {
                item_count +%= quantity;
                total_cents +%= quantity *% unit_price_cents;
            }
        }
    }

    const shown_id = order_id orelse "?";
    if (problems.items.len > 0) {
        tw.log(.warn, tw.concat(&.{ "order ", shown_id, " rejected" }));
        const joined = std.mem.join(tw.allocator, "; ", problems.items) catch @panic("out of memory");
        tw.fail(.{
            .message = tw.concat(&.{ "invalid order: ", joined }),
            .type = "InvalidOrder",
            .non_retryable = true,
            .details = &.{tw.jsonPayload(.{ .order_id = order_id, .problems = problems.items })},
        });
    }

    tw.log(.info, tw.concat(&.{ "order ", shown_id, " accepted" }));
    tw.complete(.{ .order_id = shown_id, .item_count = item_count, .total_cents = total_cents });
}

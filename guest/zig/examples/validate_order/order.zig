//! Checking an order, shared by validate_order and order_fulfilment (which imports this file as
//! module `order`), so that both reject a bad order with the same `InvalidOrder` failure.
//!
//! An order is `{"order_id": str, "items": [{"sku": str, "quantity": int ≥ 1,
//! "unit_price_cents": int ≥ 0}]}`; every problem found is listed, in the order the checks run.

const std = @import("std");
const tw = @import("temporal");

/// One order line, as checked (and as order_fulfilment sends it to `reserve_stock`).
pub const Item = struct {
    sku: []const u8,
    quantity: i64,
    unit_price_cents: i64,
};

/// What checking an order found.
pub const Check = struct {
    /// The order's id; null when missing or empty (reported as missing, sent as null).
    order_id: ?[]const u8 = null,
    /// The well-formed lines.
    items: std.ArrayList(Item) = .empty,
    /// Sum of quantities of the well-formed lines (wrapping on i64 overflow: no upper bound is
    /// specified).
    item_count: i64 = 0,
    /// Sum of quantity × unit price of the well-formed lines (wrapping likewise).
    total_cents: i64 = 0,
    /// The problems found so far.
    problems: std.ArrayList([]const u8) = .empty,

    /// Adds a problem (its text must live as long as `arena`).
    pub fn addProblem(self: *Check, arena: std.mem.Allocator, problem: []const u8) void {
        self.problems.append(arena, problem) catch tw.outOfMemory();
    }

    /// The id as logs show it: `?` when missing.
    pub fn shownId(self: *const Check) []const u8 {
        return self.order_id orelse "?";
    }

    /// Fails the workflow with every problem: non-retryable `InvalidOrder`, message
    /// `invalid order: <problems joined by "; ">`, one detail `{"order_id": id or null,
    /// "problems": [...]}`.
    pub fn reject(self: *const Check, arena: std.mem.Allocator) noreturn {
        tw.log(.warn, tw.concat(arena, &.{ "order ", self.shownId(), " rejected" }));
        const joined = std.mem.join(arena, "; ", self.problems.items) catch tw.outOfMemory();
        tw.fail(.{
            .message = tw.concat(arena, &.{ "invalid order: ", joined }),
            .type = "InvalidOrder",
            .non_retryable = true,
            .details = &.{tw.Payload.json(arena, .{
                .order_id = tw.json.nullable(self.order_id),
                .problems = self.problems.items,
            })},
        });
    }
};

/// Checks `order` (null: the argument was missing or not JSON), allocating in `arena`.
pub fn check(arena: std.mem.Allocator, order: ?std.json.Value) Check {
    var result: Check = .{};
    const json = tw.json;
    if (order == null or order.? != .object) {
        result.addProblem(arena, "order must be a JSON object");
        return result;
    }
    result.order_id = json.string(json.field(order, "order_id"));
    if (result.order_id != null and result.order_id.?.len == 0) result.order_id = null;
    if (result.order_id == null) result.addProblem(arena, "order_id is required");

    const items = json.array(json.field(order, "items")) orelse &.{};
    if (items.len == 0) result.addProblem(arena, "order has no items");

    for (items, 0..) |item, index| {
        const prefix = tw.concat(arena, &.{ "items[", tw.intToString(arena, index), "]." });
        const sku = json.string(json.field(item, "sku")) orelse "";
        if (sku.len == 0) result.addProblem(arena, tw.concat(arena, &.{ prefix, "sku is required" }));

        const quantity = json.integer(json.field(item, "quantity")) orelse 0;
        if (quantity < 1) result.addProblem(arena, tw.concat(arena, &.{ prefix, "quantity must be a positive integer" }));

        const unit_price_cents = json.integer(json.field(item, "unit_price_cents")) orelse -1;
        if (unit_price_cents < 0) {
            result.addProblem(arena, tw.concat(arena, &.{ prefix, "unit_price_cents must be a non-negative integer" }));
        }

        if (sku.len > 0 and quantity >= 1 and unit_price_cents >= 0) {
            result.items.append(arena, .{ .sku = sku, .quantity = quantity, .unit_price_cents = unit_price_cents }) catch tw.outOfMemory();
        }
        if (quantity >= 1 and unit_price_cents >= 0) {
            result.item_count +%= quantity;
            result.total_cents +%= quantity *% unit_price_cents;
        }
    }
    return result;
}

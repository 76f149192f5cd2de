// validate_order: checks an order and totals it, or rejects it with every problem found.
//
// Input:  {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}
// Result: {"order_id", "item_count": <sum of quantities>, "total_cents": <sum of quantity * price>}
// Fails:  non-retryably with type InvalidOrder, message "invalid order: <problems joined by "; ">"
//         and one detail {"order_id": <id or null>, "problems": [...]}.

import { log } from "temporal";
import { checkOrder, int64JSON, orderArgument } from "./order.js";

export default function validateOrder(): { order_id: string; item_count: unknown; total_cents: unknown } {
  const { orderId, itemCount, totalCents } = checkOrder(orderArgument());
  log.info(`order ${orderId} accepted`);
  return { order_id: orderId, item_count: int64JSON(itemCount), total_cents: int64JSON(totalCents) };
}

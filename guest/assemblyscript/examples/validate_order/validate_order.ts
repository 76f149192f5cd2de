/**
 * validate_order: checks an order and totals it, or rejects it with every problem found.
 *
 * Input:  params[0]: a json/plain payload holding
 *         {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}
 * Result: {"order_id": ..., "item_count": <sum of quantities>, "total_cents": <sum of quantity*price>}
 * Fails:  non-retryable `InvalidOrder`, message "invalid order: <problems joined by "; ">", and one
 *         detail {"order_id": <id or null>, "problems": [...]} (see order.ts).
 *
 * It only computes, so its bundle imports only ABI v0's calls and runs in one go.
 */
import { JsonWriter, LogLevel, complete, getInfo, log } from "../../sdk";
import { checkOrder, rejectOrder } from "./order";

/** The workflow's entry point, called once per run by the worker. */
export function run(): void {
  const params = getInfo().params;
  const check = checkOrder(params.length > 0 ? params[0].json() : null);
  if (check.problems.length > 0) {
    rejectOrder(check);
    return;
  }
  const id = check.shownId; // the order id: no problems means a valid id
  log(LogLevel.Info, "order " + id + " accepted");
  const result = new JsonWriter();
  result.beginObject().key("order_id").string(id);
  result.key("item_count").integer(check.itemCount).key("total_cents").integer(check.totalCents).endObject();
  complete(result.toString());
}

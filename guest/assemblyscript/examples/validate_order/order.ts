/**
 * order.ts: the order check that validate_order and order_fulfilment share, so that both
 * reject a bad order with the same InvalidOrder failure.
 *
 * An order is {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}.
 * Every problem is collected (the check does not stop at the first one), in this order: the
 * order itself, its id, its items, then each item's sku, quantity and unit price.
 */
import { JsonKind, JsonValue, JsonWriter, LogLevel, failWorkflow, joinStrings, log } from "../../sdk";

/** Whether `value` is a non-empty JSON string. */
function isNonEmptyString(value: JsonValue | null): bool {
  return value !== null && value.kind == JsonKind.String && value.text.length > 0;
}

/** Whether `value` is a JSON integer (no fraction or exponent, fits in i64) of at least `min`. */
export function isIntegerAtLeast(value: JsonValue | null, min: i64): bool {
  return value !== null && value.kind == JsonKind.Number && value.isInteger && value.integer >= min;
}

/** What checking an order found. */
export class OrderCheck {
  /** Every problem, in the order found; empty for a valid order. */
  problems: string[] = [];
  /** The order id; null when missing or empty (reported as missing, logged as `?`, sent as null). */
  orderId: string | null = null;
  /** The sum of the quantities (wrapping on i64 overflow rather than trapping: no upper bound is set). */
  itemCount: i64 = 0;
  /** The sum of quantity × unit price, wrapping likewise. */
  totalCents: i64 = 0;
  /** The valid items, as `{"sku", "quantity", "unit_price_cents"}` JSON texts, in order. */
  itemsJson: string[] = [];

  /** The id to show in logs: the order id, or `?`. */
  get shownId(): string {
    const id = this.orderId;
    return id !== null ? id : "?";
  }
}

/** Checks `order` (the decoded first argument, or null when it is not JSON). */
export function checkOrder(order: JsonValue | null): OrderCheck {
  const check = new OrderCheck();
  if (order === null || order.kind != JsonKind.Object) {
    check.problems.push("order must be a JSON object");
    return check;
  }
  const id = order.get("order_id");
  if (id !== null && isNonEmptyString(id)) check.orderId = id.text;
  else check.problems.push("order_id is required");

  const items = order.get("items");
  if (items === null || items.kind != JsonKind.Array || items.items.length == 0) {
    check.problems.push("order has no items");
    return check;
  }
  for (let i = 0; i < items.items.length; i++) {
    // A non-object item has none of its fields, so it gets all three problems.
    const item = items.items[i];
    const prefix = "items[" + i.toString() + "].";
    const sku = item.get("sku");
    if (!isNonEmptyString(sku)) check.problems.push(prefix + "sku is required");
    const quantity = item.get("quantity");
    const quantityOk = isIntegerAtLeast(quantity, 1);
    if (!quantityOk) check.problems.push(prefix + "quantity must be a positive integer");
    const unitPrice = item.get("unit_price_cents");
    const unitPriceOk = isIntegerAtLeast(unitPrice, 0);
    if (!unitPriceOk) check.problems.push(prefix + "unit_price_cents must be a non-negative integer");
    if (quantity !== null && unitPrice !== null && quantityOk && unitPriceOk) {
      check.itemCount += quantity.integer;
      check.totalCents += quantity.integer * unitPrice.integer;
      if (sku !== null && isNonEmptyString(sku)) {
        const w = new JsonWriter();
        w.beginObject().key("sku").string(sku.text).key("quantity").integer(quantity.integer);
        w.key("unit_price_cents").integer(unitPrice.integer).endObject();
        check.itemsJson.push(w.toString());
      }
    }
  }
  return check;
}

/**
 * Fails the workflow with non-retryable `InvalidOrder`: message "invalid order: <problems
 * joined by "; ">", one detail {"order_id": <id or null>, "problems": [...]}. Does not return.
 */
export function rejectOrder(check: OrderCheck): void {
  log(LogLevel.Warn, "order " + check.shownId + " rejected");
  const detail = new JsonWriter();
  detail.beginObject().key("order_id").stringOrNull(check.orderId).key("problems").beginArray();
  for (let i = 0; i < check.problems.length; i++) detail.string(check.problems[i]);
  detail.endArray().endObject();
  failWorkflow("invalid order: " + joinStrings(check.problems, "; "), "InvalidOrder", true, [detail.toString()]);
}


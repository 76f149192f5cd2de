/**
 * validate_order: checks an order and totals it, or rejects it with every problem found.
 *
 * Input:  params[0]: a json/plain payload holding
 *         {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}
 * Result: {"order_id": ..., "item_count": <sum of quantities>, "total_cents": <sum of quantity*price>}
 * Fails:  non-retryable `InvalidOrder`, message "invalid order: <problems joined by "; ">", and one
 *         detail {"order_id": <id or null>, "problems": [...]}.
 */
import {
  JsonKind, JsonValue, LogLevel, complete, failWorkflow, getInfo, jsonArray, jsonObject, jsonString, joinStrings,
  log,
} from "./temporal_wasm";

/** Whether `value` is a non-empty JSON string. */
function isNonEmptyString(value: JsonValue | null): bool {
  return value !== null && value.kind == JsonKind.String && value.text.length > 0;
}

/** Whether `value` is a JSON integer (no fraction or exponent, fits in i64) of at least `min`. */
function isIntegerAtLeast(value: JsonValue | null, min: i64): bool {
  return value !== null && value.kind == JsonKind.Number && value.isInteger && value.integer >= min;
}

/** The workflow's entry point, called once by the worker. */
export function run(): void {
  const params = getInfo().params;
  const order = params.length > 0 ? params[0].json() : null;

  const problems: string[] = [];
  // An empty id counts as no id: it is reported as missing, logged as `?` and sent as null.
  let orderId: string | null = null;
  // Totals wrap on i64 overflow rather than trap: the spec sets no upper bound.
  let itemCount: i64 = 0;
  let totalCents: i64 = 0;

  if (order === null || order.kind != JsonKind.Object) {
    problems.push("order must be a JSON object");
  } else {
    const id = order.get("order_id");
    if (id !== null && isNonEmptyString(id)) orderId = id.text;
    else problems.push("order_id is required");

    const items = order.get("items");
    if (items === null || items.kind != JsonKind.Array || items.items.length == 0) {
      problems.push("order has no items");
    } else {
      for (let i = 0; i < items.items.length; i++) {
        // A non-object item has none of its fields, so it gets all three problems.
        const item = items.items[i];
        const prefix = "items[" + i.toString() + "].";
        if (!isNonEmptyString(item.get("sku"))) problems.push(prefix + "sku is required");
        const quantity = item.get("quantity");
        const quantityOk = isIntegerAtLeast(quantity, 1);
        if (!quantityOk) problems.push(prefix + "quantity must be a positive integer");
        const unitPrice = item.get("unit_price_cents");
        const unitPriceOk = isIntegerAtLeast(unitPrice, 0);
        if (!unitPriceOk) problems.push(prefix + "unit_price_cents must be a non-negative integer");
        if (quantity !== null && unitPrice !== null && quantityOk && unitPriceOk) {
          itemCount += quantity.integer;
          totalCents += quantity.integer * unitPrice.integer;
        }
      }
    }
  }

  if (problems.length > 0) {
    log(LogLevel.Warn, "order " + (orderId !== null ? orderId : "?") + " rejected");
    const problemsJson = new Array<string>(problems.length);
    for (let i = 0; i < problems.length; i++) problemsJson[i] = jsonString(problems[i]);
    const detail = jsonObject(
      ["order_id", "problems"],
      [orderId !== null ? jsonString(orderId) : "null", jsonArray(problemsJson)],
    );
    failWorkflow("invalid order: " + joinStrings(problems, "; "), "InvalidOrder", true, [detail]);
    return;
  }

  const id = orderId !== null ? orderId : ""; // always set here: no problems means a valid id
  log(LogLevel.Info, "order " + id + " accepted");
  complete(jsonObject(
    ["order_id", "item_count", "total_cents"],
    [jsonString(id), itemCount.toString(), totalCents.toString()],
  ));
}

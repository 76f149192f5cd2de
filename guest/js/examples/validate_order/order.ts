// order.ts - checking an order, shared by validate_order and order_fulfilment so that both
// reject a bad order with the same InvalidOrder failure, in the same words as every other
// language's examples.
//
// An order is {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}.
// Numbers are read as written: an integer is a literal without fraction or exponent that fits
// in 64 bits (so 1.0 and 1e2 are not integers, as in the other languages), and totals wrap at
// 64 bits rather than lose precision.

import { ApplicationFailure, log, rawArgs } from "temporal";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** A JSON value as orderArgument() parses it: integers are BigInt. */
export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

/** An order whose checks passed. */
export interface CheckedOrder {
  orderId: string;
  itemCount: bigint;
  totalCents: bigint;
}

/** The workflow's first argument parsed with integers as BigInt; undefined if it is not JSON. */
export function orderArgument(): Json | undefined {
  const payload = rawArgs()[0];
  if (!payload || payload.encoding !== "json/plain") return undefined;
  try {
    return JSON.parse(payload.text(), (_key: string, value: unknown, context?: { source?: string }) =>
      typeof value === "number" && /^-?\d+$/.test(context?.source ?? "") ? BigInt(context!.source!) : value,
    ) as Json;
  } catch {
    return undefined;
  }
}

export function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** The integer a field holds, or undefined if it holds none that fits in 64 bits. */
export function integer(value: Json | undefined): bigint | undefined {
  return typeof value === "bigint" && value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
}

/** A 64-bit integer as JSON, exactly. */
export function int64JSON(value: bigint): unknown {
  return JSON.rawJSON(String(value));
}

/**
 * Checks `order` (orderArgument()'s result) and totals it. `more(order)` may add problems of
 * the fields a workflow adds to the order, listed after the order's own. Throws the
 * InvalidOrder failure if there is any problem.
 */
export function checkOrder(order: Json | undefined, more?: (order: { [key: string]: Json }) => string[]): CheckedOrder {
  if (!isObject(order)) return reject(undefined, ["order must be a JSON object"]);
  const problems: string[] = [];
  // An empty id counts as no id: it is reported as missing, logged as `?` and sent as null.
  const orderId = typeof order.order_id === "string" && order.order_id ? order.order_id : undefined;
  if (!orderId) problems.push("order_id is required");
  const items = Array.isArray(order.items) ? order.items : [];
  if (!items.length) problems.push("order has no items");
  let itemCount = 0n;
  let totalCents = 0n;
  items.forEach((value, i) => {
    // A non-object item has none of the fields, and so gets all three problems.
    const item = isObject(value) ? value : {};
    if (typeof item.sku !== "string" || !item.sku) problems.push(`items[${i}].sku is required`);
    const quantity = integer(item.quantity);
    const quantityOk = quantity !== undefined && quantity >= 1n;
    if (!quantityOk) problems.push(`items[${i}].quantity must be a positive integer`);
    const price = integer(item.unit_price_cents);
    const priceOk = price !== undefined && price >= 0n;
    if (!priceOk) problems.push(`items[${i}].unit_price_cents must be a non-negative integer`);
    if (quantityOk && priceOk) {
      itemCount = BigInt.asIntN(64, itemCount + quantity);
      totalCents = BigInt.asIntN(64, totalCents + BigInt.asIntN(64, quantity * price));
    }
  });
  if (more) problems.push(...more(order));
  if (problems.length || !orderId) return reject(orderId, problems);
  return { orderId, itemCount, totalCents };
}

/** Logs the rejection and throws the non-retryable InvalidOrder failure listing every problem. */
function reject(orderId: string | undefined, problems: string[]): never {
  log.warn(`order ${orderId ?? "?"} rejected`);
  throw ApplicationFailure.nonRetryable(`invalid order: ${problems.join("; ")}`, "InvalidOrder", {
    order_id: orderId ?? null,
    problems,
  });
}

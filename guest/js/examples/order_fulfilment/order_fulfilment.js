// order_fulfilment: a durable order workflow. It reserves stock, charges the payment through
// an HTTP activity, waits for an approval (or a timeout, or cancellation) while taking notes,
// ships, and compensates on the way out when something fails.
//
// Input:  {"order_id", "items": [{"sku", "quantity", "unit_price_cents"}], "payment_url",
//          "approval_timeout_ms"?: (default 60000)}
// Steps:
//   1. Check the order as validate_order does (the same InvalidOrder failure), then that it has
//      a payment_url and a positive approval_timeout_ms.
//   2. `reserve_stock` on task queue `inventory` with {"order_id", "items"} -> {"reservation_id"}.
//   3. POST {"order_id", "amount_cents"} to payment_url as an HTTP activity -> {"charge_id"}.
//      On failure: `release_stock`, then fail with PaymentFailed.
//   4. Publish query `status` {"state": "awaiting_approval", ...} and the current details.
//   5. Wait for signal `approve` [{"approved_by"}], the approval timer or cancellation, taking
//      `add_note` updates meanwhile (a validator rejects an empty note with EmptyNote).
//      Timer first: `refund`, `release_stock`, fail with ApprovalTimedOut. Cancellation first:
//      the same compensation, then end as cancelled.
//   6. `ship` {"order_id", "reservation_id"} -> {"tracking"}; publish `status` "shipped".
//   7. Count `orders_completed{outcome="shipped"}` and complete with the receipt
//      {"order_id", "reservation_id", "charge_id", "approved_by", "tracking", "total_cents",
//       "notes"?: [...]}.

import {
  ApplicationFailure,
  cancellation,
  completeAsCancelled,
  executeHttp,
  log,
  metrics,
  proxyActivities,
  select,
  setCurrentDetails,
  setQueryResult,
  setUpdateHandler,
  signalChannel,
  startTimer,
} from "temporal";
import { checkOrder, integer, int64JSON, orderArgument } from "../validate_order/order.js";

const ACTIVITY_TIMEOUT = "10s";
const DEFAULT_APPROVAL_TIMEOUT_MS = 60000;

// Every inventory activity but reserve_stock keeps Temporal's default retry policy:
// compensation and shipping must not give up.
const inventory = proxyActivities({ taskQueue: "inventory", startToCloseTimeout: ACTIVITY_TIMEOUT });
const reserving = proxyActivities({
  taskQueue: "inventory",
  startToCloseTimeout: ACTIVITY_TIMEOUT,
  retry: { maximumAttempts: 3 },
});

/** Fails the workflow non-retryably with `type` and `message`. */
function fail(type, message, cause) {
  throw ApplicationFailure.create({ message, type, nonRetryable: true, cause });
}

/** Runs a compensating activity; a failure is logged, not fatal. */
function compensate(activity, arg) {
  try {
    inventory[activity](arg);
  } catch (error) {
    log.error(`compensation ${activity} failed: ${error.reason ?? error.message}`);
  }
}

export default function orderFulfilment() {
  // Heard from the start, so that a cancellation during the first steps is compensated too.
  const cancelled = cancellation();

  // Step 1: the order, as validate_order checks it, then what fulfilment needs besides.
  const input = orderArgument();
  let approvalTimeoutMs = DEFAULT_APPROVAL_TIMEOUT_MS;
  const { orderId, totalCents } = checkOrder(input, (order) => {
    const problems = [];
    if (typeof order.payment_url !== "string" || !order.payment_url) problems.push("payment_url is required");
    if (order.approval_timeout_ms !== undefined && order.approval_timeout_ms !== null) {
      const ms = integer(order.approval_timeout_ms);
      if (ms === undefined || ms < 1n) problems.push("approval_timeout_ms must be a positive integer");
      else approvalTimeoutMs = Number(ms);
    }
    return problems;
  });
  const items = input.items.map((item) => ({
    sku: item.sku,
    quantity: int64JSON(item.quantity),
    unit_price_cents: int64JSON(item.unit_price_cents),
  }));

  // Notes may be added from now on; the validator runs in the workflow task the update arrives
  // in, and accepted notes are kept for the receipt.
  const notes = [];
  setUpdateHandler(
    "add_note",
    ({ note }) => {
      notes.push(note);
      return { notes: notes.length };
    },
    {
      validator: (arg) => {
        if (typeof arg?.note !== "string" || !arg.note) {
          throw ApplicationFailure.create({ message: "a note must not be empty", type: "EmptyNote" });
        }
      },
    },
  );

  // Step 2.
  const { reservation_id: reservationId } = reserving.reserve_stock({ order_id: orderId, items });
  log.info(`order ${orderId}: stock reserved as ${reservationId}`);

  // Step 3: charge, or undo the reservation and fail.
  let chargeId;
  try {
    const response = executeHttp({
      method: "POST",
      url: input.payment_url,
      headers: { "content-type": "application/json", authorization: "Bearer {{secret PAYMENTS_TOKEN}}" },
      body: { order_id: orderId, amount_cents: int64JSON(totalCents) },
      startToCloseTimeout: ACTIVITY_TIMEOUT,
      retry: { maximumAttempts: 3 },
    });
    chargeId = response.json().charge_id;
    if (typeof chargeId !== "string" || !chargeId) {
      throw new Error("the payment service answered without a charge_id");
    }
  } catch (error) {
    compensate("release_stock", { reservation_id: reservationId });
    fail("PaymentFailed", `payment for order ${orderId} failed: ${error.reason ?? error.message}`, error);
  }
  log.info(`order ${orderId}: charged as ${chargeId}`);
  const refundAndRelease = () => {
    compensate("refund", { charge_id: chargeId });
    compensate("release_stock", { reservation_id: reservationId });
  };

  // Step 4.
  setQueryResult("status", { state: "awaiting_approval", order_id: orderId, charge_id: chargeId });
  setCurrentDetails(`awaiting approval of order ${orderId}`);

  // Step 5: one wait over the approval, the deadline and cancellation.
  const approvals = signalChannel("approve");
  const deadline = startTimer(approvalTimeoutMs, { summary: `approval of order ${orderId}` });
  const first = select(approvals, deadline, cancelled);
  if (first === deadline) {
    refundAndRelease();
    fail("ApprovalTimedOut", `order ${orderId} was not approved within ${approvalTimeoutMs} ms`);
  }
  deadline.cancel();
  if (first === cancelled) {
    log.info(`order ${orderId}: cancelled`);
    refundAndRelease();
    completeAsCancelled(`order ${orderId} cancelled`);
  }
  const approvedBy = approvals.receive()?.approved_by ?? "";
  log.info(`order ${orderId}: approved by ${approvedBy}`);

  // Step 6: ship, or undo the charge and the reservation and fail.
  let tracking;
  try {
    tracking = inventory.ship({ order_id: orderId, reservation_id: reservationId }).tracking;
  } catch (error) {
    refundAndRelease();
    fail("ShipmentFailed", `shipping order ${orderId} failed: ${error.reason ?? error.message}`, error);
  }
  setQueryResult("status", { state: "shipped", order_id: orderId, charge_id: chargeId, tracking });

  // Step 7.
  metrics.counter("orders_completed", 1, { outcome: "shipped" });
  log.info(`order ${orderId} shipped as ${tracking}`);
  const receipt = {
    order_id: orderId,
    reservation_id: reservationId,
    charge_id: chargeId,
    approved_by: approvedBy,
    tracking,
    total_cents: int64JSON(totalCents),
  };
  if (notes.length) receipt.notes = notes;
  return receipt;
}

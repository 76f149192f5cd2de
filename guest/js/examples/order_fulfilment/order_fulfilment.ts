// order_fulfilment: a durable order workflow, in TypeScript and in the async style: every
// activity is started and awaited (the SDK's event loop waits for it durably). It reserves
// stock, charges the payment through an HTTP activity, waits for an approval (or a timeout, or
// cancellation) while taking notes, ships, and compensates on the way out when something fails.
//
// The same contract as order_fulfilment.js (and every other language's):
//   1. check the order as validate_order does, plus payment_url and approval_timeout_ms;
//   2. reserve_stock on `inventory` -> {reservation_id};
//   3. POST {order_id, amount_cents} to payment_url -> {charge_id}; on failure release_stock
//      and fail with PaymentFailed;
//   4. publish query `status` and the current details;
//   5. wait for signal `approve`, the approval timer or cancellation, taking `add_note` updates
//      (EmptyNote rejected); timer: refund, release_stock, ApprovalTimedOut; cancellation: the
//      same compensation, then end as cancelled;
//   6. ship -> {tracking}; publish `status` "shipped";
//   7. count orders_completed{outcome="shipped"} and return the receipt.

import {
  ApplicationFailure,
  TemporalFailure,
  cancellation,
  completeAsCancelled,
  log,
  metrics,
  proxyActivities,
  select,
  setCurrentDetails,
  setQueryResult,
  setUpdateHandler,
  signalChannel,
  startHttp,
  startTimer,
} from "temporal";
import { type Json, checkOrder, int64JSON, integer, isObject, orderArgument } from "../validate_order/order.js";

/** The activities of the inventory service. */
interface Inventory {
  reserve_stock(order: { order_id: string; items: unknown[] }): { reservation_id: string };
  release_stock(reservation: { reservation_id: string }): void;
  refund(charge: { charge_id: string }): void;
  ship(order: { order_id: string; reservation_id: string }): { tracking: string };
}

interface Receipt {
  order_id: string;
  reservation_id: string;
  charge_id: string;
  approved_by: string;
  tracking: string;
  total_cents: unknown;
  notes?: string[];
}

const ACTIVITY_TIMEOUT = "10s";
const DEFAULT_APPROVAL_TIMEOUT_MS = 60000;

// Every inventory activity but reserve_stock keeps Temporal's default retry policy:
// compensation and shipping must not give up.
const inventory = proxyActivities<Inventory>({ taskQueue: "inventory", startToCloseTimeout: ACTIVITY_TIMEOUT });
const reserving = proxyActivities<Inventory>({
  taskQueue: "inventory",
  startToCloseTimeout: ACTIVITY_TIMEOUT,
  retry: { maximumAttempts: 3 },
});

/** What a failure says went wrong. */
function reasonOf(error: unknown): string {
  return error instanceof TemporalFailure ? error.reason : error instanceof Error ? error.message : String(error);
}

/** Fails the workflow non-retryably with `type` and `message`. */
function fail(type: string, message: string, cause?: unknown): never {
  throw ApplicationFailure.create({ message, type, nonRetryable: true, cause });
}

/** Runs a compensating activity; a failure is logged, not fatal. */
async function compensate(run: () => PromiseLike<unknown>, activity: string): Promise<void> {
  try {
    await run();
  } catch (error) {
    log.error(`compensation ${activity} failed: ${reasonOf(error)}`);
  }
}

export default async function orderFulfilment(): Promise<Receipt> {
  // Heard from the start, so that a cancellation during the first steps is compensated too.
  const cancelled = cancellation();

  // Step 1: the order, as validate_order checks it, then what fulfilment needs besides.
  const input = orderArgument();
  let approvalTimeoutMs = DEFAULT_APPROVAL_TIMEOUT_MS;
  const { orderId, totalCents } = checkOrder(input, (order) => {
    const problems: string[] = [];
    if (typeof order.payment_url !== "string" || !order.payment_url) problems.push("payment_url is required");
    if (order.approval_timeout_ms !== undefined && order.approval_timeout_ms !== null) {
      const ms = integer(order.approval_timeout_ms);
      if (ms === undefined || ms < 1n) problems.push("approval_timeout_ms must be a positive integer");
      else approvalTimeoutMs = Number(ms);
    }
    return problems;
  });
  const order = input as { [key: string]: Json };
  const paymentUrl = order.payment_url as string;
  const items = (order.items as Json[]).filter(isObject).map((item) => ({
    sku: item.sku,
    quantity: int64JSON(item.quantity as bigint),
    unit_price_cents: int64JSON(item.unit_price_cents as bigint),
  }));

  // Notes may be added from now on; the validator runs in the workflow task the update arrives
  // in, and accepted notes are kept for the receipt.
  const notes: string[] = [];
  setUpdateHandler(
    "add_note",
    ({ note }: { note: string }) => {
      notes.push(note);
      return { notes: notes.length };
    },
    {
      validator: (arg: { note?: unknown }) => {
        if (typeof arg?.note !== "string" || !arg.note) {
          throw ApplicationFailure.create({ message: "a note must not be empty", type: "EmptyNote" });
        }
      },
    },
  );

  // Step 2.
  const { reservation_id: reservationId } = await reserving.reserve_stock.start({ order_id: orderId, items });
  log.info(`order ${orderId}: stock reserved as ${reservationId}`);
  const release = () => compensate(() => inventory.release_stock.start({ reservation_id: reservationId }), "release_stock");

  // Step 3: charge, or undo the reservation and fail.
  let chargeId: string;
  try {
    const response = await startHttp({
      method: "POST",
      url: paymentUrl,
      headers: { "content-type": "application/json", authorization: "Bearer {{secret PAYMENTS_TOKEN}}" },
      body: { order_id: orderId, amount_cents: int64JSON(totalCents) },
      startToCloseTimeout: ACTIVITY_TIMEOUT,
      retry: { maximumAttempts: 3 },
    });
    chargeId = response.json<{ charge_id?: unknown }>().charge_id as string;
    if (typeof chargeId !== "string" || !chargeId) throw new Error("the payment service answered without a charge_id");
  } catch (error) {
    await release();
    fail("PaymentFailed", `payment for order ${orderId} failed: ${reasonOf(error)}`, error);
  }
  log.info(`order ${orderId}: charged as ${chargeId}`);
  const refundAndRelease = async () => {
    await compensate(() => inventory.refund.start({ charge_id: chargeId }), "refund");
    await release();
  };

  // Step 4.
  setQueryResult("status", { state: "awaiting_approval", order_id: orderId, charge_id: chargeId });
  setCurrentDetails(`awaiting approval of order ${orderId}`);

  // Step 5: one wait over the approval, the deadline and cancellation.
  const approvals = signalChannel<{ approved_by?: string }>("approve");
  const deadline = startTimer(approvalTimeoutMs, { summary: `approval of order ${orderId}` });
  const first = select(approvals, deadline, cancelled);
  if (first === deadline) {
    await refundAndRelease();
    fail("ApprovalTimedOut", `order ${orderId} was not approved within ${approvalTimeoutMs} ms`);
  }
  deadline.cancel();
  if (first === cancelled) {
    log.info(`order ${orderId}: cancelled`);
    await refundAndRelease();
    completeAsCancelled(`order ${orderId} cancelled`);
  }
  const approvedBy = approvals.receive()?.approved_by ?? "";
  log.info(`order ${orderId}: approved by ${approvedBy}`);

  // Step 6: ship, or undo the charge and the reservation and fail.
  let tracking: string;
  try {
    ({ tracking } = await inventory.ship.start({ order_id: orderId, reservation_id: reservationId }));
  } catch (error) {
    await refundAndRelease();
    fail("ShipmentFailed", `shipping order ${orderId} failed: ${reasonOf(error)}`, error);
  }
  setQueryResult("status", { state: "shipped", order_id: orderId, charge_id: chargeId, tracking });

  // Step 7.
  metrics.counter("orders_completed", 1, { outcome: "shipped" });
  log.info(`order ${orderId} shipped as ${tracking}`);
  const receipt: Receipt = {
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

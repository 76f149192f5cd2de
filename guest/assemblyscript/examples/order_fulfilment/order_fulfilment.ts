/**
 * order_fulfilment: a durable order workflow: reserve stock, charge over HTTP, wait for an
 * approval (or a timeout, or cancellation) while taking notes, ship, and compensate on the way
 * out when something fails.
 *
 * Input:  params[0]: {"order_id", "items": [{"sku", "quantity", "unit_price_cents"}],
 *                     "payment_url", "approval_timeout_ms"?: (default 60000)}
 * Steps:
 *   1. Check the order as validate_order does (the same InvalidOrder failure), then that it
 *      has a payment_url and a positive approval_timeout_ms (problems of the same kind).
 *   2. `reserve_stock` on task queue `inventory` with {"order_id", "items"} -> {"reservation_id"}.
 *   3. POST {"order_id", "amount_cents"} to payment_url as an HTTP activity -> {"charge_id"}.
 *      On failure: `release_stock` {"reservation_id"}, then fail with `PaymentFailed`.
 *   4. Publish query `status` {"state": "awaiting_approval", "order_id", "charge_id"} and the
 *      current details "awaiting approval of order <id>".
 *   5. Wait for signal `approve` [{"approved_by"}], the approval timer or cancellation, taking
 *      `add_note` updates meanwhile (the validator rejects an empty note with `EmptyNote`).
 *      Timer first: `refund` {"charge_id"}, `release_stock`, fail with `ApprovalTimedOut`.
 *      Cancellation first: the same compensation, then end as cancelled.
 *   6. `ship` {"order_id", "reservation_id"} -> {"tracking"}; publish `status` "shipped".
 *   7. Count `orders_completed{outcome="shipped"}` and complete with the receipt
 *      {"order_id", "reservation_id", "charge_id", "approved_by", "tracking", "total_cents",
 *       "notes"?: [...] (only when notes were added)}.
 * Reserving or shipping failing is not part of the contract; this fails non-retryably with
 * `ReservationFailed` / `ShipmentFailed` (after compensating what was done), as the C example.
 */
import {
  Activity, CancellationChannel, Failure, HttpRequest, JsonKind, JsonWriter, Outcome, Pairs, RetryPolicy, SignalChannel, Timer,
  Update, UpdateChannel, cancellation, complete, completeAsCancelled, counter, fail, input, jsonString, logError,
  logInfo, logWarn, select, setCurrentDetails, setQueryResult,
} from "../../sdk";
import { checkOrder, isIntegerAtLeast, rejectOrder } from "../validate_order/order";

const INVENTORY = "inventory";
const ACTIVITY_TIMEOUT_MS: i64 = 10000;
const ATTEMPTS = 3;
const DEFAULT_APPROVAL_TIMEOUT_MS: i64 = 60000;

/** What the run has learnt so far. */
class Fulfilment {
  reservationId: string = "";
  chargeId: string = "";
  approvedBy: string = "";
  tracking: string | null = null;
  /** The notes accepted through `add_note`, in order. */
  notes: string[] = [];

  constructor(
    public orderId: string,
    public totalCents: i64,
    public approvalTimeoutMs: i64,
  ) {}
}

// ---- small helpers ----

/** An activity on the inventory task queue with the standard timeout. */
function inventory(activityType: string): Activity {
  return new Activity(activityType).taskQueue(INVENTORY).startToCloseMs(ACTIVITY_TIMEOUT_MS);
}

/** `{"<key>": "<value>"}`. */
function objectOf(key: string, value: string): string {
  return new JsonWriter().beginObject().key(key).string(value).endObject().toString();
}

/** The non-empty string member `key` of a completed outcome's JSON object, or null. */
function resultString(outcome: Outcome, key: string): string | null {
  const value = outcome.value();
  if (value === null) return null;
  const text = value.getStringOrNull(key);
  return text !== null && text.length > 0 ? text : null;
}

/** Why `outcome` gave no `field`: its failure's reason, or that the field was missing. */
function failureReason(outcome: Outcome, field: string): string {
  return outcome.ok ? "the result has no " + field : outcome.reason();
}

/** Fails the workflow non-retryably with `type` and `message`, keeping `cause`. Does not return. */
function failWith(type: string, message: string, cause: Failure | null): void {
  fail(new Failure(message, type, true).withCause(cause));
}

// ---- the steps ----

/** Runs one compensating activity; a failure is logged, not fatal (the original outcome stands). */
function compensate(f: Fulfilment, activityType: string, key: string, value: string): void {
  const undone = inventory(activityType).arg(objectOf(key, value)).execute();
  if (!undone.ok) logError("order " + f.orderId + ": " + activityType + " failed: " + undone.reason());
}

/** Undoes the charge and the reservation. */
function refundAndRelease(f: Fulfilment): void {
  compensate(f, "refund", "charge_id", f.chargeId);
  compensate(f, "release_stock", "reservation_id", f.reservationId);
}

/** Step 2: reserves the stock. */
function reserveStock(f: Fulfilment, itemsJson: string[]): void {
  const arg = new JsonWriter();
  arg.beginObject().key("order_id").string(f.orderId).key("items").beginArray();
  for (let i = 0; i < itemsJson.length; i++) arg.raw(itemsJson[i]);
  arg.endArray().endObject();

  const reserved = inventory("reserve_stock").retry(new RetryPolicy().maximumAttempts(ATTEMPTS)).arg(arg.toString()).execute();
  const reservationId = resultString(reserved, "reservation_id");
  if (reservationId === null) {
    failWith("ReservationFailed", "reserving stock for order " + f.orderId + " failed: " +
      failureReason(reserved, "reservation_id"), reserved.failure);
    return;
  }
  f.reservationId = reservationId;
  logInfo("order " + f.orderId + ": stock reserved as " + reservationId);
}

/** Step 3: charges the order through the payment service, or undoes the reservation and fails. */
function charge(f: Fulfilment, paymentUrl: string): void {
  const body = new JsonWriter();
  body.beginObject().key("order_id").string(f.orderId).key("amount_cents").integer(f.totalCents).endObject();
  const charged = HttpRequest.post(paymentUrl)
    .header("content-type", "application/json")
    .header("authorization", "Bearer {{secret PAYMENTS_TOKEN}}")
    .bodyText(body.toString())
    .startToCloseMs(ACTIVITY_TIMEOUT_MS)
    .retry(new RetryPolicy().maximumAttempts(ATTEMPTS))
    .execute();

  let chargeId: string | null = null;
  const response = charged.response;
  if (response !== null) {
    const answer = response.json();
    if (answer !== null) chargeId = answer.getStringOrNull("charge_id");
  }
  if (chargeId === null || chargeId.length == 0) {
    const failure = charged.failure;
    const reason = failure !== null ? failure.reason() : "the payment service answered without a charge_id";
    logWarn("order " + f.orderId + ": payment failed: " + reason);
    compensate(f, "release_stock", "reservation_id", f.reservationId);
    failWith("PaymentFailed", "payment for order " + f.orderId + " failed: " + reason, failure);
    return;
  }
  f.chargeId = chargeId;
  logInfo("order " + f.orderId + ": charged as " + chargeId);
}

/** Publishes the `status` query: {"state", "order_id", "charge_id", "tracking"?}. */
function publishStatus(f: Fulfilment, state: string): void {
  const status = new JsonWriter();
  status.beginObject().key("state").string(state).key("order_id").string(f.orderId).key("charge_id").string(f.chargeId);
  const tracking = f.tracking;
  if (tracking !== null) status.key("tracking").string(tracking);
  setQueryResult("status", status.endObject().toString());
}

/** The `add_note` validator: a note must be a non-empty string. */
function validNote(update: Update): Failure | null {
  const arg = update.arg();
  if (arg !== null) {
    const note = arg.get("note");
    if (note !== null && note.kind == JsonKind.String && note.text.length > 0) return null;
  }
  return new Failure("a note must not be empty", "EmptyNote");
}

/** Answers every accepted `add_note` update: keeps the note, answers {"notes": count so far}. */
function takeNotes(f: Fulfilment, channel: UpdateChannel): void {
  let update = channel.tryReceive();
  while (update !== null) {
    const arg = update.arg();
    f.notes.push(arg !== null ? arg.getString("note") : "");
    update.complete(new JsonWriter().beginObject().key("notes").integer(f.notes.length).endObject().toString());
    update = channel.tryReceive();
  }
}

/** Step 5: waits for the approval, the deadline or cancellation, taking notes meanwhile. */
function awaitApproval(f: Fulfilment, notes: UpdateChannel, cancelled: CancellationChannel): void {
  const approve = new SignalChannel("approve");
  const deadline = Timer.start(f.approvalTimeoutMs, "approval of order " + f.orderId);
  while (true) {
    const ready = select([approve, deadline, cancelled, notes]);
    if (ready == 0) {
      const approval = approve.receive().arg();
      const approvedBy = approval !== null ? approval.getStringOrNull("approved_by") : null;
      if (approvedBy === null) {
        logWarn("order " + f.orderId + ": ignoring an `approve` signal without approved_by");
        continue;
      }
      deadline.cancel();
      f.approvedBy = approvedBy;
      logInfo("order " + f.orderId + ": approved by " + approvedBy);
      return;
    }
    if (ready == 1) {
      refundAndRelease(f);
      failWith("ApprovalTimedOut", "order " + f.orderId + " was not approved within " +
        f.approvalTimeoutMs.toString() + " ms", null);
      return;
    }
    if (ready == 2) {
      deadline.cancel();
      logInfo("order " + f.orderId + ": cancelled");
      refundAndRelease(f);
      completeAsCancelled([jsonString("order " + f.orderId + " cancelled")]);
      return;
    }
    takeNotes(f, notes);
  }
}

/** Step 6: ships the order, or undoes the charge and the reservation and fails. */
function ship(f: Fulfilment): void {
  const arg = new JsonWriter();
  arg.beginObject().key("order_id").string(f.orderId).key("reservation_id").string(f.reservationId).endObject();
  const shipped = inventory("ship").arg(arg.toString()).execute();
  const tracking = resultString(shipped, "tracking");
  if (tracking === null) {
    const reason = failureReason(shipped, "tracking");
    refundAndRelease(f);
    failWith("ShipmentFailed", "shipping order " + f.orderId + " failed: " + reason, shipped.failure);
    return;
  }
  f.tracking = tracking;
  publishStatus(f, "shipped");
}

/** Step 7: the metric and the receipt. Does not return. */
function completeWithReceipt(f: Fulfilment): void {
  counter("orders_completed", 1, new Pairs().add("outcome", "shipped"));
  const receipt = new JsonWriter();
  receipt.beginObject()
    .key("order_id").string(f.orderId)
    .key("reservation_id").string(f.reservationId)
    .key("charge_id").string(f.chargeId)
    .key("approved_by").string(f.approvedBy)
    .key("tracking").stringOrNull(f.tracking)
    .key("total_cents").integer(f.totalCents);
  if (f.notes.length > 0) {
    receipt.key("notes").beginArray();
    for (let i = 0; i < f.notes.length; i++) receipt.string(f.notes[i]);
    receipt.endArray();
  }
  logInfo("order " + f.orderId + " shipped as " + (f.tracking !== null ? <string>f.tracking : ""));
  complete(receipt.endObject().toString());
}

/** The workflow's entry point, called once per run by the worker (and again on each replay). */
export function run(): void {
  // Step 1: the order, as validate_order checks it, then what fulfilment needs besides.
  const order = input();
  const check = checkOrder(order);
  if (check.problems.length > 0 || order === null) {
    rejectOrder(check);
    return;
  }
  const paymentUrl = order.getString("payment_url");
  if (paymentUrl.length == 0) check.problems.push("payment_url is required");
  let approvalTimeoutMs = DEFAULT_APPROVAL_TIMEOUT_MS;
  const timeout = order.get("approval_timeout_ms");
  if (timeout !== null && timeout.kind != JsonKind.Null) {
    if (isIntegerAtLeast(timeout, 1)) approvalTimeoutMs = timeout.integer;
    else check.problems.push("approval_timeout_ms must be a positive integer");
  }
  if (check.problems.length > 0) {
    rejectOrder(check);
    return;
  }
  const f = new Fulfilment(check.shownId, check.totalCents, approvalTimeoutMs);

  // Opened first: notes sent during the first steps are validated and kept too, and a
  // cancellation requested meanwhile is heard (and compensated) at the approval step.
  const notes = new UpdateChannel("add_note", validNote);
  const cancelled = cancellation();

  reserveStock(f, check.itemsJson);
  charge(f, paymentUrl);

  // Step 4.
  publishStatus(f, "awaiting_approval");
  setCurrentDetails("awaiting approval of order " + f.orderId);

  awaitApproval(f, notes, cancelled);
  ship(f);
  takeNotes(f, notes); // notes that came in while shipping are answered and kept too
  completeWithReceipt(f);
}

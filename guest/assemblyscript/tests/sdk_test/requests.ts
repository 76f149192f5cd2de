/**
 * requests.ts: the `request_*` tests. Each calls the SDK's public API the way a workflow would
 * to produce one request fixture (guest/fixtures/requests/*.json); run_tests.mjs compares the
 * JSON the SDK passed to the import with the fixture.
 */
import {
  Activity, ActivityCancellation, ChildCancellation, ChildWorkflow, ContinueAsNew, ExternalWorkflow, Failure,
  HttpRequest, IdReusePolicy, JsonValue, Memo, MetricKind, Pairs, ParentClosePolicy, Payload, RetryPolicy,
  SearchAttributes, Timer, Update, UpdateChannel, complete, completeAsCancelled, completeWithPayloads,
  emitMetric, fail, jsonString, setQueryResult, upsertMemo, upsertSearchAttributes,
} from "../../sdk";
import { check } from "./checks";

export function request_start_timer(): void {
  Timer.start(5000, "wait for the warehouse");
}

export function request_start_activity(): void {
  new Activity("reserve_stock")
    .arg('{"sku":"apple","quantity":3}')
    .taskQueue("inventory")
    .id("reserve-1")
    .scheduleToCloseMs(60000)
    .scheduleToStartMs(10000)
    .startToCloseMs(5000)
    .heartbeatMs(2000)
    .retry(new RetryPolicy().initialInterval(100).backoff(2.0).maximumInterval(10000).maximumAttempts(5).nonRetryable("OutOfStock"))
    .cancellation(ActivityCancellation.WaitCancellationCompleted)
    .summary("reserve 3 apples")
    .start();
}

export function request_start_http_activity(): void {
  HttpRequest.post("http://127.0.0.1:8080/charges")
    .header("content-type", "application/json")
    .header("authorization", "Bearer {{secret PAYMENTS_TOKEN}}")
    .bodyText('{"order_id":"A-17","amount_cents":375}')
    .startToCloseMs(10000)
    .retry(new RetryPolicy().maximumAttempts(3))
    .maxResponse(65536)
    .start();
}

export function request_start_child_workflow(): void {
  new ChildWorkflow("Ship")
    .id("ship-A-17")
    .arg('{"order_id":"A-17"}')
    .taskQueue("wasm-workflows")
    .namespace("default")
    .executionTimeout(3600000)
    .runTimeout(600000)
    .taskTimeout(10000)
    .idReuse(IdReusePolicy.RejectDuplicate)
    .parentClose(ParentClosePolicy.RequestCancel)
    .retry(new RetryPolicy().maximumAttempts(2))
    .cron("")
    .memo("owner", '"ops"')
    .searchAttribute("CustomKeywordField", '"ship"')
    .cancellation(ChildCancellation.WaitCancellationCompleted)
    .start();
}

export function request_signal_external_workflow(): void {
  new ExternalWorkflow("batch-3").run("run-0").namespace("default").signal("order_done", ['{"order_id":"A-17"}']);
}

export function request_cancel_external_workflow(): void {
  new ExternalWorkflow("reminder-A-17").cancel();
}

export function request_set_query_result(): void {
  setQueryResult("status", '{"state":"awaiting_approval"}');
}

export function request_upsert_search_attributes(): void {
  upsertSearchAttributes(new SearchAttributes().string("CustomKeywordField", "shipped").integer("CustomIntField", 3).remove("Obsolete"));
}

export function request_upsert_memo(): void {
  upsertMemo(new Memo().json("note", '"gift wrap"').remove("old_note"));
}

export function request_emit_metric(): void {
  emitMetric("orders_shipped", MetricKind.Counter, 1, new Pairs().add("region", "eu"));
}

export function request_complete(): void {
  complete('{"receipt":"R-17"}');
}

export function request_complete_with_failure(): void {
  fail(new Failure("order 17 is invalid", "InvalidOrder", true).withDetail('{"order_id":17}'));
}

export function request_complete_as_cancelled(): void {
  completeAsCancelled([jsonString("cancelled by the customer")]);
}

export function request_continue_as_new(): void {
  new ContinueAsNew()
    .arg('{"page":2}')
    .type("OrderFulfilment")
    .taskQueue("wasm-workflows")
    .runTimeout(600000)
    .taskTimeout(10000)
    .memo("owner", '"ops"')
    .searchAttribute("CustomKeywordField", '"gold"')
    .retry(new RetryPolicy().maximumAttempts(1))
    .run();
}

/** The harness queues an `add_note`-style update item (results/update_item.json) on handle 1. */
export function request_respond_update_completed(): void {
  new UpdateChannel("change").receive().complete('{"approved":true}');
}

export function request_respond_update_failed(): void {
  new UpdateChannel("change").receive().fail(new Failure("cannot change a shipped order", "OrderShipped"));
}

function rejectQuantity(update: Update): Failure | null {
  return new Failure("quantity must be positive", "InvalidQuantity");
}

/** The validator rejects; the harness checks the `rejected` answer. */
export function request_respond_update_rejected(): void {
  const channel = new UpdateChannel("change", rejectQuantity);
  check(channel.tryReceive() === null, "a rejected update is not received");
}

/** payloads.json: a JSON payload, a binary one, one without metadata. */
export function request_payloads(): void {
  const bytes = new Uint8Array(4);
  bytes[0] = 0x00;
  bytes[1] = 0x01;
  bytes[2] = 0xfe;
  bytes[3] = 0xff;
  completeWithPayloads([Payload.json('"Alice"'), Payload.bytes("binary/plain", bytes), new Payload(JsonValue.object(), "")]);
}

/** failure-application.json, built by the workflow. */
export function request_failure_application(): void {
  fail(new Failure("card 4242 declined", "CardDeclined", true).withDetail('{"code":42}').withCause(new Failure("issuer said no")));
}

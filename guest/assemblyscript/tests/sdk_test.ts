/**
 * sdk_test.ts: the guest half of the SDK's tests, run by run_tests.mjs under a fake worker in
 * Node.js (see there). Each exported `test_*` function is one test, run in a fresh instance:
 *
 *   - `request_*` tests call the SDK's public API the way a workflow would to produce one
 *     request fixture (guest/fixtures/requests/*.json); the harness compares the JSON the SDK
 *     passed to the import with the fixture.
 *   - `result_*` tests receive a result fixture (guest/fixtures/results/*.json, or a failure
 *     fixture wrapped as `{"failed": ...}`) from the fake `take_result` and check, here, that
 *     the SDK decodes every field.
 *   - the rest test the pure parts (base64, JSON reading and writing) and the waiting rules.
 *
 * A failed check aborts through `abortRun`, whose error log line the harness reports.
 */
import {
  Activity, ActivityCancellation, ChildCancellation, ChildWorkflow, ContinueAsNew, ExternalWorkflow, Failure,
  HttpRequest, IdReusePolicy, JsonValue, JsonWriter, Memo, MetricKind, Pairs, ParentClosePolicy, Payload,
  RetryPolicy, SearchAttributes, SignalChannel, Timer, Update, UpdateChannel, base64Decode, base64Encode, cancellation,
  LogLevel, complete, completeAsCancelled, completeWithPayloads, emitMetric, fail, getInfo, isReplaying, jsonString,
  logEnabled, logLevel, now, panic, parseJson, parseJsonString, patched, randomBytes, select, selectTimeout,
  setQueryResult, upsertMemo, upsertSearchAttributes, utf8Bytes,
} from "../sdk";

// ---- checks ----

function check(condition: bool, what: string): void {
  if (!condition) panic("check failed: " + what);
}

function checkText(actual: string | null, expected: string, what: string): void {
  if (actual === null) panic(what + ": expected \"" + expected + "\", got null");
  else if (actual != expected) panic(what + ": expected \"" + expected + "\", got \"" + actual + "\"");
}

function checkInt(actual: i64, expected: i64, what: string): void {
  if (actual != expected) panic(what + ": expected " + expected.toString() + ", got " + actual.toString());
}

function some<T>(value: T, what: string): NonNullable<T> {
  if (value === null) panic(what + " is missing");
  return changetype<NonNullable<T>>(value);
}

// ---- requests: each builds one fixture through the public API ----

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

// ---- results: the harness queues the fixture on handle 1 ----

export function result_activity_completed(): void {
  const outcome = new Activity("reserve_stock").startToCloseMs(1000).execute();
  check(outcome.ok, "completed");
  checkInt(outcome.payloads.length, 1, "payload count");
  checkInt(some(outcome.value(), "value").getInteger("reserved"), 3, "reserved");
  check(outcome.failure === null, "no failure");
}

/** Shared by activity_failed and failure-activity: the activity failure as the host hands it over. */
function checkActivityFailure(failure: Failure): void {
  checkText(failure.message, "Activity task failed", "message");
  checkText(failure.type, "CardDeclined", "type copied to the top");
  checkText(failure.kind, "activity", "kind");
  checkText(failure.retryState, "non_retryable_failure", "retry_state");
  const activity = some(some(failure.json, "json").get("activity"), "activity");
  checkText(activity.getString("activity_type"), "charge", "activity.activity_type");
  checkText(activity.getString("activity_id"), "2", "activity.activity_id");
  checkInt(activity.getInteger("scheduled_event_id"), 5, "activity.scheduled_event_id");
  const cause = some(failure.cause, "cause");
  checkText(cause.kind, "application", "cause kind");
  checkText(cause.source, "PythonSDK", "cause source");
  check(cause.nonRetryable, "cause non_retryable");
  checkInt(some(cause.detail(0), "cause detail").getInteger("code"), 42, "cause detail code");
  const application = some(failure.application(), "application failure");
  checkText(application.message, "card 4242 declined", "application message");
  checkText(failure.reason(), "card 4242 declined", "reason");
}

export function result_activity_failed(): void {
  const outcome = new Activity("charge").startToCloseMs(1000).execute();
  check(outcome.isFailed && !outcome.ok, "failed");
  check(outcome.value() === null, "no value");
  checkActivityFailure(some(outcome.failure, "failure"));
  checkText(outcome.reason(), "card 4242 declined", "outcome reason");
}

export function result_activity_cancelled(): void {
  const handle = new Activity("slow").startToCloseMs(1000).start();
  handle.cancel();
  const outcome = handle.result();
  check(outcome.isCancelled, "cancelled");
  const failure = some(outcome.failure, "failure");
  checkText(failure.kind, "activity", "kind");
  checkText(failure.retryState, "cancel_requested", "retry_state");
  checkText(some(failure.cause, "cause").kind, "cancelled", "cause kind");
  checkText(failure.reason(), "cancelled", "reason: the innermost message");
  check(handle.result() === outcome, "result() is kept");
}

export function result_timer_fired(): void {
  check(Timer.start(1000).wait(), "fired");
}

export function result_timer_cancelled(): void {
  const timer = Timer.start(1000);
  timer.cancel();
  check(!timer.wait(), "not fired");
  const failure = some(timer.result().failure, "failure");
  checkText(failure.kind, "cancelled", "kind");
  checkText(failure.source, "temporal-wasm-worker", "source");
  checkText(failure.message, "timer cancelled by the workflow", "message");
}

export function result_cancellation_item(): void {
  const cancelled = cancellation();
  check(cancelled.isRequested(), "requested");
  cancelled.wait();
  checkInt(select([cancelled]), 0, "select");
}

export function result_child_already_started(): void {
  const outcome = new ChildWorkflow("Ship").id("ship-A-17").execute();
  const failure = some(outcome.failure, "failure");
  check(outcome.isFailed, "failed");
  checkText(failure.type, "WorkflowAlreadyStarted", "type");
  check(failure.nonRetryable, "non_retryable");
  checkText(failure.kind, "application", "kind");
  checkText(some(some(failure.json, "json").get("child_workflow"), "child_workflow").getString("workflow_id"), "ship-A-17", "child id");
}

export function result_child_failed(): void {
  const outcome = new ChildWorkflow("Ship").execute();
  const failure = some(outcome.failure, "failure");
  checkText(failure.kind, "child_workflow", "kind");
  checkText(failure.retryState, "non_retryable_failure", "retry_state");
  checkText(some(some(failure.json, "json").get("child_workflow"), "child_workflow").getString("run_id"), "run-9", "run id");
  const application = some(failure.application(), "application");
  checkText(application.type, "NoCourier", "application type");
  checkText(failure.reason(), "no courier", "reason");
  check(failure.type === null, "no type copied at this level in the fixture");
}

export function result_http_completed(): void {
  const result = HttpRequest.get("http://127.0.0.1:8080/charges/ch_1").execute();
  check(result.ok, "ok");
  const response = some(result.response, "response");
  checkInt(response.status, 200, "status");
  checkText(response.header("Content-Type"), "application/json", "content-type header");
  checkText(response.text(), '{"charge_id":"ch_1"}', "body");
  checkText(some(response.json(), "json body").getString("charge_id"), "ch_1", "charge_id");
}

export function result_signal_item(): void {
  const signal = new SignalChannel("approve").receive();
  checkText(signal.name, "approve", "name");
  checkInt(signal.args.length, 1, "arg count");
  checkText(some(signal.arg(), "arg").getString("approved_by"), "ops", "approved_by");
  check(some(signal.arg(1), "missing arg").isNull, "a missing argument reads as JSON null");
}

export function result_update_item(): void {
  const update = new UpdateChannel("change").receive();
  checkText(update.id, "upd-1", "update_id");
  checkText(update.name, "change", "name");
  checkInt(some(update.arg(), "arg").getInteger("quantity"), 4, "quantity");
}

export function result_failure_activity(): void {
  checkActivityFailure(some(new Activity("charge").startToCloseMs(1000).execute().failure, "failure"));
}

export function result_failure_timeout(): void {
  const failure = some(new Activity("slow").startToCloseMs(1000).execute().failure, "failure");
  checkText(failure.kind, "activity", "kind");
  checkText(failure.retryState, "timeout", "retry_state");
  check(failure.type === null, "no type");
  check(failure.application() === null, "no application failure");
  const cause = some(failure.cause, "cause");
  checkText(cause.kind, "timeout", "cause kind");
  checkText(cause.timeoutType, "start_to_close", "timeout_type");
  checkText(failure.reason(), "activity StartToClose timeout", "reason: the innermost message");
}

/** The harness wraps failure-application.json as a result; the workflow fails with it as is. */
export function result_failure_application_round_trip(): void {
  const failure = some(new Activity("charge").startToCloseMs(1000).execute().failure, "failure");
  checkText(failure.type, "CardDeclined", "type");
  checkText(some(failure.cause, "cause").message, "issuer said no", "cause");
  fail(failure);
}

/** The harness wraps failure-activity.json; re-raised, only ABI v0's fields go out. */
export function result_failure_activity_round_trip(): void {
  fail(some(new Activity("charge").startToCloseMs(1000).execute().failure, "failure"));
}

/** The harness serves info.json. */
export function result_info(): void {
  const info = getInfo();
  checkInt(info.params.length, 2, "params");
  checkText(some(info.param(0), "param 0").getString("order_id"), "A-17", "param 0");
  checkInt(some(info.param(1), "param 1").integer, 2, "param 1");
  check(some(info.param(2), "param 2").isNull, "a missing param reads as JSON null");
  checkText(info.workflowType, "OrderFulfilment", "workflow_type");
  checkText(info.workflowId, "order-17", "workflow_id");
  checkText(info.runId, "run-1", "run_id");
  checkText(info.namespace, "default", "namespace");
  checkText(info.taskQueue, "wasm-workflows", "task_queue");
  checkInt(info.attempt, 1, "attempt");
  checkText(info.startTime, "2026-01-01T00:00:00Z", "start_time");
  const parent = some(info.parent, "parent");
  checkText(parent.workflowId, "batch-3", "parent workflow_id");
  checkText(parent.runId, "run-0", "parent run_id");
  checkText(parent.namespace, "default", "parent namespace");
  checkText(info.continuedFromRunId, "run-0", "continued_from_run_id");
  checkText(some(some(info.memo("owner"), "memo owner").json(), "memo json").text, "ops", "memo owner");
  checkInt(info.memoKeys().length, 1, "memo keys");
  checkText(some(info.searchAttribute("CustomKeywordField"), "search attribute").text, "gold", "search attribute");
}

/** The harness serves info-v0.json. */
export function result_info_v0(): void {
  const info = getInfo();
  checkInt(info.params.length, 0, "params");
  check(some(info.param(0), "param 0").isNull, "no input reads as JSON null");
  checkText(info.workflowType, "Greet", "workflow_type");
  check(info.parent === null, "no parent");
  check(info.continuedFromRunId === null, "no continued run");
  check(info.memo("owner") === null, "no memo");
  check(info.searchAttribute("CustomKeywordField") === null, "no search attributes");
}

/** The harness serves `{"params": <payloads.json>}` as the info. */
export function result_payloads(): void {
  const payloads = getInfo().params;
  checkInt(payloads.length, 3, "count");
  checkText(some(payloads[0].json(), "json payload").text, "Alice", "json payload");
  checkText(payloads[0].encoding(), "json/plain", "json encoding");
  checkText(payloads[1].encoding(), "binary/plain", "binary encoding");
  check(payloads[1].json() === null, "a binary payload is not JSON");
  const bytes = some(payloads[1].bytes(), "binary bytes");
  checkInt(bytes.length, 4, "binary length");
  check(bytes[0] == 0 && bytes[1] == 1 && bytes[2] == 0xfe && bytes[3] == 0xff, "binary bytes");
  check(payloads[2].encoding() === null, "no metadata");
  checkInt(some(payloads[2].bytes(), "empty bytes").length, 0, "empty data");
}

// ---- waiting rules ----

function rejectEmptyNote(update: Update): Failure | null {
  const arg = update.arg();
  return arg !== null && arg.getString("note").length > 0 ? null : new Failure("a note must not be empty", "EmptyNote");
}

/**
 * An update that arrives while the workflow waits for an activity meets its validator then:
 * the harness queues an empty note on the channel (handle 1) and the activity's result
 * (handle 2) together.
 */
export function wait_validates_updates_while_waiting_for_something_else(): void {
  const notes = new UpdateChannel("add_note", rejectEmptyNote);
  const outcome = new Activity("reserve_stock").startToCloseMs(1000).execute();
  check(outcome.ok, "the activity completed");
  check(notes.tryReceive() === null, "the rejected note is not kept");
}

/** Accepted updates are kept by the SDK until received; select sees them as ready. */
export function wait_keeps_accepted_updates_until_received(): void {
  const notes = new UpdateChannel("add_note", rejectEmptyNote);
  const activity = new Activity("reserve_stock").startToCloseMs(1000).start();
  activity.result();
  checkInt(select([activity, notes]), 0, "the taken activity counts as ready first");
  checkInt(select([notes, activity]), 0, "the accepted note is ready");
  const update = notes.receive();
  checkText(update.id, "u-1", "update id");
  update.complete('{"notes":1}');
}

/** selectTimeout returns -1 when its timer (the last handle) fires first. */
export function wait_select_timeout_times_out(): void {
  const approve = new SignalChannel("approve");
  checkInt(selectTimeout([approve], 5000), -1, "timed out");
}

/** selectTimeout cancels its timer when something else is ready first. */
export function wait_select_timeout_cancels_its_timer(): void {
  const approve = new SignalChannel("approve");
  checkInt(selectTimeout([approve], 5000), 0, "the signal first");
}

// ---- pure parts ----

export function test_base64(): void {
  checkText(base64Encode(utf8Bytes("")), "", "empty");
  checkText(base64Encode(utf8Bytes("f")), "Zg==", "f");
  checkText(base64Encode(utf8Bytes("fo")), "Zm8=", "fo");
  checkText(base64Encode(utf8Bytes("foo")), "Zm9v", "foo");
  checkText(base64Encode(utf8Bytes("json/plain")), "anNvbi9wbGFpbg==", "json/plain");
  checkText(String.UTF8.decode(some(base64Decode("Zm9vYg=="), "foob").buffer), "foob", "decode foob");
  check(base64Decode("Zm9") === null, "bad length");
  check(base64Decode("Zm=v") === null, "padding inside");
  check(base64Decode("Zm9v!A==") === null, "bad character");
  check(base64Decode("====") === null, "only padding");
  checkInt(some(base64Decode(""), "empty").length, 0, "empty decode");
}

export function test_json_reading(): void {
  const value = some(parseJsonString(' {"a": [1, -2.5e3, true, null, "x\\u00e9\\ud83e\\udd80"], "a": {"b": 9223372036854775807}} '), "doc");
  checkInt(some(some(value.get("a"), "a").get("b"), "b").integer, 9223372036854775807, "last duplicate wins, i64 max");
  checkInt(value.keys.length, 2, "duplicates kept");
  const list = value.items[0];
  checkInt(list.length, 5, "array length");
  check(some(list.at(0), "0").isInteger, "1 is an integer");
  check(!some(list.at(1), "1").isInteger, "-2.5e3 is not an integer");
  check(some(list.at(1), "1").toF64() == -2500, "-2.5e3");
  check(some(list.at(2), "2").boolean, "true");
  check(some(list.at(3), "3").isNull, "null");
  checkText(some(list.at(4), "4").text, "xé🦀", "escapes and a surrogate pair");
  check(!some(parseJsonString("9223372036854775808"), "2^63").isInteger, "2^63 is not an i64");
  check(some(parseJsonString("-9223372036854775808"), "-2^63").integer == i64.MIN_VALUE, "-2^63 is");
  const invalid = ["", "01", "1.", "[1,]", '{"a" 1}', "tru", '"\\x"', '"a\tb"', "[1] [2]", "\xef\xbb\xbf1", "{,}", "-"];
  for (let i = 0; i < invalid.length; i++) check(parseJsonString(invalid[i]) === null, "rejects " + invalid[i]);
  // Invalid UTF-8 (a lone continuation byte, an overlong encoding, an encoded surrogate).
  const bad = new Uint8Array(3);
  bad[0] = 0x22; bad[1] = 0x80; bad[2] = 0x22;
  check(parseJson(bad) === null, "lone continuation byte");
  const overlong = new Uint8Array(4);
  overlong[0] = 0x22; overlong[1] = 0xc0; overlong[2] = 0xaf; overlong[3] = 0x22;
  check(parseJson(overlong) === null, "overlong");
  // Deep nesting is limited by memory, not by the wasm stack.
  const depth = 100000;
  const deep = new Uint8Array(depth * 2);
  for (let i = 0; i < depth; i++) {
    deep[i] = 0x5b;
    deep[depth + i] = 0x5d;
  }
  check(parseJson(deep) !== null, "100000 nested arrays");
}

export function test_json_writing(): void {
  checkText(jsonString('a"b\\c\n\t\u0001é🦀'), '"a\\"b\\\\c\\n\\t\\u0001é🦀"', "escapes");
  checkText(jsonString(String.fromCharCode(0xd800) + "x"), '"\\ud800x"', "a lone surrogate stays an escape");
  const w = new JsonWriter();
  w.beginObject().key("a").beginArray().integer(-1).number(2.5).bool(false).null().endArray()
    .key("b").beginObject().endObject().key("c").number(NaN).key("d").raw("[1,2]").endObject();
  checkText(w.toString(), '{"a":[-1,2.5,false,null],"b":{},"c":null,"d":[1,2]}', "writer");
  const doc = '{"x":[1,2.50,{"y":"é\\u0000"}],"z":{}}';
  checkText(new JsonWriter().value(some(parseJsonString(doc), "doc")).toString(), '{"x":[1,2.50,{"y":"é\\u0000"}],"z":{}}', "round trip");
  checkText(Payload.json('"Alice"').data, "IkFsaWNlIg==", "json payload data");
}

/** The harness answers now = 1767225600000, random bytes 0, 1, 2..., patched("v2") = 1, log level info. */
export function test_deterministic(): void {
  checkInt(now(), 1767225600000, "now");
  const bytes = randomBytes(4);
  check(bytes[0] == 0 && bytes[1] == 1 && bytes[2] == 2 && bytes[3] == 3, "random bytes");
  check(patched("v2"), "patched v2");
  check(!patched("v3", true), "not patched v3");
  check(!isReplaying(), "not replaying");
  check(logLevel() == LogLevel.Info, "log level");
  check(logEnabled(LogLevel.Warn) && !logEnabled(LogLevel.Debug), "log enabled");
}

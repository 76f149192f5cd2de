/**
 * results.ts: the `result_*` tests. Each receives a result fixture (guest/fixtures/results/*.json,
 * or a failure fixture wrapped as `{"failed": ...}`) from the fake `take_result`, on handle 1,
 * and checks here that the SDK decodes every field; plus the info and payload fixtures.
 */
import {
  Activity, ChildWorkflow, Failure, HttpRequest, SignalChannel, Timer, UpdateChannel, cancellation, fail,
  getInfo, select,
} from "../../sdk";
import { check, checkText, checkInt, some } from "./checks";

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

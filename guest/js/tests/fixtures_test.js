// fixtures_test.js - the SDK against the golden ABI fixtures (guest/fixtures): every request
// shape it writes and every result shape it reads, so that it cannot drift from the worker.

import { Ended, mock } from "temporal:host";
import * as t from "temporal";
import { equal, ok, report, test, throws } from "./check.js";

import cancelExternal from "../../fixtures/requests/cancel_external_workflow.json";
import completeRequest from "../../fixtures/requests/complete.json";
import completeAsCancelledRequest from "../../fixtures/requests/complete_as_cancelled.json";
import completeWithFailure from "../../fixtures/requests/complete_with_failure.json";
import continueAsNewRequest from "../../fixtures/requests/continue_as_new.json";
import emitMetric from "../../fixtures/requests/emit_metric.json";
import respondCompleted from "../../fixtures/requests/respond_update-completed.json";
import respondFailed from "../../fixtures/requests/respond_update-failed.json";
import respondRejected from "../../fixtures/requests/respond_update-rejected.json";
import setQueryResult from "../../fixtures/requests/set_query_result.json";
import signalExternal from "../../fixtures/requests/signal_external_workflow.json";
import startActivity from "../../fixtures/requests/start_activity.json";
import startChild from "../../fixtures/requests/start_child_workflow.json";
import startHttp from "../../fixtures/requests/start_http_activity.json";
import startTimer from "../../fixtures/requests/start_timer.json";
import upsertMemo from "../../fixtures/requests/upsert_memo.json";
import upsertSearchAttributes from "../../fixtures/requests/upsert_search_attributes.json";

import activityCancelled from "../../fixtures/results/activity_cancelled.json";
import activityCompleted from "../../fixtures/results/activity_completed.json";
import activityFailed from "../../fixtures/results/activity_failed.json";
import cancellationItem from "../../fixtures/results/cancellation_item.json";
import childAlreadyStarted from "../../fixtures/results/child_already_started.json";
import childFailed from "../../fixtures/results/child_failed.json";
import httpCompleted from "../../fixtures/results/http_completed.json";
import signalItem from "../../fixtures/results/signal_item.json";
import timerCancelled from "../../fixtures/results/timer_cancelled.json";
import timerFired from "../../fixtures/results/timer_fired.json";
import updateItem from "../../fixtures/results/update_item.json";

import info from "../../fixtures/info.json";
import infoV0 from "../../fixtures/info-v0.json";
import payloads from "../../fixtures/payloads.json";
import failureActivity from "../../fixtures/failure-activity.json";
import failureApplication from "../../fixtures/failure-application.json";
import failureTimeout from "../../fixtures/failure-timeout.json";

/** Runs `fn`, which must end the run; returns the ending call's JSON. */
function ended(call, fn) {
  const error = throws(fn, call);
  if (!(error instanceof Ended)) throw error;
  equal(error.call, call, "ending call");
  return error.json;
}

// ---- requests: what the SDK writes ----

test("start_timer", () => {
  t.startTimer("5s", { summary: "wait for the warehouse" });
  equal(mock.last("start_timer").json, startTimer);
});

test("start_activity with every option", () => {
  t.startActivity(
    "reserve_stock",
    {
      taskQueue: "inventory",
      activityId: "reserve-1",
      scheduleToCloseTimeout: "1m",
      scheduleToStartTimeout: "10s",
      startToCloseTimeout: 5000,
      heartbeatTimeout: "2s",
      retry: {
        initialInterval: "100ms",
        backoffCoefficient: 2.0,
        maximumInterval: "10s",
        maximumAttempts: 5,
        nonRetryableErrorTypes: ["OutOfStock"],
      },
      cancellationType: "waitCancellationCompleted",
      summary: "reserve 3 apples",
    },
    { sku: "apple", quantity: 3 },
  );
  equal(mock.last("start_activity").json, startActivity);
});

test("start_activity through proxyActivities", () => {
  const { reserve_stock } = t.proxyActivities({ taskQueue: "inventory", startToCloseTimeout: 5000 });
  reserve_stock.start({ sku: "apple", quantity: 3 });
  equal(mock.last("start_activity").json, {
    activity_type: "reserve_stock",
    args: startActivity.args,
    task_queue: "inventory",
    start_to_close_timeout_ms: 5000,
  });
});

test("an activity without a timeout is refused before it is sent", () => {
  const error = throws(() => t.startActivity("charge", {}));
  ok(/startToCloseTimeout/.test(error.message), error.message);
  equal(mock.calls("start_activity").length, 0, "calls");
});

test("start_http_activity", () => {
  t.startHttp({
    method: "POST",
    url: "http://127.0.0.1:8080/charges",
    headers: { "content-type": "application/json", authorization: "Bearer {{secret PAYMENTS_TOKEN}}" },
    body: { order_id: "A-17", amount_cents: 375 },
    startToCloseTimeout: "10s",
    retry: { maximumAttempts: 3 },
    maxResponseBytes: 65536,
    local: false,
  });
  equal(mock.last("start_http_activity").json, startHttp);
});

test("start_child_workflow with every option", () => {
  t.startChild(
    "Ship",
    {
      workflowId: "ship-A-17",
      taskQueue: "wasm-workflows",
      namespace: "default",
      workflowExecutionTimeout: "1h",
      workflowRunTimeout: "10m",
      workflowTaskTimeout: "10s",
      workflowIdReusePolicy: "rejectDuplicate",
      parentClosePolicy: "requestCancel",
      retry: { maximumAttempts: 2 },
      cronSchedule: "",
      memo: { owner: "ops" },
      searchAttributes: { CustomKeywordField: "ship" },
      cancellationType: "wait_cancellation_completed",
    },
    { order_id: "A-17" },
  );
  equal(mock.last("start_child_workflow").json, startChild);
});

test("signal_external_workflow and cancel_external_workflow", () => {
  t.getExternalWorkflowHandle("batch-3", "run-0", "default").startSignal("order_done", { order_id: "A-17" });
  equal(mock.last("signal_external_workflow").json, signalExternal);
  t.getExternalWorkflowHandle("reminder-A-17").startCancel();
  equal(mock.last("cancel_external_workflow").json, cancelExternal);
});

test("respond_update: completed, failed, rejected", () => {
  const channel = t.updateChannel("change");
  const answers = [
    [(update) => update.complete({ approved: true }), respondCompleted],
    [(update) => update.fail(t.ApplicationFailure.create({ message: "cannot change a shipped order", type: "OrderShipped" })), respondFailed],
    [(update) => update.reject(t.ApplicationFailure.retryable("quantity must be positive", "InvalidQuantity")), respondRejected],
  ];
  for (const [answer, expected] of answers) {
    mock.resolve(channel.id, updateItem);
    answer(channel.receive());
    equal(mock.last("respond_update").json, expected);
    equal(mock.last("respond_update").id, "upd-1", "update id");
  }
});

test("an update answered twice throws", () => {
  const channel = t.updateChannel("twice");
  mock.resolve(channel.id, updateItem);
  const update = channel.receive();
  update.complete(1);
  throws(() => update.complete(2));
});

test("set_query_result", () => {
  t.setQueryResult("status", { state: "awaiting_approval" });
  equal(mock.last("set_query_result").json, setQueryResult);
  equal(mock.last("set_query_result").name, "status", "name");
});

test("upsert_search_attributes and upsert_memo", () => {
  t.upsertSearchAttributes({ CustomKeywordField: "shipped", CustomIntField: 3, Obsolete: null });
  equal(mock.last("upsert_search_attributes").json, upsertSearchAttributes);
  t.upsertMemo({ note: "gift wrap", old_note: null });
  equal(mock.last("upsert_memo").json, upsertMemo);
});

test("emit_metric", () => {
  t.metrics.counter("orders_shipped", 1, { region: "eu" });
  equal(mock.last("emit_metric").json, emitMetric);
});

test("complete", () => {
  equal(ended("complete", () => t.complete({ receipt: "R-17" })), completeRequest);
});

test("complete_with_failure from a thrown ApplicationFailure", () => {
  mock.info = info;
  const json = ended("complete_with_failure", () =>
    t.__runWorkflow({
      default() {
        throw t.ApplicationFailure.nonRetryable("order 17 is invalid", "InvalidOrder", { order_id: 17 });
      },
    }),
  );
  equal(json, completeWithFailure);
});

test("continue_as_new with every option", () => {
  const next = t.makeContinueAsNewFunc({
    workflowType: "OrderFulfilment",
    taskQueue: "wasm-workflows",
    workflowRunTimeout: "10m",
    workflowTaskTimeout: "10s",
    memo: { owner: "ops" },
    searchAttributes: { CustomKeywordField: "gold" },
    retry: { maximumAttempts: 1 },
  });
  equal(ended("continue_as_new", () => next({ page: 2 })), continueAsNewRequest);
});

test("complete_as_cancelled", () => {
  equal(ended("complete_as_cancelled", () => t.completeAsCancelled("cancelled by the customer")), completeAsCancelledRequest);
});

// ---- results: what the SDK reads ----

/** A handle of the kind `start` returns, resolved with `result`. */
function resolved(start, result) {
  const handle = start();
  mock.resolve(handle.id, result);
  return handle;
}

const activity = () => t.startActivity("charge", { startToCloseTimeout: 1000 });

test("activity_completed gives the decoded value", () => {
  equal(resolved(activity, activityCompleted).result(), { reserved: 3 });
});

test("activity_failed gives an ActivityFailure with the application failure as its cause", () => {
  const error = throws(() => resolved(activity, activityFailed).result());
  ok(error instanceof t.ActivityFailure, `ActivityFailure, not ${error?.name}`);
  equal(
    [error.message, error.type, error.retryState, error.activityType, error.activityId],
    ["Activity task failed", "CardDeclined", "non_retryable_failure", "charge", "2"],
  );
  ok(error.cause instanceof t.ApplicationFailure, "cause is an ApplicationFailure");
  equal([error.cause.message, error.cause.type, error.cause.nonRetryable, error.cause.details], ["card 4242 declined", "CardDeclined", true, [{ code: 42 }]]);
  equal(error.reason, "card 4242 declined", "reason");
  equal(error.failure, activityFailed.failed, "raw failure");
});

test("activity_cancelled gives an ActivityFailure caused by a CancelledFailure", () => {
  const error = throws(() => resolved(activity, activityCancelled).result());
  ok(error instanceof t.ActivityFailure && error.cause instanceof t.CancelledFailure, error.name);
  equal(error.retryState, "cancel_requested");
});

test("a result is taken once and kept", () => {
  const handle = resolved(activity, activityCompleted);
  equal(handle.result(), { reserved: 3 });
  equal(handle.result(), { reserved: 3 }, "again");
  ok(handle.isReady(), "ready");
});

test("http_completed gives an HttpResponse", () => {
  const response = resolved(() => t.startHttp({ url: "http://127.0.0.1:8080/" }), httpCompleted).result();
  ok(response instanceof t.HttpResponse, "HttpResponse");
  equal([response.status, response.headers, response.json()], [200, { "content-type": "application/json" }, { charge_id: "ch_1" }]);
  equal(response.text(), '{"charge_id":"ch_1"}', "text");
});

test("child_failed gives a ChildWorkflowFailure", () => {
  const error = throws(() => resolved(() => t.startChild("Ship", {}), childFailed).result());
  ok(error instanceof t.ChildWorkflowFailure, error.name);
  equal([error.workflowId, error.runId, error.workflowType, error.namespace, error.retryState], ["ship-A-17", "run-9", "Ship", "default", "non_retryable_failure"]);
  equal([error.cause.type, error.cause.message, error.reason], ["NoCourier", "no courier", "no courier"]);
});

test("child_already_started gives an ApplicationFailure typed WorkflowAlreadyStarted", () => {
  const error = throws(() => resolved(() => t.startChild("Ship", { workflowId: "ship-A-17" }), childAlreadyStarted).result());
  ok(error instanceof t.ApplicationFailure, error.name);
  equal([error.type, error.nonRetryable, error.workflowId, error.source], ["WorkflowAlreadyStarted", true, "ship-A-17", "temporal-wasm-worker"]);
});

test("timer_fired and timer_cancelled", () => {
  equal(resolved(() => t.startTimer(10), timerFired).result(), undefined);
  const error = throws(() => resolved(() => t.startTimer(10), timerCancelled).result());
  ok(error instanceof t.CancelledFailure, error.name);
  equal(error.message, "timer cancelled by the workflow");
});

test("signal_item gives the signal's arguments", () => {
  const channel = t.signalChannel("approve");
  mock.resolve(channel.id, signalItem);
  mock.resolve(channel.id, signalItem);
  equal(channel.receive(), { approved_by: "ops" });
  equal(channel.receiveArgs(), [{ approved_by: "ops" }]);
});

test("update_item gives an Update", () => {
  const channel = t.updateChannel("resize");
  mock.resolve(channel.id, updateItem);
  const update = channel.receive();
  equal([update.name, update.id, update.args, update.arg], ["resize", "upd-1", [{ quantity: 4 }], { quantity: 4 }]);
});

test("cancellation_item makes the cancellation requested", () => {
  const channel = t.cancellation();
  ok(!channel.requested, "not yet");
  mock.resolve(channel.id, cancellationItem);
  ok(channel.requested && t.isCancellationRequested(), "requested");
  equal(t.select(channel), channel, "select returns it");
});

// ---- info, payloads, failures ----

test("info gives the workflow info and the arguments", () => {
  mock.info = info;
  equal(t.workflowArgs(), [{ order_id: "A-17" }, 2]);
  const workflow = t.workflowInfo();
  equal(
    [workflow.workflowType, workflow.workflowId, workflow.runId, workflow.namespace, workflow.taskQueue, workflow.attempt],
    ["OrderFulfilment", "order-17", "run-1", "default", "wasm-workflows", 1],
  );
  equal(workflow.startTime.toISOString(), "2026-01-01T00:00:00.000Z", "startTime");
  equal(workflow.parent, { workflowId: "batch-3", runId: "run-0", namespace: "default" }, "parent");
  equal([workflow.continuedFromRunId, workflow.memo, workflow.searchAttributes], ["run-0", { owner: "ops" }, { CustomKeywordField: "gold" }]);
  equal(t.rawArgs()[1].text(), "2", "raw argument");
  ok(infoV0.params.length >= 0, "v0 info parses");
});

test("payloads: json/plain, binary/plain, and one without an encoding", () => {
  const decoded = payloads.map((payload) => decodeOne(payload));
  equal(decoded[0], "Alice");
  equal(decoded[1], new Uint8Array([0, 1, 254, 255]));
  ok(decoded[2] instanceof t.Payload && decoded[2].encoding === undefined && decoded[2].data.length === 0, "bare payload");
  equal(decoded[2].toJSON(), { metadata: {}, data: "" }, "bare payload's JSON");
});

/** Decodes one payload the way workflow arguments are decoded. */
function decodeOne(payload) {
  mock.info = { params: [payload], workflow_info: {} };
  return t.workflowArgs()[0];
}

test("payloads: values encode as json/plain, bytes as binary/plain", () => {
  t.setQueryResult("a", "Alice");
  equal(mock.last("set_query_result").json, [payloads[0]]);
  t.setQueryResult("b", new Uint8Array([0, 1, 254, 255]));
  equal(mock.last("set_query_result").json, [payloads[1]]);
});

test("failure-application: an ApplicationFailure with a cause", () => {
  const failure = t.ApplicationFailure.create({
    message: "card 4242 declined",
    type: "CardDeclined",
    nonRetryable: true,
    details: [{ code: 42 }],
    cause: t.ApplicationFailure.create({ message: "issuer said no" }),
  });
  mock.info = info;
  equal(ended("complete_with_failure", () => t.__runWorkflow({ default: () => { throw failure; } })), failureApplication);
});

test("failure-activity and failure-timeout decode to their kinds", () => {
  const handle = t.startActivity("charge", { startToCloseTimeout: 1000 });
  mock.resolve(handle.id, { failed: failureActivity });
  const error = throws(() => handle.result());
  ok(error instanceof t.ActivityFailure && error.cause instanceof t.ApplicationFailure, error.name);
  equal([error.type, error.reason, error.cause.source], ["CardDeclined", "card 4242 declined", "PythonSDK"]);
  const slow = t.startActivity("slow", { startToCloseTimeout: 1000 });
  mock.resolve(slow.id, { failed: failureTimeout });
  const timeout = throws(() => slow.result());
  ok(timeout instanceof t.ActivityFailure && timeout.cause instanceof t.TimeoutFailure, timeout.name);
  equal([timeout.retryState, timeout.cause.timeoutType, timeout.reason], ["timeout", "start_to_close", "Activity task timed out"]);
});

test("select needs a handle", () => {
  ok(throws(() => t.select()) instanceof TypeError, "TypeError");
});

report("fixtures");

// activities.js - work the workflow asks Temporal for: activities, HTTP activities, child
// workflows, and signals or cancellations sent to other workflows.
//
// Each comes in two forms: `start…` returns a handle at once (the command is issued; wait for
// several with `select` or `Promise.all`), `execute…` waits for the result and returns it (or
// throws the failure). Options are spelled as in Temporal's TypeScript SDK; durations are ms
// or strings such as "10s".

import * as host from "temporal:host";
import { Future } from "./handles.js";
import { defined, fromPayload, retryPolicy, snakeCase, toMs, toPayloadMap, toPayloads } from "./payloads.js";

/** The first payload of a completed result, decoded (undefined when there is none). */
function firstValue(payloads) {
  return payloads.length ? fromPayload(payloads[0]) : undefined;
}

/** The `start_activity` request. */
export function activityRequest(activityType, options = {}, args = []) {
  if (typeof activityType !== "string" || !activityType) {
    throw new TypeError("temporal: an activity needs its type name");
  }
  if (options.startToCloseTimeout === undefined && options.scheduleToCloseTimeout === undefined) {
    throw new TypeError(`temporal: activity ${activityType} needs a startToCloseTimeout or a scheduleToCloseTimeout`);
  }
  return defined({ activity_type: activityType, args: toPayloads(args) }, {
    task_queue: options.taskQueue,
    activity_id: options.activityId,
    schedule_to_close_timeout_ms: toMs(options.scheduleToCloseTimeout, "scheduleToCloseTimeout"),
    schedule_to_start_timeout_ms: toMs(options.scheduleToStartTimeout, "scheduleToStartTimeout"),
    start_to_close_timeout_ms: toMs(options.startToCloseTimeout, "startToCloseTimeout"),
    heartbeat_timeout_ms: toMs(options.heartbeatTimeout, "heartbeatTimeout"),
    retry_policy: retryPolicy(options.retry),
    cancellation_type: snakeCase(options.cancellationType),
    summary: options.summary,
  });
}

/** Schedules activity `activityType` with `args`; returns its handle. */
export function startActivity(activityType, options, ...args) {
  const request = activityRequest(activityType, options, args);
  return new Future(host.startActivity(JSON.stringify(request)), firstValue);
}

/** Runs activity `activityType` with `args` and returns its result (or throws ActivityFailure). */
export function executeActivity(activityType, options, ...args) {
  return startActivity(activityType, options, ...args).result();
}

/**
 * An object whose every property is an activity with these options:
 * `const { reserve_stock } = proxyActivities({ taskQueue: "inventory", startToCloseTimeout: "10s" });
 *  const reservation = reserve_stock(order);` and `reserve_stock.start(order)` for a handle.
 */
export function proxyActivities(options) {
  return new Proxy({}, {
    get(_, activityType) {
      if (typeof activityType !== "string" || activityType === "then") return undefined;
      const run = (...args) => executeActivity(activityType, options, ...args);
      run.start = (...args) => startActivity(activityType, options, ...args);
      return run;
    },
  });
}

/** An HTTP activity's response: status, headers, and the body as bytes, text or JSON. */
export class HttpResponse {
  constructor(json) {
    /** The HTTP status (2xx or 3xx: anything else fails the activity). */
    this.status = json.status;
    /** Response headers, names in lower case. */
    this.headers = json.headers ?? {};
    /** The body's bytes. */
    this.body = Uint8Array.fromBase64(json.body ?? "");
  }

  /** The body as UTF-8 text. */
  text() {
    return host.utf8Decode(this.body);
  }

  /** The body parsed as JSON. */
  json() {
    return JSON.parse(this.text());
  }
}

/** The `start_http_activity` request. */
export function httpRequest(request) {
  if (!request || typeof request.url !== "string") throw new TypeError("temporal: an HTTP request needs a url");
  let body = request.body;
  if (typeof body === "string") body = host.utf8Encode(body);
  else if (body !== undefined && !(body instanceof Uint8Array)) body = host.utf8Encode(JSON.stringify(body));
  return defined({ method: request.method ?? "GET", url: request.url }, {
    headers: request.headers,
    body: body?.toBase64(),
    start_to_close_timeout_ms: toMs(request.startToCloseTimeout, "startToCloseTimeout"),
    schedule_to_close_timeout_ms: toMs(request.scheduleToCloseTimeout, "scheduleToCloseTimeout"),
    retry_policy: retryPolicy(request.retry),
    max_response_bytes: request.maxResponseBytes,
    local: request.local,
  });
}

/**
 * Starts an HTTP activity, executed by the worker itself (its hosts must be on the worker's
 * allow-list; header values may name secrets as `{{secret NAME}}`). A body that is not a
 * string or bytes is sent as JSON.
 */
export function startHttp(request) {
  const json = JSON.stringify(httpRequest(request));
  return new Future(host.startHttpActivity(json), (payloads) => new HttpResponse(fromPayload(payloads[0]) ?? {}));
}

/** Runs an HTTP activity and returns its HttpResponse (a 4xx or 5xx throws ActivityFailure). */
export function executeHttp(request) {
  return startHttp(request).result();
}

/** The `start_child_workflow` request. */
export function childRequest(workflowType, options = {}, args = []) {
  if (typeof workflowType !== "string" || !workflowType) throw new TypeError("temporal: a child workflow needs its type name");
  return defined({ workflow_type: workflowType, args: toPayloads(args) }, {
    workflow_id: options.workflowId,
    task_queue: options.taskQueue,
    namespace: options.namespace,
    execution_timeout_ms: toMs(options.workflowExecutionTimeout, "workflowExecutionTimeout"),
    run_timeout_ms: toMs(options.workflowRunTimeout, "workflowRunTimeout"),
    task_timeout_ms: toMs(options.workflowTaskTimeout, "workflowTaskTimeout"),
    id_reuse_policy: snakeCase(options.workflowIdReusePolicy),
    parent_close_policy: snakeCase(options.parentClosePolicy),
    retry_policy: retryPolicy(options.retry),
    cron_schedule: options.cronSchedule,
    memo: options.memo && toPayloadMap(options.memo),
    search_attributes: options.searchAttributes,
    cancellation_type: snakeCase(options.cancellationType),
  });
}

/** A started child workflow: `result()` waits for its result; `cancel()` asks it to stop. */
export class ChildWorkflowHandle extends Future {
  constructor(id, workflowId) {
    super(id, firstValue);
    /** The id it was started with (undefined when the worker derived it). */
    this.workflowId = workflowId;
  }
}

/** Starts child workflow `workflowType` with `args`; returns its handle. */
export function startChild(workflowType, options = {}, ...args) {
  const request = childRequest(workflowType, options, args);
  return new ChildWorkflowHandle(host.startChildWorkflow(JSON.stringify(request)), options.workflowId);
}

/** Runs a child workflow and returns its result (or throws ChildWorkflowFailure). */
export function executeChild(workflowType, options, ...args) {
  return startChild(workflowType, options, ...args).result();
}

/**
 * Another workflow, to signal or cancel: `getExternalWorkflowHandle("batch-3").signal("done", x)`.
 * `signal` and `cancel` wait until Temporal has delivered them (and throw if it could not);
 * `startSignal` and `startCancel` return a handle instead.
 */
export function getExternalWorkflowHandle(workflowId, runId, namespace) {
  const target = defined({ workflow_id: workflowId }, { run_id: runId, namespace });
  return {
    workflowId,
    runId,
    startSignal(signalName, ...args) {
      const request = { ...target, signal_name: signalName, args: toPayloads(args) };
      return new Future(host.signalExternalWorkflow(JSON.stringify(request)), () => undefined);
    },
    signal(signalName, ...args) {
      this.startSignal(signalName, ...args).result();
    },
    startCancel() {
      return new Future(host.cancelExternalWorkflow(JSON.stringify(target)), () => undefined);
    },
    cancel() {
      this.startCancel().result();
    },
  };
}

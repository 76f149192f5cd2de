// workflow.js - the workflow's own state and voice: its info, deterministic time and
// randomness, versioning, logs, metrics, search attributes and memo, and the calls that end
// the run.

import * as host from "temporal:host";
import { publishQueries } from "./handles.js";
import { defined, fromPayloadMap, fromPayloads, rawPayload, retryPolicy, toMs, toPayloadMap, toPayloads } from "./payloads.js";

/** The info JSON the worker wrote: {params, workflow_info}. */
function readInfo() {
  const json = JSON.parse(host.getInfo());
  return { params: json.params ?? [], info: json.workflow_info ?? {} };
}

/** The run's parameters, decoded: the workflow function's arguments. */
export function workflowArgs() {
  return fromPayloads(readInfo().params);
}

/**
 * The run's parameters as Payload objects, not decoded: for a workflow that reads them its own
 * way (`JSON.parse(rawArgs()[0].text(), reviver)` to see numbers as written, say).
 */
export function rawArgs() {
  return readInfo().params.map(rawPayload);
}

/** What Temporal says about this run. */
export function workflowInfo() {
  const raw = readInfo().info;
  return defined({
    workflowId: raw.workflow_id,
    runId: raw.run_id,
    workflowType: raw.workflow_type,
    namespace: raw.namespace,
    taskQueue: raw.task_queue,
    attempt: raw.attempt,
  }, {
    startTime: raw.start_time && new Date(raw.start_time),
    parent: raw.parent && defined({ workflowId: raw.parent.workflow_id }, { runId: raw.parent.run_id, namespace: raw.parent.namespace }),
    continuedFromRunId: raw.continued_from_run_id,
    memo: raw.memo && fromPayloadMap(raw.memo),
    searchAttributes: raw.search_attributes,
  });
}

// ---- deterministic sources ----

/** Workflow time in ms since the epoch (what Date.now() returns too): identical on replay. */
export function now() {
  return host.now();
}

/** `count` random bytes from the run's deterministic stream (what Math.random draws from). */
export function randomBytes(count) {
  return host.randomBytes(count);
}

/** A random (version 4) UUID from the run's deterministic stream. */
export function uuid4() {
  const bytes = host.randomBytes(16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Temporal's versioning: true if this run takes the new code path of patch `id` (and records
 * that it did), false if its history was made before the patch.
 */
export function patched(id) {
  return host.patched(id, false);
}

/** `patched` once every run older than the patch is gone: always true, keeps the marker. */
export function deprecatePatch(id) {
  host.patched(id, true);
}

/** True while this activation replays history (logs and metrics are already skipped then). */
export function isReplaying() {
  return host.isReplaying();
}

// ---- logs ----

const LEVELS = { error: 1, warn: 2, info: 3, debug: 4, trace: 5 };

/** How a log line shows one of console.log's arguments. */
function show(value) {
  if (typeof value === "string") return value;
  if (value instanceof Error) return value.stack ? `${value.name}: ${value.message}\n${value.stack}` : `${value.name}: ${value.message}`;
  if (value === undefined || typeof value === "function" || typeof value === "symbol") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function writer(level) {
  return (...parts) => {
    if (host.logLevel() >= level || host.phase() !== "run") host.writeLog(level, parts.map(show).join(" "));
  };
}

/** The workflow's logger: one line per call, at the worker's `guest` log target. */
export const log = Object.freeze({
  error: writer(LEVELS.error),
  warn: writer(LEVELS.warn),
  info: writer(LEVELS.info),
  debug: writer(LEVELS.debug),
  trace: writer(LEVELS.trace),
});

// ---- telling the world ----

/** Text (Markdown allowed) the Temporal UI shows as what the workflow is doing now. */
export function setCurrentDetails(text) {
  host.setCurrentDetails(String(text));
}

/** Sets search attributes (`{Name: value}`; null removes one). */
export function upsertSearchAttributes(attributes) {
  host.upsertSearchAttributes(JSON.stringify(attributes));
}

/** Sets memo entries (`{key: value}`; null removes one). */
export function upsertMemo(memo) {
  host.upsertMemo(JSON.stringify(toPayloadMap(memo, true)));
}

function metric(kind) {
  return (name, value, labels) => {
    const request = defined({ name, kind, value: value ?? (kind === "counter" ? 1 : undefined) }, { labels });
    host.emitMetric(JSON.stringify(request));
  };
}

/**
 * Metrics on the worker's Prometheus endpoint (as `wasm_guest_<name>`, never emitted twice for
 * one execution): `metrics.counter("orders_completed", 1, {outcome: "shipped"})`.
 */
export const metrics = Object.freeze({
  counter: metric("counter"),
  gauge: metric("gauge"),
  histogram: metric("histogram"),
});

// ---- ending the run (none of these returns) ----

/** Ends the run with `value` as its result (the driver does this when the function returns). */
export function complete(value) {
  publishQueries();
  host.complete(JSON.stringify(value === undefined ? [] : toPayloads([value])));
}

/** Ends the run as Canceled, with `details`, after its cancellation was requested. */
export function completeAsCancelled(...details) {
  publishQueries();
  host.completeAsCancelled(JSON.stringify(details.length ? { details: toPayloads(details) } : {}));
}

/** The `continue_as_new` request. */
export function continueAsNewRequest(options, args) {
  return defined({ args: toPayloads(args) }, {
    workflow_type: options.workflowType,
    task_queue: options.taskQueue,
    run_timeout_ms: toMs(options.workflowRunTimeout, "workflowRunTimeout"),
    task_timeout_ms: toMs(options.workflowTaskTimeout, "workflowTaskTimeout"),
    memo: options.memo && toPayloadMap(options.memo),
    search_attributes: options.searchAttributes,
    retry_policy: retryPolicy(options.retry),
  });
}

/** A function that continues the workflow as new with its arguments, and these options. */
export function makeContinueAsNewFunc(options = {}) {
  return (...args) => {
    publishQueries();
    host.continueAsNew(JSON.stringify(continueAsNewRequest(options, args)));
  };
}

/** Ends this run and starts a new one of the same workflow with `args` (keeps history short). */
export function continueAsNew(...args) {
  makeContinueAsNewFunc()(...args);
}

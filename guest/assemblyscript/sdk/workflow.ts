/**
 * workflow.ts: the calls about the run itself: ending it (`complete`, `complete_with_failure`,
 * `continue_as_new`, `complete_as_cancelled`), answering queries (`set_query_result`,
 * `set_current_details`), deterministic sources (`now`, `random`, `patched`, `is_replaying`),
 * and search attributes, memo and metrics.
 *
 * The functions that end the run do not return: the host stops the run inside the call. They
 * are typed `void`, so write `return` after them for readability.
 */

import { ByteBuffer } from "./bytes";
import { Failure } from "./failure";
import * as host from "./host";
import { JsonEntries, JsonWriter, Pairs } from "./json_write";
import { Payload, writeJsonPayloads, writePayloads } from "./payload";
import { RetryPolicy } from "./activity";

// ---- Ending the run ------------------------------------------------------------------------

// Each ending function calls its own import directly, so that a bundle imports only the
// ending calls it uses (a v0 workflow must not import `continue_as_new` and become durable).
// `unreachable()` after each: the host never returns from them.

/** Completes the workflow with one `json/plain` result holding the JSON text `resultJson`. Does not return. */
export function complete(resultJson: string): void {
  const w = new JsonWriter(resultJson.length * 2 + 64);
  writeJsonPayloads(w, [resultJson]);
  host.complete(w.out.ptr, w.out.length);
  unreachable();
}

/** Completes the workflow with these result payloads (`[]`: no result). Does not return. */
export function completeWithPayloads(payloads: Payload[]): void {
  const w = new JsonWriter();
  writePayloads(w, payloads);
  host.complete(w.out.ptr, w.out.length);
  unreachable();
}

/** Completes the workflow with no result. Does not return. */
export function completeEmpty(): void {
  completeWithPayloads([]);
}

/** Fails the workflow with `failure` (a Temporal application failure). Does not return. */
export function fail(failure: Failure): void {
  const w = new JsonWriter();
  failure.writeTo(w);
  host.complete_with_failure(w.out.ptr, w.out.length);
  unreachable();
}

/**
 * Fails the workflow with an application failure. Each entry of `detailsJson` is JSON text
 * that becomes one `json/plain` detail payload. `nonRetryable` stops a retry policy from
 * retrying the workflow. Does not return.
 */
export function failWorkflow(message: string, type: string, nonRetryable: bool, detailsJson: string[] = []): void {
  const failure = new Failure(message, type, nonRetryable);
  for (let i = 0; i < detailsJson.length; i++) failure.withDetail(detailsJson[i]);
  fail(failure);
}

/**
 * Ends the workflow as *Canceled*, after its cancellation was requested (see
 * `cancellation()`; ending so without a request is a guest bug). Each entry of `detailsJson`
 * becomes one `json/plain` detail payload. Does not return.
 */
export function completeAsCancelled(detailsJson: string[] = []): void {
  const w = new JsonWriter();
  w.beginObject();
  if (detailsJson.length > 0) {
    w.key("details");
    writeJsonPayloads(w, detailsJson);
  }
  w.endObject();
  host.complete_as_cancelled(w.out.ptr, w.out.length);
  unreachable();
}

/**
 * Continue-as-new: ends this run and starts a fresh one of the same workflow (by default)
 * with new arguments, so a long-lived workflow keeps its history short.
 *
 *     new ContinueAsNew().arg('{"page":2}').run();
 */
export class ContinueAsNew {
  /** The next run's arguments. */
  args: Payload[] = [];
  /** Its workflow type (null: this one's). */
  workflowType: string | null = null;
  /** Its task queue (null: this one's). */
  taskQueueName: string | null = null;
  /** Its run timeout, ms (0: none). */
  runTimeoutMs: i64 = 0;
  /** Its workflow task timeout, ms (0: the server's default). */
  taskTimeoutMs: i64 = 0;
  /** Its memo: key → payload JSON. */
  memoEntries: JsonEntries = new JsonEntries();
  /** Its search attributes: name → JSON value. */
  searchAttributes: JsonEntries = new JsonEntries();
  /** Its retry policy, or null. */
  retryPolicy: RetryPolicy | null = null;

  /** Adds an argument for the next run: the JSON text `json`. */
  arg(json: string): ContinueAsNew {
    this.args.push(Payload.json(json));
    return this;
  }

  /** Continues as another workflow type. */
  type(workflowType: string): ContinueAsNew {
    this.workflowType = workflowType;
    return this;
  }

  /** Continues on another task queue. */
  taskQueue(name: string): ContinueAsNew {
    this.taskQueueName = name;
    return this;
  }

  /** Sets the next run's run timeout. */
  runTimeout(ms: i64): ContinueAsNew {
    this.runTimeoutMs = ms;
    return this;
  }

  /** Sets the next run's workflow task timeout. */
  taskTimeout(ms: i64): ContinueAsNew {
    this.taskTimeoutMs = ms;
    return this;
  }

  /** Adds memo entry `key` holding the JSON text `json`. */
  memo(key: string, json: string): ContinueAsNew {
    const w = new JsonWriter();
    Payload.json(json).writeTo(w);
    this.memoEntries.raw(key, w.toString());
    return this;
  }

  /** Adds search attribute `name` with the JSON value `json`. */
  searchAttribute(name: string, json: string): ContinueAsNew {
    this.searchAttributes.raw(name, json);
    return this;
  }

  /** Sets the next run's retry policy. */
  retry(policy: RetryPolicy): ContinueAsNew {
    this.retryPolicy = policy;
    return this;
  }

  /** The request JSON of `continue_as_new`. */
  toJson(): JsonWriter {
    const w = new JsonWriter(256);
    w.beginObject();
    if (this.args.length > 0) {
      w.key("args");
      writePayloads(w, this.args);
    }
    const workflowType = this.workflowType;
    if (workflowType !== null) w.key("workflow_type").string(workflowType);
    const taskQueue = this.taskQueueName;
    if (taskQueue !== null) w.key("task_queue").string(taskQueue);
    if (this.runTimeoutMs > 0) w.key("run_timeout_ms").integer(this.runTimeoutMs);
    if (this.taskTimeoutMs > 0) w.key("task_timeout_ms").integer(this.taskTimeoutMs);
    if (this.memoEntries.length > 0) {
      w.key("memo");
      this.memoEntries.writeTo(w);
    }
    if (this.searchAttributes.length > 0) {
      w.key("search_attributes");
      this.searchAttributes.writeTo(w);
    }
    const retry = this.retryPolicy;
    if (retry !== null) {
      w.key("retry_policy");
      retry.writeTo(w);
    }
    return w.endObject();
  }

  /** Ends this run and continues as new. Does not return. */
  run(): void {
    const w = this.toJson();
    host.continue_as_new(w.out.ptr, w.out.length);
    unreachable();
  }
}

// ---- Queries and details -------------------------------------------------------------------

/**
 * Publishes the answer to query `name` from now on: the JSON text `valueJson` as one
 * `json/plain` payload, or no value when null. Queries are answered by the worker from the
 * latest published value, without running workflow code, so they can never change the run.
 */
export function setQueryResult(name: string, valueJson: string | null): void {
  const nameBytes = new ByteBuffer(name.length + 8);
  nameBytes.utf8(name);
  if (valueJson === null) {
    host.set_query_result(nameBytes.ptr, nameBytes.length, 0, 0);
    return;
  }
  const w = new JsonWriter(valueJson.length * 2 + 64);
  writeJsonPayloads(w, [valueJson]);
  host.set_query_result(nameBytes.ptr, nameBytes.length, w.out.ptr, w.out.length);
}

/**
 * Says what the workflow is doing now, in text (Markdown allowed): the Temporal UI shows it
 * as the workflow's current details.
 */
export function setCurrentDetails(text: string): void {
  const bytes = new ByteBuffer(text.length + 8);
  bytes.utf8(text);
  host.set_current_details(bytes.ptr, bytes.length);
}

// ---- Deterministic sources -----------------------------------------------------------------

/**
 * Workflow time: ms since the Unix epoch as of the current activation, identical on replay.
 * Use it instead of `Date.now()`, which a workflow must not read.
 */
export function now(): i64 {
  return host.now();
}

/**
 * `length` bytes from the run's deterministic generator (identical on replay). Use it
 * instead of `Math.random()`, which would import `env.seed` (refused by the worker) and break
 * replay.
 */
export function randomBytes(length: i32): Uint8Array {
  const bytes = new Uint8Array(length);
  host.random(bytes.dataStart, length);
  return bytes;
}

/** A deterministic random u64 (see `randomBytes`). */
export function randomU64(): u64 {
  const bytes = randomBytes(8);
  return load<u64>(bytes.dataStart);
}

/** A deterministic random number in [0, 1) (see `randomBytes`). */
export function randomF64(): f64 {
  return <f64>(randomU64() >> 11) / <f64>(<u64>1 << 53);
}

/**
 * Temporal's versioning: true if this run takes the new code path for patch `id` (recording
 * a marker), false if it started before the patch. `deprecated`: every run that is still open
 * has the patch, so the marker is no longer needed.
 */
export function patched(id: string, deprecated: bool = false): bool {
  const bytes = new ByteBuffer(id.length + 8);
  bytes.utf8(id);
  return host.patched(bytes.ptr, bytes.length, deprecated ? 1 : 0) != 0;
}

/** Whether the current activation replays history (for skipping the workflow's own side effects). */
export function isReplaying(): bool {
  return host.is_replaying() != 0;
}

// ---- Search attributes, memo, metrics ------------------------------------------------------

/**
 * Search attributes to upsert: `upsertSearchAttributes(new SearchAttributes().keyword(...))`.
 * The server types each value from the attribute's registered type.
 */
export class SearchAttributes {
  /** The attributes: name → JSON value (`null` removes it). */
  entries: JsonEntries = new JsonEntries();

  /** Sets a string (Keyword or Text) attribute. */
  string(name: string, value: string): SearchAttributes {
    this.entries.raw(name, new JsonWriter().string(value).toString());
    return this;
  }

  /** Sets an integer attribute. */
  integer(name: string, value: i64): SearchAttributes {
    this.entries.raw(name, value.toString());
    return this;
  }

  /** Sets a double attribute. */
  number(name: string, value: f64): SearchAttributes {
    this.entries.raw(name, new JsonWriter().number(value).toString());
    return this;
  }

  /** Sets a boolean attribute. */
  bool(name: string, value: bool): SearchAttributes {
    this.entries.raw(name, value ? "true" : "false");
    return this;
  }

  /** Sets an attribute to the JSON value `json` (a keyword list, a datetime string...). */
  json(name: string, json: string): SearchAttributes {
    this.entries.raw(name, json);
    return this;
  }

  /** Removes an attribute. */
  remove(name: string): SearchAttributes {
    this.entries.raw(name, "null");
    return this;
  }
}

/** Upserts search attributes (`upsert_search_attributes`). */
export function upsertSearchAttributes(attributes: SearchAttributes): void {
  const w = new JsonWriter();
  attributes.entries.writeTo(w);
  host.upsert_search_attributes(w.out.ptr, w.out.length);
}

/** Memo entries to upsert: `upsertMemo(new Memo().json("note", '"gift wrap"'))`. */
export class Memo {
  /** The entries: key → payload JSON (`null` removes it). */
  entries: JsonEntries = new JsonEntries();

  /** Sets `key` to the JSON text `json` (as a `json/plain` payload). */
  json(key: string, json: string): Memo {
    return this.payload(key, Payload.json(json));
  }

  /** Sets `key` to a payload. */
  payload(key: string, payload: Payload): Memo {
    const w = new JsonWriter();
    payload.writeTo(w);
    this.entries.raw(key, w.toString());
    return this;
  }

  /** Removes `key`. */
  remove(key: string): Memo {
    this.entries.raw(key, "null");
    return this;
  }
}

/** Upserts memo entries (`upsert_memo`). */
export function upsertMemo(memo: Memo): void {
  const w = new JsonWriter();
  memo.entries.writeTo(w);
  host.upsert_memo(w.out.ptr, w.out.length);
}

/** The kinds of metric `emitMetric` records. */
export const enum MetricKind {
  /** Adds a whole non-negative number. */
  Counter,
  /** Sets a value. */
  Gauge,
  /** Records a value in a histogram. */
  Histogram,
}

/** The JSON of `emit_metric`. */
export function metricJson(name: string, kind: MetricKind, value: f64, labels: Pairs | null): JsonWriter {
  const w = new JsonWriter();
  w.beginObject().key("name").string(name);
  w.key("kind").string(kind == MetricKind.Counter ? "counter" : kind == MetricKind.Gauge ? "gauge" : "histogram");
  // Whole numbers are written as integers (`1`, not `1.0`): counters take whole numbers.
  if (value == Math.floor(value) && Math.abs(value) < 9.0e15) w.key("value").integer(<i64>value);
  else w.key("value").number(value);
  if (labels !== null && labels.length > 0) {
    w.key("labels");
    labels.writeTo(w);
  }
  return w.endObject();
}

/**
 * Records a metric, exported by the worker as `wasm_guest_<name>` with the workflow type as a
 * label (never while replaying, so once per execution).
 */
export function emitMetric(name: string, kind: MetricKind, value: f64, labels: Pairs | null = null): void {
  const w = metricJson(name, kind, value, labels);
  host.emit_metric(w.out.ptr, w.out.length);
}

/** Adds `value` to counter `name`. */
export function counter(name: string, value: i64 = 1, labels: Pairs | null = null): void {
  emitMetric(name, MetricKind.Counter, <f64>value, labels);
}

/** Sets gauge `name` to `value`. */
export function gauge(name: string, value: f64, labels: Pairs | null = null): void {
  emitMetric(name, MetricKind.Gauge, value, labels);
}

/** Records `value` in histogram `name`. */
export function histogram(name: string, value: f64, labels: Pairs | null = null): void {
  emitMetric(name, MetricKind.Histogram, value, labels);
}

/**
 * workflow.ts: ending the run (`complete`, `complete_with_failure`, `continue_as_new`,
 * `complete_as_cancelled`). What the run tells the world while it runs is in telling.ts, its
 * deterministic sources in deterministic.ts.
 *
 * The functions that end the run do not return: the host stops the run inside the call. They
 * are typed `void`, so write `return` after them for readability.
 */

import { Failure } from "./failure";
import * as host from "./host";
import { JsonEntries, JsonWriter } from "./json_write";
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

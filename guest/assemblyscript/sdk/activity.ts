/**
 * activity.ts: activities (`start_activity`) and the retry policy shared by every command
 * that retries.
 *
 *     const reserved = new Activity("reserve_stock")
 *       .taskQueue("inventory")
 *       .startToCloseMs(10000)
 *       .retry(new RetryPolicy().maximumAttempts(3))
 *       .arg(orderJson)
 *       .execute();
 *     if (!reserved.ok) return fail(new Failure("no stock: " + reserved.reason(), "OutOfStock", true));
 *     const reservationId = reserved.value()!.getString("reservation_id");
 */

import * as host from "./host";
import { JsonWriter } from "./json_write";
import { Payload, writePayloads } from "./payload";
import { Command, Outcome } from "./wait";

/** How Temporal retries a failed activity, HTTP activity, child workflow or run. */
export class RetryPolicy {
  /** Delay before the first retry, ms (0: Temporal's default). */
  initialIntervalMs: i64 = 0;
  /** Factor the delay grows by per retry (0: Temporal's default, 2.0). */
  backoffCoefficient: f64 = 0;
  /** Longest delay between retries, ms (0: Temporal's default). */
  maximumIntervalMs: i64 = 0;
  /** Most attempts, the first included (0: unlimited). */
  maximumAttemptsValue: i32 = 0;
  /** Application error types that are never retried. */
  nonRetryableErrorTypes: string[] = [];

  /** Sets the delay before the first retry. */
  initialInterval(ms: i64): RetryPolicy {
    this.initialIntervalMs = ms;
    return this;
  }

  /** Sets the backoff coefficient. */
  backoff(coefficient: f64): RetryPolicy {
    this.backoffCoefficient = coefficient;
    return this;
  }

  /** Sets the longest delay between retries. */
  maximumInterval(ms: i64): RetryPolicy {
    this.maximumIntervalMs = ms;
    return this;
  }

  /** Sets the most attempts (1: never retry). */
  maximumAttempts(attempts: i32): RetryPolicy {
    this.maximumAttemptsValue = attempts;
    return this;
  }

  /** Adds an application error type that is never retried. */
  nonRetryable(errorType: string): RetryPolicy {
    this.nonRetryableErrorTypes.push(errorType);
    return this;
  }

  /** Writes the policy object as the next value of `w` (unset fields left out). */
  writeTo(w: JsonWriter): void {
    w.beginObject();
    if (this.initialIntervalMs > 0) w.key("initial_interval_ms").integer(this.initialIntervalMs);
    if (this.backoffCoefficient > 0) w.key("backoff_coefficient").number(this.backoffCoefficient);
    if (this.maximumIntervalMs > 0) w.key("maximum_interval_ms").integer(this.maximumIntervalMs);
    if (this.maximumAttemptsValue > 0) w.key("maximum_attempts").integer(this.maximumAttemptsValue);
    if (this.nonRetryableErrorTypes.length > 0) {
      w.key("non_retryable_error_types").beginArray();
      for (let i = 0; i < this.nonRetryableErrorTypes.length; i++) w.string(this.nonRetryableErrorTypes[i]);
      w.endArray();
    }
    w.endObject();
  }
}

/** What cancelling an activity waits for. */
export const enum ActivityCancellation {
  /** Temporal's default (`try_cancel`); left out of the request. */
  Default,
  /** Request cancellation and resolve at once as cancelled. */
  TryCancel,
  /** Resolve once the activity acknowledges the cancellation (it must heartbeat). */
  WaitCancellationCompleted,
  /** Resolve at once and do not even tell the activity. */
  Abandon,
}

/** The ABI name of an activity cancellation type, or null for the default. */
function cancellationName(type: ActivityCancellation): string | null {
  switch (type) {
    case ActivityCancellation.TryCancel: return "try_cancel";
    case ActivityCancellation.WaitCancellationCompleted: return "wait_cancellation_completed";
    case ActivityCancellation.Abandon: return "abandon";
    default: return null;
  }
}

/**
 * An activity to run: its type and options (`activity_options`), built with chained setters,
 * then `start()` (a handle) or `execute()` (start and wait). One of `startToCloseMs` and
 * `scheduleToCloseMs` is required, as Temporal requires.
 */
export class Activity {
  /** Its arguments. */
  args: Payload[] = [];
  /** Its task queue (null: the workflow's). */
  taskQueueName: string | null = null;
  /** Its activity id (null: the sequence number, unique in the run and stable on replay). */
  activityId: string | null = null;
  /** Longest time from scheduling to completion, retries included, ms (0: none). */
  scheduleToCloseTimeoutMs: i64 = 0;
  /** Longest time waiting for a worker, ms (0: none). */
  scheduleToStartTimeoutMs: i64 = 0;
  /** Longest time of one attempt, ms (0: none). */
  startToCloseTimeoutMs: i64 = 0;
  /** Longest time between heartbeats, ms (0: none). */
  heartbeatTimeoutMs: i64 = 0;
  /** How it is retried (null: Temporal's default, unlimited attempts). */
  retryPolicy: RetryPolicy | null = null;
  /** What cancelling it waits for. */
  cancellationType: ActivityCancellation = ActivityCancellation.Default;
  /** A summary shown in the Temporal UI, or null. */
  summaryText: string | null = null;

  /** An activity of type `activityType`. */
  constructor(public activityType: string) {}

  /** Adds an argument: the JSON text `json`, sent as one `json/plain` payload. */
  arg(json: string): Activity {
    this.args.push(Payload.json(json));
    return this;
  }

  /** Adds an argument payload as is. */
  argPayload(payload: Payload): Activity {
    this.args.push(payload);
    return this;
  }

  /** The task queue its workers poll (default: the workflow's). */
  taskQueue(name: string): Activity {
    this.taskQueueName = name;
    return this;
  }

  /** Its activity id (default: unique in the run, stable on replay). */
  id(activityId: string): Activity {
    this.activityId = activityId;
    return this;
  }

  /** Longest time from scheduling to completion, retries included. */
  scheduleToCloseMs(ms: i64): Activity {
    this.scheduleToCloseTimeoutMs = ms;
    return this;
  }

  /** Longest time it may wait for a worker. */
  scheduleToStartMs(ms: i64): Activity {
    this.scheduleToStartTimeoutMs = ms;
    return this;
  }

  /** Longest time of one attempt. */
  startToCloseMs(ms: i64): Activity {
    this.startToCloseTimeoutMs = ms;
    return this;
  }

  /** Longest time between heartbeats. */
  heartbeatMs(ms: i64): Activity {
    this.heartbeatTimeoutMs = ms;
    return this;
  }

  /** How it is retried. */
  retry(policy: RetryPolicy): Activity {
    this.retryPolicy = policy;
    return this;
  }

  /** What cancelling it waits for. */
  cancellation(type: ActivityCancellation): Activity {
    this.cancellationType = type;
    return this;
  }

  /** A summary shown in the Temporal UI. */
  summary(text: string): Activity {
    this.summaryText = text;
    return this;
  }

  /** The request JSON (`activity_options`). */
  toJson(): JsonWriter {
    const w = new JsonWriter(256);
    w.beginObject().key("activity_type").string(this.activityType);
    if (this.args.length > 0) {
      w.key("args");
      writePayloads(w, this.args);
    }
    const taskQueue = this.taskQueueName;
    if (taskQueue !== null) w.key("task_queue").string(taskQueue);
    const activityId = this.activityId;
    if (activityId !== null) w.key("activity_id").string(activityId);
    if (this.scheduleToCloseTimeoutMs > 0) w.key("schedule_to_close_timeout_ms").integer(this.scheduleToCloseTimeoutMs);
    if (this.scheduleToStartTimeoutMs > 0) w.key("schedule_to_start_timeout_ms").integer(this.scheduleToStartTimeoutMs);
    if (this.startToCloseTimeoutMs > 0) w.key("start_to_close_timeout_ms").integer(this.startToCloseTimeoutMs);
    if (this.heartbeatTimeoutMs > 0) w.key("heartbeat_timeout_ms").integer(this.heartbeatTimeoutMs);
    const retry = this.retryPolicy;
    if (retry !== null) {
      w.key("retry_policy");
      retry.writeTo(w);
    }
    const cancellation = cancellationName(this.cancellationType);
    if (cancellation !== null) w.key("cancellation_type").string(cancellation);
    const summary = this.summaryText;
    if (summary !== null) w.key("summary").string(summary);
    return w.endObject();
  }

  /** Schedules it; the handle resolves with its result. */
  start(): ActivityHandle {
    const w = this.toJson();
    return new ActivityHandle(host.start_activity(w.out.ptr, w.out.length));
  }

  /** Schedules it and blocks until it resolves. */
  execute(): Outcome {
    return this.start().result();
  }
}

/** A scheduled activity: `result()` blocks until it resolves, `cancel()` asks to cancel it. */
export class ActivityHandle extends Command {}

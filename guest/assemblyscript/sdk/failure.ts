/**
 * failure.ts: Temporal failures, both the ones a workflow raises and the ones the host hands it.
 *
 * A workflow raises a `Failure` (an application failure: message, type, non-retryable flag,
 * details, cause) with `fail`, `Update.fail` or an update validator. A failed or cancelled
 * command yields one too, read from the host's JSON: then it also carries what Temporal
 * reported (`kind`, `retryState`, `timeoutType`, the activity or child workflow, the whole
 * cause chain), and `type` is the application error's type even when it sits deeper in the
 * chain (the host copies it to the top).
 */

import { JsonKind, JsonValue } from "./json_read";
import { JsonWriter } from "./json_write";
import { Payload, payloadValue, writePayloads } from "./payload";

/** A Temporal failure. */
export class Failure {
  /** What went wrong. */
  message: string;
  /** The application error type (`InvalidOrder`, `CardDeclined`...), or null. */
  type: string | null;
  /** Whether a retry policy must not retry it. */
  nonRetryable: bool;
  /** Its details, as payloads. */
  details: Payload[] = [];
  /** What caused it, or null. */
  cause: Failure | null = null;

  /**
   * The kind of failure as the host names it (`application`, `activity`, `timeout`,
   * `cancelled`, `child_workflow`, `terminated`, `server`...); null for a failure the workflow
   * built itself.
   */
  kind: string | null = null;
  /** Why Temporal stopped retrying (`maximum_attempts_reached`, `non_retryable_failure`...), or null. */
  retryState: string | null = null;
  /** A timeout's type (`start_to_close`, `schedule_to_start`, `schedule_to_close`, `heartbeat`), or null. */
  timeoutType: string | null = null;
  /** Who raised it (`PythonSDK`, `temporal-wasm-worker`...), or null. */
  source: string | null = null;
  /** The JSON object as the host sent it, with every field; null for one the workflow built. */
  json: JsonValue | null = null;

  /** A failure with a message and, optionally, an application error type. */
  constructor(message: string, type: string | null = null, nonRetryable: bool = false) {
    this.message = message;
    this.type = type;
    this.nonRetryable = nonRetryable;
  }

  /** Marks it non-retryable. Returns the failure, so calls chain. */
  setNonRetryable(nonRetryable: bool = true): Failure {
    this.nonRetryable = nonRetryable;
    return this;
  }

  /** Adds a detail: the JSON text `json`, sent as one `json/plain` payload. */
  withDetail(json: string): Failure {
    this.details.push(Payload.json(json));
    return this;
  }

  /** Sets its cause (a failure a command reported, say). */
  withCause(cause: Failure | null): Failure {
    this.cause = cause;
    return this;
  }

  /** Detail `index` as a JSON value (see `payloadValue`). */
  detail(index: i32 = 0): JsonValue | null {
    return payloadValue(this.details, index);
  }

  /** The first failure of the chain (this one included) whose kind is `kind`, or null. */
  find(kind: string): Failure | null {
    let failure: Failure | null = this;
    while (failure !== null) {
      const failureKind = failure.kind;
      if (failureKind !== null && failureKind == kind) return failure;
      failure = failure.cause;
    }
    return null;
  }

  /**
   * The application error of the chain: this failure if the workflow built it or it is an
   * application failure, else the first application failure among its causes, or null.
   */
  application(): Failure | null {
    if (this.kind === null) return this;
    return this.find("application");
  }

  /**
   * What went wrong in the most specific words available: the application error's message
   * when the chain has one (an activity's own error sits below Temporal's `Activity task
   * failed`), else the innermost non-empty message.
   */
  reason(): string {
    const application = this.application();
    if (application !== null && application.message.length > 0) return application.message;
    let reason = this.message;
    let failure = this.cause;
    while (failure !== null) {
      if (failure.message.length > 0) reason = failure.message;
      failure = failure.cause;
    }
    return reason.length > 0 ? reason : "failed without a message";
  }

  /**
   * Reads a failure object the host wrote (iteratively, so a long cause chain cannot overflow
   * the stack). Null when `value` is not an object.
   */
  static fromJson(value: JsonValue | null): Failure | null {
    if (value === null || value.kind != JsonKind.Object) return null;
    const top = Failure.readLevel(value);
    let level = top;
    let cause = value.get("cause");
    while (cause !== null && cause.kind == JsonKind.Object) {
      const next = Failure.readLevel(cause);
      level.cause = next;
      level = next;
      cause = cause.get("cause");
    }
    return top;
  }

  /** One level of the chain, without its cause. */
  private static readLevel(value: JsonValue): Failure {
    const failure = new Failure(value.getString("message"), value.getStringOrNull("type"), value.getBool("non_retryable"));
    failure.details = Payload.listFromJson(value.get("details"));
    failure.kind = value.getStringOrNull("kind");
    failure.retryState = value.getStringOrNull("retry_state");
    failure.timeoutType = value.getStringOrNull("timeout_type");
    failure.source = value.getStringOrNull("source");
    failure.json = value;
    return failure;
  }

  /**
   * Writes it as ABI v0's `failure` (message, type, non_retryable, details, cause). Fields the
   * host added when it reported the failure are not written: the host would not pass them on.
   */
  writeTo(w: JsonWriter): void {
    // Iterative over the cause chain: open one object per level, close them all at the end.
    let depth = 0;
    let failure: Failure | null = this;
    while (failure !== null) {
      if (depth > 0) w.key("cause");
      w.beginObject();
      w.key("message").string(failure.message);
      const type = failure.type;
      if (type !== null) w.key("type").string(type);
      if (failure.nonRetryable) w.key("non_retryable").bool(true);
      if (failure.details.length > 0) {
        w.key("details");
        writePayloads(w, failure.details);
      }
      failure = failure.cause;
      depth++;
    }
    for (let i = 0; i < depth; i++) w.endObject();
  }

  /** The failure as JSON text (see `writeTo`). */
  toJson(): string {
    const w = new JsonWriter();
    this.writeTo(w);
    return w.toString();
  }

  /** `message` with its type, for logs: `CardDeclined: card 4242 declined`. */
  toString(): string {
    const type = this.type;
    return type !== null ? type + ": " + this.message : this.message;
  }
}

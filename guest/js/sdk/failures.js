// failures.js - Temporal failures as JavaScript errors, both ways.
//
// What the workflow throws becomes its failure: an ApplicationFailure keeps its type,
// nonRetryable flag, details and cause; any other Error gives its message and its name as the
// type ("TypeError"); anything else thrown is stringified. What the worker hands back (an
// activity's failure, a child's, a timeout, a cancellation) becomes the TemporalFailure
// subclass of its kind, with the whole cause chain, the detail values decoded, and the raw JSON
// in `failure`. The worker copies the first application failure's type to the top of the
// chain, so `error.type` names it without walking the chain.

import { defined, fromPayloads, toPayloads } from "./payloads.js";

/** Base of every failure that crosses to or from Temporal. */
export class TemporalFailure extends Error {
  constructor(message, options = {}) {
    super(message ?? "", options.cause === undefined ? undefined : { cause: options.cause });
    /** The application error type ("InvalidOrder"); for received failures, the chain's first. */
    this.type = options.type;
    /** True if no retry policy may retry it. */
    this.nonRetryable = options.nonRetryable ?? false;
    /** The details, decoded. */
    this.details = options.details ?? [];
    /** The kind of failure Temporal reported: "application", "activity", "timeout", ... */
    this.kind = options.kind ?? "application";
    /** The failure's JSON exactly as the worker handed it over (received failures only). */
    this.failure = options.failure;
  }

  /**
   * The most specific message: that of the first application failure in the chain (an
   * activity's own error, under Temporal's "Activity task failed"), else this one's.
   */
  get reason() {
    for (let f = this; f; f = f.cause) {
      if (f instanceof TemporalFailure && f.kind === "application" && f.message) return f.message;
    }
    return this.message;
  }
}
TemporalFailure.prototype.name = "TemporalFailure";

/** A failure of the workflow's own (or an activity's), with a type Temporal can match on. */
export class ApplicationFailure extends TemporalFailure {
  /** `{message, type, nonRetryable, details, cause}`. */
  static create(options = {}) {
    return new ApplicationFailure(options.message, options);
  }

  /** A failure a retry policy may retry. */
  static retryable(message, type, ...details) {
    return new ApplicationFailure(message, { type, details });
  }

  /** A failure retrying cannot fix (invalid input, say). */
  static nonRetryable(message, type, ...details) {
    return new ApplicationFailure(message, { type, details, nonRetryable: true });
  }
}
ApplicationFailure.prototype.name = "ApplicationFailure";

/** An activity (or HTTP activity) failed; its `cause` says why. */
export class ActivityFailure extends TemporalFailure {}
ActivityFailure.prototype.name = "ActivityFailure";

/** A child workflow failed; its `cause` is the child's failure. */
export class ChildWorkflowFailure extends TemporalFailure {}
ChildWorkflowFailure.prototype.name = "ChildWorkflowFailure";

/** A timeout (`timeoutType`: "start_to_close", "schedule_to_close", ...). */
export class TimeoutFailure extends TemporalFailure {}
TimeoutFailure.prototype.name = "TimeoutFailure";

/** Something was cancelled: a timer, an activity, a child, the workflow itself. */
export class CancelledFailure extends TemporalFailure {}
CancelledFailure.prototype.name = "CancelledFailure";

/** Something was terminated. */
export class TerminatedFailure extends TemporalFailure {}
TerminatedFailure.prototype.name = "TerminatedFailure";

/** The server failed it. */
export class ServerFailure extends TemporalFailure {}
ServerFailure.prototype.name = "ServerFailure";

const CLASSES = {
  application: ApplicationFailure,
  activity: ActivityFailure,
  child_workflow: ChildWorkflowFailure,
  timeout: TimeoutFailure,
  cancelled: CancelledFailure,
  terminated: TerminatedFailure,
  server: ServerFailure,
};

/** The error for a failure JSON object the worker handed over (cause chain included). */
export function failureFromJSON(json) {
  if (!json || typeof json !== "object") return new TemporalFailure(String(json));
  const kind = json.kind ?? "application";
  const Class = CLASSES[kind] ?? TemporalFailure;
  let details;
  try {
    details = fromPayloads(json.details);
  } catch {
    details = [];
  }
  const error = new Class(json.message, {
    type: json.type,
    nonRetryable: json.non_retryable ?? false,
    details,
    kind,
    failure: json,
    cause: json.cause ? failureFromJSON(json.cause) : undefined,
  });
  // What Temporal says about the activity, child or timeout, in JavaScript's spelling.
  defined(error, {
    retryState: json.retry_state,
    timeoutType: json.timeout_type,
    source: json.source,
    activityType: json.activity?.activity_type,
    activityId: json.activity?.activity_id,
    workflowId: json.child_workflow?.workflow_id,
    runId: json.child_workflow?.run_id,
    workflowType: json.child_workflow?.workflow_type,
    namespace: json.child_workflow?.namespace,
    nextRetryDelayMs: json.next_retry_delay_ms,
  });
  if (json.last_heartbeat_details) {
    try {
      error.lastHeartbeatDetails = fromPayloads(json.last_heartbeat_details);
    } catch {
      error.lastHeartbeatDetails = [];
    }
  }
  if (json.stack_trace) error.stack = json.stack_trace;
  return error;
}

/** The ABI's failure JSON for anything thrown (the workflow's failure, a rejected update, ...). */
export function failureToJSON(error, depth = 0) {
  if (error instanceof TemporalFailure) {
    if (error.failure) return error.failure; // received: passed on as it came
    return defined({}, {
      message: error.message,
      type: error.type,
      non_retryable: error.nonRetryable || undefined,
      details: error.details?.length ? toPayloads(error.details) : undefined,
      cause: error.cause !== undefined && depth < 32 ? failureToJSON(error.cause, depth + 1) : undefined,
    });
  }
  if (error instanceof Error) {
    return defined({}, {
      message: error.message,
      type: error.name,
      cause: error.cause !== undefined && depth < 32 ? failureToJSON(error.cause, depth + 1) : undefined,
    });
  }
  return { message: typeof error === "string" ? error : safeString(error), type: "Error" };
}

function safeString(value) {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

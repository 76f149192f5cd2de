// temporal.d.ts - types of the `temporal` module (sdk/index.js) and of the deterministic
// globals a workflow runs with. TypeScript workflows compile against it (build.sh maps the
// module name `temporal` here); see ../README.md for the API by example.

/** A duration: a number of milliseconds, or a string such as "250ms", "10s", "5m", "2h", "1d". */
export type Duration = number | string;

/** Temporal's retry policy. */
export interface RetryPolicy {
  initialInterval?: Duration;
  backoffCoefficient?: number;
  maximumInterval?: Duration;
  /** 0 or absent: unlimited. */
  maximumAttempts?: number;
  nonRetryableErrorTypes?: string[];
}

// ---- handles and waiting ----

/** Something a workflow can wait on: `select` over several, or `await` one. */
export declare class Handle implements PromiseLike<unknown> {
  /** The ABI handle (unique in the run). */
  readonly id: number;
  /** True if waiting on it would return at once. */
  isReady(): boolean;
  /** Waits until it is ready. */
  wait(): this;
  then<R1 = unknown, R2 = never>(
    onFulfilled?: ((value: unknown) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  /** A native Promise that settles when it is ready. */
  promise(): Promise<unknown>;
}

/**
 * A handle with one result (timer, activity, HTTP activity, child, external call): `result()`
 * waits for it and returns the value or throws the failure; `await future` does the same.
 */
export declare class Future<T = unknown> extends Handle implements PromiseLike<T> {
  /** Waits for the result; returns its value or throws its failure (ActivityFailure, ...). */
  result(): T;
  /** Asks Temporal to cancel it if it is still pending; its result then says how it ended. */
  cancel(): void;
  then<R1 = T, R2 = never>(
    onFulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2>;
  promise(): Promise<T>;
}

/** The handle type of a `select` argument list (handles, or arrays of handles). */
export type Selected<E> = E extends readonly (infer F)[] ? F : E;

/** Waits for the first of several handles and returns it (the first ready, in the order given). */
export declare function select<const H extends readonly (Handle | readonly Handle[])[]>(...handles: H): Selected<H[number]>;
/** With a last argument `{timeout}`: null if none is ready in time. */
export declare function select<const H extends readonly (Handle | readonly Handle[])[]>(
  ...args: [...handles: H, options: { timeout: Duration; summary?: string }]
): Selected<H[number]> | null;

/** Starts a durable timer; `result()` returns when it fires. */
export declare function startTimer(duration: Duration, options?: { summary?: string }): Future<void>;
/** Sleeps durably (a Temporal timer; the run survives restarts). `await sleep(...)` works too. */
export declare function sleep(duration: Duration): void;

// ---- activities ----

export interface ActivityOptions {
  /** Default: the workflow's task queue. */
  taskQueue?: string;
  activityId?: string;
  /** One of the two *ToCloseTimeout is required. */
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  scheduleToStartTimeout?: Duration;
  heartbeatTimeout?: Duration;
  retry?: RetryPolicy;
  cancellationType?: "tryCancel" | "waitCancellationCompleted" | "abandon";
  /** Shown in the Temporal UI. */
  summary?: string;
}

/** Schedules an activity and returns its handle. */
export declare function startActivity<R = unknown>(activityType: string, options: ActivityOptions, ...args: unknown[]): Future<R>;
/** Runs an activity and returns its result (throws ActivityFailure when it fails). */
export declare function executeActivity<R = unknown>(activityType: string, options: ActivityOptions, ...args: unknown[]): R;

/** What `proxyActivities<A>()` turns each activity function of `A` into. */
export type ProxiedActivity<F> = F extends (...args: infer P) => infer R
  ? ((...args: P) => Awaited<R>) & { start(...args: P): Future<Awaited<R>> }
  : never;

/**
 * An object of activities: `const { charge } = proxyActivities<{ charge(order: Order): Receipt }>(options)`;
 * `charge(order)` waits for the result, `charge.start(order)` returns a handle.
 */
export declare function proxyActivities<A extends object = Record<string, (...args: any[]) => any>>(
  options: ActivityOptions,
): { [K in keyof A]: ProxiedActivity<A[K]> };

export interface HttpRequest {
  method?: string;
  url: string;
  /** Values may name the worker's secrets: "Bearer {{secret PAYMENTS_TOKEN}}". */
  headers?: Record<string, string>;
  /** Bytes, text, or any other value (sent as JSON). */
  body?: Uint8Array | string | unknown;
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  retry?: RetryPolicy;
  maxResponseBytes?: number;
  /** Run as a Temporal local activity (for short calls). */
  local?: boolean;
}

/** An HTTP activity's response (2xx or 3xx; other statuses fail the activity). */
export declare class HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  text(): string;
  json<T = any>(): T;
}

/** Starts an HTTP activity, executed by the worker itself. */
export declare function startHttp(request: HttpRequest): Future<HttpResponse>;
/** Runs an HTTP activity and returns its response. */
export declare function executeHttp(request: HttpRequest): HttpResponse;

export interface ChildWorkflowOptions {
  /** Default: derived from the parent run (stable on replay). */
  workflowId?: string;
  taskQueue?: string;
  namespace?: string;
  workflowExecutionTimeout?: Duration;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  workflowIdReusePolicy?: "allowDuplicate" | "allowDuplicateFailedOnly" | "rejectDuplicate" | "terminateIfRunning";
  parentClosePolicy?: "terminate" | "abandon" | "requestCancel";
  retry?: RetryPolicy;
  cronSchedule?: string;
  memo?: Record<string, unknown>;
  searchAttributes?: Record<string, unknown>;
  cancellationType?: "waitCancellationCompleted" | "waitCancellationRequested" | "tryCancel" | "abandon";
}

/** A started child workflow. */
export declare class ChildWorkflowHandle<R = unknown> extends Future<R> {
  /** The id it was started with (undefined when derived by the worker). */
  readonly workflowId: string | undefined;
}

export declare function startChild<R = unknown>(workflowType: string, options?: ChildWorkflowOptions, ...args: unknown[]): ChildWorkflowHandle<R>;
export declare function executeChild<R = unknown>(workflowType: string, options?: ChildWorkflowOptions, ...args: unknown[]): R;

/** Another workflow, to signal or cancel. */
export interface ExternalWorkflowHandle {
  readonly workflowId: string;
  readonly runId: string | undefined;
  /** Sends a signal and waits until Temporal delivered it. */
  signal(signalName: string, ...args: unknown[]): void;
  startSignal(signalName: string, ...args: unknown[]): Future<void>;
  /** Requests its cancellation and waits until Temporal recorded the request. */
  cancel(): void;
  startCancel(): Future<void>;
}
export declare function getExternalWorkflowHandle(workflowId: string, runId?: string, namespace?: string): ExternalWorkflowHandle;

// ---- signals, updates, queries, cancellation ----

/** Signals of one name, oldest first. */
export declare class SignalChannel<T = unknown> extends Handle {
  readonly name: string;
  /** Waits for the next signal and returns its first argument. */
  receive(): T;
  /** Waits for the next signal and returns all its arguments. */
  receiveArgs(): unknown[];
}
export declare function signalChannel<T = unknown>(name: string): SignalChannel<T>;

/** One update taken from its channel: answer it exactly once. */
export declare class Update<A = unknown> {
  readonly name: string;
  readonly id: string;
  readonly args: unknown[];
  readonly arg: A;
  complete(value?: unknown): void;
  fail(error: unknown): void;
  /** As a validator does: only before the workflow waits again. */
  reject(error: unknown): void;
}

export declare class UpdateChannel<A = unknown> extends Handle {
  readonly name: string;
  /** Waits for the next (valid) update. */
  receive(): Update<A>;
  /** Takes the ready update, or null (none ready, or the validator rejected it). */
  tryReceive(): Update<A> | null;
}
export declare function updateChannel<A = unknown>(name: string, options?: { validator?: (...args: any[]) => void }): UpdateChannel<A>;

/** Runs `handler` for every signal `name` whenever the workflow waits. */
export declare function setSignalHandler<Args extends any[] = any[]>(name: string, handler: (...args: Args) => void): void;
/** Answers every update `name` with `handler` (return completes it, throw fails it); a throwing validator rejects it. */
export declare function setUpdateHandler<Args extends any[] = any[], R = unknown>(
  name: string,
  handler: (...args: Args) => R,
  options?: { validator?: (...args: Args) => void },
): void;
/** Publishes `value` as the answer to query `name`. */
export declare function setQueryResult(name: string, value: unknown): void;
/** Answers query `name` with `handler()`, published before every wait; it must only read state. */
export declare function setQueryHandler(name: string, handler: () => unknown): void;

/** The workflow's own cancellation (ready once requested). */
export declare class CancellationChannel extends Handle {
  readonly requested: boolean;
}
/** Opens the cancellation channel: the workflow then handles its cancellation itself. */
export declare function cancellation(): CancellationChannel;
export declare function isCancellationRequested(): boolean;

// ---- failures ----

export interface FailureOptions {
  message?: string;
  type?: string;
  nonRetryable?: boolean;
  details?: unknown[];
  cause?: unknown;
}

/** Base of every failure that crosses to or from Temporal. */
export declare class TemporalFailure extends Error {
  type: string | undefined;
  nonRetryable: boolean;
  details: unknown[];
  /** "application", "activity", "child_workflow", "timeout", "cancelled", "terminated", "server", ... */
  kind: string;
  /** The JSON the worker handed over (received failures only). */
  failure: unknown;
  cause?: unknown;
  /** The first application failure's message in the chain, else this one's. */
  readonly reason: string;
  retryState?: string;
  timeoutType?: string;
  source?: string;
  activityType?: string;
  activityId?: string;
  workflowId?: string;
  runId?: string;
  workflowType?: string;
  namespace?: string;
  nextRetryDelayMs?: number;
  lastHeartbeatDetails?: unknown[];
  constructor(message?: string, options?: FailureOptions & { kind?: string });
}
export declare class ApplicationFailure extends TemporalFailure {
  static create(options?: FailureOptions): ApplicationFailure;
  static retryable(message: string, type?: string, ...details: unknown[]): ApplicationFailure;
  static nonRetryable(message: string, type?: string, ...details: unknown[]): ApplicationFailure;
}
export declare class ActivityFailure extends TemporalFailure {}
export declare class ChildWorkflowFailure extends TemporalFailure {}
export declare class TimeoutFailure extends TemporalFailure {}
export declare class CancelledFailure extends TemporalFailure {}
export declare class TerminatedFailure extends TemporalFailure {}
export declare class ServerFailure extends TemporalFailure {}

// ---- payloads ----

/** A payload the SDK does not decode (an encoding other than json/plain, binary/plain, binary/null). */
export declare class Payload {
  metadata: Record<string, Uint8Array>;
  data: Uint8Array;
  constructor(metadata?: Record<string, Uint8Array>, data?: Uint8Array);
  readonly encoding: string | undefined;
  text(): string;
  toJSON(): { metadata: Record<string, string>; data: string };
}
export declare class PayloadError extends Error {}

// ---- the workflow's own state ----

export interface WorkflowInfo {
  workflowId: string;
  runId: string;
  workflowType: string;
  namespace: string;
  taskQueue: string;
  attempt: number;
  startTime?: Date;
  parent?: { workflowId: string; runId?: string; namespace?: string };
  continuedFromRunId?: string;
  memo?: Record<string, unknown>;
  searchAttributes?: Record<string, unknown>;
}
export declare function workflowInfo(): WorkflowInfo;
/** The run's arguments, decoded. */
export declare function workflowArgs(): unknown[];
/** The run's arguments as payloads, not decoded. */
export declare function rawArgs(): Payload[];

/** Workflow time in ms since the epoch (Date.now() too). */
export declare function now(): number;
export declare function randomBytes(count: number): Uint8Array;
export declare function uuid4(): string;
export declare function patched(id: string): boolean;
export declare function deprecatePatch(id: string): void;
export declare function isReplaying(): boolean;

export interface Logger {
  error(...parts: unknown[]): void;
  warn(...parts: unknown[]): void;
  info(...parts: unknown[]): void;
  debug(...parts: unknown[]): void;
  trace(...parts: unknown[]): void;
}
export declare const log: Logger;

export declare function setCurrentDetails(text: string): void;
export declare function upsertSearchAttributes(attributes: Record<string, unknown>): void;
export declare function upsertMemo(memo: Record<string, unknown>): void;
export declare const metrics: {
  counter(name: string, value?: number, labels?: Record<string, string>): void;
  gauge(name: string, value: number, labels?: Record<string, string>): void;
  histogram(name: string, value: number, labels?: Record<string, string>): void;
};

// ---- ending the run: none of these returns ----

export declare function complete(value?: unknown): never;
/** Ends the run as Canceled (after its cancellation was requested). */
export declare function completeAsCancelled(...details: unknown[]): never;
export interface ContinueAsNewOptions {
  workflowType?: string;
  taskQueue?: string;
  workflowRunTimeout?: Duration;
  workflowTaskTimeout?: Duration;
  memo?: Record<string, unknown>;
  searchAttributes?: Record<string, unknown>;
  retry?: RetryPolicy;
}
export declare function continueAsNew(...args: unknown[]): never;
export declare function makeContinueAsNewFunc(options?: ContinueAsNewOptions): (...args: unknown[]) => never;

// ---- the deterministic globals ----

declare global {
  /** Logs through the worker (its `guest` log target). */
  var console: {
    log(...parts: unknown[]): void;
    info(...parts: unknown[]): void;
    warn(...parts: unknown[]): void;
    error(...parts: unknown[]): void;
    debug(...parts: unknown[]): void;
    trace(...parts: unknown[]): void;
  };
  /** A durable timer; the callback runs once the workflow's stack is empty. */
  function setTimeout<A extends unknown[]>(callback: (...args: A) => void, delay?: number, ...args: A): number;
  function clearTimeout(id: number | undefined): void;
  class TextEncoder {
    readonly encoding: "utf-8";
    encode(text?: string): Uint8Array;
  }
  class TextDecoder {
    readonly encoding: "utf-8";
    decode(bytes?: Uint8Array | ArrayBuffer): string;
  }
  interface JSON {
    /** A value JSON.stringify writes as `text` (exact numbers, say). */
    rawJSON(text: string): unknown;
    isRawJSON(value: unknown): boolean;
  }
}

// handles.js - what a workflow waits on, and the one place it waits.
//
// Every command the worker will resolve later returns a handle; channels (signals, updates,
// cancellation) are handles that become ready per item. `waitFor` is the SDK's only call of the
// ABI's `wait`: it publishes the query handlers' answers, lets the signal and update handlers
// take what has arrived (updates first, so that each is validated in the activation it arrived
// in), and returns the first ready handle of those asked for. The worker parks the whole engine
// in `wait` while nothing is ready, so a workflow reads as straight-line code.
//
// Handles are also thenables: `await handle` (and Promise.all / Promise.race over handles) works
// through the driver's event loop (index.js), which waits for every handle a promise depends on
// once the JavaScript stack is empty.

import * as host from "temporal:host";
import { failureFromJSON } from "./failures.js";
import { defined, toMs, toPayload } from "./payloads.js";

/** Handlers run while the workflow waits: channel id -> its dispatcher, in registration order. */
const updateDispatchers = new Map();
const signalDispatchers = new Map();
/** Query name -> function whose answer is published before every wait and at the end. */
export const queryHandlers = new Map();
/** Query name -> the JSON last published (so that an unchanged answer is not sent again). */
const publishedQueries = new Map();

/** Handles a promise waits on (via `then`), in the order they were awaited. */
export const awaited = new Map();

/** Publishes every query handler's current answer that changed since it was last published. */
export function publishQueries() {
  for (const [name, handler] of queryHandlers) {
    const value = handler();
    const json = JSON.stringify(value === undefined ? [] : [toPayload(value)]);
    if (publishedQueries.get(name) !== json) {
      publishedQueries.set(name, json);
      host.setQueryResult(name, json);
    }
  }
}

/** Registers what runs when channel `handle` is ready while the workflow waits. */
export function addDispatcher(kind, handle, dispatch) {
  (kind === "update" ? updateDispatchers : signalDispatchers).set(handle.id, { handle, dispatch });
}

/** Something the workflow can wait on. */
export class Handle {
  constructor(id) {
    /** The ABI handle (a number > 0, unique in the run). */
    this.id = id;
  }

  /** True if waiting on it would return at once. */
  isReady() {
    return host.isReady(this.id);
  }

  /** Whether the SDK already knows it is ready (a taken result, a heard cancellation). */
  _knownReady() {
    return false;
  }

  /** Called by the event loop when it is ready and a promise awaits it. */
  _settle(resolve, reject) {
    resolve(this);
  }

  /** Waits until it is ready (a `select` of one). */
  wait() {
    waitFor([this]);
    return this;
  }

  /** Lets `await handle` and Promise combinators wait for it through the event loop. */
  then(onFulfilled, onRejected) {
    return this.promise().then(onFulfilled, onRejected);
  }

  /** A native Promise that settles when the handle is ready. */
  promise() {
    let entry = awaited.get(this);
    if (!entry) {
      let resolve, reject;
      const promise = new Promise((res, rej) => {
        resolve = res;
        reject = rej;
      });
      entry = { promise, resolve, reject };
      awaited.set(this, entry);
    }
    return entry.promise;
  }
}

/**
 * A handle with one result: a timer, an activity, an HTTP activity, a child workflow, a
 * signal or cancellation sent to another workflow. `result()` waits for it and returns the
 * decoded value, or throws the failure (ActivityFailure, CancelledFailure, ...).
 */
export class Future extends Handle {
  #outcome;
  #decode;

  constructor(id, decode) {
    super(id);
    this.#decode = decode;
  }

  isReady() {
    return this.#outcome !== undefined || host.isReady(this.id);
  }

  _knownReady() {
    return this.#outcome !== undefined;
  }

  /** Takes the result from the worker once; later calls see the same outcome. */
  #take() {
    if (this.#outcome === undefined) {
      const result = JSON.parse(host.takeResult(this.id));
      if (result.completed) {
        try {
          this.#outcome = { value: this.#decode(result.completed) };
        } catch (error) {
          this.#outcome = { error };
        }
      } else {
        this.#outcome = { error: failureFromJSON(result.failed ?? result.cancelled) };
      }
    }
    return this.#outcome;
  }

  /** Waits for the result; returns its value or throws its failure. */
  result() {
    if (this.#outcome === undefined) waitFor([this]);
    const outcome = this.#take();
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  }

  /** Asks Temporal to cancel it (if it is still pending); its result then says how it ended. */
  cancel() {
    if (this.#outcome === undefined) host.cancel(this.id);
  }

  _settle(resolve, reject) {
    const outcome = this.#take();
    if ("error" in outcome) reject(outcome.error);
    else resolve(outcome.value);
  }
}

/**
 * Waits until one of `handles` is ready and returns the first ready one in the order given.
 * Meanwhile the signal and update handlers take what arrives.
 */
export function waitFor(handles) {
  for (;;) {
    for (const handle of handles) {
      if (handle._knownReady()) return handle;
    }
    publishQueries();
    const ids = [];
    const asked = new Set(handles.map((handle) => handle.id));
    for (const id of updateDispatchers.keys()) if (!asked.has(id)) ids.push(id);
    for (const id of signalDispatchers.keys()) if (!asked.has(id)) ids.push(id);
    for (const handle of handles) ids.push(handle.id);
    const ready = host.wait(ids);
    const dispatcher = asked.has(ready) ? undefined : (updateDispatchers.get(ready) ?? signalDispatchers.get(ready));
    if (dispatcher) {
      dispatcher.dispatch();
      continue;
    }
    return handles.find((handle) => handle.id === ready);
  }
}

/** True for the last argument of `select` when it is options rather than a handle. */
function isOptions(value) {
  return value !== null && typeof value === "object" && !(value instanceof Handle) && !Array.isArray(value);
}

/**
 * Waits for the first of several handles (or arrays of them) and returns it:
 * `select(approvals, deadline, cancelled)`. With a last argument `{timeout}` it returns null
 * if nothing is ready in time (the timer is cancelled otherwise).
 */
export function select(...items) {
  const options = items.length && isOptions(items[items.length - 1]) ? items.pop() : {};
  const handles = items.flat();
  if (!handles.length && options.timeout === undefined) {
    throw new TypeError("temporal: select needs at least one handle");
  }
  for (const handle of handles) {
    if (!(handle instanceof Handle)) throw new TypeError(`temporal: select takes handles, not ${String(handle)}`);
  }
  if (options.timeout === undefined) return waitFor(handles);
  const timer = startTimer(options.timeout, { summary: options.summary });
  const ready = waitFor([...handles, timer]);
  if (ready === timer) return null;
  timer.cancel();
  return ready;
}

/**
 * Starts a durable timer and returns its handle (`result()` waits for it; `cancel()` stops it,
 * and its result then throws a CancelledFailure). `duration`: ms, or a string such as "10s".
 */
export function startTimer(duration, options = {}) {
  const ms = toMs(duration, "the timer's duration");
  if (ms < 1) throw new RangeError("temporal: a timer lasts at least 1 ms");
  const request = defined({ duration_ms: ms }, { summary: options.summary });
  return new Future(host.startTimer(JSON.stringify(request)), () => undefined);
}

/** Sleeps durably (a Temporal timer): the run survives restarts while it sleeps. 0 returns at once. */
export function sleep(duration) {
  const ms = toMs(duration, "sleep's duration");
  if (ms >= 1) startTimer(ms).result();
}

// index.js - the `temporal` module: write durable Temporal workflows in JavaScript or
// TypeScript for temporal-wasm-worker, as plain straight-line code.
//
//   import { proxyActivities, sleep } from "temporal";
//   const { charge } = proxyActivities({ taskQueue: "payments", startToCloseTimeout: "10s" });
//   export default function payLater(order) {
//     sleep("1h");                       // a durable timer: the run survives restarts
//     return charge(order);              // waits for the activity's result
//   }
//
// The workflow is its module's default export, called with the run's arguments; what it returns
// (or what its promise resolves to) is the result, what it throws the failure. Calls such as
// `sleep` and `executeActivity` block: the worker parks the whole engine until Temporal
// resolves what they wait for, so there are no callbacks to write, and `await` works too (on
// handles, timers and promises of them, through a small event loop run when the stack is
// empty). The module's top-level code runs once, when the bundle is built.
//
// The globals are deterministic, so that a replay takes the same path: Math.random draws from
// the run's seeded stream, Date and Date.now() read workflow time, setTimeout is a durable
// timer, console logs through the worker; WeakRef, FinalizationRegistry and performance are gone.

import * as host from "temporal:host";
import { TemporalFailure, failureToJSON } from "./failures.js";
import { awaited, publishQueries, startTimer, waitFor } from "./handles.js";
import { complete, log, workflowArgs, workflowInfo } from "./workflow.js";
import { toMs } from "./payloads.js";

export * from "./activities.js";
export * from "./channels.js";
export * from "./failures.js";
export { Future, Handle, select, sleep, startTimer } from "./handles.js";
export { Payload, PayloadError } from "./payloads.js";
export * from "./workflow.js";

// ---- deterministic globals ----

Math.random = function random() {
  return host.randomFloat();
};
delete globalThis.WeakRef;
delete globalThis.FinalizationRegistry;
delete globalThis.performance;

globalThis.console = Object.freeze({
  log: log.info,
  info: log.info,
  warn: log.warn,
  error: log.error,
  debug: log.debug,
  trace: log.trace,
});

/** UTF-8 text to bytes (the part of the web API a workflow needs). */
globalThis.TextEncoder ??= class TextEncoder {
  get encoding() {
    return "utf-8";
  }
  encode(text = "") {
    return host.utf8Encode(String(text));
  }
};

/** UTF-8 bytes to text. */
globalThis.TextDecoder ??= class TextDecoder {
  get encoding() {
    return "utf-8";
  }
  decode(bytes) {
    if (bytes === undefined) return "";
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes.buffer ?? bytes);
    return host.utf8Decode(view);
  }
};

// setTimeout is a durable timer; its callback runs when the workflow's stack is empty (once the
// workflow function has returned a promise that is still pending), as JavaScript's timers do.
const timeouts = new Map(); // id -> {timer, callback, args, due}
const immediates = []; // setTimeout(callback, 0): run next, without a timer
let nextTimeoutId = 1;

globalThis.setTimeout = function setTimeout(callback, delay, ...args) {
  if (typeof callback !== "function") throw new TypeError("setTimeout needs a function");
  const id = nextTimeoutId++;
  const ms = Number.isFinite(Number(delay)) && Number(delay) > 0 ? toMs(Number(delay), "setTimeout's delay") : 0;
  if (ms < 1) immediates.push({ id, callback, args });
  else timeouts.set(id, { timer: startTimer(ms), callback, args, due: host.now() + ms });
  return id;
};

globalThis.clearTimeout = function clearTimeout(id) {
  const entry = timeouts.get(id);
  if (entry) {
    timeouts.delete(id);
    entry.timer.cancel();
  }
  const index = immediates.findIndex((immediate) => immediate.id === id);
  if (index >= 0) immediates.splice(index, 1);
};

// ---- the driver ----

/** Runs promise jobs and what the promises wait for until `promise` settles. */
function runEventLoop(promise) {
  let state = "pending";
  let value;
  promise.then(
    (result) => {
      state = "fulfilled";
      value = result;
    },
    (error) => {
      state = "rejected";
      value = error;
    },
  );
  for (;;) {
    host.runJobs();
    if (state !== "pending") break;
    if (immediates.length) {
      const { callback, args } = immediates.shift();
      callback(...args);
      continue;
    }
    // Timers in the order they fire, so that several ready at once run earliest first.
    const timers = [...timeouts.entries()].sort((a, b) => a[1].due - b[1].due || a[0] - b[0]);
    const waiting = [...awaited.keys(), ...timers.map(([, entry]) => entry.timer)];
    if (!waiting.length) {
      throw new Error(
        "temporal: the workflow's promise can never settle: it awaits something that is neither a " +
          "temporal handle nor a timer (a workflow has no other event loop)",
      );
    }
    const ready = waitFor(waiting);
    const entry = awaited.get(ready);
    if (entry) {
      awaited.delete(ready);
      ready._settle(entry.resolve, entry.reject);
      continue;
    }
    const [id, timeout] = timers.find(([, candidate]) => candidate.timer === ready);
    timeouts.delete(id);
    timeout.callback(...timeout.args);
  }
  host.runJobs();
  if (state === "rejected") throw value;
  return value;
}

function isThenable(value) {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof value.then === "function";
}

/**
 * Build time: checks that the entry module exports the workflow as its default export.
 * @internal
 */
export function __checkWorkflow(namespace) {
  if (typeof namespace.default !== "function") {
    throw new TypeError(
      "the workflow module has no default export function: write `export default function myWorkflow(input) { ... }`",
    );
  }
}

/**
 * Run time: calls the workflow with the run's arguments and ends the run with what it returns
 * or throws. Called by the engine's `run`.
 * @internal
 */
export function __runWorkflow(namespace) {
  let outcome;
  try {
    let value = namespace.default(...workflowArgs());
    if (isThenable(value)) value = runEventLoop(Promise.resolve(value));
    outcome = { value };
  } catch (error) {
    outcome = { error };
  }
  if (!("error" in outcome)) {
    complete(outcome.value);
    return;
  }
  const error = outcome.error;
  if (!(error instanceof TemporalFailure)) {
    // A bug rather than a decision: the stack helps whoever reads the worker's log.
    log.error(`workflow ${workflowInfo().workflowType ?? ""} failed:`, error);
  }
  publishQueries();
  host.completeWithFailure(JSON.stringify(failureToJSON(error)));
}


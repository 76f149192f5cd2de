// mock_host.js - a stand-in for the worker behind `temporal:host`, for the SDK's tests.
//
// The test build (`tw-js test --mock-host`) imports this module wherever the SDK imports
// `temporal:host`. It keeps what a worker keeps for a run: handles in call order from 1, the
// requests each call received (parsed JSON), results queued per handle, published queries. A
// call that ends the run throws an `Ended` carrying what it sent, since the worker never returns
// from one. `wait` with nothing ready calls `onBlock` (a test resolves things there); if still
// nothing is ready, the run would park forever and the mock throws.

import * as natives from "temporal:natives";

/** Thrown by the ending calls: what the run ended with. */
export class Ended extends Error {
  constructor(call, json) {
    super(`the run ended with ${call}`);
    this.call = call;
    this.json = json;
  }
}

const state = {
  nextHandle: 1,
  calls: [], // {call, json?, handle?, name?}
  results: new Map(), // handle -> [result JSON text, ...]
  queries: new Map(),
  info: '{"params":[],"workflow_info":{}}',
  onBlock: () => {},
  now: 1767225600000,
  logs: [],
};

/** The mock's controls, for tests. */
export const mock = {
  /** Forgets everything but the handle counter (handles stay unique across tests). */
  reset() {
    state.calls = [];
    state.results = new Map();
    state.queries = new Map();
    state.onBlock = () => {};
    state.logs = [];
  },
  /** Queues `result` (an object or JSON text) for `handle`. */
  resolve(handle, result) {
    if (!state.results.has(handle)) state.results.set(handle, []);
    state.results.get(handle).push(typeof result === "string" ? result : JSON.stringify(result));
  },
  /** Calls so far (optionally of one kind). */
  calls(call) {
    return call ? state.calls.filter((entry) => entry.call === call) : state.calls;
  },
  /** The last call of a kind. */
  last(call) {
    const calls = mock.calls(call);
    return calls[calls.length - 1];
  },
  /** The published answer of query `name` (parsed), or undefined. */
  query(name) {
    return state.queries.get(name);
  },
  set info(json) {
    state.info = typeof json === "string" ? json : JSON.stringify(json);
  },
  set onBlock(fn) {
    state.onBlock = fn;
  },
  get logs() {
    return state.logs;
  },
  /** The handle the next command will get. */
  get nextHandle() {
    return state.nextHandle;
  },
};

function record(call, json, extra = {}) {
  const entry = { call, json: json === undefined ? undefined : JSON.parse(json), ...extra };
  state.calls.push(entry);
  return entry;
}

function command(call) {
  return (json) => {
    const handle = state.nextHandle++;
    record(call, json, { handle });
    return handle;
  };
}

const channels = new Map();
function channel(kind) {
  return (name) => {
    const key = `${kind}:${name}`;
    if (!channels.has(key)) {
      channels.set(key, state.nextHandle++);
      record(`${kind}_channel`, undefined, { name, handle: channels.get(key) });
    }
    return channels.get(key);
  };
}

function ending(call) {
  return (json) => {
    record(call, json);
    throw new Ended(call, JSON.parse(json));
  };
}

export const startTimer = command("start_timer");
export const startActivity = command("start_activity");
export const startHttpActivity = command("start_http_activity");
export const startChildWorkflow = command("start_child_workflow");
export const signalExternalWorkflow = command("signal_external_workflow");
export const cancelExternalWorkflow = command("cancel_external_workflow");
export const signalChannel = channel("signal");
export const updateChannel = channel("update");
export const cancellationChannel = () => channel("cancellation")("");

export const upsertSearchAttributes = (json) => void record("upsert_search_attributes", json);
export const upsertMemo = (json) => void record("upsert_memo", json);
export const emitMetric = (json) => void record("emit_metric", json);
export const setCurrentDetails = (text) => void state.calls.push({ call: "set_current_details", text });
export const complete = ending("complete");
export const completeWithFailure = ending("complete_with_failure");
export const continueAsNew = ending("continue_as_new");
export const completeAsCancelled = ending("complete_as_cancelled");

export function respondUpdate(id, json) {
  record("respond_update", json, { id });
}

export function setQueryResult(name, json) {
  record("set_query_result", json, { name });
  state.queries.set(name, json === undefined ? undefined : JSON.parse(json));
}

export function cancel(handle) {
  record("cancel", undefined, { handle });
}

function ready(handle) {
  return (state.results.get(handle)?.length ?? 0) > 0;
}

export const isReady = ready;

export function takeResult(handle) {
  if (!ready(handle)) throw new Error(`mock: take_result(${handle}) on a handle that is not ready`);
  return state.results.get(handle).shift();
}

export function wait(handles) {
  if (!handles.length) throw new Error("mock: wait on no handles");
  for (let attempt = 0; attempt < 2; attempt++) {
    const found = handles.find(ready);
    if (found !== undefined) return found;
    if (attempt === 0) state.onBlock(handles);
  }
  throw new Error(`mock: the run would park forever waiting on ${handles.join(", ")}`);
}

export const now = () => state.now;
export const randomFloat = () => 0.25;
export const randomBytes = (n) => new Uint8Array(n).fill(7);
export const patched = (id, deprecated) => {
  record("patched", undefined, { id, deprecated });
  return true;
};
export const isReplaying = () => false;
export const logLevel = () => 5;
export const writeLog = (level, text) => void state.logs.push({ level, text });
export const getInfo = () => state.info;
export const phase = () => "run";

// Pure helpers: the engine's own.
export const textToBase64 = natives.textToBase64;
export const base64ToText = natives.base64ToText;
export const utf8Encode = natives.utf8Encode;
export const utf8Decode = natives.utf8Decode;
export const runJobs = natives.runJobs;
export const memoryUsage = natives.memoryUsage;

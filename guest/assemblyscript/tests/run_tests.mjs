// run_tests.mjs: the SDK's tests, run in Node.js against a fake worker.
//
//   node tests/run_tests.mjs <sdk_test.wasm> [<memory_loop.wasm>]
//
// Each test instantiates sdk_test.wasm afresh with a fake `env` that records every ABI call,
// serves results from guest/fixtures, and ends the run by throwing (as the worker unwinds the
// guest at `complete`). Request tests compare the JSON the SDK passed to an import with a
// request fixture; result tests feed a result fixture to `take_result` and let the guest check
// what it decoded (a failed check aborts, and the guest's error log line is the message).
// With a memory_loop bundle, it also runs 10,000 iterations of it and checks its memory.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixturesDir = path.resolve(here, "../../fixtures");
const fixture = (name) => fs.readFileSync(path.join(fixturesDir, name), "utf8");
const fixtureJson = (name) => JSON.parse(fixture(name));

// ---- the fake worker ----------------------------------------------------------------------

/** Thrown by the ending imports: the run is over. */
class EndRun extends Error {
  constructor(call, json) {
    super(`run ended with ${call}`);
    this.call = call;
    this.json = json;
  }
}

/** A compact json/plain payload of `value`, as the worker writes them. */
const jsonPayload = (value) => ({
  metadata: { encoding: Buffer.from("json/plain").toString("base64") },
  data: Buffer.from(JSON.stringify(value)).toString("base64"),
});

/**
 * A fake worker for one instance. `queue` maps handles to result texts served in order;
 * `onCommand(name, json, handle, host)` may queue more as commands are issued; `info` is the
 * get_info text. When the guest waits on nothing ready, the first pending timer in the set
 * fires (time jumps, as in the worker's local runs); with no timer the test fails.
 */
class FakeWorker {
  constructor({ queue = {}, onCommand = null, info = fixture("info-v0.json") } = {}) {
    this.calls = [];
    this.logs = [];
    this.nextHandle = 1;
    this.channels = new Map();
    this.timers = new Set();
    this.results = new Map(Object.entries(queue).map(([h, items]) => [Number(h), [...items]]));
    this.onCommand = onCommand;
    this.info = Buffer.from(info);
    this.memory = null;
  }

  bytes(ptr, len) {
    return Buffer.from(new Uint8Array(this.memory.buffer, ptr, len));
  }
  text(ptr, len) {
    return this.bytes(ptr, len).toString("utf8");
  }
  json(ptr, len) {
    const text = this.text(ptr, len);
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new Error(`the guest sent JSON that does not parse: ${text}`);
    }
  }
  push(handle, item) {
    if (!this.results.has(handle)) this.results.set(handle, []);
    this.results.get(handle).push(typeof item === "string" ? item : JSON.stringify(item));
  }
  ready(handle) {
    return (this.results.get(handle) ?? []).length > 0;
  }
  record(name, json, extra = {}) {
    const call = { name, json, ...extra };
    this.calls.push(call);
    return call;
  }
  command(name, ptr, len) {
    const json = this.json(ptr, len);
    const handle = this.nextHandle++;
    this.record(name, json, { handle });
    if (name === "start_timer") this.timers.add(handle);
    if (this.onCommand) this.onCommand(name, json, handle, this);
    return handle;
  }
  channel(kind, name) {
    const key = `${kind}:${name}`;
    if (!this.channels.has(key)) {
      const handle = this.nextHandle++;
      this.channels.set(key, handle);
      this.record(kind, null, { handle, channel: name });
    }
    return this.channels.get(key);
  }
  end(call, json) {
    this.record(call, json);
    throw new EndRun(call, json);
  }

  imports() {
    const w = this;
    return {
      env: {
        get_info_len: () => w.info.length,
        get_info: (ptr, len) => {
          if (len !== w.info.length) throw new Error("get_info with a wrong length");
          new Uint8Array(w.memory.buffer, ptr, len).set(w.info);
        },
        write_log: (level, ptr, len) => w.logs.push({ level, message: w.text(ptr, len) }),
        complete: (ptr, len) => w.end("complete", w.json(ptr, len)),
        complete_with_failure: (ptr, len) => w.end("complete_with_failure", w.json(ptr, len)),
        continue_as_new: (ptr, len) => w.end("continue_as_new", w.json(ptr, len)),
        complete_as_cancelled: (ptr, len) => w.end("complete_as_cancelled", len ? w.json(ptr, len) : null),
        start_timer: (ptr, len) => w.command("start_timer", ptr, len),
        start_activity: (ptr, len) => w.command("start_activity", ptr, len),
        start_http_activity: (ptr, len) => w.command("start_http_activity", ptr, len),
        start_child_workflow: (ptr, len) => w.command("start_child_workflow", ptr, len),
        signal_external_workflow: (ptr, len) => w.command("signal_external_workflow", ptr, len),
        cancel_external_workflow: (ptr, len) => w.command("cancel_external_workflow", ptr, len),
        cancel: (handle) => {
          w.record("cancel", null, { handle });
          if (w.timers.has(handle) && !w.ready(handle)) w.push(handle, fixture("results/timer_cancelled.json"));
        },
        wait: (ptr, count) => {
          if (count === 0) throw new Error("wait with count 0 (a guest bug)");
          const handles = [...new Uint32Array(w.memory.buffer, ptr, count)];
          w.record("wait", null, { handles });
          const ready = handles.find((h) => w.ready(h));
          if (ready !== undefined) return ready;
          const timer = handles.find((h) => w.timers.has(h));
          if (timer !== undefined) {
            w.timers.delete(timer);
            w.push(timer, fixture("results/timer_fired.json"));
            return timer;
          }
          throw new Error(`the guest would wait forever on handles ${handles.join(", ")}`);
        },
        is_ready: (handle) => (w.ready(handle) ? 1 : 0),
        result_len: (handle) => {
          if (!w.ready(handle)) throw new Error(`result_len of handle ${handle}, which is not ready (a guest bug)`);
          return Buffer.byteLength(w.results.get(handle)[0]);
        },
        take_result: (handle, ptr, len) => {
          if (!w.ready(handle)) throw new Error(`take_result of handle ${handle}, which is not ready (a guest bug)`);
          const bytes = Buffer.from(w.results.get(handle).shift());
          if (bytes.length !== len) throw new Error(`take_result with len ${len}, result_len is ${bytes.length}`);
          new Uint8Array(w.memory.buffer, ptr, len).set(bytes);
          w.timers.delete(handle);
        },
        signal_channel: (ptr, len) => w.channel("signal_channel", w.text(ptr, len)),
        update_channel: (ptr, len) => w.channel("update_channel", w.text(ptr, len)),
        cancellation_channel: () => w.channel("cancellation_channel", ""),
        respond_update: (idPtr, idLen, ptr, len) =>
          w.record("respond_update", w.json(ptr, len), { updateId: w.text(idPtr, idLen) }),
        set_query_result: (namePtr, nameLen, ptr, len) =>
          w.record("set_query_result", len ? w.json(ptr, len) : null, { query: w.text(namePtr, nameLen) }),
        set_current_details: (ptr, len) => w.record("set_current_details", null, { text: w.text(ptr, len) }),
        now: () => 1767225600000n,
        random: (ptr, len) => new Uint8Array(w.memory.buffer, ptr, len).set(Array.from({ length: len }, (_, i) => i & 0xff)),
        patched: (ptr, len, deprecated) => {
          const id = w.text(ptr, len);
          w.record("patched", null, { id, deprecated });
          return id === "v2" ? 1 : 0;
        },
        is_replaying: () => 0,
        log_level: () => 3,
        upsert_search_attributes: (ptr, len) => w.record("upsert_search_attributes", w.json(ptr, len)),
        upsert_memo: (ptr, len) => w.record("upsert_memo", w.json(ptr, len)),
        emit_metric: (ptr, len) => w.record("emit_metric", w.json(ptr, len)),
      },
    };
  }
}

/** Instantiates `module` with a fresh fake worker and calls export `name`. */
function runExport(module, name, options) {
  const worker = new FakeWorker(options);
  const instance = new WebAssembly.Instance(module, worker.imports());
  worker.memory = instance.exports.memory;
  const fn = instance.exports[name];
  if (typeof fn !== "function") throw new Error(`the test bundle has no export ${name}`);
  let ended = null;
  try {
    fn();
  } catch (err) {
    if (err instanceof EndRun) ended = err;
    else {
      const aborted = worker.logs.filter((l) => l.level === 1).map((l) => l.message).join("; ");
      throw new Error(aborted || err.message);
    }
  }
  return { worker, ended, memoryBytes: instance.exports.memory.buffer.byteLength };
}

// ---- comparing JSON ----------------------------------------------------------------------

function deepEqual(a, b) {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
}

function expectJson(actual, expected, what) {
  if (!deepEqual(actual, expected)) {
    throw new Error(`${what}:\n  expected ${JSON.stringify(expected)}\n  got      ${JSON.stringify(actual)}`);
  }
}

/** The one call named `name` the guest made. */
function callNamed(worker, name) {
  const calls = worker.calls.filter((c) => c.name === name);
  if (calls.length !== 1) throw new Error(`expected one ${name} call, got ${calls.length}`);
  return calls[0];
}

/** A failure as a guest re-raising it sends it on: only ABI v0's fields. */
function v0Failure(failure) {
  const out = {};
  out.message = failure.message ?? "";
  if (failure.type !== undefined) out.type = failure.type;
  if (failure.non_retryable) out.non_retryable = true;
  if (failure.details?.length) out.details = failure.details;
  if (failure.cause) out.cause = v0Failure(failure.cause);
  return out;
}

// ---- the tests ----------------------------------------------------------------------------

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

/** A request test: export `exportName` makes one `call` whose JSON must equal `fixtureName`. */
function requestTest(call, exportName, fixtureName, options = {}) {
  test(`request ${fixtureName}`, (module) => {
    const { worker } = runExport(module, exportName, options);
    expectJson(callNamed(worker, call).json, fixtureJson(fixtureName), `${call} JSON`);
  });
}

requestTest("start_timer", "request_start_timer", "requests/start_timer.json");
requestTest("start_activity", "request_start_activity", "requests/start_activity.json");
requestTest("start_http_activity", "request_start_http_activity", "requests/start_http_activity.json");
requestTest("start_child_workflow", "request_start_child_workflow", "requests/start_child_workflow.json");
requestTest("signal_external_workflow", "request_signal_external_workflow", "requests/signal_external_workflow.json");
requestTest("cancel_external_workflow", "request_cancel_external_workflow", "requests/cancel_external_workflow.json");
requestTest("set_query_result", "request_set_query_result", "requests/set_query_result.json");
requestTest("upsert_search_attributes", "request_upsert_search_attributes", "requests/upsert_search_attributes.json");
requestTest("upsert_memo", "request_upsert_memo", "requests/upsert_memo.json");
requestTest("emit_metric", "request_emit_metric", "requests/emit_metric.json");
requestTest("complete", "request_complete", "requests/complete.json");
requestTest("complete_with_failure", "request_complete_with_failure", "requests/complete_with_failure.json");
requestTest("complete_as_cancelled", "request_complete_as_cancelled", "requests/complete_as_cancelled.json");
requestTest("continue_as_new", "request_continue_as_new", "requests/continue_as_new.json");
const updateQueued = { queue: { 1: [fixture("results/update_item.json")] } };
requestTest("respond_update", "request_respond_update_completed", "requests/respond_update-completed.json", updateQueued);
requestTest("respond_update", "request_respond_update_failed", "requests/respond_update-failed.json", updateQueued);
requestTest("respond_update", "request_respond_update_rejected", "requests/respond_update-rejected.json", updateQueued);
requestTest("complete", "request_payloads", "payloads.json");
requestTest("complete_with_failure", "request_failure_application", "failure-application.json");

test("request set_query_result names the query", (module) => {
  const { worker } = runExport(module, "request_set_query_result");
  expectJson(callNamed(worker, "set_query_result").query, "status", "query name");
});

test("request respond_update answers the update it took", (module) => {
  const { worker } = runExport(module, "request_respond_update_completed", updateQueued);
  expectJson(callNamed(worker, "respond_update").updateId, "upd-1", "update id");
});

/** A result test: `fixtureName` is the result of handle 1; the guest checks what it decoded. */
function resultTest(exportName, fixtureName, options = {}) {
  test(`result ${fixtureName}`, (module) => {
    runExport(module, exportName, { queue: { 1: [fixture(fixtureName)] }, ...options });
  });
}

resultTest("result_activity_completed", "results/activity_completed.json");
resultTest("result_activity_failed", "results/activity_failed.json");
resultTest("result_activity_cancelled", "results/activity_cancelled.json");
resultTest("result_timer_fired", "results/timer_fired.json");
resultTest("result_timer_cancelled", "results/timer_cancelled.json");
resultTest("result_cancellation_item", "results/cancellation_item.json");
resultTest("result_child_already_started", "results/child_already_started.json");
resultTest("result_child_failed", "results/child_failed.json");
resultTest("result_http_completed", "results/http_completed.json");
resultTest("result_signal_item", "results/signal_item.json");
resultTest("result_update_item", "results/update_item.json");

test("result failure-activity.json", (module) => {
  runExport(module, "result_failure_activity", { queue: { 1: [JSON.stringify({ failed: fixtureJson("failure-activity.json") })] } });
});
test("result failure-timeout.json", (module) => {
  runExport(module, "result_failure_timeout", { queue: { 1: [JSON.stringify({ failed: fixtureJson("failure-timeout.json") })] } });
});
test("failure-application.json read and raised again is unchanged", (module) => {
  const failed = JSON.stringify({ failed: fixtureJson("failure-application.json") });
  const { ended } = runExport(module, "result_failure_application_round_trip", { queue: { 1: [failed] } });
  expectJson(ended.json, fixtureJson("failure-application.json"), "re-raised failure");
});
test("failure-activity.json raised again keeps ABI v0's fields", (module) => {
  const failed = JSON.stringify({ failed: fixtureJson("failure-activity.json") });
  const { ended } = runExport(module, "result_failure_activity_round_trip", { queue: { 1: [failed] } });
  expectJson(ended.json, v0Failure(fixtureJson("failure-activity.json")), "re-raised failure");
});
test("info info.json", (module) => runExport(module, "result_info", { info: fixture("info.json") }));
test("info info-v0.json", (module) => runExport(module, "result_info_v0", { info: fixture("info-v0.json") }));
test("payloads payloads.json", (module) =>
  runExport(module, "result_payloads", { info: JSON.stringify({ params: fixtureJson("payloads.json") }) }));

test("an update arriving during another wait is validated then", (module) => {
  const note = JSON.stringify({ update_id: "u-1", args: [jsonPayload({ note: "" })] });
  const { worker } = runExport(module, "wait_validates_updates_while_waiting_for_something_else", {
    queue: { 1: [note], 2: [fixture("results/activity_completed.json")] },
  });
  const answer = callNamed(worker, "respond_update");
  expectJson(answer.updateId, "u-1", "update id");
  expectJson(answer.json, { rejected: { message: "a note must not be empty", type: "EmptyNote" } }, "verdict");
  const waits = worker.calls.filter((c) => c.name === "wait");
  if (waits.length && !waits.every((c) => c.handles.includes(1))) throw new Error("a wait left out the update channel");
});
test("an accepted update is kept until received", (module) => {
  const note = JSON.stringify({ update_id: "u-1", args: [jsonPayload({ note: "gift wrap" })] });
  const { worker } = runExport(module, "wait_keeps_accepted_updates_until_received", {
    queue: { 1: [note], 2: [fixture("results/activity_completed.json")] },
  });
  expectJson(callNamed(worker, "respond_update").json, { completed: [jsonPayload({ notes: 1 })] }, "answer");
});
test("selectTimeout times out on its timer", (module) => {
  const { worker } = runExport(module, "wait_select_timeout_times_out");
  expectJson(callNamed(worker, "start_timer").json, { duration_ms: 5000 }, "timer");
});
test("selectTimeout cancels its timer when something else is first", (module) => {
  const { worker } = runExport(module, "wait_select_timeout_cancels_its_timer", {
    queue: { 1: [fixture("results/signal_item.json")] },
  });
  expectJson(callNamed(worker, "cancel").handle, 2, "cancelled handle");
});
test("base64", (module) => runExport(module, "test_base64"));
test("JSON reading", (module) => runExport(module, "test_json_reading"));
test("JSON writing", (module) => runExport(module, "test_json_writing"));
test("deterministic sources", (module) => {
  const { worker } = runExport(module, "test_deterministic");
  expectJson(worker.calls.filter((c) => c.name === "patched").map((c) => [c.id, c.deprecated]), [["v2", 0], ["v3", 1]], "patched calls");
});

// ---- memory_loop under the fake worker ----------------------------------------------------

const MEMORY_CAP = 4 << 20;

function memoryLoopTest(bundle) {
  test("memory_loop runs 10,000 echoes of ~1 KiB within 4 MiB", () => {
    const module = new WebAssembly.Module(fs.readFileSync(bundle));
    const echo = JSON.stringify({ completed: [jsonPayload("x".repeat(1024))] });
    const { ended, memoryBytes } = runExport(module, "run", {
      info: JSON.stringify({ params: [jsonPayload({ iterations: 10000 })], workflow_info: {} }),
      onCommand: (name, json, handle, worker) => {
        if (name !== "start_activity" || json.activity_type !== "echo") throw new Error(`unexpected ${name}`);
        worker.push(handle, echo);
      },
    });
    if (!ended || ended.call !== "complete") throw new Error("memory_loop did not complete");
    const result = JSON.parse(Buffer.from(ended.json[0].data, "base64").toString());
    expectJson(result, { iterations: 10000 }, "result");
    if (memoryBytes > MEMORY_CAP) throw new Error(`memory grew to ${memoryBytes} bytes`);
    console.log(`    (wasm memory after 10,000 iterations: ${memoryBytes} bytes)`);
  });
}

// ---- main ---------------------------------------------------------------------------------

const [testBundle, memoryLoopBundle] = process.argv.slice(2);
if (!testBundle) {
  console.error("usage: node run_tests.mjs <sdk_test.wasm> [<memory_loop.wasm>]");
  process.exit(2);
}
if (memoryLoopBundle) memoryLoopTest(memoryLoopBundle);
const module = new WebAssembly.Module(fs.readFileSync(testBundle));
let failed = 0;
for (const { name, fn } of tests) {
  try {
    fn(module);
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}\n    ${err.message.replace(/\n/g, "\n    ")}`);
  }
}
console.log(`${tests.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

// driver_test.js - the SDK's driver and waiting: what a workflow function's return, promise or
// exception ends the run with, the event loop behind `await` and setTimeout, handlers run while
// waiting, select, and the deterministic globals.

import { Ended, mock } from "temporal:host";
import * as t from "temporal";
import { equal, ok, report, test, throws } from "./check.js";

const ENDINGS = ["complete", "complete_with_failure", "continue_as_new", "complete_as_cancelled"];

/** Runs `workflow` as the driver does; returns the first ending call (the worker never returns from one). */
function run(workflow, ...args) {
  mock.info = { params: args.map((arg) => ({ metadata: { encoding: "anNvbi9wbGFpbg==" }, data: jsonBase64(arg) })), workflow_info: { workflow_type: "Test" } };
  const error = throws(() => t.__runWorkflow({ default: workflow }), "the run");
  if (!(error instanceof Ended)) throw error;
  const ending = mock.calls().find((entry) => ENDINGS.includes(entry.call));
  return { call: ending.call, json: ending.json };
}

function jsonBase64(value) {
  return new TextEncoder().encode(JSON.stringify(value)).toBase64();
}

function value(json) {
  return JSON.parse(new TextDecoder().decode(Uint8Array.fromBase64(json.data)));
}

const completed = (result) => ({ completed: result === undefined ? [] : [{ metadata: { encoding: "anNvbi9wbGFpbg==" }, data: jsonBase64(result) }] });
const options = { startToCloseTimeout: "10s" };

test("a returned value completes the run with one json/plain payload", () => {
  const ending = run((name) => `Hello, ${name}!`, "Ada");
  equal(ending.call, "complete");
  equal(value(ending.json[0]), "Hello, Ada!");
});

test("returning undefined completes with no payload", () => {
  equal(run(() => {}).json, []);
});

test("a thrown TypeError fails the run with its message and type, and logs its stack", () => {
  const ending = run(() => null.property);
  equal(ending.call, "complete_with_failure");
  equal(ending.json.type, "TypeError");
  ok(/null/.test(ending.json.message), ending.json.message);
  ok(mock.logs.some((entry) => entry.level === 1 && /workflow Test failed: TypeError/.test(entry.text)), "logged");
});

test("an Error subclass fails with its name as the type, its cause kept", () => {
  class OutOfStock extends Error {}
  OutOfStock.prototype.name = "OutOfStock";
  const ending = run(() => {
    throw new OutOfStock("no apples", { cause: new RangeError("count -1") });
  });
  equal(ending.json, { message: "no apples", type: "OutOfStock", cause: { message: "count -1", type: "RangeError" } });
});

test("a thrown string fails with it as the message", () => {
  equal(run(() => {
    throw "gave up";
  }).json, { message: "gave up", type: "Error" });
});

test("an ActivityFailure rethrown is the workflow's failure as it came", () => {
  const ending = run(() => {
    const handle = t.startActivity("charge", options);
    mock.resolve(handle.id, { failed: { message: "Activity task failed", kind: "activity", type: "Declined", cause: { message: "no", kind: "application", type: "Declined" } } });
    return handle.result();
  });
  equal([ending.json.kind, ending.json.type, ending.json.cause.message], ["activity", "Declined", "no"]);
});

test("a promise that nothing can settle fails the run instead of hanging", () => {
  const ending = run(async () => {
    await new Promise(() => {});
  });
  ok(/can never settle/.test(ending.json.message), ending.json.message);
});

test("an async workflow awaits several activities started together", () => {
  mock.onBlock = (handles) => {
    for (const handle of handles) mock.resolve(handle, completed(handle * 10));
  };
  const ending = run(async () => {
    const a = t.startActivity("a", options);
    const b = t.startActivity("b", options);
    equal(mock.calls("start_activity").length, 2, "both started before waiting");
    return await Promise.all([a, b]);
  });
  const [a, b] = mock.calls("start_activity").map((entry) => entry.handle);
  equal(value(ending.json[0]), [a * 10, b * 10]);
});

test("Promise.race settles with what Temporal resolved first", () => {
  let activity;
  mock.onBlock = () => mock.resolve(activity.id, completed("fast"));
  const ending = run(async () => {
    activity = t.startActivity("fast", options);
    return await Promise.race([t.startTimer("1h"), activity]);
  });
  equal(value(ending.json[0]), "fast");
});

test("an awaited failure rejects and can be caught", () => {
  const ending = run(async () => {
    const handle = t.startActivity("charge", options);
    mock.resolve(handle.id, { failed: { message: "declined", kind: "application", type: "Declined" } });
    try {
      await handle;
    } catch (error) {
      return `caught ${error.type}`;
    }
  });
  equal(value(ending.json[0]), "caught Declined");
});

test("setTimeout is a durable timer whose callback runs from the event loop", () => {
  mock.onBlock = (handles) => mock.resolve(handles[handles.length - 1], { completed: [] });
  const ending = run(async () => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    return "woke";
  });
  equal(mock.last("start_timer").json, { duration_ms: 1500 });
  equal(value(ending.json[0]), "woke");
});

test("clearTimeout cancels the timer and its callback never runs", () => {
  let ran = false;
  const ending = run(async () => {
    const id = setTimeout(() => (ran = true), 1000);
    clearTimeout(id);
    await new Promise((resolve) => setTimeout(resolve, 0));
    return ran;
  });
  equal(mock.calls("cancel").length, 1, "cancelled");
  equal(value(ending.json[0]), false);
});

test("sleep: 0 returns at once, a duration starts a timer and waits for it", () => {
  mock.onBlock = (handles) => mock.resolve(handles[0], { completed: [] });
  t.sleep(0);
  equal(mock.calls("start_timer").length, 0, "no timer");
  t.sleep("1.5s");
  equal(mock.last("start_timer").json, { duration_ms: 1500 });
  ok(throws(() => t.sleep("soon")) instanceof TypeError, "a bad duration");
  ok(throws(() => t.sleep(-1)) instanceof TypeError, "a negative duration");
});

test("select returns the first ready handle in the order given", () => {
  const a = t.startActivity("a", options);
  const b = t.startActivity("b", options);
  mock.resolve(b.id, completed(2));
  mock.resolve(a.id, completed(1));
  equal(t.select(b, a), b);
  equal(t.select([a, b]), a, "arrays too");
});

test("select with a timeout: null when the timer fires first, the timer cancelled otherwise", () => {
  const a = t.startActivity("a", options);
  mock.onBlock = (handles) => mock.resolve(handles[handles.length - 1], { completed: [] });
  equal(t.select(a, { timeout: "5s" }), null);
  mock.onBlock = () => mock.resolve(a.id, completed(1));
  equal(t.select(a, { timeout: "5s" }), a);
  equal(mock.calls("cancel").length, 1, "the second timer was cancelled");
});

test("update handlers: the validator rejects, the handler completes, a throw fails", () => {
  const notes = [];
  t.setUpdateHandler(
    "note",
    (text) => {
      if (text === "boom") throw t.ApplicationFailure.create({ message: "boom", type: "Boom" });
      notes.push(text);
      return notes.length;
    },
    { validator: (text) => {
      if (!text) throw t.ApplicationFailure.create({ message: "empty", type: "EmptyNote" });
    } },
  );
  const channel = t.updateChannel("note");
  for (const [id, text] of [["u1", ""], ["u2", "hi"], ["u3", "boom"]]) {
    mock.resolve(channel.id, { update_id: id, args: completed(text).completed });
  }
  const timer = t.startTimer(10);
  mock.onBlock = () => mock.resolve(timer.id, { completed: [] });
  timer.result();
  const answers = mock.calls("respond_update").map((entry) => [entry.id, Object.keys(entry.json)[0]]);
  equal(answers, [["u1", "rejected"], ["u2", "completed"], ["u3", "failed"]]);
  equal(notes, ["hi"]);
});

test("signal handlers run while the workflow waits", () => {
  const seen = [];
  t.setSignalHandler("ping", (...args) => seen.push(args));
  const channel = t.signalChannel("ping");
  mock.resolve(channel.id, completed({ n: 1 }));
  const timer = t.startTimer(10);
  mock.onBlock = () => mock.resolve(timer.id, { completed: [] });
  timer.result();
  equal(seen, [[{ n: 1 }]]);
});

test("query handlers are published before each wait when their answer changed", () => {
  let state = "starting";
  t.setQueryHandler("state", () => ({ state }));
  const timer = t.startTimer(10);
  mock.resolve(timer.id, { completed: [] });
  mock.onBlock = () => {};
  timer.wait();
  timer.wait();
  equal(mock.calls("set_query_result").length, 1, "published once while unchanged");
  state = "running";
  timer.wait();
  equal(mock.query("state").map(value), [{ state: "running" }]);
  t.setQueryResult("state", "fixed");
});

test("cancellation: select sees it once requested", () => {
  const cancelled = t.cancellation();
  const timer = t.startTimer("1h");
  mock.onBlock = () => mock.resolve(cancelled.id, { completed: [] });
  equal(t.select(timer, cancelled), cancelled);
  ok(cancelled.requested && cancelled.isReady(), "stays requested");
});

test("a signal channel is awaitable and gives the first argument", () => {
  const ending = run(async () => {
    const channel = t.signalChannel("approve");
    mock.resolve(channel.id, completed({ approved_by: "ops" }));
    return await channel;
  });
  equal(value(ending.json[0]), { approved_by: "ops" });
});

test("continueAsNew ends the run from anywhere", () => {
  equal(run(() => t.continueAsNew({ page: 2 })).call, "continue_as_new");
});

test("completeAsCancelled ends the run with its details", () => {
  equal(run(() => t.completeAsCancelled("bye")).json.details.map(value), ["bye"]);
});

test("Math.random and uuid4 draw from the run's stream; WeakRef and performance are gone", () => {
  equal(Math.random(), 0.25);
  equal(t.uuid4(), "07070707-0707-4707-8707-070707070707");
  equal([typeof WeakRef, typeof FinalizationRegistry, typeof performance], ["undefined", "undefined", "undefined"]);
});

test("console logs at the worker's levels", () => {
  console.log("a", { b: 1 }, [2]);
  console.warn("careful");
  equal(mock.logs.map((entry) => [entry.level, entry.text]), [[3, 'a {"b":1} [2]'], [2, "careful"]]);
});

test("patched and deprecatePatch", () => {
  ok(t.patched("new-path"), "patched");
  t.deprecatePatch("old-path");
  equal(mock.calls("patched").map((entry) => [entry.id, entry.deprecated]), [["new-path", false], ["old-path", true]]);
});

test("a child workflow's handle and its result", () => {
  const child = t.startChild("Ship", { workflowId: "ship-1" }, { order: 1 });
  equal(child.workflowId, "ship-1");
  mock.resolve(child.id, completed({ tracking: "T" }));
  equal(t.executeChild.length >= 1 && child.result(), { tracking: "T" });
});

test("an external workflow's signal waits for delivery", () => {
  // The handle waited on is the last of the set (handlers' channels come first).
  mock.onBlock = (handles) => mock.resolve(handles[handles.length - 1], { completed: [] });
  t.getExternalWorkflowHandle("other").signal("go", 1);
  equal(mock.last("signal_external_workflow").json.signal_name, "go");
  mock.onBlock = (handles) => mock.resolve(handles[handles.length - 1], { failed: { message: "no such workflow", kind: "application" } });
  ok(throws(() => t.getExternalWorkflowHandle("gone").cancel()) instanceof t.ApplicationFailure, "failure thrown");
});

test("a value JSON cannot hold is refused when sent", () => {
  ok(throws(() => t.setQueryResult("q", () => {})) instanceof TypeError, "function");
  ok(throws(() => t.setQueryResult("q", 10n)) instanceof TypeError, "bigint");
});

report("driver");

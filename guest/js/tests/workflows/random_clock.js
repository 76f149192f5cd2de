// random_clock: a workflow whose commands depend on Math.random() and Date.now(), for
// tests/js_determinism.rs. Run with max_cached_workflows = 0, every workflow task replays it
// from the start: if a replay drew other numbers or read another time, it would issue other
// commands (another number of timers, another patch id) and Temporal would fail the task as
// nondeterministic. The `echo` activity returns what the first execution drew, as history
// recorded it, so the result also shows the replay computing the same values.
//
// Input: {"activity_queue": "<the echo activity's task queue>"}

import { executeActivity, patched, sleep, uuid4 } from "temporal";

export default async function randomClock({ activity_queue }) {
  const first = { random: Math.random(), now: Date.now(), date: new Date().toISOString(), uuid: uuid4() };
  const echoed = executeActivity("echo", { taskQueue: activity_queue, startToCloseTimeout: "10s" }, first);
  const timers = 1 + Math.floor(Math.random() * 3);
  for (let i = 0; i < timers; i++) sleep(100 + Math.floor(Math.random() * 100));
  patched(`drawn-${Math.floor(first.random * 1e6)}-${first.now % 1000}`);
  await new Promise((resolve) => setTimeout(resolve, 200));
  const second = { random: Math.random(), now: Date.now() };
  return { first, echoed, timers, second };
}

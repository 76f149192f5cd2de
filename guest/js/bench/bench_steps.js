// bench_steps: the durable benchmarks' workflow (bench/guests/README.md), in JavaScript, so that
// the benchmarks can put a JavaScript row next to the C, Rust and Go guests. build.sh builds it
// into target/bench-bundles/js/bench_steps.wasm, exactly as it builds the examples.
//
// Input:  {"before", "timers", "timer_ms", "after", "park_ms", "activity_queue"}, every field
//         optional (0, or "bench-activities" for the queue).
// Steps:  `before` echo activities, then `timers` timers of `timer_ms` (at least 1 ms), then
//         `after` echo activities, one after the other (each echo gets its step number); then,
//         when `park_ms` > 0, waits for signal `release` at most `park_ms` (the timer is
//         cancelled if the signal wins).
// Result: {"done": steps taken, a release by signal counting as one}.

import { ApplicationFailure, executeActivity, select, signalChannel, sleep } from "temporal";

function field(input, name) {
  const value = input?.[name];
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}

function echo(queue, step) {
  try {
    executeActivity("echo", { taskQueue: queue, startToCloseTimeout: "10s" }, step);
  } catch (error) {
    throw ApplicationFailure.create({
      message: `echo failed: ${error.reason ?? error.message}`,
      type: "EchoFailed",
      nonRetryable: true,
      cause: error,
    });
  }
}

export default function benchSteps(input) {
  const before = field(input, "before");
  const timers = field(input, "timers");
  const timerMs = Math.max(field(input, "timer_ms"), 1);
  const after = field(input, "after");
  const parkMs = field(input, "park_ms");
  const queue = typeof input?.activity_queue === "string" ? input.activity_queue : "bench-activities";

  let done = 0;
  for (let i = 0; i < before; i++, done++) echo(queue, i);
  for (let i = 0; i < timers; i++, done++) sleep(timerMs);
  for (let i = 0; i < after; i++, done++) echo(queue, before + i);
  if (parkMs > 0) {
    const release = signalChannel("release");
    if (select(release, { timeout: parkMs }) === release) {
      release.receive();
      done++;
    }
  }
  return { done };
}

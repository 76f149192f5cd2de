// memory_loop: runs the `echo` activity N times and keeps only a count, in constant memory.
//
// Input:  {"iterations": N} (a whole N >= 0)
// Steps:  for i in 0..N-1: activity `echo` on task queue `inventory` (start_to_close 10 s) with
//         one argument, i; take its result and decode it.
// Result: {"iterations": N}
// Fails:  non-retryably with InvalidInput for any other input; EchoFailed if an echo fails.
//
// Each result is a JavaScript value that nothing keeps, so QuickJS frees it (reference
// counting) before the next step: the heap stays at its first step's size however large N is.

import { ApplicationFailure, TemporalFailure, log, proxyActivities } from "temporal";

interface Inventory {
  echo(iteration: number): unknown;
}

const { echo } = proxyActivities<Inventory>({ taskQueue: "inventory", startToCloseTimeout: "10s" });

export default function memoryLoop(input?: { iterations?: unknown }): { iterations: number } {
  const iterations = input?.iterations;
  if (typeof iterations !== "number" || !Number.isSafeInteger(iterations) || iterations < 0) {
    throw ApplicationFailure.nonRetryable('memory_loop expects {"iterations": N} with a whole N >= 0', "InvalidInput");
  }
  let taken = 0;
  for (let i = 0; i < iterations; i++) {
    try {
      echo(i);
    } catch (error) {
      const reason = error instanceof TemporalFailure ? error.reason : String(error);
      throw ApplicationFailure.create({ message: `echo ${i} failed: ${reason}`, type: "EchoFailed", nonRetryable: true, cause: error });
    }
    taken++;
  }
  log.info(`memory_loop: ${taken} results taken`);
  return { iterations: taken };
}

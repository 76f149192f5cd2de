/**
 * memory_loop: runs the `echo` activity N times and keeps only a count, in constant memory.
 *
 * Input:  params[0]: {"iterations": N} (a whole N >= 0)
 * Steps:  for i in 0..N-1: activity `echo` on task queue `inventory` (start_to_close 10 s) with
 *         one argument, i; take its result and decode its payload.
 * Result: {"iterations": N}
 * Fails:  non-retryable `InvalidInput` for any other input; non-retryable `EchoFailed` if an
 *         echo fails or answers something that is not a JSON payload.
 *
 * The instance lives for the whole run. Each step's request, result buffer and decoded
 * payload become garbage as soon as the step ends; the result buffer is freed at once and the
 * incremental GC reclaims the rest while the loop runs, so memory stays flat however large N
 * is (the last log line reports the wasm memory size).
 */
import { Activity, Failure, JsonKind, JsonWriter, complete, fail, input, logInfo } from "../../sdk";

/** The workflow's entry point, called once per run by the worker. */
export function run(): void {
  const request = input();
  const iterations = request !== null ? request.get("iterations") : null;
  if (iterations === null || iterations.kind != JsonKind.Number || !iterations.isInteger || iterations.integer < 0) {
    fail(new Failure('memory_loop expects {"iterations": N} with a whole N >= 0', "InvalidInput", true));
    return;
  }
  const count = iterations.integer;

  let taken: i64 = 0;
  for (let i: i64 = 0; i < count; i++) {
    const echoed = new Activity("echo").taskQueue("inventory").startToCloseMs(10000).arg(i.toString()).execute();
    if (!echoed.ok || echoed.value() === null) {
      const reason = echoed.ok ? "its result is not a JSON payload" : echoed.reason();
      fail(new Failure("echo " + i.toString() + " failed: " + reason, "EchoFailed", true).withCause(echoed.failure));
      return;
    }
    taken++;
  }

  logInfo("memory_loop: " + taken.toString() + " results taken; wasm memory " +
    (<i64>memory.size() << 16).toString() + " bytes");
  const result = new JsonWriter();
  result.beginObject().key("iterations").integer(taken).endObject();
  complete(result.toString());
}

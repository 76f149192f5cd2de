/**
 * timer.ts: durable timers (`start_timer`): `sleep`, `Timer` and `selectTimeout`.
 *
 * A timer is a Temporal command: it fires after its duration of workflow time even if the
 * worker restarts meanwhile (the run is replayed up to the point where it waits again).
 */

import * as host from "./host";
import { JsonWriter } from "./json_write";
import { Command, Handle, select } from "./wait";

/** The JSON of `start_timer`: `{"duration_ms", "summary"?}`. */
export function timerRequest(durationMs: i64, summary: string | null): JsonWriter {
  const w = new JsonWriter();
  w.beginObject().key("duration_ms").integer(durationMs);
  if (summary !== null) w.key("summary").string(summary);
  return w.endObject();
}

/** A durable timer. */
export class Timer extends Command {
  /**
   * Starts a timer of `durationMs` (at least 1) of workflow time; `summary` is shown in the
   * Temporal UI.
   */
  static start(durationMs: i64, summary: string | null = null): Timer {
    const w = timerRequest(durationMs, summary);
    return new Timer(host.start_timer(w.out.ptr, w.out.length));
  }

  /** Blocks until it fires (true) or is cancelled (false). */
  wait(): bool {
    return this.result().ok;
  }
}

/** Sleeps for `durationMs` of workflow time (a durable timer). */
export function sleep(durationMs: i64): void {
  Timer.start(durationMs).wait();
}

/**
 * `select` with a timeout: the index of the first ready handle, or -1 if `timeoutMs` passed
 * first. The timeout is a durable timer, cancelled when something else is ready first.
 */
export function selectTimeout(handles: Handle[], timeoutMs: i64, summary: string | null = null): i32 {
  const timer = Timer.start(timeoutMs, summary);
  const set = handles.slice(0);
  set.push(timer);
  const index = select(set);
  if (index == handles.length) return -1;
  timer.cancel();
  return index;
}

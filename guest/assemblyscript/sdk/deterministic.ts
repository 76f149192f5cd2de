/**
 * deterministic.ts: the only sources of time, randomness and versioning a workflow may use
 * (`now`, `random`, `patched`, `is_replaying`): the worker answers each identically on every
 * replay.
 */

import { ByteBuffer } from "./bytes";
import * as host from "./host";

/**
 * Workflow time: ms since the Unix epoch as of the current activation, identical on replay.
 * Use it instead of `Date.now()`, which a workflow must not read.
 */
export function now(): i64 {
  return host.now();
}

/**
 * `length` bytes from the run's deterministic generator (identical on replay). Use it
 * instead of `Math.random()`, which would import `env.seed` (refused by the worker) and break
 * replay.
 */
export function randomBytes(length: i32): Uint8Array {
  const bytes = new Uint8Array(length);
  host.random(bytes.dataStart, length);
  return bytes;
}

/** A deterministic random u64 (see `randomBytes`). */
export function randomU64(): u64 {
  const bytes = randomBytes(8);
  return load<u64>(bytes.dataStart);
}

/** A deterministic random number in [0, 1) (see `randomBytes`). */
export function randomF64(): f64 {
  return <f64>(randomU64() >> 11) / <f64>(<u64>1 << 53);
}

/**
 * Temporal's versioning: true if this run takes the new code path for patch `id` (recording
 * a marker), false if it started before the patch. `deprecated`: every run that is still open
 * has the patch, so the marker is no longer needed.
 */
export function patched(id: string, deprecated: bool = false): bool {
  const bytes = new ByteBuffer(id.length + 8);
  bytes.utf8(id);
  return host.patched(bytes.ptr, bytes.length, deprecated ? 1 : 0) != 0;
}

/** Whether the current activation replays history (for skipping the workflow's own side effects). */
export function isReplaying(): bool {
  return host.is_replaying() != 0;
}

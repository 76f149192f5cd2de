/**
 * wait.ts: handles, waiting and results (`wait`, `is_ready`, `result_len`, `take_result`).
 *
 * Every command (timer, activity, HTTP activity, child workflow, external call) and every
 * channel (signals, updates, cancellation) is a `Handle`. Waiting is ABI v1's `wait`: the
 * first ready handle of a set, in the order given; when none is ready the worker parks the
 * instance (for seconds or months) and the call returns in a later workflow activation. There
 * is no event loop and no callback: code after `select` or `result()` simply runs later.
 *
 * Update channels are *held*: the SDK adds every open one to each set it waits on and takes
 * arriving updates itself, so each update meets its validator in the activation it arrived in
 * whatever the workflow waits for (Temporal needs the verdict then; see channels.ts).
 */

import * as host from "./host";
import { Failure } from "./failure";
import { JsonKind, JsonValue, parseJsonAt } from "./json_read";
import { panic } from "./log";
import { Payload, payloadValue } from "./payload";

/** Something `select` can wait on: a pending command or a channel, by its ABI handle. */
export class Handle {
  /** Wraps ABI handle `id` (a number from 1, unique within the run). */
  constructor(public readonly id: u32) {}

  /** Whether it is ready now (a result to take, an item in the channel); never blocks. */
  isReady(): bool {
    return this.readyInSdk() || host.is_ready(this.id) != 0;
  }

  /**
   * Whether the SDK already holds what makes it ready (a taken result, a validated update),
   * so that it must not be passed to `wait` at all. Overridden by commands and held channels.
   */
  readyInSdk(): bool {
    return false;
  }
}

/**
 * A channel whose items the SDK takes itself as soon as they arrive (update channels). Every
 * one opened is added to every `wait`.
 */
export abstract class HeldChannel extends Handle {
  /** Takes every item the host holds for this channel now. */
  abstract absorb(): void;
}

/** The run's held channels, in the order they were opened. */
const heldChannels: HeldChannel[] = [];

/** Adds a held channel to every later wait (once per handle). */
export function holdChannel(channel: HeldChannel): void {
  for (let i = 0; i < heldChannels.length; i++) {
    if (heldChannels[i].id == channel.id) return;
  }
  heldChannels.push(channel);
}

/** The held channel of handle `id`, or null. */
function heldChannel(id: u32): HeldChannel | null {
  for (let i = 0; i < heldChannels.length; i++) {
    if (heldChannels[i].id == id) return heldChannels[i];
  }
  return null;
}

/**
 * Blocks until one of `handles` is ready and returns its index: the first ready one, in the
 * order given. Nothing is taken: call the ready handle's own method (`result()`,
 * `receive()`...) next. An empty list is a bug (the ABI cannot wait on nothing) and aborts.
 *
 *     const approve = new SignalChannel("approve");
 *     const deadline = Timer.start(3600 * 1000);
 *     if (select([approve, deadline]) == 0) { const signal = approve.receive(); ... }
 */
export function select(handles: Handle[]): i32 {
  if (handles.length == 0) panic("select needs at least one handle to wait on");
  while (true) {
    // Judge updates that are already there first, so none slips past its validator.
    for (let i = 0; i < heldChannels.length; i++) heldChannels[i].absorb();
    for (let i = 0; i < handles.length; i++) {
      if (handles[i].readyInSdk()) return i;
    }
    // The set: the handles given, then every held channel not among them.
    let extra = 0;
    for (let i = 0; i < heldChannels.length; i++) {
      if (indexOfId(handles, heldChannels[i].id) < 0) extra++;
    }
    const set = new StaticArray<u32>(handles.length + extra);
    for (let i = 0; i < handles.length; i++) set[i] = handles[i].id;
    let next = handles.length;
    for (let i = 0; i < heldChannels.length; i++) {
      if (indexOfId(handles, heldChannels[i].id) < 0) set[next++] = heldChannels[i].id;
    }
    const ready = host.wait(changetype<usize>(set), set.length);
    const held = heldChannel(ready);
    if (held !== null) {
      // Validate what arrived; loop, so a rejected update does not count as ready.
      held.absorb();
      continue;
    }
    const index = indexOfId(handles, ready);
    if (index < 0) panic("wait returned handle " + ready.toString() + ", which it was not given");
    return index;
  }
}

/** Blocks until `handle` is ready (see `select`). */
export function waitFor(handle: Handle): void {
  select([handle]);
}

/** The index of the handle with `id` in `handles`, or -1. */
function indexOfId(handles: Handle[], id: u32): i32 {
  for (let i = 0; i < handles.length; i++) {
    if (handles[i].id == id) return i;
  }
  return -1;
}

/**
 * Takes the ready result of `id` and parses it. The bytes are read into memory from
 * `heap.alloc` and freed as soon as they are parsed; JSON that does not parse is a worker bug,
 * not something a workflow could handle, so it aborts.
 */
export function takeResultJson(id: u32): JsonValue {
  const length = host.result_len(id);
  const buffer = heap.alloc(<usize>max(length, 1));
  host.take_result(id, buffer, length);
  const value = parseJsonAt(buffer, length);
  heap.free(buffer);
  if (value === null) {
    panic("the worker sent a result for handle " + id.toString() + " that is not JSON");
    return new JsonValue(JsonKind.Null);
  }
  return value;
}

/** How a command ended. */
export const enum Status {
  /** `{"completed": [payload...]}` */
  Completed,
  /** `{"failed": failure}` */
  Failed,
  /** `{"cancelled": failure}` */
  Cancelled,
}

/**
 * What a timer, activity, HTTP activity, child workflow or external call resolved with:
 * completed with payloads, or failed or cancelled with a `Failure` that keeps everything
 * Temporal reported.
 */
export class Outcome {
  constructor(
    /** Completed, failed or cancelled. */
    public status: Status,
    /** The result's payloads (completed only; usually one, none for "no value"). */
    public payloads: Payload[],
    /** Why it did not complete (failed or cancelled), else null. */
    public failure: Failure | null,
  ) {}

  /** Reads a result as the host writes it; aborts on a shape the ABI does not define. */
  static parse(root: JsonValue): Outcome {
    const completed = root.get("completed");
    if (completed !== null && completed.kind == JsonKind.Array) {
      return new Outcome(Status.Completed, Payload.listFromJson(completed), null);
    }
    const failed = Failure.fromJson(root.get("failed"));
    if (failed !== null) return new Outcome(Status.Failed, [], failed);
    const cancelled = Failure.fromJson(root.get("cancelled"));
    if (cancelled !== null) return new Outcome(Status.Cancelled, [], cancelled);
    panic("the worker sent a result that is neither completed, failed nor cancelled");
    return new Outcome(Status.Failed, [], new Failure("malformed result"));
  }

  /** Whether it completed. */
  get ok(): bool {
    return this.status == Status.Completed;
  }

  /** Whether it failed. */
  get isFailed(): bool {
    return this.status == Status.Failed;
  }

  /** Whether it was cancelled. */
  get isCancelled(): bool {
    return this.status == Status.Cancelled;
  }

  /**
   * The completed value: payload `index` as JSON (JSON null when there is none, "no value");
   * null when it did not complete or the payload is not `json/plain` JSON.
   */
  value(index: i32 = 0): JsonValue | null {
    if (this.status != Status.Completed) return null;
    return payloadValue(this.payloads, index);
  }

  /**
   * Why it gave no value, in words (see `Failure.reason`), or "" when it completed.
   */
  reason(): string {
    const failure = this.failure;
    return failure !== null ? failure.reason() : "";
  }
}

/**
 * A command that resolves once: a timer, an activity, an HTTP activity, a child workflow, an
 * external signal or cancellation. Its result is taken once and kept, so `result()` may be
 * called again.
 */
export class Command extends Handle {
  /** The result once taken. */
  private outcome: Outcome | null = null;

  /** Ready in the SDK once its result was taken. */
  readyInSdk(): bool {
    return this.outcome !== null;
  }

  /** Blocks until it resolves, then returns how (taking the result on the first call). */
  result(): Outcome {
    const taken = this.outcome;
    if (taken !== null) return taken;
    waitFor(this);
    const outcome = Outcome.parse(takeResultJson(this.id));
    this.outcome = outcome;
    return outcome;
  }

  /**
   * Asks Temporal to cancel it (a timer at once; an activity or child as its cancellation
   * type says). `result()` then reports what the cancelled work reported, usually a
   * cancelled outcome. Nothing happens when it has already resolved.
   */
  cancel(): void {
    if (this.outcome === null && host.is_ready(this.id) == 0) host.cancel(this.id);
  }
}

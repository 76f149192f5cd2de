/**
 * channels.ts: what others send the workflow: signals (`signal_channel`), updates
 * (`update_channel`, `respond_update`) and the cancellation request (`cancellation_channel`).
 *
 * A channel is a handle that is ready while items are queued, so it goes into `select` like
 * any command. Signals sent before the workflow opens their channel are queued and delivered
 * when it does; opening the same name twice gives the same handle.
 *
 * Updates need their verdict in the workflow activation they arrive in: the worker accepts
 * every update the workflow has not rejected by the time it parks again. So every update
 * channel is *held* (see wait.ts): whatever the workflow waits for, the SDK takes an arriving
 * update at once and runs its channel's validator — rejected there, or kept, accepted, until
 * the workflow `receive`s it and answers it with `complete` or `fail`. Replays see the same
 * updates at the same points, so this stays deterministic. A validator must not block (no
 * `select`, `result()`, `sleep`...).
 */

import { Failure } from "./failure";
import * as host from "./host";
import { JsonKind, JsonValue } from "./json_read";
import { JsonWriter } from "./json_write";
import { ByteBuffer } from "./bytes";
import { panic } from "./log";
import { Payload, payloadValue } from "./payload";
import { Handle, HeldChannel, holdChannel, select, takeResultJson } from "./wait";

/** `text` as UTF-8, for the name arguments of channel calls. */
function nameBytes(text: string): ByteBuffer {
  const bytes = new ByteBuffer(text.length + 8);
  bytes.utf8(text);
  return bytes;
}

// ---- Signals -------------------------------------------------------------------------------

/** One signal: its arguments. */
export class Signal {
  constructor(
    /** The signal's name. */
    public name: string,
    /** Its arguments, as payloads. */
    public args: Payload[],
  ) {}

  /** Argument `index` as a JSON value (see `payloadValue`: JSON null when absent). */
  arg(index: i32 = 0): JsonValue | null {
    return payloadValue(this.args, index);
  }
}

/** The signals of one name, oldest first. */
export class SignalChannel extends Handle {
  /** Opens the channel of signal `name`. */
  constructor(public name: string) {
    super(openSignalChannel(name));
  }

  /** Blocks until a signal is queued, then takes the oldest. */
  receive(): Signal {
    select([this]);
    return this.take();
  }

  /** Takes the oldest queued signal, or null when none is queued; never blocks. */
  tryReceive(): Signal | null {
    if (host.is_ready(this.id) == 0) return null;
    return this.take();
  }

  /** Takes the oldest signal (the channel is ready). */
  private take(): Signal {
    const item = takeResultJson(this.id);
    return new Signal(this.name, Payload.listFromJson(item.get("completed")));
  }
}

/** `signal_channel`. */
function openSignalChannel(name: string): u32 {
  const bytes = nameBytes(name);
  return host.signal_channel(bytes.ptr, bytes.length);
}

// ---- Updates -------------------------------------------------------------------------------

/** Judges an update when it arrives: null accepts it, a failure rejects it with that failure. */
export type UpdateValidator = (update: Update) => Failure | null;

/** One update: its id and arguments, and how to answer it. */
export class Update {
  /** Whether it has been answered. */
  answered: bool = false;

  constructor(
    /** The update's name. */
    public name: string,
    /** Its id, unique in the workflow. */
    public id: string,
    /** Its arguments, as payloads. */
    public args: Payload[],
  ) {}

  /** Reads an update item as the host writes it. */
  static fromJson(name: string, value: JsonValue): Update {
    if (value.kind != JsonKind.Object) panic("the worker sent an update item that is not an object");
    return new Update(name, value.getString("update_id"), Payload.listFromJson(value.get("args")));
  }

  /** Argument `index` as a JSON value (see `payloadValue`: JSON null when absent). */
  arg(index: i32 = 0): JsonValue | null {
    return payloadValue(this.args, index);
  }

  /** Completes it with the JSON text `resultJson` as its result, or with no value when null. */
  complete(resultJson: string | null = null): void {
    const w = new JsonWriter();
    w.beginObject().key("completed").beginArray();
    if (resultJson !== null) Payload.json(resultJson).writeTo(w);
    w.endArray().endObject();
    this.respond(w);
  }

  /** Fails it (after it was accepted) with `failure`. */
  fail(failure: Failure): void {
    this.respond(updateAnswer("failed", failure));
  }

  /** Rejects it (what a validator's verdict does): only in the activation it arrived in. */
  reject(failure: Failure): void {
    this.respond(updateAnswer("rejected", failure));
  }

  /** `respond_update`. */
  private respond(w: JsonWriter): void {
    const id = nameBytes(this.id);
    host.respond_update(id.ptr, id.length, w.out.ptr, w.out.length);
    this.answered = true;
  }
}

/** `{"<verdict>": failure}`. */
export function updateAnswer(verdict: string, failure: Failure): JsonWriter {
  const w = new JsonWriter();
  w.beginObject().key(verdict);
  failure.writeTo(w);
  return w.endObject();
}

/** What the SDK keeps per update channel, shared by every `UpdateChannel` of the same handle. */
class UpdateState {
  /** Updates accepted and not yet received, oldest first. */
  accepted: Update[] = [];
  /** The state of channel handle `id`, judged by `validator` (null: accept every update). */
  constructor(public id: u32, public validator: UpdateValidator | null) {}
}

/** The run's update channels. */
const updateStates: UpdateState[] = [];

/**
 * The updates of one name. `validator` (optional) judges each as it arrives; without one,
 * every update is accepted.
 *
 *     function validNote(update: Update): Failure | null {
 *       const note = update.arg();
 *       return note !== null && note.getString("note") != "" ? null : new Failure("empty note", "EmptyNote");
 *     }
 *     const notes = new UpdateChannel("add_note", validNote);
 */
export class UpdateChannel extends HeldChannel {
  /** Shared with every other `UpdateChannel` of the same handle. */
  private state!: UpdateState;

  /** Opens the channel of update `name` (a second open of a name replaces its validator). */
  constructor(public name: string, validator: UpdateValidator | null = null) {
    super(openUpdateChannel(name));
    this.state = updateState(this.id, validator);
    holdChannel(this);
  }

  /** Ready in the SDK while it holds an accepted update. */
  readyInSdk(): bool {
    return this.state.accepted.length > 0;
  }

  /** Whether an accepted update is there (judging any that just arrived); never blocks. */
  isReady(): bool {
    this.absorb();
    return this.state.accepted.length > 0;
  }

  /** Takes every update the host holds for this channel and judges each. */
  absorb(): void {
    while (host.is_ready(this.id) != 0) {
      const update = Update.fromJson(this.name, takeResultJson(this.id));
      const validator = this.state.validator;
      const verdict = validator !== null ? validator(update) : null;
      if (verdict !== null) update.reject(verdict);
      else this.state.accepted.push(update);
    }
  }

  /** Blocks until an accepted update is there, then takes the oldest. */
  receive(): Update {
    select([this]);
    return this.state.accepted.shift();
  }

  /** Takes the oldest accepted update, or null when there is none; never blocks. */
  tryReceive(): Update | null {
    this.absorb();
    if (this.state.accepted.length == 0) return null;
    return this.state.accepted.shift();
  }
}

/** The state of update channel `id`, created on first use; `validator` replaces its validator. */
function updateState(id: u32, validator: UpdateValidator | null): UpdateState {
  for (let i = 0; i < updateStates.length; i++) {
    if (updateStates[i].id == id) {
      updateStates[i].validator = validator;
      return updateStates[i];
    }
  }
  const state = new UpdateState(id, validator);
  updateStates.push(state);
  return state;
}

/** `update_channel`. */
function openUpdateChannel(name: string): u32 {
  const bytes = nameBytes(name);
  return host.update_channel(bytes.ptr, bytes.length);
}

// ---- Cancellation --------------------------------------------------------------------------

/**
 * The workflow's cancellation request: ready once someone asked Temporal to cancel the
 * workflow. Open it early (`cancellation()`), so that the worker lets the workflow clean up
 * (a workflow that never opens it ends as cancelled when it next waits); finish with
 * `completeAsCancelled`.
 */
export class CancellationChannel extends Handle {
  /** Opens the channel (the same handle on every call). */
  constructor() {
    super(host.cancellation_channel());
  }

  /** Whether cancellation has been requested; never blocks. */
  isRequested(): bool {
    return host.is_ready(this.id) != 0;
  }

  /** Blocks until cancellation is requested. */
  wait(): void {
    select([this]);
  }
}

/** The workflow's cancellation channel. */
export function cancellation(): CancellationChannel {
  return new CancellationChannel();
}

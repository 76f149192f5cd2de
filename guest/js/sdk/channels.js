// channels.js - what others send the workflow (signals, updates, cancellation) and what it
// publishes for them to read (queries).
//
// Two styles, over the same ABI channels:
//   - handlers, as in Temporal's TypeScript SDK: setSignalHandler / setUpdateHandler (with a
//     validator) / setQueryHandler; the SDK runs them whenever the workflow waits;
//   - channels, to read in the workflow's own order: signalChannel(name).receive(),
//     updateChannel(name).receive(), cancellation(), with `select` over several.
// Queries never run workflow code: a query handler's answer is computed and published before
// each wait, and the worker answers queries from what was published.

import * as host from "temporal:host";
import { failureFromJSON, failureToJSON } from "./failures.js";
import { Handle, addDispatcher, queryHandlers, waitFor } from "./handles.js";
import { fromPayloads, toPayload } from "./payloads.js";

/** Channels opened so far, by name: opening a name twice gives the same channel. */
const signalChannels = new Map();
const updateChannels = new Map();

/** Signals of one name: each `receive()` takes the oldest, waiting for one if none has come. */
export class SignalChannel extends Handle {
  constructor(name) {
    super(host.signalChannel(name));
    /** The signal's name. */
    this.name = name;
  }

  /** Waits for the next signal and returns all its arguments. */
  receiveArgs() {
    if (!host.isReady(this.id)) waitFor([this]);
    const item = JSON.parse(host.takeResult(this.id));
    return fromPayloads(item.completed);
  }

  /** Waits for the next signal and returns its first argument. */
  receive() {
    return this.receiveArgs()[0];
  }

  _settle(resolve) {
    resolve(this.receive());
  }
}

/** Opens (or returns) the channel of signal `name`. Signals sent before it was opened wait in it. */
export function signalChannel(name) {
  let channel = signalChannels.get(name);
  if (!channel) signalChannels.set(name, (channel = new SignalChannel(name)));
  return channel;
}

/** One update taken from its channel; answer it exactly once. */
export class Update {
  #answered = false;

  constructor(name, item) {
    /** The update's name. */
    this.name = name;
    /** Temporal's id of this update. */
    this.id = item.update_id;
    /** Its arguments, decoded. */
    this.args = fromPayloads(item.args);
  }

  /** The first argument. */
  get arg() {
    return this.args[0];
  }

  #respond(answer) {
    if (this.#answered) throw new Error(`temporal: update ${this.name} (${this.id}) was already answered`);
    this.#answered = true;
    host.respondUpdate(this.id, JSON.stringify(answer));
  }

  /** Accepts and completes it with `value` (its caller gets the value). */
  complete(value) {
    this.#respond({ completed: value === undefined ? [] : [toPayload(value)] });
  }

  /** Accepts it and fails it with `error` (its caller gets the failure). */
  fail(error) {
    this.#respond({ failed: failureToJSON(error) });
  }

  /**
   * Rejects it, as a validator does: it never enters history. Only in the activation it arrived
   * in, that is before the workflow waits again.
   */
  reject(error) {
    this.#respond({ rejected: failureToJSON(error) });
  }
}

/**
 * Updates of one name. With a `validator` (a function of the update's arguments that throws to
 * reject), `receive()` rejects what fails validation and goes on waiting, and `tryReceive()`
 * returns null for it.
 */
export class UpdateChannel extends Handle {
  constructor(name, validator) {
    super(host.updateChannel(name));
    /** The update's name. */
    this.name = name;
    this.validator = validator;
  }

  /** Takes the update that is ready (the channel must be ready); null if the validator rejected it. */
  tryReceive() {
    if (!host.isReady(this.id)) return null;
    const update = new Update(this.name, JSON.parse(host.takeResult(this.id)));
    if (this.validator) {
      try {
        this.validator(...update.args);
      } catch (error) {
        update.reject(error);
        return null;
      }
    }
    return update;
  }

  /** Waits for the next (valid) update. */
  receive() {
    for (;;) {
      waitFor([this]);
      const update = this.tryReceive();
      if (update) return update;
    }
  }

  _settle(resolve) {
    resolve(this.receive());
  }
}

/** Opens (or returns) the channel of update `name`, with an optional `{validator}`. */
export function updateChannel(name, options = {}) {
  let channel = updateChannels.get(name);
  if (!channel) updateChannels.set(name, (channel = new UpdateChannel(name, options.validator)));
  else if (options.validator) channel.validator = options.validator;
  return channel;
}

/**
 * Runs `handler(...args)` for every signal `name`, whenever the workflow waits (and for those
 * sent before the handler was set).
 */
export function setSignalHandler(name, handler) {
  const channel = signalChannel(name);
  addDispatcher("signal", channel, () => handler(...channel.receiveArgs()));
}

/**
 * Answers every update `name` with `handler(...args)` (its return value completes the update,
 * what it throws fails it); a `validator` that throws rejects the update before it is accepted.
 */
export function setUpdateHandler(name, handler, options = {}) {
  const channel = updateChannel(name, options);
  addDispatcher("update", channel, () => {
    const update = channel.tryReceive();
    if (!update) return;
    let value;
    try {
      value = handler(...update.args);
    } catch (error) {
      update.fail(error);
      return;
    }
    update.complete(value);
  });
}

/** Publishes `value` as the answer to query `name` from now on (until published again). */
export function setQueryResult(name, value) {
  queryHandlers.delete(name);
  host.setQueryResult(name, JSON.stringify(value === undefined ? [] : [toPayload(value)]));
}

/**
 * Answers query `name` with `handler()`: called before every wait and when the run ends, and
 * published when its answer changed. It must only read state (queries never run workflow code).
 */
export function setQueryHandler(name, handler) {
  queryHandlers.set(name, handler);
}

/** The workflow's own cancellation: ready once it has been requested. */
export class CancellationChannel extends Handle {
  #requested = false;

  constructor() {
    super(host.cancellationChannel());
  }

  isReady() {
    return this.#requested || host.isReady(this.id);
  }

  _knownReady() {
    if (!this.#requested && host.isReady(this.id)) {
      host.takeResult(this.id);
      this.#requested = true;
    }
    return this.#requested;
  }

  /** True once cancellation has been requested (never waits). */
  get requested() {
    return this._knownReady();
  }
}

let cancellationChannel;
/**
 * The workflow's cancellation channel. Opening it says the workflow handles cancellation
 * itself: select on it, clean up, then `completeAsCancelled()`. A workflow that never opens it
 * ends as cancelled at its next wait once cancellation is requested.
 */
export function cancellation() {
  cancellationChannel ??= new CancellationChannel();
  return cancellationChannel;
}

/** True once the workflow's cancellation has been requested (opens the channel). */
export function isCancellationRequested() {
  return cancellation().requested;
}


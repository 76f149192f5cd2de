// payloads.js - JavaScript values <-> Temporal payloads, and the small conversions every
// request needs (durations, enum names).
//
// A value crosses as one payload: `json/plain` for anything JSON.stringify accepts, `binary/plain`
// for a Uint8Array, `binary/null` for undefined. A payload of another encoding reaches the
// workflow as a Payload object, untouched.

import * as host from "temporal:host";

const JSON_PLAIN = "json/plain";
const BINARY_PLAIN = "binary/plain";
const BINARY_NULL = "binary/null";
const ENCODING_B64 = {
  [JSON_PLAIN]: host.textToBase64(JSON_PLAIN),
  [BINARY_PLAIN]: host.textToBase64(BINARY_PLAIN),
  [BINARY_NULL]: host.textToBase64(BINARY_NULL),
};

/** A payload the SDK does not decode: its metadata (values as Uint8Array) and data. */
export class Payload {
  constructor(metadata, data) {
    /** @type {Record<string, Uint8Array>} */
    this.metadata = metadata ?? {};
    /** @type {Uint8Array} */
    this.data = data ?? new Uint8Array(0);
  }

  /** The `encoding` metadata as text, or undefined. */
  get encoding() {
    const encoding = this.metadata.encoding;
    return encoding ? host.utf8Decode(encoding) : undefined;
  }

  /** The data as UTF-8 text. */
  text() {
    return host.utf8Decode(this.data);
  }

  /** The ABI's JSON form. */
  toJSON() {
    const metadata = {};
    for (const [key, value] of Object.entries(this.metadata)) metadata[key] = value.toBase64();
    return { metadata, data: this.data.toBase64() };
  }
}

/** Encodes one value as the ABI's payload JSON object. */
export function toPayload(value) {
  if (value instanceof Payload) return value.toJSON();
  if (value instanceof Uint8Array) {
    return { metadata: { encoding: ENCODING_B64[BINARY_PLAIN] }, data: value.toBase64() };
  }
  if (value === undefined) return { metadata: { encoding: ENCODING_B64[BINARY_NULL] }, data: "" };
  const text = JSON.stringify(value);
  if (text === undefined) {
    throw new TypeError(`temporal: a ${typeof value} cannot be sent as a payload (JSON has no form for it)`);
  }
  return { metadata: { encoding: ENCODING_B64[JSON_PLAIN] }, data: host.textToBase64(text) };
}

/** Encodes a list of values (undefined or [] gives []). */
export function toPayloads(values) {
  return (values ?? []).map(toPayload);
}

/** Encodes a record of values as a map of payloads; null removes a key (memo upserts). */
export function toPayloadMap(record, nullRemoves) {
  const out = {};
  for (const [key, value] of Object.entries(record)) {
    out[key] = nullRemoves && value === null ? null : toPayload(value);
  }
  return out;
}

/** Thrown when a payload does not decode. */
export class PayloadError extends Error {}
PayloadError.prototype.name = "PayloadError";

/** Decodes one payload JSON object to a JavaScript value. */
export function fromPayload(payload) {
  const metadata = payload?.metadata ?? {};
  const encoding = metadata.encoding === undefined ? undefined : host.base64ToText(metadata.encoding);
  switch (encoding) {
    case JSON_PLAIN: {
      const text = host.base64ToText(payload.data ?? "");
      try {
        return JSON.parse(text);
      } catch (error) {
        throw new PayloadError(`temporal: a json/plain payload does not hold JSON: ${error.message}`);
      }
    }
    case BINARY_PLAIN:
      return Uint8Array.fromBase64(payload.data ?? "");
    case BINARY_NULL:
      return undefined;
    default:
      return rawPayload(payload);
  }
}

/** A payload JSON object as a Payload, not decoded. */
export function rawPayload(payload) {
  const metadata = {};
  for (const [key, value] of Object.entries(payload?.metadata ?? {})) metadata[key] = Uint8Array.fromBase64(value);
  return new Payload(metadata, Uint8Array.fromBase64(payload?.data ?? ""));
}

/** Decodes a list of payloads. */
export function fromPayloads(payloads) {
  return (payloads ?? []).map(fromPayload);
}

/** Decodes a map of payloads. */
export function fromPayloadMap(map) {
  const out = {};
  for (const [key, value] of Object.entries(map ?? {})) out[key] = fromPayload(value);
  return out;
}

const UNITS = { ms: 1, s: 1000, m: 60000, h: 3600000, d: 86400000 };

/**
 * A duration in whole milliseconds: a number of ms, or a string such as "250ms", "10s",
 * "1.5m", "2h", "1d" (a bare number in a string is ms). undefined stays undefined.
 */
export function toMs(duration, what) {
  if (duration === undefined || duration === null) return undefined;
  let ms = duration;
  if (typeof duration === "string") {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(duration);
    if (!match) throw new TypeError(`temporal: ${what} "${duration}" is not a duration (say "500ms", "10s", "5m", "2h", "1d" or a number of ms)`);
    ms = Number(match[1]) * UNITS[match[2] ?? "ms"];
  }
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new TypeError(`temporal: ${what} must be a duration (a number of ms >= 0 or a string such as "10s"), not ${String(duration)}`);
  }
  return Math.round(ms);
}

/** "waitCancellationCompleted" or "wait_cancellation_completed" -> the ABI's snake_case. */
export function snakeCase(name) {
  return name === undefined ? undefined : String(name).replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

/** Copies the defined entries of `fields` into `target` (the ABI leaves absent fields out). */
export function defined(target, fields) {
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) target[key] = value;
  }
  return target;
}

/** Temporal's retry policy, from its JavaScript form. */
export function retryPolicy(retry) {
  if (!retry) return undefined;
  return defined({}, {
    initial_interval_ms: toMs(retry.initialInterval, "retry.initialInterval"),
    backoff_coefficient: retry.backoffCoefficient,
    maximum_interval_ms: toMs(retry.maximumInterval, "retry.maximumInterval"),
    maximum_attempts: retry.maximumAttempts,
    non_retryable_error_types: retry.nonRetryableErrorTypes,
  });
}

/**
 * payload.ts: Temporal payloads, `{"metadata": {"encoding": base64, ...}, "data": base64}`.
 *
 * Every value that crosses Temporal (workflow input and result, activity arguments and
 * results, signal and update arguments, query results, memo, failure details) is a payload.
 * The SDK writes JSON values as `json/plain` payloads and reads them back with `json()`.
 */

import { base64Decode, base64Encode } from "./base64";
import { bytesEqualAscii, utf8Bytes } from "./bytes";
import { JsonKind, JsonValue, parseJson } from "./json_read";
import { JsonWriter } from "./json_write";

/** `encoding` metadata value of payloads whose data is JSON text. */
export const JSON_PLAIN = "json/plain";
/** `encoding` metadata value of payloads whose data is raw bytes. */
export const BINARY_PLAIN = "binary/plain";
/** `encoding` metadata value of a payload that stands for "no value". */
export const BINARY_NULL = "binary/null";

/** The JSON null a payload-less result or an empty payload list reads as. */
const JSON_NULL = new JsonValue(JsonKind.Null);

/** A Temporal payload: metadata values and data as the ABI carries them, base64-encoded. */
export class Payload {
  /** Creates a payload from its `metadata` object (base64 string values) and base64 `data`. */
  constructor(public metadata: JsonValue, public data: string) {}

  /** A `json/plain` payload holding the JSON text `json` (which must be valid JSON). */
  static json(json: string): Payload {
    const metadata = JsonValue.object().set("encoding", JsonValue.string("anNvbi9wbGFpbg=="));
    return new Payload(metadata, base64Encode(utf8Bytes(json)));
  }

  /** A payload with the given `encoding` and raw `bytes` as data. */
  static bytes(encoding: string, bytes: Uint8Array): Payload {
    const metadata = JsonValue.object().set("encoding", JsonValue.string(base64OfText(encoding)));
    return new Payload(metadata, base64Encode(bytes));
  }

  /**
   * Reads a payload object as the host writes it. Lenient about odd shapes: a missing part
   * reads as empty, which `json()` then rejects. Null when `value` is not an object.
   */
  static fromJson(value: JsonValue): Payload | null {
    if (value.kind != JsonKind.Object) return null;
    let metadata = value.get("metadata");
    if (metadata === null || metadata.kind != JsonKind.Object) metadata = JsonValue.object();
    return new Payload(metadata, value.getString("data"));
  }

  /** Reads a JSON array of payloads (anything else, or a non-object element, reads as none). */
  static listFromJson(value: JsonValue | null): Payload[] {
    const payloads = new Array<Payload>();
    if (value === null || value.kind != JsonKind.Array) return payloads;
    for (let i = 0; i < value.items.length; i++) {
      const payload = Payload.fromJson(value.items[i]);
      if (payload !== null) payloads.push(payload);
    }
    return payloads;
  }

  /**
   * The decoded bytes of metadata value `key`, or null when missing or not valid base64
   * (`String.UTF8.decode(bytes.buffer)` gives the text).
   */
  metadataBytes(key: string): Uint8Array | null {
    const encoded = this.metadata.get(key);
    if (encoded === null || encoded.kind != JsonKind.String) return null;
    return base64Decode(encoded.text);
  }

  /** The `encoding` metadata as text, or null when absent or not base64. */
  encoding(): string | null {
    const bytes = this.metadataBytes("encoding");
    return bytes === null ? null : String.UTF8.decode(bytes.buffer);
  }

  /** Whether the payload's `encoding` is `json/plain`. */
  isJsonPlain(): bool {
    const encoding = this.metadataBytes("encoding");
    return encoding !== null && bytesEqualAscii(encoding, JSON_PLAIN);
  }

  /** Whether the payload's `encoding` is `binary/null` (an explicit "no value"). */
  isNull(): bool {
    const encoding = this.metadataBytes("encoding");
    return encoding !== null && bytesEqualAscii(encoding, BINARY_NULL);
  }

  /** The decoded data bytes, or null when `data` is not valid base64. */
  bytes(): Uint8Array | null {
    return base64Decode(this.data);
  }

  /** The data as a parsed JSON value, or null when not `json/plain` or not valid base64/JSON. */
  json(): JsonValue | null {
    if (!this.isJsonPlain()) return null;
    const bytes = base64Decode(this.data);
    if (bytes === null) return null;
    return parseJson(bytes);
  }

  /** Writes the payload object as the next value of `w`. */
  writeTo(w: JsonWriter): void {
    w.beginObject();
    if (this.metadata.keys.length > 0) {
      w.key("metadata").value(this.metadata);
    }
    w.key("data").string(this.data);
    w.endObject();
  }
}

/** Base64 of the UTF-8 of `text` (metadata values). */
function base64OfText(text: string): string {
  return base64Encode(utf8Bytes(text));
}

/**
 * The JSON value of payload `index` of `payloads`: JSON null when the list is shorter (no
 * value, as a workflow or activity that returns nothing), null when the payload is not a
 * `json/plain` payload holding valid JSON.
 */
export function payloadValue(payloads: Payload[], index: i32 = 0): JsonValue | null {
  if (index >= payloads.length) return JSON_NULL;
  const payload = payloads[index];
  if (payload.isNull()) return JSON_NULL;
  return payload.json();
}

/** Writes `[payload, ...]` as the next value of `w`. */
export function writePayloads(w: JsonWriter, payloads: Payload[]): void {
  w.beginArray();
  for (let i = 0; i < payloads.length; i++) payloads[i].writeTo(w);
  w.endArray();
}

/** Writes `[json/plain payload, ...]`, one per JSON text of `valuesJson`, as the next value. */
export function writeJsonPayloads(w: JsonWriter, valuesJson: string[]): void {
  w.beginArray();
  for (let i = 0; i < valuesJson.length; i++) Payload.json(valuesJson[i]).writeTo(w);
  w.endArray();
}

/**
 * json_write.ts: writing JSON, straight to UTF-8.
 *
 * `JsonWriter` is what every request the SDK sends is built with, and what workflows use to
 * build their results and activity arguments:
 *
 *     const w = new JsonWriter();
 *     w.beginObject().key("order_id").string(id).key("total_cents").integer(total).endObject();
 *     complete(w.toString());
 *
 * The helpers below it (`jsonString`, `jsonObject`, `jsonArray`) build small JSON texts from
 * already-encoded parts, as ABI v0's SDK did.
 */

import { base64EncodeInto } from "./base64";
import { ByteBuffer } from "./bytes";
import { JsonKind, JsonValue } from "./json_read";

/** Digits of `\uXXXX` escapes, lower case as JSON.stringify writes them. */
const HEX_DIGITS = "0123456789abcdef";

/**
 * Writes minified JSON into a growable UTF-8 buffer, inserting commas itself. Inside an
 * object, call `key` before each value. Every method returns the writer, so calls chain.
 */
export class JsonWriter {
  /** The JSON written so far. */
  readonly out: ByteBuffer;
  /** Whether the next value or key needs a comma before it. */
  private needsComma: bool = false;

  /** Creates an empty writer with room for `capacity` bytes. */
  constructor(capacity: i32 = 128) {
    this.out = new ByteBuffer(capacity);
  }

  /** Writes a comma if a value came before in the same container. */
  private separate(): void {
    if (this.needsComma) this.out.byte(0x2c);
    this.needsComma = true;
  }

  /** Opens an object as the next value. */
  beginObject(): JsonWriter {
    this.separate();
    this.out.byte(0x7b);
    this.needsComma = false;
    return this;
  }

  /** Closes the innermost open object. */
  endObject(): JsonWriter {
    this.out.byte(0x7d);
    this.needsComma = true;
    return this;
  }

  /** Opens an array as the next value. */
  beginArray(): JsonWriter {
    this.separate();
    this.out.byte(0x5b);
    this.needsComma = false;
    return this;
  }

  /** Closes the innermost open array. */
  endArray(): JsonWriter {
    this.out.byte(0x5d);
    this.needsComma = true;
    return this;
  }

  /** Writes an object key; the next call writes its value. */
  key(name: string): JsonWriter {
    this.separate();
    this.quoted(name);
    this.out.byte(0x3a);
    this.needsComma = false;
    return this;
  }

  /**
   * Writes a JSON string. Escapes `"`, `\`, control characters and lone surrogates (so the
   * output is valid UTF-8); every other character, non-ASCII included, is written raw.
   */
  string(text: string): JsonWriter {
    this.separate();
    this.quoted(text);
    return this;
  }

  /** Writes a string, or `null` when `text` is null. */
  stringOrNull(text: string | null): JsonWriter {
    if (text === null) return this.null();
    return this.string(text);
  }

  /** Writes an integer. */
  integer(value: i64): JsonWriter {
    this.separate();
    this.out.utf8(value.toString());
    return this;
  }

  /** Writes a number; NaN and infinities, which JSON cannot hold, are written as `null`. */
  number(value: f64): JsonWriter {
    if (!isFinite(value)) return this.null();
    this.separate();
    this.out.utf8(value.toString());
    return this;
  }

  /** Writes `true` or `false`. */
  bool(value: bool): JsonWriter {
    this.separate();
    this.out.utf8(value ? "true" : "false");
    return this;
  }

  /** Writes `null`. */
  null(): JsonWriter {
    this.separate();
    this.out.utf8("null");
    return this;
  }

  /** Writes `json`, which must already be one valid JSON text, as the next value. */
  raw(json: string): JsonWriter {
    this.separate();
    this.out.utf8(json);
    return this;
  }

  /** Writes the padded base64 of `bytes` as a JSON string. */
  base64(bytes: Uint8Array): JsonWriter {
    this.separate();
    this.out.byte(0x22);
    base64EncodeInto(this.out, bytes.dataStart, bytes.length);
    this.out.byte(0x22);
    return this;
  }

  /** Writes the padded base64 of the UTF-8 of `text` as a JSON string. */
  base64Text(text: string): JsonWriter {
    const bytes = new ByteBuffer(text.length + 8);
    bytes.utf8(text);
    this.separate();
    this.out.byte(0x22);
    base64EncodeInto(this.out, bytes.ptr, bytes.length);
    this.out.byte(0x22);
    return this;
  }

  /** Writes a parsed value back as JSON (numbers keep their source text). */
  value(value: JsonValue): JsonWriter {
    // Iterative, like the parser: a stack of open containers and the next index in each.
    const open: JsonValue[] = [];
    const next: i32[] = [];
    let current: JsonValue = value;
    while (true) {
      switch (current.kind) {
        case JsonKind.Null: this.null(); break;
        case JsonKind.Bool: this.bool(current.boolean); break;
        case JsonKind.Number: this.raw(current.text); break;
        case JsonKind.String: this.string(current.text); break;
        default: {
          if (current.kind == JsonKind.Array) this.beginArray();
          else this.beginObject();
          open.push(current);
          next.push(0);
        }
      }
      // Find the next value to write, closing finished containers.
      let found = false;
      while (open.length > 0) {
        const container = open[open.length - 1];
        const index = next[next.length - 1];
        if (index < container.items.length) {
          next[next.length - 1] = index + 1;
          if (container.kind == JsonKind.Object) this.key(container.keys[index]);
          current = container.items[index];
          found = true;
          break;
        }
        if (container.kind == JsonKind.Array) this.endArray();
        else this.endObject();
        open.pop();
        next.pop();
      }
      if (!found) return this;
    }
    return this; // not reached; keeps the compiler's flow analysis happy
  }

  /** Writes `text` quoted and escaped, without a separator. */
  private quoted(text: string): void {
    const out = this.out;
    out.byte(0x22);
    const length = text.length;
    for (let i = 0; i < length; i++) {
      const unit = <u32>text.charCodeAt(i);
      if (unit >= 0x20 && unit < 0x80 && unit != 0x22 && unit != 0x5c) {
        out.byte(unit);
      } else if (unit == 0x22 || unit == 0x5c) {
        out.byte(0x5c);
        out.byte(unit);
      } else if (unit == 0x0a) {
        out.byte(0x5c);
        out.byte(0x6e);
      } else if (unit == 0x0d) {
        out.byte(0x5c);
        out.byte(0x72);
      } else if (unit == 0x09) {
        out.byte(0x5c);
        out.byte(0x74);
      } else if (unit == 0x08) {
        out.byte(0x5c);
        out.byte(0x62);
      } else if (unit == 0x0c) {
        out.byte(0x5c);
        out.byte(0x66);
      } else if (unit < 0x20) {
        this.unicodeEscape(unit);
      } else if (unit >= 0xd800 && unit <= 0xdfff) {
        const next = i + 1 < length ? <u32>text.charCodeAt(i + 1) : 0;
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          out.codePoint(0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00));
          i++;
        } else {
          this.unicodeEscape(unit); // a lone surrogate: kept, as an escape
        }
      } else {
        out.codePoint(unit);
      }
    }
    out.byte(0x22);
  }

  /** Writes `\uXXXX`. */
  private unicodeEscape(unit: u32): void {
    this.out.byte(0x5c);
    this.out.byte(0x75);
    for (let shift = 12; shift >= 0; shift -= 4) this.out.byte(HEX_DIGITS.charCodeAt((unit >> shift) & 0xf));
  }

  /** The JSON written so far, as a string. */
  toString(): string {
    return this.out.toString();
  }
}

/**
 * `text` as a quoted JSON string. Escapes `"`, `\`, control characters and lone surrogates;
 * every other character, including non-ASCII, is emitted raw.
 */
export function jsonString(text: string): string {
  return new JsonWriter(text.length + 8).string(text).toString();
}

/**
 * Concatenates `parts` with `separator` between them, in linear time (the standard library's
 * `Array#join` concatenates pairwise in size-optimised builds, which is quadratic).
 */
export function joinStrings(parts: string[], separator: string): string {
  const count = parts.length;
  if (count == 0) return "";
  let length = separator.length * (count - 1);
  for (let i = 0; i < count; i++) length += parts[i].length;
  // No allocation happens between __new and the copies, so the raw pointer is safe here.
  const joined = changetype<string>(__new(<usize>length << 1, idof<string>()));
  let offset = changetype<usize>(joined);
  for (let i = 0; i < count; i++) {
    if (i > 0) {
      memory.copy(offset, changetype<usize>(separator), <usize>separator.length << 1);
      offset += <usize>separator.length << 1;
    }
    const part = parts[i];
    memory.copy(offset, changetype<usize>(part), <usize>part.length << 1);
    offset += <usize>part.length << 1;
  }
  return joined;
}

/** A JSON array from already-encoded JSON texts: `jsonArray(["1", "\"a\""])` is `[1,"a"]`. */
export function jsonArray(itemsJson: string[]): string {
  return "[" + joinStrings(itemsJson, ",") + "]";
}

/**
 * A JSON object from member names and already-encoded JSON values, in order:
 * `jsonObject(["id"], [jsonString("A-17")])` is `{"id":"A-17"}`.
 */
export function jsonObject(keys: string[], valuesJson: string[]): string {
  const w = new JsonWriter();
  w.beginObject();
  for (let i = 0; i < keys.length; i++) w.key(keys[i]).raw(valuesJson[i]);
  return w.endObject().toString();
}

/**
 * An ordered list of string keys and values, written as a JSON object: HTTP headers, metric
 * labels. Order is kept as added (a JSON object's members, in the order the workflow chose).
 */
export class Pairs {
  /** The keys, in order. */
  keys: string[] = [];
  /** The values, parallel to `keys`. */
  values: string[] = [];

  /** Adds `key` = `value`. Returns the list, so calls chain. */
  add(key: string, value: string): Pairs {
    this.keys.push(key);
    this.values.push(value);
    return this;
  }

  /** Number of pairs. */
  get length(): i32 {
    return this.keys.length;
  }

  /** Writes `{"key": "value", ...}` as the next value of `w`. */
  writeTo(w: JsonWriter): void {
    w.beginObject();
    for (let i = 0; i < this.keys.length; i++) w.key(this.keys[i]).string(this.values[i]);
    w.endObject();
  }
}

/**
 * Memo entries or search attributes to send: keys with values that are already JSON text
 * (a payload object for memo, a JSON value for search attributes), written as one object.
 */
export class JsonEntries {
  /** The keys, in order. */
  keys: string[] = [];
  /** The JSON texts, parallel to `keys`. */
  valuesJson: string[] = [];

  /** Adds `key` with the JSON text `json` as its value. */
  raw(key: string, json: string): JsonEntries {
    this.keys.push(key);
    this.valuesJson.push(json);
    return this;
  }

  /** Number of entries. */
  get length(): i32 {
    return this.keys.length;
  }

  /** Writes the object as the next value of `w`. */
  writeTo(w: JsonWriter): void {
    w.beginObject();
    for (let i = 0; i < this.keys.length; i++) w.key(this.keys[i]).raw(this.valuesJson[i]);
    w.endObject();
  }
}

/**
 * temporal_wasm.ts: write Temporal workflows in AssemblyScript for temporal-wasm-worker (ABI v0).
 *
 * A workflow is a wasm module that exports `run` and its memory and talks to the worker only through
 * five `env.*` imports that move JSON through linear memory (see proto-notes/abi-v0-guest-view.md).
 * This module wraps them: import what you need, implement `export function run(): void`, and build
 * with `--use abort=temporal_wasm/abortRun` (see build.sh) so that the module imports nothing else.
 *
 * Conventions:
 *   - JSON comes in as UTF-8 bytes and is parsed completely and strictly (RFC 8259, including
 *     UTF-8 validation and `\uXXXX` surrogates) into a `JsonValue` tree. Parsing never traps on bad
 *     input: it returns null, so a workflow can turn bad input into a typed failure.
 *   - The parser is iterative, so nesting depth is limited by memory only, not by the wasm stack.
 *   - Strings are AssemblyScript strings (UTF-16); lone surrogates from `\uD800`-style escapes are
 *     kept, and `jsonString` escapes them again so that every JSON text we emit is valid UTF-8.
 *   - Functions that end the run (`complete*`, `failWorkflow`) do not return: the host stops the
 *     run inside the call. They are typed `void`, so write `return` after them for readability.
 */

// ------------------------------------------------------------------------------------------------
// Host imports (module `env`, signatures as in abi-v0-guest-view.md)
// ------------------------------------------------------------------------------------------------

// @ts-ignore: decorator
@external("env", "get_info_len")
declare function hostGetInfoLen(): i32;

// @ts-ignore: decorator
@external("env", "get_info")
declare function hostGetInfo(offset: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "write_log")
declare function hostWriteLog(level: i32, offset: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "complete")
declare function hostComplete(offset: usize, len: i32): void;

// @ts-ignore: decorator
@external("env", "complete_with_failure")
declare function hostCompleteWithFailure(offset: usize, len: i32): void;

/**
 * Encodes text for the host. Lone surrogates become U+FFFD instead of WTF-8 bytes, so the host
 * always receives valid UTF-8 (the JSON we emit never contains any: `jsonString` escapes them).
 */
function utf8(text: string): ArrayBuffer {
  return String.UTF8.encode(text, false, String.UTF8.ErrorMode.REPLACE);
}

// ------------------------------------------------------------------------------------------------
// Logging and aborts
// ------------------------------------------------------------------------------------------------

/** Log levels of `write_log`; the worker logs nothing for any other value. */
export const enum LogLevel {
  Error = 1,
  Warn = 2,
  Info = 3,
  Debug = 4,
  Trace = 5,
}

/** Writes `message` to the worker's log at `level`. Logs are suppressed while Temporal replays. */
export function log(level: LogLevel, message: string): void {
  const bytes = utf8(message);
  hostWriteLog(level, changetype<usize>(bytes), bytes.byteLength);
}

/**
 * Replacement for AssemblyScript's `abort` (wired in with `--use abort=temporal_wasm/abortRun`):
 * the default imports `env.abort`, which the worker refuses. Logs the reason at error level, then
 * traps, which the worker reports as a guest bug (the workflow task fails and is retried).
 */
export function abortRun(message: string | null, fileName: string | null, line: u32, column: u32): void {
  let text = "guest aborted";
  if (message !== null) text += ": " + message;
  if (fileName !== null) text += " at " + fileName + ":" + line.toString() + ":" + column.toString();
  log(LogLevel.Error, text);
  unreachable();
}

// ------------------------------------------------------------------------------------------------
// JSON values and parsing
// ------------------------------------------------------------------------------------------------

/** What a `JsonValue` holds. */
export const enum JsonKind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

/** Shared, always-empty `items` of scalars, so that parsing a scalar allocates no lists. Never add to it. */
const NO_ITEMS = new Array<JsonValue>();
/** Shared, always-empty `keys` of non-objects. Never add to it. */
const NO_KEYS = new Array<string>();

/**
 * One parsed JSON value. A single class with a `kind` keeps the bundle small (no RTTI or virtual
 * calls); only the fields that belong to the kind are meaningful.
 */
export class JsonValue {
  /** The string's value (String), or the number's source text (Number). */
  text: string = "";
  /** The value of a Bool. */
  boolean: bool = false;
  /** Whether a Number is an integer: written without fraction or exponent, and fits in i64. */
  isInteger: bool = false;
  /** The value of a Number when `isInteger`. */
  integer: i64 = 0;
  /** Elements of an Array, or member values of an Object (parallel to `keys`). */
  items: JsonValue[];
  /** Member names of an Object, in document order; duplicates are kept. */
  keys: string[];

  /** Creates an empty value of `kind`. Only containers get their own (growable) lists. */
  constructor(public kind: JsonKind) {
    this.items = kind == JsonKind.Array || kind == JsonKind.Object ? new Array<JsonValue>() : NO_ITEMS;
    this.keys = kind == JsonKind.Object ? new Array<string>() : NO_KEYS;
  }

  /**
   * The member `key` of an Object, or null when this is not an Object or has no such member.
   * With duplicate keys the last one wins, as in JavaScript's `JSON.parse`.
   */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (unchecked(this.keys[i]) == key) return unchecked(this.items[i]);
    }
    return null;
  }

  /** The value of a Number as f64 (NaN for other kinds). */
  toF64(): f64 {
    return this.kind == JsonKind.Number ? parseFloat(this.text) : NaN;
  }
}

/** Parses one JSON text (UTF-8 bytes, optional surrounding whitespace); null if it is not valid JSON. */
export function parseJson(bytes: Uint8Array): JsonValue | null {
  return new JsonParser(bytes).parseDocument();
}

/** Character codes used by the parser. */
const enum Char {
  Tab = 0x09, LineFeed = 0x0a, CarriageReturn = 0x0d, Space = 0x20,
  Quote = 0x22, Plus = 0x2b, Comma = 0x2c, Minus = 0x2d, Dot = 0x2e, Slash = 0x2f,
  Zero = 0x30, Nine = 0x39, Colon = 0x3a,
  UpperA = 0x41, UpperE = 0x45, UpperF = 0x46, OpenBracket = 0x5b, Backslash = 0x5c, CloseBracket = 0x5d,
  LowerA = 0x61, LowerB = 0x62, LowerE = 0x65, LowerF = 0x66, LowerN = 0x6e, LowerR = 0x72,
  LowerT = 0x74, LowerU = 0x75, OpenBrace = 0x7b, CloseBrace = 0x7d,
}

/**
 * Builds a string one UTF-16 code unit at a time, directly inside the string object it returns.
 * With the stub runtime the buffer is usually the newest allocation, so growing it and trimming it
 * in `finish` happen in place instead of copying (the stub allocator never frees).
 */
class Utf16Builder {
  private buffer: usize;
  private capacity: i32;
  private length: i32 = 0;

  /** Creates an empty builder with room for `capacity` code units before it has to grow. */
  constructor(capacity: i32) {
    this.capacity = max(capacity, 8);
    this.buffer = __new(<usize>this.capacity << 1, idof<string>());
  }

  /** Appends one UTF-16 code unit. */
  push(unit: u32): void {
    if (this.length == this.capacity) {
      this.capacity <<= 1;
      this.buffer = __renew(this.buffer, <usize>this.capacity << 1);
    }
    store<u16>(this.buffer + (<usize>this.length << 1), unit);
    this.length++;
  }

  /** The built string, trimmed to its length. The builder must not be used afterwards. */
  finish(): string {
    return changetype<string>(__renew(this.buffer, <usize>this.length << 1));
  }
}

/** Strict RFC 8259 parser over UTF-8 bytes. Invalid input makes it return null, never trap. */
class JsonParser {
  private pos: i32 = 0;

  constructor(private bytes: Uint8Array) {}

  /** The byte at the cursor, or -1 at the end of the input. */
  private peek(): i32 {
    return this.pos < this.bytes.length ? <i32>unchecked(this.bytes[this.pos]) : -1;
  }

  /** Skips the four JSON whitespace characters (a byte order mark is not whitespace). */
  private skipWhitespace(): void {
    let c = this.peek();
    while (c == Char.Space || c == Char.LineFeed || c == Char.CarriageReturn || c == Char.Tab) {
      this.pos++;
      c = this.peek();
    }
  }

  /**
   * Parses the whole document without recursion: `open` holds the containers still waiting for
   * their closing bracket, and each new value is appended to the innermost one.
   */
  parseDocument(): JsonValue | null {
    let root: JsonValue | null = null;
    const open: JsonValue[] = [];
    while (true) {
      // Here a value is expected (the document, an array element, or a member value).
      this.skipWhitespace();
      const value = this.parseValueStart();
      if (value === null) return null;
      if (open.length == 0) root = value;
      else unchecked(open[open.length - 1]).items.push(value);

      if (value.kind == JsonKind.Array || value.kind == JsonKind.Object) {
        this.skipWhitespace();
        if (this.peek() == closerOf(value.kind)) {
          this.pos++; // empty container: complete already
        } else {
          open.push(value);
          if (value.kind == JsonKind.Object && !this.parseKey(value)) return null;
          continue;
        }
      }

      // A value is complete: close finished containers until a separator asks for the next value.
      while (true) {
        this.skipWhitespace();
        if (open.length == 0) return this.pos == this.bytes.length ? root : null;
        const container = unchecked(open[open.length - 1]);
        const c = this.peek();
        if (c == Char.Comma) {
          this.pos++;
          if (container.kind == JsonKind.Object && !this.parseKey(container)) return null;
          break;
        }
        if (c != closerOf(container.kind)) return null;
        this.pos++;
        open.pop();
      }
    }
    return null; // not reached; keeps the compiler's flow analysis happy
  }

  /** Parses `"key" :` of an object member and records the key on `object`. */
  private parseKey(object: JsonValue): bool {
    this.skipWhitespace();
    if (this.peek() != Char.Quote) return false;
    const key = this.parseString();
    if (key === null) return false;
    object.keys.push(key);
    this.skipWhitespace();
    if (this.peek() != Char.Colon) return false;
    this.pos++;
    return true;
  }

  /** Parses a scalar completely, or consumes the opening bracket of a container. */
  private parseValueStart(): JsonValue | null {
    const c = this.peek();
    if (c == Char.OpenBrace || c == Char.OpenBracket) {
      this.pos++;
      return new JsonValue(c == Char.OpenBrace ? JsonKind.Object : JsonKind.Array);
    }
    if (c == Char.Quote) {
      const text = this.parseString();
      if (text === null) return null;
      const value = new JsonValue(JsonKind.String);
      value.text = text;
      return value;
    }
    if (c == Char.Minus || (c >= Char.Zero && c <= Char.Nine)) return this.parseNumber();
    if (this.consumeWord("true")) {
      const value = new JsonValue(JsonKind.Bool);
      value.boolean = true;
      return value;
    }
    if (this.consumeWord("false")) return new JsonValue(JsonKind.Bool);
    if (this.consumeWord("null")) return new JsonValue(JsonKind.Null);
    return null;
  }

  /** Consumes the ASCII `word` if the input continues with it. */
  private consumeWord(word: string): bool {
    const length = word.length;
    if (this.bytes.length - this.pos < length) return false;
    for (let i = 0; i < length; i++) {
      if (<i32>unchecked(this.bytes[this.pos + i]) != word.charCodeAt(i)) return false;
    }
    this.pos += length;
    return true;
  }

  /** Consumes a run of ASCII digits; returns how many there were. */
  private skipDigits(): i32 {
    const start = this.pos;
    let c = this.peek();
    while (c >= Char.Zero && c <= Char.Nine) {
      this.pos++;
      c = this.peek();
    }
    return this.pos - start;
  }

  /** Parses `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, noting whether it is an i64 integer. */
  private parseNumber(): JsonValue | null {
    const start = this.pos;
    const negative = this.peek() == Char.Minus;
    if (negative) this.pos++;
    const digitsStart = this.pos;
    const intDigits = this.skipDigits();
    if (intDigits == 0) return null;
    if (intDigits > 1 && unchecked(this.bytes[digitsStart]) == Char.Zero) return null; // no leading zeros
    let isInteger = true;
    if (this.peek() == Char.Dot) {
      this.pos++;
      if (this.skipDigits() == 0) return null;
      isInteger = false;
    }
    let c = this.peek();
    if (c == Char.LowerE || c == Char.UpperE) {
      this.pos++;
      c = this.peek();
      if (c == Char.Plus || c == Char.Minus) this.pos++;
      if (this.skipDigits() == 0) return null;
      isInteger = false;
    }

    const value = new JsonValue(JsonKind.Number);
    value.text = asciiToString(this.bytes.dataStart + start, this.pos - start);
    if (isInteger) {
      // Accumulate the magnitude as u64; -2^63 is the one value whose magnitude exceeds i64.MAX.
      const limit: u64 = negative ? <u64>i64.MAX_VALUE + 1 : <u64>i64.MAX_VALUE;
      let magnitude: u64 = 0;
      for (let i = digitsStart; i < digitsStart + intDigits; i++) {
        const digit = <u64>(unchecked(this.bytes[i]) - Char.Zero);
        if (magnitude > (limit - digit) / 10) {
          isInteger = false; // a valid JSON number, just not an i64
          break;
        }
        magnitude = magnitude * 10 + digit;
      }
      if (isInteger) value.integer = negative ? -(<i64>magnitude) : <i64>magnitude;
    }
    value.isInteger = isInteger;
    return value;
  }

  /** Consumes the byte at the cursor if it is a UTF-8 continuation byte; returns its 6 bits or -1. */
  private continuation(): i32 {
    const c = this.peek();
    if ((c & 0xc0) != 0x80) return -1; // also rejects -1 (end of input)
    this.pos++;
    return c & 0x3f;
  }

  /**
   * Parses a string starting at its opening quote. It is scanned twice, once to validate and count
   * its UTF-16 code units and once to fill a string of exactly that size, so no scratch buffer is
   * ever copied or wasted.
   */
  private parseString(): string | null {
    const start = ++this.pos; // after the opening quote
    const length = this.scanString(0);
    if (length < 0) return null;
    const text = changetype<string>(__new(<usize>length << 1, idof<string>()));
    this.pos = start;
    this.scanString(changetype<usize>(text));
    return text;
  }

  /**
   * Decodes a string body from the cursor through its closing quote, writing the UTF-16 code
   * units at `out` unless it is 0. Returns the number of code units, or -1 if the string is
   * invalid: raw bytes must be well-formed UTF-8 (no overlongs, no encoded surrogates) and control
   * characters must be escaped. `\uXXXX` yields one code unit, so escaped surrogate pairs
   * recombine by themselves and lone ones are kept, as in JavaScript.
   */
  private scanString(out: usize): i32 {
    let count = 0;
    while (true) {
      const c = this.peek();
      if (c < 0x20) return -1; // end of input (-1) or an unescaped control character
      this.pos++;
      let unit: i32;
      if (c == Char.Quote) return count;
      if (c == Char.Backslash) {
        const escape = this.peek();
        this.pos++;
        if (escape == Char.Quote || escape == Char.Backslash || escape == Char.Slash) unit = escape;
        else if (escape == Char.LowerB) unit = 0x08;
        else if (escape == Char.LowerF) unit = 0x0c;
        else if (escape == Char.LowerN) unit = 0x0a;
        else if (escape == Char.LowerR) unit = 0x0d;
        else if (escape == Char.LowerT) unit = 0x09;
        else if (escape == Char.LowerU) {
          unit = 0;
          for (let i = 0; i < 4; i++) {
            const digit = hexDigitValue(this.peek());
            if (digit < 0) return -1;
            this.pos++;
            unit = (unit << 4) | digit;
          }
        } else return -1;
      } else if (c < 0x80) {
        unit = c;
      } else if (c >= 0xc2 && c <= 0xdf) {
        const b1 = this.continuation();
        if (b1 < 0) return -1;
        unit = ((c & 0x1f) << 6) | b1;
      } else if (c >= 0xe0 && c <= 0xef) {
        const b1 = this.continuation();
        const b2 = this.continuation();
        if (b1 < 0 || b2 < 0) return -1;
        unit = ((c & 0x0f) << 12) | (b1 << 6) | b2;
        if (unit < 0x800 || (unit >= 0xd800 && unit <= 0xdfff)) return -1;
      } else if (c >= 0xf0 && c <= 0xf4) {
        const b1 = this.continuation();
        const b2 = this.continuation();
        const b3 = this.continuation();
        if (b1 < 0 || b2 < 0 || b3 < 0) return -1;
        const codePoint = ((c & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3;
        if (codePoint < 0x10000 || codePoint > 0x10ffff) return -1;
        // Above U+FFFF: a surrogate pair, stored as one little-endian u32.
        const offset = codePoint - 0x10000;
        if (out) store<u32>(out + (<usize>count << 1), (0xd800 | (offset >> 10)) | ((0xdc00 | (offset & 0x3ff)) << 16));
        count += 2;
        continue;
      } else {
        return -1; // stray continuation byte or a lead byte that never starts valid UTF-8
      }
      if (out) store<u16>(out + (<usize>count << 1), unit);
      count++;
    }
    return -1; // not reached
  }
}

/** The value of one hex digit, or -1. */
function hexDigitValue(c: i32): i32 {
  if (c >= Char.Zero && c <= Char.Nine) return c - Char.Zero;
  if (c >= Char.LowerA && c <= Char.LowerF) return c - Char.LowerA + 10;
  if (c >= Char.UpperA && c <= Char.UpperF) return c - Char.UpperA + 10;
  return -1;
}

/** `length` ASCII bytes at `bytes` as a string (cheaper than the general UTF-8 decoder). */
function asciiToString(bytes: usize, length: i32): string {
  const text = changetype<string>(__new(<usize>length << 1, idof<string>()));
  for (let i = 0; i < length; i++) store<u16>(changetype<usize>(text) + (<usize>i << 1), load<u8>(bytes + i));
  return text;
}

/** The closing bracket of a container kind. */
function closerOf(kind: JsonKind): i32 {
  return kind == JsonKind.Array ? Char.CloseBracket : Char.CloseBrace;
}

// ------------------------------------------------------------------------------------------------
// JSON writing
// ------------------------------------------------------------------------------------------------

/** Digits of `\uXXXX` escapes, lower case as JSON.stringify writes them. */
const HEX_DIGITS = "0123456789abcdef";

/**
 * `text` as a quoted JSON string. Escapes `"`, `\`, control characters and lone surrogates (so the
 * result encodes to valid UTF-8); every other character, including non-ASCII, is emitted raw.
 */
export function jsonString(text: string): string {
  const out = new Utf16Builder(text.length + 2);
  out.push(Char.Quote);
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const unit = <u32>text.charCodeAt(i);
    let escape: u32 = 0;
    if (unit == Char.Quote || unit == Char.Backslash) escape = unit;
    else if (unit == 0x08) escape = Char.LowerB;
    else if (unit == 0x0c) escape = Char.LowerF;
    else if (unit == 0x0a) escape = Char.LowerN;
    else if (unit == 0x0d) escape = Char.LowerR;
    else if (unit == 0x09) escape = Char.LowerT;
    else if (unit < 0x20) escape = Char.LowerU;
    else if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = i + 1 < length ? <u32>text.charCodeAt(i + 1) : 0;
      if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        out.push(unit); // a proper pair: copy both halves
        out.push(next);
        i++;
        continue;
      }
      escape = Char.LowerU;
    }
    if (escape == 0) {
      out.push(unit);
      continue;
    }
    out.push(Char.Backslash);
    out.push(escape);
    if (escape == Char.LowerU) {
      for (let shift = 12; shift >= 0; shift -= 4) out.push(HEX_DIGITS.charCodeAt((unit >> shift) & 0xf));
    }
  }
  out.push(Char.Quote);
  return out.finish();
}

/**
 * Concatenates `parts` with `separator` between them, in linear time. Use it instead of
 * `Array#join`: in size-optimised builds the standard library's join concatenates pairwise, which
 * is quadratic and, with the stub runtime that never frees, exhausts memory on long lists.
 */
export function joinStrings(parts: string[], separator: string): string {
  const count = parts.length;
  if (count == 0) return "";
  let length = separator.length * (count - 1);
  for (let i = 0; i < count; i++) length += parts[i].length;
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
  const members = new Array<string>(keys.length);
  for (let i = 0; i < keys.length; i++) members[i] = jsonString(keys[i]) + ":" + valuesJson[i];
  return "{" + joinStrings(members, ",") + "}";
}

// ------------------------------------------------------------------------------------------------
// Base64 (RFC 4648 standard alphabet, with padding)
// ------------------------------------------------------------------------------------------------

/** The RFC 4648 standard alphabet, indexed by 6-bit value. */
const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Encodes `bytes` as standard padded base64. */
export function base64Encode(bytes: Uint8Array): string {
  const length = bytes.length;
  const out = new Utf16Builder((length + 2) / 3 * 4);
  for (let i = 0; i < length; i += 3) {
    const remaining = length - i;
    const b0 = <u32>unchecked(bytes[i]);
    const b1 = remaining > 1 ? <u32>unchecked(bytes[i + 1]) : 0;
    const b2 = remaining > 2 ? <u32>unchecked(bytes[i + 2]) : 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    out.push(BASE64_ALPHABET.charCodeAt(triple >> 18));
    out.push(BASE64_ALPHABET.charCodeAt((triple >> 12) & 0x3f));
    out.push(remaining > 1 ? BASE64_ALPHABET.charCodeAt((triple >> 6) & 0x3f) : 0x3d);
    out.push(remaining > 2 ? BASE64_ALPHABET.charCodeAt(triple & 0x3f) : 0x3d);
  }
  return out.finish();
}

/** The 6-bit value of a base64 character, or -1. */
function base64Value(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41; // A-Z
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26; // a-z
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52; // 0-9
  if (c == 0x2b) return 62; // +
  if (c == 0x2f) return 63; // /
  return -1;
}

/**
 * Decodes standard padded base64; null when `text` is not (wrong length, bad character, or `=`
 * anywhere but the last one or two places).
 */
export function base64Decode(text: string): Uint8Array | null {
  const length = text.length;
  if (length & 3) return null;
  let padding = 0;
  if (length > 0 && text.charCodeAt(length - 1) == 0x3d) padding = text.charCodeAt(length - 2) == 0x3d ? 2 : 1;
  const out = new Uint8Array((length >> 2) * 3 - padding);
  let written = 0;
  for (let i = 0; i < length; i += 4) {
    const isLast = i + 4 == length;
    let quad: u32 = 0;
    for (let j = 0; j < 4; j++) {
      let sextet = base64Value(text.charCodeAt(i + j));
      if (sextet < 0) {
        if (!isLast || j < 4 - padding) return null;
        sextet = 0; // padding
      }
      quad = (quad << 6) | <u32>sextet;
    }
    unchecked(out[written++] = <u8>(quad >> 16));
    if (written < out.length) unchecked(out[written++] = <u8>(quad >> 8));
    if (written < out.length) unchecked(out[written++] = <u8>quad);
  }
  return out;
}

// ------------------------------------------------------------------------------------------------
// Workflow info and payloads
// ------------------------------------------------------------------------------------------------

/** `encoding` metadata value of payloads whose data is JSON text. */
export const JSON_PLAIN = "json/plain";

/** A Temporal payload as the host sends it: metadata and data still base64-encoded. */
export class Payload {
  /** Creates a payload from its `metadata` object (base64 string values) and base64 `data`. */
  constructor(public metadata: JsonValue, public data: string) {}

  /**
   * The decoded bytes of metadata value `key`, or null when missing or not valid base64
   * (`String.UTF8.decode(bytes.buffer)` gives the text).
   */
  metadataBytes(key: string): Uint8Array | null {
    const encoded = this.metadata.get(key);
    if (encoded === null || encoded.kind != JsonKind.String) return null;
    return base64Decode(encoded.text);
  }

  /** Whether the payload's `encoding` is `json/plain`. */
  isJsonPlain(): bool {
    const encoding = this.metadataBytes("encoding");
    if (encoding === null || encoding.length != JSON_PLAIN.length) return false;
    for (let i = 0; i < encoding.length; i++) {
      if (<i32>unchecked(encoding[i]) != JSON_PLAIN.charCodeAt(i)) return false; // ASCII only
    }
    return true;
  }

  /** The data as a parsed JSON value, or null when not `json/plain` or not valid base64/JSON. */
  json(): JsonValue | null {
    if (!this.isJsonPlain()) return null;
    const bytes = base64Decode(this.data);
    if (bytes === null) return null;
    return parseJson(bytes);
  }
}

/** The workflow's start arguments and `workflow_info`, as returned by `getInfo`. */
export class WorkflowInfo {
  /** The start arguments, in order. */
  params: Payload[] = [];
  /**
   * The `workflow_info` object (`workflow_type`, `workflow_id`, `run_id`, `namespace`,
   * `task_queue`, `attempt`, `start_time`; more fields may appear), read with `get`.
   */
  workflowInfo: JsonValue = new JsonValue(JsonKind.Object);
}

/**
 * Reads and parses the info JSON from the host. Malformed info is a host bug, not bad workflow
 * input, so it aborts (the workflow task fails and is retried) instead of failing the workflow.
 */
export function getInfo(): WorkflowInfo {
  const length = hostGetInfoLen();
  const bytes = new Uint8Array(length);
  hostGetInfo(bytes.dataStart, length);
  const root = parseJson(bytes);
  if (root === null || root.kind != JsonKind.Object) {
    abortRun("the host sent info that is not a JSON object", null, 0, 0);
    return new WorkflowInfo();
  }
  const info = new WorkflowInfo();
  const workflowInfo = root.get("workflow_info");
  if (workflowInfo !== null && workflowInfo.kind == JsonKind.Object) info.workflowInfo = workflowInfo;
  const params = root.get("params");
  if (params !== null && params.kind == JsonKind.Array) {
    for (let i = 0; i < params.items.length; i++) {
      // Tolerate odd payload shapes: a missing part reads as empty, which `json()` then rejects.
      const payload = params.items[i];
      let metadata = payload.get("metadata");
      if (metadata === null) metadata = new JsonValue(JsonKind.Object);
      const data = payload.get("data");
      info.params.push(new Payload(metadata, data !== null && data.kind == JsonKind.String ? data.text : ""));
    }
  }
  return info;
}

/** A `json/plain` payload (as JSON text) whose data is the JSON text `valueJson`. */
export function jsonPlainPayload(valueJson: string): string {
  const data = base64Encode(Uint8Array.wrap(utf8(valueJson)));
  return joinStrings(['{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"', data, '"}'], "");
}

// ------------------------------------------------------------------------------------------------
// Ending the run
// ------------------------------------------------------------------------------------------------

/** Sends `json` to a host call that ends the run; traps if the host ever returns. */
function endRun(json: string, failure: bool): void {
  const bytes = utf8(json);
  if (failure) hostCompleteWithFailure(changetype<usize>(bytes), bytes.byteLength);
  else hostComplete(changetype<usize>(bytes), bytes.byteLength);
  unreachable();
}

/** Completes the workflow with one `json/plain` result holding the JSON text `resultJson`. Does not return. */
export function complete(resultJson: string): void {
  endRun(jsonArray([jsonPlainPayload(resultJson)]), false);
}

/** Completes the workflow with no result. Does not return. */
export function completeEmpty(): void {
  endRun("[]", false);
}

/**
 * Fails the workflow with a Temporal application failure. Each entry of `detailsJson` is JSON text
 * that becomes one `json/plain` detail payload. `nonRetryable` stops a retry policy from retrying
 * the workflow. Does not return.
 */
export function failWorkflow(message: string, type: string, nonRetryable: bool, detailsJson: string[] = []): void {
  const keys = ["message", "type", "non_retryable"];
  const values = [jsonString(message), jsonString(type), nonRetryable ? "true" : "false"];
  if (detailsJson.length > 0) {
    const details = new Array<string>(detailsJson.length);
    for (let i = 0; i < detailsJson.length; i++) details[i] = jsonPlainPayload(detailsJson[i]);
    keys.push("details");
    values.push(jsonArray(details));
  }
  endRun(jsonObject(keys, values), true);
}

/**
 * json_read.ts: a strict JSON reader into a `JsonValue` tree (json_value.ts).
 *
 * Every JSON text from the host (info, results, channel items) and every payload's data is
 * parsed completely and strictly (RFC 8259, including UTF-8 validation and `\uXXXX`
 * surrogates). Parsing never traps on bad input: it returns null, so a workflow can turn bad
 * input into a typed failure. The parser is iterative, so nesting depth is limited by memory
 * only, not by the wasm stack. Strings are AssemblyScript strings (UTF-16); a lone surrogate
 * from a `\uD800`-style escape is kept, and the JSON writer escapes it again.
 */

import { JsonKind, JsonValue } from "./json_value";

// The tree comes with its reader: `import { JsonValue, parseJson } from "./json_read"`.
export { JsonKind, JsonValue };

/** Parses one JSON text (UTF-8 bytes, optional surrounding whitespace); null if it is not valid JSON. */
export function parseJson(bytes: Uint8Array): JsonValue | null {
  return new JsonParser(bytes.dataStart, bytes.length).parseDocument();
}

/**
 * Parses the `len` UTF-8 bytes at `ptr`, which must stay in place while it runs (memory from
 * `heap.alloc`, or the data of a live array); null if they are not one valid JSON text.
 */
export function parseJsonAt(ptr: usize, len: i32): JsonValue | null {
  return new JsonParser(ptr, len).parseDocument();
}

/** Parses `text` (a string holding JSON); null if it is not valid JSON. */
export function parseJsonString(text: string): JsonValue | null {
  const bytes = String.UTF8.encode(text, false, String.UTF8.ErrorMode.REPLACE);
  return parseJson(Uint8Array.wrap(bytes));
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

/** Strict RFC 8259 parser over UTF-8 bytes. Invalid input makes it return null, never trap. */
class JsonParser {
  private pos: i32 = 0;

  /** Parses the `length` bytes at `base`, which must stay where they are while it runs. */
  constructor(private base: usize, private length: i32) {}

  /** The byte at offset `at` (in bounds). */
  private at(at: i32): i32 {
    return <i32>load<u8>(this.base + <usize>at);
  }

  /** The byte at the cursor, or -1 at the end of the input. */
  private peek(): i32 {
    return this.pos < this.length ? this.at(this.pos) : -1;
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
        if (open.length == 0) return this.pos == this.length ? root : null;
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
    if (this.length - this.pos < length) return false;
    for (let i = 0; i < length; i++) {
      if (this.at(this.pos + i) != word.charCodeAt(i)) return false;
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
    if (intDigits > 1 && this.at(digitsStart) == Char.Zero) return null; // no leading zeros
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
    value.text = asciiToString(this.base + <usize>start, this.pos - start);
    if (isInteger) {
      // Accumulate the magnitude as u64; -2^63 is the one value whose magnitude exceeds i64.MAX.
      const limit: u64 = negative ? <u64>i64.MAX_VALUE + 1 : <u64>i64.MAX_VALUE;
      let magnitude: u64 = 0;
      for (let i = digitsStart; i < digitsStart + intDigits; i++) {
        const digit = <u64>(this.at(i) - Char.Zero);
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

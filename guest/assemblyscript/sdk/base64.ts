/**
 * base64.ts: RFC 4648 standard base64 with padding, the encoding of every payload's `data` and
 * metadata values and of HTTP bodies.
 */

import { ByteBuffer } from "./bytes";

/** The RFC 4648 standard alphabet, indexed by 6-bit value. */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Appends the padded base64 of `len` bytes at `src` to `out` (as ASCII bytes). */
export function base64EncodeInto(out: ByteBuffer, src: usize, len: i32): void {
  out.reserve((len + 2) / 3 * 4);
  for (let i = 0; i < len; i += 3) {
    const remaining = len - i;
    const b0 = <u32>load<u8>(src + <usize>i);
    const b1 = remaining > 1 ? <u32>load<u8>(src + <usize>i + 1) : 0;
    const b2 = remaining > 2 ? <u32>load<u8>(src + <usize>i + 2) : 0;
    const triple = (b0 << 16) | (b1 << 8) | b2;
    out.byte(ALPHABET.charCodeAt(triple >> 18));
    out.byte(ALPHABET.charCodeAt((triple >> 12) & 0x3f));
    out.byte(remaining > 1 ? ALPHABET.charCodeAt((triple >> 6) & 0x3f) : 0x3d);
    out.byte(remaining > 2 ? ALPHABET.charCodeAt(triple & 0x3f) : 0x3d);
  }
}

/** `bytes` as padded standard base64. */
export function base64Encode(bytes: Uint8Array): string {
  const out = new ByteBuffer((bytes.length + 2) / 3 * 4);
  // `out` may move while growing, `bytes` does not: encode from its address directly.
  base64EncodeInto(out, bytes.dataStart, bytes.length);
  return out.toString();
}

/** The 6-bit value of a base64 character, or -1. */
function sextet(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41; // A-Z
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26; // a-z
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52; // 0-9
  if (c == 0x2b) return 62; // +
  if (c == 0x2f) return 63; // /
  return -1;
}

/**
 * Decodes padded standard base64; null when `text` is not: a length that is not a multiple of
 * four, a character outside the alphabet, or `=` anywhere but the last one or two places.
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
      let value = sextet(text.charCodeAt(i + j));
      if (value < 0) {
        if (!isLast || j < 4 - padding) return null;
        value = 0; // padding
      }
      quad = (quad << 6) | <u32>value;
    }
    unchecked(out[written++] = <u8>(quad >> 16));
    if (written < out.length) unchecked(out[written++] = <u8>(quad >> 8));
    if (written < out.length) unchecked(out[written++] = <u8>quad);
  }
  return out;
}

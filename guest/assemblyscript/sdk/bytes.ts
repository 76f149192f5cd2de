/**
 * bytes.ts: UTF-8 bytes in linear memory, the currency of every ABI call.
 *
 * Memory model. Bundles are built with AssemblyScript's incremental runtime (TLSF allocator +
 * incremental tri-colour GC over a shadow stack), because a durable workflow's instance lives as
 * long as its run: every object the SDK or the workflow allocates (requests, parsed results,
 * strings) is garbage once unreachable and is reclaimed while the workflow keeps running. The
 * one buffer that is not a GC object, the bytes a handle's result is read into, is allocated
 * with `heap.alloc` and freed with `heap.free` as soon as it is parsed (see `readHostJson`), so
 * a result never outlives its decoding, however long the GC takes to come round.
 *
 * Never keep a raw pointer to a GC object (a `usize` from `changetype`) across an allocation:
 * the collector does not see it and may free the object. `ByteBuffer` therefore keeps its bytes
 * in a managed `ArrayBuffer` field.
 */

/**
 * A growable byte buffer: what `JsonWriter` writes into and what requests are sent from. Its
 * storage is a managed `ArrayBuffer` (traced by the GC), doubled when full.
 */
export class ByteBuffer {
  /** The storage; bytes past `length` are unused. */
  private data: ArrayBuffer;
  /** Bytes written so far. */
  length: i32 = 0;

  /** Creates an empty buffer with room for `capacity` bytes. */
  constructor(capacity: i32 = 64) {
    this.data = new ArrayBuffer(max(capacity, 16));
  }

  /** Address of the first byte; valid until the next write (which may move the storage). */
  get ptr(): usize {
    return changetype<usize>(this.data);
  }

  /** Makes room for `extra` more bytes. */
  reserve(extra: i32): void {
    const needed = this.length + extra;
    const capacity = this.data.byteLength;
    if (needed <= capacity) return;
    let next = capacity << 1;
    while (next < needed) next <<= 1;
    const grown = new ArrayBuffer(next);
    memory.copy(changetype<usize>(grown), changetype<usize>(this.data), <usize>this.length);
    this.data = grown;
  }

  /** Appends one byte. */
  byte(value: u32): void {
    if (this.length == this.data.byteLength) this.reserve(1);
    store<u8>(changetype<usize>(this.data) + <usize>this.length, <u8>value);
    this.length++;
  }

  /** Appends `len` bytes from address `src` (which must not be inside this buffer). */
  copyFrom(src: usize, len: i32): void {
    this.reserve(len);
    memory.copy(changetype<usize>(this.data) + <usize>this.length, src, <usize>len);
    this.length += len;
  }

  /** Appends the bytes of `bytes`. */
  bytes(bytes: Uint8Array): void {
    this.copyFrom(bytes.dataStart, bytes.length);
  }

  /**
   * Appends `text` as UTF-8. A lone surrogate (possible in AssemblyScript's UTF-16 strings)
   * becomes U+FFFD, so the host always receives valid UTF-8.
   */
  utf8(text: string): void {
    const length = text.length;
    this.reserve(length);
    for (let i = 0; i < length; i++) {
      const unit = <u32>text.charCodeAt(i);
      if (unit < 0x80) {
        this.byte(unit);
        continue;
      }
      if (unit >= 0xd800 && unit <= 0xdfff) {
        const next = i + 1 < length ? <u32>text.charCodeAt(i + 1) : 0;
        if (unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          this.codePoint(0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00));
          i++;
        } else {
          this.codePoint(0xfffd);
        }
        continue;
      }
      this.codePoint(unit);
    }
  }

  /** Appends one Unicode scalar value as UTF-8. */
  codePoint(cp: u32): void {
    if (cp < 0x80) {
      this.byte(cp);
    } else if (cp < 0x800) {
      this.byte(0xc0 | (cp >> 6));
      this.byte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      this.byte(0xe0 | (cp >> 12));
      this.byte(0x80 | ((cp >> 6) & 0x3f));
      this.byte(0x80 | (cp & 0x3f));
    } else {
      this.byte(0xf0 | (cp >> 18));
      this.byte(0x80 | ((cp >> 12) & 0x3f));
      this.byte(0x80 | ((cp >> 6) & 0x3f));
      this.byte(0x80 | (cp & 0x3f));
    }
  }

  /** A copy of the bytes written so far. */
  toBytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    memory.copy(out.dataStart, changetype<usize>(this.data), <usize>this.length);
    return out;
  }

  /** The bytes written so far, decoded as UTF-8. */
  toString(): string {
    return String.UTF8.decodeUnsafe(changetype<usize>(this.data), <usize>this.length);
  }

  /** Forgets the contents, keeping the storage for reuse. */
  clear(): void {
    this.length = 0;
  }
}

/** `text` as UTF-8 bytes (lone surrogates become U+FFFD). */
export function utf8Bytes(text: string): Uint8Array {
  const buffer = new ByteBuffer(text.length + 8);
  buffer.utf8(text);
  return buffer.toBytes();
}

/** Whether `bytes` holds exactly the ASCII text `ascii`. */
export function bytesEqualAscii(bytes: Uint8Array, ascii: string): bool {
  if (bytes.length != ascii.length) return false;
  for (let i = 0; i < bytes.length; i++) {
    if (<i32>unchecked(bytes[i]) != ascii.charCodeAt(i)) return false;
  }
  return true;
}

/*
 * temporal_wasm/base64.h - base64.
 *
 * Padded standard base64, the encoding of every payload's data and metadata.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after memory.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_BASE64_H
#define TEMPORAL_WASM_BASE64_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/base64.h"
#endif

/* =============================================================================================
 * Base64 (RFC 4648 standard alphabet, padded): the encoding of every payload's data and metadata
 * =========================================================================================== */

/** Encodes `bytes` as padded standard base64, in newly allocated memory. */
tw_str tw_base64_encode(tw_str bytes);

/** Appends the padded standard base64 of `bytes` to `buf`. */
void tw_buf_base64(tw_buf *buf, tw_str bytes);

/**
 * Decodes padded standard base64 into `*out` (newly allocated). Returns false for anything
 * else: wrong length, characters outside the alphabet, misplaced padding, or non-zero bits
 * after the last byte.
 */
bool tw_base64_decode(tw_str text, tw_str *out);

#endif /* TEMPORAL_WASM_BASE64_H */

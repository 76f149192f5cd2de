/*
 * base64.c - RFC 4648 standard base64 with padding, strict on decoding so that every byte
 * string has exactly one accepted encoding (as the worker's own decoder).
 */
#include "internal.h"

static const char tw_base64_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Writes the encoding of `bytes` (exactly (len + 2) / 3 * 4 characters) at `out`. */
static void tw_base64_write(const unsigned char *in, size_t len, char *out) {
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        uint32_t group = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *out++ = tw_base64_alphabet[group >> 18];
        *out++ = tw_base64_alphabet[group >> 12 & 63];
        *out++ = tw_base64_alphabet[group >> 6 & 63];
        *out++ = tw_base64_alphabet[group & 63];
    }
    if (i < len) {
        uint32_t group = (uint32_t)in[i] << 16;
        if (i + 1 < len) group |= (uint32_t)in[i + 1] << 8;
        *out++ = tw_base64_alphabet[group >> 18];
        *out++ = tw_base64_alphabet[group >> 12 & 63];
        *out++ = i + 1 < len ? tw_base64_alphabet[group >> 6 & 63] : '=';
        *out++ = '=';
    }
}

tw_str tw_base64_encode(tw_str bytes) {
    size_t out_len = (bytes.len + 2) / 3 * 4;
    char *out = tw_alloc(out_len);
    tw_base64_write((const unsigned char *)bytes.ptr, bytes.len, out);
    return (tw_str){out, out_len};
}

void tw_buf_base64(tw_buf *buf, tw_str bytes) {
    size_t out_len = (bytes.len + 2) / 3 * 4;
    /* Reserve the space, then encode straight into the buffer: no temporary copy. */
    if (!out_len) return;
    size_t at = buf->len;
    if (out_len > buf->cap - buf->len) {
        buf->ptr = tw_realloc(buf->ptr, buf->len + out_len);
        buf->cap = tw__usable_size(buf->ptr);
    }
    tw_base64_write((const unsigned char *)bytes.ptr, bytes.len, buf->ptr + at);
    buf->len += out_len;
}

/* The 6-bit value of a base64 character, or -1. Arithmetic instead of a 256-byte table keeps
 * the module small. */
static int tw_base64_value(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

bool tw_base64_decode(tw_str text, tw_str *out) {
    if (text.len % 4) return false;
    size_t padding = 0;
    if (text.len && text.ptr[text.len - 1] == '=') padding++;
    if (text.len > 1 && text.ptr[text.len - 2] == '=') padding++;
    size_t out_len = text.len / 4 * 3 - padding;
    char *bytes = tw_alloc(out_len);
    size_t o = 0;
    uint32_t acc = 0;
    for (size_t i = 0; i < text.len - padding; i++) {
        int value = tw_base64_value((unsigned char)text.ptr[i]);
        if (value < 0) { /* includes a '=' before the final padding */
            tw_free(bytes);
            return false;
        }
        acc = acc << 6 | (uint32_t)value;
        if (i % 4 == 3) {
            bytes[o++] = (char)(acc >> 16);
            bytes[o++] = (char)(acc >> 8);
            bytes[o++] = (char)acc;
            acc = 0;
        }
    }
    /* A padded final group: 2 characters carry 1 byte (4 spare bits), 3 carry 2 (2 spare bits).
     * Spare bits must be zero so that every byte string has exactly one encoding. */
    if ((padding == 2 && (acc & 0xf)) || (padding == 1 && (acc & 0x3))) {
        tw_free(bytes);
        return false;
    }
    if (padding == 2) {
        bytes[o++] = (char)(acc >> 4);
    } else if (padding == 1) {
        bytes[o++] = (char)(acc >> 10);
        bytes[o++] = (char)(acc >> 2);
    }
    *out = (tw_str){bytes, out_len};
    return true;
}

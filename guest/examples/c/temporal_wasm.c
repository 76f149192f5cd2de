/*
 * temporal_wasm.c - the implementation behind temporal_wasm.h. Freestanding: no libc, no
 * recursion (hostile JSON nesting cannot overflow the shadow stack), no allocation failures
 * surfaced to callers (memory exhaustion traps).
 */
#include "temporal_wasm.h"

/* ---------------------------------------------------------------------------------------------
 * Host imports (exact signatures from abi-v0-guest-view.md)
 * ------------------------------------------------------------------------------------------- */

#define TW_IMPORT(name) __attribute__((import_module("env"), import_name(name)))

TW_IMPORT("get_info_len") int32_t tw_host_get_info_len(void);
TW_IMPORT("get_info") void tw_host_get_info(const void *offset, int32_t len);
TW_IMPORT("write_log") void tw_host_write_log(int32_t level, const void *offset, int32_t len);
TW_IMPORT("complete") void tw_host_complete(const void *offset, int32_t len);
TW_IMPORT("complete_with_failure") void tw_host_complete_with_failure(const void *offset,
                                                                        int32_t len);

/* ---------------------------------------------------------------------------------------------
 * Strings
 * ------------------------------------------------------------------------------------------- */

tw_str tw_cstr(const char *text) {
    size_t len = 0;
    while (text[len]) len++;
    return (tw_str){text, len};
}

bool tw_str_eq(tw_str a, tw_str b) {
    if (a.len != b.len) return false;
    for (size_t i = 0; i < a.len; i++) {
        if (a.ptr[i] != b.ptr[i]) return false;
    }
    return true;
}

tw_str tw_concat(const tw_str *parts, size_t count) {
    tw_buf buf = {0};
    for (size_t i = 0; i < count; i++) tw_buf_str(&buf, parts[i]);
    return tw_buf_view(&buf);
}

tw_str tw_i64_to_str(int64_t value) {
    char digits[20];
    size_t n = 0;
    /* Work on the magnitude as unsigned so that INT64_MIN needs no special case. */
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    char *out = tw_alloc(n + 1);
    size_t len = 0;
    if (value < 0) out[len++] = '-';
    while (n) out[len++] = digits[--n];
    return (tw_str){out, len};
}

/* ---------------------------------------------------------------------------------------------
 * Memory: a bump allocator from __heap_base upwards
 * ------------------------------------------------------------------------------------------- */

/* Provided by wasm-ld: the first byte after the stack and static data. */
extern unsigned char __heap_base;

#define TW_PAGE_SIZE 65536u

static uintptr_t tw_heap_top;

void *tw_alloc(size_t size) {
    if (!tw_heap_top) tw_heap_top = (uintptr_t)&__heap_base;
    uintptr_t start = (tw_heap_top + 7) & ~(uintptr_t)7;
    if (size > UINTPTR_MAX - start) __builtin_trap();
    uintptr_t end = start + size;
    uintptr_t limit = __builtin_wasm_memory_size(0) * TW_PAGE_SIZE;
    if (end > limit) {
        uintptr_t missing = end - limit;
        uintptr_t pages = missing / TW_PAGE_SIZE + (missing % TW_PAGE_SIZE != 0);
        if (__builtin_wasm_memory_grow(0, pages) == (size_t)-1) __builtin_trap();
    }
    tw_heap_top = end;
    return (void *)start;
}

void tw_buf_append(tw_buf *buf, const void *bytes, size_t len) {
    if (len > buf->cap - buf->len) {
        size_t cap = buf->cap ? buf->cap * 2 : 64;
        while (cap - buf->len < len) cap *= 2;
        char *grown = tw_alloc(cap);
        if (buf->len) __builtin_memcpy(grown, buf->ptr, buf->len);
        buf->ptr = grown;
        buf->cap = cap;
    }
    if (len) __builtin_memcpy(buf->ptr + buf->len, bytes, len);
    buf->len += len;
}

void tw_buf_str(tw_buf *buf, tw_str text) { tw_buf_append(buf, text.ptr, text.len); }

static void tw_buf_byte(tw_buf *buf, char byte) { tw_buf_append(buf, &byte, 1); }

tw_str tw_buf_view(const tw_buf *buf) { return (tw_str){buf->ptr, buf->len}; }

/* ---------------------------------------------------------------------------------------------
 * Base64
 * ------------------------------------------------------------------------------------------- */

static const char tw_base64_alphabet[64] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

tw_str tw_base64_encode(tw_str bytes) {
    const unsigned char *in = (const unsigned char *)bytes.ptr;
    size_t out_len = (bytes.len + 2) / 3 * 4;
    char *out = tw_alloc(out_len);
    char *o = out;
    size_t i = 0;
    for (; i + 3 <= bytes.len; i += 3) {
        uint32_t group = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
        *o++ = tw_base64_alphabet[group >> 18];
        *o++ = tw_base64_alphabet[group >> 12 & 63];
        *o++ = tw_base64_alphabet[group >> 6 & 63];
        *o++ = tw_base64_alphabet[group & 63];
    }
    if (i < bytes.len) {
        uint32_t group = (uint32_t)in[i] << 16;
        if (i + 1 < bytes.len) group |= (uint32_t)in[i + 1] << 8;
        *o++ = tw_base64_alphabet[group >> 18];
        *o++ = tw_base64_alphabet[group >> 12 & 63];
        *o++ = i + 1 < bytes.len ? tw_base64_alphabet[group >> 6 & 63] : '=';
        *o++ = '=';
    }
    return (tw_str){out, out_len};
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
        if (value < 0) return false; /* includes a '=' before the final padding */
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
    if (padding == 2) {
        if (acc & 0xf) return false;
        bytes[o++] = (char)(acc >> 4);
    } else if (padding == 1) {
        if (acc & 0x3) return false;
        bytes[o++] = (char)(acc >> 10);
        bytes[o++] = (char)(acc >> 2);
    }
    *out = (tw_str){bytes, out_len};
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * JSON validation
 * ------------------------------------------------------------------------------------------- */

/* Validation reads bytes through a (position, end) pair; every scanner returns false on
 * malformed input and otherwise leaves `*pos` just past what it consumed. */

static void tw_skip_ws(const char **pos, const char *end) {
    while (*pos < end && (**pos == ' ' || **pos == '\t' || **pos == '\n' || **pos == '\r')) (*pos)++;
}

static bool tw_is_digit(char c) { return c >= '0' && c <= '9'; }

static int tw_hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads the four hex digits of a \u escape at `p` (which must have 4 bytes left). */
static int32_t tw_hex4(const char *p) {
    int32_t code = 0;
    for (int i = 0; i < 4; i++) {
        int digit = tw_hex_value(p[i]);
        if (digit < 0) return -1;
        code = code << 4 | digit;
    }
    return code;
}

/* Scans a \uXXXX escape (pos at the backslash) and, for a high surrogate, the \uXXXX low
 * surrogate that must follow. Stores the code point. */
static bool tw_scan_unicode_escape(const char **pos, const char *end, uint32_t *code_point) {
    const char *p = *pos;
    if (end - p < 6) return false;
    int32_t unit = tw_hex4(p + 2);
    if (unit < 0 || (unit >= 0xdc00 && unit <= 0xdfff)) return false; /* lone low surrogate */
    p += 6;
    if (unit >= 0xd800 && unit <= 0xdbff) {
        if (end - p < 6 || p[0] != '\\' || p[1] != 'u') return false;
        int32_t low = tw_hex4(p + 2);
        if (low < 0xdc00 || low > 0xdfff) return false;
        unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
        p += 6;
    }
    *code_point = (uint32_t)unit;
    *pos = p;
    return true;
}

/* Scans one UTF-8 encoded character that starts with a byte >= 0x80, rejecting overlong forms,
 * surrogates and code points above U+10FFFF. */
static bool tw_scan_utf8(const char **pos, const char *end) {
    const unsigned char *p = (const unsigned char *)*pos;
    unsigned char lead = p[0];
    size_t extra;
    unsigned char min_second = 0x80, max_second = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) {
        extra = 1;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        extra = 2;
        if (lead == 0xe0) min_second = 0xa0; /* overlong */
        if (lead == 0xed) max_second = 0x9f; /* surrogates */
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        extra = 3;
        if (lead == 0xf0) min_second = 0x90; /* overlong */
        if (lead == 0xf4) max_second = 0x8f; /* above U+10FFFF */
    } else {
        return false;
    }
    if ((size_t)(end - *pos) <= extra) return false;
    if (p[1] < min_second || p[1] > max_second) return false;
    for (size_t i = 2; i <= extra; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) return false;
    }
    *pos += extra + 1;
    return true;
}

/* Scans a string, `*pos` at its opening quote. */
static bool tw_scan_string(const char **pos, const char *end) {
    const char *p = *pos + 1;
    while (p < end) {
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            *pos = p + 1;
            return true;
        }
        if (c < 0x20) return false;
        if (c == '\\') {
            if (end - p < 2) return false;
            char escape = p[1];
            if (escape == 'u') {
                uint32_t ignored;
                if (!tw_scan_unicode_escape(&p, end, &ignored)) return false;
            } else if (escape == '"' || escape == '\\' || escape == '/' || escape == 'b' ||
                       escape == 'f' || escape == 'n' || escape == 'r' || escape == 't') {
                p += 2;
            } else {
                return false;
            }
        } else if (c >= 0x80) {
            if (!tw_scan_utf8(&p, end)) return false;
        } else {
            p++;
        }
    }
    return false;
}

/* Scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool tw_scan_number(const char **pos, const char *end) {
    const char *p = *pos;
    if (p < end && *p == '-') p++;
    if (p >= end || !tw_is_digit(*p)) return false;
    if (*p == '0') {
        p++;
    } else {
        while (p < end && tw_is_digit(*p)) p++;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !tw_is_digit(*p)) return false;
        while (p < end && tw_is_digit(*p)) p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || !tw_is_digit(*p)) return false;
        while (p < end && tw_is_digit(*p)) p++;
    }
    *pos = p;
    return true;
}

static bool tw_scan_literal(const char **pos, const char *end, tw_str word) {
    if ((size_t)(end - *pos) < word.len) return false;
    if (!tw_str_eq((tw_str){*pos, word.len}, word)) return false;
    *pos += word.len;
    return true;
}

/* Scans a scalar (string, number, true, false, null) at `*pos`. */
static bool tw_scan_scalar(const char **pos, const char *end) {
    switch (**pos) {
    case '"': return tw_scan_string(pos, end);
    case 't': return tw_scan_literal(pos, end, TW_STR("true"));
    case 'f': return tw_scan_literal(pos, end, TW_STR("false"));
    case 'n': return tw_scan_literal(pos, end, TW_STR("null"));
    default: return tw_scan_number(pos, end);
    }
}

bool tw_json_parse(tw_str text, tw_json *root) {
    const char *p = text.ptr, *end = text.ptr + text.len;
    /* One bit per open container (1 = object). Every level costs at least one byte of input,
     * so text.len bits always suffice. */
    unsigned char *is_object = tw_alloc(text.len / 8 + 1);
    size_t depth = 0;

    tw_skip_ws(&p, end);
    const char *start = p;
    bool expect_key = false; /* true right after '{' or an object's ',' */
    for (;;) {
        tw_skip_ws(&p, end);
        if (p >= end) return false;
        if (expect_key) {
            if (*p != '"' || !tw_scan_string(&p, end)) return false;
            tw_skip_ws(&p, end);
            if (p >= end || *p != ':') return false;
            p++;
            tw_skip_ws(&p, end);
            if (p >= end) return false;
            expect_key = false;
        }
        /* A value starts at p. */
        if (*p == '{' || *p == '[') {
            bool object = *p == '{';
            if (object) {
                is_object[depth / 8] |= (unsigned char)(1u << depth % 8);
            } else {
                is_object[depth / 8] &= (unsigned char)~(1u << depth % 8);
            }
            depth++;
            p++;
            tw_skip_ws(&p, end);
            if (p < end && *p == (object ? '}' : ']')) {
                p++;
                depth--;
            } else {
                expect_key = object;
                continue;
            }
        } else if (!tw_scan_scalar(&p, end)) {
            return false;
        }
        /* A value ended: close containers until one continues with ','. */
        for (;;) {
            tw_skip_ws(&p, end);
            if (depth == 0) {
                if (p != end) return false;
                if (*start != '"' && *start != '{' && *start != '[') {
                    /* Readers find the end of a number or literal by looking at the byte after
                     * it, which for a root scalar may lie outside `text`: copy it and add a
                     * terminator. Strings and containers end with their own delimiter. */
                    const char *scalar_end = start;
                    tw_scan_scalar(&scalar_end, end);
                    size_t scalar_len = (size_t)(scalar_end - start);
                    char *copy = tw_alloc(scalar_len + 1);
                    __builtin_memcpy(copy, start, scalar_len);
                    copy[scalar_len] = '\0';
                    start = copy;
                }
                *root = (tw_json){start};
                return true;
            }
            if (p >= end) return false;
            bool object = is_object[(depth - 1) / 8] >> (depth - 1) % 8 & 1;
            if (*p == ',') {
                p++;
                expect_key = object;
                break;
            }
            if (*p != (object ? '}' : ']')) return false;
            p++;
            depth--;
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * JSON reading (on validated documents only, so no bounds are needed: every value is followed
 * by a delimiter or whitespace, and containers are balanced)
 * ------------------------------------------------------------------------------------------- */

static const char *tw_skip_ws_unbounded(const char *p) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

/* Past the string whose opening quote is at p. */
static const char *tw_skip_string(const char *p) {
    for (p++; *p != '"'; p++) {
        if (*p == '\\') p++; /* the escaped character cannot end the string */
    }
    return p + 1;
}

/* Past the value at p, iteratively. A validated document is never followed by anything but
 * whitespace, but its bytes may be the last of the buffer: the root value's end is found by
 * depth (containers, strings) or by the caller never asking (root scalars). */
static const char *tw_skip_value(const char *p) {
    size_t depth = 0;
    do {
        char c = *p;
        if (c == '"') {
            p = tw_skip_string(p);
        } else if (c == '{' || c == '[') {
            depth++;
            p++;
        } else if (c == '}' || c == ']') {
            depth--;
            p++;
        } else if (c == ',' || c == ':' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            p++;
        } else {
            /* number or literal: letters, digits, sign, dot */
            while ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   *p == '-' || *p == '+' || *p == '.') {
                p++;
            }
        }
    } while (depth);
    return p;
}

tw_json_kind tw_json_kind_of(tw_json value) {
    if (!value.at) return TW_JSON_MISSING;
    switch (*value.at) {
    case 'n': return TW_JSON_NULL;
    case 't':
    case 'f': return TW_JSON_BOOL;
    case '"': return TW_JSON_STRING;
    case '[': return TW_JSON_ARRAY;
    case '{': return TW_JSON_OBJECT;
    default: return TW_JSON_NUMBER;
    }
}

tw_json_iter tw_json_iterate(tw_json container) {
    tw_json_kind kind = tw_json_kind_of(container);
    if (kind != TW_JSON_ARRAY && kind != TW_JSON_OBJECT) return (tw_json_iter){NULL, false};
    const char *first = tw_skip_ws_unbounded(container.at + 1);
    if (*first == ']' || *first == '}') return (tw_json_iter){NULL, false};
    return (tw_json_iter){first, kind == TW_JSON_OBJECT};
}

bool tw_json_next(tw_json_iter *iter, tw_str *key, tw_json *value) {
    const char *p = iter->next;
    if (!p) return false;
    if (iter->is_object) {
        if (key) tw_json_string((tw_json){p}, key);
        p = tw_skip_ws_unbounded(tw_skip_string(p));
        p = tw_skip_ws_unbounded(p + 1); /* past ':' */
    }
    *value = (tw_json){p};
    p = tw_skip_ws_unbounded(tw_skip_value(p));
    iter->next = *p == ',' ? tw_skip_ws_unbounded(p + 1) : NULL;
    return true;
}

size_t tw_json_count(tw_json container) {
    tw_json_iter iter = tw_json_iterate(container);
    tw_json ignored;
    size_t count = 0;
    while (tw_json_next(&iter, NULL, &ignored)) count++;
    return count;
}

tw_json tw_json_get(tw_json object, tw_str key) {
    tw_json found = {NULL};
    if (tw_json_kind_of(object) != TW_JSON_OBJECT) return found;
    tw_json_iter iter = tw_json_iterate(object);
    tw_str member_key;
    tw_json value;
    while (tw_json_next(&iter, &member_key, &value)) {
        if (tw_str_eq(member_key, key)) found = value;
    }
    return found;
}

/* Appends a code point as UTF-8. */
static void tw_buf_utf8(tw_buf *buf, uint32_t code_point) {
    char bytes[4];
    size_t len;
    if (code_point < 0x80) {
        bytes[0] = (char)code_point;
        len = 1;
    } else if (code_point < 0x800) {
        bytes[0] = (char)(0xc0 | code_point >> 6);
        bytes[1] = (char)(0x80 | (code_point & 0x3f));
        len = 2;
    } else if (code_point < 0x10000) {
        bytes[0] = (char)(0xe0 | code_point >> 12);
        bytes[1] = (char)(0x80 | (code_point >> 6 & 0x3f));
        bytes[2] = (char)(0x80 | (code_point & 0x3f));
        len = 3;
    } else {
        bytes[0] = (char)(0xf0 | code_point >> 18);
        bytes[1] = (char)(0x80 | (code_point >> 12 & 0x3f));
        bytes[2] = (char)(0x80 | (code_point >> 6 & 0x3f));
        bytes[3] = (char)(0x80 | (code_point & 0x3f));
        len = 4;
    }
    tw_buf_append(buf, bytes, len);
}

bool tw_json_string(tw_json value, tw_str *out) {
    if (tw_json_kind_of(value) != TW_JSON_STRING) return false;
    const char *start = value.at + 1;
    const char *end = tw_skip_string(value.at) - 1;
    /* Without escapes the string is its own bytes: no copy. */
    const char *p = start;
    while (p < end && *p != '\\') p++;
    if (p == end) {
        *out = (tw_str){start, (size_t)(end - start)};
        return true;
    }
    tw_buf buf = {0};
    for (p = start; p < end;) {
        if (*p != '\\') {
            tw_buf_byte(&buf, *p++);
            continue;
        }
        char escape = p[1];
        if (escape == 'u') {
            uint32_t code_point = 0;
            tw_scan_unicode_escape(&p, end, &code_point); /* validated: cannot fail */
            tw_buf_utf8(&buf, code_point);
            continue;
        }
        switch (escape) {
        case 'b': escape = '\b'; break;
        case 'f': escape = '\f'; break;
        case 'n': escape = '\n'; break;
        case 'r': escape = '\r'; break;
        case 't': escape = '\t'; break;
        default: break; /* '"', '\\', '/' stand for themselves */
        }
        tw_buf_byte(&buf, escape);
        p += 2;
    }
    *out = tw_buf_view(&buf);
    return true;
}

bool tw_json_i64(tw_json value, int64_t *out) {
    if (tw_json_kind_of(value) != TW_JSON_NUMBER) return false;
    const char *p = value.at;
    bool negative = *p == '-';
    if (negative) p++;
    /* Accumulate the magnitude unsigned; |INT64_MIN| = INT64_MAX + 1. */
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t magnitude = 0;
    for (; tw_is_digit(*p); p++) {
        uint64_t digit = (uint64_t)(*p - '0');
        if (magnitude > (limit - digit) / 10) return false;
        magnitude = magnitude * 10 + digit;
    }
    if (*p == '.' || *p == 'e' || *p == 'E') return false;
    *out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
    return true;
}

bool tw_json_bool(tw_json value, bool *out) {
    if (tw_json_kind_of(value) != TW_JSON_BOOL) return false;
    *out = *value.at == 't';
    return true;
}

/* ---------------------------------------------------------------------------------------------
 * JSON writing
 * ------------------------------------------------------------------------------------------- */

/* Writes the comma that separates this value from the previous one, if any. */
static void tw_jw_separate(tw_json_writer *w) {
    if (w->needs_comma) tw_buf_byte(&w->out, ',');
    w->needs_comma = true;
}

void tw_jw_begin_object(tw_json_writer *w) {
    tw_jw_separate(w);
    tw_buf_byte(&w->out, '{');
    w->needs_comma = false;
}

void tw_jw_end_object(tw_json_writer *w) {
    tw_buf_byte(&w->out, '}');
    w->needs_comma = true;
}

void tw_jw_begin_array(tw_json_writer *w) {
    tw_jw_separate(w);
    tw_buf_byte(&w->out, '[');
    w->needs_comma = false;
}

void tw_jw_end_array(tw_json_writer *w) {
    tw_buf_byte(&w->out, ']');
    w->needs_comma = true;
}

static void tw_buf_json_string(tw_buf *buf, tw_str value) {
    static const char hex[16] = "0123456789abcdef";
    tw_buf_byte(buf, '"');
    for (size_t i = 0; i < value.len; i++) {
        unsigned char c = (unsigned char)value.ptr[i];
        char short_escape = 0;
        switch (c) {
        case '"': short_escape = '"'; break;
        case '\\': short_escape = '\\'; break;
        case '\b': short_escape = 'b'; break;
        case '\f': short_escape = 'f'; break;
        case '\n': short_escape = 'n'; break;
        case '\r': short_escape = 'r'; break;
        case '\t': short_escape = 't'; break;
        default: break;
        }
        if (short_escape) {
            char escape[2] = {'\\', short_escape};
            tw_buf_append(buf, escape, 2);
        } else if (c < 0x20) {
            char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            tw_buf_append(buf, escape, 6);
        } else {
            tw_buf_byte(buf, (char)c);
        }
    }
    tw_buf_byte(buf, '"');
}

void tw_jw_key(tw_json_writer *w, tw_str key) {
    tw_jw_separate(w);
    tw_buf_json_string(&w->out, key);
    tw_buf_byte(&w->out, ':');
    w->needs_comma = false;
}

void tw_jw_string(tw_json_writer *w, tw_str value) {
    tw_jw_separate(w);
    tw_buf_json_string(&w->out, value);
}

void tw_jw_i64(tw_json_writer *w, int64_t value) { tw_jw_raw(w, tw_i64_to_str(value)); }

void tw_jw_bool(tw_json_writer *w, bool value) {
    tw_jw_raw(w, value ? TW_STR("true") : TW_STR("false"));
}

void tw_jw_null(tw_json_writer *w) { tw_jw_raw(w, TW_STR("null")); }

void tw_jw_raw(tw_json_writer *w, tw_str json) {
    tw_jw_separate(w);
    tw_buf_str(&w->out, json);
}

tw_str tw_jw_result(const tw_json_writer *w) { return tw_buf_view(&w->out); }

/* ---------------------------------------------------------------------------------------------
 * Info and parameters
 * ------------------------------------------------------------------------------------------- */

/* The info is immutable for the whole run, so it is fetched and parsed once. */
static tw_info tw_cached_info;
static bool tw_info_loaded;

static tw_str tw_member_string(tw_json object, tw_str key) {
    tw_str value = {"", 0};
    tw_json_string(tw_json_get(object, key), &value);
    return value;
}

_Noreturn static void tw_trap_with_log(tw_str message) {
    tw_log(TW_LOG_ERROR, message);
    __builtin_trap();
}

const tw_info *tw_get_info(void) {
    if (tw_info_loaded) return &tw_cached_info;
    int32_t len = tw_host_get_info_len();
    if (len < 0) tw_trap_with_log(TW_STR("temporal_wasm: get_info_len returned a negative length"));
    char *bytes = tw_alloc((size_t)len);
    tw_host_get_info(bytes, len);

    tw_info *info = &tw_cached_info;
    if (!tw_json_parse((tw_str){bytes, (size_t)len}, &info->root) ||
        tw_json_kind_of(info->root) != TW_JSON_OBJECT) {
        tw_trap_with_log(TW_STR("temporal_wasm: the info from get_info is not a JSON object"));
    }
    info->params = tw_json_get(info->root, TW_STR("params"));
    info->param_count = tw_json_count(info->params);

    tw_json workflow = tw_json_get(info->root, TW_STR("workflow_info"));
    info->workflow.workflow_type = tw_member_string(workflow, TW_STR("workflow_type"));
    info->workflow.workflow_id = tw_member_string(workflow, TW_STR("workflow_id"));
    info->workflow.run_id = tw_member_string(workflow, TW_STR("run_id"));
    info->workflow.namespace_name = tw_member_string(workflow, TW_STR("namespace"));
    info->workflow.task_queue = tw_member_string(workflow, TW_STR("task_queue"));
    info->workflow.start_time = tw_member_string(workflow, TW_STR("start_time"));
    info->workflow.attempt = 0;
    tw_json_i64(tw_json_get(workflow, TW_STR("attempt")), &info->workflow.attempt);

    tw_info_loaded = true;
    return info;
}

bool tw_param_bytes(const tw_info *info, size_t index, tw_str *encoding, tw_str *data) {
    tw_json_iter iter = tw_json_iterate(info->params);
    tw_json payload;
    do {
        if (!tw_json_next(&iter, NULL, &payload)) return false;
    } while (index--);

    tw_str encoded;
    *encoding = (tw_str){"", 0};
    tw_json metadata_encoding = tw_json_get(tw_json_get(payload, TW_STR("metadata")), TW_STR("encoding"));
    if (metadata_encoding.at) {
        if (!tw_json_string(metadata_encoding, &encoded) || !tw_base64_decode(encoded, encoding)) {
            return false;
        }
    }
    return tw_json_string(tw_json_get(payload, TW_STR("data")), &encoded) &&
           tw_base64_decode(encoded, data);
}

tw_param_status tw_param_json(const tw_info *info, size_t index, tw_json *value) {
    if (index >= info->param_count) return TW_PARAM_MISSING;
    tw_str encoding, data;
    if (!tw_param_bytes(info, index, &encoding, &data) || !tw_str_eq(encoding, TW_STR("json/plain")) ||
        !tw_json_parse(data, value)) {
        return TW_PARAM_INVALID;
    }
    return TW_PARAM_OK;
}

/* ---------------------------------------------------------------------------------------------
 * Logging and ending the run
 * ------------------------------------------------------------------------------------------- */

void tw_log(tw_log_level level, tw_str message) {
    tw_host_write_log((int32_t)level, message.ptr, (int32_t)message.len);
}

tw_str tw_json_payload(tw_str json) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, TW_STR("metadata"));
    /* base64("json/plain"), precomputed: the encoding of every JSON payload. */
    tw_jw_raw(&w, TW_STR("{\"encoding\":\"anNvbi9wbGFpbg==\"}"));
    tw_jw_key(&w, TW_STR("data"));
    tw_jw_string(&w, tw_base64_encode(json));
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

_Noreturn void tw_complete_payloads(tw_str payloads_json) {
    tw_host_complete(payloads_json.ptr, (int32_t)payloads_json.len);
    __builtin_trap(); /* the host ends the run inside `complete` */
}

_Noreturn void tw_complete_json(tw_str json) {
    tw_complete_payloads(TW_CONCAT(TW_STR("["), tw_json_payload(json), TW_STR("]")));
}

_Noreturn void tw_complete_empty(void) { tw_complete_payloads(TW_STR("[]")); }

_Noreturn void tw_fail(tw_failure failure) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    if (failure.message.len) {
        tw_jw_key(&w, TW_STR("message"));
        tw_jw_string(&w, failure.message);
    }
    if (failure.type.len) {
        tw_jw_key(&w, TW_STR("type"));
        tw_jw_string(&w, failure.type);
    }
    tw_jw_key(&w, TW_STR("non_retryable"));
    tw_jw_bool(&w, failure.non_retryable);
    if (failure.details_count) {
        tw_jw_key(&w, TW_STR("details"));
        tw_jw_begin_array(&w);
        for (size_t i = 0; i < failure.details_count; i++) tw_jw_raw(&w, tw_json_payload(failure.details[i]));
        tw_jw_end_array(&w);
    }
    tw_jw_end_object(&w);
    tw_str json = tw_jw_result(&w);
    tw_host_complete_with_failure(json.ptr, (int32_t)json.len);
    __builtin_trap(); /* the host ends the run inside `complete_with_failure` */
}

/*
 * json_read.c - JSON validation and reading. Validation is strict RFC 8259 and iterative (no
 * recursion, so hostile nesting cannot overflow the shadow stack); reading then walks the
 * validated text through cursors without bounds checks, since every value is known to be
 * followed by a delimiter or whitespace and containers are balanced.
 */
#include "internal.h"

static void tw_buf_byte(tw_buf *buf, char byte) { tw_buf_append(buf, &byte, 1); }

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

/* Validates `text`; `is_object` holds one bit per open container (1 = object). */
static bool tw_json_validate(tw_str text, unsigned char *is_object, tw_json *root) {
    const char *p = text.ptr, *end = text.ptr + text.len;
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

bool tw_json_parse(tw_str text, tw_json *root) {
    if (!text.ptr) return false;
    /* Every level of nesting costs at least one byte of input, so text.len bits suffice. */
    unsigned char *is_object = tw_alloc(text.len / 8 + 1);
    bool valid = tw_json_validate(text, is_object, root);
    tw_free(is_object);
    return valid;
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

tw_json tw_json_at(tw_json array, size_t index) {
    tw_json value = {NULL};
    if (tw_json_kind_of(array) != TW_JSON_ARRAY) return value;
    tw_json_iter iter = tw_json_iterate(array);
    do {
        if (!tw_json_next(&iter, NULL, &value)) return (tw_json){NULL};
    } while (index--);
    return value;
}

tw_str tw_json_raw(tw_json value) {
    if (!value.at) return (tw_str){"", 0};
    return (tw_str){value.at, (size_t)(tw_skip_value(value.at) - value.at)};
}

tw_str tw_json_get_string(tw_json object, tw_str key, tw_str fallback) {
    tw_str value;
    return tw_json_string(tw_json_get(object, key), &value) ? value : fallback;
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


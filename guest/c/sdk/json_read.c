/*
 * json_read.c - reading validated JSON through `tw_json` cursors. `tw_json_parse`
 * (json_parse.c) has checked the whole document, so the cursors walk it without bounds
 * checks: every value is known to be followed by a delimiter or whitespace, and containers are
 * balanced.
 */
#include "internal.h"

static void tw_buf_byte(tw_buf *buf, char byte) { tw_buf_append(buf, &byte, 1); }

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
            tw__scan_unicode_escape(&p, end, &code_point); /* validated: cannot fail */
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
    for (; tw__is_digit(*p); p++) {
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

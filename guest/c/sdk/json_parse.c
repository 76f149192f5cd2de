/*
 * json_parse.c - JSON validation: `tw_json_parse`. Strict RFC 8259 and iterative (no
 * recursion, so hostile nesting cannot overflow the shadow stack). What it accepts, the cursors
 * of json_read.c then read without bounds checks.
 */
#include "internal.h"

/* Validation reads bytes through a (position, end) pair; every scanner returns false on
 * malformed input and otherwise leaves `*pos` just past what it consumed. */

static void tw_skip_ws(const char **pos, const char *end) {
    while (*pos < end && (**pos == ' ' || **pos == '\t' || **pos == '\n' || **pos == '\r')) (*pos)++;
}

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

/* A \uXXXX escape, with the low surrogate a high one needs (internal.h); json_read.c decodes
 * escapes with it too. */
bool tw__scan_unicode_escape(const char **pos, const char *end, uint32_t *code_point) {
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
                if (!tw__scan_unicode_escape(&p, end, &ignored)) return false;
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
    if (p >= end || !tw__is_digit(*p)) return false;
    if (*p == '0') {
        p++;
    } else {
        while (p < end && tw__is_digit(*p)) p++;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !tw__is_digit(*p)) return false;
        while (p < end && tw__is_digit(*p)) p++;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        if (p >= end || !tw__is_digit(*p)) return false;
        while (p < end && tw__is_digit(*p)) p++;
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

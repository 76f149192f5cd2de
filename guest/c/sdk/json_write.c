/*
 * json_write.c - minified JSON output: the writer, its number formatting, and the helpers the
 * request encoders use for optional fields.
 */
#include "internal.h"

static void tw_buf_byte(tw_buf *buf, char byte) { tw_buf_append(buf, &byte, 1); }

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
    size_t run = 0; /* bytes copied as they are, appended in one go */
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
        default:
            if (c >= 0x20) {
                run++;
                continue;
            }
        }
        tw_buf_append(buf, value.ptr + i - run, run);
        run = 0;
        if (short_escape) {
            char escape[2] = {'\\', short_escape};
            tw_buf_append(buf, escape, 2);
        } else {
            char escape[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            tw_buf_append(buf, escape, 6);
        }
    }
    tw_buf_append(buf, value.ptr + value.len - run, run);
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

void tw_jw_base64(tw_json_writer *w, tw_str bytes) {
    tw_jw_separate(w);
    tw_buf_byte(&w->out, '"');
    tw_buf_base64(&w->out, bytes);
    tw_buf_byte(&w->out, '"');
}

/* Appends the decimal digits of `value`, at least `min_digits` of them (leading zeros). */
static void tw_buf_u64(tw_buf *buf, uint64_t value, int min_digits) {
    char digits[20];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value || n < min_digits);
    while (n) tw_buf_byte(buf, digits[--n]);
}

void tw_jw_i64(tw_json_writer *w, int64_t value) {
    tw_jw_separate(w);
    if (value < 0) tw_buf_byte(&w->out, '-');
    tw_buf_u64(&w->out, value < 0 ? 0 - (uint64_t)value : (uint64_t)value, 1);
}

/* Appends a non-negative finite number below 1e15 as fixed point with up to 9 decimals. */
static void tw_buf_fixed(tw_buf *buf, double value) {
    uint64_t whole = (uint64_t)value;
    uint64_t nanos = (uint64_t)((value - (double)whole) * 1e9 + 0.5);
    if (nanos >= 1000000000u) {
        whole++;
        nanos -= 1000000000u;
    }
    tw_buf_u64(buf, whole, 1);
    if (!nanos) return;
    int decimals = 9;
    while (nanos % 10 == 0) {
        nanos /= 10;
        decimals--;
    }
    tw_buf_byte(buf, '.');
    tw_buf_u64(buf, nanos, decimals);
}

void tw_jw_f64(tw_json_writer *w, double value) {
    if (value != value || value > 1.7976931348623157e308 || value < -1.7976931348623157e308) {
        tw_jw_null(w);
        return;
    }
    tw_jw_separate(w);
    if (value < 0) {
        tw_buf_byte(&w->out, '-');
        value = -value;
    }
    if (value == 0 || (value >= 1e-6 && value < 1e15)) {
        tw_buf_fixed(&w->out, value);
        return;
    }
    /* Exponent form: one digit before the point. */
    int exponent = 0;
    while (value >= 10) {
        value /= 10;
        exponent++;
    }
    while (value < 1) {
        value *= 10;
        exponent--;
    }
    tw_buf_fixed(&w->out, value);
    tw_buf_byte(&w->out, 'e');
    if (exponent < 0) tw_buf_byte(&w->out, '-');
    tw_buf_u64(&w->out, (uint64_t)(exponent < 0 ? -exponent : exponent), 1);
}

void tw_jw_bool(tw_json_writer *w, bool value) {
    tw_jw_raw(w, value ? TW_STR("true") : TW_STR("false"));
}

void tw_jw_null(tw_json_writer *w) { tw_jw_raw(w, TW_STR("null")); }

void tw_jw_raw(tw_json_writer *w, tw_str json) {
    tw_jw_separate(w);
    tw_buf_str(&w->out, json);
}

tw_str tw_jw_result(const tw_json_writer *w) { return tw_buf_view(&w->out); }

void tw_jw_free(tw_json_writer *w) {
    tw_buf_free(&w->out);
    w->needs_comma = false;
}

tw_str tw_json_quote(tw_str text) {
    tw_json_writer w = {0};
    tw_jw_string(&w, text);
    return tw_jw_result(&w);
}

/* ---- optional fields ---- */

void tw__jw_opt_str(tw_json_writer *w, tw_str key, tw_str value) {
    if (!value.ptr) return;
    tw_jw_key(w, key);
    tw_jw_string(w, value);
}

void tw__jw_opt_i64(tw_json_writer *w, tw_str key, int64_t value) {
    if (!value) return;
    tw_jw_key(w, key);
    tw_jw_i64(w, value);
}

void tw__jw_opt_strs(tw_json_writer *w, tw_str key, tw_strs values) {
    if (!values.count) return;
    tw_jw_key(w, key);
    tw_jw_begin_array(w);
    for (size_t i = 0; i < values.count; i++) tw_jw_string(w, values.items[i]);
    tw_jw_end_array(w);
}

void tw__jw_opt_payloads(tw_json_writer *w, tw_str key, tw_strs values) {
    if (!values.count) return;
    tw_jw_key(w, key);
    tw_jw_payloads(w, values);
}

void tw__jw_str_or_null(tw_json_writer *w, tw_str value) {
    if (value.ptr) {
        tw_jw_string(w, value);
    } else {
        tw_jw_null(w);
    }
}

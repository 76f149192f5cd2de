/*
 * mock_text.c - the JSON the mock worker writes (payloads, results, the helpers scenarios use
 * to answer activities) and reads (what the workflow sends, through the SDK's reader). Nothing
 * here has state; all of it is malloc'd.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_internal.h"

char *mock__dup_n(const char *bytes, size_t len) {
    char *copy = malloc(len + 1);
    memcpy(copy, bytes, len);
    copy[len] = '\0';
    return copy;
}

#if defined(__GNUC__) && !defined(__clang__)
/* GCC 12 reports a "null format string" here that no call has (a false positive). */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
char *mock__format(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    char probe[1];
    int len = vsnprintf(probe, sizeof probe, fmt, args);
    va_end(args);
    char *text = malloc((size_t)len + 1);
    va_start(args, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, args);
    va_end(args);
    return text;
}

static char *base64(const char *bytes, size_t len) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
    for (size_t i = 0; i < len; i += 3) {
        unsigned group = (unsigned char)bytes[i] << 16;
        if (i + 1 < len) group |= (unsigned char)bytes[i + 1] << 8;
        if (i + 2 < len) group |= (unsigned char)bytes[i + 2];
        *o++ = alphabet[group >> 18];
        *o++ = alphabet[group >> 12 & 63];
        *o++ = i + 1 < len ? alphabet[group >> 6 & 63] : '=';
        *o++ = i + 2 < len ? alphabet[group & 63] : '=';
    }
    *o = '\0';
    return out;
}

char *mock__payload(const char *json) {
    char *data = base64(json, strlen(json));
    char *text = mock__format("{\"metadata\":{\"encoding\":\"anNvbi9wbGFpbg==\"},\"data\":\"%s\"}", data);
    free(data);
    return text;
}

char *mock_completed(const char *json) {
    if (!json) return strdup("{\"completed\":[]}");
    char *p = mock__payload(json);
    char *text = mock__format("{\"completed\":[%s]}", p);
    free(p);
    return text;
}

char *mock_activity_failure(const char *type, const char *message) {
    return mock__format("{\"failed\":{\"message\":\"Activity task failed\",\"type\":\"%s\",\"kind\":\"activity\","
                        "\"retry_state\":\"non_retryable_failure\",\"cause\":{\"message\":\"%s\",\"type\":\"%s\","
                        "\"non_retryable\":true,\"kind\":\"application\"}}}",
                        type, message, type);
}

/* Reading the workflow's JSON goes through the SDK in a scope of the mock's own, so nothing
 * of it stays on the workflow's heap. `read` gets the parsed root and returns a malloc'd text. */
char *mock__read_json(const void *bytes, size_t len, char *(*read)(tw_json root, void *arg), void *arg) {
    tw_scope scope;
    tw_scope_begin(&scope);
    tw_json root;
    char *text = tw_json_parse((tw_str){bytes, len}, &root) ? read(root, arg) : NULL;
    tw_scope_end(&scope);
    return text;
}

static char *raw_of(tw_json value) {
    tw_str raw = tw_json_raw(value);
    return mock__dup_n(raw.ptr, raw.len);
}

/* The JSON held by payload `index` of the array `key` (or of the root when key is NULL). */
char *mock__payload_json_at(tw_json root, void *arg) {
    const char *key = arg;
    tw_json list = key ? tw_json_get(root, tw_cstr(key)) : root, value;
    if (tw_payloads_json(list, 0, &value) != TW_PARAM_OK) return strdup("-");
    return raw_of(value);
}

char *mock__member_raw(tw_json root, void *arg) { return raw_of(tw_json_get(root, tw_cstr(arg))); }

char *mock__string_member(tw_json root, void *arg) {
    tw_str value;
    if (!tw_json_string(tw_json_get(root, tw_cstr(arg)), &value)) return strdup("");
    return mock__dup_n(value.ptr, value.len);
}

/*
 * text.c - UTF-8 and base64, which payloads are made of: the natives behind the SDK's payload
 * encoding (sdk/payloads.js) and its TextEncoder / TextDecoder, in C because QuickJS has no
 * base64 of its own and a JavaScript loop over every byte would dominate a run's cost.
 */
#include <stdlib.h>

#include "engine.h"

static const char base64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* textToBase64(text) -> the padded base64 of its UTF-8 bytes (a payload's `data`). */
JSValue js_text_to_base64(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    size_t len;
    const char *text = tw_string_arg(ctx, argv[0], &len);
    if (!text) return JS_EXCEPTION;
    size_t out_len = (len + 2) / 3 * 4;
    char *out = malloc(out_len + 1);
    if (!out) {
        JS_FreeCString(ctx, text);
        return JS_ThrowOutOfMemory(ctx);
    }
    const uint8_t *in = (const uint8_t *)text;
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t chunk = (uint32_t)in[i] << 16;
        if (i + 1 < len) chunk |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len) chunk |= in[i + 2];
        out[o++] = base64_alphabet[chunk >> 18 & 63];
        out[o++] = base64_alphabet[chunk >> 12 & 63];
        out[o++] = i + 1 < len ? base64_alphabet[chunk >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? base64_alphabet[chunk & 63] : '=';
    }
    JS_FreeCString(ctx, text);
    JSValue result = JS_NewStringLen(ctx, out, o);
    free(out);
    return result;
}

static int base64_value(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
}

/* base64ToText(base64) -> the UTF-8 text it encodes; throws on a character that is not base64. */
JSValue js_base64_to_text(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    size_t len;
    const char *in = tw_string_arg(ctx, argv[0], &len);
    if (!in) return JS_EXCEPTION;
    uint8_t *out = malloc(len / 4 * 3 + 3);
    if (!out) {
        JS_FreeCString(ctx, in);
        return JS_ThrowOutOfMemory(ctx);
    }
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        if (in[i] == '=') break;
        int v = base64_value((unsigned char)in[i]);
        if (v < 0) {
            JS_FreeCString(ctx, in);
            free(out);
            return JS_ThrowSyntaxError(ctx, "temporal: payload data is not base64");
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    JS_FreeCString(ctx, in);
    JSValue result = JS_NewStringLen(ctx, (const char *)out, o);
    free(out);
    return result;
}

/* utf8Encode(text) -> Uint8Array; utf8Decode(Uint8Array) -> text (TextEncoder / TextDecoder). */
JSValue js_utf8_encode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    size_t len;
    const char *text = JS_ToCStringLen(ctx, &len, argv[0]);
    if (!text) return JS_EXCEPTION;
    JSValue array = JS_NewUint8ArrayCopy(ctx, (const uint8_t *)text, len);
    JS_FreeCString(ctx, text);
    return array;
}

JSValue js_utf8_decode(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    size_t len;
    uint8_t *bytes = JS_GetUint8Array(ctx, &len, argv[0]);
    if (!bytes) return JS_EXCEPTION;
    return JS_NewStringLen(ctx, (const char *)bytes, len);
}

/*
 * temporal_wasm/json.h - reading and writing JSON.
 *
 * Reading: a document validated once, then read through `tw_json` cursors. Writing: the
 * `tw_json_writer` of minified JSON that every request is built with.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after memory.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_JSON_H
#define TEMPORAL_WASM_JSON_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/json.h"
#endif

/* =============================================================================================
 * Reading JSON
 * =========================================================================================== */

/** What a `tw_json` value is; `TW_JSON_MISSING` stands for "no such member or element". */
typedef enum {
    TW_JSON_MISSING = 0,
    TW_JSON_NULL,
    TW_JSON_BOOL,
    TW_JSON_NUMBER,
    TW_JSON_STRING,
    TW_JSON_ARRAY,
    TW_JSON_OBJECT,
} tw_json_kind;

/** A cursor on one value inside a validated JSON document; `{NULL}` is a missing value. */
typedef struct {
    const char *at;
} tw_json;

/**
 * Validates `text` as one complete JSON document (RFC 8259: strict numbers, escapes, UTF-8,
 * paired surrogates, nothing but whitespace after the value) and returns its root in `*root`.
 * Nesting depth is limited only by memory; validation does not recurse. The cursors point into
 * `text`, which must stay alive while they are used.
 */
bool tw_json_parse(tw_str text, tw_json *root);

/** The kind of `value`. */
tw_json_kind tw_json_kind_of(tw_json value);

/**
 * The member `key` of `object`, or a missing value if `object` is not an object or lacks the
 * key. Keys are compared after unescaping; if a key repeats, the last occurrence wins.
 */
tw_json tw_json_get(tw_json object, tw_str key);

/** Element `index` of an array, or a missing value. */
tw_json tw_json_at(tw_json array, size_t index);

/** Iterates over an array's elements or an object's members; see `tw_json_next`. */
typedef struct {
    const char *next;
    bool is_object;
} tw_json_iter;

/** Starts iterating `container` (an array or object; anything else yields nothing). */
tw_json_iter tw_json_iterate(tw_json container);

/**
 * Moves to the next element (arrays) or member (objects; `*key` receives the unescaped key if
 * `key` is not NULL). Returns false when there are no more.
 */
bool tw_json_next(tw_json_iter *iter, tw_str *key, tw_json *value);

/** Number of elements of an array or members of an object; 0 for anything else. */
size_t tw_json_count(tw_json container);

/** Unescapes a JSON string into `*out` (a view when it has no escapes). False if not a string. */
bool tw_json_string(tw_json value, tw_str *out);

/**
 * Reads an integer: a JSON number without fraction or exponent that fits in int64_t.
 * Returns false for anything else (floats such as `3.0` or `1e2` included).
 */
bool tw_json_i64(tw_json value, int64_t *out);

/** Reads `true` or `false`. Returns false if `value` is not a boolean. */
bool tw_json_bool(tw_json value, bool *out);

/** The value's JSON text exactly as it appears in the document (empty for a missing value). */
tw_str tw_json_raw(tw_json value);

/** The string member `key` of `object`, or `fallback` if it is missing or not a string. */
tw_str tw_json_get_string(tw_json object, tw_str key, tw_str fallback);

/* =============================================================================================
 * Writing JSON
 * =========================================================================================== */

/**
 * Writes minified JSON, inserting commas itself; zero-initialise it (`tw_json_writer w = {0};`).
 * Inside an object, call `tw_jw_key` before each value. Its buffer is a `tw_buf` (same scope
 * rule).
 */
typedef struct {
    tw_buf out;
    bool needs_comma;
} tw_json_writer;

/** Opens an object (`{`) as the next value. */
void tw_jw_begin_object(tw_json_writer *w);
/** Closes the innermost open object. */
void tw_jw_end_object(tw_json_writer *w);
/** Opens an array (`[`) as the next value. */
void tw_jw_begin_array(tw_json_writer *w);
/** Closes the innermost open array. */
void tw_jw_end_array(tw_json_writer *w);
/** Writes an object key; the next call writes its value. */
void tw_jw_key(tw_json_writer *w, tw_str key);
/** Writes a JSON string, escaping `"`, `\` and control characters; other UTF-8 is copied raw. */
void tw_jw_string(tw_json_writer *w, tw_str value);
/** Writes the padded base64 of `bytes` as a JSON string. */
void tw_jw_base64(tw_json_writer *w, tw_str bytes);
/** Writes an integer. */
void tw_jw_i64(tw_json_writer *w, int64_t value);
/**
 * Writes a number: integers exactly, others with up to 9 decimals (about 15 significant
 * digits; exponent form beyond 1e15 or below 1e-6). NaN and infinities, which JSON cannot
 * hold, are written as `null`.
 */
void tw_jw_f64(tw_json_writer *w, double value);
/** Writes `true` or `false`. */
void tw_jw_bool(tw_json_writer *w, bool value);
/** Writes `null`. */
void tw_jw_null(tw_json_writer *w);
/** Writes `json`, which must already be one valid JSON value, as the next value. */
void tw_jw_raw(tw_json_writer *w, tw_str json);
/** The JSON written so far. */
tw_str tw_jw_result(const tw_json_writer *w);
/** Frees the writer's memory and resets it. */
void tw_jw_free(tw_json_writer *w);

/** `text` as a JSON string literal (quoted and escaped), in newly allocated memory. */
tw_str tw_json_quote(tw_str text);

#endif /* TEMPORAL_WASM_JSON_H */

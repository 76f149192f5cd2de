/*
 * temporal_wasm.h - write Temporal workflows in C against the temporal-wasm-worker ABI v0.
 *
 * A workflow is a wasm32 module that exports `run` and its memory, and talks to the worker only
 * through five `env.*` imports that move JSON through linear memory (see
 * proto-notes/abi-v0-guest-view.md). This header hides that: include it, implement
 *
 *     TW_EXPORT("run") void run(void) { ... }
 *
 * and build it together with temporal_wasm.c for --target=wasm32 with -nostdlib (see build.sh).
 *
 * Conventions, chosen so that the library needs no libc:
 *   - Strings are `tw_str` (pointer + byte length, UTF-8, never NUL-terminated), because JSON
 *     strings may contain NUL and because every ABI call takes (offset, len) pairs anyway.
 *   - All memory comes from one bump allocator and is never freed: a run is short and one-shot,
 *     and the worker throws the whole instance away afterwards.
 *   - JSON input is validated once, completely (RFC 8259, including UTF-8 and surrogate pairs),
 *     and then read lazily through `tw_json` cursors that cannot fail on structure.
 *   - Functions that end the run (`tw_complete_*`, `tw_fail`) never return.
 */
#ifndef TEMPORAL_WASM_H
#define TEMPORAL_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------------------
 * Exports and strings
 * ------------------------------------------------------------------------------------------- */

/** Exports a function from the wasm module under `name`, e.g. `TW_EXPORT("run") void run(void)`. */
#define TW_EXPORT(name) __attribute__((export_name(name), visibility("default")))

/** A UTF-8 byte string that is not NUL-terminated. `ptr` may be NULL when `len` is 0. */
typedef struct {
    const char *ptr;
    size_t len;
} tw_str;

/** A `tw_str` for a string literal, usable in static initialisers: `TW_STR("json/plain")`. */
#define TW_STR(literal) ((tw_str){(literal), sizeof(literal) - 1})

/** Views a NUL-terminated C string as a `tw_str` (without the NUL). */
tw_str tw_cstr(const char *text);

/** Whether two strings hold the same bytes. */
bool tw_str_eq(tw_str a, tw_str b);

/** Concatenates `count` strings into newly allocated memory. See `TW_CONCAT`. */
tw_str tw_concat(const tw_str *parts, size_t count);

/** Concatenates `tw_str` arguments: `TW_CONCAT(TW_STR("greeting "), name)`. */
#define TW_CONCAT(...) \
    tw_concat((const tw_str[]){__VA_ARGS__}, sizeof((tw_str[]){__VA_ARGS__}) / sizeof(tw_str))

/** Formats a signed 64-bit integer in decimal, in newly allocated memory. */
tw_str tw_i64_to_str(int64_t value);

/* ---------------------------------------------------------------------------------------------
 * Memory
 * ------------------------------------------------------------------------------------------- */

/**
 * Allocates `size` bytes (8-byte aligned) from linear memory above the module's data, growing
 * memory as needed. Never returns NULL: if the worker's memory cap is reached the run traps,
 * which the worker reports as a guest bug.
 */
void *tw_alloc(size_t size);

/** A growable byte buffer on the bump allocator; zero-initialise it (`tw_buf b = {0};`). */
typedef struct {
    char *ptr;
    size_t len;
    size_t cap;
} tw_buf;

/** Appends `len` bytes to `buf`. */
void tw_buf_append(tw_buf *buf, const void *bytes, size_t len);

/** Appends a string to `buf`. */
void tw_buf_str(tw_buf *buf, tw_str text);

/** The bytes written to `buf` so far. */
tw_str tw_buf_view(const tw_buf *buf);

/* ---------------------------------------------------------------------------------------------
 * Base64 (RFC 4648 standard alphabet, padded), the encoding of every payload's data and metadata
 * ------------------------------------------------------------------------------------------- */

/** Encodes `bytes` as padded standard base64. */
tw_str tw_base64_encode(tw_str bytes);

/**
 * Decodes padded standard base64 into `*out`. Returns false for anything else: wrong length,
 * characters outside the alphabet, misplaced padding, or non-zero bits after the last byte.
 */
bool tw_base64_decode(tw_str text, tw_str *out);

/* ---------------------------------------------------------------------------------------------
 * Reading JSON
 * ------------------------------------------------------------------------------------------- */

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
 * Nesting depth is limited only by memory; validation does not recurse.
 */
bool tw_json_parse(tw_str text, tw_json *root);

/** The kind of `value`. */
tw_json_kind tw_json_kind_of(tw_json value);

/**
 * The member `key` of `object`, or a missing value if `object` is not an object or lacks the
 * key. Keys are compared after unescaping; if a key repeats, the last occurrence wins.
 */
tw_json tw_json_get(tw_json object, tw_str key);

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

/** Unescapes a JSON string into `*out`. Returns false if `value` is not a string. */
bool tw_json_string(tw_json value, tw_str *out);

/**
 * Reads an integer: a JSON number without fraction or exponent that fits in int64_t.
 * Returns false for anything else (floats such as `3.0` or `1e2` included).
 */
bool tw_json_i64(tw_json value, int64_t *out);

/** Reads `true` or `false`. Returns false if `value` is not a boolean. */
bool tw_json_bool(tw_json value, bool *out);

/* ---------------------------------------------------------------------------------------------
 * Writing JSON
 * ------------------------------------------------------------------------------------------- */

/**
 * Writes minified JSON, inserting commas itself; zero-initialise it (`tw_json_writer w = {0};`).
 * Inside an object, call `tw_jw_key` before each value.
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
/** Writes an integer. */
void tw_jw_i64(tw_json_writer *w, int64_t value);
/** Writes `true` or `false`. */
void tw_jw_bool(tw_json_writer *w, bool value);
/** Writes `null`. */
void tw_jw_null(tw_json_writer *w);
/** Writes `json`, which must already be one valid JSON value, as the next value. */
void tw_jw_raw(tw_json_writer *w, tw_str json);
/** The JSON written so far. */
tw_str tw_jw_result(const tw_json_writer *w);

/* ---------------------------------------------------------------------------------------------
 * The workflow's info and parameters
 * ------------------------------------------------------------------------------------------- */

/** Identity of the workflow execution; absent fields read as "" and 0. */
typedef struct {
    tw_str workflow_type;
    tw_str workflow_id;
    tw_str run_id;
    tw_str namespace_name; /* the JSON field `namespace` (a C++ keyword, hence the name) */
    tw_str task_queue;
    int64_t attempt;       /* starts at 1; counts retry-policy retries */
    tw_str start_time;     /* RFC 3339, UTC */
} tw_workflow_info;

/** The `info` JSON from `get_info`, parsed. */
typedef struct {
    tw_json params;           /* the start arguments: a JSON array of payloads */
    size_t param_count;
    tw_workflow_info workflow;
    tw_json root;             /* the whole document, for fields this struct does not name */
} tw_info;

/**
 * Fetches and parses the `info` JSON (once; later calls return the same struct). If the worker
 * sends something that is not an info object, this logs an error and traps, since that is a
 * worker/guest mismatch that no workflow input can cause.
 */
const tw_info *tw_get_info(void);

/**
 * Reads parameter `index` as raw bytes: `*encoding` is its decoded `encoding` metadata ("" if
 * absent), `*data` its decoded data. Returns false if there is no such parameter or its
 * payload is malformed.
 */
bool tw_param_bytes(const tw_info *info, size_t index, tw_str *encoding, tw_str *data);

/** Outcome of `tw_param_json`. */
typedef enum {
    TW_PARAM_OK,      /* `*value` holds the parameter's JSON value */
    TW_PARAM_MISSING, /* fewer parameters were passed */
    TW_PARAM_INVALID, /* not a `json/plain` payload holding valid JSON */
} tw_param_status;

/** Reads parameter `index` as a `json/plain` payload and parses its JSON. */
tw_param_status tw_param_json(const tw_info *info, size_t index, tw_json *value);

/* ---------------------------------------------------------------------------------------------
 * Logging and ending the run
 * ------------------------------------------------------------------------------------------- */

/** The ABI's log levels; anything else logs nothing. */
typedef enum {
    TW_LOG_ERROR = 1,
    TW_LOG_WARN = 2,
    TW_LOG_INFO = 3,
    TW_LOG_DEBUG = 4,
    TW_LOG_TRACE = 5,
} tw_log_level;

/** Writes a log line through the worker (suppressed while Temporal replays history). */
void tw_log(tw_log_level level, tw_str message);

/** A `json/plain` payload object holding `json` (which must be valid JSON text). */
tw_str tw_json_payload(tw_str json);

/** Completes the workflow with one `json/plain` payload holding `json` as its result. */
_Noreturn void tw_complete_json(tw_str json);

/** Completes the workflow with no result. */
_Noreturn void tw_complete_empty(void);

/** Completes the workflow with `payloads_json`, a JSON array of at most one payload object. */
_Noreturn void tw_complete_payloads(tw_str payloads_json);

/** A workflow failure; empty strings and a zero `details_count` are left out of the JSON. */
typedef struct {
    tw_str message;
    tw_str type;            /* application error type, e.g. "InvalidInput" */
    bool non_retryable;     /* true: a retry policy must not retry this failure */
    const tw_str *details;  /* JSON texts, each sent as one `json/plain` detail payload */
    size_t details_count;
} tw_failure;

/** Fails the workflow with `failure`. */
_Noreturn void tw_fail(tw_failure failure);

#endif /* TEMPORAL_WASM_H */

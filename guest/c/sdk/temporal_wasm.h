/*
 * temporal_wasm.h - write durable Temporal workflows in C for temporal-wasm-worker (ABI v0 + v1).
 *
 * A workflow is a wasm32 module that exports `run` and its memory and talks to the worker only
 * through `env.*` imports that move JSON through linear memory (proto-notes/abi-v1-spec.md,
 * proto-notes/abi-v1-reference.md). This header is the whole SDK: include it, implement
 *
 *     TW_EXPORT("run") void run(void) { ... }
 *
 * and build it with the SDK's sources for --target=wasm32 -nostdlib (see ../build.sh). The code
 * is straight-line: a call such as `tw_activity_execute` or `tw_wait` blocks, the worker parks
 * the guest's stack until Temporal resolves what it waits for, and the call returns there, in a
 * later workflow activation. There is no event loop, no callback and no async runtime.
 *
 * Conventions, chosen so that the SDK needs no libc and keeps bundles small:
 *   - Strings are `tw_str` (pointer + byte length, UTF-8, never NUL-terminated), because JSON
 *     strings may contain NUL and every ABI call takes (pointer, length) pairs anyway. An
 *     optional string is absent when its pointer is NULL (`TW_NONE`, or a zero-initialised
 *     field) and present, possibly empty, otherwise (`TW_STR("")`).
 *   - Optional numbers are absent when 0, optional enums when their `_DEFAULT` (0) value, so
 *     option structs are written with designated initialisers and mention only what they set.
 *   - Memory comes from a freeing allocator and is owned by *scopes* (see "Memory"): open a
 *     scope around each step of a loop and everything the step allocated, results included,
 *     is released when it ends. A workflow instance lives as long as its run, so a loop that
 *     allocates without a scope would grow until the worker's memory cap.
 *   - JSON input is validated once, completely (RFC 8259, including UTF-8 and surrogate pairs),
 *     and then read lazily through `tw_json` cursors that cannot fail on structure.
 *   - Functions that end the run (`tw_complete_*`, `tw_fail`, `tw_continue_as_new`) never
 *     return.
 *   - The pure parts (strings, memory, base64, JSON, payloads, failures, request encoders,
 *     result decoders) call no host import, so they also compile natively for unit tests
 *     (../tests/sdk_test.c runs them against guest/fixtures).
 *
 * Contents: strings and lists - memory - base64 - reading JSON - writing JSON - payloads -
 * failures - results - the workflow's info - logging - ending the run - handles and waiting -
 * timers - activities - HTTP activities - child workflows - other workflows - signals -
 * updates - cancellation - queries and details - deterministic sources - search attributes,
 * memo and metrics - request encoders.
 */
#ifndef TEMPORAL_WASM_H
#define TEMPORAL_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* =============================================================================================
 * Strings and lists
 * =========================================================================================== */

#if defined(__wasm__)
/** Exports a function from the wasm module under `name`, e.g. `TW_EXPORT("run") void run(void)`. */
#define TW_EXPORT(name) __attribute__((export_name(name), visibility("default")))
#else
#define TW_EXPORT(name) /* native builds (tests) export nothing */
#endif

/** A UTF-8 byte string that is not NUL-terminated. `ptr` is NULL for an absent string. */
typedef struct {
    const char *ptr;
    size_t len;
} tw_str;

/** A `tw_str` for a string literal: `TW_STR("json/plain")`. */
#define TW_STR(literal) ((tw_str){(literal), sizeof(literal) - 1})

/** An absent optional string (left out of the JSON); a zero-initialised `tw_str` is the same. */
#define TW_NONE ((tw_str){NULL, 0})

/** Views a NUL-terminated C string as a `tw_str` (without the NUL). */
tw_str tw_cstr(const char *text);

/** Whether two strings hold the same bytes (an absent string equals an empty one). */
bool tw_str_eq(tw_str a, tw_str b);

/** Concatenates `count` strings into newly allocated memory. See `TW_CONCAT`. */
tw_str tw_concat(const tw_str *parts, size_t count);

/** Counts the elements of a compound-literal list; used by the list macros below. */
#define TW_COUNT_OF(type, ...) (sizeof((type[]){__VA_ARGS__}) / sizeof(type))

/** Concatenates `tw_str` arguments: `TW_CONCAT(TW_STR("order "), id, TW_STR(" shipped"))`. */
#define TW_CONCAT(...) tw_concat((const tw_str[]){__VA_ARGS__}, TW_COUNT_OF(tw_str, __VA_ARGS__))

/** Formats a signed 64-bit integer in decimal, in newly allocated memory. */
tw_str tw_i64_to_str(int64_t value);

/** Copies `text` into newly allocated memory of the current scope. */
tw_str tw_str_copy(tw_str text);

/**
 * Copies `text` into the scope that encloses the current one (or the run's root scope), so it
 * survives `tw_scope_end` of the current scope: how a loop step keeps what it found.
 */
tw_str tw_str_keep(tw_str text);

/** A list of strings, e.g. the JSON texts of an activity's arguments. */
typedef struct {
    const tw_str *items;
    size_t count;
} tw_strs;

/** A `tw_strs` of its arguments: `TW_STRS(TW_STR("OutOfStock"), TW_STR("Fraud"))`. */
#define TW_STRS(...) ((tw_strs){(const tw_str[]){__VA_ARGS__}, TW_COUNT_OF(tw_str, __VA_ARGS__)})

/**
 * Arguments (of an activity, child workflow, signal, continue-as-new, cancellation details):
 * each a JSON text sent as one `json/plain` payload. `.args = TW_ARGS(order_json)`.
 */
#define TW_ARGS(...) TW_STRS(__VA_ARGS__)

/** How Temporal retries a failed activity, HTTP activity, child or run (see "Activities"). */
typedef struct tw_retry_policy tw_retry_policy;

/** A key and a value: HTTP headers, metric labels, search attributes, memo entries. */
typedef struct {
    tw_str key;
    tw_str value;
} tw_pair;

/** A list of pairs. */
typedef struct {
    const tw_pair *items;
    size_t count;
} tw_pairs;

/** A `tw_pairs` of its arguments: `TW_PAIRS({TW_STR("outcome"), TW_STR("shipped")})`. */
#define TW_PAIRS(...) ((tw_pairs){(const tw_pair[]){__VA_ARGS__}, TW_COUNT_OF(tw_pair, __VA_ARGS__)})

/* =============================================================================================
 * Memory
 *
 * One allocator over `memory.grow` with power-of-two size classes: a freed block goes to its
 * class's free list and the next allocation of that class reuses it, so a loop whose steps
 * allocate alike runs in constant memory. Wasm memory never shrinks; the heap's high-water
 * mark is the sum of each class's peak use.
 *
 * Every block belongs to a scope. `tw_scope_begin` opens a scope (usually a local variable)
 * and makes it current: every allocation until `tw_scope_end`, the SDK's included (JSON,
 * results, decoded payloads, strings), belongs to it, and `tw_scope_end` frees them all.
 * Outside any scope, blocks belong to the run's root scope and live until `tw_free`. Scopes
 * nest and must end innermost first. A `tw_json` cursor or `tw_str` view into freed memory is
 * dangling, as in any C API: copy what must outlive the scope with `tw_str_keep`.
 *
 *     for (int64_t i = 0; i < n; i++) {
 *         tw_scope step;
 *         tw_scope_begin(&step);
 *         tw_result r = tw_activity_execute(&(tw_activity_options){...});
 *         ...
 *         tw_scope_end(&step); // the request, the result and its payload are freed here
 *     }
 * =========================================================================================== */

/**
 * Allocates `size` bytes (8-byte aligned) in the current scope. Never returns NULL: if the
 * worker's memory cap is reached the run traps, which the worker reports as a guest bug.
 */
void *tw_alloc(size_t size);

/**
 * Resizes a block from `tw_alloc` (NULL: allocates), keeping its contents and its scope. Grows
 * in place while the block's size class has room.
 */
void *tw_realloc(void *block, size_t size);

/** Frees one block now (NULL: nothing), whichever scope owns it. Freeing twice traps. */
void tw_free(void *block);

struct tw_block;

/** A scope of allocations; see above. Treat the fields as private. */
typedef struct tw_scope {
    struct tw_scope *parent;
    struct tw_block *blocks;
} tw_scope;

/** Opens `scope` (uninitialised storage is fine) and makes it the current scope. */
void tw_scope_begin(tw_scope *scope);

/** Frees every block of `scope`, which must be the current scope, and returns to its parent. */
void tw_scope_end(tw_scope *scope);

/** What the allocator holds, for tests and for workflows that log their footprint. */
typedef struct {
    size_t blocks_in_use;  /* blocks allocated and not freed */
    size_t bytes_in_use;   /* their size, headers and size-class rounding included */
    size_t heap_bytes;     /* the heap's high-water mark: bytes ever carved from memory */
} tw_heap_stats;

/** The allocator's current numbers. */
tw_heap_stats tw_heap_stats_now(void);

/**
 * A growable byte buffer; zero-initialise it (`tw_buf b = {0};`). Its memory stays in the
 * scope of its first append, however it grows later: start it before a loop to collect
 * across the loop's scoped steps.
 */
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

/** Frees the buffer's memory and empties it. */
void tw_buf_free(tw_buf *buf);

/* =============================================================================================
 * Base64 (RFC 4648 standard alphabet, padded): the encoding of every payload's data and metadata
 * =========================================================================================== */

/** Encodes `bytes` as padded standard base64, in newly allocated memory. */
tw_str tw_base64_encode(tw_str bytes);

/** Appends the padded standard base64 of `bytes` to `buf`. */
void tw_buf_base64(tw_buf *buf, tw_str bytes);

/**
 * Decodes padded standard base64 into `*out` (newly allocated). Returns false for anything
 * else: wrong length, characters outside the alphabet, misplaced padding, or non-zero bits
 * after the last byte.
 */
bool tw_base64_decode(tw_str text, tw_str *out);

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

/* =============================================================================================
 * Payloads: `{"metadata": {"encoding": base64}, "data": base64}`
 * =========================================================================================== */

/** A decoded payload: its `encoding` metadata ("" if absent) and its data bytes. */
typedef struct {
    tw_str encoding;
    tw_str data;
} tw_payload;

/** Decodes a payload object. Returns false if it is malformed. */
bool tw_payload_read(tw_json payload, tw_payload *out);

/** Outcome of reading a JSON value out of a list of payloads. */
typedef enum {
    TW_PARAM_OK,      /* `*value` holds the payload's JSON value */
    TW_PARAM_MISSING, /* the list is shorter */
    TW_PARAM_INVALID, /* not a `json/plain` payload holding valid JSON */
} tw_param_status;

/** Reads element `index` of `payloads` (a JSON array of payloads) as a `json/plain` value. */
tw_param_status tw_payloads_json(tw_json payloads, size_t index, tw_json *value);

/** Writes a `json/plain` payload holding `json` (valid JSON text) as the next value. */
void tw_jw_payload(tw_json_writer *w, tw_str json);

/** Writes a payload with the given encoding and raw data bytes as the next value. */
void tw_jw_payload_bytes(tw_json_writer *w, tw_str encoding, tw_str data);

/** Writes a JSON array with one `json/plain` payload per JSON text of `values`. */
void tw_jw_payloads(tw_json_writer *w, tw_strs values);

/** A `json/plain` payload object holding `json`, in newly allocated memory. */
tw_str tw_json_payload(tw_str json);

/* =============================================================================================
 * Failures
 * =========================================================================================== */

/**
 * A failure the workflow raises (`tw_fail`, `tw_update_fail`, `tw_update_reject`). Absent
 * strings, `non_retryable == false` and empty lists are left out of the JSON.
 */
typedef struct tw_failure {
    tw_str message;
    tw_str type;                    /* application error type, e.g. "InvalidInput" */
    bool non_retryable;             /* true: a retry policy must not retry this failure */
    tw_strs details;                /* JSON texts, each sent as one `json/plain` payload */
    const struct tw_failure *cause; /* a failure of the workflow's own that caused this one */
    tw_str cause_json;              /* or: a failure JSON object, e.g. one it received (tw_failure_view.json) */
} tw_failure;

/**
 * A failure the workflow received, as the worker renders Temporal's failures
 * (proto-notes/abi-v1-reference.md, "Failures that reach a guest"). Absent strings read "".
 */
typedef struct {
    tw_json json;         /* the whole failure object */
    tw_str message;
    tw_str type;          /* the first application failure's type, copied up the chain */
    tw_str kind;          /* "application", "activity", "timeout", "cancelled", "child_workflow", ... */
    tw_str source;
    tw_str retry_state;   /* activity and child failures: "maximum_attempts_reached", "timeout", ... */
    tw_str timeout_type;  /* timeouts: "start_to_close", "schedule_to_start", ... */
    bool non_retryable;
    tw_json details;      /* array of payloads, or missing */
    tw_json cause;        /* the next failure of the chain, or missing */
} tw_failure_view;

/** Reads a failure object. Returns false if `value` is not an object. */
bool tw_failure_read(tw_json value, tw_failure_view *out);

/** Reads detail `index` of a received failure as a `json/plain` value. */
tw_param_status tw_failure_detail(const tw_failure_view *failure, size_t index, tw_json *value);

/**
 * The most specific message of a received failure: that of the first application failure in
 * its chain (an activity's own error, say, under Temporal's "Activity task failed"), else its
 * own message.
 */
tw_str tw_failure_reason(const tw_failure_view *failure);

/**
 * Finds the first failure of `kind` in the chain that starts at `failure` (itself included),
 * e.g. the `timeout` under an activity failure. Returns false if there is none.
 */
bool tw_failure_find(const tw_failure_view *failure, tw_str kind, tw_failure_view *out);

/* =============================================================================================
 * Results: what a timer, activity, HTTP activity, child workflow or external call resolved with
 * =========================================================================================== */

/** How a command ended. */
typedef enum {
    TW_COMPLETED = 1, /* `payloads` holds its result (0 or 1 payloads) */
    TW_FAILED,        /* `failure` says why */
    TW_CANCELLED,     /* `failure` holds the cancellation */
} tw_outcome;

/** A result taken from a handle. */
typedef struct {
    tw_outcome outcome;
    tw_json payloads;         /* TW_COMPLETED: the array of payloads */
    size_t payload_count;
    tw_failure_view failure;  /* TW_FAILED, TW_CANCELLED */
    tw_str json;              /* the result JSON as the worker wrote it */
} tw_result;

/** Parses `{"completed": [...]}`, `{"failed": failure}` or `{"cancelled": failure}`. */
bool tw_result_parse(tw_str json, tw_result *out);

/** Whether the result is TW_COMPLETED. */
bool tw_result_ok(const tw_result *result);

/** Reads the first payload of a completed result as a `json/plain` value. */
tw_param_status tw_result_value(const tw_result *result, tw_json *value);

/* =============================================================================================
 * The workflow's info and parameters
 * =========================================================================================== */

/** A workflow execution: namespace, workflow id, run id. */
typedef struct {
    tw_str namespace_name;
    tw_str workflow_id;
    tw_str run_id;
} tw_execution;

/** Identity of the workflow execution; absent fields read as "" and 0. */
typedef struct {
    tw_str workflow_type;
    tw_str workflow_id;
    tw_str run_id;
    tw_str namespace_name;        /* the JSON field `namespace` (a C++ keyword, hence the name) */
    tw_str task_queue;
    int64_t attempt;              /* starts at 1; counts retry-policy retries */
    tw_str start_time;            /* RFC 3339, UTC */
    bool has_parent;              /* a child workflow: `parent` says whose */
    tw_execution parent;
    tw_str continued_from_run_id; /* the run this one continued as new from, or "" */
    tw_json memo;                 /* object of payloads, or missing */
    tw_json search_attributes;    /* object of JSON values, or missing */
} tw_workflow_info;

/** The `info` JSON from `get_info`, parsed. */
typedef struct {
    tw_json params;           /* the start arguments: a JSON array of payloads */
    size_t param_count;
    tw_workflow_info workflow;
    tw_json root;             /* the whole document, for fields this struct does not name */
} tw_info;

/** Parses an `info` document. Returns false if it is not a JSON object. */
bool tw_info_parse(tw_str json, tw_info *out);

/**
 * Fetches and parses the `info` JSON once, in the root scope; later calls return the same
 * struct. If the worker sends something that is not an info object, this logs and traps.
 */
const tw_info *tw_get_info(void);

/**
 * Reads parameter `index` as raw bytes: `*encoding` is its decoded `encoding` metadata ("" if
 * absent), `*data` its decoded data. Returns false if there is no such parameter or its
 * payload is malformed.
 */
bool tw_param_bytes(const tw_info *info, size_t index, tw_str *encoding, tw_str *data);

/** Reads parameter `index` as a `json/plain` payload and parses its JSON. */
tw_param_status tw_param_json(const tw_info *info, size_t index, tw_json *value);

/** Reads memo entry `key` of the run (from its info) as a `json/plain` value. */
tw_param_status tw_memo_json(const tw_info *info, tw_str key, tw_json *value);

/* =============================================================================================
 * Logging
 * =========================================================================================== */

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

/**
 * The most verbose level the worker emits now, 1 (error) to 5 (trace); 0 while replaying, when
 * nothing is logged.
 */
int tw_max_log_level(void);

/** Whether a line at `level` would be emitted: test it before building an expensive message. */
bool tw_log_enabled(tw_log_level level);

/* =============================================================================================
 * Ending the run (none of these return: the worker ends the run inside the call)
 * =========================================================================================== */

/** Completes the workflow with one `json/plain` payload holding `json` as its result. */
_Noreturn void tw_complete_json(tw_str json);

/** Completes the workflow with no result. */
_Noreturn void tw_complete_empty(void);

/** Completes the workflow with `payloads_json`, a JSON array of at most one payload object. */
_Noreturn void tw_complete_payloads(tw_str payloads_json);

/** Fails the workflow with `failure`. */
_Noreturn void tw_fail(tw_failure failure);

/** Options of `tw_continue_as_new`; every field is optional (defaults: this run's). */
typedef struct {
    tw_strs args;              /* the new run's arguments (JSON texts) */
    tw_str workflow_type;
    tw_str task_queue;
    int64_t run_timeout_ms;
    int64_t task_timeout_ms;
    tw_pairs memo;             /* key -> JSON text (a `json/plain` payload) */
    tw_pairs search_attributes;/* name -> JSON value text */
    const tw_retry_policy *retry_policy;
} tw_continue_as_new_options;

/** Ends this run and starts a new one of the same workflow id. */
_Noreturn void tw_continue_as_new(const tw_continue_as_new_options *options);

/**
 * Ends the workflow as Canceled, with optional details (JSON texts). Only after its
 * cancellation was requested (see `tw_cancellation_channel`); otherwise a guest bug.
 */
_Noreturn void tw_complete_as_cancelled(tw_strs details);

/* =============================================================================================
 * Handles and waiting
 *
 * Every command that resolves later (timer, activity, child, external call) and every inbound
 * channel (signals, updates, cancellation) is a handle. A command's handle is pending until
 * Temporal resolves it, then ready until its result is taken, once. A channel's handle is
 * ready while it has items; each take consumes the oldest, so a ready channel must be taken
 * from or `tw_wait` returns it again at once.
 * =========================================================================================== */

/** A handle: a u32 > 0, unique within the run, assigned in call order from 1 (deterministic). */
typedef uint32_t tw_handle;

/**
 * Blocks until one of `handles` is ready and returns the first ready one in the order given
 * (at once if one already is). `count` must be at least 1; duplicates are fine.
 */
tw_handle tw_wait(const tw_handle *handles, size_t count);

/** `tw_wait` over its arguments: `tw_handle ready = TW_WAIT_ANY(approve, cancelled, timer);` */
#define TW_WAIT_ANY(...) tw_wait((const tw_handle[]){__VA_ARGS__}, TW_COUNT_OF(tw_handle, __VA_ARGS__))

/**
 * Waits for the first ready of `handles`, but at most `timeout_ms` (a timer in the same wait,
 * cancelled and cleaned up if something else wins). Returns the ready handle, or 0 when the
 * timeout came first; `timeout_ms <= 0` only polls (never blocks). For a deadline shared by
 * several waits, start one timer and put its handle in each `tw_wait` instead.
 */
tw_handle tw_select(const tw_handle *handles, size_t count, int64_t timeout_ms);

/** Whether `handle` is ready (never blocks). */
bool tw_is_ready(tw_handle handle);

/** Takes a ready handle's result JSON (a channel: its oldest item), in the current scope. */
tw_str tw_take_json(tw_handle handle);

/** Takes and parses a ready command handle's result. */
tw_result tw_take(tw_handle handle);

/** Waits for `handle` alone and takes its result. */
tw_result tw_await(tw_handle handle);

/**
 * Asks Temporal to cancel a pending timer, activity, HTTP activity or child workflow. Its
 * handle then resolves with `TW_CANCELLED` (a timer at once) or with what the work reported.
 */
void tw_cancel(tw_handle handle);

/**
 * Cancels `handle` if it is still pending and takes its result if that is ready now, so that
 * nothing of it stays queued in the worker: for a timer that lost a race, say. Never blocks.
 */
void tw_discard(tw_handle handle);

/* =============================================================================================
 * Timers
 * =========================================================================================== */

/** Starts a timer of `duration_ms` (>= 1) with an optional summary shown in the UI. */
tw_handle tw_timer_start(int64_t duration_ms, tw_str summary);

/** Sleeps for `duration_ms` of workflow time (a durable timer). */
void tw_sleep(int64_t duration_ms);

/* =============================================================================================
 * Activities
 * =========================================================================================== */

/** How Temporal retries; zero fields take Temporal's defaults. */
struct tw_retry_policy {
    int64_t initial_interval_ms;
    double backoff_coefficient;
    int64_t maximum_interval_ms;
    int64_t maximum_attempts;          /* 1: no retries; 0: unlimited */
    tw_strs non_retryable_error_types;
};

/** What cancelling an activity waits for. */
typedef enum {
    TW_ACTIVITY_CANCEL_DEFAULT = 0,             /* try_cancel */
    TW_ACTIVITY_TRY_CANCEL,
    TW_ACTIVITY_WAIT_CANCELLATION_COMPLETED,
    TW_ACTIVITY_ABANDON,
} tw_activity_cancellation;

/**
 * `activity_options`. `activity_type` and one of the two `*_to_close` timeouts are required;
 * `task_queue` defaults to the workflow's, `activity_id` to the command's sequence number.
 */
typedef struct {
    tw_str activity_type;
    tw_strs args;                       /* JSON texts, one `json/plain` payload each */
    tw_str task_queue;
    tw_str activity_id;
    int64_t schedule_to_close_timeout_ms;
    int64_t schedule_to_start_timeout_ms;
    int64_t start_to_close_timeout_ms;
    int64_t heartbeat_timeout_ms;
    const tw_retry_policy *retry_policy;
    tw_activity_cancellation cancellation_type;
    tw_str summary;
} tw_activity_options;

/** Schedules an activity and returns its handle (see `tw_await`). */
tw_handle tw_activity_start(const tw_activity_options *options);

/**
 * Schedules an activity and waits for it. A failed activity is `TW_FAILED` with
 * `failure.kind == "activity"`, its application error's `type` at the top and the error
 * itself (details included) as `failure.cause`.
 */
tw_result tw_activity_execute(const tw_activity_options *options);

/* =============================================================================================
 * HTTP activities: an activity the worker executes itself (allow-listed hosts only)
 * =========================================================================================== */

/** `http_request`. Header values may name worker secrets: `Bearer {{secret PAYMENTS_TOKEN}}`. */
typedef struct {
    tw_str method;                      /* "GET", "POST", ... */
    tw_str url;
    tw_pairs headers;
    tw_str body;                        /* raw bytes (the SDK base64-encodes them); absent: no body */
    int64_t start_to_close_timeout_ms;
    int64_t schedule_to_close_timeout_ms;
    const tw_retry_policy *retry_policy;
    int64_t max_response_bytes;
    bool local;                         /* run as a local activity (short calls) */
} tw_http_request;

/** `http_response`, the JSON of a completed HTTP activity's payload. */
typedef struct {
    int64_t status;
    tw_json headers;                    /* object of name -> value strings */
    tw_str body;                        /* the decoded body bytes */
} tw_http_response;

/** Starts an HTTP activity and returns its handle. */
tw_handle tw_http_start(const tw_http_request *request);

/**
 * Runs an HTTP activity and waits for it. 2xx and 3xx complete; anything else fails (with the
 * status and response in the failure's details), retried by the retry policy when retryable.
 */
tw_result tw_http_execute(const tw_http_request *request);

/** Reads the response of a completed HTTP activity. Returns false for any other result. */
bool tw_http_response_read(const tw_result *result, tw_http_response *out);

/* =============================================================================================
 * Child workflows
 * =========================================================================================== */

/** `id_reuse_policy` of a child. */
typedef enum {
    TW_ID_REUSE_DEFAULT = 0,
    TW_ID_REUSE_ALLOW_DUPLICATE,
    TW_ID_REUSE_ALLOW_DUPLICATE_FAILED_ONLY,
    TW_ID_REUSE_REJECT_DUPLICATE,
    TW_ID_REUSE_TERMINATE_IF_RUNNING,
} tw_id_reuse_policy;

/** What happens to a child when its parent closes. */
typedef enum {
    TW_PARENT_CLOSE_DEFAULT = 0,        /* terminate */
    TW_PARENT_CLOSE_TERMINATE,
    TW_PARENT_CLOSE_ABANDON,
    TW_PARENT_CLOSE_REQUEST_CANCEL,
} tw_parent_close_policy;

/** What cancelling a child waits for. */
typedef enum {
    TW_CHILD_CANCEL_DEFAULT = 0,        /* wait_cancellation_completed */
    TW_CHILD_WAIT_CANCELLATION_COMPLETED,
    TW_CHILD_WAIT_CANCELLATION_REQUESTED,
    TW_CHILD_TRY_CANCEL,
    TW_CHILD_ABANDON,
} tw_child_cancellation;

/**
 * `child_workflow_options`. `workflow_type` is required; `workflow_id` defaults to one derived
 * from the parent run and the handle, `namespace` and `task_queue` to the parent's.
 */
typedef struct {
    tw_str workflow_type;
    tw_str workflow_id;
    tw_strs args;
    tw_str task_queue;
    tw_str namespace_name;
    int64_t execution_timeout_ms;
    int64_t run_timeout_ms;
    int64_t task_timeout_ms;
    tw_id_reuse_policy id_reuse_policy;
    tw_parent_close_policy parent_close_policy;
    const tw_retry_policy *retry_policy;
    tw_str cron_schedule;
    tw_pairs memo;                      /* key -> JSON text */
    tw_pairs search_attributes;         /* name -> JSON value text */
    tw_child_cancellation cancellation_type;
} tw_child_options;

/** Starts a child workflow and returns its handle (it resolves when the child ends). */
tw_handle tw_child_start(const tw_child_options *options);

/**
 * Starts a child workflow and waits for its result. A child that could not start fails with
 * type "WorkflowAlreadyStarted" or "NamespaceNotFound"; one that failed has kind
 * "child_workflow" and its own failure as the cause.
 */
tw_result tw_child_execute(const tw_child_options *options);

/* =============================================================================================
 * Other workflows
 * =========================================================================================== */

/** Another workflow execution; `run_id` and `namespace_name` are optional. */
typedef struct {
    tw_str workflow_id;
    tw_str run_id;
    tw_str namespace_name;
} tw_external_workflow;

/** Signals another workflow; the handle resolves once the signal was delivered, or fails. */
tw_handle tw_signal_external(const tw_external_workflow *target, tw_str signal_name, tw_strs args);

/** Requests another workflow's cancellation; the handle resolves once it was requested. */
tw_handle tw_cancel_external(const tw_external_workflow *target);

/* =============================================================================================
 * Signals
 * =========================================================================================== */

/**
 * The channel of signals named `name` (the same handle when opened twice). Signals that
 * arrived before it was opened are delivered to it, oldest first.
 */
tw_handle tw_signal_channel(tw_str name);

/** One signal: its arguments. */
typedef struct {
    tw_json args;       /* array of payloads */
    size_t arg_count;
} tw_signal;

/** Takes the oldest signal of a ready channel. */
tw_signal tw_signal_take(tw_handle channel);

/** Waits for the next signal on `channel` and takes it. */
tw_signal tw_signal_receive(tw_handle channel);

/** Reads argument `index` of a signal as a `json/plain` value. */
tw_param_status tw_signal_arg(const tw_signal *signal, size_t index, tw_json *value);

/* =============================================================================================
 * Updates
 *
 * An update is accepted at the end of the activation it arrived in unless the workflow took
 * it and rejected it by then: rejecting right after taking is the validator (and a rejected
 * update never reaches history). An accepted update is answered later, or at once, with
 * `tw_update_complete` or `tw_update_fail`.
 * =========================================================================================== */

/** The channel of updates named `name` (the same handle when opened twice). */
tw_handle tw_update_channel(tw_str name);

/** One update: its id and arguments. */
typedef struct {
    tw_str id;
    tw_json args;       /* array of payloads */
    size_t arg_count;
} tw_update;

/** Parses an update item `{"update_id", "args"}`. */
bool tw_update_parse(tw_str json, tw_update *out);

/** Takes the oldest update of a ready channel. */
tw_update tw_update_take(tw_handle channel);

/** Reads argument `index` of an update as a `json/plain` value. */
tw_param_status tw_update_arg(const tw_update *update, size_t index, tw_json *value);

/** Completes an update with a JSON result (`TW_NONE`: no value). */
void tw_update_complete(const tw_update *update, tw_str result_json);

/** Fails an accepted update. */
void tw_update_fail(const tw_update *update, tw_failure failure);

/** Rejects an update (in the activation it arrived in only): the validator's verdict. */
void tw_update_reject(const tw_update *update, tw_failure failure);

/**
 * A validator: returns true to accept `update`, or false after filling `*rejection`. It runs
 * inside the activation the update arrived in and must not wait.
 */
typedef bool (*tw_update_validator)(const tw_update *update, void *context, tw_failure *rejection);

/**
 * Takes the oldest update of a ready channel and runs `validate` on it: rejects it and
 * returns false when the validator refuses, else stores it in `*update` and returns true (the
 * caller then handles it and calls `tw_update_complete` or `tw_update_fail`).
 */
bool tw_update_take_valid(tw_handle channel, tw_update_validator validate, void *context,
                          tw_update *update);

/* =============================================================================================
 * Cancellation
 * =========================================================================================== */

/**
 * The channel that becomes ready once the workflow's cancellation has been requested (ready
 * at once if it already was). A workflow that never opens it ends as Canceled when it next
 * waits after the request; one that does decides itself, e.g. compensates, then calls
 * `tw_complete_as_cancelled`.
 */
tw_handle tw_cancellation_channel(void);

/** Whether the workflow's cancellation has been requested (opens the channel). */
bool tw_cancel_requested(void);

/* =============================================================================================
 * Queries and current details
 * =========================================================================================== */

/**
 * Publishes `json` (`TW_NONE`: no value) as the answer to query `name` from now on. Queries are
 * answered by the worker from the latest published value, never by running workflow code.
 */
void tw_set_query_result(tw_str name, tw_str json);

/** Says what the workflow is doing now (UTF-8, Markdown allowed), shown in the Temporal UI. */
void tw_set_current_details(tw_str text);

/* =============================================================================================
 * Deterministic sources (identical on every replay)
 * =========================================================================================== */

/** Workflow time in ms since the Unix epoch: the activation's timestamp. */
int64_t tw_now(void);

/** Fills `len` bytes from the run's deterministic generator. */
void tw_random(void *bytes, size_t len);

/** Eight deterministic random bytes as an integer. */
uint64_t tw_random_u64(void);

/**
 * Temporal's versioning: true if this run takes the new code path of patch `id` (recording a
 * marker), false if its history was written before the patch.
 */
bool tw_patched(tw_str id);

/** As `tw_patched`, for a patch whose old code path has been removed (a deprecated patch). */
bool tw_deprecate_patch(tw_str id);

/** Whether the worker is replaying history (for workflows that skip their own side effects). */
bool tw_is_replaying(void);

/* =============================================================================================
 * Search attributes, memo and metrics
 * =========================================================================================== */

/** Upserts search attributes: name -> JSON value text; an absent value (TW_NONE) removes one. */
void tw_upsert_search_attributes(tw_pairs attributes);

/** Upserts memo entries: key -> JSON text (a `json/plain` payload); an absent value removes one. */
void tw_upsert_memo(tw_pairs memo);

/** The kind of a metric. */
typedef enum {
    TW_METRIC_COUNTER = 1,   /* adds whole non-negative values */
    TW_METRIC_GAUGE,         /* sets the value */
    TW_METRIC_HISTOGRAM,     /* records the value */
} tw_metric_kind;

/** A metric sample, exported as `wasm_guest_<name>` with the workflow type as a label. */
typedef struct {
    tw_str name;             /* [A-Za-z_][A-Za-z0-9_]* */
    tw_metric_kind kind;
    double value;
    tw_pairs labels;         /* label -> value (plain strings) */
} tw_metric;

/** Emits a metric (never while replaying, so once per execution). */
void tw_emit_metric(tw_metric metric);

/* =============================================================================================
 * Request encoders: the JSON each call sends, exposed for tests and for calls made by hand.
 * Each returns newly allocated JSON in the current scope.
 * =========================================================================================== */

/** `start_timer`: `{"duration_ms", "summary"?}`. */
tw_str tw_encode_timer(int64_t duration_ms, tw_str summary);
/** `start_activity`: `activity_options`. */
tw_str tw_encode_activity_options(const tw_activity_options *options);
/** `start_http_activity`: `http_request`. */
tw_str tw_encode_http_request(const tw_http_request *request);
/** `start_child_workflow`: `child_workflow_options`. */
tw_str tw_encode_child_options(const tw_child_options *options);
/** `signal_external_workflow`. */
tw_str tw_encode_signal_external(const tw_external_workflow *target, tw_str signal_name, tw_strs args);
/** `cancel_external_workflow`. */
tw_str tw_encode_cancel_external(const tw_external_workflow *target);
/** `respond_update` completing: `{"completed": [payload]}` (`[]` for TW_NONE). */
tw_str tw_encode_update_completed(tw_str result_json);
/** `respond_update` failing (`rejected` false) or rejecting: `{"failed"|"rejected": failure}`. */
tw_str tw_encode_update_refused(bool rejected, const tw_failure *failure);
/** `set_query_result`: `[payload]`, or "" for TW_NONE. */
tw_str tw_encode_query_result(tw_str json);
/** `complete`: `[payload]`. */
tw_str tw_encode_complete(tw_str json);
/** `complete_with_failure` and every other failure: the `failure` object. */
tw_str tw_encode_failure(const tw_failure *failure);
/** `continue_as_new`. */
tw_str tw_encode_continue_as_new(const tw_continue_as_new_options *options);
/** `complete_as_cancelled`: `{"details": [...]}`, or "" with no details. */
tw_str tw_encode_cancelled(tw_strs details);
/** `upsert_search_attributes`. */
tw_str tw_encode_search_attributes(tw_pairs attributes);
/** `upsert_memo`. */
tw_str tw_encode_memo(tw_pairs memo);
/** `emit_metric`. */
tw_str tw_encode_metric(const tw_metric *metric);

#endif /* TEMPORAL_WASM_H */

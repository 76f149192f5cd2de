/*
 * temporal_wasm/str.h - strings and lists.
 *
 * `tw_str` (pointer + length, never NUL-terminated) and the compound-literal lists built on it:
 * `tw_strs` (arguments, details), `tw_pair`/`tw_pairs` (headers, labels, memo), and `TW_EXPORT`.
 *
 * Included first by temporal_wasm.h (the one header a workflow includes), after <stdbool.h>,
 * <stddef.h> and <stdint.h>.
 */
#ifndef TEMPORAL_WASM_STR_H
#define TEMPORAL_WASM_STR_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/str.h"
#endif

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

#endif /* TEMPORAL_WASM_STR_H */

/*
 * internal.h - what the SDK's source files share and workflows do not see: scope switching,
 * JSON writing helpers for optional fields, and traps. The host imports live in host.h, which
 * only the files that call the worker include, so the pure files build natively for tests.
 */
#ifndef TEMPORAL_WASM_INTERNAL_H
#define TEMPORAL_WASM_INTERNAL_H

#include "temporal_wasm.h"

/* ---- memory.c ---- */

/** The run's root scope: what outlives every scope (the cached info). */
tw_scope *tw__root_scope(void);

/** Makes `scope` current and returns the previous one, for `tw__use_scope(previous)` after. */
tw_scope *tw__use_scope(tw_scope *scope);

/** How many bytes fit in `block` (its size class's capacity). */
size_t tw__usable_size(const void *block);

/**
 * Frees what an encoder returned once it has been sent. Encoders return one writer buffer, or
 * a static "" when there is nothing to send, which is not freed.
 */
static inline void tw__free_json(tw_str json) {
    if (json.len) tw_free((void *)json.ptr);
}

/* ---- json_parse.c and json_read.c ---- */

static inline bool tw__is_digit(char c) { return c >= '0' && c <= '9'; }

/**
 * Scans a \uXXXX escape (`*pos` at the backslash) and, for a high surrogate, the \uXXXX low
 * surrogate that must follow; stores the code point and moves `*pos` past the escape. False
 * for a malformed escape or a lone surrogate: validation relies on that, and reading a
 * validated string decodes its escapes with it.
 */
bool tw__scan_unicode_escape(const char **pos, const char *end, uint32_t *code_point);

/* ---- json_write.c: optional fields, written only when present ---- */

/** Writes `"key": "value"` when `value` is present (non-NULL pointer). */
void tw__jw_opt_str(tw_json_writer *w, tw_str key, tw_str value);

/** Writes `"key": value` when `value` is not 0. */
void tw__jw_opt_i64(tw_json_writer *w, tw_str key, int64_t value);

/** Writes `"key": [strings]` when the list is not empty. */
void tw__jw_opt_strs(tw_json_writer *w, tw_str key, tw_strs values);

/** Writes `"key": [payloads]` when the list is not empty. */
void tw__jw_opt_payloads(tw_json_writer *w, tw_str key, tw_strs values);

/** Writes one JSON string of `value`, or `null` when it is absent. */
void tw__jw_str_or_null(tw_json_writer *w, tw_str value);

/* ---- payload.c ---- */

/** Writes `"key": failure` for a failure of the workflow's own. */
void tw__jw_failure(tw_json_writer *w, const tw_failure *failure);

/* ---- requests.c ---- */

/** Writes `"retry_policy": {...}` when `policy` is not NULL. */
void tw__jw_opt_retry_policy(tw_json_writer *w, const tw_retry_policy *policy);

/* ---- traps ---- */

/** Ends the run as a guest bug after logging `message` (the worker shows the last error log). */
_Noreturn void tw__trap_with_log(tw_str message);

#endif /* TEMPORAL_WASM_INTERNAL_H */

/*
 * temporal_wasm/result.h - results.
 *
 * `tw_result`: what a command (timer, activity, child, external call) resolved with.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after failure.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_RESULT_H
#define TEMPORAL_WASM_RESULT_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/result.h"
#endif

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

#endif /* TEMPORAL_WASM_RESULT_H */

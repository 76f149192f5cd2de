/*
 * temporal_wasm/failure.h - failures.
 *
 * `tw_failure`, raised by the workflow, and `tw_failure_view`, a failure it received.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after payload.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_FAILURE_H
#define TEMPORAL_WASM_FAILURE_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/failure.h"
#endif

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

#endif /* TEMPORAL_WASM_FAILURE_H */

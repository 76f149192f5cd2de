/*
 * temporal_wasm/ending.h - ending the run.
 *
 * Completing, failing, continuing as new and ending as cancelled: calls that never return.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after failure.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_ENDING_H
#define TEMPORAL_WASM_ENDING_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/ending.h"
#endif

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

#endif /* TEMPORAL_WASM_ENDING_H */

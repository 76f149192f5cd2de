/*
 * temporal_wasm/activity.h - activities.
 *
 * Activities on a task queue, HTTP activities the worker runs itself, and the retry policy
 * both take.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after wait.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_ACTIVITY_H
#define TEMPORAL_WASM_ACTIVITY_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/activity.h"
#endif

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

#endif /* TEMPORAL_WASM_ACTIVITY_H */

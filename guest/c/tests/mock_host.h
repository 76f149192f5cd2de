/*
 * mock_host.h - a mock worker for running the example workflows natively: it implements every
 * import of ../sdk/host.h, keeps handles, results and channels as the worker does, and lets a
 * scenario decide how activities resolve and what arrives (signals, updates, cancellation,
 * timers) whenever the workflow parks in `wait`. What the workflow did is recorded as a trace
 * of one line per call, for the tests to compare.
 *
 * Simplifications: each park is one activation; at a park the mock first resolves every
 * pending activity and HTTP activity the scenario has an answer for, and only when none did
 * asks the scenario for inbound events. Its own bookkeeping uses malloc, never the SDK's heap,
 * so the workflow's heap statistics are its own.
 */
#ifndef MOCK_HOST_H
#define MOCK_HOST_H

#include <stddef.h>

/** How the workflow's run ended. */
typedef enum {
    MOCK_COMPLETED = 1,
    MOCK_FAILED,
    MOCK_CANCELLED,
    MOCK_CONTINUED_AS_NEW,
    MOCK_STUCK,     /* it waited on handles nothing could make ready */
    MOCK_GUEST_BUG, /* it misused a call (message in `json`) */
} mock_ending;

/** A scenario: the input and how the world answers. */
typedef struct {
    const char *input; /* params[0] as JSON text; NULL: no params */
    /* The result JSON for a started command (`kind` "activity", "http", "child" or "external";
     * `name` the activity type, URL, workflow type or workflow id; `request` the call's JSON),
     * or NULL to leave it pending. The text is copied. */
    const char *(*answer)(const char *kind, const char *name, const char *request, void *context);
    /* Called at a park with nothing resolved: deliver events with the mock_* calls below.
     * NULL: fire every pending timer. */
    void (*on_park)(int park, void *context);
    void *context;
} mock_scenario;

/** What a run did. */
typedef struct {
    mock_ending ending;
    char *json;       /* the ending call's JSON (the result payloads, failure, details...) */
    char **trace;     /* one line per call, in call order */
    size_t trace_len;
    int parks;        /* how many times the workflow parked */
} mock_outcome;

/** Runs the workflow's `run` under `scenario` until it ends. */
mock_outcome mock_run(const mock_scenario *scenario);

/** Sends signal `name` with one argument (JSON text). */
void mock_signal(const char *name, const char *arg_json);

/** Sends update `name` with id `id` and one argument (JSON text). */
void mock_update(const char *name, const char *id, const char *arg_json);

/** Requests the workflow's cancellation. */
void mock_cancel_workflow(void);

/** Fires every pending timer. */
void mock_fire_timers(void);

/** The last value published for query `name` (JSON text), or NULL. */
const char *mock_query(const char *name);

/** The current details, or NULL. */
const char *mock_details(void);

/** The answer given to update `id` (its `respond_update` JSON, payloads decoded), or NULL. */
const char *mock_update_answer(const char *id);

/** A `{"completed": [payload]}` result holding `json`, or `{"completed": []}` for NULL (malloc'd). */
char *mock_completed(const char *json);

/** A `{"failed": {...}}` result of an activity whose application error is `type`/`message`. */
char *mock_activity_failure(const char *type, const char *message);

/** The index of the first trace line starting with `prefix`, or -1. */
int mock_trace_find(const mock_outcome *outcome, const char *prefix);

/** Prints the trace (for a failing test). */
void mock_print_trace(const mock_outcome *outcome);

#endif /* MOCK_HOST_H */

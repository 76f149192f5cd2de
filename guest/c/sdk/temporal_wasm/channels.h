/*
 * temporal_wasm/channels.h - signals, updates and cancellation.
 *
 * The inbound channels: what Temporal delivers to the run while it waits.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after wait.h and failure.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_CHANNELS_H
#define TEMPORAL_WASM_CHANNELS_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/channels.h"
#endif

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

#endif /* TEMPORAL_WASM_CHANNELS_H */

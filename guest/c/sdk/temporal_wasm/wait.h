/*
 * temporal_wasm/wait.h - handles, waiting and timers.
 *
 * `tw_handle`, the one currency of everything that resolves later, the calls that wait on
 * handles, and timers (the simplest command, and the one `tw_select` uses).
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after result.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_WAIT_H
#define TEMPORAL_WASM_WAIT_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/wait.h"
#endif

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

#endif /* TEMPORAL_WASM_WAIT_H */

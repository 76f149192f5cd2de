/*
 * temporal_wasm/deterministic.h - deterministic sources.
 *
 * Time, randomness, versioning and replay status: identical on every replay.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after str.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_DETERMINISTIC_H
#define TEMPORAL_WASM_DETERMINISTIC_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/deterministic.h"
#endif

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

#endif /* TEMPORAL_WASM_DETERMINISTIC_H */

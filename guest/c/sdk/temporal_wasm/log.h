/*
 * temporal_wasm/log.h - logging.
 *
 * Log lines through the worker, at the ABI's levels.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after str.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_LOG_H
#define TEMPORAL_WASM_LOG_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/log.h"
#endif

/* =============================================================================================
 * Logging
 * =========================================================================================== */

/** The ABI's log levels; anything else logs nothing. */
typedef enum {
    TW_LOG_ERROR = 1,
    TW_LOG_WARN = 2,
    TW_LOG_INFO = 3,
    TW_LOG_DEBUG = 4,
    TW_LOG_TRACE = 5,
} tw_log_level;

/** Writes a log line through the worker (suppressed while Temporal replays history). */
void tw_log(tw_log_level level, tw_str message);

/**
 * The most verbose level the worker emits now, 1 (error) to 5 (trace); 0 while replaying, when
 * nothing is logged.
 */
int tw_max_log_level(void);

/** Whether a line at `level` would be emitted: test it before building an expensive message. */
bool tw_log_enabled(tw_log_level level);

#endif /* TEMPORAL_WASM_LOG_H */

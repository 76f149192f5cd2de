/*
 * temporal_wasm/telling.h - what the workflow tells the world.
 *
 * Query answers, current details, search attributes, memo and metrics.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after str.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_TELLING_H
#define TEMPORAL_WASM_TELLING_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/telling.h"
#endif

/* =============================================================================================
 * Queries and current details
 * =========================================================================================== */

/**
 * Publishes `json` (`TW_NONE`: no value) as the answer to query `name` from now on. Queries are
 * answered by the worker from the latest published value, never by running workflow code.
 */
void tw_set_query_result(tw_str name, tw_str json);

/** Says what the workflow is doing now (UTF-8, Markdown allowed), shown in the Temporal UI. */
void tw_set_current_details(tw_str text);

/* =============================================================================================
 * Search attributes, memo and metrics
 * =========================================================================================== */

/** Upserts search attributes: name -> JSON value text; an absent value (TW_NONE) removes one. */
void tw_upsert_search_attributes(tw_pairs attributes);

/** Upserts memo entries: key -> JSON text (a `json/plain` payload); an absent value removes one. */
void tw_upsert_memo(tw_pairs memo);

/** The kind of a metric. */
typedef enum {
    TW_METRIC_COUNTER = 1,   /* adds whole non-negative values */
    TW_METRIC_GAUGE,         /* sets the value */
    TW_METRIC_HISTOGRAM,     /* records the value */
} tw_metric_kind;

/** A metric sample, exported as `wasm_guest_<name>` with the workflow type as a label. */
typedef struct {
    tw_str name;             /* [A-Za-z_][A-Za-z0-9_]* */
    tw_metric_kind kind;
    double value;
    tw_pairs labels;         /* label -> value (plain strings) */
} tw_metric;

/** Emits a metric (never while replaying, so once per execution). */
void tw_emit_metric(tw_metric metric);

#endif /* TEMPORAL_WASM_TELLING_H */

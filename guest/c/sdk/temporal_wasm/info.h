/*
 * temporal_wasm/info.h - the workflow's info and parameters.
 *
 * The `info` document of `get_info`: the run's identity, start arguments, memo and search
 * attributes.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after payload.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_INFO_H
#define TEMPORAL_WASM_INFO_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/info.h"
#endif

/* =============================================================================================
 * The workflow's info and parameters
 * =========================================================================================== */

/** A workflow execution: namespace, workflow id, run id. */
typedef struct {
    tw_str namespace_name;
    tw_str workflow_id;
    tw_str run_id;
} tw_execution;

/** Identity of the workflow execution; absent fields read as "" and 0. */
typedef struct {
    tw_str workflow_type;
    tw_str workflow_id;
    tw_str run_id;
    tw_str namespace_name;        /* the JSON field `namespace` (a C++ keyword, hence the name) */
    tw_str task_queue;
    int64_t attempt;              /* starts at 1; counts retry-policy retries */
    tw_str start_time;            /* RFC 3339, UTC */
    bool has_parent;              /* a child workflow: `parent` says whose */
    tw_execution parent;
    tw_str continued_from_run_id; /* the run this one continued as new from, or "" */
    tw_json memo;                 /* object of payloads, or missing */
    tw_json search_attributes;    /* object of JSON values, or missing */
} tw_workflow_info;

/** The `info` JSON from `get_info`, parsed. */
typedef struct {
    tw_json params;           /* the start arguments: a JSON array of payloads */
    size_t param_count;
    tw_workflow_info workflow;
    tw_json root;             /* the whole document, for fields this struct does not name */
} tw_info;

/** Parses an `info` document. Returns false if it is not a JSON object. */
bool tw_info_parse(tw_str json, tw_info *out);

/**
 * Fetches and parses the `info` JSON once, in the root scope; later calls return the same
 * struct. If the worker sends something that is not an info object, this logs and traps.
 */
const tw_info *tw_get_info(void);

/**
 * Reads parameter `index` as raw bytes: `*encoding` is its decoded `encoding` metadata ("" if
 * absent), `*data` its decoded data. Returns false if there is no such parameter or its
 * payload is malformed.
 */
bool tw_param_bytes(const tw_info *info, size_t index, tw_str *encoding, tw_str *data);

/** Reads parameter `index` as a `json/plain` payload and parses its JSON. */
tw_param_status tw_param_json(const tw_info *info, size_t index, tw_json *value);

/** Reads memo entry `key` of the run (from its info) as a `json/plain` value. */
tw_param_status tw_memo_json(const tw_info *info, tw_str key, tw_json *value);

#endif /* TEMPORAL_WASM_INFO_H */

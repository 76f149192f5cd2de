/*
 * temporal_wasm/payload.h - payloads.
 *
 * Temporal payloads as the ABI writes them, read and written; `json/plain` is the usual encoding.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after json.h and base64.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_PAYLOAD_H
#define TEMPORAL_WASM_PAYLOAD_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/payload.h"
#endif

/* =============================================================================================
 * Payloads: `{"metadata": {"encoding": base64}, "data": base64}`
 * =========================================================================================== */

/** A decoded payload: its `encoding` metadata ("" if absent) and its data bytes. */
typedef struct {
    tw_str encoding;
    tw_str data;
} tw_payload;

/** Decodes a payload object. Returns false if it is malformed. */
bool tw_payload_read(tw_json payload, tw_payload *out);

/** Outcome of reading a JSON value out of a list of payloads. */
typedef enum {
    TW_PARAM_OK,      /* `*value` holds the payload's JSON value */
    TW_PARAM_MISSING, /* the list is shorter */
    TW_PARAM_INVALID, /* not a `json/plain` payload holding valid JSON */
} tw_param_status;

/** Reads element `index` of `payloads` (a JSON array of payloads) as a `json/plain` value. */
tw_param_status tw_payloads_json(tw_json payloads, size_t index, tw_json *value);

/** Writes a `json/plain` payload holding `json` (valid JSON text) as the next value. */
void tw_jw_payload(tw_json_writer *w, tw_str json);

/** Writes a payload with the given encoding and raw data bytes as the next value. */
void tw_jw_payload_bytes(tw_json_writer *w, tw_str encoding, tw_str data);

/** Writes a JSON array with one `json/plain` payload per JSON text of `values`. */
void tw_jw_payloads(tw_json_writer *w, tw_strs values);

/** A `json/plain` payload object holding `json`, in newly allocated memory. */
tw_str tw_json_payload(tw_str json);

#endif /* TEMPORAL_WASM_PAYLOAD_H */

/*
 * temporal_wasm/requests.h - request encoders.
 *
 * The JSON each call sends, built from the option structs: for tests and for calls made by hand.
 *
 * Included last by temporal_wasm.h (the one header a workflow includes), after every header
 * whose option structs it encodes.
 */
#ifndef TEMPORAL_WASM_REQUESTS_H
#define TEMPORAL_WASM_REQUESTS_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/requests.h"
#endif

/* =============================================================================================
 * Request encoders: the JSON each call sends, exposed for tests and for calls made by hand.
 * Each returns newly allocated JSON in the current scope.
 * =========================================================================================== */

/** `start_timer`: `{"duration_ms", "summary"?}`. */
tw_str tw_encode_timer(int64_t duration_ms, tw_str summary);
/** `start_activity`: `activity_options`. */
tw_str tw_encode_activity_options(const tw_activity_options *options);
/** `start_http_activity`: `http_request`. */
tw_str tw_encode_http_request(const tw_http_request *request);
/** `start_child_workflow`: `child_workflow_options`. */
tw_str tw_encode_child_options(const tw_child_options *options);
/** `signal_external_workflow`. */
tw_str tw_encode_signal_external(const tw_external_workflow *target, tw_str signal_name, tw_strs args);
/** `cancel_external_workflow`. */
tw_str tw_encode_cancel_external(const tw_external_workflow *target);
/** `respond_update` completing: `{"completed": [payload]}` (`[]` for TW_NONE). */
tw_str tw_encode_update_completed(tw_str result_json);
/** `respond_update` failing (`rejected` false) or rejecting: `{"failed"|"rejected": failure}`. */
tw_str tw_encode_update_refused(bool rejected, const tw_failure *failure);
/** `set_query_result`: `[payload]`, or "" for TW_NONE. */
tw_str tw_encode_query_result(tw_str json);
/** `complete`: `[payload]`. */
tw_str tw_encode_complete(tw_str json);
/** `complete_with_failure` and every other failure: the `failure` object. */
tw_str tw_encode_failure(const tw_failure *failure);
/** `continue_as_new`. */
tw_str tw_encode_continue_as_new(const tw_continue_as_new_options *options);
/** `complete_as_cancelled`: `{"details": [...]}`, or "" with no details. */
tw_str tw_encode_cancelled(tw_strs details);
/** `upsert_search_attributes`. */
tw_str tw_encode_search_attributes(tw_pairs attributes);
/** `upsert_memo`. */
tw_str tw_encode_memo(tw_pairs memo);
/** `emit_metric`. */
tw_str tw_encode_metric(const tw_metric *metric);

#endif /* TEMPORAL_WASM_REQUESTS_H */

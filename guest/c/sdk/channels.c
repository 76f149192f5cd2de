/*
 * channels.c - what others send the workflow (signals, updates, its cancellation) and what it
 * publishes for them (query results, current details).
 */
#include "host.h"
#include "internal.h"

/* ---- signals ---- */

tw_handle tw_signal_channel(tw_str name) { return TW_HOST_STR(tw_host_signal_channel, name); }

tw_signal tw_signal_take(tw_handle channel) {
    tw_result item = tw_take(channel); /* `{"completed": [args...]}` */
    return (tw_signal){.args = item.payloads, .arg_count = item.payload_count};
}

tw_signal tw_signal_receive(tw_handle channel) {
    tw_wait(&channel, 1);
    return tw_signal_take(channel);
}

/* ---- updates ---- */

tw_handle tw_update_channel(tw_str name) { return TW_HOST_STR(tw_host_update_channel, name); }

tw_update tw_update_take(tw_handle channel) {
    tw_update update;
    tw_str json = tw_take_json(channel);
    if (!tw_update_parse(json, &update)) {
        tw__trap_with_log(TW_CONCAT(TW_STR("temporal_wasm: update channel "), tw_i64_to_str(channel),
                                    TW_STR(" yielded something that is not an update: "), json));
    }
    return update;
}

static void tw_respond(const tw_update *update, tw_str answer) {
    tw_host_respond_update(update->id.ptr, (uint32_t)update->id.len, answer.ptr, (uint32_t)answer.len);
    tw__free_json(answer);
}

void tw_update_complete(const tw_update *update, tw_str result_json) {
    tw_respond(update, tw_encode_update_completed(result_json));
}

void tw_update_fail(const tw_update *update, tw_failure failure) {
    tw_respond(update, tw_encode_update_refused(false, &failure));
}

void tw_update_reject(const tw_update *update, tw_failure failure) {
    tw_respond(update, tw_encode_update_refused(true, &failure));
}

bool tw_update_take_valid(tw_handle channel, tw_update_validator validate, void *context,
                          tw_update *update) {
    *update = tw_update_take(channel);
    tw_failure rejection = {0};
    if (validate && !validate(update, context, &rejection)) {
        tw_update_reject(update, rejection);
        return false;
    }
    return true;
}

/* ---- cancellation ---- */

tw_handle tw_cancellation_channel(void) { return tw_host_cancellation_channel(); }

bool tw_cancel_requested(void) { return tw_is_ready(tw_cancellation_channel()); }

/* ---- queries and details ---- */

void tw_set_query_result(tw_str name, tw_str json) {
    tw_str payloads = tw_encode_query_result(json);
    tw_host_set_query_result(name.ptr, (uint32_t)name.len, payloads.ptr, (uint32_t)payloads.len);
    tw__free_json(payloads);
}

void tw_set_current_details(tw_str text) { TW_HOST_STR(tw_host_set_current_details, text); }

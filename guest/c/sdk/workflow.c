/*
 * workflow.c - the run itself: its info, logging, and the calls that end it.
 */
#include "host.h"
#include "internal.h"

_Noreturn void tw__trap_with_log(tw_str message) {
    tw_log(TW_LOG_ERROR, message);
    __builtin_trap();
}

/* The info is immutable for the whole run, so it is fetched and parsed once, in the root
 * scope (a scope open at the first call must not free it). */
static tw_info tw_cached_info;
static bool tw_info_loaded;

const tw_info *tw_get_info(void) {
    if (tw_info_loaded) return &tw_cached_info;
    tw_scope *previous = tw__use_scope(tw__root_scope());
    uint32_t len = tw_host_get_info_len();
    char *bytes = tw_alloc(len);
    tw_host_get_info(bytes, len);
    if (!tw_info_parse((tw_str){bytes, len}, &tw_cached_info)) {
        tw__trap_with_log(TW_STR("temporal_wasm: the info from get_info is not a JSON object"));
    }
    tw__use_scope(previous);
    tw_info_loaded = true;
    return &tw_cached_info;
}

void tw_log(tw_log_level level, tw_str message) {
    tw_host_write_log((uint32_t)level, message.ptr, (uint32_t)message.len);
}

int tw_max_log_level(void) { return (int)tw_host_log_level(); }

bool tw_log_enabled(tw_log_level level) { return (int)level <= tw_max_log_level(); }

/* ---- ending the run: the worker ends it inside the call, so nothing after it runs ---- */

_Noreturn void tw_complete_payloads(tw_str payloads_json) {
    TW_HOST_STR(tw_host_complete, payloads_json);
    __builtin_trap();
}

_Noreturn void tw_complete_json(tw_str json) { tw_complete_payloads(tw_encode_complete(json)); }

_Noreturn void tw_complete_empty(void) { tw_complete_payloads(TW_STR("[]")); }

_Noreturn void tw_fail(tw_failure failure) {
    TW_HOST_STR(tw_host_complete_with_failure, tw_encode_failure(&failure));
    __builtin_trap();
}

_Noreturn void tw_continue_as_new(const tw_continue_as_new_options *options) {
    TW_HOST_STR(tw_host_continue_as_new, tw_encode_continue_as_new(options));
    __builtin_trap();
}

_Noreturn void tw_complete_as_cancelled(tw_strs details) {
    TW_HOST_STR(tw_host_complete_as_cancelled, tw_encode_cancelled(details));
    __builtin_trap();
}

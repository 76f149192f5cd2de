/*
 * commands.c - work the workflow starts and later waits for: activities, HTTP activities,
 * child workflows, and calls to other workflows. Each call encodes its request, hands it to
 * the worker, frees it and returns the command's handle.
 */
#include "host.h"
#include "internal.h"

/* Sends `json` to a command import, frees it and returns the handle. */
static tw_handle tw_start(uint32_t (*import)(const void *, uint32_t), tw_str json) {
    tw_handle handle = import(json.ptr, (uint32_t)json.len);
    tw__free_json(json);
    return handle;
}

tw_handle tw_activity_start(const tw_activity_options *options) {
    return tw_start(tw_host_start_activity, tw_encode_activity_options(options));
}

tw_result tw_activity_execute(const tw_activity_options *options) {
    return tw_await(tw_activity_start(options));
}

tw_handle tw_http_start(const tw_http_request *request) {
    return tw_start(tw_host_start_http_activity, tw_encode_http_request(request));
}

tw_result tw_http_execute(const tw_http_request *request) {
    return tw_await(tw_http_start(request));
}

tw_handle tw_child_start(const tw_child_options *options) {
    return tw_start(tw_host_start_child_workflow, tw_encode_child_options(options));
}

tw_result tw_child_execute(const tw_child_options *options) {
    return tw_await(tw_child_start(options));
}

tw_handle tw_signal_external(const tw_external_workflow *target, tw_str signal_name, tw_strs args) {
    return tw_start(tw_host_signal_external_workflow,
                    tw_encode_signal_external(target, signal_name, args));
}

tw_handle tw_cancel_external(const tw_external_workflow *target) {
    return tw_start(tw_host_cancel_external_workflow, tw_encode_cancel_external(target));
}

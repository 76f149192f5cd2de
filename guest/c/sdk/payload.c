/*
 * payload.c - the ABI's data types, both ways: payloads, failures, results, channel items, the
 * HTTP response and the workflow's info. Pure: no host call, so the unit tests run it natively.
 */
#include "internal.h"

/* base64("json/plain"), precomputed: the encoding of every JSON payload. */
#define TW_JSON_PLAIN_METADATA "{\"encoding\":\"anNvbi9wbGFpbg==\"}"

/* =============================================================================================
 * Payloads
 * =========================================================================================== */

bool tw_payload_read(tw_json payload, tw_payload *out) {
    if (tw_json_kind_of(payload) != TW_JSON_OBJECT) return false;
    tw_str encoded;
    out->encoding = (tw_str){"", 0};
    tw_json encoding = tw_json_get(tw_json_get(payload, TW_STR("metadata")), TW_STR("encoding"));
    if (encoding.at &&
        (!tw_json_string(encoding, &encoded) || !tw_base64_decode(encoded, &out->encoding))) {
        return false;
    }
    return tw_json_string(tw_json_get(payload, TW_STR("data")), &encoded) &&
           tw_base64_decode(encoded, &out->data);
}

/* Reads a payload as a `json/plain` value. */
static tw_param_status tw_payload_json(tw_json payload, tw_json *value) {
    tw_payload decoded;
    if (!tw_payload_read(payload, &decoded) || !tw_str_eq(decoded.encoding, TW_STR("json/plain")) ||
        !tw_json_parse(decoded.data, value)) {
        return TW_PARAM_INVALID;
    }
    return TW_PARAM_OK;
}

tw_param_status tw_payloads_json(tw_json payloads, size_t index, tw_json *value) {
    tw_json payload = tw_json_at(payloads, index);
    if (!payload.at) return TW_PARAM_MISSING;
    return tw_payload_json(payload, value);
}

void tw_jw_payload_bytes(tw_json_writer *w, tw_str encoding, tw_str data) {
    tw_jw_begin_object(w);
    tw_jw_key(w, TW_STR("metadata"));
    tw_jw_begin_object(w);
    tw_jw_key(w, TW_STR("encoding"));
    tw_jw_base64(w, encoding);
    tw_jw_end_object(w);
    tw_jw_key(w, TW_STR("data"));
    tw_jw_base64(w, data);
    tw_jw_end_object(w);
}

void tw_jw_payload(tw_json_writer *w, tw_str json) {
    tw_jw_begin_object(w);
    tw_jw_key(w, TW_STR("metadata"));
    tw_jw_raw(w, TW_STR(TW_JSON_PLAIN_METADATA));
    tw_jw_key(w, TW_STR("data"));
    tw_jw_base64(w, json);
    tw_jw_end_object(w);
}

void tw_jw_payloads(tw_json_writer *w, tw_strs values) {
    tw_jw_begin_array(w);
    for (size_t i = 0; i < values.count; i++) tw_jw_payload(w, values.items[i]);
    tw_jw_end_array(w);
}

tw_str tw_json_payload(tw_str json) {
    tw_json_writer w = {0};
    tw_jw_payload(&w, json);
    return tw_jw_result(&w);
}

/* =============================================================================================
 * Failures
 * =========================================================================================== */

void tw__jw_failure(tw_json_writer *w, const tw_failure *failure) {
    /* The chain of causes is written iteratively: open each level, then close them all. */
    size_t depth = 0;
    for (const tw_failure *level = failure; level; level = level->cause) {
        tw_jw_begin_object(w);
        depth++;
        tw__jw_opt_str(w, TW_STR("message"), level->message);
        tw__jw_opt_str(w, TW_STR("type"), level->type);
        if (level->non_retryable) {
            tw_jw_key(w, TW_STR("non_retryable"));
            tw_jw_bool(w, true);
        }
        tw__jw_opt_payloads(w, TW_STR("details"), level->details);
        if (level->cause) {
            tw_jw_key(w, TW_STR("cause"));
        } else if (level->cause_json.len) {
            tw_jw_key(w, TW_STR("cause"));
            tw_jw_raw(w, level->cause_json);
        }
    }
    while (depth--) tw_jw_end_object(w);
}

tw_str tw_encode_failure(const tw_failure *failure) {
    tw_json_writer w = {0};
    tw__jw_failure(&w, failure);
    return tw_jw_result(&w);
}

bool tw_failure_read(tw_json value, tw_failure_view *out) {
    if (tw_json_kind_of(value) != TW_JSON_OBJECT) return false;
    tw_str none = {"", 0};
    *out = (tw_failure_view){
        .json = value,
        .message = tw_json_get_string(value, TW_STR("message"), none),
        .type = tw_json_get_string(value, TW_STR("type"), none),
        .kind = tw_json_get_string(value, TW_STR("kind"), none),
        .source = tw_json_get_string(value, TW_STR("source"), none),
        .retry_state = tw_json_get_string(value, TW_STR("retry_state"), none),
        .timeout_type = tw_json_get_string(value, TW_STR("timeout_type"), none),
        .details = tw_json_get(value, TW_STR("details")),
        .cause = tw_json_get(value, TW_STR("cause")),
    };
    tw_json_bool(tw_json_get(value, TW_STR("non_retryable")), &out->non_retryable);
    return true;
}

tw_param_status tw_failure_detail(const tw_failure_view *failure, size_t index, tw_json *value) {
    return tw_payloads_json(failure->details, index, value);
}

bool tw_failure_find(const tw_failure_view *failure, tw_str kind, tw_failure_view *out) {
    tw_failure_view level = *failure;
    for (;;) {
        if (tw_str_eq(level.kind, kind)) {
            *out = level;
            return true;
        }
        if (!tw_failure_read(level.cause, &level)) return false;
    }
}

tw_str tw_failure_reason(const tw_failure_view *failure) {
    tw_failure_view application;
    if (tw_failure_find(failure, TW_STR("application"), &application) && application.message.len) {
        return application.message;
    }
    return failure->message;
}

/* =============================================================================================
 * Results and channel items
 * =========================================================================================== */

bool tw_result_parse(tw_str json, tw_result *out) {
    *out = (tw_result){.json = json};
    tw_json root;
    if (!tw_json_parse(json, &root) || tw_json_kind_of(root) != TW_JSON_OBJECT) return false;
    tw_json completed = tw_json_get(root, TW_STR("completed"));
    if (tw_json_kind_of(completed) == TW_JSON_ARRAY) {
        out->outcome = TW_COMPLETED;
        out->payloads = completed;
        out->payload_count = tw_json_count(completed);
        return true;
    }
    if (tw_failure_read(tw_json_get(root, TW_STR("failed")), &out->failure)) {
        out->outcome = TW_FAILED;
        return true;
    }
    if (tw_failure_read(tw_json_get(root, TW_STR("cancelled")), &out->failure)) {
        out->outcome = TW_CANCELLED;
        return true;
    }
    return false;
}

bool tw_result_ok(const tw_result *result) { return result->outcome == TW_COMPLETED; }

tw_param_status tw_result_value(const tw_result *result, tw_json *value) {
    if (result->outcome != TW_COMPLETED) return TW_PARAM_MISSING;
    return tw_payloads_json(result->payloads, 0, value);
}

bool tw_update_parse(tw_str json, tw_update *out) {
    *out = (tw_update){0};
    tw_json root;
    if (!tw_json_parse(json, &root) ||
        !tw_json_string(tw_json_get(root, TW_STR("update_id")), &out->id)) {
        return false;
    }
    out->args = tw_json_get(root, TW_STR("args"));
    out->arg_count = tw_json_count(out->args);
    return true;
}

tw_param_status tw_signal_arg(const tw_signal *signal, size_t index, tw_json *value) {
    return tw_payloads_json(signal->args, index, value);
}

tw_param_status tw_update_arg(const tw_update *update, size_t index, tw_json *value) {
    return tw_payloads_json(update->args, index, value);
}

bool tw_http_response_read(const tw_result *result, tw_http_response *out) {
    tw_json response;
    tw_str body = {"", 0};
    if (tw_result_value(result, &response) != TW_PARAM_OK ||
        !tw_json_i64(tw_json_get(response, TW_STR("status")), &out->status)) {
        return false;
    }
    out->headers = tw_json_get(response, TW_STR("headers"));
    tw_json encoded = tw_json_get(response, TW_STR("body"));
    if (encoded.at && (!tw_json_string(encoded, &body) || !tw_base64_decode(body, &body))) return false;
    out->body = body;
    return true;
}

/* =============================================================================================
 * The workflow's info
 * =========================================================================================== */

bool tw_info_parse(tw_str json, tw_info *info) {
    *info = (tw_info){0};
    if (!tw_json_parse(json, &info->root) || tw_json_kind_of(info->root) != TW_JSON_OBJECT) {
        return false;
    }
    info->params = tw_json_get(info->root, TW_STR("params"));
    info->param_count = tw_json_count(info->params);

    tw_str none = {"", 0};
    tw_json workflow = tw_json_get(info->root, TW_STR("workflow_info"));
    tw_workflow_info *w = &info->workflow;
    w->workflow_type = tw_json_get_string(workflow, TW_STR("workflow_type"), none);
    w->workflow_id = tw_json_get_string(workflow, TW_STR("workflow_id"), none);
    w->run_id = tw_json_get_string(workflow, TW_STR("run_id"), none);
    w->namespace_name = tw_json_get_string(workflow, TW_STR("namespace"), none);
    w->task_queue = tw_json_get_string(workflow, TW_STR("task_queue"), none);
    w->start_time = tw_json_get_string(workflow, TW_STR("start_time"), none);
    tw_json_i64(tw_json_get(workflow, TW_STR("attempt")), &w->attempt);
    tw_json parent = tw_json_get(workflow, TW_STR("parent"));
    w->has_parent = tw_json_kind_of(parent) == TW_JSON_OBJECT;
    w->parent = (tw_execution){
        .namespace_name = tw_json_get_string(parent, TW_STR("namespace"), none),
        .workflow_id = tw_json_get_string(parent, TW_STR("workflow_id"), none),
        .run_id = tw_json_get_string(parent, TW_STR("run_id"), none),
    };
    w->continued_from_run_id = tw_json_get_string(workflow, TW_STR("continued_from_run_id"), none);
    w->memo = tw_json_get(workflow, TW_STR("memo"));
    w->search_attributes = tw_json_get(workflow, TW_STR("search_attributes"));
    return true;
}

bool tw_param_bytes(const tw_info *info, size_t index, tw_str *encoding, tw_str *data) {
    tw_payload payload;
    if (!tw_payload_read(tw_json_at(info->params, index), &payload)) return false;
    *encoding = payload.encoding;
    *data = payload.data;
    return true;
}

tw_param_status tw_param_json(const tw_info *info, size_t index, tw_json *value) {
    return tw_payloads_json(info->params, index, value);
}

tw_param_status tw_memo_json(const tw_info *info, tw_str key, tw_json *value) {
    tw_json payload = tw_json_get(info->workflow.memo, key);
    if (!payload.at) return TW_PARAM_MISSING;
    return tw_payload_json(payload, value);
}

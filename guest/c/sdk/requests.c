/*
 * requests.c - the JSON every workflow call sends (abi-v1-spec.md "Calls"), from the option
 * structs. Pure, so the unit tests check each encoder against guest/fixtures/requests/.
 * Absent fields (NULL strings, zero numbers, `_DEFAULT` enums, empty lists) are left out, so
 * the worker applies its documented defaults.
 */
#include "internal.h"

/* Writes `"key": {name: value, ...}` with string values, when the list is not empty. */
static void tw_jw_opt_string_map(tw_json_writer *w, tw_str key, tw_pairs pairs) {
    if (!pairs.count) return;
    tw_jw_key(w, key);
    tw_jw_begin_object(w);
    for (size_t i = 0; i < pairs.count; i++) {
        tw_jw_key(w, pairs.items[i].key);
        tw_jw_string(w, pairs.items[i].value);
    }
    tw_jw_end_object(w);
}

/* Writes `{name: json value or null, ...}` (search attributes). */
static void tw_jw_json_map(tw_json_writer *w, tw_pairs pairs) {
    tw_jw_begin_object(w);
    for (size_t i = 0; i < pairs.count; i++) {
        tw_jw_key(w, pairs.items[i].key);
        if (pairs.items[i].value.ptr) {
            tw_jw_raw(w, pairs.items[i].value);
        } else {
            tw_jw_null(w);
        }
    }
    tw_jw_end_object(w);
}

/* Writes `{key: json/plain payload or null, ...}` (memo). */
static void tw_jw_payload_map(tw_json_writer *w, tw_pairs pairs) {
    tw_jw_begin_object(w);
    for (size_t i = 0; i < pairs.count; i++) {
        tw_jw_key(w, pairs.items[i].key);
        if (pairs.items[i].value.ptr) {
            tw_jw_payload(w, pairs.items[i].value);
        } else {
            tw_jw_null(w);
        }
    }
    tw_jw_end_object(w);
}

static void tw_jw_opt_json_map(tw_json_writer *w, tw_str key, tw_pairs pairs) {
    if (!pairs.count) return;
    tw_jw_key(w, key);
    tw_jw_json_map(w, pairs);
}

static void tw_jw_opt_payload_map(tw_json_writer *w, tw_str key, tw_pairs pairs) {
    if (!pairs.count) return;
    tw_jw_key(w, key);
    tw_jw_payload_map(w, pairs);
}

/* Writes `"key": "<names[value]>"` for a non-default enum value. */
static void tw_jw_opt_enum(tw_json_writer *w, tw_str key, unsigned value, const char *const *names,
                           unsigned count) {
    if (!value || value >= count) return;
    tw_jw_key(w, key);
    tw_jw_string(w, tw_cstr(names[value]));
}

void tw__jw_opt_retry_policy(tw_json_writer *w, const tw_retry_policy *policy) {
    if (!policy) return;
    tw_jw_key(w, TW_STR("retry_policy"));
    tw_jw_begin_object(w);
    tw__jw_opt_i64(w, TW_STR("initial_interval_ms"), policy->initial_interval_ms);
    if (policy->backoff_coefficient != 0) {
        tw_jw_key(w, TW_STR("backoff_coefficient"));
        tw_jw_f64(w, policy->backoff_coefficient);
    }
    tw__jw_opt_i64(w, TW_STR("maximum_interval_ms"), policy->maximum_interval_ms);
    tw__jw_opt_i64(w, TW_STR("maximum_attempts"), policy->maximum_attempts);
    tw__jw_opt_strs(w, TW_STR("non_retryable_error_types"), policy->non_retryable_error_types);
    tw_jw_end_object(w);
}

tw_str tw_encode_timer(int64_t duration_ms, tw_str summary) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, TW_STR("duration_ms"));
    tw_jw_i64(&w, duration_ms);
    tw__jw_opt_str(&w, TW_STR("summary"), summary);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

tw_str tw_encode_activity_options(const tw_activity_options *o) {
    static const char *const cancellation[] = {"", "try_cancel", "wait_cancellation_completed",
                                               "abandon"};
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, TW_STR("activity_type"));
    tw_jw_string(&w, o->activity_type);
    tw__jw_opt_payloads(&w, TW_STR("args"), o->args);
    tw__jw_opt_str(&w, TW_STR("task_queue"), o->task_queue);
    tw__jw_opt_str(&w, TW_STR("activity_id"), o->activity_id);
    tw__jw_opt_i64(&w, TW_STR("schedule_to_close_timeout_ms"), o->schedule_to_close_timeout_ms);
    tw__jw_opt_i64(&w, TW_STR("schedule_to_start_timeout_ms"), o->schedule_to_start_timeout_ms);
    tw__jw_opt_i64(&w, TW_STR("start_to_close_timeout_ms"), o->start_to_close_timeout_ms);
    tw__jw_opt_i64(&w, TW_STR("heartbeat_timeout_ms"), o->heartbeat_timeout_ms);
    tw__jw_opt_retry_policy(&w, o->retry_policy);
    tw_jw_opt_enum(&w, TW_STR("cancellation_type"), o->cancellation_type, cancellation, 4);
    tw__jw_opt_str(&w, TW_STR("summary"), o->summary);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

tw_str tw_encode_http_request(const tw_http_request *r) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, TW_STR("method"));
    tw_jw_string(&w, r->method);
    tw_jw_key(&w, TW_STR("url"));
    tw_jw_string(&w, r->url);
    tw_jw_opt_string_map(&w, TW_STR("headers"), r->headers);
    if (r->body.ptr) {
        tw_jw_key(&w, TW_STR("body"));
        tw_jw_base64(&w, r->body);
    }
    tw__jw_opt_i64(&w, TW_STR("start_to_close_timeout_ms"), r->start_to_close_timeout_ms);
    tw__jw_opt_i64(&w, TW_STR("schedule_to_close_timeout_ms"), r->schedule_to_close_timeout_ms);
    tw__jw_opt_retry_policy(&w, r->retry_policy);
    tw__jw_opt_i64(&w, TW_STR("max_response_bytes"), r->max_response_bytes);
    tw_jw_key(&w, TW_STR("local"));
    tw_jw_bool(&w, r->local);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

tw_str tw_encode_child_options(const tw_child_options *o) {
    static const char *const reuse[] = {"", "allow_duplicate", "allow_duplicate_failed_only",
                                        "reject_duplicate", "terminate_if_running"};
    static const char *const parent_close[] = {"", "terminate", "abandon", "request_cancel"};
    static const char *const cancellation[] = {"", "wait_cancellation_completed",
                                               "wait_cancellation_requested", "try_cancel",
                                               "abandon"};
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, TW_STR("workflow_type"));
    tw_jw_string(&w, o->workflow_type);
    tw__jw_opt_str(&w, TW_STR("workflow_id"), o->workflow_id);
    tw__jw_opt_payloads(&w, TW_STR("args"), o->args);
    tw__jw_opt_str(&w, TW_STR("task_queue"), o->task_queue);
    tw__jw_opt_str(&w, TW_STR("namespace"), o->namespace_name);
    tw__jw_opt_i64(&w, TW_STR("execution_timeout_ms"), o->execution_timeout_ms);
    tw__jw_opt_i64(&w, TW_STR("run_timeout_ms"), o->run_timeout_ms);
    tw__jw_opt_i64(&w, TW_STR("task_timeout_ms"), o->task_timeout_ms);
    tw_jw_opt_enum(&w, TW_STR("id_reuse_policy"), o->id_reuse_policy, reuse, 5);
    tw_jw_opt_enum(&w, TW_STR("parent_close_policy"), o->parent_close_policy, parent_close, 4);
    tw__jw_opt_retry_policy(&w, o->retry_policy);
    tw__jw_opt_str(&w, TW_STR("cron_schedule"), o->cron_schedule);
    tw_jw_opt_payload_map(&w, TW_STR("memo"), o->memo);
    tw_jw_opt_json_map(&w, TW_STR("search_attributes"), o->search_attributes);
    tw_jw_opt_enum(&w, TW_STR("cancellation_type"), o->cancellation_type, cancellation, 5);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

/* Writes the `workflow_id`, `run_id`?, `namespace`? of another workflow. */
static void tw_jw_external(tw_json_writer *w, const tw_external_workflow *target) {
    tw_jw_key(w, TW_STR("workflow_id"));
    tw_jw_string(w, target->workflow_id);
    tw__jw_opt_str(w, TW_STR("run_id"), target->run_id);
    tw__jw_opt_str(w, TW_STR("namespace"), target->namespace_name);
}

tw_str tw_encode_signal_external(const tw_external_workflow *target, tw_str signal_name,
                                 tw_strs args) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_external(&w, target);
    tw_jw_key(&w, TW_STR("signal_name"));
    tw_jw_string(&w, signal_name);
    tw__jw_opt_payloads(&w, TW_STR("args"), args);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

tw_str tw_encode_cancel_external(const tw_external_workflow *target) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_external(&w, target);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

/* Writes `[payload]` for a present JSON text, `[]` for an absent one. */
static void tw_jw_single_payload(tw_json_writer *w, tw_str json) {
    tw_jw_begin_array(w);
    if (json.ptr) tw_jw_payload(w, json);
    tw_jw_end_array(w);
}

tw_str tw_encode_update_completed(tw_str result_json) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, TW_STR("completed"));
    tw_jw_single_payload(&w, result_json);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

tw_str tw_encode_update_refused(bool rejected, const tw_failure *failure) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, rejected ? TW_STR("rejected") : TW_STR("failed"));
    tw__jw_failure(&w, failure);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

tw_str tw_encode_query_result(tw_str json) {
    if (!json.ptr) return (tw_str){"", 0};
    tw_json_writer w = {0};
    tw_jw_single_payload(&w, json);
    return tw_jw_result(&w);
}

tw_str tw_encode_complete(tw_str json) {
    tw_json_writer w = {0};
    tw_jw_single_payload(&w, json);
    return tw_jw_result(&w);
}

tw_str tw_encode_continue_as_new(const tw_continue_as_new_options *o) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw__jw_opt_payloads(&w, TW_STR("args"), o->args);
    tw__jw_opt_str(&w, TW_STR("workflow_type"), o->workflow_type);
    tw__jw_opt_str(&w, TW_STR("task_queue"), o->task_queue);
    tw__jw_opt_i64(&w, TW_STR("run_timeout_ms"), o->run_timeout_ms);
    tw__jw_opt_i64(&w, TW_STR("task_timeout_ms"), o->task_timeout_ms);
    tw_jw_opt_payload_map(&w, TW_STR("memo"), o->memo);
    tw_jw_opt_json_map(&w, TW_STR("search_attributes"), o->search_attributes);
    tw__jw_opt_retry_policy(&w, o->retry_policy);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

tw_str tw_encode_cancelled(tw_strs details) {
    if (!details.count) return (tw_str){"", 0};
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw__jw_opt_payloads(&w, TW_STR("details"), details);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

tw_str tw_encode_search_attributes(tw_pairs attributes) {
    tw_json_writer w = {0};
    tw_jw_json_map(&w, attributes);
    return tw_jw_result(&w);
}

tw_str tw_encode_memo(tw_pairs memo) {
    tw_json_writer w = {0};
    tw_jw_payload_map(&w, memo);
    return tw_jw_result(&w);
}

tw_str tw_encode_metric(const tw_metric *metric) {
    static const char *const kinds[] = {"", "counter", "gauge", "histogram"};
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, TW_STR("name"));
    tw_jw_string(&w, metric->name);
    tw_jw_opt_enum(&w, TW_STR("kind"), metric->kind, kinds, 4);
    tw_jw_key(&w, TW_STR("value"));
    tw_jw_f64(&w, metric->value);
    tw_jw_opt_string_map(&w, TW_STR("labels"), metric->labels);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

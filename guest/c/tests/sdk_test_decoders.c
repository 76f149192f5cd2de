/*
 * sdk_test_decoders.c - the decoders against guest/fixtures: every result fixture read back
 * (a fixture without a decoder test fails the run), received failures and their chains,
 * payloads, and the info of durable and v0 runs.
 */
#include "sdk_test.h"

/* =============================================================================================
 * Results: every fixture in results/, read through the API
 * =========================================================================================== */

static tw_result result_of(const char *name) {
    char path[256];
    snprintf(path, sizeof path, "results/%s", name);
    tw_result result = {0};
    CHECK(tw_result_parse(fixture_text(path), &result), "%s is not a result", path);
    return result;
}

static void check_json_value(tw_param_status status, tw_json value, const char *expected) {
    char where[512];
    CHECK(status == TW_PARAM_OK, "value status %d", status);
    if (status == TW_PARAM_OK) {
        CHECK(json_same(value, parse(expected), where, sizeof where), "%.*s vs %s at %s",
              TW_PRINT(tw_json_raw(value)), expected, where);
    }
}

static void result_activity_completed(void) {
    tw_result r = result_of("activity_completed.json");
    tw_json value = {NULL};
    CHECK(tw_result_ok(&r) && r.payload_count == 1, "completed with one payload");
    check_json_value(tw_result_value(&r, &value), value, "{\"reserved\":3}");
}

static void result_activity_failed(void) {
    tw_result r = result_of("activity_failed.json");
    CHECK(r.outcome == TW_FAILED, "failed");
    CHECK_STR(r.failure.type, TW_STR("CardDeclined"));
    CHECK_STR(r.failure.kind, TW_STR("activity"));
    CHECK_STR(r.failure.retry_state, TW_STR("non_retryable_failure"));
    CHECK_STR(r.failure.message, TW_STR("Activity task failed"));
    CHECK_STR(tw_failure_reason(&r.failure), TW_STR("card 4242 declined"));
    CHECK_STR(tw_json_get_string(tw_json_get(r.failure.json, TW_STR("activity")), TW_STR("activity_type"), TW_NONE),
              TW_STR("charge"));
    tw_failure_view cause, application;
    CHECK(tw_failure_read(r.failure.cause, &cause) && cause.non_retryable, "the cause");
    CHECK_STR(cause.source, TW_STR("PythonSDK"));
    CHECK(tw_failure_find(&r.failure, TW_STR("application"), &application), "finds the application error");
    tw_json detail = {NULL};
    check_json_value(tw_failure_detail(&application, 0, &detail), detail, "{\"code\":42}");
    CHECK(tw_failure_detail(&application, 1, &detail) == TW_PARAM_MISSING, "one detail");
}

static void result_activity_cancelled(void) {
    tw_result r = result_of("activity_cancelled.json");
    tw_failure_view cancelled;
    CHECK(r.outcome == TW_CANCELLED, "cancelled");
    CHECK_STR(r.failure.retry_state, TW_STR("cancel_requested"));
    CHECK(tw_failure_find(&r.failure, TW_STR("cancelled"), &cancelled), "a cancelled cause");
    CHECK_STR(cancelled.message, TW_STR("cancelled"));
    CHECK_STR(tw_failure_reason(&r.failure), TW_STR("Activity cancelled"));
}

static void result_timer_fired(void) {
    tw_result r = result_of("timer_fired.json");
    tw_json value;
    CHECK(tw_result_ok(&r) && r.payload_count == 0, "completed, no payload");
    CHECK(tw_result_value(&r, &value) == TW_PARAM_MISSING, "no value");
}

static void result_timer_cancelled(void) {
    tw_result r = result_of("timer_cancelled.json");
    CHECK(r.outcome == TW_CANCELLED, "cancelled");
    CHECK_STR(r.failure.kind, TW_STR("cancelled"));
    CHECK_STR(r.failure.source, TW_STR("temporal-wasm-worker"));
    CHECK_STR(r.failure.message, TW_STR("timer cancelled by the workflow"));
}

static void result_child_failed(void) {
    tw_result r = result_of("child_failed.json");
    CHECK(r.outcome == TW_FAILED, "failed");
    CHECK_STR(r.failure.kind, TW_STR("child_workflow"));
    CHECK_STR(tw_json_get_string(tw_json_get(r.failure.json, TW_STR("child_workflow")), TW_STR("run_id"), TW_NONE),
              TW_STR("run-9"));
    tw_failure_view cause;
    CHECK(tw_failure_read(r.failure.cause, &cause), "cause");
    CHECK_STR(cause.type, TW_STR("NoCourier"));
    CHECK_STR(tw_failure_reason(&r.failure), TW_STR("no courier"));
}

static void result_child_already_started(void) {
    tw_result r = result_of("child_already_started.json");
    CHECK(r.outcome == TW_FAILED && r.failure.non_retryable, "failed non-retryably");
    CHECK_STR(r.failure.type, TW_STR("WorkflowAlreadyStarted"));
    CHECK_STR(r.failure.kind, TW_STR("application"));
}

static void result_http_completed(void) {
    tw_result r = result_of("http_completed.json");
    tw_http_response response;
    CHECK(tw_http_response_read(&r, &response), "an http_response");
    CHECK(response.status == 200, "status %lld", (long long)response.status);
    CHECK_STR(tw_json_get_string(response.headers, TW_STR("content-type"), TW_NONE), TW_STR("application/json"));
    CHECK_STR(response.body, TW_STR("{\"charge_id\":\"ch_1\"}"));
    tw_result failed = result_of("activity_failed.json");
    CHECK(!tw_http_response_read(&failed, &response), "a failure is no response");
}

static void result_signal_item(void) {
    tw_result r = result_of("signal_item.json");
    tw_signal signal = {r.payloads, r.payload_count};
    tw_json arg = {NULL};
    CHECK(signal.arg_count == 1, "one argument");
    check_json_value(tw_signal_arg(&signal, 0, &arg), arg, "{\"approved_by\":\"ops\"}");
}

static void result_cancellation_item(void) {
    tw_result r = result_of("cancellation_item.json");
    CHECK(tw_result_ok(&r) && r.payload_count == 0, "completed, nothing else");
}

static void result_update_item(void) {
    tw_update update;
    CHECK(tw_update_parse(fixture_text("results/update_item.json"), &update), "an update");
    CHECK_STR(update.id, TW_STR("upd-1"));
    tw_json arg = {NULL};
    CHECK(update.arg_count == 1, "one argument");
    check_json_value(tw_update_arg(&update, 0, &arg), arg, "{\"quantity\":4}");
    CHECK(!tw_update_parse(TW_STR("{\"args\":[]}"), &update), "an item without an id");
}

static const struct {
    const char *fixture;
    void (*check)(void);
} results[] = {
    {"activity_cancelled.json", result_activity_cancelled},
    {"activity_completed.json", result_activity_completed},
    {"activity_failed.json", result_activity_failed},
    {"cancellation_item.json", result_cancellation_item},
    {"child_already_started.json", result_child_already_started},
    {"child_failed.json", result_child_failed},
    {"http_completed.json", result_http_completed},
    {"signal_item.json", result_signal_item},
    {"timer_cancelled.json", result_timer_cancelled},
    {"timer_fired.json", result_timer_fired},
    {"update_item.json", result_update_item},
};

static void every_result_fixture_reads_back(void) {
    char **names = fixture_names("results");
    for (char **name = names; *name; name++) {
        size_t i = 0;
        while (i < sizeof results / sizeof *results && strcmp(results[i].fixture, *name) != 0) i++;
        if (i == sizeof results / sizeof *results) {
            CHECK(0, "results/%s has no decoder test", *name);
            continue;
        }
        const char *outer = check_current;
        char label[256];
        snprintf(label, sizeof label, "%s: results/%s", outer, *name);
        check_current = label;
        results[i].check();
        check_current = outer;
    }
    size_t count = 0;
    while (names[count]) count++;
    CHECK(count == sizeof results / sizeof *results, "%zu result fixtures, %zu tests", count,
          sizeof results / sizeof *results);
}

static void malformed_results_are_refused(void) {
    static const char *const bad[] = {"[]", "{}", "{\"completed\": {}}", "{\"failed\": \"x\"}", "nope"};
    tw_result r;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(!tw_result_parse(tw_cstr(bad[i]), &r), "accepted %s", bad[i]);
    }
}

/* =============================================================================================
 * Failures, payloads and info
 * =========================================================================================== */

static void a_received_activity_failure_reads_with_its_type_and_chain(void) {
    tw_failure_view failure, application;
    CHECK(tw_failure_read(fixture_json("failure-activity.json"), &failure), "a failure");
    CHECK_STR(failure.type, TW_STR("CardDeclined"));
    CHECK(tw_failure_find(&failure, TW_STR("application"), &application), "the application error");
    CHECK_STR(application.message, TW_STR("card 4242 declined"));
}

static void a_received_timeout_reads_with_its_timeout_type(void) {
    tw_failure_view failure, timeout;
    CHECK(tw_failure_read(fixture_json("failure-timeout.json"), &failure), "a failure");
    CHECK_STR(failure.retry_state, TW_STR("timeout"));
    CHECK(tw_failure_find(&failure, TW_STR("timeout"), &timeout), "the timeout");
    CHECK_STR(timeout.timeout_type, TW_STR("start_to_close"));
    CHECK_STR(tw_failure_reason(&failure), TW_STR("Activity task timed out"));
    CHECK(!tw_failure_find(&failure, TW_STR("application"), &timeout), "no application error");
}

static void a_raised_failure_reads_back(void) {
    tw_failure_view failure, cause;
    CHECK(tw_failure_read(fixture_json("failure-application.json"), &failure), "a failure");
    CHECK(failure.non_retryable && tw_str_eq(failure.kind, TW_STR("")), "non-retryable, no kind");
    CHECK(tw_failure_read(failure.cause, &cause), "the cause");
    CHECK_STR(cause.message, TW_STR("issuer said no"));
}

static void payloads_read_as_json_binary_and_empty(void) {
    tw_json payloads = fixture_json("payloads.json");
    tw_json value = {NULL};
    check_json_value(tw_payloads_json(payloads, 0, &value), value, "\"Alice\"");
    tw_payload binary, empty;
    CHECK(tw_payload_read(tw_json_at(payloads, 1), &binary), "binary");
    CHECK_STR(binary.encoding, TW_STR("binary/plain"));
    CHECK_STR(binary.data, ((tw_str){"\x00\x01\xfe\xff", 4}));
    CHECK(tw_payloads_json(payloads, 1, &value) == TW_PARAM_INVALID, "binary is not JSON");
    CHECK(tw_payload_read(tw_json_at(payloads, 2), &empty) && empty.encoding.len == 0 && empty.data.len == 0,
          "empty");
    CHECK(tw_payloads_json(payloads, 3, &value) == TW_PARAM_MISSING, "past the end");
    /* And the SDK writes the binary one back identically. */
    tw_json_writer w = {0};
    tw_jw_payload_bytes(&w, TW_STR("binary/plain"), binary.data);
    char where[512];
    tw_json back;
    CHECK(tw_json_parse(tw_jw_result(&w), &back) && json_same(back, tw_json_at(payloads, 1), where, sizeof where),
          "binary payload written back differs at %s", where);
}

static void info_of_a_durable_run_reads_every_field(void) {
    tw_info info;
    CHECK(tw_info_parse(fixture_text("info.json"), &info), "an info");
    const tw_workflow_info *w = &info.workflow;
    CHECK(info.param_count == 2, "two params");
    tw_json value = {NULL};
    check_json_value(tw_param_json(&info, 0, &value), value, "{\"order_id\":\"A-17\"}");
    check_json_value(tw_param_json(&info, 1, &value), value, "2");
    CHECK(tw_param_json(&info, 2, &value) == TW_PARAM_MISSING, "no third");
    CHECK_STR(w->workflow_type, TW_STR("OrderFulfilment"));
    CHECK_STR(w->workflow_id, TW_STR("order-17"));
    CHECK_STR(w->run_id, TW_STR("run-1"));
    CHECK_STR(w->namespace_name, TW_STR("default"));
    CHECK_STR(w->task_queue, TW_STR("wasm-workflows"));
    CHECK_STR(w->start_time, TW_STR("2026-01-01T00:00:00Z"));
    CHECK(w->attempt == 1, "attempt");
    CHECK(w->has_parent, "a parent");
    CHECK_STR(w->parent.workflow_id, TW_STR("batch-3"));
    CHECK_STR(w->parent.run_id, TW_STR("run-0"));
    CHECK_STR(w->parent.namespace_name, TW_STR("default"));
    CHECK_STR(w->continued_from_run_id, TW_STR("run-0"));
    check_json_value(tw_memo_json(&info, TW_STR("owner"), &value), value, "\"ops\"");
    CHECK(tw_memo_json(&info, TW_STR("nobody"), &value) == TW_PARAM_MISSING, "no such memo");
    CHECK_STR(tw_json_get_string(w->search_attributes, TW_STR("CustomKeywordField"), TW_NONE), TW_STR("gold"));
}

static void info_of_a_v0_run_has_no_v1_fields(void) {
    tw_info info;
    CHECK(tw_info_parse(fixture_text("info-v0.json"), &info), "an info");
    CHECK(info.param_count == 0, "no params");
    CHECK(!info.workflow.has_parent && info.workflow.continued_from_run_id.len == 0, "no parent, no predecessor");
    CHECK(tw_json_kind_of(info.workflow.memo) == TW_JSON_MISSING, "no memo");
    CHECK_STR(info.workflow.workflow_type, TW_STR("Greet"));
    CHECK(!tw_info_parse(TW_STR("[]"), &info), "an array is no info");
}

/** Every result, failure, payload and info fixture, read through the API. */
void decoder_tests(void) {
    RUN(every_result_fixture_reads_back);
    RUN(malformed_results_are_refused);
    RUN(a_received_activity_failure_reads_with_its_type_and_chain);
    RUN(a_received_timeout_reads_with_its_timeout_type);
    RUN(a_raised_failure_reads_back);
    RUN(payloads_read_as_json_binary_and_empty);
    RUN(info_of_a_durable_run_reads_every_field);
    RUN(info_of_a_v0_run_has_no_v1_fields);
}

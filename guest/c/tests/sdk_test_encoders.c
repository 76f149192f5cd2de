/*
 * sdk_test_encoders.c - the request encoders against guest/fixtures/requests: every fixture
 * written through the API (a fixture without an encoder test fails the run), the exact bytes
 * of payload data, optional fields left out, and a raised failure's cause chain.
 */
#include "sdk_test.h"

/* =============================================================================================
 * Requests: every fixture in requests/, written through the API
 * =========================================================================================== */

static tw_str request_start_timer(void) { return tw_encode_timer(5000, TW_STR("wait for the warehouse")); }

static tw_str request_start_activity(void) {
    return tw_encode_activity_options(&(tw_activity_options){
        .activity_type = TW_STR("reserve_stock"),
        .args = TW_ARGS(TW_STR("{\"sku\":\"apple\",\"quantity\":3}")),
        .task_queue = TW_STR("inventory"),
        .activity_id = TW_STR("reserve-1"),
        .schedule_to_close_timeout_ms = 60000,
        .schedule_to_start_timeout_ms = 10000,
        .start_to_close_timeout_ms = 5000,
        .heartbeat_timeout_ms = 2000,
        .retry_policy = &(tw_retry_policy){
            .initial_interval_ms = 100,
            .backoff_coefficient = 2.0,
            .maximum_interval_ms = 10000,
            .maximum_attempts = 5,
            .non_retryable_error_types = TW_STRS(TW_STR("OutOfStock")),
        },
        .cancellation_type = TW_ACTIVITY_WAIT_CANCELLATION_COMPLETED,
        .summary = TW_STR("reserve 3 apples"),
    });
}

static tw_str request_start_http_activity(void) {
    return tw_encode_http_request(&(tw_http_request){
        .method = TW_STR("POST"),
        .url = TW_STR("http://127.0.0.1:8080/charges"),
        .headers = TW_PAIRS({TW_STR("content-type"), TW_STR("application/json")},
                            {TW_STR("authorization"), TW_STR("Bearer {{secret PAYMENTS_TOKEN}}")}),
        .body = TW_STR("{\"order_id\":\"A-17\",\"amount_cents\":375}"),
        .start_to_close_timeout_ms = 10000,
        .retry_policy = &(tw_retry_policy){.maximum_attempts = 3},
        .max_response_bytes = 65536,
        .local = false,
    });
}

static tw_str request_start_child_workflow(void) {
    return tw_encode_child_options(&(tw_child_options){
        .workflow_type = TW_STR("Ship"),
        .workflow_id = TW_STR("ship-A-17"),
        .args = TW_ARGS(TW_STR("{\"order_id\":\"A-17\"}")),
        .task_queue = TW_STR("wasm-workflows"),
        .namespace_name = TW_STR("default"),
        .execution_timeout_ms = 3600000,
        .run_timeout_ms = 600000,
        .task_timeout_ms = 10000,
        .id_reuse_policy = TW_ID_REUSE_REJECT_DUPLICATE,
        .parent_close_policy = TW_PARENT_CLOSE_REQUEST_CANCEL,
        .retry_policy = &(tw_retry_policy){.maximum_attempts = 2},
        .cron_schedule = TW_STR(""),
        .memo = TW_PAIRS({TW_STR("owner"), TW_STR("\"ops\"")}),
        .search_attributes = TW_PAIRS({TW_STR("CustomKeywordField"), TW_STR("\"ship\"")}),
        .cancellation_type = TW_CHILD_WAIT_CANCELLATION_COMPLETED,
    });
}

static tw_str request_signal_external_workflow(void) {
    return tw_encode_signal_external(
        &(tw_external_workflow){TW_STR("batch-3"), TW_STR("run-0"), TW_STR("default")},
        TW_STR("order_done"), TW_ARGS(TW_STR("{\"order_id\":\"A-17\"}")));
}

static tw_str request_cancel_external_workflow(void) {
    return tw_encode_cancel_external(&(tw_external_workflow){.workflow_id = TW_STR("reminder-A-17")});
}

static tw_str request_respond_update_completed(void) {
    return tw_encode_update_completed(TW_STR("{\"approved\":true}"));
}

static tw_str request_respond_update_failed(void) {
    return tw_encode_update_refused(false, &(tw_failure){.message = TW_STR("cannot change a shipped order"),
                                                         .type = TW_STR("OrderShipped")});
}

static tw_str request_respond_update_rejected(void) {
    return tw_encode_update_refused(true, &(tw_failure){.message = TW_STR("quantity must be positive"),
                                                        .type = TW_STR("InvalidQuantity")});
}

static tw_str request_set_query_result(void) {
    return tw_encode_query_result(TW_STR("{\"state\":\"awaiting_approval\"}"));
}

static tw_str request_complete(void) { return tw_encode_complete(TW_STR("{\"receipt\":\"R-17\"}")); }

static tw_str request_complete_with_failure(void) {
    return tw_encode_failure(&(tw_failure){
        .message = TW_STR("order 17 is invalid"),
        .type = TW_STR("InvalidOrder"),
        .non_retryable = true,
        .details = TW_ARGS(TW_STR("{\"order_id\":17}")),
    });
}

static tw_str request_complete_as_cancelled(void) {
    return tw_encode_cancelled(TW_ARGS(tw_json_quote(TW_STR("cancelled by the customer"))));
}

static tw_str request_continue_as_new(void) {
    return tw_encode_continue_as_new(&(tw_continue_as_new_options){
        .args = TW_ARGS(TW_STR("{\"page\":2}")),
        .workflow_type = TW_STR("OrderFulfilment"),
        .task_queue = TW_STR("wasm-workflows"),
        .run_timeout_ms = 600000,
        .task_timeout_ms = 10000,
        .memo = TW_PAIRS({TW_STR("owner"), TW_STR("\"ops\"")}),
        .search_attributes = TW_PAIRS({TW_STR("CustomKeywordField"), TW_STR("\"gold\"")}),
        .retry_policy = &(tw_retry_policy){.maximum_attempts = 1},
    });
}

static tw_str request_emit_metric(void) {
    return tw_encode_metric(&(tw_metric){
        .name = TW_STR("orders_shipped"),
        .kind = TW_METRIC_COUNTER,
        .value = 1,
        .labels = TW_PAIRS({TW_STR("region"), TW_STR("eu")}),
    });
}

static tw_str request_upsert_memo(void) {
    return tw_encode_memo(TW_PAIRS({TW_STR("note"), TW_STR("\"gift wrap\"")}, {TW_STR("old_note"), TW_NONE}));
}

static tw_str request_upsert_search_attributes(void) {
    return tw_encode_search_attributes(TW_PAIRS({TW_STR("CustomKeywordField"), TW_STR("\"shipped\"")},
                                                {TW_STR("CustomIntField"), TW_STR("3")},
                                                {TW_STR("Obsolete"), TW_NONE}));
}

static const struct {
    const char *fixture;
    tw_str (*encode)(void);
} requests[] = {
    {"cancel_external_workflow.json", request_cancel_external_workflow},
    {"complete.json", request_complete},
    {"complete_as_cancelled.json", request_complete_as_cancelled},
    {"complete_with_failure.json", request_complete_with_failure},
    {"continue_as_new.json", request_continue_as_new},
    {"emit_metric.json", request_emit_metric},
    {"respond_update-completed.json", request_respond_update_completed},
    {"respond_update-failed.json", request_respond_update_failed},
    {"respond_update-rejected.json", request_respond_update_rejected},
    {"set_query_result.json", request_set_query_result},
    {"signal_external_workflow.json", request_signal_external_workflow},
    {"start_activity.json", request_start_activity},
    {"start_child_workflow.json", request_start_child_workflow},
    {"start_http_activity.json", request_start_http_activity},
    {"start_timer.json", request_start_timer},
    {"upsert_memo.json", request_upsert_memo},
    {"upsert_search_attributes.json", request_upsert_search_attributes},
};

static void every_request_fixture_is_what_the_sdk_writes(void) {
    char path[256];
    char **names = fixture_names("requests");
    for (char **name = names; *name; name++) {
        size_t i = 0;
        while (i < sizeof requests / sizeof *requests && strcmp(requests[i].fixture, *name) != 0) i++;
        if (i == sizeof requests / sizeof *requests) {
            CHECK(0, "requests/%s has no encoder test", *name);
            continue;
        }
        snprintf(path, sizeof path, "requests/%s", *name);
        check_matches_fixture(requests[i].encode(), path);
    }
    size_t count = 0;
    while (names[count]) count++;
    CHECK(count == sizeof requests / sizeof *requests, "%zu request fixtures, %zu tests", count,
          sizeof requests / sizeof *requests);
}

static void payload_data_is_the_exact_base64_of_compact_json(void) {
    /* Beyond meaning: the bytes of a payload the SDK writes are those the fixtures hold. */
    tw_json written_json, fixture = fixture_json("requests/start_activity.json");
    CHECK(tw_json_parse(request_start_activity(), &written_json), "parses");
    CHECK_STR(tw_json_raw(tw_json_get(tw_json_at(tw_json_get(written_json, TW_STR("args")), 0), TW_STR("data"))),
              TW_STR("\"eyJza3UiOiJhcHBsZSIsInF1YW50aXR5IjozfQ==\""));
    CHECK_STR(tw_json_get_string(tw_json_at(tw_json_get(fixture, TW_STR("args")), 0), TW_STR("data"), TW_NONE),
              TW_STR("eyJza3UiOiJhcHBsZSIsInF1YW50aXR5IjozfQ=="));
    CHECK_STR(tw_json_payload(TW_STR("\"Alice\"")),
              TW_STR("{\"metadata\":{\"encoding\":\"anNvbi9wbGFpbg==\"},\"data\":\"IkFsaWNlIg==\"}"));
}

static void optional_fields_are_left_out_when_absent(void) {
    CHECK_STR(tw_encode_timer(1000, TW_NONE), TW_STR("{\"duration_ms\":1000}"));
    CHECK_STR(tw_encode_activity_options(&(tw_activity_options){.activity_type = TW_STR("a"),
                                                                .start_to_close_timeout_ms = 5}),
              TW_STR("{\"activity_type\":\"a\",\"start_to_close_timeout_ms\":5}"));
    CHECK_STR(tw_encode_child_options(&(tw_child_options){.workflow_type = TW_STR("Ship")}),
              TW_STR("{\"workflow_type\":\"Ship\"}"));
    CHECK_STR(tw_encode_query_result(TW_NONE), TW_STR(""));
    CHECK_STR(tw_encode_cancelled((tw_strs){0}), TW_STR(""));
    CHECK_STR(tw_encode_update_completed(TW_NONE), TW_STR("{\"completed\":[]}"));
    CHECK_STR(tw_encode_continue_as_new(&(tw_continue_as_new_options){0}), TW_STR("{}"));
    CHECK_STR(tw_encode_failure(&(tw_failure){.message = TW_STR("m")}), TW_STR("{\"message\":\"m\"}"));
}

static void an_application_failure_is_written_with_its_cause_chain(void) {
    check_matches_fixture(tw_encode_failure(&(tw_failure){
                              .message = TW_STR("card 4242 declined"),
                              .type = TW_STR("CardDeclined"),
                              .non_retryable = true,
                              .details = TW_ARGS(TW_STR("{\"code\":42}")),
                              .cause = &(tw_failure){.message = TW_STR("issuer said no")},
                          }),
                          "failure-application.json");
    /* A received failure passed on as the cause, verbatim. */
    tw_str raw = tw_json_raw(fixture_json("failure-timeout.json"));
    tw_json written_json;
    CHECK(tw_json_parse(tw_encode_failure(&(tw_failure){.message = TW_STR("gave up"), .cause_json = raw}),
                        &written_json),
          "parses");
    char where[512];
    CHECK(json_same(tw_json_get(written_json, TW_STR("cause")), fixture_json("failure-timeout.json"), where,
                    sizeof where),
          "cause differs at %s", where);
}

/** Every request fixture, written through the API. */
void encoder_tests(void) {
    RUN(every_request_fixture_is_what_the_sdk_writes);
    RUN(payload_data_is_the_exact_base64_of_compact_json);
    RUN(optional_fields_are_left_out_when_absent);
    RUN(an_application_failure_is_written_with_its_cause_chain);
}

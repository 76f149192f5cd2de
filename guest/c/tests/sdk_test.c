/*
 * sdk_test.c - unit tests of the SDK's pure parts, compiled natively (see ../test.sh):
 * base64, JSON reading and writing, the allocator and its scopes, and - against the golden
 * fixtures in guest/fixtures - the encoding of every request shape and the decoding of every
 * result, failure, payload and info shape. A fixture without a test here fails the run, so a
 * shape added to the ABI cannot go unnoticed.
 *
 * Usage: sdk_test <fixtures dir>
 */
#include "check.h"

/* ---- helpers ---- */

static tw_json parse(const char *text) {
    tw_json root = {NULL};
    CHECK(tw_json_parse(tw_cstr(text), &root), "does not parse: %s", text);
    return root;
}

static tw_str written(void (*write)(tw_json_writer *)) {
    tw_json_writer w = {0};
    write(&w);
    return tw_jw_result(&w);
}

/* =============================================================================================
 * base64
 * =========================================================================================== */

static void base64_encodes_the_rfc_4648_vectors(void) {
    static const char *const vectors[][2] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                             {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                             {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
        CHECK_STR(tw_base64_encode(tw_cstr(vectors[i][0])), tw_cstr(vectors[i][1]));
        tw_str decoded;
        CHECK(tw_base64_decode(tw_cstr(vectors[i][1]), &decoded), "decodes %s", vectors[i][1]);
        CHECK_STR(decoded, tw_cstr(vectors[i][0]));
    }
}

static void base64_round_trips_every_byte_and_length(void) {
    unsigned char bytes[300];
    for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = (unsigned char)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof bytes; len++) {
        tw_str original = {(const char *)bytes, len}, decoded;
        tw_buf appended = {0};
        tw_buf_str(&appended, TW_STR("x"));
        tw_buf_base64(&appended, original);
        tw_str encoded = tw_base64_encode(original);
        CHECK(tw_str_eq((tw_str){appended.ptr + 1, appended.len - 1}, encoded), "tw_buf_base64 at %zu", len);
        CHECK(tw_base64_decode(encoded, &decoded) && tw_str_eq(decoded, original), "round trip of %zu", len);
    }
}

static void base64_refuses_anything_but_canonical_padded_base64(void) {
    static const char *const bad[] = {"Zg", "Zg=", "Zh==", "Zm9=", "Z===", "====", "Zg==Zg==", "Zm9v!A==",
                                      "Zm 9v", "Zm9v\n", "-_8="};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tw_str out;
        CHECK(!tw_base64_decode(tw_cstr(bad[i]), &out), "accepted %s", bad[i]);
    }
}

/* =============================================================================================
 * JSON reading
 * =========================================================================================== */

static void json_parse_accepts_exactly_rfc_8259(void) {
    static const char *const good[] = {"0", "-0", "1.5e-3", "-12E+2", "true", "null", "\"\"", " [ ] ",
                                       "{}", "{\"a\":[1,{\"b\":null}]}", "\"\\u00e9\\ud83d\\ude00\"",
                                       "\"caf\xc3\xa9 \xf0\x9f\xa6\x80\""};
    static const char *const bad[] = {"", " ", "01", "1.", ".5", "+1", "1e", "tru", "nul", "[1,]", "{\"a\"}",
                                      "{\"a\":1,}", "[1] 2", "\"\\x\"", "\"a\nb\"", "\"\\ud800\"",
                                      "\"\\udc00\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
                                      "{1:2}", "[", "]", "\"abc"};
    tw_json root;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        CHECK(tw_json_parse(tw_cstr(good[i]), &root), "refused %s", good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(!tw_json_parse(tw_cstr(bad[i]), &root), "accepted %s", bad[i]);
    }
}

static void json_validation_does_not_recurse_on_deep_nesting(void) {
    size_t depth = 200000;
    char *text = malloc(depth * 2 + 1);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[depth * 2] = '\0';
    tw_json root;
    CHECK(tw_json_parse((tw_str){text, depth * 2}, &root), "200000 levels of nesting");
    CHECK(!tw_json_parse((tw_str){text, depth * 2 - 1}, &root), "one bracket short");
    free(text);
}

static void json_strings_are_unescaped_into_utf8(void) {
    tw_str out;
    CHECK(tw_json_string(parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83e\\udd80\\u0000\""), &out), "string");
    CHECK_STR(out, ((tw_str){"a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\xa6\x80\0", 16}));
    CHECK(tw_json_string(parse("\"plain\""), &out), "plain");
    CHECK_STR(out, TW_STR("plain"));
    CHECK(!tw_json_string(parse("3"), &out), "a number is not a string");
}

static void json_i64_reads_whole_numbers_only(void) {
    int64_t value;
    CHECK(tw_json_i64(parse("9223372036854775807"), &value) && value == INT64_MAX, "max");
    CHECK(tw_json_i64(parse("-9223372036854775808"), &value) && value == INT64_MIN, "min");
    CHECK(!tw_json_i64(parse("9223372036854775808"), &value), "max + 1");
    CHECK(!tw_json_i64(parse("3.0"), &value), "3.0");
    CHECK(!tw_json_i64(parse("1e2"), &value), "1e2");
    CHECK(!tw_json_i64(parse("\"3\""), &value), "a string");
    CHECK(tw_json_i64(parse("[7]"), &value) == false, "an array");
    CHECK(tw_json_i64(tw_json_at(parse("[7, 8]"), 1), &value) && value == 8, "an element");
}

static void json_cursors_walk_objects_and_arrays(void) {
    tw_json root = parse(" { \"a\" : 1 , \"b\" : [ true , { \"c\" : \"d\" } ] , \"a\" : 2 } ");
    int64_t a;
    CHECK(tw_json_i64(tw_json_get(root, TW_STR("a")), &a) && a == 2, "the last duplicate wins");
    tw_json b = tw_json_get(root, TW_STR("b"));
    CHECK(tw_json_count(b) == 2 && tw_json_count(root) == 3, "counts");
    CHECK_STR(tw_json_raw(b), TW_STR("[ true , { \"c\" : \"d\" } ]"));
    CHECK_STR(tw_json_get_string(tw_json_at(b, 1), TW_STR("c"), TW_NONE), TW_STR("d"));
    CHECK(tw_json_kind_of(tw_json_at(b, 2)) == TW_JSON_MISSING, "past the end");
    CHECK(tw_json_kind_of(tw_json_get(b, TW_STR("c"))) == TW_JSON_MISSING, "get on an array");
    CHECK_STR(tw_json_raw(parse("42")), TW_STR("42"));
    tw_json_iter iter = tw_json_iterate(root);
    tw_str key;
    tw_json value;
    size_t members = 0;
    while (tw_json_next(&iter, &key, &value)) members++;
    CHECK(members == 3, "iterates every member");
}

/* =============================================================================================
 * JSON writing
 * =========================================================================================== */

static void write_escapes(tw_json_writer *w) {
    tw_jw_begin_object(w);
    tw_jw_key(w, TW_STR("k\"ey"));
    tw_jw_string(w, ((tw_str){"q\"b\\n\n\x01\x1f \xf0\x9f\xa6\x80", 13}));
    tw_jw_key(w, TW_STR("list"));
    tw_jw_begin_array(w);
    tw_jw_i64(w, INT64_MIN);
    tw_jw_bool(w, false);
    tw_jw_null(w);
    tw_jw_begin_object(w);
    tw_jw_end_object(w);
    tw_jw_raw(w, TW_STR("[1]"));
    tw_jw_end_array(w);
    tw_jw_end_object(w);
}

static void json_writer_escapes_and_separates(void) {
    CHECK_STR(written(write_escapes),
              TW_STR("{\"k\\\"ey\":\"q\\\"b\\\\n\\n\\u0001\\u001f \xf0\x9f\xa6\x80\",\"list\":"
                     "[-9223372036854775808,false,null,{},[1]]}"));
    CHECK_STR(tw_json_quote(TW_STR("order \"7\"")), TW_STR("\"order \\\"7\\\"\""));
}

static void json_writer_formats_numbers(void) {
    static const struct {
        double value;
        const char *text;
    } cases[] = {{0, "0"},       {2, "2"},          {2.5, "2.5"},        {0.1, "0.1"},
                 {-3, "-3"},     {1.25e-3, "0.00125"}, {123456.789, "123456.789"},
                 {1e20, "1e20"}, {1.5e-7, "1.5e-7"}, {1e15, "1e15"}, {999999999999999, "999999999999999"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tw_json_writer w = {0};
        tw_jw_f64(&w, cases[i].value);
        CHECK_STR(tw_jw_result(&w), tw_cstr(cases[i].text));
    }
    tw_json_writer w = {0};
    tw_jw_f64(&w, 0.0 / 0.0);
    tw_jw_f64(&w, 1.0 / 0.0);
    CHECK_STR(tw_jw_result(&w), TW_STR("null,null"));
}

/* =============================================================================================
 * Memory
 * =========================================================================================== */

static void a_freed_block_is_reused_by_the_next_allocation_of_its_class(void) {
    void *first = tw_alloc(100);
    tw_free(first);
    void *second = tw_alloc(99);
    CHECK(first == second, "the block of the same class is reused");
    tw_free(second);
    tw_free(NULL);
}

static void ending_a_scope_frees_everything_allocated_in_it(void) {
    tw_heap_stats before = tw_heap_stats_now();
    tw_scope scope;
    tw_scope_begin(&scope);
    for (int i = 0; i < 100; i++) tw_alloc((size_t)i * 37);
    tw_str s = tw_concat((tw_str[]){TW_STR("a"), TW_STR("b")}, 2);
    tw_free((void *)s.ptr); /* freeing one block early is fine */
    tw_scope inner;
    tw_scope_begin(&inner);
    tw_alloc(5000);
    tw_scope_end(&inner);
    tw_scope_end(&scope);
    tw_heap_stats after = tw_heap_stats_now();
    CHECK(after.blocks_in_use == before.blocks_in_use && after.bytes_in_use == before.bytes_in_use,
          "%zu blocks in use before, %zu after", before.blocks_in_use, after.blocks_in_use);
}

static void a_buffer_keeps_the_scope_it_was_started_in(void) {
    tw_buf outer = {0};
    tw_buf_str(&outer, TW_STR("start"));
    tw_scope scope;
    tw_scope_begin(&scope);
    for (int i = 0; i < 1000; i++) tw_buf_str(&outer, TW_STR("0123456789")); /* grows, moves */
    tw_str kept = tw_str_keep(TW_STR("kept"));
    tw_scope_end(&scope);
    /* Reuse freed memory so that a dangling buffer would be overwritten. */
    tw_scope again;
    tw_scope_begin(&again);
    for (int i = 0; i < 100; i++) memset(tw_alloc(16384), 'x', 16384);
    tw_scope_end(&again);
    CHECK(outer.len == 10005 && memcmp(outer.ptr, "start0123", 9) == 0 &&
              memcmp(outer.ptr + outer.len - 10, "0123456789", 10) == 0,
          "the buffer survived the inner scope");
    CHECK_STR(kept, TW_STR("kept"));
    tw_buf_free(&outer);
    tw_free((void *)kept.ptr);
}

static void realloc_grows_in_place_within_a_class_and_keeps_contents(void) {
    char *block = tw_alloc(10);
    memcpy(block, "0123456789", 10);
    CHECK(tw_realloc(block, 16) == block, "room in its class");
    char *grown = tw_realloc(block, 1000);
    CHECK(memcmp(grown, "0123456789", 10) == 0, "contents kept");
    tw_free(grown);
}

/* A result as the worker hands one over, with a ~1 KiB payload. */
static tw_str kilobyte_result(int64_t i) {
    tw_json_writer value = {0};
    tw_jw_begin_object(&value);
    tw_jw_key(&value, TW_STR("iteration"));
    tw_jw_i64(&value, i);
    tw_jw_key(&value, TW_STR("padding"));
    char padding[1000];
    memset(padding, 'p', sizeof padding);
    tw_jw_string(&value, (tw_str){padding, sizeof padding});
    tw_jw_end_object(&value);
    tw_json_writer result = {0};
    tw_jw_begin_object(&result);
    tw_jw_key(&result, TW_STR("completed"));
    tw_jw_payloads(&result, TW_ARGS(tw_jw_result(&value)));
    tw_jw_end_object(&result);
    tw_jw_free(&value);
    return tw_jw_result(&result);
}

static void a_loop_of_scoped_steps_runs_in_constant_memory(void) {
    size_t heap_after_first = 0;
    for (int64_t i = 0; i < 10000; i++) {
        tw_scope step;
        tw_scope_begin(&step);
        tw_str request = tw_encode_activity_options(&(tw_activity_options){
            .activity_type = TW_STR("echo"),
            .args = TW_ARGS(tw_i64_to_str(i)),
            .start_to_close_timeout_ms = 10000,
        });
        (void)request;
        tw_result result;
        tw_json value;
        int64_t iteration = -1;
        CHECK(tw_result_parse(kilobyte_result(i), &result) && tw_result_value(&result, &value) == TW_PARAM_OK &&
                  tw_json_i64(tw_json_get(value, TW_STR("iteration")), &iteration) && iteration == i,
              "result %lld", (long long)i);
        tw_scope_end(&step);
        if (i == 0) heap_after_first = tw_heap_stats_now().heap_bytes;
    }
    size_t heap = tw_heap_stats_now().heap_bytes;
    CHECK(heap == heap_after_first, "the heap grew from %zu to %zu bytes", heap_after_first, heap);
}

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

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <guest/fixtures dir>\n", argv[0]);
        return 2;
    }
    fixtures_at(argv[1]);

    RUN(base64_encodes_the_rfc_4648_vectors);
    RUN(base64_round_trips_every_byte_and_length);
    RUN(base64_refuses_anything_but_canonical_padded_base64);
    RUN(json_parse_accepts_exactly_rfc_8259);
    RUN(json_validation_does_not_recurse_on_deep_nesting);
    RUN(json_strings_are_unescaped_into_utf8);
    RUN(json_i64_reads_whole_numbers_only);
    RUN(json_cursors_walk_objects_and_arrays);
    RUN(json_writer_escapes_and_separates);
    RUN(json_writer_formats_numbers);
    RUN(a_freed_block_is_reused_by_the_next_allocation_of_its_class);
    RUN(ending_a_scope_frees_everything_allocated_in_it);
    RUN(a_buffer_keeps_the_scope_it_was_started_in);
    RUN(realloc_grows_in_place_within_a_class_and_keeps_contents);
    RUN(a_loop_of_scoped_steps_runs_in_constant_memory);
    RUN(every_request_fixture_is_what_the_sdk_writes);
    RUN(payload_data_is_the_exact_base64_of_compact_json);
    RUN(optional_fields_are_left_out_when_absent);
    RUN(an_application_failure_is_written_with_its_cause_chain);
    RUN(every_result_fixture_reads_back);
    RUN(malformed_results_are_refused);
    RUN(a_received_activity_failure_reads_with_its_type_and_chain);
    RUN(a_received_timeout_reads_with_its_timeout_type);
    RUN(a_raised_failure_reads_back);
    RUN(payloads_read_as_json_binary_and_empty);
    RUN(info_of_a_durable_run_reads_every_field);
    RUN(info_of_a_v0_run_has_no_v1_fields);

    if (check_failures) {
        printf("%d check(s) failed\n", check_failures);
        return 1;
    }
    printf("all SDK tests passed\n");
    return 0;
}

/*
 * workflow_test.c - the example workflows on the mock worker (mock_host.h), natively. Built
 * once per example with -DEXAMPLE_<name> (each defines `run`); every test runs in a child
 * process, because a workflow's globals (its cached info, the heap) belong to one run.
 *
 * Usage: workflow_test_<name> <fixtures dir>   (see ../test.sh)
 */
#define _POSIX_C_SOURCE 200809L /* fork */
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "mock_host.h"

/* ---- helpers ---- */

static tw_json parsed(const char *text) {
    tw_json root = {NULL};
    CHECK(text && tw_json_parse(tw_cstr(text), &root), "not JSON: %s", text ? text : "(null)");
    return root;
}

/* Checks that JSON text `actual` means the same as `expected`. */
static void check_same_json(const char *actual, const char *expected) {
    char where[512] = "";
    tw_json a = parsed(actual), e = parsed(expected);
    if (a.at && e.at) CHECK(json_same(a, e, where, sizeof where), "%s\n  expected %s\n  differs at %s", actual, expected, where);
}

static void check_ending(const mock_outcome *o, mock_ending ending) {
    CHECK(o->ending == ending, "ended %d, expected %d", o->ending, ending);
    if (o->ending != ending) mock_print_trace(o);
}

/* Checks that the trace has lines starting with each prefix, in this order. */
__attribute__((unused)) static void check_trace_order(const mock_outcome *o, const char *const *prefixes, size_t count) {
    size_t from = 0;
    for (size_t i = 0; i < count; i++) {
        size_t at = from;
        while (at < o->trace_len && strncmp(o->trace[at], prefixes[i], strlen(prefixes[i])) != 0) at++;
        CHECK(at < o->trace_len, "no \"%s\" after trace line %zu", prefixes[i], from);
        if (at == o->trace_len) {
            mock_print_trace(o);
            return;
        }
        from = at + 1;
    }
}
#define CHECK_TRACE(o, ...) \
    check_trace_order((o), (const char *const[]){__VA_ARGS__}, TW_COUNT_OF(const char *, __VA_ARGS__))

/* Runs `test` in a child process. */
static void run_isolated(const char *name, void (*test)(void)) {
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) {
        check_current = name;
        check_failures = 0; /* the parent's count of earlier failures is not this test's */
        test();
        exit(check_failures ? 1 : 0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        printf("ok   %s\n", name);
    } else {
        check_failures++;
        printf("FAIL %s%s\n", name, WIFSIGNALED(status) ? " (crashed: trapped or out of memory)" : "");
    }
}
#define TEST(name) run_isolated(#name, name)

#if defined(EXAMPLE_greet)
/* =============================================================================================
 * greet
 * =========================================================================================== */

static void greet_run(const char *input, const char *expected) {
    mock_outcome o = mock_run(&(mock_scenario){.input = input});
    check_ending(&o, MOCK_COMPLETED);
    check_same_json(o.json, expected);
}

static void greet_greets_by_name(void) { greet_run("\"Alice\"", "\"Hello, Alice!\""); }
static void greet_greets_the_world_without_params(void) { greet_run(NULL, "\"Hello, World!\""); }
static void greet_keeps_quotes_backslashes_and_emoji(void) {
    greet_run("\"Zo\xc3\xab \\\"Z\\\" \\\\ \xf0\x9f\xa6\x80\"", "\"Hello, Zo\xc3\xab \\\"Z\\\" \\\\ \xf0\x9f\xa6\x80!\"");
}

static void greet_rejects_a_name_that_is_not_a_string(void) {
    mock_outcome o = mock_run(&(mock_scenario){.input = "42"});
    check_ending(&o, MOCK_FAILED);
    check_same_json(o.json, "{\"message\":\"greet expects a JSON string name\",\"type\":\"InvalidInput\","
                            "\"non_retryable\":true}");
}

static void run_tests(void) {
    TEST(greet_greets_by_name);
    TEST(greet_greets_the_world_without_params);
    TEST(greet_keeps_quotes_backslashes_and_emoji);
    TEST(greet_rejects_a_name_that_is_not_a_string);
}

#elif defined(EXAMPLE_validate_order)
/* =============================================================================================
 * validate_order
 * =========================================================================================== */

static void validate_order_totals_a_valid_order(void) {
    mock_outcome o = mock_run(&(mock_scenario){
        .input = "{\"order_id\": \"A-17\", \"items\": [{\"sku\": \"apple\", \"quantity\": 3, \"unit_price_cents\": 125},"
                 " {\"sku\": \"pear\", \"quantity\": 2, \"unit_price_cents\": 80}]}"});
    check_ending(&o, MOCK_COMPLETED);
    CHECK(o.json && strcmp(o.json, "{\"order_id\":\"A-17\",\"item_count\":5,\"total_cents\":535}") == 0, "%s", o.json);
}

static void validate_order_lists_every_problem(void) {
    mock_outcome o = mock_run(&(mock_scenario){
        .input = "{\"order_id\": \"B-2\", \"items\": [{\"sku\": \"\", \"quantity\": 0, \"unit_price_cents\": 10},"
                 " {\"sku\": \"kiwi\", \"quantity\": 1.5, \"unit_price_cents\": -1}]}"});
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure;
    tw_json detail;
    CHECK(tw_failure_read(parsed(o.json), &failure) && tw_failure_detail(&failure, 0, &detail) == TW_PARAM_OK,
          "a failure with a detail");
    CHECK_STR(failure.type, TW_STR("InvalidOrder"));
    CHECK_STR(failure.message, TW_STR("invalid order: items[0].sku is required; items[0].quantity must be a positive "
                                      "integer; items[1].quantity must be a positive integer; "
                                      "items[1].unit_price_cents must be a non-negative integer"));
    char *detail_text = strndup(detail.at, tw_json_raw(detail).len);
    check_same_json(detail_text, "{\"order_id\":\"B-2\",\"problems\":[\"items[0].sku is required\","
                                 "\"items[0].quantity must be a positive integer\","
                                 "\"items[1].quantity must be a positive integer\","
                                 "\"items[1].unit_price_cents must be a non-negative integer\"]}");
}

static void validate_order_refuses_what_is_not_an_order(void) {
    mock_outcome o = mock_run(&(mock_scenario){.input = "\"not an order\""});
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure;
    CHECK(tw_failure_read(parsed(o.json), &failure), "a failure");
    CHECK_STR(failure.message, TW_STR("invalid order: order must be a JSON object"));
}

static void run_tests(void) {
    TEST(validate_order_totals_a_valid_order);
    TEST(validate_order_lists_every_problem);
    TEST(validate_order_refuses_what_is_not_an_order);
}

#elif defined(EXAMPLE_order_fulfilment)
/* =============================================================================================
 * order_fulfilment
 * =========================================================================================== */

#define ORDER "\"order_id\":\"A-17\",\"items\":[{\"sku\":\"apple\",\"quantity\":3,\"unit_price_cents\":125}]"
#define INPUT "{" ORDER ",\"payment_url\":\"http://pay.test/charges\",\"approval_timeout_ms\":5000}"

/** How the world behaves in one scenario. */
typedef struct {
    int payment_fails;
    int approve_early;              /* the approval signal arrives while stock is reserved */
    const char *const *events;      /* one per park at the approval: "note:<id>:<text>", "approve", "cancel", "timeout" */
} world;

static const char *answer(const char *kind, const char *name, const char *request, void *context) {
    (void)request;
    world *w = context;
    if (strcmp(kind, "http") == 0) {
        if (w->payment_fails) return mock_activity_failure("HttpStatus", "POST http://pay.test/charges answered 402");
        /* http_response: status, headers, body = base64({"charge_id":"ch-1"}) */
        return mock_completed("{\"status\":200,\"headers\":{\"content-type\":\"application/json\"},"
                              "\"body\":\"eyJjaGFyZ2VfaWQiOiJjaC0xIn0=\"}");
    }
    if (strcmp(name, "reserve_stock") == 0) {
        if (w->approve_early) mock_signal("approve", "{\"approved_by\":\"early\"}");
        return mock_completed("{\"reservation_id\":\"R-1\"}");
    }
    if (strcmp(name, "ship") == 0) return mock_completed("{\"tracking\":\"T-1\"}");
    return mock_completed(NULL); /* refund, release_stock */
}

static void on_park(int park, void *context) {
    (void)park;
    world *w = context;
    const char *event = w->events ? *w->events : NULL;
    if (!event) return;
    w->events++;
    if (strncmp(event, "note:", 5) == 0) {
        char id[32], arg[256];
        const char *text = strchr(event + 5, ':') + 1;
        snprintf(id, sizeof id, "%.*s", (int)(text - 1 - (event + 5)), event + 5);
        snprintf(arg, sizeof arg, "{\"note\":\"%s\"}", text);
        mock_update("add_note", id, arg);
    } else if (strcmp(event, "approve") == 0) {
        mock_signal("approve", "{\"approved_by\":\"ops\"}");
    } else if (strcmp(event, "cancel") == 0) {
        mock_cancel_workflow();
    } else if (strcmp(event, "timeout") == 0) {
        mock_fire_timers();
    }
}

static mock_outcome fulfil(const char *input, world *w) {
    return mock_run(&(mock_scenario){.input = input, .answer = answer, .on_park = on_park, .context = w});
}

static void order_fulfilment_ships_an_approved_order_with_its_notes(void) {
    world w = {.events = (const char *const[]){"note:u1:gift wrap", "note:u2:", "note:u3:fragile", "approve", NULL}};
    mock_outcome o = fulfil(INPUT, &w);
    check_ending(&o, MOCK_COMPLETED);
    check_same_json(o.json, "{\"order_id\":\"A-17\",\"reservation_id\":\"R-1\",\"charge_id\":\"ch-1\","
                            "\"approved_by\":\"ops\",\"tracking\":\"T-1\",\"total_cents\":375,"
                            "\"notes\":[\"gift wrap\",\"fragile\"]}");
    CHECK_TRACE(&o, "activity reserve_stock {\"order_id\":\"A-17\",\"items\":[{\"sku\":\"apple\",\"quantity\":3,"
                    "\"unit_price_cents\":125}]}",
                "http POST http://pay.test/charges {\"content-type\":\"application/json\","
                "\"authorization\":\"Bearer {{secret PAYMENTS_TOKEN}}\"} {\"order_id\":\"A-17\",\"amount_cents\":375}",
                "query status {\"state\":\"awaiting_approval\",\"order_id\":\"A-17\",\"charge_id\":\"ch-1\"}",
                "details awaiting approval of order A-17", "timer ", "update u1 completed {\"notes\":1}",
                "update u2 rejected EmptyNote", "update u3 completed {\"notes\":2}", "cancel ",
                "activity ship {\"order_id\":\"A-17\",\"reservation_id\":\"R-1\"}",
                "query status {\"state\":\"shipped\",\"order_id\":\"A-17\",\"charge_id\":\"ch-1\",\"tracking\":\"T-1\"}",
                "metric {\"name\":\"orders_completed\",\"kind\":\"counter\",\"value\":1,\"labels\":{\"outcome\":\"shipped\"}}");
    CHECK(mock_trace_find(&o, "activity refund") < 0 && mock_trace_find(&o, "activity release_stock") < 0,
          "no compensation");
    const char *status = mock_query("status");
    check_same_json(status, "{\"state\":\"shipped\",\"order_id\":\"A-17\",\"charge_id\":\"ch-1\",\"tracking\":\"T-1\"}");
}

static void order_fulfilment_leaves_notes_out_of_the_receipt_when_there_are_none(void) {
    world w = {.events = (const char *const[]){"approve", NULL}};
    mock_outcome o = fulfil(INPUT, &w);
    check_ending(&o, MOCK_COMPLETED);
    check_same_json(o.json, "{\"order_id\":\"A-17\",\"reservation_id\":\"R-1\",\"charge_id\":\"ch-1\","
                            "\"approved_by\":\"ops\",\"tracking\":\"T-1\",\"total_cents\":375}");
}

static void order_fulfilment_keeps_an_approval_sent_before_it_waits(void) {
    world w = {.approve_early = 1};
    mock_outcome o = fulfil(INPUT, &w);
    check_ending(&o, MOCK_COMPLETED);
    CHECK(o.json && strstr(o.json, "\"approved_by\":\"early\""), "%s", o.json);
}

static void order_fulfilment_compensates_and_fails_when_approval_times_out(void) {
    world w = {.events = (const char *const[]){"timeout", NULL}};
    mock_outcome o = fulfil(INPUT, &w);
    check_ending(&o, MOCK_FAILED);
    check_same_json(o.json, "{\"message\":\"order A-17 was not approved within 5000 ms\","
                            "\"type\":\"ApprovalTimedOut\",\"non_retryable\":true}");
    CHECK_TRACE(&o, "timer ", "activity refund {\"charge_id\":\"ch-1\"}",
                "activity release_stock {\"reservation_id\":\"R-1\"}");
    CHECK(mock_trace_find(&o, "activity ship") < 0, "not shipped");
}

static void order_fulfilment_compensates_and_ends_cancelled_when_cancelled(void) {
    world w = {.events = (const char *const[]){"note:u1:keep me", "cancel", NULL}};
    mock_outcome o = fulfil(INPUT, &w);
    check_ending(&o, MOCK_CANCELLED);
    check_same_json(o.json, "\"order A-17 cancelled\"");
    CHECK_TRACE(&o, "update u1 completed", "cancel ", "activity refund {\"charge_id\":\"ch-1\"}",
                "activity release_stock {\"reservation_id\":\"R-1\"}");
}

static void order_fulfilment_releases_the_stock_and_fails_when_payment_fails(void) {
    world w = {.payment_fails = 1};
    mock_outcome o = fulfil(INPUT, &w);
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure, cause;
    CHECK(tw_failure_read(parsed(o.json), &failure), "a failure");
    CHECK_STR(failure.type, TW_STR("PaymentFailed"));
    CHECK_STR(failure.message, TW_STR("payment for order A-17 failed: POST http://pay.test/charges answered 402"));
    CHECK(failure.non_retryable, "non-retryable");
    CHECK(tw_failure_read(failure.cause, &cause) && tw_str_eq(cause.type, TW_STR("HttpStatus")), "the cause is kept");
    CHECK_TRACE(&o, "http POST", "activity release_stock {\"reservation_id\":\"R-1\"}");
    CHECK(mock_trace_find(&o, "activity refund") < 0, "nothing to refund");
    CHECK(mock_trace_find(&o, "query status") < 0, "never awaited approval");
}

static void order_fulfilment_rejects_a_bad_order_as_validate_order_does(void) {
    world w = {0};
    mock_outcome o = fulfil("{\"order_id\":\"B-2\",\"items\":[{\"sku\":\"\",\"quantity\":0,\"unit_price_cents\":10}],"
                            "\"payment_url\":\"http://pay.test/charges\"}",
                            &w);
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure;
    CHECK(tw_failure_read(parsed(o.json), &failure), "a failure");
    CHECK_STR(failure.type, TW_STR("InvalidOrder"));
    CHECK_STR(failure.message, TW_STR("invalid order: items[0].sku is required; items[0].quantity must be a positive integer"));
    CHECK(o.trace_len == 0, "no command before the check");
}

static void order_fulfilment_requires_a_payment_url(void) {
    world w = {0};
    mock_outcome o = fulfil("{" ORDER "}", &w);
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure;
    CHECK(tw_failure_read(parsed(o.json), &failure), "a failure");
    CHECK_STR(failure.message, TW_STR("invalid order: payment_url is required"));
}

static void order_fulfilment_waits_60_seconds_for_approval_by_default(void) {
    world w = {.events = (const char *const[]){"approve", NULL}};
    mock_outcome o = fulfil("{" ORDER ",\"payment_url\":\"http://pay.test/charges\"}", &w);
    check_ending(&o, MOCK_COMPLETED);
    CHECK_TRACE(&o, "timer 6 60000");
}

static void run_tests(void) {
    TEST(order_fulfilment_ships_an_approved_order_with_its_notes);
    TEST(order_fulfilment_leaves_notes_out_of_the_receipt_when_there_are_none);
    TEST(order_fulfilment_keeps_an_approval_sent_before_it_waits);
    TEST(order_fulfilment_compensates_and_fails_when_approval_times_out);
    TEST(order_fulfilment_compensates_and_ends_cancelled_when_cancelled);
    TEST(order_fulfilment_releases_the_stock_and_fails_when_payment_fails);
    TEST(order_fulfilment_rejects_a_bad_order_as_validate_order_does);
    TEST(order_fulfilment_requires_a_payment_url);
    TEST(order_fulfilment_waits_60_seconds_for_approval_by_default);
}

#elif defined(EXAMPLE_memory_loop)
/* =============================================================================================
 * memory_loop
 * =========================================================================================== */

static char *kilobyte_echo;

static const char *echo(const char *kind, const char *name, const char *request, void *context) {
    (void)kind, (void)request, (void)context;
    CHECK(strcmp(name, "echo") == 0, "activity %s", name);
    return kilobyte_echo;
}

static void memory_loop_takes_10000_results_in_constant_memory(void) {
    char padding[1025];
    memset(padding, 'e', 1024);
    padding[1024] = '\0';
    char json[1100];
    snprintf(json, sizeof json, "{\"echo\":\"%s\"}", padding);
    kilobyte_echo = mock_completed(json);

    mock_outcome o = mock_run(&(mock_scenario){.input = "{\"iterations\": 10000}", .answer = echo});
    check_ending(&o, MOCK_COMPLETED);
    check_same_json(o.json, "{\"iterations\":10000}");
    CHECK(o.trace_len == 10000, "%zu activities", o.trace_len);
    CHECK(strcmp(o.trace[0], "activity echo 0") == 0 && strcmp(o.trace[9999], "activity echo 9999") == 0,
          "arguments 0..9999: %s, %s", o.trace[0], o.trace[9999]);
    tw_heap_stats heap = tw_heap_stats_now();
    printf("     memory_loop: heap high-water mark %zu bytes after 10000 results (native, 64-bit headers)\n",
           heap.heap_bytes);
    CHECK(heap.heap_bytes < 64 * 1024, "the heap grew to %zu bytes", heap.heap_bytes);
}

static void memory_loop_rejects_input_without_iterations(void) {
    mock_outcome o = mock_run(&(mock_scenario){.input = "{\"iterations\": -1}", .answer = echo});
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure;
    CHECK(tw_failure_read(parsed(o.json), &failure), "a failure");
    CHECK_STR(failure.type, TW_STR("InvalidInput"));
}

static void memory_loop_fails_when_an_echo_fails(void) {
    kilobyte_echo = mock_activity_failure("Broken", "echo is broken");
    mock_outcome o = mock_run(&(mock_scenario){.input = "{\"iterations\": 3}", .answer = echo});
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure;
    CHECK(tw_failure_read(parsed(o.json), &failure), "a failure");
    CHECK_STR(failure.type, TW_STR("EchoFailed"));
    CHECK_STR(failure.message, TW_STR("echo 0 failed: echo is broken"));
}

static void run_tests(void) {
    TEST(memory_loop_takes_10000_results_in_constant_memory);
    TEST(memory_loop_rejects_input_without_iterations);
    TEST(memory_loop_fails_when_an_echo_fails);
}
#elif defined(EXAMPLE_every_call)
/* =============================================================================================
 * every_call (tests/every_call.c): each wrapper reaches its import with its JSON
 * =========================================================================================== */

static const char *resolve(const char *kind, const char *name, const char *request, void *context) {
    (void)name, (void)request, (void)context;
    return strcmp(kind, "child") == 0 ? mock_completed("{\"shipped\":true}") : mock_completed(NULL);
}

static void deliver(int park, void *context) {
    (void)park;
    int *step = context;
    switch ((*step)++) {
    case 0: mock_fire_timers(); break;                   /* tw_sleep(10) */
    case 1: mock_fire_timers(); break;                   /* tw_select(go, 500) times out */
    case 2: mock_signal("go", "true"); break;            /* tw_signal_receive */
    default: mock_update("bump", "u-1", "{}"); break;    /* tw_wait on the update channel */
    }
}

static void every_call_reaches_its_import_with_its_json(void) {
    int step = 0;
    mock_outcome o = mock_run(&(mock_scenario){.input = "{}", .answer = resolve, .on_park = deliver, .context = &step});
    check_ending(&o, MOCK_CONTINUED_AS_NEW);
    check_same_json(o.json, "{\"args\":[{\"metadata\":{\"encoding\":\"anNvbi9wbGFpbg==\"},\"data\":\"eyJwYWdlIjoyfQ==\"}],"
                            "\"retry_policy\":{\"maximum_attempts\":1}}");
    static const char *const expected[] = {
        "patched new-path 0",
        "patched old-path 1",
        "timer 1 10",
        "timer 1 fired",
        "timer 2 1000",
        "cancel 2",
        "child Ship {\"order_id\":\"A-17\"}",
        "signal_external batch-3 17",
        "cancel_external reminder -",
        "search_attributes {\"CustomIntField\":3}",
        "memo {\"old\":null}",
        "metric {\"name\":\"steps\",\"kind\":\"histogram\",\"value\":2.5}",
        "query progress {\"step\":1}",
        "query nothing -",
        "details almost **done**",
        "signal_channel go",
        "timer 7 500",
        "timer 7 fired",
        "update_channel bump",
        "update u-1 failed Refused: no",
    };
    size_t count = sizeof expected / sizeof *expected;
    int same = o.trace_len == count;
    for (size_t i = 0; same && i < count; i++) same = strcmp(o.trace[i], expected[i]) == 0;
    CHECK(same, "the trace differs");
    if (!same) mock_print_trace(&o);
}

static void run_tests(void) { TEST(every_call_reaches_its_import_with_its_json); }
#endif

int main(int argc, char **argv) {
    if (argc == 2) fixtures_at(argv[1]);
    run_tests();
    return check_failures ? 1 : 0;
}

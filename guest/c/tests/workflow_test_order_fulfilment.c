/*
 * workflow_test_order_fulfilment.c - order_fulfilment on the mock worker, every path:
 * shipped with its notes, approval early or timed out, cancelled, payment failed, a bad
 * order, no payment URL, and the default approval timeout. Each scenario is a `world`
 * that answers the activities and sends one event per park.
 */
#include "workflow_test.h"

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

void run_tests(void) {
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

/*
 * workflow_test_every_call.c - every_call (tests/every_call.c) on the mock worker: each
 * SDK call reaches its import with its JSON, in one trace.
 */
#include "workflow_test.h"

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

void run_tests(void) { TEST(every_call_reaches_its_import_with_its_json); }

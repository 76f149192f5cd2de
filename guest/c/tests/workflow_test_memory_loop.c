/*
 * workflow_test_memory_loop.c - memory_loop on the mock worker: 10,000 results of 1 KiB
 * each in a 4 MiB heap, input without iterations, and a failing echo.
 */
#include "workflow_test.h"

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

void run_tests(void) {
    TEST(memory_loop_takes_10000_results_in_constant_memory);
    TEST(memory_loop_rejects_input_without_iterations);
    TEST(memory_loop_fails_when_an_echo_fails);
}

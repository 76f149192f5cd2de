/*
 * workflow_test_greet.c - greet on the mock worker: by name, without params, with quotes,
 * backslashes and emoji, and refusing a name that is not a string.
 */
#include "workflow_test.h"

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

void run_tests(void) {
    TEST(greet_greets_by_name);
    TEST(greet_greets_the_world_without_params);
    TEST(greet_keeps_quotes_backslashes_and_emoji);
    TEST(greet_rejects_a_name_that_is_not_a_string);
}

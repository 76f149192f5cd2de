/*
 * workflow_test.h - what the tests of the example workflows share (defined in workflow_test.c):
 * checks on a mock run's outcome (its JSON, its ending, the order of its trace) and TEST, which
 * runs one test in a child process. Each workflow_test_<example>.c defines `run_tests`.
 */
#ifndef WORKFLOW_TEST_H
#define WORKFLOW_TEST_H

#include "check.h"
#include "mock_host.h"

/** Parses `text` (a CHECK fails if it is NULL or not JSON). */
tw_json parsed(const char *text);

/** Checks that JSON text `actual` means the same as `expected`. */
void check_same_json(const char *actual, const char *expected);

/** Checks how the run ended, printing its trace if that is not `ending`. */
void check_ending(const mock_outcome *o, mock_ending ending);

/** Checks that the trace has lines starting with each prefix, in this order. */
void check_trace_order(const mock_outcome *o, const char *const *prefixes, size_t count);

/** `check_trace_order` over its arguments: `CHECK_TRACE(&o, "timer ", "activity ship")`. */
#define CHECK_TRACE(o, ...) \
    check_trace_order((o), (const char *const[]){__VA_ARGS__}, TW_COUNT_OF(const char *, __VA_ARGS__))

/** Runs `test` in a child process (a workflow's globals belong to one run) and reports it. */
void run_isolated(const char *name, void (*test)(void));

/** Runs one test: `TEST(greet_greets_by_name)`. */
#define TEST(name) run_isolated(#name, name)

/** Runs the tests of the example this binary is built with (its workflow_test_<example>.c). */
void run_tests(void);

#endif /* WORKFLOW_TEST_H */

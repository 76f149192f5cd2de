/*
 * workflow_test.c - the example workflows on the mock worker (mock_host.h), natively. Built
 * once per example with that example's tests, workflow_test_<name>.c (each example defines
 * `run`); every test runs in a child process, because a workflow's globals (its cached info,
 * the heap) belong to one run.
 *
 * Usage: workflow_test_<name> <fixtures dir>   (see ../test.sh)
 */
#define _POSIX_C_SOURCE 200809L /* fork */
#include "workflow_test.h"

#include <sys/wait.h>
#include <unistd.h>

tw_json parsed(const char *text) {
    tw_json root = {NULL};
    CHECK(text && tw_json_parse(tw_cstr(text), &root), "not JSON: %s", text ? text : "(null)");
    return root;
}

void check_same_json(const char *actual, const char *expected) {
    char where[512] = "";
    tw_json a = parsed(actual), e = parsed(expected);
    if (a.at && e.at) CHECK(json_same(a, e, where, sizeof where), "%s\n  expected %s\n  differs at %s", actual, expected, where);
}

void check_ending(const mock_outcome *o, mock_ending ending) {
    CHECK(o->ending == ending, "ended %d, expected %d", o->ending, ending);
    if (o->ending != ending) mock_print_trace(o);
}

void check_trace_order(const mock_outcome *o, const char *const *prefixes, size_t count) {
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

void run_isolated(const char *name, void (*test)(void)) {
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

int main(int argc, char **argv) {
    if (argc == 2) fixtures_at(argv[1]);
    run_tests();
    return check_failures ? 1 : 0;
}

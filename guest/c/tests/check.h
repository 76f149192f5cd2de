/*
 * check.h - the few helpers the native tests share: checks that count failures, fixture files,
 * and JSON equality in meaning (objects as maps, numbers by value, strings unescaped).
 */
#ifndef CHECK_H
#define CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "temporal_wasm.h"

extern int check_failures;
extern const char *check_current;

/** Records a failure of the running test when `cond` is false, with a printf-style message. */
#define CHECK(cond, ...)                                                                 \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            check_failures++;                                                            \
            fprintf(stderr, "FAIL %s (%s:%d): ", check_current, __FILE__, __LINE__);     \
            fprintf(stderr, __VA_ARGS__);                                                \
            fputc('\n', stderr);                                                         \
        }                                                                                \
    } while (0)

/** `tw_str` as printf arguments: `printf("%.*s", TW_PRINT(s))`. */
#define TW_PRINT(s) (int)(s).len, (s).ptr

/** Checks that two strings hold the same bytes. */
#define CHECK_STR(actual, expected)                                                      \
    do {                                                                                 \
        tw_str check_a = (actual), check_e = (expected);                                 \
        CHECK(tw_str_eq(check_a, check_e), "%s is \"%.*s\", expected \"%.*s\"", #actual, \
              TW_PRINT(check_a), TW_PRINT(check_e));                                     \
    } while (0)

/** Runs one test: `RUN(a_freed_block_is_reused)`. */
#define RUN(test)                                                                        \
    do {                                                                                 \
        check_current = #test;                                                           \
        int check_before = check_failures;                                               \
        test();                                                                          \
        if (check_failures == check_before) printf("ok   %s\n", #test);                  \
    } while (0)

/** Reads `<fixtures>/<name>` (exits if missing); the bytes stay allocated. */
tw_str fixture_text(const char *name);

/** Parses a fixture (a CHECK fails if it is not JSON). */
tw_json fixture_json(const char *name);

/** Whether `a` and `b` are the same JSON in meaning; `*where` gets the first path that differs. */
int json_same(tw_json a, tw_json b, char *where, size_t where_len);

/** Checks that JSON text `actual` means the same as fixture `name`. */
void check_matches_fixture(tw_str actual, const char *name);

/** Sets the fixtures folder. */
void fixtures_at(const char *dir);

/** The names of the files in `<fixtures>/<sub>`, NULL-terminated, sorted. */
char **fixture_names(const char *sub);

#endif /* CHECK_H */

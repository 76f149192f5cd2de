/*
 * sdk_test.h - what the files of sdk_test share: the runner of each group of tests, which
 * sdk_test.c's main calls in order, and the helper that parses JSON or fails the test.
 */
#ifndef SDK_TEST_H
#define SDK_TEST_H

#include "check.h"

/** Parses `text` (a CHECK fails if it is not JSON); the cursor points into `text`. */
tw_json parse(const char *text);

/** base64, JSON reading and JSON writing (sdk_test_json.c). */
void json_tests(void);

/** The allocator, its scopes and buffers (sdk_test_memory.c). */
void memory_tests(void);

/** Every request fixture, written through the API (sdk_test_encoders.c). */
void encoder_tests(void);

/** Every result, failure, payload and info fixture, read through the API (sdk_test_decoders.c). */
void decoder_tests(void);

#endif /* SDK_TEST_H */

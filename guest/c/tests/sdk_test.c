/*
 * sdk_test.c - unit tests of the SDK's pure parts, compiled natively (see ../test.sh):
 * base64, JSON reading and writing, the allocator and its scopes (sdk_test_json.c,
 * sdk_test_memory.c), and - against the golden fixtures in guest/fixtures - the encoding of
 * every request shape and the decoding of every result, failure, payload and info shape
 * (sdk_test_encoders.c, sdk_test_decoders.c). A fixture without a test fails the run, so a
 * shape added to the ABI cannot go unnoticed.
 *
 * Usage: sdk_test <fixtures dir>
 */
#include "sdk_test.h"

tw_json parse(const char *text) {
    tw_json root = {NULL};
    CHECK(tw_json_parse(tw_cstr(text), &root), "does not parse: %s", text);
    return root;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <guest/fixtures dir>\n", argv[0]);
        return 2;
    }
    fixtures_at(argv[1]);

    json_tests();
    memory_tests();
    encoder_tests();
    decoder_tests();

    if (check_failures) {
        printf("%d check(s) failed\n", check_failures);
        return 1;
    }
    printf("all SDK tests passed\n");
    return 0;
}

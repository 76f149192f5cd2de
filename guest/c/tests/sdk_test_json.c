/*
 * sdk_test_json.c - base64 and JSON: the RFC 4648 vectors and canonical padding, strict RFC 8259
 * validation without recursion, the cursors, string unescaping and whole numbers, and the
 * writer's escaping, separators and number formatting.
 */
#include "sdk_test.h"

static tw_str written(void (*write)(tw_json_writer *)) {
    tw_json_writer w = {0};
    write(&w);
    return tw_jw_result(&w);
}

/* =============================================================================================
 * base64
 * =========================================================================================== */

static void base64_encodes_the_rfc_4648_vectors(void) {
    static const char *const vectors[][2] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                             {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                             {"foobar", "Zm9vYmFy"}};
    for (size_t i = 0; i < sizeof vectors / sizeof *vectors; i++) {
        CHECK_STR(tw_base64_encode(tw_cstr(vectors[i][0])), tw_cstr(vectors[i][1]));
        tw_str decoded;
        CHECK(tw_base64_decode(tw_cstr(vectors[i][1]), &decoded), "decodes %s", vectors[i][1]);
        CHECK_STR(decoded, tw_cstr(vectors[i][0]));
    }
}

static void base64_round_trips_every_byte_and_length(void) {
    unsigned char bytes[300];
    for (size_t i = 0; i < sizeof bytes; i++) bytes[i] = (unsigned char)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof bytes; len++) {
        tw_str original = {(const char *)bytes, len}, decoded;
        tw_buf appended = {0};
        tw_buf_str(&appended, TW_STR("x"));
        tw_buf_base64(&appended, original);
        tw_str encoded = tw_base64_encode(original);
        CHECK(tw_str_eq((tw_str){appended.ptr + 1, appended.len - 1}, encoded), "tw_buf_base64 at %zu", len);
        CHECK(tw_base64_decode(encoded, &decoded) && tw_str_eq(decoded, original), "round trip of %zu", len);
    }
}

static void base64_refuses_anything_but_canonical_padded_base64(void) {
    static const char *const bad[] = {"Zg", "Zg=", "Zh==", "Zm9=", "Z===", "====", "Zg==Zg==", "Zm9v!A==",
                                      "Zm 9v", "Zm9v\n", "-_8="};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        tw_str out;
        CHECK(!tw_base64_decode(tw_cstr(bad[i]), &out), "accepted %s", bad[i]);
    }
}

/* =============================================================================================
 * JSON reading
 * =========================================================================================== */

static void json_parse_accepts_exactly_rfc_8259(void) {
    static const char *const good[] = {"0", "-0", "1.5e-3", "-12E+2", "true", "null", "\"\"", " [ ] ",
                                       "{}", "{\"a\":[1,{\"b\":null}]}", "\"\\u00e9\\ud83d\\ude00\"",
                                       "\"caf\xc3\xa9 \xf0\x9f\xa6\x80\""};
    static const char *const bad[] = {"", " ", "01", "1.", ".5", "+1", "1e", "tru", "nul", "[1,]", "{\"a\"}",
                                      "{\"a\":1,}", "[1] 2", "\"\\x\"", "\"a\nb\"", "\"\\ud800\"",
                                      "\"\\udc00\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
                                      "{1:2}", "[", "]", "\"abc"};
    tw_json root;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        CHECK(tw_json_parse(tw_cstr(good[i]), &root), "refused %s", good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(!tw_json_parse(tw_cstr(bad[i]), &root), "accepted %s", bad[i]);
    }
}

static void json_validation_does_not_recurse_on_deep_nesting(void) {
    size_t depth = 200000;
    char *text = malloc(depth * 2 + 1);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[depth * 2] = '\0';
    tw_json root;
    CHECK(tw_json_parse((tw_str){text, depth * 2}, &root), "200000 levels of nesting");
    CHECK(!tw_json_parse((tw_str){text, depth * 2 - 1}, &root), "one bracket short");
    free(text);
}

static void json_strings_are_unescaped_into_utf8(void) {
    tw_str out;
    CHECK(tw_json_string(parse("\"a\\\"b\\\\c\\/d\\n\\t\\u00e9\\ud83e\\udd80\\u0000\""), &out), "string");
    CHECK_STR(out, ((tw_str){"a\"b\\c/d\n\t\xc3\xa9\xf0\x9f\xa6\x80\0", 16}));
    CHECK(tw_json_string(parse("\"plain\""), &out), "plain");
    CHECK_STR(out, TW_STR("plain"));
    CHECK(!tw_json_string(parse("3"), &out), "a number is not a string");
}

static void json_i64_reads_whole_numbers_only(void) {
    int64_t value;
    CHECK(tw_json_i64(parse("9223372036854775807"), &value) && value == INT64_MAX, "max");
    CHECK(tw_json_i64(parse("-9223372036854775808"), &value) && value == INT64_MIN, "min");
    CHECK(!tw_json_i64(parse("9223372036854775808"), &value), "max + 1");
    CHECK(!tw_json_i64(parse("3.0"), &value), "3.0");
    CHECK(!tw_json_i64(parse("1e2"), &value), "1e2");
    CHECK(!tw_json_i64(parse("\"3\""), &value), "a string");
    CHECK(tw_json_i64(parse("[7]"), &value) == false, "an array");
    CHECK(tw_json_i64(tw_json_at(parse("[7, 8]"), 1), &value) && value == 8, "an element");
}

static void json_cursors_walk_objects_and_arrays(void) {
    tw_json root = parse(" { \"a\" : 1 , \"b\" : [ true , { \"c\" : \"d\" } ] , \"a\" : 2 } ");
    int64_t a;
    CHECK(tw_json_i64(tw_json_get(root, TW_STR("a")), &a) && a == 2, "the last duplicate wins");
    tw_json b = tw_json_get(root, TW_STR("b"));
    CHECK(tw_json_count(b) == 2 && tw_json_count(root) == 3, "counts");
    CHECK_STR(tw_json_raw(b), TW_STR("[ true , { \"c\" : \"d\" } ]"));
    CHECK_STR(tw_json_get_string(tw_json_at(b, 1), TW_STR("c"), TW_NONE), TW_STR("d"));
    CHECK(tw_json_kind_of(tw_json_at(b, 2)) == TW_JSON_MISSING, "past the end");
    CHECK(tw_json_kind_of(tw_json_get(b, TW_STR("c"))) == TW_JSON_MISSING, "get on an array");
    CHECK_STR(tw_json_raw(parse("42")), TW_STR("42"));
    tw_json_iter iter = tw_json_iterate(root);
    tw_str key;
    tw_json value;
    size_t members = 0;
    while (tw_json_next(&iter, &key, &value)) members++;
    CHECK(members == 3, "iterates every member");
}

/* =============================================================================================
 * JSON writing
 * =========================================================================================== */

static void write_escapes(tw_json_writer *w) {
    tw_jw_begin_object(w);
    tw_jw_key(w, TW_STR("k\"ey"));
    tw_jw_string(w, ((tw_str){"q\"b\\n\n\x01\x1f \xf0\x9f\xa6\x80", 13}));
    tw_jw_key(w, TW_STR("list"));
    tw_jw_begin_array(w);
    tw_jw_i64(w, INT64_MIN);
    tw_jw_bool(w, false);
    tw_jw_null(w);
    tw_jw_begin_object(w);
    tw_jw_end_object(w);
    tw_jw_raw(w, TW_STR("[1]"));
    tw_jw_end_array(w);
    tw_jw_end_object(w);
}

static void json_writer_escapes_and_separates(void) {
    CHECK_STR(written(write_escapes),
              TW_STR("{\"k\\\"ey\":\"q\\\"b\\\\n\\n\\u0001\\u001f \xf0\x9f\xa6\x80\",\"list\":"
                     "[-9223372036854775808,false,null,{},[1]]}"));
    CHECK_STR(tw_json_quote(TW_STR("order \"7\"")), TW_STR("\"order \\\"7\\\"\""));
}

static void json_writer_formats_numbers(void) {
    static const struct {
        double value;
        const char *text;
    } cases[] = {{0, "0"},       {2, "2"},          {2.5, "2.5"},        {0.1, "0.1"},
                 {-3, "-3"},     {1.25e-3, "0.00125"}, {123456.789, "123456.789"},
                 {1e20, "1e20"}, {1.5e-7, "1.5e-7"}, {1e15, "1e15"}, {999999999999999, "999999999999999"}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        tw_json_writer w = {0};
        tw_jw_f64(&w, cases[i].value);
        CHECK_STR(tw_jw_result(&w), tw_cstr(cases[i].text));
    }
    tw_json_writer w = {0};
    tw_jw_f64(&w, 0.0 / 0.0);
    tw_jw_f64(&w, 1.0 / 0.0);
    CHECK_STR(tw_jw_result(&w), TW_STR("null,null"));
}

/** base64, JSON reading and JSON writing. */
void json_tests(void) {
    RUN(base64_encodes_the_rfc_4648_vectors);
    RUN(base64_round_trips_every_byte_and_length);
    RUN(base64_refuses_anything_but_canonical_padded_base64);
    RUN(json_parse_accepts_exactly_rfc_8259);
    RUN(json_validation_does_not_recurse_on_deep_nesting);
    RUN(json_strings_are_unescaped_into_utf8);
    RUN(json_i64_reads_whole_numbers_only);
    RUN(json_cursors_walk_objects_and_arrays);
    RUN(json_writer_escapes_and_separates);
    RUN(json_writer_formats_numbers);
}

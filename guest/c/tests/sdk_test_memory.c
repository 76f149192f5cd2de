/*
 * sdk_test_memory.c - the allocator and its scopes: blocks reused by size class, scopes that
 * free what they own, buffers that keep their first scope, realloc in place, and a loop of
 * scoped steps in constant memory.
 */
#include "sdk_test.h"

/* =============================================================================================
 * Memory
 * =========================================================================================== */

static void a_freed_block_is_reused_by_the_next_allocation_of_its_class(void) {
    void *first = tw_alloc(100);
    tw_free(first);
    void *second = tw_alloc(99);
    CHECK(first == second, "the block of the same class is reused");
    tw_free(second);
    tw_free(NULL);
}

static void ending_a_scope_frees_everything_allocated_in_it(void) {
    tw_heap_stats before = tw_heap_stats_now();
    tw_scope scope;
    tw_scope_begin(&scope);
    for (int i = 0; i < 100; i++) tw_alloc((size_t)i * 37);
    tw_str s = tw_concat((tw_str[]){TW_STR("a"), TW_STR("b")}, 2);
    tw_free((void *)s.ptr); /* freeing one block early is fine */
    tw_scope inner;
    tw_scope_begin(&inner);
    tw_alloc(5000);
    tw_scope_end(&inner);
    tw_scope_end(&scope);
    tw_heap_stats after = tw_heap_stats_now();
    CHECK(after.blocks_in_use == before.blocks_in_use && after.bytes_in_use == before.bytes_in_use,
          "%zu blocks in use before, %zu after", before.blocks_in_use, after.blocks_in_use);
}

static void a_buffer_keeps_the_scope_it_was_started_in(void) {
    tw_buf outer = {0};
    tw_buf_str(&outer, TW_STR("start"));
    tw_scope scope;
    tw_scope_begin(&scope);
    for (int i = 0; i < 1000; i++) tw_buf_str(&outer, TW_STR("0123456789")); /* grows, moves */
    tw_str kept = tw_str_keep(TW_STR("kept"));
    tw_scope_end(&scope);
    /* Reuse freed memory so that a dangling buffer would be overwritten. */
    tw_scope again;
    tw_scope_begin(&again);
    for (int i = 0; i < 100; i++) memset(tw_alloc(16384), 'x', 16384);
    tw_scope_end(&again);
    CHECK(outer.len == 10005 && memcmp(outer.ptr, "start0123", 9) == 0 &&
              memcmp(outer.ptr + outer.len - 10, "0123456789", 10) == 0,
          "the buffer survived the inner scope");
    CHECK_STR(kept, TW_STR("kept"));
    tw_buf_free(&outer);
    tw_free((void *)kept.ptr);
}

static void realloc_grows_in_place_within_a_class_and_keeps_contents(void) {
    char *block = tw_alloc(10);
    memcpy(block, "0123456789", 10);
    CHECK(tw_realloc(block, 16) == block, "room in its class");
    char *grown = tw_realloc(block, 1000);
    CHECK(memcmp(grown, "0123456789", 10) == 0, "contents kept");
    tw_free(grown);
}

/* A result as the worker hands one over, with a ~1 KiB payload. */
static tw_str kilobyte_result(int64_t i) {
    tw_json_writer value = {0};
    tw_jw_begin_object(&value);
    tw_jw_key(&value, TW_STR("iteration"));
    tw_jw_i64(&value, i);
    tw_jw_key(&value, TW_STR("padding"));
    char padding[1000];
    memset(padding, 'p', sizeof padding);
    tw_jw_string(&value, (tw_str){padding, sizeof padding});
    tw_jw_end_object(&value);
    tw_json_writer result = {0};
    tw_jw_begin_object(&result);
    tw_jw_key(&result, TW_STR("completed"));
    tw_jw_payloads(&result, TW_ARGS(tw_jw_result(&value)));
    tw_jw_end_object(&result);
    tw_jw_free(&value);
    return tw_jw_result(&result);
}

static void a_loop_of_scoped_steps_runs_in_constant_memory(void) {
    size_t heap_after_first = 0;
    for (int64_t i = 0; i < 10000; i++) {
        tw_scope step;
        tw_scope_begin(&step);
        tw_str request = tw_encode_activity_options(&(tw_activity_options){
            .activity_type = TW_STR("echo"),
            .args = TW_ARGS(tw_i64_to_str(i)),
            .start_to_close_timeout_ms = 10000,
        });
        (void)request;
        tw_result result;
        tw_json value;
        int64_t iteration = -1;
        CHECK(tw_result_parse(kilobyte_result(i), &result) && tw_result_value(&result, &value) == TW_PARAM_OK &&
                  tw_json_i64(tw_json_get(value, TW_STR("iteration")), &iteration) && iteration == i,
              "result %lld", (long long)i);
        tw_scope_end(&step);
        if (i == 0) heap_after_first = tw_heap_stats_now().heap_bytes;
    }
    size_t heap = tw_heap_stats_now().heap_bytes;
    CHECK(heap == heap_after_first, "the heap grew from %zu to %zu bytes", heap_after_first, heap);
}

/** The allocator, its scopes and buffers. */
void memory_tests(void) {
    RUN(a_freed_block_is_reused_by_the_next_allocation_of_its_class);
    RUN(ending_a_scope_frees_everything_allocated_in_it);
    RUN(a_buffer_keeps_the_scope_it_was_started_in);
    RUN(realloc_grows_in_place_within_a_class_and_keeps_contents);
    RUN(a_loop_of_scoped_steps_runs_in_constant_memory);
}

/*
 * memory_loop: runs the `echo` activity N times and keeps only a count, in constant memory.
 *
 * Input:  params[0]: {"iterations": N} (N >= 0)
 * Steps:  for i in 0..N-1: activity `echo` on task queue `inventory` (start_to_close 10 s) with
 *         one argument, i; take its result and decode its payload.
 * Result: {"iterations": N}
 * Fails:  non-retryable `InvalidInput` for any other input; `EchoFailed` if an echo fails.
 *
 * The instance lives for the whole run, so every step allocates inside a scope that frees the
 * request, the result and its decoded payload before the next step: the heap stays at its
 * first step's size however large N is (see tw_heap_stats in the last log line).
 */
#include "temporal_wasm.h"

TW_EXPORT("run") void run(void) {
    tw_json input;
    int64_t iterations;
    if (tw_param_json(tw_get_info(), 0, &input) != TW_PARAM_OK ||
        !tw_json_i64(tw_json_get(input, TW_STR("iterations")), &iterations) || iterations < 0) {
        tw_fail((tw_failure){
            .message = TW_STR("memory_loop expects {\"iterations\": N} with a whole N >= 0"),
            .type = TW_STR("InvalidInput"),
            .non_retryable = true,
        });
    }

    int64_t taken = 0;
    for (int64_t i = 0; i < iterations; i++) {
        tw_scope step;
        tw_scope_begin(&step);
        tw_result echoed = tw_activity_execute(&(tw_activity_options){
            .activity_type = TW_STR("echo"),
            .task_queue = TW_STR("inventory"),
            .args = TW_ARGS(tw_i64_to_str(i)),
            .start_to_close_timeout_ms = 10000,
        });
        tw_json value;
        if (!tw_result_ok(&echoed) || tw_result_value(&echoed, &value) == TW_PARAM_INVALID) {
            tw_fail((tw_failure){
                .message = TW_CONCAT(TW_STR("echo "), tw_i64_to_str(i), TW_STR(" failed: "),
                                     tw_result_ok(&echoed) ? TW_STR("its result is not a JSON payload")
                                                           : tw_failure_reason(&echoed.failure)),
                .type = TW_STR("EchoFailed"),
                .non_retryable = true,
                .cause_json = tw_result_ok(&echoed) ? TW_NONE : tw_json_raw(echoed.failure.json),
            });
        }
        taken++;
        tw_scope_end(&step);
    }

    tw_heap_stats heap = tw_heap_stats_now();
    tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("memory_loop: "), tw_i64_to_str(taken),
                                  TW_STR(" results taken; heap high-water mark "),
                                  tw_i64_to_str((int64_t)heap.heap_bytes), TW_STR(" bytes, "),
                                  tw_i64_to_str((int64_t)heap.bytes_in_use), TW_STR(" in use")));

    tw_json_writer result = {0};
    tw_jw_begin_object(&result);
    tw_jw_key(&result, TW_STR("iterations"));
    tw_jw_i64(&result, taken);
    tw_jw_end_object(&result);
    tw_complete_json(tw_jw_result(&result));
}

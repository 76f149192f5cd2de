/*
 * bench_steps: the durable benchmarks' workflow (bench/guests/README.md), in C.
 *
 * Input:  params[0]: {"before", "timers", "timer_ms", "after", "park_ms", "activity_queue"},
 *         every field optional (0, or "bench-activities" for the queue).
 * Steps:  `before` echo activities, then `timers` timers of `timer_ms`, then `after` echo
 *         activities, one after the other (each echo gets its step number); then, when
 *         `park_ms` > 0, waits for signal `release` at most `park_ms` (the timer is cancelled
 *         if the signal wins).
 * Result: {"done": steps taken, a release by signal counting as one}.
 *
 * Every step allocates in a scope freed before the next, so a long run stays in the heap its
 * first step needed.
 */
#include "temporal_wasm.h"

static int64_t field(tw_json input, const char *name) {
    int64_t value = 0;
    tw_json_i64(tw_json_get(input, tw_cstr(name)), &value);
    return value < 0 ? 0 : value;
}

static void echo(tw_str queue, int64_t step) {
    tw_scope scope;
    tw_scope_begin(&scope);
    tw_result echoed = tw_activity_execute(&(tw_activity_options){
        .activity_type = TW_STR("echo"),
        .task_queue = queue,
        .args = TW_ARGS(tw_i64_to_str(step)),
        .start_to_close_timeout_ms = 10000,
    });
    if (!tw_result_ok(&echoed)) {
        tw_fail((tw_failure){
            .message = TW_CONCAT(TW_STR("echo failed: "), tw_failure_reason(&echoed.failure)),
            .type = TW_STR("EchoFailed"),
            .non_retryable = true,
        });
    }
    tw_scope_end(&scope);
}

TW_EXPORT("run") void run(void) {
    tw_json input = {0};
    tw_param_json(tw_get_info(), 0, &input);
    int64_t before = field(input, "before"), timers = field(input, "timers");
    int64_t timer_ms = field(input, "timer_ms"), after = field(input, "after");
    int64_t park_ms = field(input, "park_ms");
    tw_str queue = tw_json_get_string(input, TW_STR("activity_queue"), TW_STR("bench-activities"));

    int64_t done = 0;
    for (int64_t i = 0; i < before; i++, done++) echo(queue, i);
    for (int64_t i = 0; i < timers; i++, done++) tw_sleep(timer_ms > 0 ? timer_ms : 1);
    for (int64_t i = 0; i < after; i++, done++) echo(queue, before + i);
    if (park_ms > 0) {
        tw_handle release = tw_signal_channel(TW_STR("release"));
        if (tw_select(&release, 1, park_ms) == release) {
            tw_signal_take(release);
            done++;
        }
    }

    tw_json_writer result = {0};
    tw_jw_begin_object(&result);
    tw_jw_key(&result, TW_STR("done"));
    tw_jw_i64(&result, done);
    tw_jw_end_object(&result);
    tw_complete_json(tw_jw_result(&result));
}

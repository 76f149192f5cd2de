/*
 * waiting.c - handles: waiting on them, taking their results, cancelling them; and timers,
 * the simplest thing to wait on.
 */
#include "host.h"
#include "internal.h"

tw_handle tw_wait(const tw_handle *handles, size_t count) {
    return tw_host_wait(handles, (uint32_t)count);
}

bool tw_is_ready(tw_handle handle) { return tw_host_is_ready(handle) != 0; }

tw_str tw_take_json(tw_handle handle) {
    /* A buffer of exactly `result_len` bytes: `take_result` refuses any other length. */
    uint32_t len = tw_host_result_len(handle);
    char *json = tw_alloc(len);
    tw_host_take_result(handle, json, len);
    return (tw_str){json, len};
}

tw_result tw_take(tw_handle handle) {
    tw_result result;
    if (!tw_result_parse(tw_take_json(handle), &result)) {
        tw__trap_with_log(TW_CONCAT(TW_STR("temporal_wasm: handle "), tw_i64_to_str(handle),
                                    TW_STR(" resolved with something that is not a result: "),
                                    result.json));
    }
    return result;
}

tw_result tw_await(tw_handle handle) {
    tw_wait(&handle, 1);
    return tw_take(handle);
}

void tw_cancel(tw_handle handle) { tw_host_cancel(handle); }

void tw_discard(tw_handle handle) {
    if (!tw_is_ready(handle)) tw_host_cancel(handle);
    if (tw_is_ready(handle)) tw_free((void *)tw_take_json(handle).ptr);
}

tw_handle tw_select(const tw_handle *handles, size_t count, int64_t timeout_ms) {
    if (timeout_ms <= 0) {
        for (size_t i = 0; i < count; i++) {
            if (tw_is_ready(handles[i])) return handles[i];
        }
        return 0;
    }
    tw_handle *set = tw_alloc((count + 1) * sizeof(tw_handle));
    for (size_t i = 0; i < count; i++) set[i] = handles[i];
    tw_handle timer = tw_timer_start(timeout_ms, TW_NONE);
    set[count] = timer;
    tw_handle ready = tw_wait(set, count + 1);
    tw_free(set);
    tw_discard(timer); /* fired: takes its result; pending: cancels it and takes that */
    return ready == timer ? 0 : ready;
}

tw_handle tw_timer_start(int64_t duration_ms, tw_str summary) {
    tw_str json = tw_encode_timer(duration_ms, summary);
    tw_handle timer = TW_HOST_STR(tw_host_start_timer, json);
    tw__free_json(json);
    return timer;
}

void tw_sleep(int64_t duration_ms) {
    tw_handle timer = tw_timer_start(duration_ms, TW_NONE);
    tw_wait(&timer, 1);
    tw_free((void *)tw_take_json(timer).ptr);
}

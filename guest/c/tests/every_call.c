/*
 * every_call.c - a test-only workflow that makes every call of the SDK once, so that
 * workflow_test.c can check on the mock worker that each wrapper reaches the right import with
 * the right JSON (the examples do not use children, continue-as-new, patches...).
 */
#include "temporal_wasm.h"

TW_EXPORT("run") void run(void) {
    const tw_info *info = tw_get_info();
    if (tw_log_enabled(TW_LOG_INFO)) {
        tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("every_call in "), info->workflow.workflow_id));
    }
    if (tw_now() != 1767225600000 || tw_random_u64() != 0x5a5a5a5a5a5a5a5aull || tw_is_replaying() ||
        tw_max_log_level() != 3) {
        tw_fail((tw_failure){.message = TW_STR("deterministic sources")});
    }
    tw_patched(TW_STR("new-path"));
    tw_deprecate_patch(TW_STR("old-path"));

    tw_sleep(10);
    tw_handle timer = tw_timer_start(1000, TW_STR("cancelled soon"));
    tw_cancel(timer);
    tw_result cancelled = tw_take(timer);
    if (cancelled.outcome != TW_CANCELLED) tw_fail((tw_failure){.message = TW_STR("timer not cancelled")});

    tw_result child = tw_child_execute(&(tw_child_options){
        .workflow_type = TW_STR("Ship"),
        .args = TW_ARGS(TW_STR("{\"order_id\":\"A-17\"}")),
        .parent_close_policy = TW_PARENT_CLOSE_ABANDON,
    });
    tw_json value;
    if (tw_result_value(&child, &value) != TW_PARAM_OK) tw_fail((tw_failure){.message = TW_STR("child")});

    tw_await(tw_signal_external(&(tw_external_workflow){.workflow_id = TW_STR("batch-3")}, TW_STR("order_done"),
                                TW_ARGS(TW_STR("17"))));
    tw_await(tw_cancel_external(&(tw_external_workflow){.workflow_id = TW_STR("reminder"), .run_id = TW_STR("r1")}));

    tw_upsert_search_attributes(TW_PAIRS({TW_STR("CustomIntField"), TW_STR("3")}));
    tw_upsert_memo(TW_PAIRS({TW_STR("old"), TW_NONE}));
    tw_emit_metric((tw_metric){.name = TW_STR("steps"), .kind = TW_METRIC_HISTOGRAM, .value = 2.5});
    tw_set_query_result(TW_STR("progress"), TW_STR("{\"step\":1}"));
    tw_set_query_result(TW_STR("nothing"), TW_NONE);
    tw_set_current_details(TW_STR("almost **done**"));

    tw_handle go = tw_signal_channel(TW_STR("go"));
    if (tw_select(&go, 1, 500) != 0) tw_fail((tw_failure){.message = TW_STR("select should time out")});
    if (tw_select(&go, 1, 0) != 0) tw_fail((tw_failure){.message = TW_STR("a poll finds nothing")});
    tw_signal signal = tw_signal_receive(go);
    if (tw_signal_arg(&signal, 0, &value) != TW_PARAM_OK) tw_fail((tw_failure){.message = TW_STR("signal")});
    if (tw_cancel_requested()) tw_fail((tw_failure){.message = TW_STR("not cancelled")});

    tw_handle updates = tw_update_channel(TW_STR("bump"));
    tw_update update;
    tw_wait(&updates, 1);
    update = tw_update_take(updates);
    tw_update_fail(&update, (tw_failure){.message = TW_STR("no"), .type = TW_STR("Refused")});

    tw_continue_as_new(&(tw_continue_as_new_options){
        .args = TW_ARGS(TW_STR("{\"page\":2}")),
        .retry_policy = &(tw_retry_policy){.maximum_attempts = 1},
    });
}

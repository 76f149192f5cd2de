/*
 * validate_order: checks an order and totals it, or rejects it with every problem found.
 *
 * Input:  params[0]: a json/plain payload holding
 *         {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}
 * Result: {"order_id": ..., "item_count": <sum of quantities>, "total_cents": <sum of quantity*price>}
 * Fails:  non-retryable `InvalidOrder`, message "invalid order: <problems joined by "; ">", and one
 *         detail {"order_id": <id or null>, "problems": [...]}.
 *
 * A one-shot workflow: it makes no v1 call, so the bundle imports only the five v0 calls.
 */
#include "order.h"

TW_EXPORT("run") void run(void) {
    tw_json order;
    bool valid_json = tw_param_json(tw_get_info(), 0, &order) == TW_PARAM_OK;

    order_check check;
    order_check_run(&check, valid_json, order);
    if (check.problem_count) order_fail(&check);

    tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("order "), order_shown_id(&check), TW_STR(" accepted")));

    tw_json_writer result = {0};
    tw_jw_begin_object(&result);
    tw_jw_key(&result, TW_STR("order_id"));
    tw_jw_string(&result, check.order_id);
    tw_jw_key(&result, TW_STR("item_count"));
    tw_jw_i64(&result, (int64_t)check.item_count);
    tw_jw_key(&result, TW_STR("total_cents"));
    tw_jw_i64(&result, (int64_t)check.total_cents);
    tw_jw_end_object(&result);
    tw_complete_json(tw_jw_result(&result));
}

/*
 * order.c - see order.h.
 */
#include "order.h"

void order_add_problem(order_check *check, tw_str problem) {
    if (check->problem_count++) tw_buf_str(&check->joined, TW_STR("; "));
    tw_buf_str(&check->joined, problem);
    tw_jw_string(&check->problems, problem);
}

/* Reads an integer member that must be at least `min`. */
static bool integer_at_least(tw_json object, tw_str key, int64_t min, int64_t *out) {
    return tw_json_i64(tw_json_get(object, key), out) && *out >= min;
}

void order_check_run(order_check *check, bool valid_json, tw_json order) {
    *check = (order_check){.order_id = TW_STR("")};
    tw_jw_begin_array(&check->problems);
    if (!valid_json || tw_json_kind_of(order) != TW_JSON_OBJECT) {
        order_add_problem(check, TW_STR("order must be a JSON object"));
        return;
    }
    /* An empty id counts as no id: it is reported as missing, logged as `?`, sent as null. */
    check->has_order_id =
        tw_json_string(tw_json_get(order, TW_STR("order_id")), &check->order_id) && check->order_id.len;
    if (!check->has_order_id) order_add_problem(check, TW_STR("order_id is required"));

    tw_json items = tw_json_get(order, TW_STR("items"));
    if (tw_json_kind_of(items) != TW_JSON_ARRAY || tw_json_count(items) == 0) {
        order_add_problem(check, TW_STR("order has no items"));
    }

    tw_json_iter iter = tw_json_iterate(items); /* yields nothing unless items is an array */
    tw_json item;
    for (int64_t index = 0; tw_json_next(&iter, NULL, &item); index++) {
        tw_str prefix = TW_CONCAT(TW_STR("items["), tw_i64_to_str(index), TW_STR("]."));
        tw_str sku;
        int64_t quantity, unit_price_cents;
        if (!tw_json_string(tw_json_get(item, TW_STR("sku")), &sku) || sku.len == 0) {
            order_add_problem(check, TW_CONCAT(prefix, TW_STR("sku is required")));
        }
        bool quantity_ok = integer_at_least(item, TW_STR("quantity"), 1, &quantity);
        if (!quantity_ok) {
            order_add_problem(check, TW_CONCAT(prefix, TW_STR("quantity must be a positive integer")));
        }
        bool price_ok = integer_at_least(item, TW_STR("unit_price_cents"), 0, &unit_price_cents);
        if (!price_ok) {
            order_add_problem(check,
                              TW_CONCAT(prefix, TW_STR("unit_price_cents must be a non-negative integer")));
        }
        if (quantity_ok && price_ok) {
            check->item_count += (uint64_t)quantity;
            check->total_cents += (uint64_t)quantity * (uint64_t)unit_price_cents;
        }
    }
}

tw_str order_shown_id(const order_check *check) {
    return check->has_order_id ? check->order_id : TW_STR("?");
}

_Noreturn void order_fail(order_check *check) {
    tw_jw_end_array(&check->problems);
    tw_log(TW_LOG_WARN, TW_CONCAT(TW_STR("order "), order_shown_id(check), TW_STR(" rejected")));

    tw_json_writer detail = {0};
    tw_jw_begin_object(&detail);
    tw_jw_key(&detail, TW_STR("order_id"));
    if (check->has_order_id) {
        tw_jw_string(&detail, check->order_id);
    } else {
        tw_jw_null(&detail);
    }
    tw_jw_key(&detail, TW_STR("problems"));
    tw_jw_raw(&detail, tw_jw_result(&check->problems));
    tw_jw_end_object(&detail);

    tw_fail((tw_failure){
        .message = TW_CONCAT(TW_STR("invalid order: "), tw_buf_view(&check->joined)),
        .type = TW_STR("InvalidOrder"),
        .non_retryable = true,
        .details = TW_ARGS(tw_jw_result(&detail)),
    });
}

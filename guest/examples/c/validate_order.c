/*
 * validate_order: checks an order and totals it, or rejects it with every problem found.
 *
 * Input:  params[0]: a json/plain payload holding
 *         {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}
 * Result: {"order_id": ..., "item_count": <sum of quantities>, "total_cents": <sum of quantity*price>}
 * Fails:  non-retryable `InvalidOrder`, message "invalid order: <problems joined by "; ">", and one
 *         detail {"order_id": <id or null>, "problems": [...]}.
 */
#include "temporal_wasm.h"

/* The problems found so far, kept both as a JSON array (for the failure detail) and as the
 * "; "-joined text (for the failure message). */
typedef struct {
    tw_json_writer json;
    tw_buf joined;
    size_t count;
} problem_list;

static void add_problem(problem_list *problems, tw_str problem) {
    if (problems->count++) tw_buf_str(&problems->joined, TW_STR("; "));
    tw_buf_str(&problems->joined, problem);
    tw_jw_string(&problems->json, problem);
}

/* Reads an integer member that must be at least `min`. */
static bool integer_at_least(tw_json object, tw_str key, int64_t min, int64_t *out) {
    return tw_json_i64(tw_json_get(object, key), out) && *out >= min;
}

TW_EXPORT("run") void run(void) {
    const tw_info *info = tw_get_info();

    problem_list problems = {0};
    tw_jw_begin_array(&problems.json);
    tw_str order_id = {0};
    bool has_order_id = false;
    /* Totals wrap on int64 overflow rather than trap: the spec sets no upper bound. */
    uint64_t item_count = 0, total_cents = 0;

    tw_json order;
    if (tw_param_json(info, 0, &order) != TW_PARAM_OK || tw_json_kind_of(order) != TW_JSON_OBJECT) {
        add_problem(&problems, TW_STR("order must be a JSON object"));
    } else {
        /* An empty id counts as no id: it is reported as missing, logged as `?`, sent as null. */
        has_order_id = tw_json_string(tw_json_get(order, TW_STR("order_id")), &order_id) && order_id.len;
        if (!has_order_id) add_problem(&problems, TW_STR("order_id is required"));

        tw_json items = tw_json_get(order, TW_STR("items"));
        if (tw_json_kind_of(items) != TW_JSON_ARRAY || tw_json_count(items) == 0) {
            add_problem(&problems, TW_STR("order has no items"));
        }

        tw_json_iter iter = tw_json_iterate(items); /* yields nothing unless items is an array */
        tw_json item;
        for (int64_t index = 0; tw_json_next(&iter, NULL, &item); index++) {
            tw_str prefix = TW_CONCAT(TW_STR("items["), tw_i64_to_str(index), TW_STR("]."));
            tw_str sku;
            int64_t quantity, unit_price_cents;
            if (!tw_json_string(tw_json_get(item, TW_STR("sku")), &sku) || sku.len == 0) {
                add_problem(&problems, TW_CONCAT(prefix, TW_STR("sku is required")));
            }
            bool quantity_ok = integer_at_least(item, TW_STR("quantity"), 1, &quantity);
            if (!quantity_ok) {
                add_problem(&problems, TW_CONCAT(prefix, TW_STR("quantity must be a positive integer")));
            }
            bool price_ok = integer_at_least(item, TW_STR("unit_price_cents"), 0, &unit_price_cents);
            if (!price_ok) {
                add_problem(&problems,
                            TW_CONCAT(prefix, TW_STR("unit_price_cents must be a non-negative integer")));
            }
            if (quantity_ok && price_ok) {
                item_count += (uint64_t)quantity;
                total_cents += (uint64_t)quantity * (uint64_t)unit_price_cents;
            }
        }
    }

    tw_str shown_id = has_order_id ? order_id : TW_STR("?");
    if (problems.count) {
        tw_jw_end_array(&problems.json);
        tw_log(TW_LOG_WARN, TW_CONCAT(TW_STR("order "), shown_id, TW_STR(" rejected")));

        tw_json_writer detail = {0};
        tw_jw_begin_object(&detail);
        tw_jw_key(&detail, TW_STR("order_id"));
        if (has_order_id) {
            tw_jw_string(&detail, order_id);
        } else {
            tw_jw_null(&detail);
        }
        tw_jw_key(&detail, TW_STR("problems"));
        tw_jw_raw(&detail, tw_jw_result(&problems.json));
        tw_jw_end_object(&detail);

        tw_str detail_json = tw_jw_result(&detail);
        tw_fail((tw_failure){
            .message = TW_CONCAT(TW_STR("invalid order: "), tw_buf_view(&problems.joined)),
            .type = TW_STR("InvalidOrder"),
            .non_retryable = true,
            .details = &detail_json,
            .details_count = 1,
        });
    }

    tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("order "), shown_id, TW_STR(" accepted")));

    tw_json_writer result = {0};
    tw_jw_begin_object(&result);
    tw_jw_key(&result, TW_STR("order_id"));
    tw_jw_string(&result, order_id);
    tw_jw_key(&result, TW_STR("item_count"));
    tw_jw_i64(&result, (int64_t)item_count);
    tw_jw_key(&result, TW_STR("total_cents"));
    tw_jw_i64(&result, (int64_t)total_cents);
    tw_jw_end_object(&result);
    tw_complete_json(tw_jw_result(&result));
}

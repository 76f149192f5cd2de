/*
 * order.h - checking an order, shared by validate_order and order_fulfilment so that both
 * reject a bad order with the same InvalidOrder failure.
 *
 * An order is {"order_id": "A-17", "items": [{"sku": "apple", "quantity": 3, "unit_price_cents": 125}]}.
 */
#ifndef ORDER_H
#define ORDER_H

#include "temporal_wasm.h"

/** What checking an order found. */
typedef struct {
    tw_str order_id;            /* the id, or "" */
    bool has_order_id;          /* an empty id counts as none */
    uint64_t item_count;        /* the sum of quantities (wraps on overflow: no upper bound is set) */
    uint64_t total_cents;       /* the sum of quantity * unit_price_cents */
    tw_json_writer problems;    /* the problems as a JSON array, still open */
    tw_buf joined;              /* the problems joined by "; " */
    size_t problem_count;
} order_check;

/**
 * Checks `order` (`valid_json`: whether the parameter was a JSON value at all) and records
 * every problem found, in the order validate_order has always reported them.
 */
void order_check_run(order_check *check, bool valid_json, tw_json order);

/** Adds one more problem. */
void order_add_problem(order_check *check, tw_str problem);

/** The id as logs show it: the id, or `?`. */
tw_str order_shown_id(const order_check *check);

/**
 * Fails the workflow non-retryably with type InvalidOrder, message "invalid order: <problems
 * joined by "; ">" and one detail {"order_id": <id or null>, "problems": [...]}.
 */
_Noreturn void order_fail(order_check *check);

#endif /* ORDER_H */

/*
 * workflow_test_validate_order.c - validate_order on the mock worker: a valid order's
 * totals, every problem of an invalid one listed, and what is not an order refused.
 */
#define _POSIX_C_SOURCE 200809L /* strndup */
#include "workflow_test.h"

static void validate_order_totals_a_valid_order(void) {
    mock_outcome o = mock_run(&(mock_scenario){
        .input = "{\"order_id\": \"A-17\", \"items\": [{\"sku\": \"apple\", \"quantity\": 3, \"unit_price_cents\": 125},"
                 " {\"sku\": \"pear\", \"quantity\": 2, \"unit_price_cents\": 80}]}"});
    check_ending(&o, MOCK_COMPLETED);
    CHECK(o.json && strcmp(o.json, "{\"order_id\":\"A-17\",\"item_count\":5,\"total_cents\":535}") == 0, "%s", o.json);
}

static void validate_order_lists_every_problem(void) {
    mock_outcome o = mock_run(&(mock_scenario){
        .input = "{\"order_id\": \"B-2\", \"items\": [{\"sku\": \"\", \"quantity\": 0, \"unit_price_cents\": 10},"
                 " {\"sku\": \"kiwi\", \"quantity\": 1.5, \"unit_price_cents\": -1}]}"});
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure;
    tw_json detail;
    CHECK(tw_failure_read(parsed(o.json), &failure) && tw_failure_detail(&failure, 0, &detail) == TW_PARAM_OK,
          "a failure with a detail");
    CHECK_STR(failure.type, TW_STR("InvalidOrder"));
    CHECK_STR(failure.message, TW_STR("invalid order: items[0].sku is required; items[0].quantity must be a positive "
                                      "integer; items[1].quantity must be a positive integer; "
                                      "items[1].unit_price_cents must be a non-negative integer"));
    char *detail_text = strndup(detail.at, tw_json_raw(detail).len);
    check_same_json(detail_text, "{\"order_id\":\"B-2\",\"problems\":[\"items[0].sku is required\","
                                 "\"items[0].quantity must be a positive integer\","
                                 "\"items[1].quantity must be a positive integer\","
                                 "\"items[1].unit_price_cents must be a non-negative integer\"]}");
}

static void validate_order_refuses_what_is_not_an_order(void) {
    mock_outcome o = mock_run(&(mock_scenario){.input = "\"not an order\""});
    check_ending(&o, MOCK_FAILED);
    tw_failure_view failure;
    CHECK(tw_failure_read(parsed(o.json), &failure), "a failure");
    CHECK_STR(failure.message, TW_STR("invalid order: order must be a JSON object"));
}

void run_tests(void) {
    TEST(validate_order_totals_a_valid_order);
    TEST(validate_order_lists_every_problem);
    TEST(validate_order_refuses_what_is_not_an_order);
}

/*
 * order_fulfilment: a durable order workflow: reserve stock, charge over HTTP, wait for an
 * approval (or a timeout, or cancellation) while taking notes, ship, and compensate on the way
 * out when something fails.
 *
 * Input:  params[0]: {"order_id", "items": [{"sku", "quantity", "unit_price_cents"}],
 *                     "payment_url", "approval_timeout_ms"?: (default 60000)}
 * Steps:
 *   1. Check the order as validate_order does (the same InvalidOrder failure), then that it
 *      has a payment_url and a positive approval_timeout_ms.
 *   2. `reserve_stock` on task queue `inventory` with {"order_id", "items"} -> {"reservation_id"}.
 *   3. POST {"order_id", "amount_cents"} to payment_url as an HTTP activity -> {"charge_id"}.
 *      On failure: `release_stock`, then fail with `PaymentFailed`.
 *   4. Publish query `status` {"state": "awaiting_approval", ...} and the current details.
 *   5. Wait for signal `approve` [{"approved_by"}], the approval timer or cancellation, taking
 *      `add_note` updates meanwhile (a validator rejects an empty note with `EmptyNote`).
 *      Timer first: `refund`, `release_stock`, fail with `ApprovalTimedOut`. Cancellation
 *      first: the same compensation, then end as cancelled.
 *   6. `ship` {"order_id", "reservation_id"} -> {"tracking"}; publish `status` "shipped".
 *   7. Count `orders_completed{outcome="shipped"}` and complete with the receipt
 *      {"order_id", "reservation_id", "charge_id", "approved_by", "tracking", "total_cents",
 *       "notes"?: [...]}.
 */
#include "order.h"

#define INVENTORY TW_STR("inventory")
#define ACTIVITY_TIMEOUT_MS 10000

static const tw_retry_policy three_attempts = {.maximum_attempts = 3};

/** What the run has learnt so far; every field lives in the root scope. */
typedef struct {
    tw_str order_id;
    int64_t total_cents;
    int64_t approval_timeout_ms;
    tw_str reservation_id;
    tw_str charge_id;
    tw_str approved_by;
    tw_str tracking;
    tw_json_writer notes;   /* the accepted notes, a JSON array left open */
    int64_t note_count;
} fulfilment;

/* ---- small JSON helpers ---- */

/** `{"<key>": "<value>"}`. */
static tw_str object_of(tw_str key, tw_str value) {
    tw_json_writer w = {0};
    tw_jw_begin_object(&w);
    tw_jw_key(&w, key);
    tw_jw_string(&w, value);
    tw_jw_end_object(&w);
    return tw_jw_result(&w);
}

/** The string member `key` of a completed result's JSON object, if there is one. */
static bool result_string(const tw_result *result, tw_str key, tw_str *out) {
    tw_json value;
    return tw_result_value(result, &value) == TW_PARAM_OK &&
           tw_json_string(tw_json_get(value, key), out) && out->len;
}

/** Why a result is not a success: the failure's reason, or that a field was missing. */
static tw_str failure_reason(const tw_result *result, tw_str missing_field) {
    if (!tw_result_ok(result)) return tw_failure_reason(&result->failure);
    return TW_CONCAT(TW_STR("the result has no "), missing_field);
}

/** The items re-encoded with the fields the inventory needs, in a fixed order. */
static void write_items(tw_json_writer *w, tw_json items) {
    tw_jw_begin_array(w);
    tw_json_iter iter = tw_json_iterate(items);
    tw_json item;
    int64_t number;
    while (tw_json_next(&iter, NULL, &item)) {
        tw_jw_begin_object(w);
        tw_jw_key(w, TW_STR("sku"));
        tw_jw_string(w, tw_json_get_string(item, TW_STR("sku"), TW_STR("")));
        tw_jw_key(w, TW_STR("quantity"));
        tw_json_i64(tw_json_get(item, TW_STR("quantity")), &number);
        tw_jw_i64(w, number);
        tw_jw_key(w, TW_STR("unit_price_cents"));
        tw_json_i64(tw_json_get(item, TW_STR("unit_price_cents")), &number);
        tw_jw_i64(w, number);
        tw_jw_end_object(w);
    }
    tw_jw_end_array(w);
}

/* ---- the steps ---- */

/** Runs one compensating activity on `inventory`; a failure is logged, not fatal. */
static void compensate_with(const fulfilment *f, tw_str activity, tw_str key, tw_str value) {
    tw_scope step;
    tw_scope_begin(&step);
    tw_result result = tw_activity_execute(&(tw_activity_options){
        .activity_type = activity,
        .task_queue = INVENTORY,
        .args = TW_ARGS(object_of(key, value)),
        .start_to_close_timeout_ms = ACTIVITY_TIMEOUT_MS,
    });
    if (!tw_result_ok(&result)) {
        tw_log(TW_LOG_ERROR, TW_CONCAT(TW_STR("order "), f->order_id, TW_STR(": "), activity,
                                       TW_STR(" failed: "), tw_failure_reason(&result.failure)));
    }
    tw_scope_end(&step);
}

/** Undoes the charge and the reservation. */
static void refund_and_release(const fulfilment *f) {
    compensate_with(f, TW_STR("refund"), TW_STR("charge_id"), f->charge_id);
    compensate_with(f, TW_STR("release_stock"), TW_STR("reservation_id"), f->reservation_id);
}

/** Fails the workflow non-retryably with `type` and `message`, keeping `cause` (a result). */
_Noreturn static void fail_with(tw_str type, tw_str message, const tw_result *cause) {
    tw_fail((tw_failure){
        .message = message,
        .type = type,
        .non_retryable = true,
        .cause_json = cause && !tw_result_ok(cause) ? tw_json_raw(cause->failure.json) : TW_NONE,
    });
}

/** Step 2: reserve the stock. */
static void reserve_stock(fulfilment *f, tw_json items) {
    tw_json_writer arg = {0};
    tw_jw_begin_object(&arg);
    tw_jw_key(&arg, TW_STR("order_id"));
    tw_jw_string(&arg, f->order_id);
    tw_jw_key(&arg, TW_STR("items"));
    write_items(&arg, items);
    tw_jw_end_object(&arg);

    tw_result reserved = tw_activity_execute(&(tw_activity_options){
        .activity_type = TW_STR("reserve_stock"),
        .task_queue = INVENTORY,
        .args = TW_ARGS(tw_jw_result(&arg)),
        .start_to_close_timeout_ms = ACTIVITY_TIMEOUT_MS,
        .retry_policy = &three_attempts,
    });
    if (!result_string(&reserved, TW_STR("reservation_id"), &f->reservation_id)) {
        fail_with(TW_STR("ReservationFailed"),
                  TW_CONCAT(TW_STR("reserving stock for order "), f->order_id, TW_STR(" failed: "),
                            failure_reason(&reserved, TW_STR("reservation_id"))),
                  &reserved);
    }
    tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("order "), f->order_id, TW_STR(": stock reserved as "),
                                  f->reservation_id));
}

/** Step 3: charge the order through the payment service, or undo the reservation and fail. */
static void charge(fulfilment *f, tw_str payment_url) {
    tw_json_writer body = {0};
    tw_jw_begin_object(&body);
    tw_jw_key(&body, TW_STR("order_id"));
    tw_jw_string(&body, f->order_id);
    tw_jw_key(&body, TW_STR("amount_cents"));
    tw_jw_i64(&body, f->total_cents);
    tw_jw_end_object(&body);

    tw_result charged = tw_http_execute(&(tw_http_request){
        .method = TW_STR("POST"),
        .url = payment_url,
        .headers = TW_PAIRS({TW_STR("content-type"), TW_STR("application/json")},
                            {TW_STR("authorization"), TW_STR("Bearer {{secret PAYMENTS_TOKEN}}")}),
        .body = tw_jw_result(&body),
        .start_to_close_timeout_ms = ACTIVITY_TIMEOUT_MS,
        .retry_policy = &three_attempts,
    });

    tw_http_response response;
    tw_json answer;
    bool ok = tw_http_response_read(&charged, &response) && tw_json_parse(response.body, &answer) &&
              tw_json_string(tw_json_get(answer, TW_STR("charge_id")), &f->charge_id) &&
              f->charge_id.len;
    if (!ok) {
        tw_str reason = tw_result_ok(&charged) ? TW_STR("the payment service answered without a charge_id")
                                                : tw_failure_reason(&charged.failure);
        compensate_with(f, TW_STR("release_stock"), TW_STR("reservation_id"), f->reservation_id);
        fail_with(TW_STR("PaymentFailed"),
                  TW_CONCAT(TW_STR("payment for order "), f->order_id, TW_STR(" failed: "), reason),
                  &charged);
    }
    tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("order "), f->order_id, TW_STR(": charged as "), f->charge_id));
}

/** Publishes the `status` query: {"state", "order_id", "charge_id", "tracking"?}. */
static void publish_status(const fulfilment *f, tw_str state) {
    tw_json_writer status = {0};
    tw_jw_begin_object(&status);
    tw_jw_key(&status, TW_STR("state"));
    tw_jw_string(&status, state);
    tw_jw_key(&status, TW_STR("order_id"));
    tw_jw_string(&status, f->order_id);
    tw_jw_key(&status, TW_STR("charge_id"));
    tw_jw_string(&status, f->charge_id);
    if (f->tracking.ptr) {
        tw_jw_key(&status, TW_STR("tracking"));
        tw_jw_string(&status, f->tracking);
    }
    tw_jw_end_object(&status);
    tw_set_query_result(TW_STR("status"), tw_jw_result(&status));
    tw_jw_free(&status);
}

/** The `add_note` validator: a note must be a non-empty string. */
static bool note_is_valid(const tw_update *update, void *context, tw_failure *rejection) {
    (void)context;
    tw_json arg;
    tw_str note;
    if (tw_update_arg(update, 0, &arg) == TW_PARAM_OK &&
        tw_json_string(tw_json_get(arg, TW_STR("note")), &note) && note.len) {
        return true;
    }
    *rejection = (tw_failure){.message = TW_STR("a note must not be empty"), .type = TW_STR("EmptyNote")};
    return false;
}

/** Takes one `add_note` update: rejects it, or keeps the note and answers {"notes": count}. */
static void take_note(fulfilment *f, tw_handle channel) {
    tw_scope step; /* the update's JSON is freed when it has been answered */
    tw_scope_begin(&step);
    tw_update update;
    if (tw_update_take_valid(channel, note_is_valid, NULL, &update)) {
        tw_json arg;
        tw_update_arg(&update, 0, &arg);
        tw_str note = tw_json_get_string(arg, TW_STR("note"), TW_STR(""));
        tw_jw_string(&f->notes, note); /* the writer's buffer belongs to the root scope */
        f->note_count++;

        tw_json_writer answer = {0};
        tw_jw_begin_object(&answer);
        tw_jw_key(&answer, TW_STR("notes"));
        tw_jw_i64(&answer, f->note_count);
        tw_jw_end_object(&answer);
        tw_update_complete(&update, tw_jw_result(&answer));
    }
    tw_scope_end(&step);
}

/** Step 5: waits for the approval, the deadline or cancellation, taking notes meanwhile. */
static void await_approval(fulfilment *f, tw_handle cancelled) {
    tw_handle approve = tw_signal_channel(TW_STR("approve"));
    tw_handle notes = tw_update_channel(TW_STR("add_note"));
    tw_handle deadline = tw_timer_start(f->approval_timeout_ms,
                                        TW_CONCAT(TW_STR("approval of order "), f->order_id));
    for (;;) {
        /* Notes first, so an update is always validated in the activation it arrived in. */
        tw_handle ready = TW_WAIT_ANY(notes, approve, cancelled, deadline);
        if (ready == notes) {
            take_note(f, notes);
        } else if (ready == approve) {
            tw_discard(deadline);
            tw_signal approval = tw_signal_take(approve);
            tw_json arg;
            tw_signal_arg(&approval, 0, &arg);
            f->approved_by = tw_json_get_string(arg, TW_STR("approved_by"), TW_STR(""));
            tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("order "), f->order_id, TW_STR(": approved by "),
                                          f->approved_by));
            return;
        } else if (ready == cancelled) {
            tw_discard(deadline);
            tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("order "), f->order_id, TW_STR(": cancelled")));
            refund_and_release(f);
            tw_complete_as_cancelled(
                TW_ARGS(tw_json_quote(TW_CONCAT(TW_STR("order "), f->order_id, TW_STR(" cancelled")))));
        } else {
            tw_discard(deadline);
            tw_str ms = tw_i64_to_str(f->approval_timeout_ms);
            refund_and_release(f);
            fail_with(TW_STR("ApprovalTimedOut"),
                      TW_CONCAT(TW_STR("order "), f->order_id, TW_STR(" was not approved within "), ms,
                                TW_STR(" ms")),
                      NULL);
        }
    }
}

/** Step 6: ships the order, or undoes the charge and the reservation and fails. */
static void ship(fulfilment *f) {
    tw_json_writer arg = {0};
    tw_jw_begin_object(&arg);
    tw_jw_key(&arg, TW_STR("order_id"));
    tw_jw_string(&arg, f->order_id);
    tw_jw_key(&arg, TW_STR("reservation_id"));
    tw_jw_string(&arg, f->reservation_id);
    tw_jw_end_object(&arg);

    tw_result shipped = tw_activity_execute(&(tw_activity_options){
        .activity_type = TW_STR("ship"),
        .task_queue = INVENTORY,
        .args = TW_ARGS(tw_jw_result(&arg)),
        .start_to_close_timeout_ms = ACTIVITY_TIMEOUT_MS,
    });
    if (!result_string(&shipped, TW_STR("tracking"), &f->tracking)) {
        tw_str reason = failure_reason(&shipped, TW_STR("tracking"));
        refund_and_release(f);
        fail_with(TW_STR("ShipmentFailed"),
                  TW_CONCAT(TW_STR("shipping order "), f->order_id, TW_STR(" failed: "), reason), &shipped);
    }
    publish_status(f, TW_STR("shipped"));
}

/** Step 7: the receipt. */
_Noreturn static void complete_with_receipt(fulfilment *f) {
    tw_emit_metric((tw_metric){
        .name = TW_STR("orders_completed"),
        .kind = TW_METRIC_COUNTER,
        .value = 1,
        .labels = TW_PAIRS({TW_STR("outcome"), TW_STR("shipped")}),
    });

    tw_json_writer receipt = {0};
    tw_jw_begin_object(&receipt);
    tw_jw_key(&receipt, TW_STR("order_id"));
    tw_jw_string(&receipt, f->order_id);
    tw_jw_key(&receipt, TW_STR("reservation_id"));
    tw_jw_string(&receipt, f->reservation_id);
    tw_jw_key(&receipt, TW_STR("charge_id"));
    tw_jw_string(&receipt, f->charge_id);
    tw_jw_key(&receipt, TW_STR("approved_by"));
    tw_jw_string(&receipt, f->approved_by);
    tw_jw_key(&receipt, TW_STR("tracking"));
    tw_jw_string(&receipt, f->tracking);
    tw_jw_key(&receipt, TW_STR("total_cents"));
    tw_jw_i64(&receipt, f->total_cents);
    if (f->note_count) {
        tw_jw_end_array(&f->notes);
        tw_jw_key(&receipt, TW_STR("notes"));
        tw_jw_raw(&receipt, tw_jw_result(&f->notes));
    }
    tw_jw_end_object(&receipt);
    tw_log(TW_LOG_INFO, TW_CONCAT(TW_STR("order "), f->order_id, TW_STR(" shipped as "), f->tracking));
    tw_complete_json(tw_jw_result(&receipt));
}

TW_EXPORT("run") void run(void) {
    /* Heard from the start, so a cancellation during the first steps is compensated too. */
    tw_handle cancelled = tw_cancellation_channel();

    /* Step 1: the order, as validate_order checks it, then what fulfilment needs besides. */
    tw_json input;
    bool valid_json = tw_param_json(tw_get_info(), 0, &input) == TW_PARAM_OK;
    order_check check;
    order_check_run(&check, valid_json, input);
    if (check.problem_count) order_fail(&check);

    fulfilment f = {
        .order_id = check.order_id,
        .total_cents = (int64_t)check.total_cents,
        .approval_timeout_ms = 60000,
    };
    tw_str payment_url;
    if (!tw_json_string(tw_json_get(input, TW_STR("payment_url")), &payment_url) || !payment_url.len) {
        order_add_problem(&check, TW_STR("payment_url is required"));
    }
    tw_json timeout = tw_json_get(input, TW_STR("approval_timeout_ms"));
    if (tw_json_kind_of(timeout) != TW_JSON_MISSING && tw_json_kind_of(timeout) != TW_JSON_NULL &&
        (!tw_json_i64(timeout, &f.approval_timeout_ms) || f.approval_timeout_ms < 1)) {
        order_add_problem(&check, TW_STR("approval_timeout_ms must be a positive integer"));
    }
    if (check.problem_count) order_fail(&check);
    tw_jw_begin_array(&f.notes); /* allocated here, in the root scope, so notes outlive each step */

    reserve_stock(&f, tw_json_get(input, TW_STR("items")));
    charge(&f, payment_url);

    /* Step 4. */
    publish_status(&f, TW_STR("awaiting_approval"));
    tw_set_current_details(TW_CONCAT(TW_STR("awaiting approval of order "), f.order_id));

    await_approval(&f, cancelled);
    ship(&f);
    complete_with_receipt(&f);
}

/*
 * telling.c - what the workflow tells the world about itself: search attributes, memo, metrics.
 */
#include "host.h"
#include "internal.h"

void tw_upsert_search_attributes(tw_pairs attributes) {
    tw_str json = tw_encode_search_attributes(attributes);
    TW_HOST_STR(tw_host_upsert_search_attributes, json);
    tw__free_json(json);
}

void tw_upsert_memo(tw_pairs memo) {
    tw_str json = tw_encode_memo(memo);
    TW_HOST_STR(tw_host_upsert_memo, json);
    tw__free_json(json);
}

void tw_emit_metric(tw_metric metric) {
    tw_str json = tw_encode_metric(&metric);
    TW_HOST_STR(tw_host_emit_metric, json);
    tw__free_json(json);
}

/*
 * host.h - the worker's `env` imports (proto-notes/abi-v1-spec.md), as the engine's natives call
 * them. Pointers, lengths and handles are wasm i32 (read as u32); `now` returns i64.
 *
 * Every call is made from natives.c on behalf of the JavaScript SDK (guest/js/sdk), which
 * builds the JSON; this layer only moves bytes.
 */
#ifndef TW_JS_HOST_H
#define TW_JS_HOST_H

#include <stdint.h>

#define TW_IMPORT(name) __attribute__((import_module("env"), import_name(name)))

/* v0 */
TW_IMPORT("get_info_len") uint32_t tw_host_get_info_len(void);
TW_IMPORT("get_info") void tw_host_get_info(void *ptr, uint32_t len);
TW_IMPORT("write_log") void tw_host_write_log(uint32_t level, const void *ptr, uint32_t len);
TW_IMPORT("complete") void tw_host_complete(const void *ptr, uint32_t len);
TW_IMPORT("complete_with_failure") void tw_host_complete_with_failure(const void *ptr, uint32_t len);

/* v1: commands */
TW_IMPORT("start_timer") uint32_t tw_host_start_timer(const void *ptr, uint32_t len);
TW_IMPORT("start_activity") uint32_t tw_host_start_activity(const void *ptr, uint32_t len);
TW_IMPORT("start_http_activity") uint32_t tw_host_start_http_activity(const void *ptr, uint32_t len);
TW_IMPORT("start_child_workflow") uint32_t tw_host_start_child_workflow(const void *ptr, uint32_t len);
TW_IMPORT("signal_external_workflow")
uint32_t tw_host_signal_external_workflow(const void *ptr, uint32_t len);
TW_IMPORT("cancel_external_workflow")
uint32_t tw_host_cancel_external_workflow(const void *ptr, uint32_t len);
TW_IMPORT("cancel") void tw_host_cancel(uint32_t handle);

/* v1: inbound channels and answers */
TW_IMPORT("signal_channel") uint32_t tw_host_signal_channel(const void *name, uint32_t name_len);
TW_IMPORT("update_channel") uint32_t tw_host_update_channel(const void *name, uint32_t name_len);
TW_IMPORT("respond_update")
void tw_host_respond_update(const void *id, uint32_t id_len, const void *ptr, uint32_t len);
TW_IMPORT("cancellation_channel") uint32_t tw_host_cancellation_channel(void);
TW_IMPORT("set_query_result")
void tw_host_set_query_result(const void *name, uint32_t name_len, const void *ptr, uint32_t len);
TW_IMPORT("set_current_details") void tw_host_set_current_details(const void *ptr, uint32_t len);

/* v1: waiting and results */
TW_IMPORT("wait") uint32_t tw_host_wait(const uint32_t *handles, uint32_t count);
TW_IMPORT("is_ready") uint32_t tw_host_is_ready(uint32_t handle);
TW_IMPORT("result_len") uint32_t tw_host_result_len(uint32_t handle);
TW_IMPORT("take_result") void tw_host_take_result(uint32_t handle, void *ptr, uint32_t len);

/* v1: deterministic sources */
TW_IMPORT("now") int64_t tw_host_now(void);
TW_IMPORT("random") void tw_host_random(void *ptr, uint32_t len);
TW_IMPORT("patched") uint32_t tw_host_patched(const void *id, uint32_t id_len, uint32_t deprecated);
TW_IMPORT("is_replaying") uint32_t tw_host_is_replaying(void);

/* v1: telling the world */
TW_IMPORT("log_level") uint32_t tw_host_log_level(void);
TW_IMPORT("upsert_search_attributes") void tw_host_upsert_search_attributes(const void *ptr, uint32_t len);
TW_IMPORT("upsert_memo") void tw_host_upsert_memo(const void *ptr, uint32_t len);
TW_IMPORT("emit_metric") void tw_host_emit_metric(const void *ptr, uint32_t len);

/* v1: ending the run */
TW_IMPORT("continue_as_new") void tw_host_continue_as_new(const void *ptr, uint32_t len);
TW_IMPORT("complete_as_cancelled") void tw_host_complete_as_cancelled(const void *ptr, uint32_t len);

#endif /* TW_JS_HOST_H */

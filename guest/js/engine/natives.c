/*
 * natives.c - the `temporal:host` module: every ABI v1 call as a JavaScript function.
 *
 * The functions move bytes and nothing else: the SDK (guest/js/sdk) builds every request's
 * JSON and reads every result's, so the wire format lives in one language. Strings cross as
 * UTF-8; handles are numbers; a call that ends the run (complete, ...) does not return.
 *
 * While the bundle is being built (the modules' top-level code) there is no workflow: every
 * call that would reach the worker throws instead, naming itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "host.h"

/* Throws unless a workflow is running; `name` is the SDK-facing name of the call. */
static int require_run(JSContext *ctx, const char *name) {
    if (tw_current_phase == TW_PHASE_RUN) return 0;
    JS_ThrowInternalError(ctx,
                          "temporal: %s was called while the bundle was being built (at the top level "
                          "of a module, which runs once, at build time); call it inside the workflow "
                          "function",
                          name);
    return -1;
}

/* A string argument as UTF-8; NULL (with an exception) if it is not one. */
const char *tw_string_arg(JSContext *ctx, JSValueConst value, size_t *len) {
    if (!JS_IsString(value)) {
        JS_ThrowTypeError(ctx, "temporal:host expects a string");
        return NULL;
    }
    return JS_ToCStringLen(ctx, len, value);
}

static int handle_arg(JSContext *ctx, JSValueConst value, uint32_t *handle) {
    return JS_ToUint32(ctx, handle, value);
}

/* ---- commands that return a handle: (json) -> handle ---- */

typedef uint32_t (*json_to_handle)(const void *, uint32_t);
static const struct {
    const char *name;
    json_to_handle call;
} starters[] = {
    {"start_timer", tw_host_start_timer},
    {"start_activity", tw_host_start_activity},
    {"start_http_activity", tw_host_start_http_activity},
    {"start_child_workflow", tw_host_start_child_workflow},
    {"signal_external_workflow", tw_host_signal_external_workflow},
    {"cancel_external_workflow", tw_host_cancel_external_workflow},
};

static JSValue js_start(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic) {
    (void)this_val;
    (void)argc;
    if (require_run(ctx, starters[magic].name)) return JS_EXCEPTION;
    size_t len;
    const char *json = tw_string_arg(ctx, argv[0], &len);
    if (!json) return JS_EXCEPTION;
    uint32_t handle = starters[magic].call(json, (uint32_t)len);
    JS_FreeCString(ctx, json);
    return JS_NewUint32(ctx, handle);
}

/* ---- calls that take one string: (text) -> undefined ---- */

typedef void (*text_call)(const void *, uint32_t);
static const struct {
    const char *name;
    text_call call;
} senders[] = {
    {"upsert_search_attributes", tw_host_upsert_search_attributes},
    {"upsert_memo", tw_host_upsert_memo},
    {"emit_metric", tw_host_emit_metric},
    {"set_current_details", tw_host_set_current_details},
    {"complete", tw_host_complete},
    {"complete_with_failure", tw_host_complete_with_failure},
    {"continue_as_new", tw_host_continue_as_new},
    {"complete_as_cancelled", tw_host_complete_as_cancelled},
};

static JSValue js_send(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic) {
    (void)this_val;
    (void)argc;
    if (require_run(ctx, senders[magic].name)) return JS_EXCEPTION;
    size_t len;
    const char *text = tw_string_arg(ctx, argv[0], &len);
    if (!text) return JS_EXCEPTION;
    senders[magic].call(text, (uint32_t)len);
    JS_FreeCString(ctx, text);
    return JS_UNDEFINED;
}

/* ---- channels: (name) -> handle ---- */

static JSValue js_channel(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic) {
    (void)this_val;
    (void)argc;
    if (require_run(ctx, magic ? "update_channel" : "signal_channel")) return JS_EXCEPTION;
    size_t len;
    const char *name = tw_string_arg(ctx, argv[0], &len);
    if (!name) return JS_EXCEPTION;
    uint32_t handle = magic ? tw_host_update_channel(name, (uint32_t)len)
                            : tw_host_signal_channel(name, (uint32_t)len);
    JS_FreeCString(ctx, name);
    return JS_NewUint32(ctx, handle);
}

static JSValue js_cancellation_channel(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    if (require_run(ctx, "cancellation_channel")) return JS_EXCEPTION;
    return JS_NewUint32(ctx, tw_host_cancellation_channel());
}

/* ---- two strings: respond_update(id, json), set_query_result(name, json?) ---- */

static JSValue js_two_strings(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv, int magic) {
    (void)this_val;
    (void)argc;
    if (require_run(ctx, magic ? "set_query_result" : "respond_update")) return JS_EXCEPTION;
    size_t first_len, second_len = 0;
    const char *first = tw_string_arg(ctx, argv[0], &first_len);
    if (!first) return JS_EXCEPTION;
    const char *second = NULL;
    if (!JS_IsUndefined(argv[1])) {
        second = tw_string_arg(ctx, argv[1], &second_len);
        if (!second) {
            JS_FreeCString(ctx, first);
            return JS_EXCEPTION;
        }
    }
    if (magic) {
        tw_host_set_query_result(first, (uint32_t)first_len, second, (uint32_t)second_len);
    } else {
        tw_host_respond_update(first, (uint32_t)first_len, second, (uint32_t)second_len);
    }
    JS_FreeCString(ctx, first);
    if (second) JS_FreeCString(ctx, second);
    return JS_UNDEFINED;
}

/* ---- handles ---- */

static JSValue js_cancel(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    uint32_t handle;
    if (require_run(ctx, "cancel") || handle_arg(ctx, argv[0], &handle)) return JS_EXCEPTION;
    tw_host_cancel(handle);
    return JS_UNDEFINED;
}

static JSValue js_is_ready(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    uint32_t handle;
    if (require_run(ctx, "is_ready") || handle_arg(ctx, argv[0], &handle)) return JS_EXCEPTION;
    return JS_NewBool(ctx, tw_host_is_ready(handle) != 0);
}

/* The ready handle's result JSON, consumed; the buffer is freed before returning. */
static JSValue js_take_result(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    uint32_t handle;
    if (require_run(ctx, "take_result") || handle_arg(ctx, argv[0], &handle)) return JS_EXCEPTION;
    uint32_t len = tw_host_result_len(handle);
    char *buffer = malloc(len ? len : 1);
    if (!buffer) return JS_ThrowOutOfMemory(ctx);
    tw_host_take_result(handle, buffer, len);
    JSValue text = JS_NewStringLen(ctx, buffer, len);
    free(buffer);
    return text;
}

/* wait(handles: number[]) -> the first ready one. */
static JSValue js_wait(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    if (require_run(ctx, "wait")) return JS_EXCEPTION;
    int64_t count;
    if (JS_GetLength(ctx, argv[0], &count)) return JS_EXCEPTION;
    if (count <= 0 || count > 1 << 20) return JS_ThrowRangeError(ctx, "temporal: wait needs 1 or more handles");
    uint32_t small[16];
    uint32_t *handles = count <= 16 ? small : malloc((size_t)count * sizeof *handles);
    for (int64_t i = 0; i < count; i++) {
        JSValue item = JS_GetPropertyUint32(ctx, argv[0], (uint32_t)i);
        int failed = handle_arg(ctx, item, &handles[i]);
        JS_FreeValue(ctx, item);
        if (failed) {
            if (handles != small) free(handles);
            return JS_EXCEPTION;
        }
    }
    uint32_t ready = tw_host_wait(handles, (uint32_t)count);
    if (handles != small) free(handles);
    return JS_NewUint32(ctx, ready);
}

/* ---- deterministic sources ---- */

static JSValue js_now(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    if (require_run(ctx, "now")) return JS_EXCEPTION;
    return JS_NewInt64(ctx, tw_host_now());
}

/* A double in [0, 1) from 53 random bits: what Math.random returns. */
static JSValue js_random_float(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    if (require_run(ctx, "Math.random")) return JS_EXCEPTION;
    uint64_t bits;
    tw_host_random(&bits, sizeof bits);
    return JS_NewFloat64(ctx, (double)(bits >> 11) * 0x1.0p-53);
}

static JSValue js_random_bytes(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    uint32_t len;
    if (require_run(ctx, "random") || JS_ToUint32(ctx, &len, argv[0])) return JS_EXCEPTION;
    uint8_t *bytes = malloc(len ? len : 1);
    if (!bytes) return JS_ThrowOutOfMemory(ctx);
    tw_host_random(bytes, len);
    JSValue array = JS_NewUint8ArrayCopy(ctx, bytes, len);
    free(bytes);
    return array;
}

static JSValue js_patched(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    if (require_run(ctx, "patched")) return JS_EXCEPTION;
    size_t len;
    const char *id = tw_string_arg(ctx, argv[0], &len);
    if (!id) return JS_EXCEPTION;
    uint32_t answer = tw_host_patched(id, (uint32_t)len, (uint32_t)JS_ToBool(ctx, argv[1]));
    JS_FreeCString(ctx, id);
    return JS_NewBool(ctx, answer != 0);
}

static JSValue js_is_replaying(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    if (require_run(ctx, "is_replaying")) return JS_EXCEPTION;
    return JS_NewBool(ctx, tw_host_is_replaying() != 0);
}

/* ---- telling the world ---- */

static JSValue js_log_level(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    /* At build time nothing is logged; the tool shows what a module printed to stderr. */
    if (tw_current_phase != TW_PHASE_RUN) return JS_NewInt32(ctx, 0);
    return JS_NewUint32(ctx, tw_host_log_level());
}

static JSValue js_write_log(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    uint32_t level;
    if (JS_ToUint32(ctx, &level, argv[0])) return JS_EXCEPTION;
    size_t len;
    const char *text = tw_string_arg(ctx, argv[1], &len);
    if (!text) return JS_EXCEPTION;
    if (tw_current_phase == TW_PHASE_RUN) {
        tw_host_write_log(level, text, (uint32_t)len);
    } else {
        fprintf(stderr, "%.*s\n", (int)len, text);
    }
    JS_FreeCString(ctx, text);
    return JS_UNDEFINED;
}

static JSValue js_get_info(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    if (require_run(ctx, "workflowInfo")) return JS_EXCEPTION;
    uint32_t len = tw_host_get_info_len();
    char *buffer = malloc(len ? len : 1);
    if (!buffer) return JS_ThrowOutOfMemory(ctx);
    tw_host_get_info(buffer, len);
    JSValue text = JS_NewStringLen(ctx, buffer, len);
    free(buffer);
    return text;
}

/* ---- the engine itself ---- */

static JSValue js_phase(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    return JS_NewString(ctx, tw_current_phase == TW_PHASE_RUN ? "run" : "build");
}

/* Runs every pending promise job; rethrows the first exception a job raised. */
static JSValue js_run_jobs(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    JSContext *job_ctx;
    int status;
    while ((status = JS_ExecutePendingJob(JS_GetRuntime(ctx), &job_ctx)) > 0) {
    }
    return status < 0 ? JS_EXCEPTION : JS_UNDEFINED;
}

/* {memoryBytes: linear memory size, mallocBytes: what QuickJS has allocated} */
static JSValue js_memory_usage(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv) {
    (void)this_val;
    (void)argc;
    (void)argv;
    JSMemoryUsage usage;
    JS_ComputeMemoryUsage(JS_GetRuntime(ctx), &usage);
    JSValue result = JS_NewObject(ctx);
    JS_SetPropertyStr(ctx, result, "memoryBytes",
                      JS_NewInt64(ctx, (int64_t)__builtin_wasm_memory_size(0) * 65536));
    JS_SetPropertyStr(ctx, result, "mallocBytes", JS_NewInt64(ctx, usage.malloc_size));
    return result;
}

static const JSCFunctionListEntry natives[] = {
    JS_CFUNC_MAGIC_DEF("startTimer", 1, js_start, 0),
    JS_CFUNC_MAGIC_DEF("startActivity", 1, js_start, 1),
    JS_CFUNC_MAGIC_DEF("startHttpActivity", 1, js_start, 2),
    JS_CFUNC_MAGIC_DEF("startChildWorkflow", 1, js_start, 3),
    JS_CFUNC_MAGIC_DEF("signalExternalWorkflow", 1, js_start, 4),
    JS_CFUNC_MAGIC_DEF("cancelExternalWorkflow", 1, js_start, 5),
    JS_CFUNC_MAGIC_DEF("upsertSearchAttributes", 1, js_send, 0),
    JS_CFUNC_MAGIC_DEF("upsertMemo", 1, js_send, 1),
    JS_CFUNC_MAGIC_DEF("emitMetric", 1, js_send, 2),
    JS_CFUNC_MAGIC_DEF("setCurrentDetails", 1, js_send, 3),
    JS_CFUNC_MAGIC_DEF("complete", 1, js_send, 4),
    JS_CFUNC_MAGIC_DEF("completeWithFailure", 1, js_send, 5),
    JS_CFUNC_MAGIC_DEF("continueAsNew", 1, js_send, 6),
    JS_CFUNC_MAGIC_DEF("completeAsCancelled", 1, js_send, 7),
    JS_CFUNC_MAGIC_DEF("signalChannel", 1, js_channel, 0),
    JS_CFUNC_MAGIC_DEF("updateChannel", 1, js_channel, 1),
    JS_CFUNC_DEF("cancellationChannel", 0, js_cancellation_channel),
    JS_CFUNC_MAGIC_DEF("respondUpdate", 2, js_two_strings, 0),
    JS_CFUNC_MAGIC_DEF("setQueryResult", 2, js_two_strings, 1),
    JS_CFUNC_DEF("cancel", 1, js_cancel),
    JS_CFUNC_DEF("isReady", 1, js_is_ready),
    JS_CFUNC_DEF("takeResult", 1, js_take_result),
    JS_CFUNC_DEF("wait", 1, js_wait),
    JS_CFUNC_DEF("now", 0, js_now),
    JS_CFUNC_DEF("randomFloat", 0, js_random_float),
    JS_CFUNC_DEF("randomBytes", 1, js_random_bytes),
    JS_CFUNC_DEF("patched", 2, js_patched),
    JS_CFUNC_DEF("isReplaying", 0, js_is_replaying),
    JS_CFUNC_DEF("logLevel", 0, js_log_level),
    JS_CFUNC_DEF("writeLog", 2, js_write_log),
    JS_CFUNC_DEF("getInfo", 0, js_get_info),
    JS_CFUNC_DEF("textToBase64", 1, js_text_to_base64),
    JS_CFUNC_DEF("base64ToText", 1, js_base64_to_text),
    JS_CFUNC_DEF("utf8Encode", 1, js_utf8_encode),
    JS_CFUNC_DEF("utf8Decode", 1, js_utf8_decode),
    JS_CFUNC_DEF("phase", 0, js_phase),
    JS_CFUNC_DEF("runJobs", 0, js_run_jobs),
    JS_CFUNC_DEF("memoryUsage", 0, js_memory_usage),
};

static int init_natives(JSContext *ctx, JSModuleDef *module) {
    return JS_SetModuleExportList(ctx, module, natives, sizeof natives / sizeof *natives);
}

JSModuleDef *tw_natives_module(JSContext *ctx, const char *name) {
    JSModuleDef *module = JS_NewCModule(ctx, name, init_natives);
    if (module) JS_AddModuleExportList(ctx, module, natives, sizeof natives / sizeof *natives);
    return module;
}

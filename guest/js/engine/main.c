/*
 * main.c - the engine's two exports and the instance's one runtime.
 *
 *   wizer-initialize  build time (the build tool, then snapshotted): read the module archive
 *                     from stdin and, in snapshot mode, evaluate the workflow's modules.
 *   run               the ABI's entry point: evaluate the modules if that was not done at
 *                     build time, then hand over to the SDK's driver (`temporal`'s
 *                     `__runWorkflow`), which ends the run through the ABI.
 *
 * Also here: the C library's clocks, which read workflow time (`now`) so that QuickJS's Date
 * is deterministic, and the printing of an exception with its file and line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "host.h"

JSRuntime *tw_rt;
JSContext *tw_ctx;
tw_phase tw_current_phase = TW_PHASE_NONE;

/* The entry module's namespace and the SDK's, once evaluated. */
static JSValue workflow_namespace;
static JSValue sdk_namespace;

/* A JS call stack bound well inside the 512 KiB of wasm stack the worker gives a guest and the
   shadow stack linked in (build.sh), so deep recursion is a RangeError the workflow can see. */
#define JS_STACK_LIMIT (256 * 1024)

/* ---- clocks: workflow time at run time, the Unix epoch while building ---- */

static int64_t workflow_time_ms(void) { return tw_current_phase == TW_PHASE_RUN ? tw_host_now() : 0; }

int clock_gettime(clockid_t clock, struct timespec *ts) {
    (void)clock;
    int64_t ms = workflow_time_ms();
    ts->tv_sec = (time_t)(ms / 1000);
    ts->tv_nsec = (long)(ms % 1000) * 1000000L;
    return 0;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    (void)tz;
    int64_t ms = workflow_time_ms();
    tv->tv_sec = (time_t)(ms / 1000);
    tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
    return 0;
}

time_t time(time_t *out) {
    time_t seconds = (time_t)(workflow_time_ms() / 1000);
    if (out) *out = seconds;
    return seconds;
}

/* ---- errors ---- */

char *tw_exception_text(JSContext *ctx) {
    JSValue exception = JS_GetException(ctx);
    const char *message = JS_ToCString(ctx, exception);
    const char *stack = NULL;
    JSValue stack_value = JS_UNDEFINED;
    if (JS_IsError(exception)) {
        stack_value = JS_GetPropertyStr(ctx, exception, "stack");
        if (JS_IsString(stack_value)) stack = JS_ToCString(ctx, stack_value);
    }
    size_t len = strlen(message ? message : "?") + (stack ? strlen(stack) : 0) + 2;
    char *text = js_malloc(ctx, len);
    snprintf(text, len, "%s\n%s", message ? message : "?", stack ? stack : "");
    if (message) JS_FreeCString(ctx, message);
    if (stack) JS_FreeCString(ctx, stack);
    JS_FreeValue(ctx, stack_value);
    JS_FreeValue(ctx, exception);
    return text;
}

/* Prints the pending exception for the build tool and traps: the build fails. */
static _Noreturn void fail_build(const char *what) {
    char *text = tw_exception_text(tw_ctx);
    fprintf(stderr, "tw-js:error %s: %s\n", what, text);
    fflush(stderr);
    __builtin_trap();
}

/* ---- the runtime ---- */

static void create_runtime(void) {
    tw_rt = JS_NewRuntime();
    JS_SetMaxStackSize(tw_rt, JS_STACK_LIMIT);
    tw_modules_install(tw_rt);
    tw_ctx = JS_NewContext(tw_rt);
}

/* Runs promise jobs until none is left (module evaluation settles through them). */
static void drain_jobs(void) {
    JSContext *job_ctx;
    while (JS_ExecutePendingJob(tw_rt, &job_ctx) > 0) {
    }
}

/* Loads and evaluates module `name` (and what it imports); returns its namespace. */
static JSValue evaluate_module(const char *name) {
    JSValue promise = JS_LoadModule(tw_ctx, "", name);
    if (JS_IsException(promise)) fail_build(name);
    drain_jobs();
    JSPromiseStateEnum state = JS_PromiseState(tw_ctx, promise);
    if (state == JS_PROMISE_REJECTED) {
        JS_Throw(tw_ctx, JS_PromiseResult(tw_ctx, promise));
        JS_FreeValue(tw_ctx, promise);
        fail_build(name);
    }
    if (state != JS_PROMISE_FULFILLED) {
        fprintf(stderr, "tw-js:error %s: its top-level code awaits something that never settles "
                        "(there is no event loop at build time)\n", name);
        __builtin_trap();
    }
    JSValue namespace = JS_PromiseResult(tw_ctx, promise);
    JS_FreeValue(tw_ctx, promise);
    return namespace;
}

/* Evaluates the SDK and the workflow's entry module, in the build phase. */
static void evaluate_workflow(void) {
    tw_current_phase = TW_PHASE_BUILD;
    create_runtime();
    sdk_namespace = evaluate_module("temporal");
    workflow_namespace = evaluate_module(tw_archive_entry());
    /* Check the entry's shape now, so that a missing default export fails the build. */
    JSValue check = JS_GetPropertyStr(tw_ctx, sdk_namespace, "__checkWorkflow");
    JSValue result = JS_Call(tw_ctx, check, JS_UNDEFINED, 1, (JSValueConst *)&workflow_namespace);
    JS_FreeValue(tw_ctx, check);
    if (JS_IsException(result)) fail_build(tw_archive_entry());
    JS_FreeValue(tw_ctx, result);
    JS_RunGC(tw_rt);
    /* QuickJS's first cycle collection comes at a fixed 256 KiB of heap, which the evaluated
       workflow nearly fills: a run's first few allocations would trigger one, and a collection
       writes to every object of the snapshot's heap (a parked instance's private memory). Give
       the run as much room again as the snapshot's heap before the first collection; after it,
       QuickJS sets its own threshold. Reference counting frees everything but cycles meanwhile. */
    JSMemoryUsage usage;
    JS_ComputeMemoryUsage(tw_rt, &usage);
    JS_SetGCThreshold(tw_rt, (size_t)usage.malloc_size * 2);
}

/* Reads all of stdin (the build tool's archive). */
static uint8_t *read_stdin(size_t *len) {
    size_t cap = 64 * 1024, used = 0;
    uint8_t *buffer = malloc(cap);
    for (;;) {
        if (used == cap) buffer = realloc(buffer, cap *= 2);
        ssize_t got = read(0, buffer + used, cap - used);
        if (got < 0) {
            fprintf(stderr, "tw-js: cannot read the module archive from stdin\n");
            __builtin_trap();
        }
        if (got == 0) break;
        used += (size_t)got;
    }
    *len = used;
    return buffer;
}

/* The C library's (and the engine's) constructors; the linker generates it. The engine is linked
   without a reactor's `_initialize` (which a runner would call again after the snapshot): it is
   called here, once, at build time. */
extern void __wasm_call_ctors(void);

__attribute__((export_name("wizer-initialize"))) void tw_initialize(void) {
    __wasm_call_ctors();
    size_t len;
    uint8_t *archive = read_stdin(&len);
    if (tw_archive_open(archive, len)) __builtin_trap();
    switch (tw_archive_mode()) {
    case TW_MODE_SNAPSHOT:
        evaluate_workflow();
        tw_archive_close();
        tw_current_phase = TW_PHASE_NONE;
        break;
    case TW_MODE_SOURCE:
        break; /* `run` evaluates the modules from the archive kept in memory */
    case TW_MODE_TEST:
        /* A test program: its top-level code is the test; the mock host stands in for the worker. */
        tw_current_phase = TW_PHASE_BUILD;
        create_runtime();
        JS_FreeValue(tw_ctx, evaluate_module(tw_archive_entry()));
        break;
    default:
        fprintf(stderr, "tw-js: unknown archive mode %d\n", (int)tw_archive_mode());
        __builtin_trap();
    }
}

__attribute__((export_name("run"))) void run(void) {
    if (!tw_ctx) {
        evaluate_workflow();
        tw_archive_close();
    }
    tw_current_phase = TW_PHASE_RUN;
    JS_UpdateStackTop(tw_rt);
    JSValue driver = JS_GetPropertyStr(tw_ctx, sdk_namespace, "__runWorkflow");
    JSValue result = JS_Call(tw_ctx, driver, JS_UNDEFINED, 1, (JSValueConst *)&workflow_namespace);
    /* The driver ends the run through the ABI; reaching here is a bug of the SDK. */
    const char *why = "the JavaScript SDK's driver returned without ending the run";
    char *text = JS_IsException(result) ? tw_exception_text(tw_ctx) : NULL;
    char message[512];
    snprintf(message, sizeof message, "{\"message\":\"%s\",\"type\":\"SdkBug\"}", why);
    if (text) tw_host_write_log(1, text, (uint32_t)strlen(text));
    tw_host_complete_with_failure(message, (uint32_t)strlen(message));
    __builtin_trap();
}

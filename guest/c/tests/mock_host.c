/*
 * mock_host.c - see mock_host.h.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "mock_host.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "temporal_wasm.h"

void run(void); /* the workflow under test */

/* ---- state ---- */

typedef enum { H_TIMER, H_ACTIVITY, H_HTTP, H_CHILD, H_EXTERNAL, H_SIGNALS, H_UPDATES, H_CANCELLATION } kind;

typedef struct {
    kind kind;
    char *name;       /* activity type, URL, channel name */
    char *request;
    int pending;      /* a command not resolved yet */
    int taken;        /* a command whose result was taken */
    char **items;     /* ready results / channel items, oldest first */
    size_t head, count, cap;
} handle;

typedef struct {
    char *key;
    char *value;
} entry;

static const mock_scenario *scenario;
static mock_outcome outcome;
static jmp_buf ended;
static handle handles[20000];
static size_t handle_count;
static entry held_signals[64]; /* signals for channels not opened yet */
static size_t held_count;
static entry queries[16], answers[256];
static size_t query_count, answer_count;
static char *details;
static int cancel_requested;
static char *info_json;
static size_t changes; /* bumps whenever a handle becomes ready */

/* ---- helpers (malloc only) ---- */

static char *dup_n(const char *bytes, size_t len) {
    char *copy = malloc(len + 1);
    memcpy(copy, bytes, len);
    copy[len] = '\0';
    return copy;
}

#if defined(__GNUC__) && !defined(__clang__)
/* GCC 12 reports a "null format string" here that no call has (a false positive). */
#pragma GCC diagnostic ignored "-Wformat-truncation"
#endif
static char *format(const char *fmt, ...) {
    va_list args;
    va_start(args, fmt);
    char probe[1];
    int len = vsnprintf(probe, sizeof probe, fmt, args);
    va_end(args);
    char *text = malloc((size_t)len + 1);
    va_start(args, fmt);
    vsnprintf(text, (size_t)len + 1, fmt, args);
    va_end(args);
    return text;
}

static void trace(char *line) {
    outcome.trace = realloc(outcome.trace, (outcome.trace_len + 1) * sizeof *outcome.trace);
    outcome.trace[outcome.trace_len++] = line;
}

_Noreturn static void end(mock_ending ending, char *json) {
    outcome.ending = ending;
    outcome.json = json;
    longjmp(ended, 1);
}

_Noreturn static void guest_bug(const char *message) { end(MOCK_GUEST_BUG, strdup(message)); }

static char *base64(const char *bytes, size_t len) {
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
    for (size_t i = 0; i < len; i += 3) {
        unsigned group = (unsigned char)bytes[i] << 16;
        if (i + 1 < len) group |= (unsigned char)bytes[i + 1] << 8;
        if (i + 2 < len) group |= (unsigned char)bytes[i + 2];
        *o++ = alphabet[group >> 18];
        *o++ = alphabet[group >> 12 & 63];
        *o++ = i + 1 < len ? alphabet[group >> 6 & 63] : '=';
        *o++ = i + 2 < len ? alphabet[group & 63] : '=';
    }
    *o = '\0';
    return out;
}

static char *payload(const char *json) {
    char *data = base64(json, strlen(json));
    char *text = format("{\"metadata\":{\"encoding\":\"anNvbi9wbGFpbg==\"},\"data\":\"%s\"}", data);
    free(data);
    return text;
}

char *mock_completed(const char *json) {
    if (!json) return strdup("{\"completed\":[]}");
    char *p = payload(json);
    char *text = format("{\"completed\":[%s]}", p);
    free(p);
    return text;
}

char *mock_activity_failure(const char *type, const char *message) {
    return format("{\"failed\":{\"message\":\"Activity task failed\",\"type\":\"%s\",\"kind\":\"activity\","
                  "\"retry_state\":\"non_retryable_failure\",\"cause\":{\"message\":\"%s\",\"type\":\"%s\","
                  "\"non_retryable\":true,\"kind\":\"application\"}}}",
                  type, message, type);
}

/* Reading the workflow's JSON goes through the SDK in a scope of the mock's own, so nothing
 * of it stays on the workflow's heap. `read` gets the parsed root and returns a malloc'd text. */
static char *read_json(const void *bytes, size_t len, char *(*read)(tw_json root, void *arg), void *arg) {
    tw_scope scope;
    tw_scope_begin(&scope);
    tw_json root;
    char *text = tw_json_parse((tw_str){bytes, len}, &root) ? read(root, arg) : NULL;
    tw_scope_end(&scope);
    return text;
}

static char *raw_of(tw_json value) {
    tw_str raw = tw_json_raw(value);
    return dup_n(raw.ptr, raw.len);
}

/* The JSON held by payload `index` of the array `key` (or of the root when key is NULL). */
static char *payload_json_at(tw_json root, void *arg) {
    const char *key = arg;
    tw_json list = key ? tw_json_get(root, tw_cstr(key)) : root, value;
    if (tw_payloads_json(list, 0, &value) != TW_PARAM_OK) return strdup("-");
    return raw_of(value);
}

static char *member_raw(tw_json root, void *arg) { return raw_of(tw_json_get(root, tw_cstr(arg))); }

static char *string_member(tw_json root, void *arg) {
    tw_str value;
    if (!tw_json_string(tw_json_get(root, tw_cstr(arg)), &value)) return strdup("");
    return dup_n(value.ptr, value.len);
}

/* An update answer with its payloads decoded: `completed <json>`, `rejected <type>: <message>`. */
static char *update_answer(tw_json root, void *arg) {
    (void)arg;
    tw_json value;
    tw_failure_view failure;
    if (tw_json_get(root, TW_STR("completed")).at) {
        if (tw_payloads_json(tw_json_get(root, TW_STR("completed")), 0, &value) != TW_PARAM_OK) {
            return strdup("completed");
        }
        tw_str raw = tw_json_raw(value);
        return format("completed %.*s", (int)raw.len, raw.ptr);
    }
    const char *verdict = tw_json_get(root, TW_STR("rejected")).at ? "rejected" : "failed";
    tw_failure_read(tw_json_get(root, tw_cstr(verdict)), &failure);
    return format("%s %.*s: %.*s", verdict, (int)failure.type.len, failure.type.ptr, (int)failure.message.len,
                  failure.message.ptr);
}

/* ---- handles ---- */

static uint32_t new_handle(kind k, const char *name, const char *request, int pending) {
    if (handle_count + 1 >= sizeof handles / sizeof *handles) guest_bug("too many handles");
    handle *h = &handles[++handle_count];
    memset(h, 0, sizeof *h);
    h->kind = k;
    h->name = strdup(name ? name : "");
    h->request = request ? strdup(request) : NULL;
    h->pending = pending;
    return (uint32_t)handle_count;
}

static handle *get(uint32_t id, const char *call) {
    if (id == 0 || id > handle_count) guest_bug(format("%s: unknown handle %u", call, id));
    handle *h = &handles[id];
    if (h->taken) guest_bug(format("%s: handle %u was already taken", call, id));
    return h;
}

static void push(handle *h, char *item) {
    if (h->head + h->count == h->cap) {
        if (h->head) { /* move the live items to the front before growing */
            memmove(h->items, h->items + h->head, h->count * sizeof *h->items);
            h->head = 0;
        } else {
            h->cap = h->cap ? h->cap * 2 : 4;
            h->items = realloc(h->items, h->cap * sizeof *h->items);
        }
    }
    h->items[h->head + h->count++] = item;
    h->pending = 0;
    changes++;
}

static int channel(kind k) { return k == H_SIGNALS || k == H_UPDATES || k == H_CANCELLATION; }

static uint32_t find_channel(kind k, const char *name) {
    for (size_t i = 1; i <= handle_count; i++) {
        if (handles[i].kind == k && strcmp(handles[i].name, name) == 0) return (uint32_t)i;
    }
    return 0;
}

/* ---- the scenario's side ---- */

void mock_signal(const char *name, const char *arg_json) {
    char *p = payload(arg_json);
    char *item = format("{\"completed\":[%s]}", p);
    free(p);
    uint32_t id = find_channel(H_SIGNALS, name);
    if (id) {
        push(&handles[id], item);
    } else if (held_count < sizeof held_signals / sizeof *held_signals) {
        held_signals[held_count++] = (entry){strdup(name), item};
    }
}

void mock_update(const char *name, const char *id, const char *arg_json) {
    uint32_t channel_id = find_channel(H_UPDATES, name);
    if (!channel_id) {
        /* The worker rejects it at the end of the activation: no channel of that name. */
        if (answer_count < sizeof answers / sizeof *answers) {
            answers[answer_count++] = (entry){strdup(id), strdup("rejected: no channel")};
        }
        return;
    }
    char *p = payload(arg_json);
    push(&handles[channel_id], format("{\"update_id\":\"%s\",\"args\":[%s]}", id, p));
    free(p);
}

void mock_cancel_workflow(void) {
    cancel_requested = 1;
    uint32_t id = find_channel(H_CANCELLATION, "");
    if (id) push(&handles[id], strdup("{\"completed\":[]}"));
}

void mock_fire_timers(void) {
    for (size_t i = 1; i <= handle_count; i++) {
        if (handles[i].kind == H_TIMER && handles[i].pending) {
            push(&handles[i], strdup("{\"completed\":[]}"));
            trace(format("timer %zu fired", i));
        }
    }
}

static const char *lookup(entry *table, size_t count, const char *key) {
    for (size_t i = count; i-- > 0;) {
        if (strcmp(table[i].key, key) == 0) return table[i].value;
    }
    return NULL;
}

const char *mock_query(const char *name) { return lookup(queries, query_count, name); }
const char *mock_details(void) { return details; }
const char *mock_update_answer(const char *id) { return lookup(answers, answer_count, id); }

int mock_trace_find(const mock_outcome *o, const char *prefix) {
    for (size_t i = 0; i < o->trace_len; i++) {
        if (strncmp(o->trace[i], prefix, strlen(prefix)) == 0) return (int)i;
    }
    return -1;
}

void mock_print_trace(const mock_outcome *o) {
    for (size_t i = 0; i < o->trace_len; i++) fprintf(stderr, "    %2zu %s\n", i, o->trace[i]);
    if (o->json) fprintf(stderr, "    ending %d: %s\n", o->ending, o->json);
}

/* One park: resolve what the scenario can answer, else let it send events. */
static void advance(void) {
    outcome.parks++;
    size_t before = changes;
    if (scenario->answer) {
        for (size_t i = 1; i <= handle_count; i++) {
            handle *h = &handles[i];
            if (!h->pending || h->kind == H_TIMER || channel(h->kind)) continue;
            static const char *const kinds[] = {[H_ACTIVITY] = "activity", [H_HTTP] = "http",
                                                [H_CHILD] = "child", [H_EXTERNAL] = "external"};
            const char *result = scenario->answer(kinds[h->kind], h->name, h->request, scenario->context);
            if (result) push(h, strdup(result));
        }
    }
    if (changes != before) return;
    if (scenario->on_park) {
        scenario->on_park(outcome.parks, scenario->context);
    } else {
        mock_fire_timers();
    }
}

mock_outcome mock_run(const mock_scenario *s) {
    scenario = s;
    memset(&outcome, 0, sizeof outcome);
    char *params = s->input ? payload(s->input) : strdup("");
    info_json = format("{\"params\":[%s],\"workflow_info\":{\"workflow_type\":\"Test\",\"workflow_id\":\"wf-1\","
                       "\"run_id\":\"run-1\",\"namespace\":\"default\",\"task_queue\":\"examples\","
                       "\"attempt\":1,\"start_time\":\"2026-01-01T00:00:00Z\"}}",
                       params);
    free(params);
    if (!setjmp(ended)) {
        run();
        end(MOCK_GUEST_BUG, strdup("run returned without ending the run"));
    }
    return outcome;
}

/* =============================================================================================
 * The imports
 * =========================================================================================== */

uint32_t tw_host_get_info_len(void) { return (uint32_t)strlen(info_json); }
void tw_host_get_info(void *ptr, uint32_t len) { memcpy(ptr, info_json, len); }

void tw_host_write_log(uint32_t level, const void *ptr, uint32_t len) {
    if (getenv("MOCK_VERBOSE")) fprintf(stderr, "    log %u: %.*s\n", level, (int)len, (const char *)ptr);
}

void tw_host_complete(const void *ptr, uint32_t len) {
    end(MOCK_COMPLETED, read_json(ptr, len, payload_json_at, NULL));
}

void tw_host_complete_with_failure(const void *ptr, uint32_t len) { end(MOCK_FAILED, dup_n(ptr, len)); }

void tw_host_continue_as_new(const void *ptr, uint32_t len) { end(MOCK_CONTINUED_AS_NEW, dup_n(ptr, len)); }

void tw_host_complete_as_cancelled(const void *ptr, uint32_t len) {
    if (!cancel_requested) guest_bug("complete_as_cancelled without a cancellation request");
    end(MOCK_CANCELLED, len ? read_json(ptr, len, payload_json_at, "details") : strdup(""));
}

uint32_t tw_host_start_timer(const void *ptr, uint32_t len) {
    char *duration = read_json(ptr, len, member_raw, "duration_ms");
    uint32_t id = new_handle(H_TIMER, "", NULL, 1);
    trace(format("timer %u %s", id, duration));
    free(duration);
    return id;
}

/* Starts an activity-like command: traced as `<what> <name> <first argument>`. */
static uint32_t start(kind k, const char *what, const void *ptr, uint32_t len, const char *name_key,
                      const char *args_key) {
    char *name = read_json(ptr, len, string_member, (void *)name_key);
    char *arg = args_key ? read_json(ptr, len, payload_json_at, (void *)args_key) : strdup("-");
    char *request = dup_n(ptr, len);
    uint32_t id = new_handle(k, name, request, 1);
    trace(format("%s %s %s", what, name, arg));
    free(name);
    free(arg);
    free(request);
    return id;
}

uint32_t tw_host_start_activity(const void *ptr, uint32_t len) {
    return start(H_ACTIVITY, "activity", ptr, len, "activity_type", "args");
}

/* The body of an HTTP request, decoded. */
static char *http_body(tw_json root, void *arg) {
    (void)arg;
    tw_str body;
    if (!tw_json_string(tw_json_get(root, TW_STR("body")), &body) || !tw_base64_decode(body, &body)) {
        return strdup("-");
    }
    return dup_n(body.ptr, body.len);
}

uint32_t tw_host_start_http_activity(const void *ptr, uint32_t len) {
    char *method = read_json(ptr, len, string_member, "method");
    char *url = read_json(ptr, len, string_member, "url");
    char *headers = read_json(ptr, len, member_raw, "headers");
    char *body = read_json(ptr, len, http_body, NULL);
    char *request = dup_n(ptr, len);
    uint32_t id = new_handle(H_HTTP, url, request, 1);
    trace(format("http %s %s %s %s", method, url, headers, body));
    free(method), free(url), free(headers), free(body), free(request);
    return id;
}

uint32_t tw_host_start_child_workflow(const void *ptr, uint32_t len) {
    return start(H_CHILD, "child", ptr, len, "workflow_type", "args");
}

uint32_t tw_host_signal_external_workflow(const void *ptr, uint32_t len) {
    return start(H_EXTERNAL, "signal_external", ptr, len, "workflow_id", "args");
}

uint32_t tw_host_cancel_external_workflow(const void *ptr, uint32_t len) {
    return start(H_EXTERNAL, "cancel_external", ptr, len, "workflow_id", NULL);
}

void tw_host_cancel(uint32_t id) {
    handle *h = get(id, "cancel");
    if (channel(h->kind)) guest_bug("cancel: a channel handle");
    trace(format("cancel %u", id));
    if (h->pending) push(h, strdup("{\"cancelled\":{\"message\":\"cancelled\",\"kind\":\"cancelled\"}}"));
}

uint32_t tw_host_signal_channel(const void *name, uint32_t name_len) {
    char *text = dup_n(name, name_len);
    uint32_t id = find_channel(H_SIGNALS, text);
    if (!id) {
        id = new_handle(H_SIGNALS, text, NULL, 0);
        for (size_t i = 0; i < held_count; i++) {
            if (held_signals[i].key && strcmp(held_signals[i].key, text) == 0) {
                push(&handles[id], held_signals[i].value);
                free(held_signals[i].key);
                held_signals[i].key = NULL;
            }
        }
        trace(format("signal_channel %s", text));
    }
    free(text);
    return id;
}

uint32_t tw_host_update_channel(const void *name, uint32_t name_len) {
    char *text = dup_n(name, name_len);
    uint32_t id = find_channel(H_UPDATES, text);
    if (!id) {
        id = new_handle(H_UPDATES, text, NULL, 0);
        trace(format("update_channel %s", text));
    }
    free(text);
    return id;
}

void tw_host_respond_update(const void *id, uint32_t id_len, const void *ptr, uint32_t len) {
    char *key = dup_n(id, id_len);
    if (mock_update_answer(key)) guest_bug("respond_update: answered twice");
    char *answer = read_json(ptr, len, update_answer, NULL);
    if (!answer) guest_bug("respond_update: not JSON");
    trace(format("update %s %s", key, answer));
    if (answer_count < sizeof answers / sizeof *answers) answers[answer_count++] = (entry){key, answer};
}

uint32_t tw_host_cancellation_channel(void) {
    uint32_t id = find_channel(H_CANCELLATION, "");
    if (!id) {
        id = new_handle(H_CANCELLATION, "", NULL, 0);
        if (cancel_requested) push(&handles[id], strdup("{\"completed\":[]}"));
    }
    return id;
}

void tw_host_set_query_result(const void *name, uint32_t name_len, const void *ptr, uint32_t len) {
    char *key = dup_n(name, name_len);
    char *value = len ? read_json(ptr, len, payload_json_at, NULL) : strdup("-");
    trace(format("query %s %s", key, value));
    if (query_count < sizeof queries / sizeof *queries) queries[query_count++] = (entry){key, value};
}

void tw_host_set_current_details(const void *ptr, uint32_t len) {
    free(details);
    details = dup_n(ptr, len);
    trace(format("details %s", details));
}

uint32_t tw_host_wait(const uint32_t *ids, uint32_t count) {
    if (!count) guest_bug("wait: count 0");
    for (int rounds = 0;; rounds++) {
        for (uint32_t i = 0; i < count; i++) {
            handle *h = get(ids[i], "wait");
            if (h->count) return ids[i];
        }
        if (rounds > 1000) end(MOCK_STUCK, strdup("nothing the workflow waits on became ready"));
        size_t before = changes;
        advance();
        if (changes == before) end(MOCK_STUCK, strdup("nothing the workflow waits on became ready"));
    }
}

uint32_t tw_host_is_ready(uint32_t id) { return get(id, "is_ready")->count != 0; }

uint32_t tw_host_result_len(uint32_t id) {
    handle *h = get(id, "result_len");
    if (!h->count) guest_bug(format("result_len: handle %u is not ready", id));
    return (uint32_t)strlen(h->items[h->head]);
}

void tw_host_take_result(uint32_t id, void *ptr, uint32_t len) {
    handle *h = get(id, "take_result");
    if (!h->count) guest_bug(format("take_result: handle %u is not ready", id));
    char *item = h->items[h->head];
    if (len != strlen(item)) guest_bug("take_result: len is not result_len");
    memcpy(ptr, item, len);
    free(item);
    h->head++;
    h->count--;
    if (!channel(h->kind)) h->taken = 1;
}

int64_t tw_host_now(void) { return 1767225600000; }

void tw_host_random(void *ptr, uint32_t len) { memset(ptr, 0x5a, len); }

uint32_t tw_host_patched(const void *id, uint32_t id_len, uint32_t deprecated) {
    trace(format("patched %.*s %u", (int)id_len, (const char *)id, deprecated));
    return 1;
}

uint32_t tw_host_is_replaying(void) { return 0; }
uint32_t tw_host_log_level(void) { return 3; }

void tw_host_upsert_search_attributes(const void *ptr, uint32_t len) {
    trace(format("search_attributes %.*s", (int)len, (const char *)ptr));
}

void tw_host_upsert_memo(const void *ptr, uint32_t len) { trace(format("memo %.*s", (int)len, (const char *)ptr)); }

void tw_host_emit_metric(const void *ptr, uint32_t len) {
    trace(format("metric %.*s", (int)len, (const char *)ptr));
}

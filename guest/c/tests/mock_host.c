/*
 * mock_host.c - see mock_host.h: the run (mock_run, each park), its handles and trace, and the
 * imports of the info, ending, commands, waiting and the rest. Channels, queries and details
 * are in mock_channels.c, the JSON the mock writes and reads in mock_text.c.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mock_internal.h"

void run(void); /* the workflow under test */

/* ---- state ---- */

static const mock_scenario *scenario;
static mock_outcome outcome;
static jmp_buf ended;
handle mock__handles[20000];
static size_t handle_count;
static char *info_json;
static size_t changes; /* bumps whenever a handle becomes ready */

/* ---- the run's trace and ending ---- */

void mock__trace(char *line) {
    outcome.trace = realloc(outcome.trace, (outcome.trace_len + 1) * sizeof *outcome.trace);
    outcome.trace[outcome.trace_len++] = line;
}

_Noreturn static void end(mock_ending ending, char *json) {
    outcome.ending = ending;
    outcome.json = json;
    longjmp(ended, 1);
}

_Noreturn void mock__guest_bug(const char *message) { end(MOCK_GUEST_BUG, strdup(message)); }

/* ---- handles ---- */

uint32_t mock__new_handle(kind k, const char *name, const char *request, int pending) {
    if (handle_count + 1 >= sizeof mock__handles / sizeof *mock__handles) mock__guest_bug("too many handles");
    handle *h = &mock__handles[++handle_count];
    memset(h, 0, sizeof *h);
    h->kind = k;
    h->name = strdup(name ? name : "");
    h->request = request ? strdup(request) : NULL;
    h->pending = pending;
    return (uint32_t)handle_count;
}

static handle *get(uint32_t id, const char *call) {
    if (id == 0 || id > handle_count) mock__guest_bug(mock__format("%s: unknown handle %u", call, id));
    handle *h = &mock__handles[id];
    if (h->taken) mock__guest_bug(mock__format("%s: handle %u was already taken", call, id));
    return h;
}

void mock__push(handle *h, char *item) {
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

uint32_t mock__find_channel(kind k, const char *name) {
    for (size_t i = 1; i <= handle_count; i++) {
        if (mock__handles[i].kind == k && strcmp(mock__handles[i].name, name) == 0) return (uint32_t)i;
    }
    return 0;
}

/* ---- the scenario's side ---- */

void mock_fire_timers(void) {
    for (size_t i = 1; i <= handle_count; i++) {
        if (mock__handles[i].kind == H_TIMER && mock__handles[i].pending) {
            mock__push(&mock__handles[i], strdup("{\"completed\":[]}"));
            mock__trace(mock__format("timer %zu fired", i));
        }
    }
}

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

/* ---- the run ---- */

/* One park: resolve what the scenario can answer, else let it send events. */
static void advance(void) {
    outcome.parks++;
    size_t before = changes;
    if (scenario->answer) {
        for (size_t i = 1; i <= handle_count; i++) {
            handle *h = &mock__handles[i];
            if (!h->pending || h->kind == H_TIMER || channel(h->kind)) continue;
            static const char *const kinds[] = {[H_ACTIVITY] = "activity", [H_HTTP] = "http",
                                                [H_CHILD] = "child", [H_EXTERNAL] = "external"};
            const char *result = scenario->answer(kinds[h->kind], h->name, h->request, scenario->context);
            if (result) mock__push(h, strdup(result));
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
    char *params = s->input ? mock__payload(s->input) : strdup("");
    info_json = mock__format("{\"params\":[%s],\"workflow_info\":{\"workflow_type\":\"Test\",\"workflow_id\":\"wf-1\","
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
    end(MOCK_COMPLETED, mock__read_json(ptr, len, mock__payload_json_at, NULL));
}

void tw_host_complete_with_failure(const void *ptr, uint32_t len) { end(MOCK_FAILED, mock__dup_n(ptr, len)); }

void tw_host_continue_as_new(const void *ptr, uint32_t len) { end(MOCK_CONTINUED_AS_NEW, mock__dup_n(ptr, len)); }

void tw_host_complete_as_cancelled(const void *ptr, uint32_t len) {
    if (!mock__cancel_requested) mock__guest_bug("complete_as_cancelled without a cancellation request");
    end(MOCK_CANCELLED, len ? mock__read_json(ptr, len, mock__payload_json_at, "details") : strdup(""));
}

uint32_t tw_host_start_timer(const void *ptr, uint32_t len) {
    char *duration = mock__read_json(ptr, len, mock__member_raw, "duration_ms");
    uint32_t id = mock__new_handle(H_TIMER, "", NULL, 1);
    mock__trace(mock__format("timer %u %s", id, duration));
    free(duration);
    return id;
}

/* Starts an activity-like command: traced as `<what> <name> <first argument>`. */
static uint32_t start(kind k, const char *what, const void *ptr, uint32_t len, const char *name_key,
                      const char *args_key) {
    char *name = mock__read_json(ptr, len, mock__string_member, (void *)name_key);
    char *arg = args_key ? mock__read_json(ptr, len, mock__payload_json_at, (void *)args_key) : strdup("-");
    char *request = mock__dup_n(ptr, len);
    uint32_t id = mock__new_handle(k, name, request, 1);
    mock__trace(mock__format("%s %s %s", what, name, arg));
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
    return mock__dup_n(body.ptr, body.len);
}

uint32_t tw_host_start_http_activity(const void *ptr, uint32_t len) {
    char *method = mock__read_json(ptr, len, mock__string_member, "method");
    char *url = mock__read_json(ptr, len, mock__string_member, "url");
    char *headers = mock__read_json(ptr, len, mock__member_raw, "headers");
    char *body = mock__read_json(ptr, len, http_body, NULL);
    char *request = mock__dup_n(ptr, len);
    uint32_t id = mock__new_handle(H_HTTP, url, request, 1);
    mock__trace(mock__format("http %s %s %s %s", method, url, headers, body));
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
    if (channel(h->kind)) mock__guest_bug("cancel: a channel handle");
    mock__trace(mock__format("cancel %u", id));
    if (h->pending) mock__push(h, strdup("{\"cancelled\":{\"message\":\"cancelled\",\"kind\":\"cancelled\"}}"));
}

uint32_t tw_host_wait(const uint32_t *ids, uint32_t count) {
    if (!count) mock__guest_bug("wait: count 0");
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
    if (!h->count) mock__guest_bug(mock__format("result_len: handle %u is not ready", id));
    return (uint32_t)strlen(h->items[h->head]);
}

void tw_host_take_result(uint32_t id, void *ptr, uint32_t len) {
    handle *h = get(id, "take_result");
    if (!h->count) mock__guest_bug(mock__format("take_result: handle %u is not ready", id));
    char *item = h->items[h->head];
    if (len != strlen(item)) mock__guest_bug("take_result: len is not result_len");
    memcpy(ptr, item, len);
    free(item);
    h->head++;
    h->count--;
    if (!channel(h->kind)) h->taken = 1;
}

int64_t tw_host_now(void) { return 1767225600000; }

void tw_host_random(void *ptr, uint32_t len) { memset(ptr, 0x5a, len); }

uint32_t tw_host_patched(const void *id, uint32_t id_len, uint32_t deprecated) {
    mock__trace(mock__format("patched %.*s %u", (int)id_len, (const char *)id, deprecated));
    return 1;
}

uint32_t tw_host_is_replaying(void) { return 0; }
uint32_t tw_host_log_level(void) { return 3; }

void tw_host_upsert_search_attributes(const void *ptr, uint32_t len) {
    mock__trace(mock__format("search_attributes %.*s", (int)len, (const char *)ptr));
}

void tw_host_upsert_memo(const void *ptr, uint32_t len) {
    mock__trace(mock__format("memo %.*s", (int)len, (const char *)ptr));
}

void tw_host_emit_metric(const void *ptr, uint32_t len) {
    mock__trace(mock__format("metric %.*s", (int)len, (const char *)ptr));
}

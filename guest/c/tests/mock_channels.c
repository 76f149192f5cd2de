/*
 * mock_channels.c - what reaches the workflow besides results, and what it publishes: signals
 * (held until their channel is opened), updates and their answers, cancellation, query results
 * and current details. The scenario's side (mock_signal, mock_update, ...) and the imports.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "mock_internal.h"

/* A name and a value: a held signal, a query's answer, an update's answer. */
typedef struct {
    char *key;
    char *value;
} entry;

static entry held_signals[64]; /* signals for channels not opened yet */
static size_t held_count;
static entry queries[16], answers[256];
static size_t query_count, answer_count;
static char *details;
int mock__cancel_requested;

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
        return mock__format("completed %.*s", (int)raw.len, raw.ptr);
    }
    const char *verdict = tw_json_get(root, TW_STR("rejected")).at ? "rejected" : "failed";
    tw_failure_read(tw_json_get(root, tw_cstr(verdict)), &failure);
    return mock__format("%s %.*s: %.*s", verdict, (int)failure.type.len, failure.type.ptr, (int)failure.message.len,
                        failure.message.ptr);
}

/* ---- the scenario's side ---- */

void mock_signal(const char *name, const char *arg_json) {
    char *p = mock__payload(arg_json);
    char *item = mock__format("{\"completed\":[%s]}", p);
    free(p);
    uint32_t id = mock__find_channel(H_SIGNALS, name);
    if (id) {
        mock__push(&mock__handles[id], item);
    } else if (held_count < sizeof held_signals / sizeof *held_signals) {
        held_signals[held_count++] = (entry){strdup(name), item};
    }
}

void mock_update(const char *name, const char *id, const char *arg_json) {
    uint32_t channel_id = mock__find_channel(H_UPDATES, name);
    if (!channel_id) {
        /* The worker rejects it at the end of the activation: no channel of that name. */
        if (answer_count < sizeof answers / sizeof *answers) {
            answers[answer_count++] = (entry){strdup(id), strdup("rejected: no channel")};
        }
        return;
    }
    char *p = mock__payload(arg_json);
    mock__push(&mock__handles[channel_id], mock__format("{\"update_id\":\"%s\",\"args\":[%s]}", id, p));
    free(p);
}

void mock_cancel_workflow(void) {
    mock__cancel_requested = 1;
    uint32_t id = mock__find_channel(H_CANCELLATION, "");
    if (id) mock__push(&mock__handles[id], strdup("{\"completed\":[]}"));
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

/* ---- the imports ---- */

uint32_t tw_host_signal_channel(const void *name, uint32_t name_len) {
    char *text = mock__dup_n(name, name_len);
    uint32_t id = mock__find_channel(H_SIGNALS, text);
    if (!id) {
        id = mock__new_handle(H_SIGNALS, text, NULL, 0);
        for (size_t i = 0; i < held_count; i++) {
            if (held_signals[i].key && strcmp(held_signals[i].key, text) == 0) {
                mock__push(&mock__handles[id], held_signals[i].value);
                free(held_signals[i].key);
                held_signals[i].key = NULL;
            }
        }
        mock__trace(mock__format("signal_channel %s", text));
    }
    free(text);
    return id;
}

uint32_t tw_host_update_channel(const void *name, uint32_t name_len) {
    char *text = mock__dup_n(name, name_len);
    uint32_t id = mock__find_channel(H_UPDATES, text);
    if (!id) {
        id = mock__new_handle(H_UPDATES, text, NULL, 0);
        mock__trace(mock__format("update_channel %s", text));
    }
    free(text);
    return id;
}

void tw_host_respond_update(const void *id, uint32_t id_len, const void *ptr, uint32_t len) {
    char *key = mock__dup_n(id, id_len);
    if (mock_update_answer(key)) mock__guest_bug("respond_update: answered twice");
    char *answer = mock__read_json(ptr, len, update_answer, NULL);
    if (!answer) mock__guest_bug("respond_update: not JSON");
    mock__trace(mock__format("update %s %s", key, answer));
    if (answer_count < sizeof answers / sizeof *answers) answers[answer_count++] = (entry){key, answer};
}

uint32_t tw_host_cancellation_channel(void) {
    uint32_t id = mock__find_channel(H_CANCELLATION, "");
    if (!id) {
        id = mock__new_handle(H_CANCELLATION, "", NULL, 0);
        if (mock__cancel_requested) mock__push(&mock__handles[id], strdup("{\"completed\":[]}"));
    }
    return id;
}

void tw_host_set_query_result(const void *name, uint32_t name_len, const void *ptr, uint32_t len) {
    char *key = mock__dup_n(name, name_len);
    char *value = len ? mock__read_json(ptr, len, mock__payload_json_at, NULL) : strdup("-");
    mock__trace(mock__format("query %s %s", key, value));
    if (query_count < sizeof queries / sizeof *queries) queries[query_count++] = (entry){key, value};
}

void tw_host_set_current_details(const void *ptr, uint32_t len) {
    free(details);
    details = mock__dup_n(ptr, len);
    mock__trace(mock__format("details %s", details));
}

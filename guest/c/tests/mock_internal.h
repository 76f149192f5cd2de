/*
 * mock_internal.h - what the files of the mock worker share and the tests do not see:
 *   mock_host.c      the run, its handles and trace, and the imports of commands and waiting
 *   mock_channels.c  signals, updates, cancellation, queries and details, from both sides
 *   mock_text.c      the JSON the mock writes (payloads, results) and reads (the workflow's)
 * All of it allocates with malloc, never on the SDK's heap (see mock_host.h).
 */
#ifndef MOCK_INTERNAL_H
#define MOCK_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mock_host.h"
#include "temporal_wasm.h"

/** What a handle stands for: a command that resolves once, or a channel of items. */
typedef enum { H_TIMER, H_ACTIVITY, H_HTTP, H_CHILD, H_EXTERNAL, H_SIGNALS, H_UPDATES, H_CANCELLATION } kind;

/** A handle as the worker keeps it: a command's result or a channel's queue of items. */
typedef struct {
    kind kind;
    char *name;       /* activity type, URL, channel name */
    char *request;
    int pending;      /* a command not resolved yet */
    int taken;        /* a command whose result was taken */
    char **items;     /* ready results / channel items, oldest first */
    size_t head, count, cap;
} handle;

/* ---- mock_host.c ---- */

/** Every handle of the run, by id (from 1). */
extern handle mock__handles[];

/** Makes a new handle (a copy of `name` and `request`) and returns its id. */
uint32_t mock__new_handle(kind k, const char *name, const char *request, int pending);

/** The handle of the channel of kind `k` named `name`, or 0 if the workflow has not opened it. */
uint32_t mock__find_channel(kind k, const char *name);

/** Queues `item` (malloc'd, now the handle's) on `h`, which makes it ready. */
void mock__push(handle *h, char *item);

/** Appends `line` (malloc'd, now the trace's) to the run's trace. */
void mock__trace(char *line);

/** Ends the run as a guest bug: the workflow misused a call. */
_Noreturn void mock__guest_bug(const char *message);

/* ---- mock_channels.c ---- */

/** Whether the workflow's cancellation has been requested. */
extern int mock__cancel_requested;

/* ---- mock_text.c ---- */

/** A NUL-terminated copy of `len` bytes. */
char *mock__dup_n(const char *bytes, size_t len);

/** printf into a new string. */
char *mock__format(const char *fmt, ...);

/** A `json/plain` payload object holding `json`. */
char *mock__payload(const char *json);

/**
 * Parses the workflow's JSON (`bytes`, `len`) in a scope of the mock's own, so nothing of it
 * stays on the workflow's heap, and returns what `read` makes of its root (NULL if not JSON).
 */
char *mock__read_json(const void *bytes, size_t len, char *(*read)(tw_json root, void *arg), void *arg);

/** A `mock__read_json` reader: the JSON in the first payload of the array `arg` (the root if NULL). */
char *mock__payload_json_at(tw_json root, void *arg);

/** A `mock__read_json` reader: the raw JSON of member `arg`. */
char *mock__member_raw(tw_json root, void *arg);

/** A `mock__read_json` reader: the string member `arg`, unescaped ("" if it is not a string). */
char *mock__string_member(tw_json root, void *arg);

#endif /* MOCK_INTERNAL_H */

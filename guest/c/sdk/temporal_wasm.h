/*
 * temporal_wasm.h - write durable Temporal workflows in C for temporal-wasm-worker (ABI v0 + v1).
 *
 * A workflow is a wasm32 module that exports `run` and its memory and talks to the worker only
 * through `env.*` imports that move JSON through linear memory (proto-notes/abi-v1-spec.md,
 * proto-notes/abi-v1-reference.md). This header is the whole SDK: include it, implement
 *
 *     TW_EXPORT("run") void run(void) { ... }
 *
 * and build it with the SDK's sources for --target=wasm32 -nostdlib (see ../build.sh). The code
 * is straight-line: a call such as `tw_activity_execute` or `tw_wait` blocks, the worker parks
 * the guest's stack until Temporal resolves what it waits for, and the call returns there, in a
 * later workflow activation. There is no event loop, no callback and no async runtime.
 *
 * Conventions, chosen so that the SDK needs no libc and keeps bundles small:
 *   - Strings are `tw_str` (pointer + byte length, UTF-8, never NUL-terminated), because JSON
 *     strings may contain NUL and every ABI call takes (pointer, length) pairs anyway. An
 *     optional string is absent when its pointer is NULL (`TW_NONE`, or a zero-initialised
 *     field) and present, possibly empty, otherwise (`TW_STR("")`).
 *   - Optional numbers are absent when 0, optional enums when their `_DEFAULT` (0) value, so
 *     option structs are written with designated initialisers and mention only what they set.
 *   - Memory comes from a freeing allocator and is owned by *scopes* (see "Memory"): open a
 *     scope around each step of a loop and everything the step allocated, results included,
 *     is released when it ends. A workflow instance lives as long as its run, so a loop that
 *     allocates without a scope would grow until the worker's memory cap.
 *   - JSON input is validated once, completely (RFC 8259, including UTF-8 and surrogate pairs),
 *     and then read lazily through `tw_json` cursors that cannot fail on structure.
 *   - Functions that end the run (`tw_complete_*`, `tw_fail`, `tw_continue_as_new`) never
 *     return.
 *   - The pure parts (strings, memory, base64, JSON, payloads, failures, request encoders,
 *     result decoders) call no host import, so they also compile natively for unit tests
 *     (../tests/sdk_test.c runs them against guest/fixtures).
 *
 * The API is split by topic into the headers of temporal_wasm/, which this one includes in
 * dependency order (each builds on those before it) and which are not meant to be included on
 * their own; each documents its part of the API.
 */
#ifndef TEMPORAL_WASM_H
#define TEMPORAL_WASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "temporal_wasm/str.h"           /* strings and lists: tw_str, TW_ARGS, tw_pairs, TW_EXPORT */
#include "temporal_wasm/memory.h"        /* the allocator, scopes, tw_buf */
#include "temporal_wasm/base64.h"        /* base64 of payload data and metadata */
#include "temporal_wasm/json.h"          /* reading JSON (cursors) and writing it (tw_json_writer) */
#include "temporal_wasm/payload.h"       /* payloads, json/plain values */
#include "temporal_wasm/failure.h"       /* failures raised (tw_failure) and received (tw_failure_view) */
#include "temporal_wasm/result.h"        /* what a command resolved with (tw_result) */
#include "temporal_wasm/info.h"          /* the workflow's info and parameters */
#include "temporal_wasm/log.h"           /* logging */
#include "temporal_wasm/ending.h"        /* ending the run: complete, fail, continue as new */
#include "temporal_wasm/wait.h"          /* handles, waiting, timers */
#include "temporal_wasm/activity.h"      /* activities, HTTP activities, retry policies */
#include "temporal_wasm/child.h"         /* child workflows and other workflows */
#include "temporal_wasm/channels.h"      /* signals, updates, cancellation */
#include "temporal_wasm/telling.h"       /* queries, current details, search attributes, memo, metrics */
#include "temporal_wasm/deterministic.h" /* time, randomness, versioning */
#include "temporal_wasm/requests.h"      /* request encoders: the JSON each call sends */

#endif /* TEMPORAL_WASM_H */

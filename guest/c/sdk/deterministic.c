/*
 * deterministic.c - the only sources of time, randomness and versioning a workflow may use:
 * the worker answers each identically on every replay.
 */
#include "host.h"
#include "internal.h"

int64_t tw_now(void) { return tw_host_now(); }

void tw_random(void *bytes, size_t len) { tw_host_random(bytes, (uint32_t)len); }

uint64_t tw_random_u64(void) {
    uint64_t value;
    tw_host_random(&value, sizeof value);
    return value;
}

bool tw_patched(tw_str id) { return tw_host_patched(id.ptr, (uint32_t)id.len, 0) != 0; }

bool tw_deprecate_patch(tw_str id) { return tw_host_patched(id.ptr, (uint32_t)id.len, 1) != 0; }

bool tw_is_replaying(void) { return tw_host_is_replaying() != 0; }

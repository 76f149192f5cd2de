/*
 * temporal_wasm/memory.h - memory.
 *
 * The freeing allocator, the scopes that own every block, and the growable `tw_buf`.
 *
 * Included by temporal_wasm.h (the one header a workflow includes) after str.h,
 * which it builds on.
 */
#ifndef TEMPORAL_WASM_MEMORY_H
#define TEMPORAL_WASM_MEMORY_H

#ifndef TEMPORAL_WASM_H
#error "include temporal_wasm.h, not temporal_wasm/memory.h"
#endif

/* =============================================================================================
 * Memory
 *
 * One allocator over `memory.grow` with power-of-two size classes: a freed block goes to its
 * class's free list and the next allocation of that class reuses it, so a loop whose steps
 * allocate alike runs in constant memory. Wasm memory never shrinks; the heap's high-water
 * mark is the sum of each class's peak use.
 *
 * Every block belongs to a scope. `tw_scope_begin` opens a scope (usually a local variable)
 * and makes it current: every allocation until `tw_scope_end`, the SDK's included (JSON,
 * results, decoded payloads, strings), belongs to it, and `tw_scope_end` frees them all.
 * Outside any scope, blocks belong to the run's root scope and live until `tw_free`. Scopes
 * nest and must end innermost first. A `tw_json` cursor or `tw_str` view into freed memory is
 * dangling, as in any C API: copy what must outlive the scope with `tw_str_keep`.
 *
 *     for (int64_t i = 0; i < n; i++) {
 *         tw_scope step;
 *         tw_scope_begin(&step);
 *         tw_result r = tw_activity_execute(&(tw_activity_options){...});
 *         ...
 *         tw_scope_end(&step); // the request, the result and its payload are freed here
 *     }
 * =========================================================================================== */

/**
 * Allocates `size` bytes (8-byte aligned) in the current scope. Never returns NULL: if the
 * worker's memory cap is reached the run traps, which the worker reports as a guest bug.
 */
void *tw_alloc(size_t size);

/**
 * Resizes a block from `tw_alloc` (NULL: allocates), keeping its contents and its scope. Grows
 * in place while the block's size class has room.
 */
void *tw_realloc(void *block, size_t size);

/** Frees one block now (NULL: nothing), whichever scope owns it. Freeing twice traps. */
void tw_free(void *block);

struct tw_block;

/** A scope of allocations; see above. Treat the fields as private. */
typedef struct tw_scope {
    struct tw_scope *parent;
    struct tw_block *blocks;
} tw_scope;

/** Opens `scope` (uninitialised storage is fine) and makes it the current scope. */
void tw_scope_begin(tw_scope *scope);

/** Frees every block of `scope`, which must be the current scope, and returns to its parent. */
void tw_scope_end(tw_scope *scope);

/** What the allocator holds, for tests and for workflows that log their footprint. */
typedef struct {
    size_t blocks_in_use;  /* blocks allocated and not freed */
    size_t bytes_in_use;   /* their size, headers and size-class rounding included */
    size_t heap_bytes;     /* the heap's high-water mark: bytes ever carved from memory */
} tw_heap_stats;

/** The allocator's current numbers. */
tw_heap_stats tw_heap_stats_now(void);

/**
 * A growable byte buffer; zero-initialise it (`tw_buf b = {0};`). Its memory stays in the
 * scope of its first append, however it grows later: start it before a loop to collect
 * across the loop's scoped steps.
 */
typedef struct {
    char *ptr;
    size_t len;
    size_t cap;
} tw_buf;

/** Appends `len` bytes to `buf`. */
void tw_buf_append(tw_buf *buf, const void *bytes, size_t len);

/** Appends a string to `buf`. */
void tw_buf_str(tw_buf *buf, tw_str text);

/** The bytes written to `buf` so far. */
tw_str tw_buf_view(const tw_buf *buf);

/** Frees the buffer's memory and empties it. */
void tw_buf_free(tw_buf *buf);

#endif /* TEMPORAL_WASM_MEMORY_H */

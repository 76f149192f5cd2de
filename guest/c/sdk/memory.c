/*
 * memory.c - the allocator: power-of-two size classes over `memory.grow`, blocks owned by scopes.
 *
 * A block is a header followed by the caller's bytes, 2^class bytes in all. Live blocks sit in
 * their scope's doubly linked list (so `tw_free` can unlink any of them and `tw_scope_end` can
 * walk them); free blocks sit in their class's singly linked free list. New blocks are carved
 * from the top of the heap, which grows memory a page at a time when it runs out. Nothing is
 * ever split or merged: a workflow's steps tend to allocate alike, so per-class reuse keeps a
 * long loop flat, and the code stays small.
 *
 * Natively (tests) the "linear memory" is a static arena of TW_NATIVE_HEAP_BYTES.
 */
#include "internal.h"

struct tw_block {
    struct tw_block *prev;  /* live: the previous block of the owner's list */
    struct tw_block *next;  /* live: the next block of the owner's list; free: next free block */
    tw_scope *owner;        /* NULL while free: catches double frees */
    uint32_t size_class;    /* the block is 2^size_class bytes, header included */
};

/* 16 bytes on wasm32, so the caller's bytes stay 16-byte aligned. */
#define TW_HEADER_SIZE ((sizeof(struct tw_block) + 15) & ~(size_t)15)
#define TW_MIN_CLASS 5u  /* 32-byte blocks */
#define TW_MAX_CLASS 31u /* 2 GiB: more than a wasm32 instance can have */
#define TW_PAGE_SIZE 65536u

static struct tw_block *tw_free_lists[TW_MAX_CLASS + 1];
static tw_scope tw_root = {NULL, NULL};
static tw_scope *tw_current = &tw_root;
static uintptr_t tw_heap_start, tw_heap_top, tw_heap_end;
static size_t tw_blocks_in_use, tw_bytes_in_use;

/* ---- where memory comes from ---- */

#if defined(__wasm__)
/* Provided by wasm-ld: the first byte after the stack and static data. */
extern unsigned char __heap_base;

static uintptr_t tw_memory_start(void) { return (uintptr_t)&__heap_base; }
static uintptr_t tw_memory_end(void) { return (uintptr_t)__builtin_wasm_memory_size(0) * TW_PAGE_SIZE; }
static bool tw_memory_grow(size_t pages) { return __builtin_wasm_memory_grow(0, pages) != (size_t)-1; }
#else
#ifndef TW_NATIVE_HEAP_BYTES
#define TW_NATIVE_HEAP_BYTES (64u << 20)
#endif
static _Alignas(16) unsigned char tw_arena[TW_NATIVE_HEAP_BYTES];
static size_t tw_arena_pages = 1;

static uintptr_t tw_memory_start(void) { return (uintptr_t)tw_arena; }
static uintptr_t tw_memory_end(void) { return (uintptr_t)tw_arena + tw_arena_pages * TW_PAGE_SIZE; }
static bool tw_memory_grow(size_t pages) {
    if (pages > TW_NATIVE_HEAP_BYTES / TW_PAGE_SIZE - tw_arena_pages) return false;
    tw_arena_pages += pages;
    return true;
}
#endif

/* Carves a fresh block of 2^size_class bytes from the top of the heap. */
static struct tw_block *tw_carve(uint32_t size_class) {
    if (!tw_heap_start) {
        tw_heap_start = tw_heap_top = (tw_memory_start() + 15) & ~(uintptr_t)15;
        tw_heap_end = tw_memory_end();
    }
    uintptr_t size = (uintptr_t)1 << size_class;
    if (size > UINTPTR_MAX - tw_heap_top) __builtin_trap();
    uintptr_t end = tw_heap_top + size;
    if (end > tw_heap_end) {
        uintptr_t missing = end - tw_heap_end;
        size_t pages = missing / TW_PAGE_SIZE + (missing % TW_PAGE_SIZE != 0);
        /* Past the worker's memory cap: trap, which the worker reports as a guest bug. */
        if (!tw_memory_grow(pages)) __builtin_trap();
        tw_heap_end = tw_memory_end();
    }
    struct tw_block *block = (struct tw_block *)tw_heap_top;
    tw_heap_top = end;
    block->size_class = size_class;
    return block;
}

/* The smallest class whose blocks hold `size` bytes after the header. */
static uint32_t tw_class_for(size_t size) {
    if (size > ((size_t)1 << TW_MAX_CLASS) - TW_HEADER_SIZE) __builtin_trap();
    size_t total = size + TW_HEADER_SIZE;
    uint32_t size_class = TW_MIN_CLASS;
    while (((size_t)1 << size_class) < total) size_class++;
    return size_class;
}

static void tw_link(struct tw_block *block, tw_scope *owner) {
    block->owner = owner;
    block->prev = NULL;
    block->next = owner->blocks;
    if (owner->blocks) owner->blocks->prev = block;
    owner->blocks = block;
}

static void tw_unlink(struct tw_block *block) {
    if (block->prev) {
        block->prev->next = block->next;
    } else {
        block->owner->blocks = block->next;
    }
    if (block->next) block->next->prev = block->prev;
}

static void *tw_alloc_in(tw_scope *owner, size_t size) {
    uint32_t size_class = tw_class_for(size);
    struct tw_block *block = tw_free_lists[size_class];
    if (block) {
        tw_free_lists[size_class] = block->next;
    } else {
        block = tw_carve(size_class);
    }
    tw_link(block, owner);
    tw_blocks_in_use++;
    tw_bytes_in_use += (size_t)1 << size_class;
    return (char *)block + TW_HEADER_SIZE;
}

static struct tw_block *tw_block_of(const void *bytes) {
    return (struct tw_block *)((uintptr_t)bytes - TW_HEADER_SIZE);
}

/* Returns a live block to its class's free list. */
static void tw_release(struct tw_block *block) {
    block->owner = NULL;
    block->next = tw_free_lists[block->size_class];
    tw_free_lists[block->size_class] = block;
    tw_blocks_in_use--;
    tw_bytes_in_use -= (size_t)1 << block->size_class;
}

/* ---- the public calls ---- */

void *tw_alloc(size_t size) { return tw_alloc_in(tw_current, size); }

void tw_free(void *bytes) {
    if (!bytes) return;
    struct tw_block *block = tw_block_of(bytes);
    if (!block->owner) __builtin_trap(); /* freed twice */
    tw_unlink(block);
    tw_release(block);
}

size_t tw__usable_size(const void *bytes) {
    return ((size_t)1 << tw_block_of(bytes)->size_class) - TW_HEADER_SIZE;
}

void *tw_realloc(void *bytes, size_t size) {
    if (!bytes) return tw_alloc(size);
    size_t usable = tw__usable_size(bytes);
    if (size <= usable) return bytes;
    void *grown = tw_alloc_in(tw_block_of(bytes)->owner, size);
    __builtin_memcpy(grown, bytes, usable);
    tw_free(bytes);
    return grown;
}

void tw_scope_begin(tw_scope *scope) {
    scope->parent = tw_current;
    scope->blocks = NULL;
    tw_current = scope;
}

void tw_scope_end(tw_scope *scope) {
    if (scope != tw_current || scope == &tw_root) __builtin_trap(); /* ended out of order */
    for (struct tw_block *block = scope->blocks, *next; block; block = next) {
        next = block->next;
        tw_release(block);
    }
    scope->blocks = NULL;
    tw_current = scope->parent;
}

tw_scope *tw__root_scope(void) { return &tw_root; }

tw_scope *tw__use_scope(tw_scope *scope) {
    tw_scope *previous = tw_current;
    tw_current = scope;
    return previous;
}

tw_str tw_str_keep(tw_str text) {
    tw_scope *outer = tw_current->parent ? tw_current->parent : &tw_root;
    tw_scope *previous = tw__use_scope(outer);
    tw_str copy = tw_str_copy(text);
    tw__use_scope(previous);
    return copy;
}

tw_heap_stats tw_heap_stats_now(void) {
    return (tw_heap_stats){
        .blocks_in_use = tw_blocks_in_use,
        .bytes_in_use = tw_bytes_in_use,
        .heap_bytes = (size_t)(tw_heap_top - tw_heap_start),
    };
}

/* ---- buffers ---- */

void tw_buf_append(tw_buf *buf, const void *bytes, size_t len) {
    if (len > buf->cap - buf->len) {
        size_t want = buf->len + len;
        if (want < 48) want = 48; /* the smallest useful class: 64-byte blocks */
        buf->ptr = tw_realloc(buf->ptr, want);
        buf->cap = tw__usable_size(buf->ptr);
    }
    if (len) __builtin_memcpy(buf->ptr + buf->len, bytes, len);
    buf->len += len;
}

void tw_buf_str(tw_buf *buf, tw_str text) { tw_buf_append(buf, text.ptr, text.len); }

tw_str tw_buf_view(const tw_buf *buf) { return (tw_str){buf->ptr ? buf->ptr : "", buf->len}; }

void tw_buf_free(tw_buf *buf) {
    tw_free(buf->ptr);
    *buf = (tw_buf){0};
}

/* ---- strings (they allocate, so they live here) ---- */

tw_str tw_cstr(const char *text) {
    size_t len = 0;
    while (text[len]) len++;
    return (tw_str){text, len};
}

bool tw_str_eq(tw_str a, tw_str b) {
    if (a.len != b.len) return false;
    for (size_t i = 0; i < a.len; i++) {
        if (a.ptr[i] != b.ptr[i]) return false;
    }
    return true;
}

tw_str tw_str_copy(tw_str text) {
    char *copy = tw_alloc(text.len);
    if (text.len) __builtin_memcpy(copy, text.ptr, text.len);
    return (tw_str){copy, text.len};
}

tw_str tw_concat(const tw_str *parts, size_t count) {
    size_t len = 0;
    for (size_t i = 0; i < count; i++) len += parts[i].len;
    char *out = tw_alloc(len);
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        if (parts[i].len) __builtin_memcpy(out + at, parts[i].ptr, parts[i].len);
        at += parts[i].len;
    }
    return (tw_str){out, len};
}

tw_str tw_i64_to_str(int64_t value) {
    char digits[20];
    size_t n = 0;
    /* Work on the magnitude as unsigned so that INT64_MIN needs no special case. */
    uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude);
    char *out = tw_alloc(n + 1);
    size_t len = 0;
    if (value < 0) out[len++] = '-';
    while (n) out[len++] = digits[--n];
    return (tw_str){out, len};
}

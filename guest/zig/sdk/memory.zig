//! Memory: one freeing allocator for the whole run, and the rule for who frees what.
//!
//! A durable instance lives as long as its workflow run (hours, days, thousands of activations),
//! so nothing may be "never freed". The rules:
//!
//! - `allocator` is `std.heap.wasm_allocator` on wasm: power-of-two size classes with free
//!   lists, so a block freed is reused by the next allocation of its class, and a loop whose
//!   steps allocate alike runs in constant memory. Wasm memory never shrinks; what matters is
//!   that the high-water mark stops growing.
//! - The SDK's own scratch (request JSON, the raw result bytes `take_result` writes, decoded
//!   base64) comes from `allocator` and is freed before the call that made it returns.
//! - Everything the SDK hands back (decoded results, failures, signal and update arguments)
//!   is allocated in the allocator the caller passes, named `arena` in every signature: pass an
//!   `std.heap.ArenaAllocator` and free it all at once. A loop keeps one arena and calls
//!   `arena.reset(.retain_capacity)` each step (see examples/memory_loop); what must outlive a
//!   step goes into a longer-lived arena (`dupe`).
//! - Running out of memory (the worker's cap) is not something a workflow can recover from, so
//!   the SDK panics (logged, then a trap the worker reports as a guest bug) instead of returning
//!   `error.OutOfMemory` from every call.

const std = @import("std");
const builtin = @import("builtin");

/// The run's allocator: `std.heap.wasm_allocator` on wasm; in native tests
/// `std.testing.allocator`, so that a test fails if the SDK leaks any of its scratch.
pub const allocator: std.mem.Allocator = if (builtin.target.cpu.arch.isWasm())
    std.heap.wasm_allocator
else if (builtin.is_test)
    std.testing.allocator
else
    std.heap.page_allocator;

/// Out of memory: the worker's memory cap was reached. Logged by the panic handler, then traps.
pub fn outOfMemory() noreturn {
    @branchHint(.cold);
    @panic("temporal: out of memory (the worker's memory cap was reached)");
}

/// A new arena over `allocator`, for a step's results: `var step = tw.arena(); defer step.deinit();`.
pub fn arena() std.heap.ArenaAllocator {
    return std.heap.ArenaAllocator.init(allocator);
}

/// Bytes of linear memory the instance has now (its high-water mark: wasm memory never
/// shrinks); 0 off wasm.
pub fn linearMemoryBytes() usize {
    if (comptime builtin.target.cpu.arch.isWasm()) return @wasmMemorySize(0) * std.wasm.page_size;
    return 0;
}

/// Duplicates `bytes` into `gpa`, panicking when out of memory.
pub fn dupe(gpa: std.mem.Allocator, bytes: []const u8) []u8 {
    return gpa.dupe(u8, bytes) catch outOfMemory();
}

/// Concatenates strings into `gpa`: `tw.concat(arena, &.{ "order ", id, " shipped" })`.
pub fn concat(gpa: std.mem.Allocator, parts: []const []const u8) []u8 {
    return std.mem.concat(gpa, u8, parts) catch outOfMemory();
}

/// Formats into `gpa` with `std.fmt`: `tw.format(arena, "order {s}: {d} items", .{ id, n })`.
pub fn format(gpa: std.mem.Allocator, comptime fmt: []const u8, args: anytype) []u8 {
    return std.fmt.allocPrint(gpa, fmt, args) catch outOfMemory();
}

/// Formats an integer in decimal, into `gpa` (no format string needed).
pub fn intToString(gpa: std.mem.Allocator, value: anytype) []u8 {
    var buffer: [40]u8 = undefined;
    const len = std.fmt.printInt(&buffer, value, 10, .lower, .{});
    return dupe(gpa, buffer[0..len]);
}

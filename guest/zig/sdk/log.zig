//! Logging through the worker (`write_log`, `log_level`) and the panic handler.
//!
//! Lines are suppressed while Temporal replays history, so each appears once per execution.
//! `log` writes a ready message (a v0 call); `logf` formats only when the worker would emit the
//! level, asking `log_level` first (a v1 call: it makes a bundle durable). `logFn` routes
//! `std.log` to the worker: `pub const std_options: std.Options = .{ .logFn = tw.logFn };`.

const std = @import("std");
const host = @import("host.zig");
const memory = @import("memory.zig");

/// The ABI's log levels.
pub const LogLevel = enum(u32) { err = 1, warn = 2, info = 3, debug = 4, trace = 5 };

/// Writes a log line at `level`.
pub fn log(level: LogLevel, message: []const u8) void {
    host.writeLog(@backingInt(level), message);
}

/// The most verbose level the worker emits now; null while replaying or when guest logs are off.
pub fn logLevel() ?LogLevel {
    const level = host.logLevel();
    if (level == 0) return null;
    return @fromBackingInt(@min(level, 5));
}

/// Whether a line at `level` would be emitted now.
pub fn enabled(level: LogLevel) bool {
    const current = logLevel() orelse return false;
    return @backingInt(level) <= @backingInt(current);
}

/// Formats with `std.fmt` and writes a log line, if the worker would emit `level`.
pub fn logf(level: LogLevel, comptime fmt: []const u8, args: anytype) void {
    if (!enabled(level)) return;
    const message = std.fmt.allocPrint(memory.allocator, fmt, args) catch memory.outOfMemory();
    defer memory.allocator.free(message);
    log(level, message);
}

/// A `std.Options.logFn` that writes `std.log` lines through the worker (the scope, if not
/// the default, prefixes the message).
pub fn logFn(
    comptime level: std.log.Level,
    comptime scope: @EnumLiteral(),
    comptime format: []const u8,
    args: anytype,
) void {
    const ours: LogLevel = switch (level) {
        .err => .err,
        .warn => .warn,
        .info => .info,
        .debug => .debug,
    };
    const prefix = if (scope == .default) "" else "(" ++ @tagName(scope) ++ ") ";
    logf(ours, prefix ++ format, args);
}

/// The panic handler for workflow root files (`pub const panic = tw.panic;`): logs the message
/// at error level, then traps, which the worker reports as a guest bug (the workflow task
/// fails and is retried, or the workflow fails under `on_guest_bug = "fail_workflow"`).
/// ReleaseSmall has no safety checks, so only explicit `@panic` and out-of-memory reach it.
pub const panic = std.debug.FullPanic(logAndTrap);

fn logAndTrap(message: []const u8, _: ?usize) noreturn {
    @branchHint(.cold);
    log(.err, message);
    @trap();
}

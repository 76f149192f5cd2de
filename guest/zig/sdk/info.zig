//! The run's `info`: its start arguments and who it is (`get_info`).

const std = @import("std");
const host = @import("host.zig");
const json = @import("json.zig");
const memory = @import("memory.zig");
const payload = @import("payload.zig");
const Payload = payload.Payload;

/// Identity of the workflow execution; absent fields read as "" and 0 (and null for what only
/// some runs have).
pub const WorkflowInfo = struct {
    workflow_type: []const u8 = "",
    workflow_id: []const u8 = "",
    run_id: []const u8 = "",
    namespace: []const u8 = "",
    task_queue: []const u8 = "",
    /// Starts at 1; counts retry-policy retries, not task retries.
    attempt: i64 = 0,
    /// RFC 3339, UTC.
    start_time: []const u8 = "",
    /// A child's parent.
    parent: ?Parent = null,
    /// The run this one continued as new from.
    continued_from_run_id: ?[]const u8 = null,
    /// The memo the run started with: key → payload.
    memo: ?std.json.ArrayHashMap(Payload) = null,
    /// The search attributes the run started with: name → JSON value.
    search_attributes: ?std.json.ArrayHashMap(std.json.Value) = null,

    /// A child's parent execution.
    pub const Parent = struct {
        namespace: []const u8 = "",
        workflow_id: []const u8 = "",
        run_id: []const u8 = "",
    };
};

/// The `info` JSON.
pub const Info = struct {
    /// The start arguments, as payloads; read them with `param`.
    params: []const Payload = &.{},
    workflow_info: WorkflowInfo = .{},
};

/// Reads an `info` JSON `text` into `arena`.
pub fn decode(arena: std.mem.Allocator, text: []const u8) json.ParseError!Info {
    return json.parse(Info, arena, text);
}

/// Holds the parsed info for the whole run (it is read once, and small).
var info_arena: std.heap.ArenaAllocator = .init(memory.allocator);
var cached: ?Info = null;

/// The run's info, fetched and parsed on first use. A document that is not an info object is
/// a worker/guest mismatch no workflow input can cause: it panics.
pub fn info() *const Info {
    if (cached) |*i| return i;
    const text = memory.allocator.alloc(u8, host.getInfoLen()) catch memory.outOfMemory();
    defer memory.allocator.free(text);
    host.getInfo(text);
    cached = decode(info_arena.allocator(), text) catch @panic("temporal: the info from get_info is not an info object");
    return &cached.?;
}

/// Why a start argument could not be read.
pub const ParamError = error{
    /// Fewer arguments were passed.
    ParamMissing,
    /// Not a `json/plain` payload, not base64, or not JSON of the type asked for.
    ParamInvalid,
};

/// Reads start argument `index` of `params` as `T` (e.g. a struct, `[]const u8`,
/// `std.json.Value`), allocated in `arena`.
pub fn paramOf(comptime T: type, arena: std.mem.Allocator, params: []const Payload, index: usize) ParamError!T {
    if (index >= params.len) return error.ParamMissing;
    return params[index].decode(T, arena) catch error.ParamInvalid;
}

/// Reads the run's start argument `index` as `T`, allocated in `arena`.
pub fn param(comptime T: type, arena: std.mem.Allocator, index: usize) ParamError!T {
    return paramOf(T, arena, info().params, index);
}

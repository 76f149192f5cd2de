//! Write Temporal workflows in Zig against the temporal-wasm-worker ABI v0.
//!
//! A workflow is a `wasm32-freestanding` module that exports `run` and its memory and talks to
//! the worker only through five `env.*` imports that move JSON through linear memory (see
//! proto-notes/abi-v0-guest-view.md). This module hides that:
//!
//!     const tw = @import("temporal_wasm.zig");
//!     pub const panic = tw.panic;
//!
//!     export fn run() void {
//!         const who = tw.string(tw.paramJson(0) catch .null) orelse "World";
//!         tw.complete(tw.concat(&.{ "Hello, ", who }));
//!     }
//!
//! Decisions that shape the API:
//! - Memory comes from `std.heap.wasm_allocator` and is never freed: a run is short and
//!   one-shot, and the worker discards the instance afterwards. Running out of memory (the
//!   worker's cap) traps, which the worker reports as a guest bug, so helpers return plain
//!   values instead of `error.OutOfMemory` everywhere.
//! - JSON input is parsed with `std.json` into `std.json.Value` with `parse_numbers = false`:
//!   numbers stay text, so `integer` can apply the ABI examples' rule (no fraction, no exponent,
//!   fits in i64) exactly, and no float parsing code lands in the bundle. Duplicate keys keep the
//!   last value, as most JSON parsers do.
//! - Functions that end the run (`complete*`, `fail`) are `noreturn`: the host stops the run
//!   inside the import, and a trap follows in case it ever returns.

const std = @import("std");
const json = std.json;

/// The ABI's host functions, with the exact core-wasm signatures of the guest view.
const host = struct {
    extern "env" fn get_info_len() u32;
    extern "env" fn get_info(offset: [*]u8, len: usize) void;
    extern "env" fn write_log(level: u32, offset: [*]const u8, len: usize) void;
    extern "env" fn complete(offset: [*]const u8, len: usize) void;
    extern "env" fn complete_with_failure(offset: [*]const u8, len: usize) void;
};

/// The allocator behind every helper; use it for your own allocations too.
pub const allocator = std.heap.wasm_allocator;

/// Panic handler for workflow root files (`pub const panic = tw.panic;`): logs the message at
/// error level, then traps. ReleaseSmall has no safety checks, so only explicit `@panic` and
/// out-of-memory reach it.
pub const panic = std.debug.FullPanic(logAndTrap);

fn logAndTrap(message: []const u8, _: ?usize) noreturn {
    @branchHint(.cold);
    log(.err, message);
    @trap();
}

fn outOfMemory() noreturn {
    @panic("temporal_wasm: out of memory");
}

// ---------------------------------------------------------------------------------------------
// Logging and strings
// ---------------------------------------------------------------------------------------------

/// The ABI's log levels.
pub const LogLevel = enum(u32) { err = 1, warn = 2, info = 3, debug = 4, trace = 5 };

/// Writes a log line through the worker (suppressed while Temporal replays history).
pub fn log(level: LogLevel, message: []const u8) void {
    host.write_log(@backingInt(level), message.ptr, message.len);
}

/// Concatenates strings: `tw.concat(&.{ "greeting ", name })`.
pub fn concat(parts: []const []const u8) []const u8 {
    return std.mem.concat(allocator, u8, parts) catch outOfMemory();
}

/// Formats an integer in decimal.
pub fn intToString(value: anytype) []const u8 {
    var buffer: [64]u8 = undefined;
    const len = std.fmt.printInt(&buffer, value, 10, .lower, .{});
    return allocator.dupe(u8, buffer[0..len]) catch outOfMemory();
}

// ---------------------------------------------------------------------------------------------
// Base64 and JSON
// ---------------------------------------------------------------------------------------------

/// Encodes bytes as padded standard base64, the encoding of payload data and metadata.
pub fn base64Encode(bytes: []const u8) []const u8 {
    const encoder = std.base64.standard.Encoder;
    const out = allocator.alloc(u8, encoder.calcSize(bytes.len)) catch outOfMemory();
    return encoder.encode(out, bytes);
}

/// Decodes padded standard base64; null for anything else: wrong length, characters outside the
/// alphabet, misplaced padding, or non-zero spare bits after the last byte (so every byte
/// string has exactly one accepted encoding).
///
/// Hand-written rather than `std.base64.standard.Decoder`, whose 4 KiB of lookup tables would
/// be the largest single item in a small bundle.
pub fn base64Decode(text: []const u8) ?[]const u8 {
    if (text.len % 4 != 0) return null;
    var padding: usize = 0;
    if (text.len > 0 and text[text.len - 1] == '=') padding += 1;
    if (text.len > 0 and text[text.len - 2] == '=') padding += 1;
    const out = allocator.alloc(u8, text.len / 4 * 3 - padding) catch outOfMemory();
    var acc: u32 = 0;
    var o: usize = 0;
    for (text[0 .. text.len - padding], 0..) |c, i| {
        acc = acc << 6 | (base64Value(c) orelse return null); // also rejects an inner '='
        if (i % 4 == 3) {
            out[o..][0..3].* = .{ @truncate(acc >> 16), @truncate(acc >> 8), @truncate(acc) };
            o += 3;
            acc = 0;
        }
    }
    // The final group: 2 characters carry 1 byte plus 4 spare bits, 3 carry 2 plus 2 spare bits.
    switch (padding) {
        2 => {
            if (acc & 0xf != 0) return null;
            out[o] = @truncate(acc >> 4);
        },
        1 => {
            if (acc & 0x3 != 0) return null;
            out[o..][0..2].* = .{ @truncate(acc >> 10), @truncate(acc >> 2) };
        },
        else => {},
    }
    return out;
}

fn base64Value(c: u8) ?u32 {
    return switch (c) {
        'A'...'Z' => c - 'A',
        'a'...'z' => c - 'a' + 26,
        '0'...'9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        else => null,
    };
}

/// Parses one complete JSON document (RFC 8259, UTF-8 checked, paired surrogates only).
pub fn parseJson(text: []const u8) error{InvalidJson}!json.Value {
    return json.parseFromSliceLeaky(json.Value, allocator, text, .{
        .parse_numbers = false,
        .duplicate_field_behavior = .use_last,
    }) catch |err| switch (err) {
        error.OutOfMemory => outOfMemory(),
        else => error.InvalidJson,
    };
}

/// Serialises `value` (any type `std.json.Stringify` accepts) as minified JSON.
pub fn stringify(value: anytype, options: json.Stringify.Options) []const u8 {
    return json.Stringify.valueAlloc(allocator, value, options) catch outOfMemory();
}

/// The member `key` of `value`, or null if `value` is not an object or lacks it.
pub fn field(value: ?json.Value, key: []const u8) ?json.Value {
    const object = value orelse return null;
    return if (object == .object) object.object.get(key) else null;
}

/// The text of a JSON string, or null for any other value.
pub fn string(value: ?json.Value) ?[]const u8 {
    const v = value orelse return null;
    return if (v == .string) v.string else null;
}

/// The elements of a JSON array, or null for any other value.
pub fn array(value: ?json.Value) ?[]const json.Value {
    const v = value orelse return null;
    return if (v == .array) v.array.items else null;
}

/// A JSON number without fraction or exponent that fits in i64, or null for anything else
/// (`3.0` and `1e2` included).
pub fn integer(value: ?json.Value) ?i64 {
    const v = value orelse return null;
    return switch (v) {
        .integer => |i| i, // from documents parsed with parse_numbers = true
        .number_string => |text| if (std.mem.findAny(u8, text, ".eE") != null)
            null
        else
            std.fmt.parseInt(i64, text, 10) catch null,
        else => null,
    };
}

// ---------------------------------------------------------------------------------------------
// Info and parameters
// ---------------------------------------------------------------------------------------------

/// Identity of the workflow execution; absent fields read as "" and 0.
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
};

/// The `info` JSON from `get_info`.
pub const Info = struct {
    /// The start arguments, as wire-form payload objects; read them with `param*`.
    params: []const json.Value,
    workflow_info: WorkflowInfo,
    /// The whole document, for fields this struct does not name.
    root: json.Value,
};

var cached_info: ?Info = null;

/// Fetches and parses the `info` JSON once per run. A document that is not an info object is
/// a worker/guest mismatch no workflow input can cause: it is logged and traps.
pub fn getInfo() *const Info {
    if (cached_info) |*info| return info;
    const len = host.get_info_len();
    const bytes = allocator.alloc(u8, len) catch outOfMemory();
    host.get_info(bytes.ptr, len);
    const root = parseJson(bytes) catch @panic("temporal_wasm: the info from get_info is not JSON");
    if (root != .object) @panic("temporal_wasm: the info from get_info is not a JSON object");

    const workflow = field(root, "workflow_info");
    cached_info = .{
        .params = array(field(root, "params")) orelse &.{},
        .workflow_info = .{
            .workflow_type = string(field(workflow, "workflow_type")) orelse "",
            .workflow_id = string(field(workflow, "workflow_id")) orelse "",
            .run_id = string(field(workflow, "run_id")) orelse "",
            .namespace = string(field(workflow, "namespace")) orelse "",
            .task_queue = string(field(workflow, "task_queue")) orelse "",
            .attempt = integer(field(workflow, "attempt")) orelse 0,
            .start_time = string(field(workflow, "start_time")) orelse "",
        },
        .root = root,
    };
    return &cached_info.?;
}

/// Why a parameter could not be read.
pub const ParamError = error{
    /// Fewer parameters were passed.
    ParamMissing,
    /// Malformed payload, not `json/plain`, or not valid JSON (`paramJson` only).
    ParamInvalid,
};

/// A parameter's decoded `encoding` metadata ("" if absent) and data.
pub const Param = struct {
    encoding: []const u8,
    data: []const u8,
};

/// Reads parameter `index` as raw bytes.
pub fn paramBytes(index: usize) ParamError!Param {
    const params = getInfo().params;
    if (index >= params.len) return error.ParamMissing;
    const payload = params[index];
    const encoding = if (field(field(payload, "metadata"), "encoding")) |encoded|
        base64Decode(string(encoded) orelse return error.ParamInvalid) orelse return error.ParamInvalid
    else
        "";
    const data = base64Decode(string(field(payload, "data")) orelse return error.ParamInvalid) orelse
        return error.ParamInvalid;
    return .{ .encoding = encoding, .data = data };
}

/// Reads parameter `index` as a `json/plain` payload and parses its JSON.
pub fn paramJson(index: usize) ParamError!json.Value {
    const param = try paramBytes(index);
    if (!std.mem.eql(u8, param.encoding, "json/plain")) return error.ParamInvalid;
    return parseJson(param.data) catch error.ParamInvalid;
}

// ---------------------------------------------------------------------------------------------
// Ending the run
// ---------------------------------------------------------------------------------------------

/// A payload in wire form (base64 fields), as `completePayloads` and `Failure.details` take it.
pub const WirePayload = struct {
    metadata: struct { encoding: []const u8 },
    data: []const u8,
};

/// base64("json/plain"), the `encoding` of every JSON payload.
const json_plain_base64 = "anNvbi9wbGFpbg==";

/// A `json/plain` payload holding `value` serialised as JSON (nulls included).
pub fn jsonPayload(value: anytype) WirePayload {
    return .{
        .metadata = .{ .encoding = json_plain_base64 },
        .data = base64Encode(stringify(value, .{})),
    };
}

/// Completes the workflow with `result` (anything `std.json.Stringify` accepts; a `[]const u8`
/// becomes a JSON string) as one `json/plain` payload.
pub fn complete(result: anytype) noreturn {
    completePayloads(&.{jsonPayload(result)});
}

/// Completes the workflow with no result.
pub fn completeEmpty() noreturn {
    completePayloads(&.{});
}

/// Completes the workflow with at most one payload.
pub fn completePayloads(payloads: []const WirePayload) noreturn {
    const output = stringify(payloads, .{});
    host.complete(output.ptr, output.len);
    @trap(); // the host ends the run inside `complete`
}

/// A workflow failure; null fields are left out of the JSON.
pub const Failure = struct {
    message: ?[]const u8 = null,
    /// Application error type, e.g. "InvalidInput".
    type: ?[]const u8 = null,
    /// True: a retry policy must not retry this failure.
    non_retryable: ?bool = null,
    /// Structured details, e.g. `&.{tw.jsonPayload(.{ .reason = "..." })}`.
    details: ?[]const WirePayload = null,
    cause: ?*const Failure = null,
};

/// Fails the workflow with `failure`.
pub fn fail(failure: Failure) noreturn {
    const output = stringify(failure, .{ .emit_null_optional_fields = false });
    host.complete_with_failure(output.ptr, output.len);
    @trap(); // the host ends the run inside `complete_with_failure`
}

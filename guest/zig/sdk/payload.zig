//! Payloads: `{"metadata": {"encoding": base64}, "data": base64}`, the form every argument,
//! result, detail, memo entry and query answer crosses the ABI in.
//!
//! `Payload` is the wire form itself (its strings are base64 text), so it parses and
//! serialises with `std.json` as it is. Values travel as `json/plain` payloads: `Payload.json`
//! encodes one, `Payload.decode` reads one back as a Zig type. Argument lists are written
//! straight into the request being built (`args`), without an intermediate payload array.

const std = @import("std");
const base64 = @import("base64.zig");
const jsonlib = @import("json.zig");
const memory = @import("memory.zig");

/// base64("json/plain"), the `encoding` of every JSON payload.
pub const json_plain_base64 = "anNvbi9wbGFpbg==";

/// Why a payload could not be read as the value asked for.
pub const PayloadError = error{
    /// Its `encoding` is not `json/plain`.
    NotJsonPlain,
    /// Its `data` or `encoding` is not padded standard base64.
    InvalidBase64,
    /// Its data is not JSON, or not JSON of the type asked for.
    InvalidJson,
    /// No payload where one was needed (a result with none, read as a non-optional type).
    MissingPayload,
};

/// A payload in wire form: metadata values and data are base64 text.
pub const Payload = struct {
    metadata: ?Metadata = null,
    data: []const u8 = "",

    /// The metadata this SDK reads and writes (other keys are ignored when reading).
    pub const Metadata = struct {
        /// base64 of the encoding name, e.g. `anNvbi9wbGFpbg==` for `json/plain`.
        encoding: ?[]const u8 = null,
    };

    /// A `json/plain` payload holding `value` serialised as `json.stringify` does (null
    /// optional fields left out), its data allocated in `gpa`.
    pub fn json(gpa: std.mem.Allocator, value: anytype) Payload {
        const text = std.json.Stringify.valueAlloc(memory.allocator, value, jsonlib.write_options) catch memory.outOfMemory();
        defer memory.allocator.free(text);
        return .{ .metadata = .{ .encoding = json_plain_base64 }, .data = base64.encode(gpa, text) };
    }

    /// A payload of raw bytes with the given encoding name (e.g. `binary/plain`), allocated in
    /// `gpa`.
    pub fn bytes(gpa: std.mem.Allocator, encoding_name: []const u8, data: []const u8) Payload {
        return .{ .metadata = .{ .encoding = base64.encode(gpa, encoding_name) }, .data = base64.encode(gpa, data) };
    }

    /// Whether the payload says it holds `json/plain` data.
    pub fn isJsonPlain(self: Payload) bool {
        const encoded = (self.metadata orelse return false).encoding orelse return false;
        // Padded base64 with zero spare bits is canonical, so comparing the text is exact.
        return std.mem.eql(u8, encoded, json_plain_base64);
    }

    /// The decoded `encoding` metadata ("" when absent), allocated in `gpa`.
    pub fn encoding(self: Payload, gpa: std.mem.Allocator) PayloadError![]u8 {
        const encoded = (self.metadata orelse return &.{}).encoding orelse return &.{};
        return base64.decode(gpa, encoded) catch error.InvalidBase64;
    }

    /// The decoded data bytes, allocated in `gpa`.
    pub fn rawData(self: Payload, gpa: std.mem.Allocator) PayloadError![]u8 {
        return base64.decode(gpa, self.data) catch error.InvalidBase64;
    }

    /// Reads a `json/plain` payload as `T` (anything `std.json` parses, `std.json.Value`
    /// included), allocated in `arena`.
    pub fn decode(self: Payload, comptime T: type, arena: std.mem.Allocator) PayloadError!T {
        if (!self.isJsonPlain()) return error.NotJsonPlain;
        const text = base64.decode(memory.allocator, self.data) catch return error.InvalidBase64;
        defer memory.allocator.free(text);
        return jsonlib.parse(T, arena, text) catch error.InvalidJson;
    }
};

/// Reads the first of `payloads` as `T`: no payload reads as JSON `null` (so an optional `T`
/// gets null), and `T = void` reads nothing at all.
pub fn decodeFirst(comptime T: type, arena: std.mem.Allocator, payloads: []const Payload) PayloadError!T {
    if (T == void) return;
    if (payloads.len == 0) {
        if (@typeInfo(T) == .optional) return null;
        if (T == std.json.Value) return .null;
        return error.MissingPayload;
    }
    return payloads[0].decode(T, arena);
}

/// A short English reason for a `PayloadError`, for failure messages.
pub fn describe(err: PayloadError) []const u8 {
    return switch (err) {
        error.NotJsonPlain => "the payload is not json/plain",
        error.InvalidBase64 => "the payload is not valid base64",
        error.InvalidJson => "the payload's JSON does not decode as the expected type",
        error.MissingPayload => "there is no payload",
    };
}

/// An argument list for a request: each value of the tuple `values` is written as one
/// `json/plain` payload (as `json.stringify` writes it), except `Payload` values, which are
/// written as they are.
pub fn Args(comptime Tuple: type) type {
    return struct {
        values: Tuple,

        pub fn jsonStringify(self: @This(), jw: *std.json.Stringify) std.json.Stringify.Error!void {
            try jw.beginArray();
            inline for (@typeInfo(Tuple).@"struct".field_names) |name| {
                try writeValue(jw, @field(self.values, name));
            }
            try jw.endArray();
        }

        /// Whether the list is empty (requests leave an empty `args` out).
        pub fn isEmpty(_: @This()) bool {
            return @typeInfo(Tuple).@"struct".field_names.len == 0;
        }
    };
}

/// `Args` of a tuple: `tw.payload.args(.{ order, 3 })`.
pub fn args(values: anytype) Args(@TypeOf(values)) {
    return .{ .values = values };
}

/// Writes `value` as one payload: itself if it is a `Payload`, else as `json/plain`.
pub fn writeValue(jw: *std.json.Stringify, value: anytype) std.json.Stringify.Error!void {
    if (@TypeOf(value) == Payload) return jw.write(value);
    // The value's JSON in scratch, then its base64 straight into the request.
    const text = std.json.Stringify.valueAlloc(memory.allocator, value, jsonlib.write_options) catch memory.outOfMemory();
    defer memory.allocator.free(text);
    try jw.beginObject();
    try jw.objectField("metadata");
    try jw.beginObject();
    try jw.objectField("encoding");
    try jw.write(json_plain_base64);
    try jw.endObject();
    try jw.objectField("data");
    try jw.beginWriteRaw();
    try jw.writer.writeByte('"');
    try base64.encodeToWriter(jw.writer, text);
    try jw.writer.writeByte('"');
    jw.endWriteRaw();
    try jw.endObject();
}

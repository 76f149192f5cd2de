//! JSON in and out, over `std.json`.
//!
//! Reading: `parse(T, arena, text)` decodes into structs (defaults for absent members),
//! slices, optionals, enums, tagged unions, integers, strings or `std.json.Value`, ignoring
//! unknown members and keeping the last of duplicate ones, as the ABI's "inputs ignore unknown
//! fields" asks. A `std.json.Value` keeps numbers as text (`parse_numbers = false`), so `integer` can
//! apply the examples' rule exactly (no fraction, no exponent, fits in i64). The `field`,
//! `string`, `array`, `integer`, `boolean` helpers take and return optionals, so lookups chain:
//! `tw.json.string(tw.json.field(order, "order_id")) orelse "?"`.
//!
//! Writing: `stringify(gpa, value)` serialises any value `std.json.Stringify` accepts as
//! compact JSON, leaving out optional fields that are null (the ABI's "absent" convention;
//! every value the SDK serialises, payloads included, follows it). `Nullable` writes an
//! explicit `null` instead, and `Raw` embeds JSON text that is already encoded.

const std = @import("std");
const memory = @import("memory.zig");

pub const Value = std.json.Value;

/// Why a document could not be read as the type asked for.
pub const ParseError = error{InvalidJson};

/// The options every SDK parse uses.
pub const parse_options: std.json.ParseOptions = .{
    .ignore_unknown_fields = true,
    .duplicate_field_behavior = .use_last,
    // Numbers stay text (`integer` reads them exactly), and no float parsing code lands in a
    // bundle that does not ask for floats.
    .parse_numbers = false,
    // The source buffer is often scratch freed right after parsing.
    .allocate = .alloc_always,
};

/// Parses one complete JSON document (RFC 8259, UTF-8 checked) as `T`, allocating in `arena`
/// (strings are copied, so `text` may be freed afterwards). Out of memory panics.
///
/// The document is read into a `std.json.Value` first and then converted (`fromValue`), rather
/// than parsed straight into `T` by `std.json`'s typed parser: that parser is instantiated per
/// type and reads integers through the float parser's tables, which together tripled the size
/// of a small bundle. Integers must therefore be written as integers (`3`, not `3.0`).
pub fn parse(comptime T: type, arena: std.mem.Allocator, text: []const u8) ParseError!T {
    const value = std.json.parseFromSliceLeaky(Value, arena, text, parse_options) catch |err| switch (err) {
        error.OutOfMemory => memory.outOfMemory(),
        else => return error.InvalidJson,
    };
    return fromValue(T, arena, value);
}

/// Converts a JSON value into `T`, allocating in `arena`: `std.json.Value` as it is; `bool`;
/// integers written without fraction or exponent that fit in `T`; floats; strings as
/// `[]const u8`; slices and single-item pointers; optionals (`null` and absent members are
/// null); enums from their tag names; tagged unions from a one-member object; structs from
/// objects (unknown members ignored, absent ones taking the field's default, else an error);
/// `std.json.ArrayHashMap(V)` from any object.
pub fn fromValue(comptime T: type, arena: std.mem.Allocator, value: Value) ParseError!T {
    if (T == Value) return value;
    switch (@typeInfo(T)) {
        .bool => return if (value == .bool) value.bool else error.InvalidJson,
        .int => return switch (value) {
            .integer => |i| std.math.cast(T, i) orelse error.InvalidJson,
            .number_string => |text| if (std.mem.findAny(u8, text, ".eE") != null)
                error.InvalidJson
            else
                std.fmt.parseInt(T, text, 10) catch error.InvalidJson,
            else => error.InvalidJson,
        },
        .float => return switch (value) {
            .integer => |i| @floatFromInt(i),
            .float => |f| @floatCast(f),
            .number_string => |text| std.fmt.parseFloat(T, text) catch error.InvalidJson,
            else => error.InvalidJson,
        },
        .optional => |info| return if (value == .null) null else try fromValue(info.child, arena, value),
        .@"enum" => {
            if (value != .string) return error.InvalidJson;
            return std.meta.stringToEnum(T, value.string) orelse error.InvalidJson;
        },
        .pointer => |info| switch (info.size) {
            .one => {
                const target = arena.create(info.child) catch memory.outOfMemory();
                target.* = try fromValue(info.child, arena, value);
                return target;
            },
            .slice => {
                if (info.child == u8) return if (value == .string) value.string else error.InvalidJson;
                if (value != .array) return error.InvalidJson;
                const items = arena.alloc(info.child, value.array.items.len) catch memory.outOfMemory();
                for (items, value.array.items) |*item, v| item.* = try fromValue(info.child, arena, v);
                return items;
            },
            else => @compileError("temporal.json cannot decode " ++ @typeName(T)),
        },
        .@"union" => |info| {
            if (value != .object or value.object.count() != 1) return error.InvalidJson;
            const key = value.object.keys()[0];
            const member = value.object.values()[0];
            inline for (info.field_names, info.field_types) |name, Field| {
                if (std.mem.eql(u8, name, key)) {
                    if (Field == void) return @unionInit(T, name, {});
                    return @unionInit(T, name, try fromValue(Field, arena, member));
                }
            }
            return error.InvalidJson;
        },
        .@"struct" => |info| {
            if (value != .object) return error.InvalidJson;
            if (comptime isArrayHashMap(T)) {
                var map: T = .{};
                map.map.ensureTotalCapacity(arena, value.object.count()) catch memory.outOfMemory();
                for (value.object.keys(), value.object.values()) |key, v| {
                    map.map.putAssumeCapacity(key, try fromValue(@FieldType(@FieldType(T, "map").KV, "value"), arena, v));
                }
                return map;
            }
            var result: T = undefined;
            inline for (info.field_names, info.field_types, info.field_attrs) |name, Field, attrs| {
                if (value.object.get(name)) |member| {
                    @field(result, name) = try fromValue(Field, arena, member);
                } else if (comptime attrs.defaultValue(Field)) |default| {
                    @field(result, name) = default;
                } else if (@typeInfo(Field) == .optional) {
                    @field(result, name) = null;
                } else {
                    return error.InvalidJson;
                }
            }
            return result;
        },
        else => @compileError("temporal.json cannot decode " ++ @typeName(T)),
    }
}

fn isArrayHashMap(comptime T: type) bool {
    return @hasField(T, "map") and @hasDecl(T, "jsonParseFromValue") and @hasDecl(@FieldType(T, "map"), "KV");
}

/// Serialises `value` as compact JSON into `gpa`; null optional fields are left out.
pub fn stringify(gpa: std.mem.Allocator, value: anytype) []u8 {
    return std.json.Stringify.valueAlloc(gpa, value, write_options) catch memory.outOfMemory();
}

/// The options every SDK write uses.
pub const write_options: std.json.Stringify.Options = .{ .emit_null_optional_fields = false };

/// JSON text that is already encoded, written as is: `.{ .receipt = tw.json.Raw{ .text = "…" } }`.
/// The text must be one valid JSON value.
pub const Raw = struct {
    text: []const u8,

    pub fn jsonStringify(self: Raw, jw: *std.json.Stringify) std.json.Stringify.Error!void {
        try jw.beginWriteRaw();
        try jw.writer.writeAll(self.text);
        jw.endWriteRaw();
    }
};

/// A value that is written as JSON `null` when absent, where a plain optional field would be
/// left out: `.{ .order_id = tw.json.nullable(order_id) }`.
pub fn Nullable(comptime T: type) type {
    return struct {
        value: ?T,

        pub fn jsonStringify(self: @This(), jw: *std.json.Stringify) std.json.Stringify.Error!void {
            if (self.value) |v| try jw.write(v) else try jw.write(null);
        }
    };
}

/// `Nullable` of `value`.
pub fn nullable(value: anytype) Nullable(@typeInfo(@TypeOf(value)).optional.child) {
    return .{ .value = value };
}

/// The member `key` of `value`, or null if `value` is not an object or lacks it.
pub fn field(value: ?Value, key: []const u8) ?Value {
    const object = value orelse return null;
    return if (object == .object) object.object.get(key) else null;
}

/// The text of a JSON string, or null for any other value.
pub fn string(value: ?Value) ?[]const u8 {
    const v = value orelse return null;
    return if (v == .string) v.string else null;
}

/// The elements of a JSON array, or null for any other value.
pub fn array(value: ?Value) ?[]const Value {
    const v = value orelse return null;
    return if (v == .array) v.array.items else null;
}

/// A JSON number without fraction or exponent that fits in i64, or null for anything else
/// (`3.0` and `1e2` included).
pub fn integer(value: ?Value) ?i64 {
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

/// A JSON boolean, or null for any other value.
pub fn boolean(value: ?Value) ?bool {
    const v = value orelse return null;
    return if (v == .bool) v.bool else null;
}

/// Whether `value` is absent or JSON `null`.
pub fn isNull(value: ?Value) bool {
    const v = value orelse return true;
    return v == .null;
}

test "integers are whole numbers that fit in i64, nothing else" {
    var arena_state = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const doc = try parse(Value, arena, "{\"a\": 3, \"b\": 3.0, \"c\": 1e2, \"d\": -9223372036854775808, \"e\": 9223372036854775808, \"f\": \"3\"}");
    try std.testing.expectEqual(@as(?i64, 3), integer(field(doc, "a")));
    try std.testing.expectEqual(@as(?i64, null), integer(field(doc, "b")));
    try std.testing.expectEqual(@as(?i64, null), integer(field(doc, "c")));
    try std.testing.expectEqual(@as(?i64, std.math.minInt(i64)), integer(field(doc, "d")));
    try std.testing.expectEqual(@as(?i64, null), integer(field(doc, "e")));
    try std.testing.expectEqual(@as(?i64, null), integer(field(doc, "f")));
    try std.testing.expectEqual(@as(?i64, null), integer(field(doc, "missing")));
}

test "parse refuses what is not one JSON document" {
    var arena_state = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena_state.deinit();
    for ([_][]const u8{ "", "{", "[1,]", "{} {}", "\"\xff\"", "'a'" }) |bad| {
        try std.testing.expectError(error.InvalidJson, parse(Value, arena_state.allocator(), bad));
    }
}

test "stringify leaves out null optional fields and embeds raw JSON" {
    const gpa = std.testing.allocator;
    const none: ?u32 = null;
    const text = stringify(gpa, .{ .a = none, .b = Raw{ .text = "[1,{\"x\":2}]" }, .c = "é\"", .d = nullable(none) });
    defer gpa.free(text);
    try std.testing.expectEqualStrings("{\"b\":[1,{\"x\":2}],\"c\":\"é\\\"\",\"d\":null}", text);
}

test "fromValue: structs, defaults, optionals, enums, unions, maps, pointers" {
    var arena_state = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const Kind = enum { counter, gauge };
    const Node = struct { name: []const u8, next: ?*const @This() = null };
    const T = struct {
        id: u16,
        label: []const u8 = "none",
        kind: Kind,
        note: ?[]const u8,
        ratio: f64 = 0,
        tags: []const []const u8 = &.{},
        node: Node,
        extra: std.json.ArrayHashMap(i64) = .{},
    };
    const t = try parse(T, arena,
        \\{"id": 7, "kind": "gauge", "ratio": 0.5, "tags": ["a", "b"], "unknown": [1, {"x": null}],
        \\ "node": {"name": "a", "next": {"name": "b"}}, "extra": {"k": -3}}
    );
    try std.testing.expectEqual(@as(u16, 7), t.id);
    try std.testing.expectEqualStrings("none", t.label);
    try std.testing.expectEqual(Kind.gauge, t.kind);
    try std.testing.expectEqual(@as(?[]const u8, null), t.note);
    try std.testing.expectEqual(@as(f64, 0.5), t.ratio);
    try std.testing.expectEqualStrings("b", t.tags[1]);
    try std.testing.expectEqualStrings("b", t.node.next.?.name);
    try std.testing.expectEqual(@as(i64, -3), t.extra.map.get("k").?);

    const U = union(enum) { completed: []const i64, failed: struct { message: []const u8 }, none };
    try std.testing.expectEqual(@as(i64, 2), (try parse(U, arena, "{\"completed\": [1, 2]}")).completed[1]);
    try std.testing.expectEqualStrings("x", (try parse(U, arena, "{\"failed\": {\"message\": \"x\"}}")).failed.message);
    try std.testing.expect((try parse(U, arena, "{\"none\": {}}")) == .none);
    try std.testing.expectError(error.InvalidJson, parse(U, arena, "{\"other\": 1}"));
    try std.testing.expectError(error.InvalidJson, parse(U, arena, "{}"));
}

test "fromValue refuses what does not fit the type" {
    var arena_state = std.heap.ArenaAllocator.init(std.testing.allocator);
    defer arena_state.deinit();
    const arena = arena_state.allocator();
    const T = struct { n: u8 };
    for ([_][]const u8{ "{\"n\": 3.0}", "{\"n\": 1e2}", "{\"n\": 256}", "{\"n\": -1}", "{\"n\": \"3\"}", "{}", "[]" }) |bad| {
        try std.testing.expectError(error.InvalidJson, parse(T, arena, bad));
    }
    try std.testing.expectError(error.InvalidJson, parse(enum { a }, arena, "\"b\""));
    try std.testing.expectError(error.InvalidJson, parse([]const u8, arena, "3"));
}

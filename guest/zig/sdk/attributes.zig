//! Search attributes, memo and metrics: what the workflow tells the world about itself.
//!
//! Their keys are the field names of an anonymous struct, so they are written as literals:
//!
//!     tw.upsertSearchAttributes(.{ .CustomKeywordField = "shipped", .CustomIntField = 3, .Obsolete = null });
//!     tw.upsertMemo(.{ .note = "gift wrap", .old_note = null });
//!     tw.metric.counter("orders_completed", 1, .{ .outcome = "shipped" });
//!
//! (Use `.@"My Attribute"` for a name that is not a Zig identifier.)

const std = @import("std");
const host = @import("host.zig");
const json = @import("json.zig");
const memory = @import("memory.zig");
const payload = @import("payload.zig");
const request = @import("request.zig");

/// Writes a search attribute's value: any JSON value, `null` removing the attribute.
fn writeAttribute(jw: *std.json.Stringify, value: anytype) std.json.Stringify.Error!void {
    try jw.write(value);
}

/// Writes a memo value: one `json/plain` payload (a `Payload` as it is), `null` removing it.
fn writeMemoValue(jw: *std.json.Stringify, value: anytype) std.json.Stringify.Error!void {
    const T = @TypeOf(value);
    if (T == @TypeOf(null)) return jw.write(null);
    if (@typeInfo(T) == .optional) {
        if (value) |v| return payload.writeValue(jw, v);
        return jw.write(null);
    }
    return payload.writeValue(jw, value);
}

/// A set of search attributes as a child workflow or a continued run starts with, already
/// encoded: `tw.SearchAttributes.of(arena, .{ .CustomKeywordField = "gold" })`.
pub const SearchAttributes = struct {
    json: []const u8,

    /// Encodes the fields of `fields` (name = attribute, value = its JSON value), in `gpa`.
    pub fn of(gpa: std.mem.Allocator, fields: anytype) SearchAttributes {
        return .{ .json = encodeSearchAttributes(gpa, fields) };
    }

    pub fn jsonStringify(self: SearchAttributes, jw: *std.json.Stringify) std.json.Stringify.Error!void {
        try jw.write(json.Raw{ .text = self.json });
    }
};

/// A memo as a child workflow or a continued run starts with, already encoded:
/// `tw.Memo.of(arena, .{ .owner = "ops" })`.
pub const Memo = struct {
    json: []const u8,

    /// Encodes the fields of `fields` (name = key, value = one payload), in `gpa`.
    pub fn of(gpa: std.mem.Allocator, fields: anytype) Memo {
        return .{ .json = encodeMemo(gpa, fields) };
    }

    pub fn jsonStringify(self: Memo, jw: *std.json.Stringify) std.json.Stringify.Error!void {
        try jw.write(json.Raw{ .text = self.json });
    }
};

/// `upsert_search_attributes`' JSON, in `gpa`.
pub fn encodeSearchAttributes(gpa: std.mem.Allocator, fields: anytype) []u8 {
    return json.stringify(gpa, request.ObjectOf(@TypeOf(fields), writeAttribute){ .fields = fields });
}

/// `upsert_memo`'s JSON, in `gpa`.
pub fn encodeMemo(gpa: std.mem.Allocator, fields: anytype) []u8 {
    return json.stringify(gpa, request.ObjectOf(@TypeOf(fields), writeMemoValue){ .fields = fields });
}

/// Sets (or, with `null`, removes) search attributes of the run. The server types each value
/// by the attribute's registered type; an unknown attribute fails the workflow task.
pub fn upsertSearchAttributes(fields: anytype) void {
    const text = encodeSearchAttributes(memory.allocator, fields);
    defer memory.allocator.free(text);
    host.upsertSearchAttributes(text);
}

/// Sets (or, with `null`, removes) memo entries of the run.
pub fn upsertMemo(fields: anytype) void {
    const text = encodeMemo(memory.allocator, fields);
    defer memory.allocator.free(text);
    host.upsertMemo(text);
}

/// The three kinds of metric the worker exports (as `wasm_guest_<name>`, labelled with the
/// workflow type), never while replaying.
pub const MetricKind = enum { counter, gauge, histogram };

/// `emit_metric`'s JSON, in `gpa`. `labels` is a struct of string fields (`.{}` for none).
pub fn encodeMetric(gpa: std.mem.Allocator, name: []const u8, kind: MetricKind, value: f64, labels: anytype) []u8 {
    const Labels = request.ObjectOf(@TypeOf(labels), writeAttribute);
    const has_labels = @typeInfo(@TypeOf(labels)).@"struct".field_names.len > 0;
    return json.stringify(gpa, .{
        .name = name,
        .kind = kind,
        .value = value,
        .labels = @as(?Labels, if (has_labels) .{ .fields = labels } else null),
    });
}

/// Metrics: `tw.metric.counter("orders_completed", 1, .{ .outcome = "shipped" })`. Names and
/// label keys are `[A-Za-z_][A-Za-z0-9_]*`.
pub const metric = struct {
    /// Emits a metric of any kind.
    pub fn emit(name: []const u8, kind: MetricKind, value: f64, labels: anytype) void {
        const text = encodeMetric(memory.allocator, name, kind, value, labels);
        defer memory.allocator.free(text);
        host.emitMetric(text);
    }

    /// Adds `value` (a whole number ≥ 0) to a counter.
    pub fn counter(name: []const u8, value: u64, labels: anytype) void {
        emit(name, .counter, @floatFromInt(value), labels);
    }

    /// Sets a gauge.
    pub fn gauge(name: []const u8, value: f64, labels: anytype) void {
        emit(name, .gauge, value, labels);
    }

    /// Records one observation in a histogram.
    pub fn histogram(name: []const u8, value: f64, labels: anytype) void {
        emit(name, .histogram, value, labels);
    }
};

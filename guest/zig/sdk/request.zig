//! How a command's options and its argument tuple become one request object.
//!
//! Every `encode*` function of the SDK is pure (it calls no host import), so the native tests
//! compare each against the request fixtures in guest/fixtures/requests.

const std = @import("std");
const json = @import("json.zig");
const payload = @import("payload.zig");

/// An options struct's non-null fields, in declaration order, then `"args"` (left out when the
/// tuple is empty): the shape of `start_activity`, `start_child_workflow`,
/// `signal_external_workflow` and `continue_as_new`.
pub fn WithArgs(comptime Options: type, comptime Tuple: type) type {
    return struct {
        options: Options,
        args: payload.Args(Tuple),

        pub fn jsonStringify(self: @This(), jw: *std.json.Stringify) std.json.Stringify.Error!void {
            try jw.beginObject();
            try writeFields(jw, self.options);
            if (!self.args.isEmpty()) {
                try jw.objectField("args");
                try jw.write(self.args);
            }
            try jw.endObject();
        }
    };
}

/// Writes `options`' fields into the object being written, leaving out null optionals.
pub fn writeFields(jw: *std.json.Stringify, options: anytype) std.json.Stringify.Error!void {
    const Options = @TypeOf(options);
    inline for (@typeInfo(Options).@"struct".field_names) |name| {
        const value = @field(options, name);
        const is_null = if (@typeInfo(@TypeOf(value)) == .optional) value == null else false;
        if (!is_null) {
            try jw.objectField(name);
            try jw.write(value);
        }
    }
}

/// The JSON of `options` followed by `args`, in `gpa`.
pub fn encodeWithArgs(gpa: std.mem.Allocator, options: anytype, args: anytype) []u8 {
    const Request = WithArgs(@TypeOf(options), @TypeOf(args));
    return json.stringify(gpa, Request{ .options = options, .args = payload.args(args) });
}

/// An object whose members are the fields of the struct `fields` (a comptime-known set of
/// names, such as `.{ .outcome = "shipped" }`), each value written by `writeValue`: the shape
/// of metric labels, search attributes and memos.
pub fn ObjectOf(comptime Fields: type, comptime writeValue: anytype) type {
    return struct {
        fields: Fields,

        pub fn jsonStringify(self: @This(), jw: *std.json.Stringify) std.json.Stringify.Error!void {
            try jw.beginObject();
            inline for (@typeInfo(Fields).@"struct".field_names) |name| {
                try jw.objectField(name);
                try writeValue(jw, @field(self.fields, name));
            }
            try jw.endObject();
        }
    };
}

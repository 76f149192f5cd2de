//! Base64, RFC 4648 standard alphabet, padded: the encoding of every payload's data and
//! metadata values, and of HTTP bodies.
//!
//! Hand-written rather than `std.base64`, whose decoder's 4 KiB of lookup tables would be the
//! largest single item in a small bundle; the decoder is also stricter (see `decode`).

const std = @import("std");
const memory = @import("memory.zig");

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Length of the padded encoding of `len` bytes.
pub fn encodedLen(len: usize) usize {
    return (len + 2) / 3 * 4;
}

/// Encodes `bytes` into `out`, which must be `encodedLen(bytes.len)` long; returns `out`.
pub fn encodeInto(out: []u8, bytes: []const u8) []u8 {
    std.debug.assert(out.len == encodedLen(bytes.len));
    var o: usize = 0;
    var i: usize = 0;
    while (i + 3 <= bytes.len) : (i += 3) {
        const n = @as(u32, bytes[i]) << 16 | @as(u32, bytes[i + 1]) << 8 | bytes[i + 2];
        out[o..][0..4].* = .{ alphabet[n >> 18], alphabet[n >> 12 & 63], alphabet[n >> 6 & 63], alphabet[n & 63] };
        o += 4;
    }
    switch (bytes.len - i) {
        1 => {
            const n = @as(u32, bytes[i]) << 16;
            out[o..][0..4].* = .{ alphabet[n >> 18], alphabet[n >> 12 & 63], '=', '=' };
        },
        2 => {
            const n = @as(u32, bytes[i]) << 16 | @as(u32, bytes[i + 1]) << 8;
            out[o..][0..4].* = .{ alphabet[n >> 18], alphabet[n >> 12 & 63], alphabet[n >> 6 & 63], '=' };
        },
        else => {},
    }
    return out;
}

/// Encodes `bytes` into newly allocated memory of `gpa`.
pub fn encode(gpa: std.mem.Allocator, bytes: []const u8) []u8 {
    const out = gpa.alloc(u8, encodedLen(bytes.len)) catch memory.outOfMemory();
    return encodeInto(out, bytes);
}

/// Writes the encoding of `bytes` to `writer`, three bytes at a time (no allocation).
pub fn encodeToWriter(writer: *std.Io.Writer, bytes: []const u8) std.Io.Writer.Error!void {
    var i: usize = 0;
    while (i < bytes.len) : (i += 3) {
        const chunk = bytes[i..@min(i + 3, bytes.len)];
        var out: [4]u8 = undefined;
        _ = encodeInto(&out, chunk);
        try writer.writeAll(&out);
    }
}

/// Why `decode` refused its input.
pub const DecodeError = error{InvalidBase64};

/// Decodes padded standard base64 into newly allocated memory of `gpa`. Refuses anything
/// else: a length that is not a multiple of 4, characters outside the alphabet, misplaced
/// padding, or non-zero spare bits after the last byte (so every byte string has exactly one
/// accepted encoding).
pub fn decode(gpa: std.mem.Allocator, text: []const u8) DecodeError![]u8 {
    if (text.len % 4 != 0) return error.InvalidBase64;
    var padding: usize = 0;
    if (text.len > 0 and text[text.len - 1] == '=') padding += 1;
    if (text.len > 1 and text[text.len - 2] == '=') padding += 1;
    const out = gpa.alloc(u8, text.len / 4 * 3 - padding) catch memory.outOfMemory();
    errdefer gpa.free(out);
    var acc: u32 = 0;
    var o: usize = 0;
    for (text[0 .. text.len - padding], 0..) |c, i| {
        acc = acc << 6 | (value(c) orelse return error.InvalidBase64); // also rejects an inner '='
        if (i % 4 == 3) {
            out[o..][0..3].* = .{ @truncate(acc >> 16), @truncate(acc >> 8), @truncate(acc) };
            o += 3;
            acc = 0;
        }
    }
    // The final group: 2 characters carry 1 byte plus 4 spare bits, 3 carry 2 plus 2 spare bits.
    switch (padding) {
        2 => {
            if (acc & 0xf != 0) return error.InvalidBase64;
            out[o] = @truncate(acc >> 4);
        },
        1 => {
            if (acc & 0x3 != 0) return error.InvalidBase64;
            out[o..][0..2].* = .{ @truncate(acc >> 10), @truncate(acc >> 2) };
        },
        else => {},
    }
    return out;
}

fn value(c: u8) ?u32 {
    return switch (c) {
        'A'...'Z' => c - 'A',
        'a'...'z' => c - 'a' + 26,
        '0'...'9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        else => null,
    };
}

test "encodes the RFC 4648 test vectors" {
    const vectors = [_][2][]const u8{
        .{ "", "" },               .{ "f", "Zg==" },        .{ "fo", "Zm8=" },
        .{ "foo", "Zm9v" },        .{ "foob", "Zm9vYg==" }, .{ "fooba", "Zm9vYmE=" },
        .{ "foobar", "Zm9vYmFy" },
    };
    const gpa = std.testing.allocator;
    for (vectors) |v| {
        const encoded = encode(gpa, v[0]);
        defer gpa.free(encoded);
        try std.testing.expectEqualStrings(v[1], encoded);
        const decoded = try decode(gpa, v[1]);
        defer gpa.free(decoded);
        try std.testing.expectEqualStrings(v[0], decoded);

        var out: std.Io.Writer.Allocating = .init(gpa);
        defer out.deinit();
        try encodeToWriter(&out.writer, v[0]);
        try std.testing.expectEqualStrings(v[1], out.written());
    }
}

test "decoding refuses every non-canonical or malformed text" {
    const gpa = std.testing.allocator;
    for ([_][]const u8{ "Zg=", "Zh==", "Zm9=", "Z===", "Zg==Zg==", "Zm9v!A==", "=Zg=", "Zm 9" }) |bad| {
        try std.testing.expectError(error.InvalidBase64, decode(gpa, bad));
    }
}

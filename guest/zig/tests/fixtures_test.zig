//! The SDK against the golden ABI fixtures (guest/fixtures): every request a guest writes is
//! encoded by the SDK's encoder and compared, as JSON, with its fixture; every result, channel
//! item, info, payload and failure the host writes is decoded and its fields checked. Two
//! further tests fail when a fixture is added without a test.
//!
//! Run from guest/zig (test.sh does): the fixtures are read from ../fixtures at run time.
//! Scratch the SDK allocates comes from `std.testing.allocator` in tests, so a leak fails too.
//!
//! The tests are in tests/fixtures/, one file per kind of fixture; check.zig holds their helpers.

comptime {
    _ = @import("fixtures/requests.zig");
    _ = @import("fixtures/results.zig");
    _ = @import("fixtures/info_payloads_failures.zig");
}

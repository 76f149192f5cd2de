//! greet: returns "Hello, <name>!" for a JSON string parameter (default "World").
//!
//! Input:  params[0], optional: a json/plain payload holding a JSON string.
//! Result: one json/plain payload holding the greeting as a JSON string.
//! Fails with a non-retryable `InvalidInput` failure for any other parameter.

const tw = @import("temporal_wasm.zig");

pub const panic = tw.panic;

export fn run() void {
    const name = if (tw.paramJson(0)) |param|
        tw.string(param) orelse invalidInput()
    else |err| switch (err) {
        error.ParamMissing => "World",
        error.ParamInvalid => invalidInput(),
    };

    tw.log(.info, tw.concat(&.{ "greeting ", name }));
    tw.complete(tw.concat(&.{ "Hello, ", name, "!" }));
}

fn invalidInput() noreturn {
    tw.fail(.{
        .message = "greet expects a JSON string name",
        .type = "InvalidInput",
        .non_retryable = true,
    });
}

//! greet: returns "Hello, <name>!" for a JSON string parameter (default "World").
//!
//! Input:  params[0], optional: a json/plain payload holding a JSON string.
//! Result: one json/plain payload holding the greeting as a JSON string.
//! Fails with a non-retryable `InvalidInput` failure for any other parameter.
//!
//! A one-shot (v0) bundle: it calls no v1 import, so the worker runs it the v0 way.

const std = @import("std");
const tw = @import("temporal");

pub const panic = tw.panic;

export fn run() void {
    // A one-shot run: the arena is freed with the instance, right after `complete`.
    var arena_state = tw.arena();
    const arena = arena_state.allocator();

    const name = if (tw.param(std.json.Value, arena, 0)) |param|
        tw.json.string(param) orelse invalidInput()
    else |err| switch (err) {
        error.ParamMissing => "World",
        error.ParamInvalid => invalidInput(),
    };

    tw.log(.info, tw.concat(arena, &.{ "greeting ", name }));
    tw.complete(tw.concat(arena, &.{ "Hello, ", name, "!" }));
}

fn invalidInput() noreturn {
    tw.fail(.{
        .message = "greet expects a JSON string name",
        .type = "InvalidInput",
        .non_retryable = true,
    });
}

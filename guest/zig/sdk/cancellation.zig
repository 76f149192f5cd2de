//! The workflow's own cancellation: `cancellation_channel`.
//!
//! Put `tw.cancellation()` in a `select` set to hear a cancellation request, clean up (run
//! compensations: activities still run after the request), then end with
//! `tw.completeAsCancelled`. A workflow that never opens the channel and parks after a request
//! simply ends as cancelled (the worker's rule for "unheard cancellation").

const host = @import("host.zig");
const Handle = @import("wait.zig").Handle;

/// The cancellation channel: ready once the workflow's cancellation has been requested.
pub const Cancellation = struct {
    handle: Handle,

    /// Whether cancellation has been requested; never blocks.
    pub fn isRequested(self: Cancellation) bool {
        return host.isReady(self.handle.raw());
    }

    /// Blocks until cancellation is requested.
    pub fn wait(self: Cancellation) void {
        _ = @import("wait.zig").waitAny(&.{self.handle});
    }
};

/// Opens the cancellation channel (the same handle on every call). The request stays
/// readable: the channel stays ready once it is, and nothing needs to be taken from it.
pub fn cancellation() Cancellation {
    return .{ .handle = Handle.of(host.cancellationChannel()) };
}

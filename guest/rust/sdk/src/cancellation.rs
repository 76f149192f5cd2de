//! The workflow's own cancellation: `cancellation_channel`.

use crate::host::{self, Host};
use crate::wait::{self, Waitable};

/// Becomes ready once someone asked Temporal to cancel this workflow
/// (`temporal workflow cancel`). Get it with [`workflow::cancellation`](crate::workflow::cancellation).
///
/// A workflow that opens it handles cancellation itself: it sees the request, cleans up (running
/// activities as usual) and ends as it likes, usually with
/// [`workflow::complete_as_cancelled`](crate::workflow::complete_as_cancelled). One that never
/// opens it ends as cancelled as soon as it next blocks after the request.
#[derive(Debug, Clone, Copy)]
pub struct Cancellation {
    handle: u32,
}

impl Cancellation {
    /// Opens the channel (the same one however often it is called).
    pub(crate) fn open() -> Cancellation {
        Cancellation {
            handle: host::call(|host| host.cancellation_channel()),
        }
    }

    /// Whether cancellation has been requested; never blocks.
    pub fn is_requested(&self) -> bool {
        self.is_ready()
    }

    /// Blocks until cancellation is requested.
    pub fn wait(&self) {
        // Not taken: the channel stays ready, so every later look sees the request too.
        wait::wait_any(&[self.handle]);
    }
}

impl Waitable for Cancellation {
    fn handle(&self) -> u32 {
        self.handle
    }
}

//! Durable timers: `start_timer`. They live in Temporal's history, so a workflow sleeping for a
//! month survives worker restarts and redeploys.

use std::time::Duration;

use serde::Serialize;

use crate::host::{self, Host};
use crate::wait::{self, Error, Outcome, Waitable};

/// A pending durable timer. Wait for it alone with [`Timer::wait`], or in a [`select`](crate::select).
///
/// ```no_run
/// # use std::time::Duration;
/// # use temporal_wasm_sdk::{Timer, workflow};
/// workflow::sleep(Duration::from_secs(30)); // the same as:
/// Timer::start(Duration::from_secs(30)).wait().ok();
/// ```
#[derive(Debug)]
#[must_use = "a timer does nothing unless waited on"]
pub struct Timer {
    handle: u32,
}

/// `start_timer`'s JSON.
#[derive(Serialize)]
struct TimerRequest<'a> {
    duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
}

impl Timer {
    /// Starts a timer that fires after `duration`.
    ///
    /// Temporal counts whole milliseconds: a duration with a fraction of one is rounded up, and
    /// the shortest timer is 1 ms (the ABI has no zero timer).
    pub fn start(duration: Duration) -> Timer {
        Timer::start_request(duration, None)
    }

    /// Starts a timer with a short `summary`, shown for it in the Temporal UI.
    pub fn with_summary(duration: Duration, summary: &str) -> Timer {
        Timer::start_request(duration, Some(summary))
    }

    fn start_request(duration: Duration, summary: Option<&str>) -> Timer {
        let request = TimerRequest {
            duration_ms: millis_ceil(duration).max(1),
            summary,
        };
        let json = serde_json::to_vec(&request).expect("a timer request always serialises");
        Timer {
            handle: host::call(|host| host.start_timer(&json)),
        }
    }

    /// Blocks until the timer fires. `Err` only if it was cancelled ([`Timer::cancel`]).
    pub fn wait(self) -> Result<(), Error> {
        Outcome::of(self.handle).into_payloads().map(drop)
    }

    /// Cancels the timer; a later [`Timer::wait`] returns [`Error::Cancelled`] at once.
    /// Nothing happens if it has fired already.
    pub fn cancel(&self) {
        host::call(|host| host.cancel(self.handle));
    }

    /// Cancels the timer and takes its result, so the worker holds nothing for it.
    pub(crate) fn cancel_and_discard(self) {
        self.cancel();
        // A timer resolves as cancelled at once (or had fired already): ready either way.
        if wait::is_ready(self.handle) {
            drop(wait::take(self.handle));
        }
    }

    /// Takes the result of a timer that fired.
    pub(crate) fn discard(self) {
        drop(wait::take(self.handle));
    }
}

impl Waitable for Timer {
    fn handle(&self) -> u32 {
        self.handle
    }
}

/// Blocks the workflow for `duration` on a durable timer (see [`Timer::start`] for rounding).
pub fn sleep(duration: Duration) {
    // Only the workflow itself could cancel this timer, and it has no way to reach it.
    let _ = Timer::start(duration).wait();
}

/// `duration` in whole milliseconds, rounded up and saturating: Temporal never fires early.
pub(crate) fn millis_ceil(duration: Duration) -> u64 {
    let millis =
        duration.as_millis() + u128::from(!duration.subsec_nanos().is_multiple_of(1_000_000));
    u64::try_from(millis).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millis_round_up_and_saturate() {
        assert_eq!(millis_ceil(Duration::ZERO), 0);
        assert_eq!(millis_ceil(Duration::from_nanos(1)), 1);
        assert_eq!(millis_ceil(Duration::from_millis(1500)), 1500);
        assert_eq!(millis_ceil(Duration::from_micros(1500)), 2);
        assert_eq!(millis_ceil(Duration::MAX), u64::MAX);
    }
}

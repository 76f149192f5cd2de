//! Unit-testing durable workflows on the build machine: [`TestHost`], a fake worker that
//! implements every import, runs a workflow function to its end and reports every call it made.
//!
//! ```
//! use std::time::Duration;
//! use temporal_wasm_sdk::testing::{Ending, Reply, TestHost};
//! use temporal_wasm_sdk::{Activity, Failure, workflow};
//!
//! fn double_later(n: i64) -> Result<i64, Failure> {
//!     workflow::sleep(Duration::from_secs(60));
//!     Ok(Activity::new("double")
//!         .start_to_close(Duration::from_secs(5))
//!         .arg(&n)?
//!         .execute()?)
//! }
//!
//! let run = TestHost::new()
//!     .input(&21)
//!     .on_activity("double", |request| Reply::value(&(request.arg::<i64>(0) * 2)))
//!     .run(double_later);
//! assert_eq!(run.result::<i64>(), 42);
//! assert_eq!(run.calls_to("start_timer")[0]["duration_ms"], 60_000);
//! ```
//!
//! How the fake behaves, as the worker does:
//! - **Time** is virtual. It starts at [`TestHost::start_time_millis`] (2026-01-01T00:00:00Z) and
//!   stands still while the workflow runs. When the workflow waits on nothing ready, the current
//!   activation ends and the next one applies the earliest thing due (a timer firing, a
//!   responder's reply, a scheduled signal, update or cancellation), moving the clock to it.
//!   When nothing is left, the workflow would wait forever: the run panics, naming what it
//!   waits on.
//! - **Commands** get replies from responders ([`TestHost::on_activity`] and friends), always in
//!   a later activation, as from Temporal. Timers fire after their duration unless
//!   [`TestHost::on_timer`] says otherwise. A command without a responder never resolves.
//! - **Updates** are accepted at the end of the activation they arrive in unless the workflow
//!   rejected them by then, or rejected if no channel of their name is open; [`TestRun::updates`]
//!   tells each one's fate. **Signals** wait for their channel. A **cancellation** the workflow
//!   never opens the channel for ends the run as cancelled when it next blocks.
//! - **Guest bugs** the worker would refuse (an empty wait set, taking a result that is not
//!   ready, rejecting an update too late, `complete_as_cancelled` without a request…) panic with
//!   the reason.
//!
//! Responders run inside the fake worker: they must not call the SDK.

// The fake worker, one file per concern: `state` (what it keeps), `setup` (the builder a test
// configures), `reply` (the responders' requests and replies), `timeline` (virtual time and
// activations), `run` (installing it for one run), `imports` (the `Host` trait, each import
// forwarded to its call family: `commands`, `channels`, `waiting`, `reads`, `publish`,
// `ending`), and `report` (the `TestRun` a test asserts on).

mod channels;
mod commands;
mod ending;
mod imports;
mod publish;
mod reads;
mod reply;
mod report;
mod run;
mod setup;
mod state;
mod timeline;
mod waiting;

pub use reply::{Reply, Request};
pub use report::{Call, Ending, TestRun, UpdateOutcome, UpdateVerdict};
pub(crate) use run::{log, unwind_ended_run, with_host};
pub use state::{DEFAULT_START_MILLIS, TestHost};

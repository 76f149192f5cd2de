//! How the blocking API behaves under a (fake) worker: waiting, channels, updates and their
//! validators, cancellation, the deterministic sources and the ending calls.

mod cancellation;
mod commands;
mod ending;
mod messages;
mod sources;
mod waiting;

use std::time::Duration;

use temporal_wasm_sdk::testing::TestHost;
use temporal_wasm_sdk::{Activity, Failure};

fn activity(activity_type: &str) -> Activity {
    Activity::new(activity_type).start_to_close(Duration::from_secs(10))
}

/// Runs `body` as a workflow with no input that completes with its value.
fn run<T: serde::Serialize>(
    host: TestHost,
    body: impl FnOnce() -> Result<T, Failure>,
) -> temporal_wasm_sdk::testing::TestRun {
    host.run(|_: ()| body())
}

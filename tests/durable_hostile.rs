//! Hostile durable (ABI v1) guests: what a guest that lives across activations can do wrong, and
//! what the worker does about it.
//!
//! Each test pins one case down twice:
//! - **in process**, through the worker's own `ActivationHandler` with activations built as core
//!   builds them (`durable_hostile/harness.rs`): the defined outcome with its exact message, and
//!   that the run gave back everything it held — its instance slot (the engine has only one, so
//!   a healthy durable workflow must then run start to finish in it) and its place in the
//!   handler's cache once core evicts it;
//! - **on a real worker and dev server** (`durable_hostile/worker.rs`, modelled on
//!   `tests/hostile.rs`): the same guest alongside three healthy durable workflows, which must
//!   complete with their own results while the hostile one is being handled, the message as
//!   Temporal records it, and the worker's resident memory back at its baseline afterwards.
//!
//! Numbers a real server cannot take in a test's time (100 000 signals: a history holds at most
//! 51 200 events) are counted in process and scaled down on the server (`DURABLE_HOSTILE_SIGNALS`,
//! `DURABLE_HOSTILE_QUERIES`). The outcomes, with what was observed, are in
//! `proto-notes/hostile-guests.md` ("Durable guests").

mod common;

#[path = "durable_hostile/guests.rs"]
mod guests;
#[path = "durable_hostile/harness.rs"]
mod harness;
#[path = "durable_hostile/value_guests.rs"]
mod value_guests;
#[path = "durable_hostile/worker.rs"]
mod worker;
#[path = "durable_hostile/worker_bundles.rs"]
mod worker_bundles;

#[path = "durable_hostile/caps.rs"]
mod caps;
#[path = "durable_hostile/completion_size.rs"]
mod completion_size;
#[path = "durable_hostile/determinism.rs"]
mod determinism;
#[path = "durable_hostile/floods.rs"]
mod floods;
#[path = "durable_hostile/handles.rs"]
mod handles;
#[path = "durable_hostile/json.rs"]
mod json;

use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;

/// The result data a completion's `CompleteWorkflowExecution` carries, if that is its only
/// command.
fn completed_with(commands: &[Command]) -> Option<&[u8]> {
    match commands {
        [Command::CompleteWorkflowExecution(complete)] => complete
            .result
            .as_ref()
            .map(|payload| payload.data.as_slice()),
        _ => None,
    }
}

/// A count from the environment, or `default`.
fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

//! Write Temporal workflows for `temporal-wasm-worker` as plain Rust functions.
//!
//! A workflow is one function from a deserialisable input to a serialisable output or a
//! [`Failure`]; [`workflow!`] exports it as the module's `run`. The crate speaks the worker's JSON
//! ABI for you (v0 for the run itself, v1 for everything durable), so a workflow reads as
//! straight-line, blocking code: no async runtime, no callbacks.
//!
//! ```no_run
//! use std::time::Duration;
//! use serde::{Deserialize, Serialize};
//! use temporal_wasm_sdk::{Activity, Failure, SignalChannel, Timer, info, select, workflow};
//!
//! #[derive(Deserialize)]
//! struct Order { order_id: String }
//! #[derive(Deserialize)]
//! struct Approval { approved_by: String }
//! #[derive(Serialize)]
//! struct Receipt { order_id: String, approved_by: String, tracking: String }
//!
//! workflow!(ship_order);
//!
//! fn ship_order(order: Order) -> Result<Receipt, Failure> {
//!     let approve = SignalChannel::<Approval>::new("approve");
//!     let deadline = Timer::start(Duration::from_secs(24 * 3600));
//!     if select(&[&approve, &deadline]) == 1 {
//!         return Err(Failure::new("not approved in time").with_type("Timeout").non_retryable());
//!     }
//!     let approval = approve.receive()?;
//!     info!("order {} approved by {}", order.order_id, approval.approved_by);
//!     let tracking: String = Activity::new("ship")
//!         .task_queue("inventory")
//!         .start_to_close(Duration::from_secs(10))
//!         .arg(&order.order_id)?
//!         .execute()?;
//!     Ok(Receipt { order_id: order.order_id, approved_by: approval.approved_by, tracking })
//! }
//! ```
//!
//! The crate that holds the workflow is a `cdylib` (`[lib] crate-type = ["cdylib"]`), built with
//! `cargo build --release --target wasm32-unknown-unknown`; `target/…/release/<crate>.wasm` is the
//! bundle.
//!
//! # One-shot and durable bundles
//!
//! A workflow that only computes (no timers, activities, channels…) imports only ABI v0's five
//! calls and runs in one go. As soon as it uses anything below, its bundle imports ABI v1's calls
//! and is *durable*: the instance lives for the whole workflow run, the worker parks it while it
//! blocks (for seconds or months) and resumes it when Temporal resolves what it waits for. After
//! an eviction or a restart, the worker replays history by running the function again from the
//! start; every call then gets the same handle and result, so the code must be deterministic
//! (see [`workflow`](mod@workflow)).
//!
//! # The API by ABI call
//!
//! | ABI v1 | in Rust |
//! |---|---|
//! | `start_timer` | [`workflow::sleep`], [`Timer`] |
//! | `start_activity` | [`Activity`] → [`ActivityHandle`] |
//! | `start_http_activity` | [`http::Request`] → [`http::Response`] |
//! | `start_child_workflow` | [`ChildWorkflow`] → [`ChildHandle`] |
//! | `signal_external_workflow`, `cancel_external_workflow` | [`ExternalWorkflow`] |
//! | `cancel` | `cancel()` on a handle |
//! | `wait`, `is_ready`, `result_len`, `take_result` | [`select`], [`select_timeout`], `result()`/`receive()` on each handle, [`Waitable::is_ready`] |
//! | `signal_channel` | [`SignalChannel`] |
//! | `update_channel`, `respond_update` | [`UpdateChannel`] (with a validator) → [`Update`] |
//! | `cancellation_channel`, `complete_as_cancelled` | [`workflow::cancellation`], [`workflow::complete_as_cancelled`] |
//! | `set_query_result`, `set_current_details` | [`query::publish`], [`workflow::set_current_details`] |
//! | `continue_as_new` | [`workflow::continue_as_new`], [`ContinueAsNew`] |
//! | `now`, `random`, `patched`, `is_replaying` | [`workflow::now`], [`workflow::random_bytes`], [`workflow::patched`], [`workflow::is_replaying`] |
//! | `upsert_search_attributes`, `upsert_memo` | [`search_attributes::upsert`], [`memo::upsert`] |
//! | `emit_metric` | [`metric::counter`], [`metric::gauge`], [`metric::histogram`] |
//! | `write_log`, `log_level` | [`error!`] … [`trace!`], [`log::level`] |
//!
//! A command that fails or is cancelled gives an [`Error`] that keeps everything Temporal
//! reported ([`Error::failure`]: the kind, the application error's type and details, the cause
//! chain); `?` turns it into the workflow's [`Failure`].
//!
//! # Input and output
//!
//! - The input is `params[0]`, a `json/plain` payload, decoded with serde. Further arguments are in
//!   [`Info::params`].
//! - No argument at all reads as JSON `null`: take `Option<T>` for an optional input, or `()` for
//!   none. A required input that is missing or does not decode fails the workflow with a
//!   non-retryable `InvalidInput` failure whose message says why.
//! - The output becomes the workflow result: one `json/plain` payload.
//! - To see the workflow id, attempt and so on, take `&Info` as a second parameter:
//!   `fn(Input, &Info)`, or call [`workflow::info`]. To decode the arguments yourself (and word
//!   your own errors for bad ones), take only `fn(&Info)`; see [`Workflow`].
//!
//! # Failures, logs and panics
//!
//! Return `Err(`[`Failure`]`)` to fail the workflow; it becomes a Temporal `ApplicationFailure`
//! with its message, type, non-retryable flag, details and cause. The [`error!`], [`warn!`],
//! [`info!`], [`debug!`] and [`trace!`] macros log through the worker. A panic is a bug, not a
//! failure: it is logged at error level as `panicked at file:line: message` and then traps, which
//! fails the workflow *task*; Temporal retries it and the workflow stays open, with the message in
//! its history, until a fixed bundle is deployed.
//!
//! # Memory
//!
//! A durable instance lives as long as its workflow run, under the worker's memory cap, so the
//! SDK never leaks: each result is read into a buffer of exactly its size, decoded and freed
//! (Rust's global allocator, dlmalloc on `wasm32-unknown-unknown`, reuses freed memory); requests
//! are serialised, passed and freed. A loop of ten thousand activities runs in the memory of one.
//!
//! # Testing
//!
//! Everything but the host calls is ordinary Rust, so a workflow function can be unit-tested on
//! the build machine with `cargo test`: call a computing one with its input (or an [`Info`]), or
//! run a durable one under [`testing::TestHost`], a fake worker with virtual time, scripted
//! activity results, signals, updates and cancellation, that reports every call the workflow
//! made. Logs go to the `TestHost` (or standard error) there.
#![deny(missing_docs)]

mod activity;
mod attributes;
mod base64;
mod cancellation;
mod child;
mod ending;
mod entry;
mod external;
mod failure;
mod host;
pub mod http;
mod info;
pub mod log;
pub mod metric;
mod panic;
mod payload;
pub mod query;
mod retry;
mod signal;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
mod timer;
mod update;
mod wait;
pub mod workflow;

pub use activity::{Activity, ActivityCancellation, ActivityHandle};
pub use attributes::{memo, search_attributes};
pub use cancellation::Cancellation;
pub use child::{ChildCancellation, ChildHandle, ChildWorkflow, IdReusePolicy, ParentClosePolicy};
pub use ending::ContinueAsNew;
pub use entry::Workflow;
pub use external::{ExternalHandle, ExternalWorkflow};
pub use failure::{
    ActivityFailureInfo, ChildWorkflowFailureInfo, Failure, FailureInfo, FailureKind,
};
pub use info::{DurableInfo, Info, ParentInfo, WorkflowInfo};
pub use log::{Level, log};
pub use payload::{BINARY_NULL, ENCODING_KEY, JSON_PLAIN, Payload, PayloadError};
pub use retry::RetryPolicy;
pub use signal::SignalChannel;
pub use timer::Timer;
pub use update::{Update, UpdateChannel};
pub use wait::{Error, Waitable, select, select_timeout};

/// What the macros expand to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::entry::assert_workflow;
    #[cfg(target_arch = "wasm32")]
    pub use crate::entry::run;
    pub use crate::log::log_args;
}

/// Exports `function` as the workflow's `run`.
///
/// `function` is the path of a function of one of the shapes that [`Workflow`] lists. Use the
/// macro once per bundle, at item level:
///
/// ```
/// # use temporal_wasm_sdk::{Failure, workflow};
/// workflow!(greet);
///
/// fn greet(name: Option<String>) -> Result<String, Failure> {
///     Ok(format!("Hello, {}!", name.as_deref().unwrap_or("World")))
/// }
/// ```
///
/// On wasm32 this defines `#[no_mangle] extern "C" fn run()`. On other targets there is no host
/// to call it, so the macro only checks the function's shape at compile time.
#[macro_export]
macro_rules! workflow {
    ($function:path) => {
        /// The ABI's entry point: the worker calls it once per workflow run.
        #[cfg(target_arch = "wasm32")]
        #[unsafe(no_mangle)]
        pub extern "C" fn run() {
            $crate::__private::run($function)
        }

        #[cfg(not(target_arch = "wasm32"))]
        const _: () = $crate::__private::assert_workflow(&$function);
    };
}

/// Logs at [`Level::Error`], with `format!` arguments: `error!("order {id} lost")`.
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => {
        $crate::__private::log_args($crate::Level::Error, ::core::format_args!($($arg)+))
    };
}

/// Logs at [`Level::Warn`], with `format!` arguments: `warn!("order {id} rejected")`.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => {
        $crate::__private::log_args($crate::Level::Warn, ::core::format_args!($($arg)+))
    };
}

/// Logs at [`Level::Info`], with `format!` arguments: `info!("greeting {name}")`.
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => {
        $crate::__private::log_args($crate::Level::Info, ::core::format_args!($($arg)+))
    };
}

/// Logs at [`Level::Debug`], with `format!` arguments: `debug!("{} items", items.len())`.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => {
        $crate::__private::log_args($crate::Level::Debug, ::core::format_args!($($arg)+))
    };
}

/// Logs at [`Level::Trace`], with `format!` arguments: `trace!("item {i}: {item:?}")`.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)+) => {
        $crate::__private::log_args($crate::Level::Trace, ::core::format_args!($($arg)+))
    };
}

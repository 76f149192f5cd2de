//! Write Temporal workflows for `temporal-wasm-worker` as plain Rust functions.
//!
//! A workflow is one function from a deserialisable input to a serialisable output or a
//! [`Failure`]; [`workflow!`] exports it as the module's `run`. The crate speaks the worker's JSON
//! ABI (v0) for you: it reads the start arguments through `get_info`, decodes base64 and
//! `json/plain` payloads, and ends the run with `complete` or `complete_with_failure`. No Temporal
//! SDK is linked; the bundle is a `wasm32-unknown-unknown` cdylib that imports at most the five
//! `env.*` host functions.
//!
//! ```
//! use serde::{Deserialize, Serialize};
//! use temporal_wasm_sdk::{Failure, info, workflow};
//!
//! #[derive(Deserialize)]
//! struct Order {
//!     order_id: String,
//!     quantity: i64,
//! }
//!
//! #[derive(Serialize)]
//! struct Receipt {
//!     order_id: String,
//!     total_cents: i64,
//! }
//!
//! workflow!(price_order);
//!
//! fn price_order(order: Order) -> Result<Receipt, Failure> {
//!     if order.quantity < 1 {
//!         return Err(Failure::new("quantity must be positive").with_type("InvalidOrder").non_retryable());
//!     }
//!     info!("pricing order {}", order.order_id);
//!     Ok(Receipt { order_id: order.order_id, total_cents: order.quantity * 125 })
//! }
//! ```
//!
//! The crate that holds the workflow is a `cdylib` (`[lib] crate-type = ["cdylib"]`), built with
//! `cargo build --release --target wasm32-unknown-unknown`; `target/…/release/<crate>.wasm` is the
//! bundle.
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
//!   `fn(Input, &Info)`. To decode the arguments yourself (and word your own errors for bad ones),
//!   take only `fn(&Info)`; see [`Workflow`].
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
//! # Testing
//!
//! Everything but the host calls is ordinary Rust, so a workflow function can be unit-tested on
//! the build machine with `cargo test`: call it with its input (or an [`Info`]) and check its
//! result, or call [`Workflow::execute`] on it to include the decoding of `params` and the encoding
//! of the result. Logs go to standard error there.
#![deny(missing_docs)]

mod base64;
mod failure;
#[cfg(target_arch = "wasm32")]
mod host;
mod info;
mod log;
mod panic;
mod payload;
mod workflow;

pub use failure::Failure;
pub use info::{Info, WorkflowInfo};
pub use log::{Level, log};
pub use payload::{ENCODING_KEY, JSON_PLAIN, Payload, PayloadError};
pub use workflow::Workflow;

/// What the macros expand to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::log::log_args;
    pub use crate::workflow::assert_workflow;
    #[cfg(target_arch = "wasm32")]
    pub use crate::workflow::run;
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

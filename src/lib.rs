//! # temporal-wasm-worker
//!
//! A Temporal worker that runs workflows compiled to WebAssembly. Operators register one bundle
//! per workflow type in a TOML file; workflow authors write against the ABI (JSON over linear
//! memory, see `proto-notes/`) in any language and never link a Temporal SDK.
//!
//! ## Three worlds and one bridge
//!
//! ```text
//!   temporal ──► convert ──► abi ◄── sandbox
//!   (core SDK,   (protos ↔    (the ABI's   (wasmtime: engine, bundles,
//!    protos)      JSON)        JSON types)   instances, host functions)
//! ```
//!
//! - [`abi`] is the wire shape of every host call's JSON, and knows neither protos nor wasmtime.
//! - [`sandbox`] runs guests: it compiles and validates bundles, makes instances, and implements
//!   the host functions in terms of [`abi`] types.
//! - [`convert`] is the only bridge between Temporal's protos and [`abi`] types.
//! - [`temporal`] is the core SDK worker: it polls activations and turns their jobs into
//!   commands, reaching wasmtime only through the sandbox's instance type.
//!
//! Arrows are the only allowed dependencies: `sandbox` never sees a proto, `convert` never sees
//! wasmtime, and `abi` depends on nothing of ours.
//!
//! ## Around them
//!
//! [`config`] reads the TOML file and environment into typed settings once, at start-up;
//! [`shutdown`] turns SIGINT/SIGTERM into a graceful stop; [`metrics`], [`health`] and
//! [`telemetry`] tell operators how it is going; [`exec`] runs a bundle once without a server,
//! through the same path, for workflow authors; [`replay`] replays recorded histories through
//! the bundles, so a change is checked against real runs before it is deployed; [`http_activities`] executes HTTP activities
//! (any allowed HTTP endpoint as a Temporal activity) on the worker's own activity poller.

pub mod abi;
pub mod config;
pub mod convert;
pub mod exec;
pub mod health;
pub mod http_activities;
pub mod metrics;
pub mod replay;
pub mod sandbox;
pub mod shutdown;
pub mod telemetry;
pub mod temporal;

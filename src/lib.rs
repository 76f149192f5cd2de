//! # temporal-wasm-worker
//!
//! A Temporal worker that runs workflows compiled to WebAssembly. Operators register one bundle
//! per workflow type in a TOML file; workflow authors write against ABI v0 (JSON over linear
//! memory, see `proto-notes/`) in any language and never link a Temporal SDK.
//!
//! ## How a workflow task flows through the crate
//!
//! 1. [`config`] reads the TOML file and environment into typed [`config::Settings`].
//! 2. [`bundle`] compiles and validates every bundle once, on one [`engine::WasmEngine`], and
//!    pre-links it against the [`host_functions`].
//! 3. [`worker`] connects to Temporal through the core SDK and polls workflow activations.
//! 4. [`activation`] turns each activation into a completion: it builds the guest's `info` with
//!    [`convert`] (protos → [`abi`] JSON types), runs the bundle once with [`workflow_run`] on a
//!    blocking thread, and maps how the guest ended — or its [`guest_bug`] — to a command.
//! 5. [`shutdown`] lets SIGINT/SIGTERM stop polling while in-flight runs finish; [`metrics`]
//!    and [`health`] tell operators how it is going.
//!
//! [`exec`] runs a bundle once without a server through the same path, for workflow authors.
//!
//! Three worlds stay apart: Temporal protos live in `worker`/`activation`, the ABI's JSON in
//! `abi`, wasmtime in `engine`/`bundle`/`host_functions`/`workflow_run`; `convert` is the only
//! bridge between protos and JSON.

pub mod abi;
pub mod activation;
pub mod bundle;
pub mod config;
pub mod convert;
pub mod engine;
pub mod exec;
pub mod guest_bug;
pub mod guest_memory;
pub mod health;
pub mod host_functions;
pub mod metrics;
pub mod module_cache;
pub mod shutdown;
pub mod telemetry;
pub mod worker;
pub mod workflow_run;

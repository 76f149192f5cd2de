//! Temporal's side: the core SDK worker, its poll loop, and what each activation means.
//!
//! [`worker`] connects to the server and polls workflow activations; [`activation`] turns each
//! activation's jobs into commands, running guests through the sandbox's instance type and
//! converting between protos and the ABI's JSON with [`crate::convert`]. Nothing here touches
//! wasmtime directly.

pub mod activation;
pub mod activities;
pub mod connection;
pub mod ending;
pub mod jobs;
pub mod local_activities;
pub mod pinning;
pub mod queries;
pub mod sequences;
pub mod updates;
pub mod worker;
pub mod workflow_run;

//! Conversions between Temporal's protos and the ABI's JSON types, in both directions.
//!
//! Every mapping decision here is written down, with its reason, in
//! `proto-notes/payloads-and-failures.md`. Nothing else in the crate builds a proto `Payload` or
//! `Failure` from guest data.

mod failures;
mod info;
mod payloads;
#[cfg(test)]
mod tests;

pub use failures::{
    FAILURE_SOURCE, UNSPECIFIED_FAILURE_TYPE, failure_from_abi, failure_to_abi, host_failure,
    unspecified_failure,
};
pub use info::{WorkerContext, info_from_initialize};
pub use payloads::{payload_from_abi, payload_to_abi, result_from_abi};

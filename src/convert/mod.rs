//! Conversions between Temporal's protos and the ABI's JSON types, in both directions.
//!
//! Every mapping decision here is written down, with its reason, in
//! `proto-notes/payloads-and-failures.md`. Nothing else in the crate builds a proto `Payload` or
//! `Failure` from guest data.

mod commands;
mod endings;
mod failures;
mod info;
mod payloads;
mod resolutions;
#[cfg(test)]
mod tests;

pub use commands::{
    RunContext, command_from_call, duration, retry_policy_from_abi, search_attribute_payload,
};
pub use endings::terminal_command;
pub use failures::{
    FAILURE_SOURCE, UNSPECIFIED_FAILURE_TYPE, cancelled_failure, failure_from_abi, failure_to_abi,
    host_failure, payloads_from_abi, payloads_to_abi, unspecified_failure,
};
pub use info::{WorkerContext, info_from_initialize};
pub use payloads::{null_payload, payload_from_abi, payload_to_abi, result_from_abi};
pub use resolutions::{
    activity_resolution, child_result, child_start, external_delivered, timer_fired,
};

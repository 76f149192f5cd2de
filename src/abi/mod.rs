//! The JSON types of ABI v0, exactly as guests read and write them.
//!
//! This module is the only place that knows the wire shape of `info`, `payload` and `failure`
//! (see `proto-notes/abi-v0-guest-view.md`). It knows nothing of Temporal's protos or of
//! wasmtime: `convert` maps these types to protos, the sandbox moves their bytes in and out
//! of guest memory.
//!
//! Guest output is decoded strictly: an unknown field is an error, because a misspelt
//! `non_retryable` that silently did nothing would be worse than a failed task. Every decode error
//! names the JSON path at fault (`[0].metadata.encoding`, `cause.details[1].data`).

mod bytes;
mod decode;
mod info;
mod payload;
#[cfg(test)]
mod tests;

pub use bytes::Base64Bytes;
pub use decode::{DecodeError, TooManyResultPayloads, decode_failure, decode_payloads};
pub use info::{Info, LogLevel, WorkflowInfo, encode_info};
pub use payload::{Failure, Payload};

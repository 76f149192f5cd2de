//! The JSON types of the ABI (v0 and v1), exactly as guests read and write them.
//!
//! This module is the only place that knows the wire shape of `info`, `payload`, `failure`, the
//! inputs of v1's command calls and the results handles resolve with (see
//! `proto-notes/abi-v0-guest-view.md` and `proto-notes/abi-v1-reference.md`). It knows nothing of Temporal's protos or of
//! wasmtime: `convert` maps these types to protos, the sandbox moves their bytes in and out
//! of guest memory.
//!
//! A guest's `payload` and `failure` are decoded strictly: an unknown field is an error, because a
//! misspelt `non_retryable` that silently did nothing would be worse than a failed task. The
//! request objects of v1 calls ignore unknown fields, as the v1 spec asks of inputs. Every decode error
//! names the JSON path at fault (`[0].metadata.encoding`, `cause.details[1].data`).

mod bytes;
mod calls;
mod decode;
mod failure;
mod http;
mod info;
mod outcome;
mod payload;
mod results;
mod size;
#[cfg(test)]
mod tests;

pub use bytes::Base64Bytes;
pub use calls::{
    ActivityOptions, Call, CancellationType, CancelledDetails, ChildCancellationType,
    ChildWorkflowOptions, ContinueAsNewRequest, ExternalWorkflow, Handle, IdReusePolicy,
    MetricKind, MetricRequest, ParentClosePolicy, RetryPolicy, SignalExternalRequest, TimerRequest,
    UpdateAnswer,
};
pub use decode::{
    DecodeError, TooManyResultPayloads, decode_failure, decode_input, decode_payloads,
};
pub use failure::{
    ActivityFailureInfo, ChildWorkflowFailureInfo, FAILURE_SOURCE, Failure, FailureKind,
};
pub use http::{DEFAULT_HTTP_START_TO_CLOSE_MS, HTTP_ACTIVITY_TYPE, HttpRequest};
pub use info::{Info, LogLevel, ParentWorkflow, WorkflowInfo, encode_info};
pub use outcome::GuestOutcome;
pub use payload::Payload;
pub use results::{Resolution, UpdateItem};

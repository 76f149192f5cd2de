//! `start_http_activity`'s input, the spec's `http_request`, as far as the workflow side needs
//! it: how to schedule the activity. The request itself (method, URL, headers with secret
//! placeholders, body) travels unchanged as the activity's input, so history shows exactly
//! what the guest asked for, and the worker that runs the activity reads it there.

use serde::Deserialize;

use crate::abi::{Base64Bytes, RetryPolicy};

/// The activity type of HTTP activities: a workflow in any Temporal SDK can schedule it, with
/// the `http_request` JSON as its one `json/plain` argument, on a task queue that a
/// temporal-wasm-worker with `[http_activities]` enabled polls.
pub const HTTP_ACTIVITY_TYPE: &str = "temporal-wasm-worker.http";

/// One attempt's time when the request names neither of its timeouts.
pub const DEFAULT_HTTP_START_TO_CLOSE_MS: u64 = 30_000;

/// The scheduling side of an `http_request`.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct HttpRequest {
    /// The HTTP method; required.
    pub method: String,
    /// The URL; required.
    pub url: String,
    /// Header names and values (values may hold `{{secret NAME}}` placeholders).
    pub headers: std::collections::BTreeMap<String, String>,
    /// The request body.
    pub body: Option<Base64Bytes>,
    /// Time allowed for one attempt.
    pub start_to_close_timeout_ms: Option<u64>,
    /// Time allowed for every attempt together.
    pub schedule_to_close_timeout_ms: Option<u64>,
    /// How Temporal retries failed attempts.
    pub retry_policy: Option<RetryPolicy>,
    /// Largest response body accepted (the worker's own cap applies too).
    pub max_response_bytes: Option<u64>,
    /// Run it as a local activity (recorded as a marker, no round trip to the server).
    pub local: bool,
}

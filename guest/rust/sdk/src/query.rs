//! Queries: `set_query_result`. A query never runs workflow code: the worker answers it from the
//! value the workflow last published under its name, while the workflow runs, is parked, or has
//! ended. So a query can never change the workflow, and replays stay deterministic.
//!
//! ```no_run
//! # use temporal_wasm_sdk::{Failure, query};
//! # fn f() -> Result<(), Failure> {
//! query::publish("status", &serde_json::json!({"state": "awaiting_approval"}))?;
//! # Ok(()) }
//! ```
//!
//! `temporal workflow query --name status` then returns that value. The worker answers the
//! built-in `__stack_trace` and `__temporal_workflow_metadata` itself.

use serde::Serialize;

use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError};

/// Publishes `value` (a `json/plain` payload) as the answer to query `name` from now on.
pub fn publish<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<(), PayloadError> {
    publish_payload(name, Some(Payload::encode_json(value)?));
    Ok(())
}

/// Publishes an already-encoded answer to query `name`, or `None`: an answer with no value.
pub fn publish_payload(name: &str, payload: Option<Payload>) {
    let json = match payload {
        Some(payload) => serde_json::to_vec(&[payload]).expect("a payload always serialises"),
        None => Vec::new(),
    };
    host::call(|host| host.set_query_result(name, &json));
}

//! Ending a run other than by returning: `continue_as_new` and `complete_as_cancelled`. Like
//! `complete`, nothing after these calls runs.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError};
use crate::retry::RetryPolicy;
use crate::timer::millis_ceil;

/// A new run of this workflow (same workflow id, fresh history) to continue as, built step by
/// step; [`continue_as_new`](ContinueAsNew::continue_as_new) ends this run.
///
/// ```no_run
/// # use temporal_wasm_sdk::{ContinueAsNew, Failure};
/// # fn f(page: u32) -> Result<(), Failure> {
/// ContinueAsNew::new().arg(&(page + 1))?.continue_as_new()
/// # }
/// ```
///
/// Long-running workflows continue as new from time to time, so their history (and the replay
/// of it) stays short.
#[derive(Debug, Clone, Default, Serialize)]
#[must_use = "nothing happens until `continue_as_new` is called"]
pub struct ContinueAsNew {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    args: Vec<Payload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    workflow_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_queue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    memo: BTreeMap<String, Payload>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    search_attributes: BTreeMap<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_policy: Option<RetryPolicy>,
}

impl ContinueAsNew {
    /// The same workflow type on the same task queue, with no arguments so far.
    pub fn new() -> ContinueAsNew {
        ContinueAsNew::default()
    }

    /// Appends one argument, encoded as a `json/plain` payload.
    pub fn arg<T: Serialize + ?Sized>(mut self, value: &T) -> Result<ContinueAsNew, PayloadError> {
        self.args.push(Payload::encode_json(value)?);
        Ok(self)
    }

    /// Appends an already-encoded argument.
    pub fn arg_payload(mut self, payload: Payload) -> ContinueAsNew {
        self.args.push(payload);
        self
    }

    /// Continues as another workflow type.
    pub fn workflow_type(mut self, workflow_type: impl Into<String>) -> ContinueAsNew {
        self.workflow_type = Some(workflow_type.into());
        self
    }

    /// Continues on another task queue.
    pub fn task_queue(mut self, task_queue: impl Into<String>) -> ContinueAsNew {
        self.task_queue = Some(task_queue.into());
        self
    }

    /// Time allowed for the new run.
    pub fn run_timeout(mut self, timeout: Duration) -> ContinueAsNew {
        self.run_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// Time allowed for one of its workflow tasks.
    pub fn task_timeout(mut self, timeout: Duration) -> ContinueAsNew {
        self.task_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// Adds a memo field of the new run, encoded as a `json/plain` payload.
    pub fn memo<T: Serialize + ?Sized>(
        mut self,
        key: impl Into<String>,
        value: &T,
    ) -> Result<ContinueAsNew, PayloadError> {
        self.memo.insert(key.into(), Payload::encode_json(value)?);
        Ok(self)
    }

    /// Adds a search attribute of the new run.
    pub fn search_attribute<T: Serialize + ?Sized>(
        mut self,
        name: impl Into<String>,
        value: &T,
    ) -> Result<ContinueAsNew, PayloadError> {
        let value = serde_json::to_value(value).map_err(PayloadError::Encode)?;
        self.search_attributes.insert(name.into(), value);
        Ok(self)
    }

    /// The new run's retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> ContinueAsNew {
        self.retry_policy = Some(policy);
        self
    }

    /// Ends this run and continues as the new one.
    pub fn continue_as_new(self) -> ! {
        let json = serde_json::to_vec(&self).expect("continue-as-new options always serialise");
        host::call(|host| host.continue_as_new(&json));
        host::run_ended()
    }
}

/// Ends this run and continues as a new run of the same workflow with the one argument `input`.
///
/// An `input` that cannot be encoded as JSON is a bug and panics.
pub fn continue_as_new<T: Serialize + ?Sized>(input: &T) -> ! {
    ContinueAsNew::new()
        .arg(input)
        .unwrap_or_else(|err| panic!("cannot encode the continue-as-new input: {err}"))
        .continue_as_new()
}

/// Ends the workflow as *Canceled*, with `details` as its one detail payload. Only after its
/// cancellation was requested (see [`Cancellation`](crate::Cancellation)): the worker treats any
/// other call as a bug.
///
/// `details` that cannot be encoded as JSON are a bug and panic.
pub fn complete_as_cancelled<T: Serialize + ?Sized>(details: &T) -> ! {
    let payload = Payload::encode_json(details)
        .unwrap_or_else(|err| panic!("cannot encode the cancellation details: {err}"));
    complete_as_cancelled_with_payloads(vec![payload])
}

/// Ends the workflow as *Canceled* with these details (possibly none).
pub fn complete_as_cancelled_with_payloads(details: Vec<Payload>) -> ! {
    #[derive(Serialize)]
    struct Details {
        details: Vec<Payload>,
    }
    let json = if details.is_empty() {
        Vec::new()
    } else {
        serde_json::to_vec(&Details { details }).expect("payloads always serialise")
    };
    host::call(|host| host.complete_as_cancelled(&json));
    host::run_ended()
}

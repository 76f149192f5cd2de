//! Other workflows, by id: `signal_external_workflow` and `cancel_external_workflow`.

use serde::Serialize;

use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError};
use crate::wait::{Error, Outcome, Waitable};

/// Another workflow execution, named by its id (and optionally run id and namespace).
///
/// ```no_run
/// # use temporal_wasm_sdk::{ExternalWorkflow, Failure};
/// # fn f() -> Result<(), Failure> {
/// ExternalWorkflow::new("batch-3")
///     .signal("order_done", &"A-17")?
///     .result()?; // delivered
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Serialize)]
pub struct ExternalWorkflow {
    workflow_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
}

/// `signal_external_workflow`'s JSON.
#[derive(Serialize)]
struct SignalRequest<'a> {
    #[serde(flatten)]
    workflow: &'a ExternalWorkflow,
    signal_name: &'a str,
    #[serde(skip_serializing_if = "<[Payload]>::is_empty")]
    args: &'a [Payload],
}

impl ExternalWorkflow {
    /// The workflow with this id (its latest run, in the workflow's namespace).
    pub fn new(workflow_id: impl Into<String>) -> ExternalWorkflow {
        ExternalWorkflow {
            workflow_id: workflow_id.into(),
            run_id: None,
            namespace: None,
        }
    }

    /// One run of it.
    pub fn run_id(mut self, run_id: impl Into<String>) -> ExternalWorkflow {
        self.run_id = Some(run_id.into());
        self
    }

    /// Its namespace.
    pub fn namespace(mut self, namespace: impl Into<String>) -> ExternalWorkflow {
        self.namespace = Some(namespace.into());
        self
    }

    /// Sends it the signal `name` with one argument, encoded as a `json/plain` payload.
    pub fn signal<T: Serialize + ?Sized>(
        &self,
        name: &str,
        arg: &T,
    ) -> Result<ExternalHandle, PayloadError> {
        Ok(self.signal_payloads(name, &[Payload::encode_json(arg)?]))
    }

    /// Sends it the signal `name` with these arguments (possibly none).
    pub fn signal_payloads(&self, name: &str, args: &[Payload]) -> ExternalHandle {
        let request = SignalRequest {
            workflow: self,
            signal_name: name,
            args,
        };
        let json = serde_json::to_vec(&request).expect("a signal request always serialises");
        ExternalHandle {
            handle: host::call(|host| host.signal_external_workflow(&json)),
        }
    }

    /// Asks Temporal to cancel it.
    pub fn cancel(&self) -> ExternalHandle {
        let json = serde_json::to_vec(self).expect("a cancel request always serialises");
        ExternalHandle {
            handle: host::call(|host| host.cancel_external_workflow(&json)),
        }
    }
}

/// A signal or cancellation request on its way to another workflow.
#[derive(Debug)]
#[must_use = "whether it was delivered is only seen through its handle"]
pub struct ExternalHandle {
    handle: u32,
}

impl ExternalHandle {
    /// Blocks until it has been delivered (`Ok`) or refused, e.g. there is no such workflow.
    pub fn result(self) -> Result<(), Error> {
        Outcome::of(self.handle).into_payloads().map(drop)
    }
}

impl Waitable for ExternalHandle {
    fn handle(&self) -> u32 {
        self.handle
    }
}

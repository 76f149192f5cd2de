//! Child workflows: `start_child_workflow`. A child is a workflow of its own (any type, any
//! language, any worker) whose result the parent can wait for.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::host::{self, Host};
use crate::payload::{Payload, PayloadError};
use crate::retry::RetryPolicy;
use crate::timer::millis_ceil;
use crate::wait::{Error, Outcome, Waitable};

/// A child workflow to start, built step by step.
///
/// ```no_run
/// # use temporal_wasm_sdk::{ChildWorkflow, Failure, ParentClosePolicy};
/// # fn f() -> Result<(), Failure> {
/// let tracking: String = ChildWorkflow::new("Ship")
///     .workflow_id("ship-A-17")
///     .arg(&"A-17")?
///     .parent_close_policy(ParentClosePolicy::Abandon)
///     .execute()?;
/// # Ok(()) }
/// ```
///
/// A child that cannot start (its id is taken, its namespace does not exist) resolves with
/// [`Error::Failed`] of type `WorkflowAlreadyStarted` or `NamespaceNotFound`.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a child workflow does nothing until started"]
pub struct ChildWorkflow {
    workflow_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    workflow_id: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    args: Vec<Payload>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_queue: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    execution_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    run_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_reuse_policy: Option<IdReusePolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parent_close_policy: Option<ParentClosePolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_policy: Option<RetryPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cron_schedule: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    memo: BTreeMap<String, Payload>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    search_attributes: BTreeMap<String, serde_json::Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cancellation_type: Option<ChildCancellation>,
}

/// Whether a new workflow may reuse the id of a closed one (Temporal's `WorkflowIdReusePolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdReusePolicy {
    /// Always (the server's default).
    AllowDuplicate,
    /// Only if the last one with the id did not complete successfully.
    AllowDuplicateFailedOnly,
    /// Never.
    RejectDuplicate,
    /// Yes, terminating one that still runs.
    TerminateIfRunning,
}

/// What happens to the child when the parent closes (Temporal's `ParentClosePolicy`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParentClosePolicy {
    /// It is terminated (the default).
    Terminate,
    /// It runs on.
    Abandon,
    /// Its cancellation is requested.
    RequestCancel,
}

/// What [`ChildHandle::cancel`] waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChildCancellation {
    /// Resolve once the child has ended as cancelled (the default).
    WaitCancellationCompleted,
    /// Resolve once the server has recorded the cancellation request.
    WaitCancellationRequested,
    /// Request cancellation and resolve as cancelled at once.
    TryCancel,
    /// Resolve as cancelled at once without telling the child.
    Abandon,
}

impl ChildWorkflow {
    /// A child of `workflow_type`, on the parent's task queue and namespace unless set.
    pub fn new(workflow_type: impl Into<String>) -> ChildWorkflow {
        ChildWorkflow {
            workflow_type: workflow_type.into(),
            workflow_id: None,
            args: Vec::new(),
            task_queue: None,
            namespace: None,
            execution_timeout_ms: None,
            run_timeout_ms: None,
            task_timeout_ms: None,
            id_reuse_policy: None,
            parent_close_policy: None,
            retry_policy: None,
            cron_schedule: None,
            memo: BTreeMap::new(),
            search_attributes: BTreeMap::new(),
            cancellation_type: None,
        }
    }

    /// Its workflow id; by default derived from the parent's run id and the handle, so the same
    /// on replay.
    pub fn workflow_id(mut self, workflow_id: impl Into<String>) -> ChildWorkflow {
        self.workflow_id = Some(workflow_id.into());
        self
    }

    /// Appends one argument, encoded as a `json/plain` payload.
    pub fn arg<T: Serialize + ?Sized>(mut self, value: &T) -> Result<ChildWorkflow, PayloadError> {
        self.args.push(Payload::encode_json(value)?);
        Ok(self)
    }

    /// Appends an already-encoded argument.
    pub fn arg_payload(mut self, payload: Payload) -> ChildWorkflow {
        self.args.push(payload);
        self
    }

    /// The task queue its workers poll.
    pub fn task_queue(mut self, task_queue: impl Into<String>) -> ChildWorkflow {
        self.task_queue = Some(task_queue.into());
        self
    }

    /// Its namespace.
    pub fn namespace(mut self, namespace: impl Into<String>) -> ChildWorkflow {
        self.namespace = Some(namespace.into());
        self
    }

    /// Time allowed for the whole execution, retries and continue-as-new included.
    pub fn execution_timeout(mut self, timeout: Duration) -> ChildWorkflow {
        self.execution_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// Time allowed for one run.
    pub fn run_timeout(mut self, timeout: Duration) -> ChildWorkflow {
        self.run_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// Time allowed for one workflow task.
    pub fn task_timeout(mut self, timeout: Duration) -> ChildWorkflow {
        self.task_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// Whether it may reuse the id of a closed workflow.
    pub fn id_reuse_policy(mut self, policy: IdReusePolicy) -> ChildWorkflow {
        self.id_reuse_policy = Some(policy);
        self
    }

    /// What happens to it when the parent closes.
    pub fn parent_close_policy(mut self, policy: ParentClosePolicy) -> ChildWorkflow {
        self.parent_close_policy = Some(policy);
        self
    }

    /// How Temporal retries it when it fails.
    pub fn retry(mut self, policy: RetryPolicy) -> ChildWorkflow {
        self.retry_policy = Some(policy);
        self
    }

    /// Runs it on a cron schedule (an empty one means none).
    pub fn cron_schedule(mut self, schedule: impl Into<String>) -> ChildWorkflow {
        self.cron_schedule = Some(schedule.into());
        self
    }

    /// Adds a memo field, encoded as a `json/plain` payload.
    pub fn memo<T: Serialize + ?Sized>(
        mut self,
        key: impl Into<String>,
        value: &T,
    ) -> Result<ChildWorkflow, PayloadError> {
        self.memo.insert(key.into(), Payload::encode_json(value)?);
        Ok(self)
    }

    /// Adds a search attribute (its JSON value, typed by the server from the attribute's
    /// registered type).
    pub fn search_attribute<T: Serialize + ?Sized>(
        mut self,
        name: impl Into<String>,
        value: &T,
    ) -> Result<ChildWorkflow, PayloadError> {
        let value = serde_json::to_value(value).map_err(PayloadError::Encode)?;
        self.search_attributes.insert(name.into(), value);
        Ok(self)
    }

    /// What cancelling it waits for.
    pub fn cancellation(mut self, cancellation: ChildCancellation) -> ChildWorkflow {
        self.cancellation_type = Some(cancellation);
        self
    }

    /// Starts the child and returns at once with its handle.
    pub fn start(self) -> ChildHandle {
        let json = serde_json::to_vec(&self).expect("child workflow options always serialise");
        ChildHandle {
            handle: host::call(|host| host.start_child_workflow(&json)),
        }
    }

    /// Starts the child and blocks until it ends: its result decoded as `T`.
    pub fn execute<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.start().result()
    }
}

/// A started child workflow.
#[derive(Debug)]
#[must_use = "a child's result is only seen through its handle"]
pub struct ChildHandle {
    handle: u32,
}

impl ChildHandle {
    /// Blocks until the child ends; its result decoded as `T`.
    pub fn result<T: DeserializeOwned>(self) -> Result<T, Error> {
        Outcome::of(self.handle).into_value()
    }

    /// Blocks until the child ends; its result payloads as they are.
    pub fn payloads(self) -> Result<Vec<Payload>, Error> {
        Outcome::of(self.handle).into_payloads()
    }

    /// Asks Temporal to cancel the child.
    pub fn cancel(&self) {
        host::call(|host| host.cancel(self.handle));
    }
}

impl Waitable for ChildHandle {
    fn handle(&self) -> u32 {
        self.handle
    }
}

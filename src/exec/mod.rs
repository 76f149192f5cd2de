//! `temporal-wasm-worker exec`: run a bundle without a server, through the same host code the
//! worker uses (bundle validation, limits, `info` building, the workflow run, outcome mapping).
//!
//! It is the workflow author's inner loop: edit, build, `exec`, read the result or the failure.
//! A durable bundle runs to its end on virtual time ([`local_run`]): timers fire as soon as the
//! guest waits on them, and activities, HTTP activities, children, signals, updates and the
//! cancellation come from a mocks file ([`mocks`]).

pub mod local_run;
pub mod mocks;
mod resolutions;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::{Value, json};
use temporalio_common::protos::coresdk::workflow_activation::{
    InitializeWorkflow, WorkflowActivation, WorkflowActivationJob,
    workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;
use temporalio_common::protos::temporal::api::common::v1::Payload;

use crate::abi;
use crate::convert::{self, WorkerContext};
use crate::sandbox::BundleSpec;
use crate::sandbox::InstanceLimits;
use crate::sandbox::engine::{EngineCapacity, EngineError, WasmEngine};
use crate::sandbox::host::Linkers;
use crate::sandbox::{Bundle, BundleError};
use crate::sandbox::{GuestBugPolicy, VersioningBehavior};
use crate::temporal::workflow_run::WorkflowRun;
use local_run::Ended;
use mocks::{Mocks, MocksError};

/// Namespace and task queue reported in `workflow_info` by `exec`, which has neither.
pub const EXEC_CONTEXT: &str = "exec";

/// What to run.
#[derive(Clone, Debug)]
pub struct ExecRequest {
    /// The bundle file.
    pub module_path: PathBuf,
    /// Workflow type reported to the guest.
    pub workflow_type: String,
    /// Start arguments, each a JSON text sent as a `json/plain` payload.
    pub inputs: Vec<String>,
    /// Per-run caps, as a worker would apply them.
    pub limits: InstanceLimits,
    /// The mocks file answering a durable bundle's activities, children, signals and updates.
    pub mocks: Option<PathBuf>,
}

/// How the run ended, in the terms a Temporal client would see.
#[derive(Clone, Debug, PartialEq)]
pub enum ExecReport {
    /// The workflow completed; the JSON rendering of its result (`null` when there is none).
    Completed(Value),
    /// The workflow failed; the JSON rendering of its failure.
    Failed(Value),
    /// A guest bug, which a worker would report as a workflow task failure.
    GuestBug(String),
    /// A durable guest waits on something nothing will answer: what it waits on, and the
    /// commands the mocks did not cover.
    Blocked {
        /// What the guest is blocked on.
        waiting_on: Vec<String>,
        /// Commands the mocks had no answer for.
        unanswered: Vec<String>,
    },
    /// The workflow continued as a new run: its type and the next run's arguments.
    ContinuedAsNew(Value),
    /// The workflow ended as cancelled, with its details.
    Cancelled(Value),
}

/// What a local run of a durable bundle took, printed next to its outcome.
#[derive(Clone, Debug, PartialEq)]
pub struct LocalStats {
    /// Virtual ms from the start to the end.
    pub elapsed_ms: i64,
    /// Activations it took.
    pub activations: u32,
    /// The answers to every update, by update id.
    pub updates: Value,
}

impl ExecReport {
    /// Process exit code: 0 completed (or continued as new), 3 workflow failed, 4 guest bug,
    /// 5 blocked, 6 cancelled (1 and 2 are taken by usage and set-up errors).
    pub fn exit_code(&self) -> i32 {
        match self {
            ExecReport::Completed(_) | ExecReport::ContinuedAsNew(_) => 0,
            ExecReport::Failed(_) => 3,
            ExecReport::GuestBug(_) => 4,
            ExecReport::Blocked { .. } => 5,
            ExecReport::Cancelled(_) => 6,
        }
    }

    /// The report as one JSON document for stdout.
    pub fn to_json(&self) -> Value {
        match self {
            ExecReport::Completed(result) => json!({"status": "completed", "result": result}),
            ExecReport::Failed(failure) => json!({"status": "failed", "failure": failure}),
            ExecReport::GuestBug(message) => json!({"status": "guest_bug", "message": message}),
            ExecReport::Blocked {
                waiting_on,
                unanswered,
            } => json!({
                "status": "blocked",
                "message": "the workflow waits on something the mocks do not answer",
                "waiting_on": waiting_on,
                "unanswered": unanswered,
            }),
            ExecReport::ContinuedAsNew(next) => json!({"status": "continued_as_new", "next": next}),
            ExecReport::Cancelled(details) => json!({"status": "cancelled", "details": details}),
        }
    }
}

/// `exec` could not get as far as running the guest.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// An `--input` is not JSON.
    #[error("--input #{index} is not valid JSON: {reason}")]
    BadInput {
        /// 1-based position of the input.
        index: usize,
        /// What the JSON parser said.
        reason: String,
    },
    /// The engine could not be created.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The bundle was refused, exactly as the worker would refuse it.
    #[error(transparent)]
    Bundle(#[from] BundleError),
    /// The linker could not be built.
    #[error("cannot build the host functions: {0}")]
    Linker(String),
    /// The mocks file could not be used.
    #[error(transparent)]
    Mocks(#[from] MocksError),
}

/// Runs the bundle to its end (a durable one locally, on virtual time) and reports how it
/// ended, with what the local run took for a durable bundle.
pub fn exec(request: &ExecRequest) -> Result<(ExecReport, Option<LocalStats>), ExecError> {
    let arguments = request
        .inputs
        .iter()
        .enumerate()
        .map(|(index, input)| json_payload(index + 1, input))
        .collect::<Result<Vec<_>, _>>()?;

    let engine = WasmEngine::new(EngineCapacity { instance_slots: 1 })?;
    let linkers =
        Linkers::new(engine.engine()).map_err(|err| ExecError::Linker(format!("{err:#}")))?;
    let settings = BundleSpec {
        workflow_type: request.workflow_type.clone(),
        module_path: request.module_path.clone(),
        previous_modules: Vec::new(),
        limits: request.limits,
        on_guest_bug: GuestBugPolicy::FailTask,
        versioning: VersioningBehavior::Pinned,
    };
    let bundle = Arc::new(Bundle::load(&engine, &linkers, &settings, None)?);

    let run_id = format!("exec-run-{}", std::process::id());
    let init = InitializeWorkflow {
        workflow_type: request.workflow_type.clone(),
        workflow_id: format!("exec-{}", std::process::id()),
        arguments,
        attempt: 1,
        start_time: Some(SystemTime::now().into()),
        randomness_seed: u64::from(std::process::id()),
        ..Default::default()
    };
    let context = WorkerContext {
        namespace: EXEC_CONTEXT.to_owned(),
        task_queue: EXEC_CONTEXT.to_owned(),
    };
    let mocks = match &request.mocks {
        Some(path) => Mocks::load(path)?,
        None => Mocks::default(),
    };
    let start_ms = now_ms();
    let mut run = WorkflowRun::new(run_id.clone(), Arc::clone(&bundle), context);
    let first = WorkflowActivation {
        run_id,
        timestamp: Some(SystemTime::now().into()),
        jobs: vec![WorkflowActivationJob {
            variant: Some(Job::InitializeWorkflow(init)),
        }],
        ..Default::default()
    };
    let outcome = local_run::run_locally(&mut run, mocks, first, start_ms);
    let stats = bundle.is_durable().then(|| LocalStats {
        elapsed_ms: outcome.elapsed_ms,
        activations: outcome.activations,
        updates: json!(outcome.updates),
    });
    Ok((report(outcome.ended), stats))
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |elapsed| {
            i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX)
        })
}

/// How a local run ended, as a Temporal client would see it.
fn report(ended: Ended) -> ExecReport {
    let command = match ended {
        Ended::Command(command) => *command,
        Ended::GuestBug(message) => return ExecReport::GuestBug(message),
        Ended::Stuck {
            waiting_on,
            unanswered,
        } => {
            return ExecReport::Blocked {
                waiting_on,
                unanswered,
            };
        }
    };
    match command {
        Command::CompleteWorkflowExecution(complete) => {
            ExecReport::Completed(complete.result.map_or(Value::Null, payload_for_display))
        }
        Command::FailWorkflowExecution(fail) => {
            ExecReport::Failed(fail.failure.as_ref().map_or(Value::Null, |failure| {
                failure_for_display(&convert::failure_to_abi(failure))
            }))
        }
        Command::ContinueAsNewWorkflowExecution(next) => ExecReport::ContinuedAsNew(json!({
            "workflow_type": next.workflow_type,
            "args": next.arguments.into_iter().map(payload_for_display).collect::<Vec<_>>(),
        })),
        Command::CancelWorkflowExecution(cancel) => ExecReport::Cancelled(
            cancel
                .details
                .map(|details| {
                    details
                        .payloads
                        .into_iter()
                        .map(payload_for_display)
                        .collect()
                })
                .unwrap_or(Value::Array(Vec::new())),
        ),
        other => ExecReport::GuestBug(format!("unexpected end {}", command_name(&other))),
    }
}

fn command_name(command: &Command) -> String {
    match command {
        Command::StartTimer(timer) => format!(
            "start timer {} ({} ms)",
            timer.seq,
            timer
                .start_to_fire_timeout
                .as_ref()
                .map_or(0, |d| d.seconds * 1000 + i64::from(d.nanos / 1_000_000))
        ),
        Command::ScheduleActivity(activity) => format!(
            "schedule activity {} {} on {}",
            activity.seq, activity.activity_type, activity.task_queue
        ),
        Command::ContinueAsNewWorkflowExecution(next) => {
            format!("continue as new ({})", next.workflow_type)
        }
        Command::CancelWorkflowExecution(_) => "cancel workflow execution".to_owned(),
        Command::SetPatchMarker(marker) => format!("patch marker {}", marker.patch_id),
        other => format!("{other:?}"),
    }
}

fn json_payload(index: usize, input: &str) -> Result<Payload, ExecError> {
    serde_json::from_str::<Value>(input).map_err(|err| ExecError::BadInput {
        index,
        reason: err.to_string(),
    })?;
    Ok(Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: input.as_bytes().to_vec(),
        ..Default::default()
    })
}

/// A `json/plain` payload as its JSON value; anything else in its ABI form.
fn payload_for_display(payload: Payload) -> Value {
    let is_json = payload
        .metadata
        .get("encoding")
        .is_some_and(|encoding| encoding == b"json/plain");
    if is_json && let Ok(value) = serde_json::from_slice::<Value>(&payload.data) {
        return value;
    }
    serde_json::to_value(convert::payload_to_abi(payload)).unwrap_or(Value::Null)
}

fn failure_for_display(failure: &abi::Failure) -> Value {
    let mut rendered = serde_json::Map::new();
    if let Some(message) = &failure.message {
        rendered.insert("message".into(), message.clone().into());
    }
    if let Some(failure_type) = &failure.failure_type {
        rendered.insert("type".into(), failure_type.clone().into());
    }
    if let Some(non_retryable) = failure.non_retryable {
        rendered.insert("non_retryable".into(), non_retryable.into());
    }
    if let Some(details) = &failure.details {
        let details = details
            .iter()
            .cloned()
            .map(|detail| payload_for_display(convert::payload_from_abi(detail)))
            .collect();
        rendered.insert("details".into(), Value::Array(details));
    }
    if let Some(cause) = &failure.cause {
        rendered.insert("cause".into(), failure_for_display(cause));
    }
    Value::Object(rendered)
}

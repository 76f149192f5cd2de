//! How the end of a run reaches Temporal: the guest's own ending becomes the workflow's terminal
//! command, and a guest bug becomes what the bundle's policy says — a failed workflow task
//! (Temporal retries it; the workflow stays open) or a failed workflow.

use temporalio_common::protos::coresdk::workflow_commands::{
    FailWorkflowExecution, workflow_command::Variant as Command,
};
use temporalio_common::protos::temporal::api::failure::v1::Failure;

use crate::abi::GuestOutcome;
use crate::convert::{self, RunContext};
use crate::metrics::RunOutcome;
use crate::sandbox::host::LogContext;
use crate::sandbox::{Bundle, GuestBug, GuestBugPolicy};

/// Failure type of a guest bug reported as a workflow (or workflow task) failure.
pub const GUEST_BUG_FAILURE_TYPE: &str = "WasmGuestBug";

/// Maps how a run ended to the workflow's terminal command, or to the failure of the workflow
/// task when the bundle's policy says a guest bug fails the task.
pub fn terminal_command(
    bundle: &Bundle,
    log: &LogContext,
    context: &RunContext,
    outcome: Result<GuestOutcome, GuestBug>,
) -> Result<Command, Box<Failure>> {
    let bug = match outcome.map(|outcome| convert::terminal_command(outcome, context)) {
        Ok(Ok(command)) => return Ok(command),
        Ok(Err(too_many)) => GuestBug::from(too_many),
        Err(bug) => bug,
    };
    let message = format!(
        "guest bug in workflow type `{}` (bundle {}): {bug}",
        bundle.workflow_type(),
        bundle.module_path().display()
    );
    tracing::warn!(
        workflow_type = %log.workflow_type,
        workflow_id = %log.workflow_id,
        run_id = %log.run_id,
        kind = bug.kind(),
        "{message}"
    );
    match bundle.on_guest_bug() {
        GuestBugPolicy::FailTask => Err(Box::new(convert::host_failure(
            message,
            GUEST_BUG_FAILURE_TYPE,
            false,
        ))),
        GuestBugPolicy::FailWorkflow => Ok(Command::FailWorkflowExecution(FailWorkflowExecution {
            failure: Some(convert::host_failure(message, GUEST_BUG_FAILURE_TYPE, true)),
        })),
    }
}

/// The `outcome` label of a run that ended with `command` (or failed its task).
pub fn run_outcome(command: &Result<Command, Box<Failure>>) -> RunOutcome {
    match command {
        Ok(Command::CompleteWorkflowExecution(_)) => RunOutcome::Completed,
        Ok(Command::ContinueAsNewWorkflowExecution(_)) => RunOutcome::ContinuedAsNew,
        Ok(Command::CancelWorkflowExecution(_)) => RunOutcome::Cancelled,
        Ok(_) => RunOutcome::Failed,
        Err(_) => RunOutcome::GuestBug,
    }
}

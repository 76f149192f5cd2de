//! How a guest ended its run, as the command that ends the workflow: complete, fail,
//! continue as new (with the defaults Temporal's SDKs fill in) or cancel.

use temporalio_common::protos::coresdk::workflow_commands::{
    CancelWorkflowExecution, CompleteWorkflowExecution, ContinueAsNewWorkflowExecution,
    FailWorkflowExecution, workflow_command::Variant,
};

use super::commands::{RunContext, duration, retry_policy_from_abi, search_attributes_from_abi};
use crate::abi::{self, GuestOutcome, TooManyResultPayloads};
use crate::convert::{
    failure_from_abi, payload_from_abi, payloads_from_abi, result_from_abi, unspecified_failure,
};

/// The command that ends the workflow the way the guest ended its run.
pub fn terminal_command(
    outcome: GuestOutcome,
    context: &RunContext,
) -> Result<Variant, TooManyResultPayloads> {
    Ok(match outcome {
        GuestOutcome::Completed(payloads) => {
            Variant::CompleteWorkflowExecution(CompleteWorkflowExecution {
                result: result_from_abi(payloads)?,
            })
        }
        GuestOutcome::Failed(failure) => Variant::FailWorkflowExecution(FailWorkflowExecution {
            failure: Some(
                failure.map_or_else(unspecified_failure, |failure| failure_from_abi(*failure)),
            ),
        }),
        GuestOutcome::ContinuedAsNew(request) => {
            Variant::ContinueAsNewWorkflowExecution(continue_as_new(*request, context))
        }
        GuestOutcome::Cancelled(details) => {
            Variant::CancelWorkflowExecution(CancelWorkflowExecution {
                details: (!details.is_empty()).then(|| payloads_from_abi(details)),
            })
        }
    })
}

fn continue_as_new(
    request: abi::ContinueAsNewRequest,
    context: &RunContext,
) -> ContinueAsNewWorkflowExecution {
    let abi::ContinueAsNewRequest {
        args,
        workflow_type,
        task_queue,
        run_timeout_ms,
        task_timeout_ms,
        memo,
        search_attributes,
        retry_policy,
    } = request;
    ContinueAsNewWorkflowExecution {
        workflow_type: workflow_type.unwrap_or_else(|| context.workflow_type.clone()),
        task_queue: task_queue.unwrap_or_else(|| context.task_queue.clone()),
        arguments: args.into_iter().map(payload_from_abi).collect(),
        workflow_run_timeout: run_timeout_ms.map(duration),
        workflow_task_timeout: task_timeout_ms.map(duration),
        memo: memo
            .unwrap_or_default()
            .into_iter()
            .map(|(key, payload)| (key, payload_from_abi(payload)))
            .collect(),
        search_attributes: search_attributes.map(search_attributes_from_abi),
        retry_policy: retry_policy.map(retry_policy_from_abi),
        ..Default::default()
    }
}

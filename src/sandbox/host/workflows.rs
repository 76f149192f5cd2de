//! `start_child_workflow`, `signal_external_workflow` and `cancel_external_workflow`: the calls
//! that reach other workflows. Each issues a handle that resolves with the child's result, or
//! once the signal or cancellation request was delivered (or failed).

use wasmtime::{Caller, Linker};

use crate::abi::{Call, ChildWorkflowOptions, ExternalWorkflow, SignalExternalRequest};
use crate::sandbox::GuestBug;
use crate::sandbox::handles::HandleKind;
use crate::sandbox::host::{IMPORT_MODULE, InstanceState, durable_call, read_input};

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "start_child_workflow",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let options: ChildWorkflowOptions = read_input(
                    memory,
                    "start_child_workflow",
                    "start_child_workflow input",
                    offset,
                    len,
                )?;
                required(
                    "start_child_workflow",
                    "workflow_type",
                    &options.workflow_type,
                )?;
                not_blank("start_child_workflow", "workflow_id", &options.workflow_id)?;
                not_blank("start_child_workflow", "task_queue", &options.task_queue)?;
                not_blank("start_child_workflow", "namespace", &options.namespace)?;
                let kind = HandleKind::ChildWorkflow(options.workflow_type.clone());
                let handle = durable.handles.issue(kind)?;
                durable.push_call(
                    Call::StartChildWorkflow {
                        handle,
                        options: Box::new(options),
                    },
                    len,
                )?;
                Ok(handle)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "signal_external_workflow",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let request: SignalExternalRequest = read_input(
                    memory,
                    "signal_external_workflow",
                    "signal_external_workflow input",
                    offset,
                    len,
                )?;
                check_target("signal_external_workflow", &request.target)?;
                required(
                    "signal_external_workflow",
                    "signal_name",
                    &request.signal_name,
                )?;
                let kind = HandleKind::ExternalSignal(request.signal_name.clone());
                let handle = durable.handles.issue(kind)?;
                durable.push_call(
                    Call::SignalExternal {
                        handle,
                        request: Box::new(request),
                    },
                    len,
                )?;
                Ok(handle)
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "cancel_external_workflow",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let target: ExternalWorkflow = read_input(
                    memory,
                    "cancel_external_workflow",
                    "cancel_external_workflow input",
                    offset,
                    len,
                )?;
                check_target("cancel_external_workflow", &target)?;
                let kind = HandleKind::ExternalCancel(target.workflow_id.clone());
                let handle = durable.handles.issue(kind)?;
                durable.push_call(Call::CancelExternal { handle, target }, len)?;
                Ok(handle)
            })
        },
    )?;
    Ok(())
}

fn check_target(call: &'static str, target: &ExternalWorkflow) -> Result<(), GuestBug> {
    required(call, "workflow_id", &target.workflow_id)?;
    not_blank(call, "run_id", &target.run_id)?;
    not_blank(call, "namespace", &target.namespace)
}

fn required(call: &'static str, field: &str, value: &str) -> Result<(), GuestBug> {
    if value.trim().is_empty() {
        return Err(GuestBug::BadRequest {
            call,
            problem: format!("{field} is required and must not be empty"),
        });
    }
    Ok(())
}

fn not_blank(call: &'static str, field: &str, value: &Option<String>) -> Result<(), GuestBug> {
    if value
        .as_deref()
        .is_some_and(|value| value.trim().is_empty())
    {
        return Err(GuestBug::BadRequest {
            call,
            problem: format!("{field} must not be empty (leave it out for the default)"),
        });
    }
    Ok(())
}

//! The calls that end a run: `complete` and `complete_with_failure` (ABI v0), `continue_as_new`
//! and `complete_as_cancelled` (v1). Each records the outcome and unwinds the guest, so nothing
//! after the call executes.

use wasmtime::{Caller, Linker};

use crate::abi::{self, CancelledDetails, ContinueAsNewRequest};
use crate::sandbox::GuestBug;
use crate::sandbox::guest_memory;
use crate::sandbox::host::durable;
use crate::sandbox::host::{
    GuestOutcome, IMPORT_MODULE, InstanceState, RunEnd, read_input, with_memory,
};

pub(super) fn register_v0(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "complete",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| -> wasmtime::Result<()> {
            with_memory(&mut caller, |memory, state| {
                let ending = match guest_memory::read(memory, "complete", offset, len) {
                    Err(oob) => RunEnd::Bug(oob.into()),
                    Ok([]) => RunEnd::Ended(GuestOutcome::Completed(Vec::new())),
                    Ok(json) => match abi::decode_payloads(json) {
                        Ok(payloads) => RunEnd::Ended(GuestOutcome::Completed(payloads)),
                        Err(err) => RunEnd::Bug(err.into()),
                    },
                };
                Err(state.end(ending))
            })?
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "complete_with_failure",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| -> wasmtime::Result<()> {
            with_memory(&mut caller, |memory, state| {
                let ending = match guest_memory::read(memory, "complete_with_failure", offset, len)
                {
                    Err(oob) => RunEnd::Bug(oob.into()),
                    Ok([]) => RunEnd::Ended(GuestOutcome::Failed(None)),
                    Ok(json) => match abi::decode_failure(json) {
                        Ok(failure) => RunEnd::Ended(GuestOutcome::Failed(Some(Box::new(failure)))),
                        Err(err) => RunEnd::Bug(err.into()),
                    },
                };
                Err(state.end(ending))
            })?
        },
    )?;
    Ok(())
}

pub(super) fn register_v1(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "continue_as_new",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| -> wasmtime::Result<()> {
            with_memory(&mut caller, |memory, state| {
                let request = if len == 0 {
                    Ok(ContinueAsNewRequest::default())
                } else {
                    read_input::<ContinueAsNewRequest>(
                        memory,
                        "continue_as_new",
                        "continue_as_new input",
                        offset,
                        len,
                    )
                };
                let ending = match request {
                    Ok(request) => RunEnd::Ended(GuestOutcome::ContinuedAsNew(Box::new(request))),
                    Err(bug) => RunEnd::Bug(bug),
                };
                Err(state.end(ending))
            })?
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "complete_as_cancelled",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| -> wasmtime::Result<()> {
            with_memory(&mut caller, |memory, state| {
                let requested = state
                    .durable
                    .as_ref()
                    .is_some_and(|shared| durable::lock(shared).cancellation_requested());
                let details = if !requested {
                    Err(GuestBug::BadRequest {
                        call: "complete_as_cancelled",
                        problem: "the workflow's cancellation has not been requested; a workflow \
                                  ends as Canceled only in answer to a cancel request (wait on \
                                  cancellation_channel first)"
                            .to_owned(),
                    })
                } else if len == 0 {
                    Ok(CancelledDetails::default())
                } else {
                    read_input::<CancelledDetails>(
                        memory,
                        "complete_as_cancelled",
                        "complete_as_cancelled input",
                        offset,
                        len,
                    )
                };
                let ending = match details {
                    Ok(details) => RunEnd::Ended(GuestOutcome::Cancelled(details.details)),
                    Err(bug) => RunEnd::Bug(bug),
                };
                Err(state.end(ending))
            })?
        },
    )?;
    Ok(())
}

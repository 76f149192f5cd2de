//! `cancellation_channel` and `signal_channel`: handles for what others send the workflow. A
//! channel is ready whenever an item is queued; opening one twice returns the same handle.

use wasmtime::{Caller, Linker};

use crate::sandbox::host::{IMPORT_MODULE, InstanceState, answers, durable_call};

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "cancellation_channel",
        |mut caller: Caller<'_, InstanceState>| {
            durable_call(&mut caller, |_, durable| durable.cancellation_channel())
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "signal_channel",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let name = answers::read_channel_name(memory, "signal_channel", offset, len)?;
                durable.signal_channel(&name)
            })
        },
    )?;
    Ok(())
}

//! `now`, `random`, `patched` and `is_replaying`: the only time, randomness and versioning a
//! durable guest gets, all reproduced exactly on replay.

use wasmtime::{Caller, Linker};

use crate::sandbox::guest_memory;
use crate::sandbox::host::{IMPORT_MODULE, InstanceState, durable_call, read_name};

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        IMPORT_MODULE,
        "now",
        |mut caller: Caller<'_, InstanceState>| {
            durable_call(&mut caller, |_, durable| Ok(durable.now_ms()))
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "random",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                // Checked first, so an out-of-bounds call draws nothing.
                guest_memory::read(memory, "random", offset, len)?;
                let start = offset as usize;
                durable.fill_random(&mut memory[start..start + len as usize]);
                Ok(())
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "patched",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32, deprecated: u32| {
            durable_call(&mut caller, |memory, durable| {
                let patch_id = read_name(memory, "patched", offset, len)?;
                Ok(u32::from(durable.patched(&patch_id, deprecated != 0)?))
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "is_replaying",
        |mut caller: Caller<'_, InstanceState>| {
            durable_call(&mut caller, |_, durable| Ok(u32::from(durable.replaying())))
        },
    )?;
    Ok(())
}

//! `wait`, `is_ready`, `result_len` and `take_result`: how a guest blocks on its handles and
//! reads what they resolved with.
//!
//! `wait` is the one asynchronous host function. When none of its handles is ready it records
//! what it parks on and awaits a future that is pending exactly once: that suspends the guest's
//! fiber, and the instance's poll returns to the host, which completes the activation. The next
//! activation polls again after applying its jobs; `wait` then re-arms the epoch deadline (it is
//! absolute, and hours may have passed) and checks its handles again.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use wasmtime::{AsContextMut, Caller, Linker};

use crate::sandbox::guest_bug::{GuestBug, HandleMisuse};
use crate::sandbox::guest_memory;
use crate::sandbox::host::{IMPORT_MODULE, InstanceState, durable_call};

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    linker.func_wrap_async(
        IMPORT_MODULE,
        "wait",
        |mut caller: Caller<'_, InstanceState>, (offset, count): (u32, u32)| {
            Box::new(async move {
                loop {
                    let ready = durable_call(&mut caller, |memory, durable| {
                        let set = read_handle_set(memory, offset, count, durable.handles.issued())?;
                        durable.first_ready(set)
                    })?;
                    if let Some(handle) = ready {
                        return Ok(handle);
                    }
                    ParkOnce::default().await;
                    let ticks = caller.data().deadline_ticks;
                    caller.as_context_mut().set_epoch_deadline(ticks);
                    caller.data_mut().on_resume();
                }
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "is_ready",
        |mut caller: Caller<'_, InstanceState>, handle: u32| {
            durable_call(&mut caller, |_, durable| {
                Ok(u32::from(durable.handles.is_ready("is_ready", handle)?))
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "result_len",
        |mut caller: Caller<'_, InstanceState>, handle: u32| {
            durable_call(&mut caller, |_, durable| {
                let json = durable.handles.peek("result_len", handle)?;
                // Results are capped far below 4 GiB (max_result_mib).
                Ok(u32::try_from(json.len()).unwrap_or(u32::MAX))
            })
        },
    )?;

    linker.func_wrap(
        IMPORT_MODULE,
        "take_result",
        |mut caller: Caller<'_, InstanceState>, handle: u32, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                let expected = durable.handles.peek("take_result", handle)?.len();
                if usize::try_from(len).ok() != Some(expected) {
                    return Err(HandleMisuse::ResultLength {
                        handle,
                        given: len,
                        expected,
                    }
                    .into());
                }
                // Bounds are checked before the result is consumed, so a bad pointer loses
                // nothing (the run ends anyway, but replay then sees the same state).
                guest_memory::read(memory, "take_result", offset, len)?;
                let json = durable.take(handle)?;
                guest_memory::write(memory, "take_result", offset, &json)?;
                Ok(())
            })
        },
    )?;
    Ok(())
}

/// Reads `wait`'s `count` handles (little-endian u32s) at `offset`.
fn read_handle_set(
    memory: &[u8],
    offset: u32,
    count: u32,
    issued: u32,
) -> Result<Vec<u32>, GuestBug> {
    if count == 0 {
        return Err(HandleMisuse::EmptyWait.into());
    }
    // Every handle in the set must have been issued, so a set longer than that (with repeats)
    // is only ever a bug; capping it here also bounds the read.
    let limit = issued.max(1).saturating_mul(4).max(1024);
    if count > limit {
        return Err(GuestBug::BadRequest {
            call: "wait",
            problem: format!(
                "count is {count}, more handles than the run could wait on (it has issued \
                 {issued}; a set may repeat them, up to {limit} entries)"
            ),
        });
    }
    let bytes = guest_memory::read(memory, "wait", offset, count.saturating_mul(4))?;
    Ok(bytes
        .chunks_exact(4)
        .map(|chunk| u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]))
        .collect())
}

/// A future that is pending the first time it is polled and ready the second: awaiting it
/// suspends the guest's fiber until the host polls the instance again.
#[derive(Default)]
pub(super) struct ParkOnce {
    polled: bool,
}

impl Future for ParkOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if std::mem::replace(&mut self.polled, true) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

//! A deterministic subset of WASI preview 1, for guests whose toolchain needs it (Go's `wasip1`
//! runtime, C built against wasi-libc), offered only to bundles that import it.
//!
//! Nothing in it can tell one execution from its replay: clocks read workflow time (the
//! activation's, as `now` does), `random_get` reads the run's deterministic generator, stdout
//! and stderr become guest logs (suppressed while replaying, like `write_log`), and arguments
//! and environment are empty. Files and sockets do not exist: every other descriptor is
//! `EBADF`. `proc_exit` ends the run as a guest bug with its exit code. `poll_oneoff` with a clock
//! subscription is a **durable timer**: the guest parks exactly as in `wait` until Temporal
//! fires it, so a Go `time.Sleep` in a workflow sleeps durably (waits of 1 ms or less return at
//! once). Go's start-up probes (`fd_prestat_get`, `fd_fdstat_set_flags`) and `fd_read` find
//! no descriptors. Any other WASI import is refused
//! when the bundle is loaded, by name.

use wasmtime::{AsContextMut, Caller, Linker};

use crate::abi::{Call, TimerRequest};
use crate::sandbox::GuestBug;
use crate::sandbox::guest_memory;
use crate::sandbox::handles::HandleKind;
use crate::sandbox::host::waiting::ParkOnce;
use crate::sandbox::host::{InstanceState, RunEnd, durable_call, with_memory};

/// The module WASI imports come from.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// WASI errno values this subset returns.
mod errno {
    pub const SUCCESS: i32 = 0;
    pub const BADF: i32 = 8;
    pub const INVAL: i32 = 28;
    pub const NOTSUP: i32 = 58;
    pub const SPIPE: i32 = 70;
}

/// Clock waits up to this long return at once instead of becoming durable timers: runtimes
/// sleep a millisecond at a time while they yield or crash (Go's does, several times, as it
/// exits on a fatal error), and a Temporal timer per such sleep would only slow them down.
const INSTANT_SLEEP_MS: u64 = 1;

/// Longest line of stdout or stderr kept before it is logged anyway.
const MAX_LINE_BYTES: usize = 16 * 1024;

pub(super) fn register(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    // No arguments and no environment: both counts 0.
    for (get, sizes) in [
        ("args_get", "args_sizes_get"),
        ("environ_get", "environ_sizes_get"),
    ] {
        linker.func_wrap(
            WASI_MODULE,
            get,
            |_: Caller<'_, InstanceState>, _: u32, _: u32| errno::SUCCESS,
        )?;
        linker.func_wrap(
            WASI_MODULE,
            sizes,
            move |mut caller: Caller<'_, InstanceState>, count: u32, size: u32| {
                with_memory(&mut caller, |memory, state| {
                    write_u32s(memory, sizes, &[(count, 0), (size, 0)])
                        .map(|()| errno::SUCCESS)
                        .map_err(|oob| state.end(RunEnd::Bug(oob)))
                })?
            },
        )?;
    }

    linker.func_wrap(
        WASI_MODULE,
        "clock_time_get",
        |mut caller: Caller<'_, InstanceState>, id: u32, _precision: u64, at: u32| {
            if id > 3 {
                return Ok(errno::INVAL);
            }
            durable_call(&mut caller, |memory, durable| {
                let nanos = u64::try_from(durable.now_ms()).unwrap_or(0) * 1_000_000;
                guest_memory::write(memory, "clock_time_get", at, &nanos.to_le_bytes())?;
                Ok(errno::SUCCESS)
            })
        },
    )?;

    linker.func_wrap(
        WASI_MODULE,
        "clock_res_get",
        |mut caller: Caller<'_, InstanceState>, id: u32, at: u32| {
            if id > 3 {
                return Ok(errno::INVAL);
            }
            with_memory(&mut caller, |memory, state| {
                // Workflow time moves in whole milliseconds.
                guest_memory::write(memory, "clock_res_get", at, &1_000_000u64.to_le_bytes())
                    .map(|()| errno::SUCCESS)
                    .map_err(|oob| state.end(RunEnd::Bug(oob.into())))
            })?
        },
    )?;

    linker.func_wrap(
        WASI_MODULE,
        "random_get",
        |mut caller: Caller<'_, InstanceState>, offset: u32, len: u32| {
            durable_call(&mut caller, |memory, durable| {
                guest_memory::read(memory, "random_get", offset, len)?;
                let start = offset as usize;
                durable.fill_random(&mut memory[start..start + len as usize]);
                Ok(errno::SUCCESS)
            })
        },
    )?;

    linker.func_wrap(
        WASI_MODULE,
        "fd_write",
        |mut caller: Caller<'_, InstanceState>, fd: u32, iovs: u32, count: u32, written: u32| {
            with_memory(&mut caller, |memory, state| {
                if fd != 1 && fd != 2 {
                    return Ok(errno::BADF);
                }
                let bytes =
                    gather(memory, iovs, count).map_err(|bug| state.end(RunEnd::Bug(bug)))?;
                state.write_stdio(fd, &bytes, MAX_LINE_BYTES);
                let total = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
                write_u32s(memory, "fd_write", &[(written, total)])
                    .map(|()| errno::SUCCESS)
                    .map_err(|bug| state.end(RunEnd::Bug(bug)))
            })?
        },
    )?;

    linker.func_wrap(
        WASI_MODULE,
        "fd_close",
        |_: Caller<'_, InstanceState>, fd: u32| {
            if fd <= 2 { errno::SUCCESS } else { errno::BADF }
        },
    )?;

    linker.func_wrap(
        WASI_MODULE,
        "fd_seek",
        |_: Caller<'_, InstanceState>, fd: u32, _offset: i64, _whence: u32, _at: u32| {
            if fd <= 2 { errno::SPIPE } else { errno::BADF }
        },
    )?;

    linker.func_wrap(
        WASI_MODULE,
        "fd_fdstat_get",
        |mut caller: Caller<'_, InstanceState>, fd: u32, at: u32| {
            if fd > 2 {
                return Ok(errno::BADF);
            }
            with_memory(&mut caller, |memory, state| {
                // A character device (filetype 2) with fd_write (bit 6) and nothing else.
                let mut stat = [0u8; 24];
                stat[0] = 2;
                stat[8..16].copy_from_slice(&(1u64 << 6).to_le_bytes());
                guest_memory::write(memory, "fd_fdstat_get", at, &stat)
                    .map(|()| errno::SUCCESS)
                    .map_err(|oob| state.end(RunEnd::Bug(oob.into())))
            })?
        },
    )?;

    // Go's syscall package: stdin reads nothing (EBADF), no fd flags change, no preopens.
    linker.func_wrap(
        WASI_MODULE,
        "fd_read",
        |_: Caller<'_, InstanceState>, _fd: u32, _iovs: u32, _count: u32, _read: u32| errno::BADF,
    )?;
    linker.func_wrap(
        WASI_MODULE,
        "fd_fdstat_set_flags",
        |_: Caller<'_, InstanceState>, fd: u32, _flags: u32| {
            if fd <= 2 { errno::NOTSUP } else { errno::BADF }
        },
    )?;
    linker.func_wrap(
        WASI_MODULE,
        "fd_prestat_get",
        |_: Caller<'_, InstanceState>, _fd: u32, _at: u32| errno::BADF,
    )?;
    linker.func_wrap(
        WASI_MODULE,
        "fd_prestat_dir_name",
        |_: Caller<'_, InstanceState>, _fd: u32, _at: u32, _len: u32| errno::BADF,
    )?;

    linker.func_wrap(
        WASI_MODULE,
        "sched_yield",
        |_: Caller<'_, InstanceState>| errno::SUCCESS,
    )?;

    linker.func_wrap(
        WASI_MODULE,
        "proc_exit",
        |mut caller: Caller<'_, InstanceState>, code: u32| -> wasmtime::Result<()> {
            let stderr = caller.data_mut().take_stderr_tail();
            let quoted = if stderr.is_empty() {
                String::new()
            } else {
                format!(
                    "; the last lines it wrote to stderr:\n  {}",
                    stderr.join("\n  ")
                )
            };
            let bug = GuestBug::BadRequest {
                call: "proc_exit",
                problem: format!(
                    "the guest exited with code {code}; a workflow ends with complete, \
                     complete_with_failure, continue_as_new or complete_as_cancelled{quoted}"
                ),
            };
            Err(caller.data_mut().end(RunEnd::Bug(bug)))
        },
    )?;

    linker.func_wrap_async(
        WASI_MODULE,
        "poll_oneoff",
        |mut caller: Caller<'_, InstanceState>,
         (subscriptions, events, count, written): (u32, u32, u32, u32)| {
            Box::new(async move {
                let poll = durable_call(&mut caller, |memory, durable| {
                    let poll = read_subscriptions(memory, subscriptions, count)?;
                    let timer = match poll.sleep_ms(durable.now_ms()) {
                        Some(ms) if ms > INSTANT_SLEEP_MS => {
                            let handle = durable.handles.issue(HandleKind::Timer)?;
                            let request = TimerRequest {
                                duration_ms: ms,
                                summary: Some("WASI poll_oneoff".to_owned()),
                            };
                            durable.push_call(Call::StartTimer { handle, request }, 0)?;
                            Some(handle)
                        }
                        _ => None,
                    };
                    Ok((poll, timer))
                })?;
                let (poll, timer) = poll;
                if let Some(handle) = timer {
                    loop {
                        let fired = durable_call(&mut caller, |_, durable| {
                            durable.first_ready(vec![handle])
                        })?;
                        if fired.is_some() {
                            durable_call(&mut caller, |_, durable| durable.take(handle))?;
                            break;
                        }
                        ParkOnce::default().await;
                        let ticks = caller.data().deadline_ticks;
                        caller.as_context_mut().set_epoch_deadline(ticks);
                        caller.data_mut().on_resume();
                    }
                }
                durable_call(&mut caller, |memory, _| {
                    let mut out = Vec::new();
                    for (index, subscription) in poll.subscriptions.iter().enumerate() {
                        let mut event = [0u8; 32];
                        event[0..8].copy_from_slice(&subscription.userdata.to_le_bytes());
                        let error = if subscription.tag == 0 {
                            0u16
                        } else {
                            errno::NOTSUP as u16
                        };
                        event[8..10].copy_from_slice(&error.to_le_bytes());
                        event[10] = subscription.tag;
                        let keep = subscription.tag != 0 || Some(index) == poll.earliest;
                        if keep {
                            out.extend_from_slice(&event);
                        }
                    }
                    guest_memory::write(memory, "poll_oneoff", events, &out)?;
                    let n = u32::try_from(out.len() / 32).unwrap_or(u32::MAX);
                    guest_memory::write(memory, "poll_oneoff", written, &n.to_le_bytes())?;
                    Ok(errno::SUCCESS)
                })
            })
        },
    )?;
    Ok(())
}

/// One subscription of `poll_oneoff`.
struct Subscription {
    userdata: u64,
    /// 0 clock, 1 fd_read, 2 fd_write.
    tag: u8,
    /// For a clock: when it is due, in ns — relative, or absolute when `absolute`.
    timeout: u64,
    absolute: bool,
}

/// What a `poll_oneoff` asks for.
struct Poll {
    subscriptions: Vec<Subscription>,
    /// The clock subscription due first, which the event reports.
    earliest: Option<usize>,
}

impl Poll {
    /// How long to sleep for the earliest clock, in whole ms (rounded up), from workflow time
    /// `now_ms`; `None` when there is no clock or a descriptor is polled (answered at once).
    fn sleep_ms(&self, now_ms: i64) -> Option<u64> {
        if self.subscriptions.iter().any(|s| s.tag != 0) {
            return None;
        }
        let subscription = &self.subscriptions[self.earliest?];
        let now_ns = u64::try_from(now_ms).unwrap_or(0) * 1_000_000;
        let relative = if subscription.absolute {
            subscription.timeout.saturating_sub(now_ns)
        } else {
            subscription.timeout
        };
        Some(relative.div_ceil(1_000_000))
    }
}

fn read_subscriptions(memory: &[u8], at: u32, count: u32) -> Result<Poll, GuestBug> {
    if count == 0 || count > 64 {
        return Err(GuestBug::BadRequest {
            call: "poll_oneoff",
            problem: format!("nsubscriptions is {count}; between 1 and 64 are supported"),
        });
    }
    let bytes = guest_memory::read(memory, "poll_oneoff", at, count.saturating_mul(48))?;
    let u64_at = |chunk: &[u8], at: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&chunk[at..at + 8]);
        u64::from_le_bytes(word)
    };
    let subscriptions: Vec<Subscription> = bytes
        .chunks_exact(48)
        .map(|chunk| Subscription {
            userdata: u64_at(chunk, 0),
            tag: chunk[8],
            timeout: u64_at(chunk, 24),
            absolute: chunk[40] & 1 == 1,
        })
        .collect();
    let earliest = subscriptions
        .iter()
        .enumerate()
        .filter(|(_, s)| s.tag == 0)
        .min_by_key(|(_, s)| (s.absolute, s.timeout))
        .map(|(index, _)| index);
    Ok(Poll {
        subscriptions,
        earliest,
    })
}

/// The bytes of `count` iovecs (`{ptr: u32, len: u32}`) at `iovs`.
fn gather(memory: &[u8], iovs: u32, count: u32) -> Result<Vec<u8>, GuestBug> {
    let vectors = guest_memory::read(memory, "fd_write", iovs, count.saturating_mul(8))?;
    let mut bytes = Vec::new();
    for vector in vectors.chunks_exact(8) {
        let ptr = u32::from_le_bytes([vector[0], vector[1], vector[2], vector[3]]);
        let len = u32::from_le_bytes([vector[4], vector[5], vector[6], vector[7]]);
        bytes.extend_from_slice(guest_memory::read(memory, "fd_write", ptr, len)?);
    }
    Ok(bytes)
}

/// Writes each `(offset, value)` as a little-endian u32.
fn write_u32s(
    memory: &mut [u8],
    call: &'static str,
    values: &[(u32, u32)],
) -> Result<(), GuestBug> {
    for (offset, value) in values {
        guest_memory::write(memory, call, *offset, &value.to_le_bytes())?;
    }
    Ok(())
}

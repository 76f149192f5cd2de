//! The host functions of the ABI, registered once per process on two `Linker`s.
//!
//! The functions are plain closures that reach the instance's state through `Caller`; nothing in
//! them is specific to one bundle or one run, so each linker serves every bundle for the life of
//! the process. There are two because wasmtime only lets a linker with an async import be used
//! asynchronously: one-shot (ABI v0) bundles keep a fully synchronous linker and their fast path,
//! durable bundles get every call, with `wait` async so that it can park the guest.
//!
//! A call that ends the run (`complete`, `continue_as_new`, …) records the outcome and returns a
//! [`RunEnded`] error: wasmtime unwinds the guest right there, which is how "nothing after the
//! call executes" is enforced. Guest bugs detected inside a host call end the run the same way.
//!
//! The families, one file each: [`info`] (info and logs), [`ending`] (how a run ends),
//! [`commands`] (timers, activities, cancel), [`waiting`] (`wait` and results), [`channels`]
//! (cancellation and signals), [`answers`] (updates and query results), [`workflows`]
//! (children and external workflows), [`telling`] (search attributes, memo, metrics),
//! [`deterministic`] (time, randomness, patches, replay), [`wasi`] (the deterministic WASI
//! subset, for toolchains that need it).

mod answers;
mod channels;
mod commands;
mod deterministic;
pub mod durable;
mod ending;
mod info;
mod state;
mod telling;
mod waiting;
mod wasi;
mod workflows;

use wasmtime::{Caller, Engine, Linker};

pub use crate::abi::GuestOutcome;
pub use answers::BUILT_IN_QUERIES;
pub use state::{InstanceState, LogContext, MemoryLimitHit, RunEnd, RunEnded};
pub use wasi::WASI_MODULE;

use crate::abi;
use crate::sandbox::GuestBug;
use crate::sandbox::guest_memory;
use durable::DurableState;

/// Module name every ABI import comes from (the default of clang, rustc and Zig).
pub const IMPORT_MODULE: &str = "env";

/// At most this many log lines are emitted per activation (per run for a one-shot guest); the
/// rest are counted and reported once, so a guest that floods `write_log` costs bounded output.
pub const MAX_LOG_LINES_PER_RUN: u32 = 1000;

/// Longer log messages are cut to this many bytes.
pub const MAX_LOG_MESSAGE_BYTES: usize = 16 * 1024;

/// A value type in an ABI signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WasmType {
    /// Pointers, lengths, handles, flags.
    I32,
    /// Times in milliseconds.
    I64,
}

/// One import the ABI defines, with its signature.
#[derive(Clone, Copy, Debug)]
pub struct AbiImport {
    /// The module it comes from: `env`, or `wasi_snapshot_preview1` for the WASI subset.
    pub module: &'static str,
    /// Its name in that module.
    pub name: &'static str,
    /// Parameter types.
    pub params: &'static [WasmType],
    /// Result types.
    pub results: &'static [WasmType],
    /// Whether importing it makes a bundle durable (ABI v1); v0 imports do not.
    pub durable: bool,
}

const fn import(
    name: &'static str,
    params: &'static [WasmType],
    results: &'static [WasmType],
    durable: bool,
) -> AbiImport {
    AbiImport {
        module: IMPORT_MODULE,
        name,
        params,
        results,
        durable,
    }
}

/// A function of the deterministic WASI subset; importing one makes a bundle durable, since
/// its clock and randomness are the run's.
const fn wasi(
    name: &'static str,
    params: &'static [WasmType],
    results: &'static [WasmType],
) -> AbiImport {
    AbiImport {
        module: wasi::WASI_MODULE,
        name,
        params,
        results,
        durable: true,
    }
}

use WasmType::{I32, I64};

/// Every import this worker provides.
pub const ABI_IMPORTS: &[AbiImport] = &[
    import("get_info_len", &[], &[I32], false),
    import("get_info", &[I32, I32], &[], false),
    import("write_log", &[I32, I32, I32], &[], false),
    import("complete", &[I32, I32], &[], false),
    import("complete_with_failure", &[I32, I32], &[], false),
    import("start_timer", &[I32, I32], &[I32], true),
    import("start_activity", &[I32, I32], &[I32], true),
    import("start_http_activity", &[I32, I32], &[I32], true),
    import("cancel", &[I32], &[], true),
    import("wait", &[I32, I32], &[I32], true),
    import("is_ready", &[I32], &[I32], true),
    import("result_len", &[I32], &[I32], true),
    import("take_result", &[I32, I32, I32], &[], true),
    import("cancellation_channel", &[], &[I32], true),
    import("signal_channel", &[I32, I32], &[I32], true),
    import("continue_as_new", &[I32, I32], &[], true),
    import("complete_as_cancelled", &[I32, I32], &[], true),
    import("now", &[], &[I64], true),
    import("random", &[I32, I32], &[], true),
    import("patched", &[I32, I32, I32], &[I32], true),
    import("is_replaying", &[], &[I32], true),
    import("log_level", &[], &[I32], true),
    import("update_channel", &[I32, I32], &[I32], true),
    import("respond_update", &[I32, I32, I32, I32], &[], true),
    import("set_query_result", &[I32, I32, I32, I32], &[], true),
    import("set_current_details", &[I32, I32], &[], true),
    import("start_child_workflow", &[I32, I32], &[I32], true),
    import("signal_external_workflow", &[I32, I32], &[I32], true),
    import("cancel_external_workflow", &[I32, I32], &[I32], true),
    import("upsert_search_attributes", &[I32, I32], &[], true),
    import("upsert_memo", &[I32, I32], &[], true),
    import("emit_metric", &[I32, I32], &[], true),
    wasi("args_get", &[I32, I32], &[I32]),
    wasi("args_sizes_get", &[I32, I32], &[I32]),
    wasi("environ_get", &[I32, I32], &[I32]),
    wasi("environ_sizes_get", &[I32, I32], &[I32]),
    wasi("clock_time_get", &[I32, I64, I32], &[I32]),
    wasi("clock_res_get", &[I32, I32], &[I32]),
    wasi("random_get", &[I32, I32], &[I32]),
    wasi("fd_write", &[I32, I32, I32, I32], &[I32]),
    wasi("fd_close", &[I32], &[I32]),
    wasi("fd_seek", &[I32, I64, I32, I32], &[I32]),
    wasi("fd_fdstat_get", &[I32, I32], &[I32]),
    wasi("fd_read", &[I32, I32, I32, I32], &[I32]),
    wasi("fd_fdstat_set_flags", &[I32, I32], &[I32]),
    wasi("fd_prestat_get", &[I32, I32], &[I32]),
    wasi("fd_prestat_dir_name", &[I32, I32, I32], &[I32]),
    wasi("sched_yield", &[], &[I32]),
    wasi("proc_exit", &[I32], &[]),
    wasi("poll_oneoff", &[I32, I32, I32, I32], &[I32]),
];

/// The process's two linkers: every bundle is pre-linked with the one its imports call for.
pub struct Linkers {
    /// ABI v0's synchronous calls only, for one-shot bundles.
    pub one_shot: Linker<InstanceState>,
    /// Every call, with `wait` asynchronous, for durable bundles.
    pub durable: Linker<InstanceState>,
}

impl Linkers {
    /// Builds both linkers for `engine`.
    pub fn new(engine: &Engine) -> wasmtime::Result<Linkers> {
        Ok(Linkers {
            one_shot: linker(engine, false)?,
            durable: linker(engine, true)?,
        })
    }
}

/// Builds a linker with the host functions: every ABI import when `durable`, else only ABI v0's
/// (synchronous) ones. One of each per process.
pub fn linker(engine: &Engine, durable: bool) -> wasmtime::Result<Linker<InstanceState>> {
    let mut linker = Linker::new(engine);
    info::register(&mut linker)?;
    ending::register_v0(&mut linker)?;
    if durable {
        ending::register_v1(&mut linker)?;
        commands::register(&mut linker)?;
        waiting::register(&mut linker)?;
        channels::register(&mut linker)?;
        answers::register(&mut linker)?;
        workflows::register(&mut linker)?;
        telling::register(&mut linker)?;
        wasi::register(&mut linker)?;
        deterministic::register(&mut linker)?;
    }
    Ok(linker)
}

/// Runs `access` on the guest's memory and the instance state together.
fn with_memory<R>(
    caller: &mut Caller<'_, InstanceState>,
    access: impl FnOnce(&mut [u8], &mut InstanceState) -> R,
) -> wasmtime::Result<R> {
    let export = caller.data().memory;
    match caller.get_module_export(&export) {
        Some(wasmtime::Extern::Memory(memory)) => {
            let (bytes, state) = memory.data_and_store_mut(caller);
            Ok(access(bytes, state))
        }
        // Bundle loading checked that `memory` is an exported memory, so this cannot happen.
        _ => Err(wasmtime::format_err!(
            "the module's `memory` export is missing"
        )),
    }
}

/// Runs a durable call: `access` gets the guest's memory and the shared durable state, and a
/// guest bug it returns ends the run.
fn durable_call<R>(
    caller: &mut Caller<'_, InstanceState>,
    access: impl FnOnce(&mut [u8], &mut DurableState) -> Result<R, GuestBug>,
) -> wasmtime::Result<R> {
    with_memory(caller, |memory, state| {
        let Some(shared) = state.durable.clone() else {
            // Durable calls are only linked for durable instances, which always have this state.
            return Err(wasmtime::format_err!(
                "a durable call ran in an instance without durable state"
            ));
        };
        let result = access(memory, &mut durable::lock(&shared));
        result.map_err(|bug| state.end(RunEnd::Bug(bug)))
    })?
}

/// Reads and decodes the JSON input of `call` at `(offset, len)`.
fn read_input<T: serde::de::DeserializeOwned>(
    memory: &[u8],
    call: &'static str,
    what: &'static str,
    offset: u32,
    len: u32,
) -> Result<T, GuestBug> {
    let json = guest_memory::read(memory, call, offset, len)?;
    Ok(abi::decode_input(json, what)?)
}

/// Reads a UTF-8 name (a signal, a patch id) for `call`.
fn read_name(memory: &[u8], call: &'static str, offset: u32, len: u32) -> Result<String, GuestBug> {
    let bytes = guest_memory::read(memory, call, offset, len)?;
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|err| GuestBug::BadRequest {
            call,
            problem: format!("the name is not UTF-8: {err}"),
        })
}

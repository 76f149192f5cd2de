//! The process-wide wasmtime `Engine`, configured once for running untrusted workflow bundles.
//!
//! Every choice that shapes how fast and how safely guests run is made here, with its reason:
//! - **Pooling allocator** with copy-on-write memory images: instantiating from a pre-reserved
//!   slot costs a few microseconds, where the default allocator's mmap/munmap per run costs
//!   several times that. The pool has one slot per concurrent run, each able to hold a full
//!   32-bit memory (4 GiB of address space is reserved per slot anyway); each workflow's own
//!   memory cap is enforced per run by `host::InstanceState`, with a clearer message than
//!   the pool's.
//! - **Epoch interruption** for deadlines rather than fuel: a background thread bumps the epoch
//!   every [`EPOCH_TICK`], and each run's store traps once its deadline in ticks has passed. It
//!   costs nothing measurable per run, where fuel instruments every basic block.
//! - Stack limit of [`MAX_WASM_STACK`] (wasmtime's default, 512 KiB of wasm stack): deep
//!   recursion traps as "call stack exhausted" instead of overflowing the host thread.
//! - **Fiber stacks from the pool**: a durable guest parks on its own fiber stack between
//!   activations, so the pool has a stack per slot as well (wasmtime's default is 1000 stacks,
//!   whatever the slot count). Only the touched pages of a parked stack are resident: one 4 KiB
//!   page for the bench guests in a release build, three in a debug build (benches/
//!   parked_memory.rs). Each stack is [`FIBER_STACK_BYTES`]: the wasm limit plus
//!   [`HOST_STACK_HEADROOM`] for the host calls that run below the guest's deepest frame, where
//!   wasmtime's default gives 1.5 MiB.
//! - **Determinism**: NaN results are canonicalized and relaxed SIMD gives the same answer on
//!   every CPU, so a replay on another machine computes the same floats as the first run.

use std::thread;
use std::time::Duration;

use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the epoch advances: the granularity of run deadlines.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Most native stack a guest's wasm frames may use before it traps (wasmtime's default).
pub const MAX_WASM_STACK: usize = 512 << 10;

/// Fiber stack left for host calls below the guest's deepest wasm frame. Overflowing it on a
/// fiber aborts the whole worker rather than trapping, so it is sized for the deepest host call
/// a guest can cause, not the usual one (a few KiB): decoding JSON nested to serde_json's
/// 128-level limit (a `cause` chain, say) needs more than 256 KiB in a debug build and less
/// than 512 KiB (`durable_hostile::json::json_nested…`); this is twice that. Only touched pages
/// are resident, so the headroom costs address space, not memory.
pub const HOST_STACK_HEADROOM: usize = 1 << 20;

/// Size of each pooled fiber stack.
pub const FIBER_STACK_BYTES: usize = MAX_WASM_STACK + HOST_STACK_HEADROOM;

/// Wasm page size; memory caps are whole pages.
pub const WASM_PAGE_BYTES: u64 = 64 * 1024;

/// Largest linear memory a 32-bit wasm module can address.
pub const MAX_WASM32_MEMORY_BYTES: u64 = 4 << 30;

/// What the engine must be able to hold at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineCapacity {
    /// How many instances may be alive at the same time: one per running one-shot guest plus
    /// one per durable run parked in the cache.
    pub instance_slots: u32,
}

/// The engine could not be created with the requested capacity.
#[derive(Debug, thiserror::Error)]
#[error("cannot create the wasm engine for {slots} instance slots: {reason}")]
pub struct EngineError {
    slots: u32,
    reason: String,
}

/// The shared engine plus the thread that drives its epoch.
///
/// Cloning is cheap (the engine is reference-counted); the ticker thread stops by itself once the
/// last clone of the engine is dropped.
#[derive(Clone)]
pub struct WasmEngine {
    engine: Engine,
}

impl WasmEngine {
    /// Builds the engine for `capacity` and starts its epoch ticker.
    pub fn new(capacity: EngineCapacity) -> Result<WasmEngine, EngineError> {
        let error = |reason: String| EngineError {
            slots: capacity.instance_slots,
            reason,
        };
        let max_memory_bytes =
            usize::try_from(MAX_WASM32_MEMORY_BYTES).map_err(|err| error(err.to_string()))?;
        let slots = capacity.instance_slots.max(1);

        let mut pool = PoolingAllocationConfig::default();
        pool.total_core_instances(slots)
            .total_memories(slots)
            .total_tables(slots)
            .total_stacks(slots)
            .max_memories_per_module(1)
            .max_tables_per_module(1)
            .max_memory_size(max_memory_bytes);

        let mut config = Config::new();
        config
            .epoch_interruption(true)
            .max_wasm_stack(MAX_WASM_STACK)
            .async_stack_size(FIBER_STACK_BYTES)
            .cranelift_nan_canonicalization(true)
            .relaxed_simd_deterministic(true)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).map_err(|err| error(format!("{err:#}")))?;

        let weak = engine.weak();
        thread::Builder::new()
            .name("wasm-epoch-ticker".to_owned())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    thread::sleep(EPOCH_TICK);
                }
            })
            .map_err(|err| error(format!("cannot start the epoch ticker thread: {err}")))?;
        Ok(WasmEngine { engine })
    }

    /// The wasmtime engine, for compiling modules and creating stores.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// How many epoch ticks make up `deadline`, rounded up and at least one.
    pub fn deadline_ticks(deadline: Duration) -> u64 {
        let tick = EPOCH_TICK.as_nanos();
        let ticks = deadline.as_nanos().div_ceil(tick).max(1);
        u64::try_from(ticks).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_ticks_round_up_and_never_reach_zero() {
        assert_eq!(WasmEngine::deadline_ticks(Duration::ZERO), 1);
        assert_eq!(WasmEngine::deadline_ticks(Duration::from_millis(1)), 1);
        assert_eq!(WasmEngine::deadline_ticks(Duration::from_millis(10)), 1);
        assert_eq!(WasmEngine::deadline_ticks(Duration::from_millis(11)), 2);
        assert_eq!(WasmEngine::deadline_ticks(Duration::from_secs(2)), 200);
    }
}

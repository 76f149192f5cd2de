//! Where a parked durable instance's memory goes, without a server: N runs of each
//! `bench_steps` bundle (bench/guests/) are started in this process through the worker's own
//! `WorkflowRun` and left parked on a signal with a one-hour timeout, as bench/parked.py parks
//! them on a real worker; the resident memory they add is split by where it is — the pool's
//! linear-memory slots, its fiber stacks, and the rest (the malloc heap: stores, instances, the
//! host's per-run state; the table pool) — with the address space each slot reserves. Core's
//! share (history, state machines, its LRU entry) is not in these figures: bench/parked.py
//! measures whole workers.
//!
//! ```text
//! cargo bench --bench parked_memory                 # N = 1000 and 10000
//! cargo bench --bench parked_memory -- --n 500      # another N
//! cargo bench --bench parked_memory -- --languages c,rust
//! cargo bench --bench parked_memory -- --heap-profile     # the heap blocks of one parked run
//! cargo test --bench parked_memory                  # smoke: N = 20, no claims
//! ```

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
#[path = "support/durable.rs"]
mod durable;

use std::sync::Arc;

use temporal_wasm_worker::sandbox::Bundle;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::temporal::workflow_run::WorkflowRun;

use counting_alloc::{CountingAllocator, live_heap};
use durable::Region;

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// What a parked run waits for: signal `release`, at most an hour.
const PARK_INPUT: &str = r#"{"park_ms": 3600000}"#;

/// One language's figures at one N.
struct Row {
    language: &'static str,
    count: usize,
    total: (f64, f64, f64),
    linear_memory: (f64, f64, f64),
    fiber_stacks: (f64, f64, f64),
    other: (f64, f64, f64),
    mappings_per_run: f64,
    /// Resident memory still held after every run was dropped (evicted), per run, in KiB.
    after_eviction: f64,
    /// Heap bytes the host keeps live per parked run (stores, instances, host state), exactly.
    heap_bytes_per_run: f64,
    /// Heap blocks the host keeps live per parked run.
    heap_blocks_per_run: f64,
}

/// Most Go runs one row parks (each holds ~2.6 MiB of touched linear memory).
const GO_MAX_PARKED: usize = 1000;

/// The address space and mappings an engine of `slots` took before any run.
struct EngineFigures {
    language: &'static str,
    slots: u32,
    reserved_mib_per_slot: f64,
    mappings_per_slot: f64,
}

/// Parks `count` runs of `bundle`, measures, then drops them.
fn park(language: &'static str, bundle: &Arc<Bundle>, count: usize, profile: bool) -> Row {
    let context = durable::context();
    // One run parked and dropped first, so that what every run shares (the bundle's image in the
    // page cache, lazily built host tables) is in `before`.
    for warm_up in 0..2 {
        let run_id = format!("warm-up-{warm_up}");
        let mut run = WorkflowRun::new(run_id.clone(), Arc::clone(bundle), context.clone());
        durable::started_timer(
            &run.activate(durable::initialize(&run_id, PARK_INPUT))
                .completion,
        );
    }
    let before = durable::resident();
    let maps_before = durable::mapping_count();
    let heap_before = live_heap();
    // One more for the heap profile's run, so that pushing it does not move the others.
    let mut runs = Vec::with_capacity(count + 1);
    for index in 0..count {
        let run_id = format!("{language}-{index}");
        let mut run = WorkflowRun::new(run_id.clone(), Arc::clone(bundle), context.clone());
        let activated = run.activate(durable::initialize(&run_id, PARK_INPUT));
        durable::started_timer(&activated.completion);
        drop(activated);
        runs.push(run);
    }
    let after = durable::resident();
    let maps_after = durable::mapping_count();
    let heap_after = live_heap();
    if profile {
        print_heap_profile(language, bundle, &context, &mut runs);
    }
    drop(runs);
    let evicted = durable::resident();
    let per = |now: &Region, then: &Region| now.per(then, count);
    Row {
        language,
        count,
        total: per(&after.total(), &before.total()),
        linear_memory: per(&after.linear_memory, &before.linear_memory),
        fiber_stacks: per(&after.fiber_stacks, &before.fiber_stacks),
        other: per(&after.other, &before.other),
        mappings_per_run: (maps_after as f64 - maps_before as f64) / count as f64,
        after_eviction: per(&evicted.total(), &before.total()).0,
        heap_bytes_per_run: (heap_after.0 - heap_before.0) as f64 / count as f64,
        heap_blocks_per_run: (heap_after.1 - heap_before.1) as f64 / count as f64,
    }
}

/// Parks one more run, recording its allocations, and prints the blocks it keeps by the code
/// that made them.
fn print_heap_profile(
    language: &str,
    bundle: &Arc<Bundle>,
    context: &temporal_wasm_worker::convert::WorkerContext,
    runs: &mut Vec<WorkflowRun>,
) {
    let run_id = format!("{language}-profiled");
    let blocks = counting_alloc::live_blocks_of(
        || {
            let mut run = WorkflowRun::new(run_id.clone(), Arc::clone(bundle), context.clone());
            let activated = run.activate(durable::initialize(&run_id, PARK_INPUT));
            durable::started_timer(&activated.completion);
            drop(activated);
            runs.push(run);
        },
        &["temporal_wasm_worker", "wasmtime", "cranelift", "tokio"],
    );
    let total: usize = blocks.iter().map(|(bytes, _, _)| bytes).sum();
    println!();
    println!(
        "Heap blocks one parked {language} run keeps ({total} bytes), by the code that made them:"
    );
    println!();
    println!("| bytes | blocks | allocated in |");
    println!("|---|---|---|");
    for (bytes, count, frame) in blocks {
        println!("| {bytes} | {count} | `{frame}` |");
    }
}

fn kib((rss, pss, dirty): (f64, f64, f64)) -> String {
    format!("{rss:.1} / {pss:.1} / {dirty:.1}")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let measured = args.iter().any(|arg| arg == "--bench") && !args.iter().any(|a| a == "--test");
    let counts: Vec<usize> = match args.iter().position(|arg| arg == "--n") {
        Some(index) => vec![args[index + 1].parse().expect("--n takes a number")],
        None if measured => vec![1000, 10_000],
        None => vec![20],
    };
    let heap_profile = args.iter().any(|arg| arg == "--heap-profile");
    if heap_profile {
        // Errors must not capture backtraces while allocations are recorded: the recorder
        // captures one itself, inside the allocator, and std's backtrace lock is not reentrant.
        // SAFETY: no other thread runs yet.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
    let languages: Vec<&str> = match args.iter().position(|arg| arg == "--languages") {
        Some(index) => args[index + 1].split(',').collect(),
        None => durable::LANGUAGES.to_vec(),
    };
    let mut rows = Vec::new();
    let mut engines = Vec::new();
    for &count in &counts {
        for language in durable::LANGUAGES {
            if !languages.contains(&language) {
                continue;
            }
            let Some(path) = durable::bundle_path(language) else {
                println!(
                    "{language}: target/bench-bundles/{language}/bench_steps.wasm is missing \
                     (bash bench/guests/build.sh); skipped"
                );
                continue;
            };
            if language == "go" && count > GO_MAX_PARKED {
                println!(
                    "go at {count}: skipped (a parked Go guest holds ~2.6 MiB of its linear \
                     memory; {count} of them would not fit this machine)"
                );
                continue;
            }
            // A fresh engine per row: the pool's fiber stacks keep the pages a run touched
            // after it is dropped, so a row after another would find its stacks resident.
            let slots = u32::try_from(count + 4).expect("slots");
            let vm_before = durable::vm_size_kib();
            let maps_before = durable::mapping_count();
            let engine = WasmEngine::new(EngineCapacity {
                instance_slots: slots,
            })
            .expect("engine");
            engines.push(EngineFigures {
                language,
                slots,
                reserved_mib_per_slot: (durable::vm_size_kib() - vm_before) as f64
                    / 1024.0
                    / f64::from(slots),
                mappings_per_slot: (durable::mapping_count() - maps_before) as f64
                    / f64::from(slots),
            });
            let linkers = Linkers::new(engine.engine()).expect("linkers");
            let bundle = durable::load(&engine, &linkers, path);
            rows.push(park(language, &bundle, count, heap_profile));
        }
    }

    println!();
    println!(
        "Parked durable instances in one process, KiB per parked run as RSS / PSS / private \
         dirty{}",
        if measured {
            ""
        } else {
            " (smoke run: tiny N, not a measurement)"
        }
    );
    println!();
    println!(
        "| bundle | parked | total | linear memory | fiber stack | heap and rest | live heap bytes (blocks) | mappings per run | left after eviction |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for row in &rows {
        println!(
            "| {} | {} | {} | {} | {} | {} | {:.0} ({:.0}) | {:.1} | {:.1} |",
            row.language,
            row.count,
            kib(row.total),
            kib(row.linear_memory),
            kib(row.fiber_stacks),
            kib(row.other),
            row.heap_bytes_per_run,
            row.heap_blocks_per_run,
            row.mappings_per_run,
            row.after_eviction,
        );
    }
    println!();
    println!("| engine | slots | MiB of address space reserved per slot | mappings per slot |");
    println!("|---|---|---|---|");
    for engine in &engines {
        println!(
            "| {} | {} | {:.0} | {:.1} |",
            engine.language, engine.slots, engine.reserved_mib_per_slot, engine.mappings_per_slot
        );
    }
    println!();
    println!(
        "Each slot reserves a linear memory with its guards, a fiber stack with its guard page and \
         a table, before any run; only touched pages are resident."
    );
}

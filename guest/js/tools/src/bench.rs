//! `tw-js bench`: what one run of a bundle costs, measured the way the worker instantiates it:
//! the worker's engine settings (pooling allocator with copy-on-write memory images, NaN
//! canonicalisation, epoch interruption), a fresh store and instance per run from one
//! `InstancePre`, then `run` until it ends the run (a one-shot workflow) or first waits (a
//! durable one: the cost of its first activation). A stand-in host answers `get_info` with the
//! input and stops the run at its first ending call or `wait`; any other call to the worker is
//! answered as the worker would answer it without a server (handles count from 1, nothing is
//! ready).
//!
//! It also reports, for the instance as the run left it, how much of its linear memory differs
//! from the bundle's initial image: with copy-on-write images that is what a parked instance
//! keeps resident, and how much of that is its shadow stack (the rest is the engine's heap).

use std::time::{Duration, Instant};

use wasmtime::{
    Caller, Config, Engine, Extern, InstanceAllocationStrategy, Linker, Module,
    PoolingAllocationConfig, Store, Val,
};

/// The state of one measured run.
struct Run {
    info: Vec<u8>,
    next_handle: i32,
    ended: Option<String>,
}

const STOP: &str = "tw-js bench: the run stopped here";

fn memory(caller: &mut Caller<'_, Run>) -> wasmtime::Memory {
    match caller.get_export("memory") {
        Some(Extern::Memory(memory)) => memory,
        _ => panic!("the bundle exports its memory"),
    }
}

/// Records how the run ended and stops it.
fn stop(caller: &mut Caller<'_, Run>, how: &str) -> wasmtime::Error {
    caller.data_mut().ended = Some(how.to_owned());
    wasmtime::format_err!("{STOP}")
}

fn linker(engine: &Engine, module: &Module) -> wasmtime::Result<Linker<Run>> {
    let mut linker = Linker::new(engine);
    linker.func_wrap("env", "get_info_len", |caller: Caller<'_, Run>| {
        caller.data().info.len() as i32
    })?;
    linker.func_wrap(
        "env",
        "get_info",
        |mut caller: Caller<'_, Run>, ptr: i32, len: i32| {
            let info = caller.data().info.clone();
            let memory = memory(&mut caller);
            memory.data_mut(&mut caller)[ptr as usize..ptr as usize + len as usize]
                .copy_from_slice(&info);
        },
    )?;
    for ending in [
        "complete",
        "complete_with_failure",
        "continue_as_new",
        "complete_as_cancelled",
    ] {
        linker.func_wrap(
            "env",
            ending,
            move |mut caller: Caller<'_, Run>, _: i32, _: i32| -> wasmtime::Result<()> {
                Err(stop(&mut caller, ending))
            },
        )?;
    }
    linker.func_wrap(
        "env",
        "wait",
        |mut caller: Caller<'_, Run>, _: i32, _: i32| -> wasmtime::Result<i32> {
            Err(stop(&mut caller, "wait"))
        },
    )?;
    linker.func_wrap("env", "write_log", |_: i32, _: i32, _: i32| {})?;
    linker.func_wrap("env", "log_level", || 3i32)?;
    linker.func_wrap("env", "now", || 1_767_225_600_000i64)?;
    linker.func_wrap("env", "is_replaying", || 0i32)?;
    linker.func_wrap("env", "is_ready", |_: i32| 0i32)?;
    linker.func_wrap(
        "env",
        "random",
        |mut caller: Caller<'_, Run>, ptr: i32, len: i32| {
            let memory = memory(&mut caller);
            memory.data_mut(&mut caller)[ptr as usize..ptr as usize + len as usize].fill(7);
        },
    )?;
    linker.func_wrap("env", "patched", |_: i32, _: i32, _: i32| 1i32)?;
    for call in [
        "start_timer",
        "start_activity",
        "start_http_activity",
        "start_child_workflow",
        "signal_external_workflow",
        "cancel_external_workflow",
        "signal_channel",
        "update_channel",
    ] {
        linker.func_wrap(
            "env",
            call,
            |mut caller: Caller<'_, Run>, _: i32, _: i32| {
                caller.data_mut().next_handle += 1;
                caller.data().next_handle
            },
        )?;
    }
    linker.func_wrap(
        "env",
        "cancellation_channel",
        |mut caller: Caller<'_, Run>| {
            caller.data_mut().next_handle += 1;
            caller.data().next_handle
        },
    )?;
    for call in [
        "upsert_search_attributes",
        "upsert_memo",
        "emit_metric",
        "set_current_details",
    ] {
        linker.func_wrap("env", call, |_: i32, _: i32| {})?;
    }
    linker.func_wrap(
        "env",
        "set_query_result",
        |_: i32, _: i32, _: i32, _: i32| {},
    )?;
    linker.func_wrap("env", "respond_update", |_: i32, _: i32, _: i32, _: i32| {})?;
    linker.func_wrap("env", "cancel", |_: i32| {})?;
    const WASI: &str = "wasi_snapshot_preview1";
    linker.func_wrap(
        WASI,
        "fd_write",
        |mut caller: Caller<'_, Run>, _: i32, iovs: i32, count: i32, written: i32| {
            let memory = memory(&mut caller);
            let data = memory.data_mut(&mut caller);
            let mut total = 0u32;
            for i in 0..count as usize {
                let at = iovs as usize + 8 * i + 4;
                total += u32::from_le_bytes(data[at..at + 4].try_into().expect("4 bytes"));
            }
            data[written as usize..written as usize + 4].copy_from_slice(&total.to_le_bytes());
            0i32
        },
    )?;
    // Anything else: a trap naming it (the bundle called what this stand-in does not answer).
    for import in module.imports() {
        if linker
            .get_by_import(
                &mut Store::new(
                    engine,
                    Run {
                        info: vec![],
                        next_handle: 0,
                        ended: None,
                    },
                ),
                &import,
            )
            .is_some()
        {
            continue;
        }
        if let wasmtime::ExternType::Func(ty) = import.ty() {
            let name = format!("{}.{}", import.module(), import.name());
            linker.func_new(import.module(), import.name(), ty, move |_, _, _| {
                Err(wasmtime::format_err!("tw-js bench does not answer {name}"))
            })?;
        }
    }
    Ok(linker)
}

/// The info JSON for `inputs` (JSON texts, each a json/plain payload).
fn info_json(inputs: &[String]) -> Vec<u8> {
    fn base64(bytes: &[u8]) -> String {
        const ALPHABET: &[u8; 64] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n = (chunk[0] as u32) << 16
                | (*chunk.get(1).unwrap_or(&0) as u32) << 8
                | *chunk.get(2).unwrap_or(&0) as u32;
            for i in 0..4 {
                out.push(if i <= chunk.len() {
                    ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                });
            }
        }
        out
    }
    let params: Vec<String> = inputs
        .iter()
        .map(|input| {
            format!(
                r#"{{"metadata":{{"encoding":"{}"}},"data":"{}"}}"#,
                base64(b"json/plain"),
                base64(input.as_bytes())
            )
        })
        .collect();
    format!(
        r#"{{"params":[{}],"workflow_info":{{"workflow_type":"Bench","workflow_id":"bench-1","run_id":"run-1","namespace":"default","task_queue":"bench","attempt":1,"start_time":"2026-01-01T00:00:00Z"}}}}"#,
        params.join(",")
    )
    .into_bytes()
}

/// Where the shadow stack ends: the initial value of the first global, the stack pointer that
/// wasm-ld puts first (with `--stack-first` the stack lies below it).
fn stack_top(wasm: &[u8]) -> usize {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::GlobalSection(reader)) = payload {
            if let Some(Ok(global)) = reader.into_iter().next()
                && let Ok(wasmparser::Operator::I32Const { value }) =
                    global.init_expr.get_operators_reader().read()
            {
                return value as u32 as usize;
            }
            return 0;
        }
    }
    0
}

/// The bundle's initial memory image: its active data segments over a zeroed memory.
fn initial_image(wasm: &[u8], pages: u64) -> Vec<u8> {
    let mut image = vec![0u8; (pages * 65536) as usize];
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::DataSection(reader)) = payload {
            for data in reader.into_iter().flatten() {
                if let wasmparser::DataKind::Active { offset_expr, .. } = data.kind {
                    let mut ops = offset_expr.get_operators_reader();
                    if let Ok(wasmparser::Operator::I32Const { value }) = ops.read() {
                        let at = value as u32 as usize;
                        image[at..at + data.data.len()].copy_from_slice(data.data);
                    }
                }
            }
        }
    }
    image
}

pub fn bench(path: &std::path::Path, inputs: &[String], runs: u32) -> Result<(), String> {
    let wasm = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut pool = PoolingAllocationConfig::default();
    pool.total_core_instances(4)
        .total_memories(4)
        .total_tables(4)
        .max_memories_per_module(1)
        .max_tables_per_module(1)
        .max_memory_size(64 << 20);
    let mut config = Config::new();
    config
        .epoch_interruption(true)
        .cranelift_nan_canonicalization(true)
        .relaxed_simd_deterministic(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    let engine = Engine::new(&config).map_err(|e| e.to_string())?;
    let compiled = Instant::now();
    let module = Module::new(&engine, &wasm).map_err(|e| format!("compile: {e:?}"))?;
    let compile_ms = compiled.elapsed().as_secs_f64() * 1000.0;
    let linker = linker(&engine, &module).map_err(|e| e.to_string())?;
    let pre = linker
        .instantiate_pre(&module)
        .map_err(|e| format!("{e:?}"))?;
    let info = info_json(inputs);

    let mut samples = Vec::new();
    let mut last = None;
    for _ in 0..runs + 5 {
        let started = Instant::now();
        let mut store = Store::new(
            &engine,
            Run {
                info: info.clone(),
                next_handle: 0,
                ended: None,
            },
        );
        store.set_epoch_deadline(1_000_000);
        let instance = pre
            .instantiate(&mut store)
            .map_err(|e| format!("instantiate: {e:?}"))?;
        if let Some(init) = instance.get_func(&mut store, "_initialize") {
            init.call(&mut store, &[], &mut [])
                .map_err(|e| format!("_initialize: {e:?}"))?;
        }
        let run = instance
            .get_func(&mut store, "run")
            .ok_or("no run export")?;
        let outcome = run.call(&mut store, &[], &mut [] as &mut [Val]);
        let elapsed = started.elapsed();
        let ended = store.data().ended.clone();
        match (&outcome, &ended) {
            (Err(_), Some(_)) => {}
            (Err(error), None) => return Err(format!("the run failed: {error:?}")),
            (Ok(()), _) => return Err("run returned without ending the run".to_owned()),
        }
        samples.push(elapsed);
        last = Some((store, instance, ended.unwrap_or_default()));
    }
    samples.drain(..5); // warm-up
    samples.sort();
    let median = samples[samples.len() / 2];
    let (mut store, instance, ended) = last.expect("at least one run");
    let memory = instance
        .get_memory(&mut store, "memory")
        .ok_or("no memory export")?;
    let data = memory.data(&store);
    let initial_pages = module
        .exports()
        .find_map(|export| match export.ty() {
            wasmtime::ExternType::Memory(ty) => Some(ty.minimum()),
            _ => None,
        })
        .unwrap_or(0);
    let image = initial_image(&wasm, initial_pages);
    let dirty: Vec<usize> = data
        .chunks(4096)
        .enumerate()
        .filter(|(i, page)| {
            let start = i * 4096;
            match image.get(start..start + page.len()) {
                Some(initial) => initial != *page,
                None => page.iter().any(|b| *b != 0),
            }
        })
        .map(|(i, _)| i)
        .collect();
    let dirty_pages = dirty.len();
    // The engine is linked with its shadow stack first, below the stack pointer's start.
    let stack_end = stack_top(&wasm);
    let stack_pages = dirty.iter().filter(|page| *page * 4096 < stack_end).count();
    println!(
        "{}: {} bytes, compiled in {compile_ms:.0} ms; {runs} runs until `{ended}`: median {:.3} ms (min {:.3}, p90 {:.3}); \
         linear memory {} KiB, {} KiB of it written (4 KiB pages differing from the initial image), \
         {} KiB of those in the shadow stack",
        path.display(),
        wasm.len(),
        ms(median),
        ms(samples[0]),
        ms(samples[samples.len() * 9 / 10]),
        data.len() / 1024,
        dirty_pages * 4,
        stack_pages * 4,
    );
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

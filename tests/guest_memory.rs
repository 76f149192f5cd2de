//! Long workflows in every guest language stay within a small memory cap: the `memory_loop`
//! example of each SDK takes 10,000 activity results, each about 1 KiB, in one instance that
//! lives the whole run. An SDK that never frees a result buffer runs out long before the end.
//!
//! Driven through a sandbox instance with built resolutions (no server), so 10,000 activations
//! take seconds. The bundles are built by `guest/build-all.sh`. JavaScript and TypeScript run the
//! whole engine in the same 4 MiB (its heap starts from a snapshot taken at build time).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{Fixtures, durable, json_payload, settings};
use temporal_wasm_worker::abi::{Call, Resolution};
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::sandbox::{Bundle, GuestOutcome, InstanceLimits, Step};

const ITERATIONS: u32 = 10_000;

fn bundle_path(language: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/guest-bundles")
        .join(language)
        .join("memory_loop.wasm");
    assert!(
        path.is_file(),
        "{} is missing: build it with `guest/build-all.sh {language}`",
        path.display()
    );
    path
}

/// Runs `language`'s memory_loop for [`ITERATIONS`] activities under `memory_mib`.
fn loops_within(language: &str, memory_mib: u64) {
    let wasm = std::fs::read(bundle_path(language)).expect("read the bundle");
    let limits = InstanceLimits {
        deadline: Duration::from_secs(5),
        memory_limit_bytes: memory_mib << 20,
        ..InstanceLimits::DEFAULT
    };
    let (_dir, bundle) = try_load_with_bytes(&wasm, limits);
    let mut instance = durable::start_with_params(
        &bundle,
        vec![json_payload(&format!(r#"{{"iterations":{ITERATIONS}}}"#))],
    );
    let answer = Resolution::Completed(vec![json_payload(&format!("\"{}\"", "x".repeat(1024)))]);
    let mut step = instance.resume();
    for iteration in 0..ITERATIONS {
        let calls = match step {
            Step::Blocked { calls } => calls,
            Step::Ended { outcome, .. } => {
                panic!("{language}: the run ended at iteration {iteration}: {outcome:?}")
            }
        };
        let handle = calls
            .iter()
            .find_map(|call| match call {
                Call::StartActivity { handle, options } if options.activity_type == "echo" => {
                    Some(*handle)
                }
                _ => None,
            })
            .unwrap_or_else(|| {
                panic!("{language}: iteration {iteration} made no echo activity: {calls:?}")
            });
        instance.resolve(handle, &answer);
        step = instance.resume();
    }
    match step {
        Step::Ended {
            outcome: Ok(GuestOutcome::Completed(payloads)),
            ..
        } => {
            let result: serde_json::Value =
                serde_json::from_slice(&payloads[0].data.0).expect("JSON result");
            assert_eq!(result["iterations"], ITERATIONS, "{language}");
        }
        other => {
            panic!("{language}: expected completion after {ITERATIONS} results, got {other:?}")
        }
    }
}

/// Loads `wasm` as a bundle with `limits`.
fn try_load_with_bytes(wasm: &[u8], limits: InstanceLimits) -> (Fixtures, Bundle) {
    let fixtures = Fixtures::new();
    let path = fixtures.write("memory_loop.wasm", wasm);
    let engine = WasmEngine::new(EngineCapacity { instance_slots: 2 }).expect("engine");
    let linkers = Linkers::new(engine.engine()).expect("linkers");
    let spec = settings("MemoryLoop", path, limits);
    let bundle = Bundle::load(&engine, &linkers, &spec, None).expect("the bundle loads");
    (fixtures, bundle)
}

#[test]
fn rust_takes_10000_results_within_4_mib() {
    loops_within("rust", 4);
}

#[test]
fn c_takes_10000_results_within_4_mib() {
    loops_within("c", 4);
}

#[test]
fn zig_takes_10000_results_within_4_mib() {
    loops_within("zig", 4);
}

#[test]
fn assemblyscript_takes_10000_results_within_4_mib() {
    loops_within("assemblyscript", 4);
}

#[test]
fn go_takes_10000_results_within_64_mib() {
    loops_within("go", 64);
}

#[test]
fn javascript_takes_10000_results_within_4_mib() {
    loops_within("js", 4);
}

#[test]
fn typescript_takes_10000_results_within_4_mib() {
    loops_within("ts", 4);
}

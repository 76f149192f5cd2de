//! Host-path micro-benchmark: what one workflow activation costs in the wasm layer.
//!
//! Each iteration takes one activation through the same library calls the worker makes, on the
//! calling thread: the `InitializeWorkflow` job → `info` JSON (`convert`, `abi`) → a fresh
//! instance from the bundle's pooled `InstancePre` → `run` → the guest's `complete` → the
//! terminal command → a `WorkflowActivationCompletion`. Two WAT guests:
//!
//! - `greet`: reads its `info` and completes with its first param (a 10-byte JSON string): the
//!   host-side work of a greeting workflow, without guest-side string work;
//! - `echo_64k`: the same guest with a 64 KiB param, so `info` and the result each carry 64 KiB.
//!
//! The floor is bare wasmtime on the same pooled engine: a fresh `Store`, `InstancePre` of an
//! empty module (one exported page of memory, as every bundle has, and an empty `run`),
//! instantiate, look up `run`, call it. Two informational rows: the real Rust greet bundle (when
//! `guest/build-all.sh rust` has built it) and the greet guest through `ActivationHandler::handle`
//! (tokio, a run slot, `spawn_blocking`), as the worker loop calls it.
//!
//! After criterion's own report, a summary measures greet, echo and the floor again in
//! interleaved rounds and prints their medians and the greet/floor ratio, so the ratio comes from
//! one run on one machine state. `cargo test --benches` runs everything once, unmeasured.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion};
use temporal_wasm_worker::convert::WorkerContext;
use temporal_wasm_worker::metrics::WorkerMetrics;
use temporal_wasm_worker::sandbox::BundleSpec;
use temporal_wasm_worker::sandbox::InstanceLimits;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::sandbox::{Bundle, BundleRegistry};
use temporal_wasm_worker::sandbox::{GuestBugPolicy, VersioningBehavior};
use temporal_wasm_worker::temporal::activation::ActivationHandler;
use temporal_wasm_worker::temporal::workflow_run::WorkflowRun;
use temporalio_common::protos::coresdk::workflow_activation::{
    InitializeWorkflow, WorkflowActivation, WorkflowActivationJob,
    workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;
use temporalio_common::protos::coresdk::workflow_completion::{
    WorkflowActivationCompletion, workflow_activation_completion::Status,
};
use temporalio_common::protos::temporal::api::common::v1::Payload;
use wasmtime::{InstancePre, Linker, Module, Store};

/// The worker's defaults (`workflow_defaults`): 2 s deadline, 64 MiB memory cap.
const LIMITS: InstanceLimits = InstanceLimits {
    deadline: Duration::from_secs(2),
    memory_limit_bytes: 64 << 20,
    ..InstanceLimits::DEFAULT
};

/// Size of the echoed payload's data.
const ECHO_BYTES: usize = 64 * 1024;

/// A guest that copies its `info` into memory, finds the end of the first param by counting
/// braces (payload strings are base64 and metadata keys are plain, so no brace appears inside a
/// string), and completes with `[` + that param + `]`. Memory grows to fit large inputs.
const ECHO_FIRST_PARAM: &str = r#"(module
  (import "env" "get_info_len" (func $get_info_len (result i32)))
  (import "env" "get_info" (func $get_info (param i32 i32)))
  (import "env" "complete" (func $complete (param i32 i32)))
  (memory (export "memory") 1)
  (func (export "run")
    (local $len i32) (local $i i32) (local $depth i32) (local $end i32) (local $c i32)
    (local.set $len (call $get_info_len))
    (if (i32.gt_u (local.get $len) (i32.const 60000))
      (then (drop (memory.grow
        (i32.add (i32.div_u (local.get $len) (i32.const 65536)) (i32.const 1))))))
    (call $get_info (i32.const 8) (local.get $len))
    ;; info starts with {"params":[ (11 bytes): the first payload starts at 8 + 11
    (local.set $i (i32.const 19))
    (block $done
      (loop $scan
        (local.set $c (i32.load8_u (local.get $i)))
        (if (i32.eq (local.get $c) (i32.const 123))
          (then (local.set $depth (i32.add (local.get $depth) (i32.const 1)))))
        (if (i32.eq (local.get $c) (i32.const 125))
          (then
            (local.set $depth (i32.sub (local.get $depth) (i32.const 1)))
            (if (i32.eqz (local.get $depth)) (then (local.set $end (local.get $i)) (br $done)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $scan)))
    (i32.store8 (i32.const 18) (i32.const 91))
    (i32.store8 (i32.add (local.get $end) (i32.const 1)) (i32.const 93))
    (call $complete
      (i32.const 18) (i32.sub (i32.add (local.get $end) (i32.const 2)) (i32.const 18)))
    unreachable))"#;

/// The floor's module: what every bundle has at least (an exported page of memory), and a `run`
/// that does nothing.
const EMPTY_RUN: &str = r#"(module (memory (export "memory") 1) (func (export "run")))"#;

const RUN_ID: &str = "0198a3c4-run-of-the-benchmark";

fn context() -> WorkerContext {
    WorkerContext {
        namespace: "default".to_owned(),
        task_queue: "bench".to_owned(),
    }
}

fn json_payload(json: &str) -> Payload {
    Payload {
        metadata: [("encoding".to_owned(), b"json/plain".to_vec())].into(),
        data: json.as_bytes().to_vec(),
        ..Default::default()
    }
}

/// An activation as core hands it over: one `InitializeWorkflow` job with `argument`.
fn activation(workflow_type: &str, argument: Payload) -> WorkflowActivation {
    let init = InitializeWorkflow {
        workflow_type: workflow_type.to_owned(),
        workflow_id: "bench-workflow-1".to_owned(),
        arguments: vec![argument],
        randomness_seed: 42,
        attempt: 1,
        first_execution_run_id: RUN_ID.to_owned(),
        start_time: Some(prost_wkt_types::Timestamp {
            seconds: 1_767_225_600,
            nanos: 0,
        }),
        ..Default::default()
    };
    WorkflowActivation {
        run_id: RUN_ID.to_owned(),
        jobs: vec![WorkflowActivationJob {
            variant: Some(Job::InitializeWorkflow(init)),
        }],
        ..Default::default()
    }
}

/// One activation through the host path, synchronously: what `ActivationHandler::handle` does
/// for an `InitializeWorkflow` job, minus the tokio hand-off to a blocking thread.
fn host_path(
    bundle: &Arc<Bundle>,
    context: &WorkerContext,
    activation: WorkflowActivation,
) -> WorkflowActivationCompletion {
    let mut run = WorkflowRun::new(
        activation.run_id.clone(),
        Arc::clone(bundle),
        context.clone(),
    );
    run.activate(activation).completion
}

/// The result payload of a completion, or a panic naming what came back instead.
fn completed_result(completion: &WorkflowActivationCompletion) -> Payload {
    let commands = match &completion.status {
        Some(Status::Successful(success)) => &success.commands,
        other => panic!("expected a successful completion, got {other:?}"),
    };
    match commands
        .first()
        .and_then(|command| command.variant.as_ref())
    {
        Some(Command::CompleteWorkflowExecution(complete)) => {
            complete.result.clone().expect("a result payload")
        }
        other => panic!("expected CompleteWorkflowExecution, got {other:?}"),
    }
}

/// Bare wasmtime on the worker's engine: an `InstancePre` of an empty module.
struct Floor {
    engine: WasmEngine,
    instance_pre: InstancePre<()>,
}

impl Floor {
    fn new(engine: &WasmEngine) -> Floor {
        let module = Module::new(engine.engine(), EMPTY_RUN).expect("the empty module compiles");
        let instance_pre = Linker::new(engine.engine())
            .instantiate_pre(&module)
            .expect("the empty module links");
        Floor {
            engine: engine.clone(),
            instance_pre,
        }
    }

    /// A fresh store and instance, `run` looked up and called: the least a run can cost.
    fn run(&self) {
        let mut store = Store::new(self.engine.engine(), ());
        store.set_epoch_deadline(WasmEngine::deadline_ticks(LIMITS.deadline));
        let instance = self
            .instance_pre
            .instantiate(&mut store)
            .expect("instantiate");
        let run = instance
            .get_typed_func::<(), ()>(&mut store, "run")
            .expect("run export");
        run.call(&mut store, ()).expect("run returns");
    }
}

/// Everything the benchmarks run, loaded once.
struct Setup {
    _dir: tempfile::TempDir,
    engine: WasmEngine,
    context: WorkerContext,
    /// The greet and echo rows' guest: the same module, with a 10-byte or a 64 KiB param.
    guest: Arc<Bundle>,
    rust_greet: Option<Arc<Bundle>>,
    greet_activation: WorkflowActivation,
    echo_activation: WorkflowActivation,
    floor: Floor,
}

fn workflow_settings(workflow_type: &str, module_path: PathBuf) -> BundleSpec {
    BundleSpec {
        workflow_type: workflow_type.to_owned(),
        module_path,
        previous_modules: Vec::new(),
        limits: LIMITS,
        on_guest_bug: GuestBugPolicy::FailTask,
        versioning: VersioningBehavior::Pinned,
    }
}

/// The Rust example `greet` bundle, when `guest/build-all.sh rust` has built it.
fn rust_greet_path() -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/guest-bundles/rust/greet.wasm");
    path.is_file().then_some(path)
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        let echo_path = dir.path().join("echo.wat");
        std::fs::write(&echo_path, ECHO_FIRST_PARAM).expect("write the guest");
        // One slot per core, as `max_concurrent_runs` defaults to.
        let slots = std::thread::available_parallelism().map_or(2, |count| count.get() as u32);
        let engine = WasmEngine::new(EngineCapacity {
            instance_slots: slots,
        })
        .expect("engine");
        let linkers = Linkers::new(engine.engine()).expect("linker");
        let guest = Bundle::load(
            &engine,
            &linkers,
            &workflow_settings("Greet", echo_path),
            None,
        )
        .map(Arc::new)
        .expect("the echo guest loads");
        let rust_greet = rust_greet_path().map(|path| {
            Bundle::load(
                &engine,
                &linkers,
                &workflow_settings("RustGreet", path),
                None,
            )
            .map(Arc::new)
            .expect("the Rust greet bundle loads")
        });
        let big = format!("\"{}\"", "a".repeat(ECHO_BYTES - 2));
        let setup = Setup {
            floor: Floor::new(&engine),
            _dir: dir,
            engine,
            context: context(),
            guest,
            rust_greet,
            greet_activation: activation("Greet", json_payload("\"Temporal\"")),
            echo_activation: activation("Greet", json_payload(&big)),
        };
        setup.check();
        setup
    }

    /// Every guest gives the expected result before anything is timed.
    fn check(&self) {
        let greet = completed_result(&self.greet());
        assert_eq!(
            greet,
            json_payload("\"Temporal\""),
            "greet echoes its param"
        );
        let echo = completed_result(&self.echo());
        assert_eq!(echo.data.len(), ECHO_BYTES, "echo returns 64 KiB");
        if let Some(bundle) = &self.rust_greet {
            let activation = activation("RustGreet", json_payload("\"Temporal\""));
            let result = completed_result(&host_path(bundle, &self.context, activation));
            assert_eq!(result.data, b"\"Hello, Temporal!\"", "Rust greet greets");
        }
        self.floor.run();
    }

    fn greet(&self) -> WorkflowActivationCompletion {
        host_path(&self.guest, &self.context, self.greet_activation.clone())
    }

    fn echo(&self) -> WorkflowActivationCompletion {
        host_path(&self.guest, &self.context, self.echo_activation.clone())
    }
}

fn benchmarks(criterion: &mut Criterion, setup: &Setup) {
    let mut group = criterion.benchmark_group("host_path");
    // Cloning the activation stands for core handing one over; it is not timed.
    group.bench_function("greet", |bench| {
        bench.iter_batched(
            || setup.greet_activation.clone(),
            |activation| host_path(&setup.guest, &setup.context, activation),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("echo_64k", |bench| {
        bench.iter_batched(
            || setup.echo_activation.clone(),
            |activation| host_path(&setup.guest, &setup.context, activation),
            BatchSize::SmallInput,
        )
    });
    if let Some(bundle) = &setup.rust_greet {
        let activation = activation("RustGreet", json_payload("\"Temporal\""));
        group.bench_function("rust_greet_bundle", |bench| {
            bench.iter_batched(
                || activation.clone(),
                |activation| host_path(bundle, &setup.context, activation),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();

    criterion.bench_function("floor/bare_wasmtime_empty_run", |bench| {
        bench.iter(|| setup.floor.run())
    });

    handler_benchmark(criterion, setup);
}

/// The greet guest through `ActivationHandler::handle`, as the worker loop calls it: a run slot,
/// `spawn_blocking`, metrics. Informational: the hand-off to a blocking thread is tokio's cost.
fn handler_benchmark(criterion: &mut Criterion, setup: &Setup) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("greet.wat");
    std::fs::write(&path, ECHO_FIRST_PARAM).expect("write the guest");
    let linkers = Linkers::new(setup.engine.engine()).expect("linker");
    let registry = BundleRegistry::load(
        &setup.engine,
        &linkers,
        &[workflow_settings("Greet", path)],
        None,
    )
    .expect("registry");
    let handler = ActivationHandler::new(
        Arc::new(registry),
        setup.context.clone(),
        2,
        Arc::new(WorkerMetrics::new(None)),
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let completion = runtime.block_on(handler.handle(setup.greet_activation.clone()));
    assert_eq!(
        completed_result(&completion),
        json_payload("\"Temporal\""),
        "the handler completes greet"
    );
    criterion.bench_function("handler/greet_via_spawn_blocking", |bench| {
        bench.iter_batched(
            || setup.greet_activation.clone(),
            |activation| runtime.block_on(handler.handle(activation)),
            BatchSize::SmallInput,
        )
    });
}

/// Mean time per call of `f` over a batch of `batch` calls.
fn batch_mean(batch: u32, mut f: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..batch {
        f();
    }
    started.elapsed() / batch
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// Greet, echo and the floor measured again in interleaved rounds (so machine noise hits all
/// three alike), with the medians and the ratios the performance targets are stated in.
fn summary(setup: &Setup, measured: bool) {
    let (rounds, batch) = if measured { (60, 400) } else { (2, 2) };
    let (mut greet, mut echo, mut floor) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        floor.push(batch_mean(batch, || setup.floor.run()));
        greet.push(batch_mean(batch, || {
            black_box(setup.greet());
        }));
        echo.push(batch_mean((batch / 8).max(1), || {
            black_box(setup.echo());
        }));
    }
    let (greet, echo, floor) = (median(greet), median(echo), median(floor));
    let ratio = greet.as_secs_f64() / floor.as_secs_f64();
    println!();
    println!(
        "summary ({rounds} interleaved rounds{}): median per activation",
        if measured {
            ""
        } else {
            "; test mode, not a measurement"
        }
    );
    println!("  host path, greet    {:>9.2} µs", micros(greet));
    println!("  host path, echo 64k {:>9.2} µs", micros(echo));
    println!("  bare wasmtime floor {:>9.2} µs", micros(floor));
    println!(
        "  greet / floor = {ratio:.2}x (target <= 1.30x); greet {:.2} µs (target <= 10 µs)",
        micros(greet)
    );
    // wasmtime's errors capture a native backtrace when these are set, and `complete` ends a run
    // with an error: say so, as it changes the greet numbers by several microseconds.
    // RUST_LIB_BACKTRACE, when set, decides alone; otherwise RUST_BACKTRACE does (std's rule).
    let setting = |name: &'static str| {
        std::env::var(name)
            .ok()
            .map(|value| (value != "0", name, value))
    };
    let capture = setting("RUST_LIB_BACKTRACE").or_else(|| setting("RUST_BACKTRACE"));
    if let Some((true, name, value)) = capture {
        println!(
            "  note: {name}={value}, so every run's ending error captures a native backtrace; \
             unset it for the numbers a deployment without it sees"
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    // `cargo bench` passes --bench; `cargo test --benches` does not and only checks each runs.
    let measured = std::env::args().any(|arg| arg == "--bench")
        && !std::env::args().any(|arg| arg == "--test");
    let setup = Setup::new();
    benchmarks(&mut criterion, &setup);
    criterion.final_summary();
    summary(&setup, measured);
}

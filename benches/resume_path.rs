//! Resume host path: what one activation of a parked durable guest costs in the wasm layer.
//!
//! Each iteration is the activation a sleeping workflow gets most: `FireTimer` for the timer it
//! parked on → the worker's `WorkflowRun::activate` applies the job → the guest's fiber resumes
//! in `wait`, takes the timer's result, starts its next timer and parks again → the
//! `StartTimer` command → a `WorkflowActivationCompletion`. The guests are bench/guests/'s
//! `bench_steps` bundles in C and Rust (`bash bench/guests/build.sh`), each started with
//! `{"timers": 1000000, "timer_ms": 1000}`: a sleep loop. Every `RESTART_EVERY` activations the
//! run is dropped and a fresh one started, untimed, so no run nears its handle cap.
//!
//! The floor is bare wasmtime on the worker's own pooled engine: a guest that loops calling an
//! async host function which parks once (pending on its first poll, like `wait`) and re-arms the
//! epoch deadline when resumed; each iteration polls the suspended call once, which resumes the
//! fiber, returns from the host call, loops, and parks again. No JSON, no handles, no commands.
//!
//! After criterion's report, a summary measures the rows again in interleaved rounds and prints
//! their medians and each guest's ratio to the floor, so the ratio comes from one machine state.
//! `cargo test --bench resume_path` runs everything once, unmeasured.

#[path = "support/durable.rs"]
mod durable;

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use criterion::Criterion;
use temporal_wasm_worker::sandbox::Bundle;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::Linkers;
use temporal_wasm_worker::temporal::workflow_run::WorkflowRun;
use wasmtime::{AsContextMut, Caller, Linker, Module, Store};

/// The sleep loop every guest row runs.
const SLEEP_LOOP: &str = r#"{"timers": 1000000, "timer_ms": 1000}"#;

/// Activations per run before it is replaced (untimed); far below the default handle cap.
const RESTART_EVERY: u32 = 20_000;

/// The floor's guest: `run` calls the async import `park` forever.
const PARK_LOOP: &str = r#"(module
  (import "env" "park" (func $park))
  (memory (export "memory") 1)
  (func (export "run") (loop $forever (call $park) (br $forever))))"#;

/// A future that is pending on its first poll and ready on its second, as `wait`'s park is.
#[derive(Default)]
struct ParkOnce {
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

type RunFuture = Pin<Box<dyn Future<Output = wasmtime::Result<()>> + Send>>;

/// Bare wasmtime resuming an async host call on its fiber.
struct Floor {
    run: RunFuture,
}

impl Floor {
    fn new(engine: &WasmEngine) -> Floor {
        let engine = engine.engine().clone();
        let module = Module::new(&engine, PARK_LOOP).expect("the floor module compiles");
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap_async("env", "park", |mut caller: Caller<'_, ()>, (): ()| {
                Box::new(async move {
                    ParkOnce::default().await;
                    caller.as_context_mut().set_epoch_deadline(200);
                })
            })
            .expect("define park");
        let instance_pre = linker.instantiate_pre(&module).expect("link");
        let mut store = Store::new(&engine, ());
        store.set_epoch_deadline(200);
        store.epoch_deadline_trap();
        let run: RunFuture = Box::pin(async move {
            let instance = instance_pre.instantiate_async(&mut store).await?;
            let run = instance.get_typed_func::<(), ()>(&mut store, "run")?;
            run.call_async(&mut store, ()).await
        });
        let mut floor = Floor { run };
        // Instantiate and run up to the first park.
        floor.resume();
        floor
    }

    /// Resumes the parked call once: back from `park`, round the loop, parked again.
    fn resume(&mut self) {
        let mut context = Context::from_waker(Waker::noop());
        match self.run.as_mut().poll(&mut context) {
            Poll::Pending => {}
            Poll::Ready(result) => panic!("the floor's run ended: {result:?}"),
        }
    }
}

/// A guest row: a sleeping run of one bench bundle, and the timer it is parked on.
struct SleepLoop {
    bundle: Arc<Bundle>,
    run: WorkflowRun,
    parked_on: u32,
    activations: u32,
    runs: u32,
}

impl SleepLoop {
    fn new(bundle: Arc<Bundle>) -> SleepLoop {
        let (run, parked_on) = Self::start(&bundle, 0);
        SleepLoop {
            bundle,
            run,
            parked_on,
            activations: 0,
            runs: 1,
        }
    }

    fn start(bundle: &Arc<Bundle>, number: u32) -> (WorkflowRun, u32) {
        let run_id = format!("sleep-loop-{number}");
        let mut run = WorkflowRun::new(run_id.clone(), Arc::clone(bundle), durable::context());
        let first = run.activate(durable::initialize(&run_id, SLEEP_LOOP));
        let seq = durable::started_timer(&first.completion);
        (run, seq)
    }

    /// Replaces the run with a fresh one when it has had `RESTART_EVERY` activations.
    fn restart_if_due(&mut self) {
        if self.activations >= RESTART_EVERY {
            (self.run, self.parked_on) = Self::start(&self.bundle, self.runs);
            self.runs += 1;
            self.activations = 0;
        }
    }

    /// The activation that fires the timer the guest is parked on; built before timing starts.
    fn next_activation(
        &self,
    ) -> temporalio_common::protos::coresdk::workflow_activation::WorkflowActivation {
        let run_id = format!("sleep-loop-{}", self.runs - 1);
        durable::fire_timer(&run_id, self.parked_on, i64::from(self.parked_on) * 1000)
    }

    /// One timed activation: fire, resume, next timer, park, completion.
    fn activate(
        &mut self,
        activation: temporalio_common::protos::coresdk::workflow_activation::WorkflowActivation,
    ) {
        let activated = self.run.activate(activation);
        self.parked_on = durable::started_timer(&activated.completion);
        self.activations += 1;
        black_box(activated);
    }

    /// Runs `iterations` activations, timing only `activate` itself.
    fn timed(&mut self, iterations: u64) -> Duration {
        let mut total = Duration::ZERO;
        for _ in 0..iterations {
            self.restart_if_due();
            let activation = self.next_activation();
            let started = Instant::now();
            self.activate(activation);
            total += started.elapsed();
        }
        total
    }
}

/// Everything the benchmark runs, set up once.
struct Setup {
    guests: Vec<(&'static str, SleepLoop)>,
    floor: Floor,
}

impl Setup {
    fn new() -> Setup {
        // As `max_concurrent_runs` defaults to, plus the parked runs of the rows.
        let engine = WasmEngine::new(EngineCapacity { instance_slots: 8 }).expect("engine");
        let linkers = Linkers::new(engine.engine()).expect("linkers");
        let mut guests = Vec::new();
        for language in ["c", "rust"] {
            match durable::bundle_path(language) {
                Some(path) => {
                    let bundle = durable::load(&engine, &linkers, path);
                    guests.push((language, SleepLoop::new(bundle)));
                }
                None => println!(
                    "{language}: target/bench-bundles/{language}/bench_steps.wasm is missing \
                     (bash bench/guests/build.sh); its row is skipped"
                ),
            }
        }
        let floor = Floor::new(&engine);
        let mut setup = Setup { guests, floor };
        // Every row resumes correctly before anything is timed.
        for (_, guest) in &mut setup.guests {
            guest.timed(3);
        }
        setup.floor.resume();
        setup
    }
}

fn benchmarks(criterion: &mut Criterion, setup: &mut Setup) {
    let mut group = criterion.benchmark_group("resume_path");
    for (language, guest) in &mut setup.guests {
        group.bench_function(
            format!("{language}_timer_fired_next_timer_parked"),
            |bench| bench.iter_custom(|iterations| guest.timed(iterations)),
        );
    }
    group.finish();
    let floor = &mut setup.floor;
    criterion.bench_function("floor/bare_wasmtime_fiber_resume", |bench| {
        bench.iter(|| floor.resume())
    });
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// Every row again in interleaved rounds, so machine noise hits all alike; medians and ratios.
fn summary(setup: &mut Setup, measured: bool) {
    let (rounds, batch) = if measured { (60, 400) } else { (2, 2) };
    let mut guest_samples: Vec<Vec<Duration>> = vec![Vec::new(); setup.guests.len()];
    let mut floor_samples = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        for _ in 0..batch {
            setup.floor.resume();
        }
        floor_samples.push(started.elapsed() / batch);
        for (samples, (_, guest)) in guest_samples.iter_mut().zip(&mut setup.guests) {
            samples.push(guest.timed(u64::from(batch)) / batch);
        }
    }
    let floor = median(floor_samples);
    println!();
    println!(
        "summary ({rounds} interleaved rounds of {batch}{}): median per activation",
        if measured {
            ""
        } else {
            "; test mode, not a measurement"
        }
    );
    println!(
        "  bare wasmtime fiber resume floor {:>9.2} µs",
        micros(floor)
    );
    for (samples, (language, _)) in guest_samples.into_iter().zip(&setup.guests) {
        let guest = median(samples);
        let ratio = guest.as_secs_f64() / floor.as_secs_f64();
        println!(
            "  {language:<5} timer fired → next timer parked {:>9.2} µs = {ratio:.2}x the floor \
             (targets, C: <= 15 µs and <= 2x)",
            micros(guest)
        );
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    // `cargo bench` passes --bench; `cargo test --benches` does not and only checks each runs.
    let measured = std::env::args().any(|arg| arg == "--bench")
        && !std::env::args().any(|arg| arg == "--test");
    let mut setup = Setup::new();
    benchmarks(&mut criterion, &mut setup);
    criterion.final_summary();
    summary(&mut setup, measured);
}

//! Instances: live guests made from a bundle.
//!
//! A one-shot (ABI v0) bundle runs with [`execute`]: one activation, one fresh instance, one
//! synchronous call of `run`. A durable (ABI v1) bundle gets an [`Instance`] that lives across
//! activations:
//!
//! 1. [`Instance::start`] makes a `Store` (memory cap, per-activation epoch deadline) and the
//!    future of `instantiate_async` + `call_async(run)`, which owns the store; nothing runs yet.
//! 2. [`Instance::resume`] polls that future once. The guest runs on its fiber until it parks in
//!    `wait` with nothing ready — the future is then pending, and the calls it made are the
//!    activation's commands — or until it ends the run.
//! 3. Between resumes the host applies the next activation's jobs ([`Instance::resolve`] and
//!    friends) to the state the guest's host calls share; `wait` re-arms the deadline when the
//!    guest resumes.
//! 4. Dropping the instance (an eviction) drops the suspended future: wasmtime unwinds the fiber
//!    and the pool gets its memory, table, stack and instance slots back.
//!
//! Nothing outside this module creates stores or instances.

mod one_shot;
mod unwind;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use wasmtime::Store;

pub use one_shot::execute;

use crate::abi::{Call, Handle, Resolution};
use crate::sandbox::engine::WasmEngine;
use crate::sandbox::host::durable::{self, DurableState, SharedDurableState};
use crate::sandbox::host::{GuestOutcome, InstanceState, LogContext};
use crate::sandbox::published::QueryView;
use crate::sandbox::{Bundle, GuestBug};
use unwind::{Deadline, outcome_of_unwind};

/// The suspended call of `run`, owning the store it runs in.
type RunFuture = Pin<Box<dyn Future<Output = (Store<InstanceState>, wasmtime::Result<()>)> + Send>>;

/// What a durable instance learns from its first activation.
#[derive(Clone, Copy, Debug)]
pub struct StartInputs {
    /// Temporal's randomness seed for the run (`InitializeWorkflow.randomness_seed`).
    pub randomness_seed: u64,
    /// Workflow time of the first activation, in ms since the Unix epoch.
    pub now_ms: i64,
    /// Whether the first activation replays history.
    pub replaying: bool,
}

/// Where a resume left the guest.
#[derive(Debug)]
pub enum Step {
    /// Parked in `wait`; these calls were made since the last step, in call order.
    Blocked {
        /// The calls.
        calls: Vec<Call>,
    },
    /// The run is over: the calls made before it ended, and how it ended.
    Ended {
        /// The calls.
        calls: Vec<Call>,
        /// How the guest ended the run, or its bug.
        outcome: Result<GuestOutcome, GuestBug>,
    },
}

/// A durable guest: its suspended call of `run` and the state it shares with the host.
pub struct Instance {
    run: Option<RunFuture>,
    shared: SharedDurableState,
    deadline: std::time::Duration,
}

impl Instance {
    /// Prepares a durable instance of `bundle` that will read `info_json`; the guest starts
    /// running at the first [`Instance::resume`].
    pub fn start(
        bundle: &Bundle,
        info_json: Arc<[u8]>,
        mut log: LogContext,
        inputs: StartInputs,
    ) -> Instance {
        let limits = bundle.limits();
        let mut shared = DurableState::new(&limits, inputs.randomness_seed, inputs.now_ms);
        shared.begin_activation(inputs.now_ms, inputs.replaying);
        let shared = Arc::new(Mutex::new(shared));

        // The deadline covers one activation: armed here for the first, re-armed by `wait` on
        // every resume (epoch deadlines are absolute).
        let ticks = WasmEngine::deadline_ticks(limits.deadline);
        log.replaying = inputs.replaying;
        let state = InstanceState::new(
            info_json,
            bundle.memory_export(),
            log,
            limits.memory_limit_bytes,
        )
        .with_durable(Arc::clone(&shared), ticks);
        let instance_pre = bundle.instance_pre().clone();
        let mut store = Store::new(instance_pre.module().engine(), state);
        store.limiter(|state| state);
        store.epoch_deadline_trap();

        let run: RunFuture = Box::pin(async move {
            // Armed at the first poll, so the first activation's deadline starts when the guest
            // starts running, however long after `start` that is.
            store.set_epoch_deadline(ticks);
            let result = async {
                let instance = instance_pre.instantiate_async(&mut store).await?;
                // A reactor (Go's c-shared, wasi-libc's) initializes its runtime first. Looked
                // up as an `Option`: a missing export as an error would capture a native
                // backtrace when RUST_BACKTRACE is set, on every run start and replay.
                let initialize = instance
                    .get_func(&mut store, "_initialize")
                    .and_then(|func| func.typed::<(), ()>(&store).ok());
                if let Some(initialize) = initialize {
                    initialize.call_async(&mut store, ()).await?;
                }
                let run = instance.get_typed_func::<(), ()>(&mut store, "run")?;
                run.call_async(&mut store, ()).await
            }
            .await;
            (store, result)
        });
        Instance {
            run: Some(run),
            shared,
            deadline: limits.deadline,
        }
    }

    /// Runs the guest until it parks in `wait` or ends the run. Blocking (the guest's code runs
    /// on this thread): call it from a blocking thread, never from an async task.
    ///
    /// An instance whose run has ended stays ended; resuming it reports no calls and
    /// [`GuestBug::NoCompletion`].
    pub fn resume(&mut self) -> Step {
        let overflow = self.lock().take_overflow();
        if let Some(bug) = overflow {
            // A cap was exceeded while the host applied jobs: the run ends without resuming.
            self.run = None;
            let calls = self.lock().take_calls();
            return Step::Ended {
                calls,
                outcome: Err(bug),
            };
        }
        let Some(run) = self.run.as_mut() else {
            return Step::Ended {
                calls: Vec::new(),
                outcome: Err(GuestBug::NoCompletion),
            };
        };
        // The only thing the guest can await is `wait`'s park, which the next resume releases,
        // so nothing ever needs waking.
        let mut context = Context::from_waker(Waker::noop());
        match run.as_mut().poll(&mut context) {
            Poll::Pending => {
                let mut shared = self.lock();
                let calls = shared.take_calls();
                if shared.parked_on().is_some() {
                    return Step::Blocked { calls };
                }
                drop(shared);
                self.run = None;
                Step::Ended {
                    calls,
                    outcome: Err(GuestBug::Trap {
                        message: "the guest's run yielded without parking in `wait`".to_owned(),
                        backtrace: "(no wasm backtrace)".to_owned(),
                        last_error_log: None,
                    }),
                }
            }
            Poll::Ready((mut store, result)) => {
                self.run = None;
                store.data_mut().flush_stdio();
                store.data().report_dropped_logs();
                let outcome = match result {
                    Ok(()) => Err(GuestBug::NoCompletion),
                    Err(error) => outcome_of_unwind(
                        error,
                        store.data_mut(),
                        Deadline {
                            deadline: self.deadline,
                            per_activation: true,
                        },
                    ),
                };
                // The store (and with it the pool slots) goes before the host carries on.
                drop(store);
                let calls = self.lock().take_calls();
                Step::Ended { calls, outcome }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DurableState> {
        durable::lock(&self.shared)
    }

    /// Whether the guest's run is over (it ended, or a bug ended it).
    pub fn has_ended(&self) -> bool {
        self.run.is_none()
    }

    /// Sets the workflow time and replay flag of the activation about to resume the guest.
    pub fn begin_activation(&mut self, now_ms: i64, replaying: bool) {
        self.lock().begin_activation(now_ms, replaying);
    }

    /// Resolves a command's handle with what Temporal reported.
    pub fn resolve(&mut self, handle: Handle, resolution: &Resolution) {
        self.lock().resolve(handle, resolution);
    }

    /// Temporal sent a new randomness seed.
    pub fn reseed(&mut self, seed: u64) {
        self.lock().reseed(seed);
    }

    /// History says this run took patch `patch_id`.
    pub fn notify_patch(&mut self, patch_id: String) {
        self.lock().notify_patch(patch_id);
    }

    /// The workflow's cancellation was requested; `false` if the guest never opened its
    /// cancellation channel, so it cannot hear it.
    pub fn request_cancellation(&mut self) -> bool {
        self.lock().request_cancellation()
    }

    /// Whether the guest has opened its cancellation channel, so a cancellation request reaches
    /// it.
    pub fn hears_cancellation(&self) -> bool {
        self.lock().hears_cancellation()
    }

    /// A signal named `name` arrived with `args`.
    pub fn signal(&mut self, name: &str, args: Vec<crate::abi::Payload>) {
        let item = Resolution::Completed(args).to_json();
        self.lock().signal(name, item);
    }

    /// An update arrived: `id` named `name` with `args`, for the guest's update channel.
    pub fn update(&mut self, id: &str, name: &str, args: Vec<crate::abi::Payload>) {
        let item = crate::abi::UpdateItem {
            update_id: id.to_owned(),
            args,
        }
        .to_json();
        self.lock().update(id, name, item);
    }

    /// Ends the activation for updates: the ids of those whose channel the guest never opened
    /// (to be rejected), and the names of the channels it has open.
    pub fn end_activation(&mut self) -> (Vec<String>, Vec<String>) {
        let mut shared = self.lock();
        (shared.end_activation(), shared.update_channel_names())
    }

    /// What queries are answered from.
    pub fn query_view(&self) -> QueryView {
        self.lock().query_view()
    }

    /// What the guest is blocked on: its pending commands and what they are for.
    pub fn pending(&self) -> Vec<(Handle, String)> {
        self.lock().query_view().pending
    }

    /// Signals that arrived for channels the guest never opened, by name and count.
    pub fn unconsumed_signals(&self) -> Vec<(String, usize)> {
        self.lock().unconsumed_signals()
    }
}

//! What a durable guest's host calls share with the host between activations: its handles, the
//! calls it made since the last park, workflow time and randomness, patches, cancellation and
//! queued signals.
//!
//! The state lives behind a mutex shared by the instance's `Store` (for host calls) and by the
//! [`Instance`](crate::sandbox::instance::Instance) (for the host, which applies an activation's
//! jobs while the guest is parked and its store is out of reach inside the suspended call). The
//! two never run at once: the host only touches it between polls of the guest, so the lock is
//! never contended.

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::abi::{Call, Handle, Resolution};
use crate::sandbox::guest_bug::{CapExceeded, GuestBug};
use crate::sandbox::handles::HandleTable;
use crate::sandbox::inbound::Inbound;
use crate::sandbox::limits::InstanceLimits;
use crate::sandbox::published::{Published, QueryView};
use crate::sandbox::rng::DeterministicRng;

mod guest_side;

/// The shared state of one durable instance.
#[derive(Debug)]
pub struct DurableState {
    /// Every handle of the run.
    pub(crate) handles: HandleTable,
    /// Calls made since the host last collected them, in call order.
    calls: Vec<Call>,
    /// Estimated bytes of `calls` in a completion (see `push_call`).
    pending_bytes: u64,
    max_pending_commands: u32,
    /// Workflow time of the current activation, in ms since the Unix epoch.
    now_ms: i64,
    rng: DeterministicRng,
    replaying: bool,
    /// Patches history says this run took (`NotifyHasPatch`).
    known_patches: HashSet<String>,
    /// Answers `patched` already gave, so that one patch id reads the same all run long.
    patch_answers: BTreeMap<String, bool>,
    cancellation_requested: bool,
    cancellation_channel: Option<Handle>,
    /// Signal and update channels, and what waits for them.
    inbound: Inbound,
    /// Query results and current details the guest published.
    published: Published,
    /// What each pending command handle is for, as `__stack_trace` shows it
    /// (`timer 3 (5000 ms)`); dropped when the command resolves, so a long run keeps none of
    /// its past commands.
    descriptions: BTreeMap<Handle, Description>,
    /// The handles `wait` parked on, set when it parks and cleared when it resumes.
    parked_on: Option<Vec<Handle>>,
    /// A cap the host's deliveries exceeded; the run ends with it instead of resuming.
    overflow: Option<GuestBug>,
}

/// What a pending command is for: a timer keeps its duration as a number (formatted only when
/// a query asks), other commands their description.
#[derive(Debug)]
enum Description {
    /// A timer of this many ms.
    Timer(u64),
    /// Anything else, described.
    Text(String),
}

impl Description {
    fn render(&self, handle: Handle) -> String {
        match self {
            Description::Timer(duration_ms) => format!("timer {handle} ({duration_ms} ms)"),
            Description::Text(text) => text.clone(),
        }
    }
}

/// A handle onto the shared state, cloned into the store and kept by the instance.
pub type SharedDurableState = Arc<Mutex<DurableState>>;

/// Locks the shared state; the state stays consistent even if a holder panicked.
pub fn lock(state: &SharedDurableState) -> MutexGuard<'_, DurableState> {
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

impl DurableState {
    /// The state of a fresh run with `limits`, seeded and timed by its first activation.
    pub fn new(limits: &InstanceLimits, randomness_seed: u64, now_ms: i64) -> DurableState {
        DurableState {
            handles: HandleTable::new(limits.max_handles, limits.max_result_bytes),
            calls: Vec::new(),
            pending_bytes: 0,
            max_pending_commands: limits.max_pending_commands,
            now_ms,
            rng: DeterministicRng::new(randomness_seed),
            replaying: false,
            known_patches: HashSet::new(),
            patch_answers: BTreeMap::new(),
            cancellation_requested: false,
            cancellation_channel: None,
            inbound: Inbound::default(),
            published: Published::new(limits.max_result_bytes),
            descriptions: BTreeMap::new(),
            parked_on: None,
            overflow: None,
        }
    }

    // --- The host's side: applying an activation's jobs -------------------------------------

    /// Sets the workflow time and replay flag of the activation about to resume the guest.
    pub fn begin_activation(&mut self, now_ms: i64, replaying: bool) {
        self.now_ms = now_ms;
        self.replaying = replaying;
    }

    /// Resolves a command's handle (a timer fired, an activity resolved).
    pub fn resolve(&mut self, handle: Handle, resolution: &Resolution) {
        let delivered = self.deliver(handle, resolution.to_json());
        self.record_overflow(delivered);
    }

    /// Delivers to a handle, counting held signals against the result-bytes cap too.
    fn deliver(&mut self, handle: Handle, json: Vec<u8>) -> Result<bool, CapExceeded> {
        self.descriptions.remove(&handle);
        self.handles
            .deliver(handle, json, self.inbound.held_bytes())
    }

    /// Temporal sent a new randomness seed: `random` continues from it.
    pub fn reseed(&mut self, seed: u64) {
        self.rng = DeterministicRng::new(seed);
    }

    /// History says this run took patch `patch_id`.
    pub fn notify_patch(&mut self, patch_id: String) {
        self.known_patches.insert(patch_id);
    }

    /// The workflow's cancellation was requested; `false` if the guest has no cancellation
    /// channel open to hear it.
    pub fn request_cancellation(&mut self) -> bool {
        self.cancellation_requested = true;
        match self.cancellation_channel {
            Some(channel) => {
                let delivered = self.deliver(channel, Resolution::Completed(Vec::new()).to_json());
                self.record_overflow(delivered);
                true
            }
            None => false,
        }
    }

    /// Whether the guest has opened its cancellation channel.
    pub fn hears_cancellation(&self) -> bool {
        self.cancellation_channel.is_some()
    }

    /// A signal arrived: queued on its channel, or held until the guest opens one. Held signals
    /// count against the run's result-bytes cap like queued ones.
    pub fn signal(&mut self, name: &str, item: Vec<u8>) {
        let delivered = self.inbound.signal(&mut self.handles, name, item);
        self.record_overflow(delivered.map(|()| true));
    }

    /// An update arrived: queued on its channel, or held until the end of the activation for
    /// the guest to open one.
    pub fn update(&mut self, id: &str, name: &str, item: Vec<u8>) {
        let delivered = self.inbound.update(&mut self.handles, id, name, item);
        self.record_overflow(delivered.map(|()| true));
    }

    /// Ends the activation for updates: returns the ids of those whose channel the guest never
    /// opened, to be rejected.
    pub fn end_activation(&mut self) -> Vec<String> {
        self.inbound.end_activation()
    }

    fn record_overflow(&mut self, delivered: Result<bool, CapExceeded>) {
        if let Err(cap) = delivered
            && self.overflow.is_none()
        {
            self.overflow = Some(GuestBug::CapExceeded(cap));
        }
    }

    /// A cap exceeded while applying jobs, once.
    pub fn take_overflow(&mut self) -> Option<GuestBug> {
        self.overflow.take()
    }

    /// The calls made since the last collection, in call order.
    pub fn take_calls(&mut self) -> Vec<Call> {
        self.pending_bytes = 0;
        std::mem::take(&mut self.calls)
    }

    /// The handles `wait` is parked on, if the guest is parked.
    pub fn parked_on(&self) -> Option<&[Handle]> {
        self.parked_on.as_deref()
    }

    /// Signals that arrived but were never taken — held for a channel never opened, or queued
    /// on an open one — by name and count, for the log when a run ends.
    pub fn unconsumed_signals(&self) -> Vec<(String, usize)> {
        self.inbound.unconsumed_signals(&self.handles)
    }

    /// What queries see: published results, current details, open channels, pending commands.
    pub fn query_view(&self) -> QueryView {
        QueryView {
            results: self.published.results().clone(),
            current_details: self.published.current_details().to_owned(),
            signal_channels: self.inbound.signal_names(),
            update_channels: self.inbound.update_names(),
            pending: self
                .handles
                .pending()
                .map(|(handle, kind)| {
                    let description = match self.descriptions.get(&handle) {
                        Some(description) => description.render(handle),
                        None => format!("{kind} {handle}"),
                    };
                    (handle, description)
                })
                .collect(),
            parked_on: self.parked_on.clone(),
            waiting_on: self
                .parked_on
                .iter()
                .flatten()
                .map(|&handle| match self.descriptions.get(&handle) {
                    Some(description) => description.render(handle),
                    None => match self.handles.kind(handle) {
                        Some(kind) => format!("{kind} (handle {handle})"),
                        None => format!("handle {handle}"),
                    },
                })
                .collect(),
        }
    }

    /// Open update channel names, for the rejection of updates nobody listens for.
    pub fn update_channel_names(&self) -> Vec<String> {
        self.inbound.update_names()
    }
}

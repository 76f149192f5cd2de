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

use crate::abi::{Call, FAILURE_SOURCE, Failure, FailureKind, Handle, Resolution, UpdateAnswer};
use crate::sandbox::guest_bug::{CapExceeded, GuestBug};
use crate::sandbox::handles::{HandleKind, HandleTable};
use crate::sandbox::inbound::{Answer, Inbound};
use crate::sandbox::limits::InstanceLimits;
use crate::sandbox::published::{Published, QueryView};
use crate::sandbox::rng::DeterministicRng;

/// The shared state of one durable instance.
#[derive(Debug)]
pub struct DurableState {
    /// Every handle of the run.
    pub(crate) handles: HandleTable,
    /// Calls made since the host last collected them, in call order.
    calls: Vec<Call>,
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
    /// What each command handle is for, as `__stack_trace` shows it (`timer 3 (5000 ms)`).
    descriptions: BTreeMap<Handle, String>,
    /// The handles `wait` parked on, set when it parks and cleared when it resumes.
    parked_on: Option<Vec<Handle>>,
    /// A cap the host's deliveries exceeded; the run ends with it instead of resuming.
    overflow: Option<GuestBug>,
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
                    let description = self
                        .descriptions
                        .get(&handle)
                        .cloned()
                        .unwrap_or_else(|| format!("{kind} {handle}"));
                    (handle, description)
                })
                .collect(),
            parked_on: self.parked_on.clone(),
            waiting_on: self
                .parked_on
                .iter()
                .flatten()
                .map(|&handle| match self.descriptions.get(&handle) {
                    Some(description) => description.clone(),
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

    // --- The guest's side: what host calls do -------------------------------------------------

    /// Records a call for the activation's completion, within the per-activation cap.
    pub(crate) fn push_call(&mut self, call: Call) -> Result<(), GuestBug> {
        if self.calls.len() >= self.max_pending_commands as usize {
            return Err(GuestBug::CapExceeded(CapExceeded {
                what: format!(
                    "the guest issued {} commands in one activation without waiting",
                    self.calls.len() + 1
                ),
                limit: u64::from(self.max_pending_commands),
                unit: "",
                key: "max_pending_commands",
            }));
        }
        if let Call::StartTimer { handle, .. }
        | Call::StartActivity { handle, .. }
        | Call::StartHttpActivity { handle, .. }
        | Call::StartChildWorkflow { handle, .. }
        | Call::SignalExternal { handle, .. }
        | Call::CancelExternal { handle, .. } = &call
        {
            self.descriptions.insert(*handle, call.describe());
        }
        self.calls.push(call);
        Ok(())
    }

    /// Workflow time, for `now`.
    pub(crate) fn now_ms(&self) -> i64 {
        self.now_ms
    }

    /// Whether the current activation replays history, for `is_replaying` and logs.
    pub(crate) fn replaying(&self) -> bool {
        self.replaying
    }

    /// The next bytes of the run's random stream.
    pub(crate) fn fill_random(&mut self, bytes: &mut [u8]) {
        self.rng.fill(bytes);
    }

    /// Temporal's patch rule: outside replay every patch is taken (and recorded with a marker the
    /// first time); in replay, exactly those history recorded. One id gets one answer per run.
    pub(crate) fn patched(&mut self, patch_id: &str, deprecated: bool) -> Result<bool, GuestBug> {
        if let Some(&answer) = self.patch_answers.get(patch_id) {
            return Ok(answer);
        }
        let answer = !self.replaying || self.known_patches.contains(patch_id);
        if answer {
            self.push_call(Call::SetPatchMarker {
                patch_id: patch_id.to_owned(),
                deprecated,
            })?;
        }
        self.patch_answers.insert(patch_id.to_owned(), answer);
        Ok(answer)
    }

    /// Whether the workflow's cancellation was requested, for `complete_as_cancelled`.
    pub(crate) fn cancellation_requested(&self) -> bool {
        self.cancellation_requested
    }

    /// The cancellation channel, opened on first use; ready at once if cancellation was already
    /// requested.
    pub(crate) fn cancellation_channel(&mut self) -> Result<Handle, GuestBug> {
        if let Some(channel) = self.cancellation_channel {
            return Ok(channel);
        }
        let channel = self.handles.issue(HandleKind::Cancellation)?;
        self.cancellation_channel = Some(channel);
        if self.cancellation_requested {
            self.deliver(channel, Resolution::Completed(Vec::new()).to_json())?;
        }
        Ok(channel)
    }

    /// The channel of signals named `name`, opened on first use with every signal that arrived
    /// before it.
    pub(crate) fn signal_channel(&mut self, name: &str) -> Result<Handle, GuestBug> {
        self.inbound.signal_channel(&mut self.handles, name)
    }

    /// The channel of updates named `name`, opened on first use with the updates of this
    /// activation that were waiting for it.
    pub(crate) fn update_channel(&mut self, name: &str) -> Result<Handle, GuestBug> {
        self.inbound.update_channel(&mut self.handles, name)
    }

    /// `take_result`: the oldest result of `handle`; a taken update is the guest's to answer.
    pub(crate) fn take(&mut self, handle: Handle) -> Result<Vec<u8>, GuestBug> {
        let json = self.handles.take("take_result", handle)?;
        self.inbound.taken(handle);
        Ok(json)
    }

    /// `respond_update`: records the guest's answer to a taken update.
    pub(crate) fn respond_update(
        &mut self,
        update_id: String,
        answer: UpdateAnswer,
    ) -> Result<(), GuestBug> {
        let kind = match &answer {
            UpdateAnswer::Rejected(_) => Answer::Reject,
            UpdateAnswer::Completed(payloads) if payloads.len() > 1 => {
                return Err(GuestBug::BadRequest {
                    call: "respond_update",
                    problem: format!(
                        "completed has {} payloads, but an update's result is a single payload",
                        payloads.len()
                    ),
                });
            }
            _ => Answer::Finish,
        };
        self.inbound
            .answer(&update_id, kind)
            .map_err(|problem| GuestBug::BadRequest {
                call: "respond_update",
                problem,
            })?;
        self.push_call(Call::RespondUpdate { update_id, answer })
    }

    /// What the guest publishes for queries.
    pub(crate) fn published_mut(&mut self) -> &mut Published {
        &mut self.published
    }

    /// Cancels `handle` for `cancel`: a pending timer resolves as cancelled at once; a pending
    /// activity is asked to stop and resolves with what it reports. Cancelling a handle that is
    /// already resolved, or twice, does nothing.
    pub(crate) fn cancel(&mut self, handle: Handle) -> Result<(), GuestBug> {
        // Unknown and used-up handles are misuse, as everywhere.
        self.handles.is_ready("cancel", handle)?;
        let kind = self.handles.kind(handle).cloned();
        match kind {
            Some(
                HandleKind::Timer
                | HandleKind::Activity(_)
                | HandleKind::HttpActivity(_)
                | HandleKind::ChildWorkflow(_),
            ) => {}
            Some(kind) => {
                return Err(crate::sandbox::guest_bug::HandleMisuse::NotCancellable {
                    handle,
                    kind: kind.to_string(),
                }
                .into());
            }
            None => return Ok(()),
        }
        if !self.handles.is_pending(handle) || !self.handles.mark_cancel_requested(handle) {
            return Ok(());
        }
        if matches!(kind, Some(HandleKind::Timer)) {
            self.push_call(Call::CancelTimer { handle })?;
            let cancelled = Resolution::Cancelled(Failure {
                message: Some("timer cancelled by the workflow".to_owned()),
                kind: Some(FailureKind::Cancelled),
                source: Some(FAILURE_SOURCE.to_owned()),
                ..Default::default()
            });
            self.deliver(handle, cancelled.to_json())?;
        } else if matches!(kind, Some(HandleKind::ChildWorkflow(_))) {
            self.push_call(Call::CancelChildWorkflow { handle })?;
        } else {
            self.push_call(Call::RequestCancelActivity { handle })?;
        }
        Ok(())
    }

    /// `wait`'s check: the first ready handle of `set`, in the order given, or `None` after
    /// recording that the guest parks on `set`.
    pub(crate) fn first_ready(&mut self, set: Vec<Handle>) -> Result<Option<Handle>, GuestBug> {
        // Every handle is checked, not only those before the first ready one: a bad handle is
        // a bug whether or not another one happens to be ready this time.
        let mut first = None;
        for &handle in &set {
            if self.handles.is_ready("wait", handle)? && first.is_none() {
                first = Some(handle);
            }
        }
        if first.is_none() {
            self.parked_on = Some(set);
        }
        Ok(first)
    }

    /// The guest resumed from `wait`.
    pub(crate) fn unpark(&mut self) {
        self.parked_on = None;
    }
}

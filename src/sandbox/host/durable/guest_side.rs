//! The guest's side of [`DurableState`]: what each host call does to it (commands, time and
//! randomness, patches, channels, taking results, answering updates, cancelling, waiting).

use crate::abi::{Call, FAILURE_SOURCE, Failure, FailureKind, Handle, Resolution, UpdateAnswer};
use crate::sandbox::guest_bug::{CapExceeded, GuestBug};
use crate::sandbox::handles::HandleKind;
use crate::sandbox::inbound::Answer;
use crate::sandbox::published::Published;

use super::{Description, DurableState};

/// Most bytes the commands of one activation may take: gRPC's default message limit, which both
/// core's client and Temporal's frontend apply to the workflow task completion carrying them. A
/// completion over it is never delivered (core fails it, the task times out and is retried for
/// ever), so the guest is stopped at the call that would cross it instead.
pub const COMPLETION_BYTES_LIMIT: u64 = 4 << 20;

/// What one command adds to a completion beyond its request's JSON (sequence number, command
/// wrapper, default options), deliberately on the high side of what core encodes.
const COMMAND_OVERHEAD_BYTES: u64 = 64;

impl DurableState {
    /// Records a call for the activation's completion, within the per-activation caps: the
    /// count of commands, and their size, estimated from the length of the guest's request
    /// (`request_len`, its payloads counted raw) so that the host never holds more than one
    /// completion can carry.
    pub(crate) fn push_call(&mut self, call: Call, request_len: u32) -> Result<(), GuestBug> {
        let raw_len = u64::from(request_len).saturating_sub(call.base64_overhead() as u64);
        let pending_bytes = self
            .pending_bytes
            .saturating_add(raw_len + COMMAND_OVERHEAD_BYTES);
        if pending_bytes > COMPLETION_BYTES_LIMIT {
            return Err(GuestBug::CompletionTooLarge {
                commands: self.calls.len() + 1,
                bytes: pending_bytes,
                limit: COMPLETION_BYTES_LIMIT,
            });
        }
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
        if let Call::StartTimer { handle, request } = &call {
            // The commonest command formats nothing unless a query asks.
            let duration = Description::Timer(request.duration_ms);
            self.descriptions.insert(*handle, duration);
        } else if let Call::StartActivity { handle, .. }
        | Call::StartHttpActivity { handle, .. }
        | Call::StartChildWorkflow { handle, .. }
        | Call::SignalExternal { handle, .. }
        | Call::CancelExternal { handle, .. } = &call
        {
            self.descriptions
                .insert(*handle, Description::Text(call.describe()));
        }
        self.calls.push(call);
        self.pending_bytes = pending_bytes;
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
            self.push_call(
                Call::SetPatchMarker {
                    patch_id: patch_id.to_owned(),
                    deprecated,
                },
                patch_id.len() as u32,
            )?;
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
        answer_len: u32,
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
        let request_len = answer_len.saturating_add(update_id.len() as u32);
        self.push_call(Call::RespondUpdate { update_id, answer }, request_len)
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
            self.push_call(Call::CancelTimer { handle }, 0)?;
            let cancelled = Resolution::Cancelled(Failure {
                message: Some("timer cancelled by the workflow".to_owned()),
                kind: Some(FailureKind::Cancelled),
                source: Some(FAILURE_SOURCE.to_owned()),
                ..Default::default()
            });
            self.deliver(handle, cancelled.to_json())?;
        } else if matches!(kind, Some(HandleKind::ChildWorkflow(_))) {
            self.push_call(Call::CancelChildWorkflow { handle }, 0)?;
        } else {
            self.push_call(Call::RequestCancelActivity { handle }, 0)?;
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

//! Virtual time and activations. Everything that is to happen (a command's result, a signal, an
//! update, the workflow's cancellation) waits on the timeline as an [`Event`] at a point of
//! virtual time; when the workflow blocks, the activation ends ([`TestHost::park`]) and the next
//! one applies the earliest events, moving the clock to them ([`TestHost::advance`]).

use std::panic::resume_unwind;

use serde_json::json;

use super::TestHost;
use super::report::{Ending, UpdateVerdict};
use super::run::RunEnded;
use super::state::UpdateRecord;
use crate::Failure;
use crate::payload::Payload;

/// What happens at a point of virtual time.
#[derive(Debug)]
pub(super) enum Event {
    /// A command's result arrives (ignored if it resolved already).
    Resolve(u32, Vec<u8>),
    /// A signal arrives.
    Signal(String, Vec<Payload>),
    /// An update arrives.
    Update(String, String, Vec<Payload>),
    /// Cancellation of the workflow is requested.
    CancelWorkflow,
}

impl TestHost {
    /// Puts `event` on the timeline at `at`; events due at the same time apply in the order
    /// they were scheduled.
    pub(super) fn schedule(&mut self, at: i64, event: Event) {
        self.timeline.push((at, self.next_event, event));
        self.next_event += 1;
    }

    /// The end of an activation: the verdict on its updates, and an unheard cancellation.
    pub(super) fn park(&mut self) {
        let activation = self.activation;
        let open: Vec<&str> = self.update_channels.keys().map(String::as_str).collect();
        let open = if open.is_empty() {
            "none".to_owned()
        } else {
            open.join(", ")
        };
        for record in &mut self.updates {
            if record.activation != activation || record.verdict.is_some() {
                continue;
            }
            record.verdict = Some(if record.delivered {
                UpdateVerdict::Accepted
            } else {
                let message = format!(
                    "update `{}` was rejected: no update channel named `{}` is open (open update \
                     channels: {open})",
                    record.name, record.name
                );
                UpdateVerdict::Rejected(Failure::new(message))
            });
        }
        if self.cancel_requested && self.cancellation_channel.is_none() {
            self.ending = Some(Ending::Cancelled(Vec::new()));
            // Release the borrow of the host before unwinding out of the workflow.
            resume_unwind(Box::new(RunEnded));
        }
    }

    /// Applies every event due at or before `at`, in order.
    pub(super) fn apply_due(&mut self, at: i64) {
        self.timeline.sort_by_key(|&(time, seq, _)| (time, seq));
        let due = self.timeline.partition_point(|&(time, _, _)| time <= at);
        let events: Vec<_> = self.timeline.drain(..due).collect();
        for (_, _, event) in events {
            self.apply(event);
        }
    }

    /// The next activation: the earliest events, with the clock moved to them.
    pub(super) fn advance(&mut self) -> bool {
        let Some(at) = self.timeline.iter().map(|&(time, _, _)| time).min() else {
            return false;
        };
        self.activation += 1;
        self.now_millis = self.now_millis.max(at);
        self.apply_due(at);
        true
    }

    /// Makes one event happen: a result or channel item becomes ready, or waits for its
    /// channel.
    fn apply(&mut self, event: Event) {
        match event {
            Event::Resolve(handle, json) => {
                let slot = &mut self.handles[handle as usize - 1];
                if slot.pending {
                    slot.pending = false;
                    slot.items.push_back(json);
                }
            }
            Event::Signal(name, args) => {
                let item = json!({ "completed": args }).to_string().into_bytes();
                match self.signal_channels.get(&name) {
                    Some(&handle) => self.handles[handle as usize - 1].items.push_back(item),
                    None => self.held_signals.entry(name).or_default().push_back(item),
                }
            }
            Event::Update(id, name, args) => {
                let channel = self.update_channels.get(&name).copied();
                self.update_args.insert(id.clone(), args);
                self.updates.push(UpdateRecord {
                    id: id.clone(),
                    name,
                    activation: self.activation,
                    delivered: channel.is_some(),
                    taken: false,
                    verdict: None,
                    answer: None,
                });
                if let Some(handle) = channel {
                    let item = self.update_item(&id);
                    self.handles[handle as usize - 1].items.push_back(item);
                }
            }
            Event::CancelWorkflow => {
                self.cancel_requested = true;
                if let Some(handle) = self.cancellation_channel {
                    let slot = &mut self.handles[handle as usize - 1];
                    if slot.items.is_empty() {
                        slot.items.push_back(b"{\"completed\":[]}".to_vec());
                    }
                }
            }
        }
    }
}

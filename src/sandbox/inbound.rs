//! What others send a durable run — signals and updates — on their way to the guest's channels.
//!
//! A signal or update for a name whose channel is open is queued on it at once. Signals for a
//! name the guest has not opened yet are held (counting against the result-bytes cap) and
//! delivered, oldest first, when it does. An update must be answered in the activation it
//! arrives in, so one whose channel is still not open when the guest parks is handed back to be
//! rejected. The book of updates lets `respond_update` tell a taken update from one never taken,
//! one already answered, or one no longer open to rejection.

use std::collections::{BTreeMap, VecDeque};

use crate::abi::Handle;
use crate::sandbox::guest_bug::{CapExceeded, GuestBug};
use crate::sandbox::handles::{HandleKind, HandleTable};

/// Where one update stands, from the guest's side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum UpdateStage {
    /// Queued on its channel (or held for it), not taken yet.
    Queued,
    /// Taken; no answer yet.
    Taken,
    /// Answered with `respond_update`.
    Answered,
}

#[derive(Debug)]
struct Update {
    stage: UpdateStage,
    /// Whether it arrived in the current activation (it can still be rejected).
    arrived_now: bool,
}

/// What `respond_update` may do with an update.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Complete or fail it.
    Finish,
    /// Reject it (the validator).
    Reject,
}

/// The signal and update channels of one run and what waits for them.
#[derive(Debug, Default)]
pub struct Inbound {
    signal_channels: BTreeMap<String, Handle>,
    /// Signals for names without an open channel, oldest first per name.
    early_signals: BTreeMap<String, VecDeque<Vec<u8>>>,
    /// Bytes of `early_signals`, held against the result-bytes cap.
    early_bytes: u64,
    update_channels: BTreeMap<String, Handle>,
    /// Ids of the updates queued on each update channel, oldest first, matching its items.
    update_queues: BTreeMap<Handle, VecDeque<String>>,
    /// Updates of this activation whose channel is not open: name, id, item.
    early_updates: Vec<(String, String, Vec<u8>)>,
    updates: BTreeMap<String, Update>,
}

impl Inbound {
    /// Bytes held for channels not yet opened.
    pub fn held_bytes(&self) -> u64 {
        self.early_bytes
            + self
                .early_updates
                .iter()
                .map(|(_, _, item)| item.len() as u64)
                .sum::<u64>()
    }

    /// A signal arrived.
    pub fn signal(
        &mut self,
        handles: &mut HandleTable,
        name: &str,
        item: Vec<u8>,
    ) -> Result<(), CapExceeded> {
        if let Some(&channel) = self.signal_channels.get(name) {
            let also_held = self.held_bytes();
            handles.deliver(channel, item, also_held)?;
            return Ok(());
        }
        let held = handles.held_bytes() + self.held_bytes() + item.len() as u64;
        if held > handles.max_result_bytes() {
            return Err(CapExceeded {
                what: format!(
                    "signals for channels the guest never opened (latest: `{name}`) and results \
                     not yet taken would hold {held} bytes"
                ),
                limit: handles.max_result_bytes(),
                unit: " bytes",
                key: "max_result_mib",
            });
        }
        self.early_bytes += item.len() as u64;
        self.early_signals
            .entry(name.to_owned())
            .or_default()
            .push_back(item);
        Ok(())
    }

    /// The channel of signals named `name`, opened on first use with the signals held for it.
    pub fn signal_channel(
        &mut self,
        handles: &mut HandleTable,
        name: &str,
    ) -> Result<Handle, GuestBug> {
        if let Some(&channel) = self.signal_channels.get(name) {
            return Ok(channel);
        }
        let channel = handles.issue(HandleKind::Signal(name.to_owned()))?;
        self.signal_channels.insert(name.to_owned(), channel);
        for item in self.early_signals.remove(name).unwrap_or_default() {
            self.early_bytes -= item.len() as u64;
            let also_held = self.held_bytes();
            handles.deliver(channel, item, also_held)?;
        }
        Ok(channel)
    }

    /// An update `id` named `name` arrived, its item being what `take_result` will yield.
    pub fn update(
        &mut self,
        handles: &mut HandleTable,
        id: &str,
        name: &str,
        item: Vec<u8>,
    ) -> Result<(), CapExceeded> {
        self.updates.insert(
            id.to_owned(),
            Update {
                stage: UpdateStage::Queued,
                arrived_now: true,
            },
        );
        match self.update_channels.get(name) {
            Some(&channel) => {
                let also_held = self.held_bytes();
                handles.deliver(channel, item, also_held)?;
                self.update_queues
                    .entry(channel)
                    .or_default()
                    .push_back(id.to_owned());
            }
            None => self
                .early_updates
                .push((name.to_owned(), id.to_owned(), item)),
        }
        Ok(())
    }

    /// The channel of updates named `name`, opened on first use with the updates of this
    /// activation that were waiting for it.
    pub fn update_channel(
        &mut self,
        handles: &mut HandleTable,
        name: &str,
    ) -> Result<Handle, GuestBug> {
        if let Some(&channel) = self.update_channels.get(name) {
            return Ok(channel);
        }
        let channel = handles.issue(HandleKind::Update(name.to_owned()))?;
        self.update_channels.insert(name.to_owned(), channel);
        let (mine, others) = std::mem::take(&mut self.early_updates)
            .into_iter()
            .partition::<Vec<_>, _>(|(update_name, _, _)| update_name == name);
        self.early_updates = others;
        for (_, id, item) in mine {
            let also_held = self.held_bytes();
            handles.deliver(channel, item, also_held)?;
            self.update_queues.entry(channel).or_default().push_back(id);
        }
        Ok(channel)
    }

    /// The guest took the oldest item of `channel`; if it is an update channel, that update is
    /// now the guest's to answer.
    pub fn taken(&mut self, channel: Handle) {
        let Some(id) = self
            .update_queues
            .get_mut(&channel)
            .and_then(VecDeque::pop_front)
        else {
            return;
        };
        if let Some(update) = self.updates.get_mut(&id) {
            update.stage = UpdateStage::Taken;
        }
    }

    /// Records the guest's answer to update `id`, or says why it cannot give it.
    pub fn answer(&mut self, id: &str, answer: Answer) -> Result<(), String> {
        let Some(update) = self.updates.get_mut(id) else {
            return Err(format!("no update with id `{id}` has reached this run"));
        };
        match update.stage {
            UpdateStage::Queued => {
                return Err(format!(
                    "update `{id}` was never taken from its channel: take it with take_result \
                     before answering it"
                ));
            }
            UpdateStage::Answered => return Err(format!("update `{id}` was already answered")),
            UpdateStage::Taken => {}
        }
        if answer == Answer::Reject && !update.arrived_now {
            return Err(format!(
                "update `{id}` was accepted when the activation it arrived in ended; it can no \
                 longer be rejected, only completed or failed"
            ));
        }
        update.stage = UpdateStage::Answered;
        Ok(())
    }

    /// Ends an activation: updates that arrived in it are no longer open to rejection, and those
    /// whose channel was never opened are handed back (their ids) to be rejected.
    pub fn end_activation(&mut self) -> Vec<String> {
        for update in self.updates.values_mut() {
            update.arrived_now = false;
        }
        let unheard: Vec<String> = std::mem::take(&mut self.early_updates)
            .into_iter()
            .map(|(_, id, _)| id)
            .collect();
        for id in &unheard {
            self.updates.remove(id);
        }
        unheard
    }

    /// Names of the open signal channels.
    pub fn signal_names(&self) -> Vec<String> {
        self.signal_channels.keys().cloned().collect()
    }

    /// Names of the open update channels.
    pub fn update_names(&self) -> Vec<String> {
        self.update_channels.keys().cloned().collect()
    }

    /// Signals never taken — held for an unopened channel or queued on an open one — by name
    /// and count.
    pub fn unconsumed_signals(&self, handles: &HandleTable) -> Vec<(String, usize)> {
        let mut unconsumed: BTreeMap<String, usize> = self
            .early_signals
            .iter()
            .map(|(name, items)| (name.clone(), items.len()))
            .collect();
        for (name, &channel) in &self.signal_channels {
            *unconsumed.entry(name.clone()).or_default() += handles.queued(channel);
        }
        unconsumed
            .into_iter()
            .filter(|(_, count)| *count > 0)
            .collect()
    }
}

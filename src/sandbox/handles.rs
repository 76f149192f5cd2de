//! The handles of one durable run: what each one is for, and whether its result is pending,
//! ready or taken.
//!
//! Handles are assigned in call order from 1, so a replay of the same code gets the same handles.
//! A command's handle (timer, activity) resolves once; a channel's handle (cancellation, signals)
//! holds a queue and is ready whenever the queue is not empty. Results are kept as the exact JSON
//! `take_result` writes, so `result_len` and `take_result` agree by construction. Every misuse is
//! a [`HandleMisuse`] naming the call and the handle.

use std::collections::VecDeque;
use std::fmt;

use crate::abi::Handle;
use crate::sandbox::guest_bug::{CapExceeded, HandleMisuse};

/// What a handle stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HandleKind {
    /// A durable timer.
    Timer,
    /// An activity, with its type for messages.
    Activity(String),
    /// The workflow's cancellation channel.
    Cancellation,
    /// The channel of the signals of one name.
    Signal(String),
    /// The channel of the updates of one name.
    Update(String),
    /// An HTTP activity, with its method and URL.
    HttpActivity(String),
    /// A child workflow, with its type.
    ChildWorkflow(String),
    /// A signal to another workflow, with the signal's name.
    ExternalSignal(String),
    /// A cancellation request to another workflow, with its id.
    ExternalCancel(String),
}

impl HandleKind {
    /// Whether the handle holds a queue of items rather than one result.
    pub fn is_channel(&self) -> bool {
        matches!(
            self,
            HandleKind::Cancellation | HandleKind::Signal(_) | HandleKind::Update(_)
        )
    }
}

impl fmt::Display for HandleKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandleKind::Timer => f.write_str("a timer"),
            HandleKind::Activity(activity_type) => write!(f, "activity {activity_type}"),
            HandleKind::Cancellation => f.write_str("the cancellation channel"),
            HandleKind::Signal(name) => write!(f, "signal channel `{name}`"),
            HandleKind::Update(name) => write!(f, "update channel `{name}`"),
            HandleKind::ChildWorkflow(workflow_type) => write!(f, "child workflow {workflow_type}"),
            HandleKind::HttpActivity(request) => write!(f, "HTTP activity {request}"),
            HandleKind::ExternalSignal(name) => write!(f, "external signal `{name}`"),
            HandleKind::ExternalCancel(id) => write!(f, "cancellation of workflow {id}"),
        }
    }
}

/// Where a handle's result stands.
#[derive(Debug)]
enum Slot {
    /// Waiting for Temporal (a channel with an empty queue is also pending).
    Pending,
    /// Results ready to take, oldest first (exactly one for a command).
    Ready(VecDeque<Vec<u8>>),
    /// A command whose result was taken.
    Taken,
}

#[derive(Debug)]
struct Entry {
    kind: HandleKind,
    slot: Slot,
    cancel_requested: bool,
}

/// The handles of one run, with the caps on how many there may be and how many result bytes
/// they may hold.
#[derive(Debug)]
pub struct HandleTable {
    entries: Vec<Entry>,
    held_bytes: u64,
    max_handles: u32,
    max_result_bytes: u64,
}

impl HandleTable {
    /// An empty table with the run's caps.
    pub fn new(max_handles: u32, max_result_bytes: u64) -> HandleTable {
        HandleTable {
            entries: Vec::new(),
            held_bytes: 0,
            max_handles,
            max_result_bytes,
        }
    }

    /// Issues the next handle for `kind`.
    pub fn issue(&mut self, kind: HandleKind) -> Result<Handle, CapExceeded> {
        if self.entries.len() >= self.max_handles as usize {
            return Err(CapExceeded {
                what: format!("the run asked for handle {}", self.entries.len() + 1),
                limit: u64::from(self.max_handles),
                unit: "",
                key: "max_handles",
            });
        }
        self.entries.push(Entry {
            kind,
            slot: Slot::Pending,
            cancel_requested: false,
        });
        Ok(self.issued())
    }

    /// How many handles have been issued (they are `1..=issued`).
    pub fn issued(&self) -> Handle {
        // The cap keeps the count far below u32::MAX.
        u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
    }

    fn entry(&self, call: &'static str, handle: Handle) -> Result<&Entry, HandleMisuse> {
        let index = (handle as usize).checked_sub(1);
        index
            .and_then(|index| self.entries.get(index))
            .ok_or(HandleMisuse::Unknown {
                call,
                handle,
                issued: self.issued(),
            })
    }

    fn entry_mut(
        &mut self,
        call: &'static str,
        handle: Handle,
    ) -> Result<&mut Entry, HandleMisuse> {
        let issued = self.issued();
        (handle as usize)
            .checked_sub(1)
            .and_then(|index| self.entries.get_mut(index))
            .ok_or(HandleMisuse::Unknown {
                call,
                handle,
                issued,
            })
    }

    /// Bytes of results and channel items delivered but not yet taken.
    pub fn held_bytes(&self) -> u64 {
        self.held_bytes
    }

    /// The cap on [`HandleTable::held_bytes`].
    pub fn max_result_bytes(&self) -> u64 {
        self.max_result_bytes
    }

    /// What `handle` is for, if the run issued it.
    pub fn kind(&self, handle: Handle) -> Option<&HandleKind> {
        self.entry("", handle).ok().map(|entry| &entry.kind)
    }

    /// Whether `handle` has a result to take; a handle that was never issued, or whose result was
    /// taken, is a misuse.
    pub fn is_ready(&self, call: &'static str, handle: Handle) -> Result<bool, HandleMisuse> {
        let entry = self.entry(call, handle)?;
        match &entry.slot {
            Slot::Pending => Ok(false),
            Slot::Ready(items) => Ok(!items.is_empty()),
            Slot::Taken => Err(HandleMisuse::Consumed {
                call,
                handle,
                kind: entry.kind.to_string(),
            }),
        }
    }

    /// The JSON of the oldest ready result of `handle`.
    pub fn peek(&self, call: &'static str, handle: Handle) -> Result<&[u8], HandleMisuse> {
        let entry = self.entry(call, handle)?;
        match &entry.slot {
            Slot::Ready(items) if !items.is_empty() => Ok(&items[0]),
            Slot::Taken => Err(HandleMisuse::Consumed {
                call,
                handle,
                kind: entry.kind.to_string(),
            }),
            _ => Err(HandleMisuse::NotReady {
                call,
                handle,
                kind: entry.kind.to_string(),
            }),
        }
    }

    /// Takes the oldest ready result of `handle`; a command's handle is then used up.
    pub fn take(&mut self, call: &'static str, handle: Handle) -> Result<Vec<u8>, HandleMisuse> {
        self.peek(call, handle)?;
        let entry = self.entry_mut(call, handle)?;
        let is_channel = entry.kind.is_channel();
        let Slot::Ready(items) = &mut entry.slot else {
            unreachable!("peek checked the handle is ready");
        };
        let json = items.pop_front().unwrap_or_default();
        if !is_channel {
            entry.slot = Slot::Taken;
        }
        self.held_bytes -= json.len() as u64;
        Ok(json)
    }

    /// Records that the guest asked to cancel `handle`; `false` if it already had.
    pub fn mark_cancel_requested(&mut self, handle: Handle) -> bool {
        match self.entry_mut("cancel", handle) {
            Ok(entry) => !std::mem::replace(&mut entry.cancel_requested, true),
            Err(_) => false,
        }
    }

    /// Whether `handle` is a command still waiting for Temporal.
    pub fn is_pending(&self, handle: Handle) -> bool {
        self.entry("", handle)
            .is_ok_and(|entry| matches!(entry.slot, Slot::Pending) && !entry.kind.is_channel())
    }

    /// Delivers a command's result, or one more item of a channel; `also_held` is what the run
    /// holds elsewhere against the same cap (signals for unopened channels). A command that is
    /// no longer pending (a timer the guest cancelled, then fired by a late job) keeps its first
    /// result: returns `Ok(false)`.
    pub fn deliver(
        &mut self,
        handle: Handle,
        json: Vec<u8>,
        also_held: u64,
    ) -> Result<bool, CapExceeded> {
        let held = self.held_bytes + also_held + json.len() as u64;
        let max_result_bytes = self.max_result_bytes;
        let Ok(entry) = self.entry_mut("", handle) else {
            return Ok(false);
        };
        let is_channel = entry.kind.is_channel();
        match &mut entry.slot {
            Slot::Pending => {}
            Slot::Ready(_) if is_channel => {}
            _ => return Ok(false),
        }
        if held > max_result_bytes {
            return Err(CapExceeded {
                what: format!(
                    "results and channel items not yet taken would hold {held} bytes (handle \
                     {handle}, {})",
                    entry.kind
                ),
                limit: max_result_bytes,
                unit: " bytes",
                key: "max_result_mib",
            });
        }
        match &mut entry.slot {
            Slot::Ready(items) => items.push_back(json),
            slot => *slot = Slot::Ready(VecDeque::from([json])),
        }
        self.held_bytes = held;
        Ok(true)
    }

    /// How many items `handle` holds ready (0 for a handle that is not ready).
    pub fn queued(&self, handle: Handle) -> usize {
        match self.entry("", handle).map(|entry| &entry.slot) {
            Ok(Slot::Ready(items)) => items.len(),
            _ => 0,
        }
    }

    /// Handles of commands still waiting for Temporal, with what they are for: what the guest
    /// is blocked on.
    pub fn pending(&self) -> impl Iterator<Item = (Handle, &HandleKind)> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, entry)| matches!(entry.slot, Slot::Pending) && !entry.kind.is_channel())
            .map(|(index, entry)| (index as Handle + 1, &entry.kind))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> HandleTable {
        HandleTable::new(3, 100)
    }

    #[test]
    fn handles_are_assigned_in_call_order_from_one() {
        let mut handles = table();
        assert_eq!(handles.issue(HandleKind::Timer), Ok(1));
        assert_eq!(handles.issue(HandleKind::Timer), Ok(2));
        assert_eq!(handles.issued(), 2);
    }

    #[test]
    fn a_handle_over_the_cap_names_the_key() {
        let mut handles = table();
        for _ in 0..3 {
            handles.issue(HandleKind::Timer).unwrap();
        }
        let err = handles.issue(HandleKind::Timer).unwrap_err();
        assert_eq!(err.key, "max_handles");
        assert!(err.to_string().contains("handle 4"), "{err}");
    }

    #[test]
    fn a_command_resolves_once_and_is_used_up_by_take() {
        let mut handles = table();
        let timer = handles.issue(HandleKind::Timer).unwrap();
        assert_eq!(handles.is_ready("is_ready", timer), Ok(false));
        assert_eq!(handles.deliver(timer, b"{}".to_vec(), 0), Ok(true));
        assert_eq!(handles.deliver(timer, b"[]".to_vec(), 0), Ok(false));
        assert_eq!(handles.take("take_result", timer).unwrap(), b"{}");
        assert!(matches!(
            handles.is_ready("is_ready", timer),
            Err(HandleMisuse::Consumed { .. })
        ));
    }

    #[test]
    fn a_channel_queues_items_and_stays_usable() {
        let mut handles = table();
        let channel = handles.issue(HandleKind::Cancellation).unwrap();
        handles.deliver(channel, b"1".to_vec(), 0).unwrap();
        handles.deliver(channel, b"2".to_vec(), 0).unwrap();
        assert_eq!(handles.take("take_result", channel).unwrap(), b"1");
        assert_eq!(handles.take("take_result", channel).unwrap(), b"2");
        assert_eq!(handles.is_ready("is_ready", channel), Ok(false));
    }

    #[test]
    fn unknown_handles_are_misuse_naming_the_call() {
        let handles = table();
        let err = handles.is_ready("wait", 0).unwrap_err();
        assert_eq!(
            err,
            HandleMisuse::Unknown {
                call: "wait",
                handle: 0,
                issued: 0
            }
        );
        assert!(handles.peek("result_len", 7).is_err());
    }

    #[test]
    fn held_result_bytes_are_capped_and_given_back_by_take() {
        let mut handles = table();
        let a = handles.issue(HandleKind::Cancellation).unwrap();
        handles.deliver(a, vec![b'x'; 60], 0).unwrap();
        assert_eq!(
            handles.deliver(a, vec![b'y'; 60], 0).unwrap_err().key,
            "max_result_mib"
        );
        handles.take("take_result", a).unwrap();
        assert_eq!(handles.deliver(a, vec![b'y'; 60], 0), Ok(true));
    }
}

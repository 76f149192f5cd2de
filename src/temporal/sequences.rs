//! The two numberings of a run's commands: the guest's handles (one sequence across every kind,
//! from 1) and core's sequence numbers (one per kind of command). Core's jobs name a timer or an
//! activity by its sequence number; the guest waits on its handle.

use std::collections::HashMap;

use crate::abi::Handle;

/// The kinds of command that core numbers separately.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CommandKind {
    /// `StartTimer` / `FireTimer`.
    Timer,
    /// `ScheduleActivity` / `ResolveActivity`.
    Activity,
    /// `ScheduleLocalActivity` / `ResolveActivity { is_local }`.
    LocalActivity,
    /// `StartChildWorkflowExecution` / `ResolveChildWorkflowExecution(Start)`.
    ChildWorkflow,
    /// `SignalExternalWorkflowExecution` / `ResolveSignalExternalWorkflow`.
    SignalExternal,
    /// `RequestCancelExternalWorkflowExecution` / `ResolveRequestCancelExternalWorkflow`.
    CancelExternal,
}

/// The handle ↔ sequence-number tables of one run.
#[derive(Debug, Default)]
pub struct Sequences {
    next: HashMap<CommandKind, u32>,
    by_handle: HashMap<Handle, (CommandKind, u32)>,
    by_seq: HashMap<(CommandKind, u32), Handle>,
}

impl Sequences {
    /// Numbers a new command of `kind` for `handle`; the same calls in the same order get the
    /// same numbers on every replay.
    pub fn assign(&mut self, kind: CommandKind, handle: Handle) -> u32 {
        let next = self.next.entry(kind).or_insert(1);
        let seq = *next;
        *next += 1;
        self.by_handle.insert(handle, (kind, seq));
        self.by_seq.insert((kind, seq), handle);
        seq
    }

    /// Numbers a command of `kind` the host issues itself (a local activity's backoff timer),
    /// with no guest handle behind it.
    pub fn assign_host(&mut self, kind: CommandKind) -> u32 {
        let next = self.next.entry(kind).or_insert(1);
        let seq = *next;
        *next += 1;
        seq
    }

    /// The sequence number of `handle`'s command.
    pub fn seq_of(&self, handle: Handle) -> Option<u32> {
        self.by_handle.get(&handle).map(|(_, seq)| *seq)
    }

    /// The kind of `handle`'s command.
    pub fn kind_of(&self, handle: Handle) -> Option<CommandKind> {
        self.by_handle.get(&handle).map(|(kind, _)| *kind)
    }

    /// The handle of the command of `kind` numbered `seq`.
    pub fn handle_of(&self, kind: CommandKind, seq: u32) -> Option<Handle> {
        self.by_seq.get(&(kind, seq)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_numbered_on_its_own_from_one() {
        let mut sequences = Sequences::default();
        assert_eq!(sequences.assign(CommandKind::Timer, 1), 1);
        assert_eq!(sequences.assign(CommandKind::Activity, 2), 1);
        assert_eq!(sequences.assign(CommandKind::Timer, 3), 2);
        assert_eq!(sequences.handle_of(CommandKind::Timer, 2), Some(3));
        assert_eq!(sequences.handle_of(CommandKind::Activity, 1), Some(2));
        assert_eq!(sequences.seq_of(3), Some(2));
        assert_eq!(sequences.handle_of(CommandKind::Activity, 2), None);
    }
}

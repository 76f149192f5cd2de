//! Local activities (HTTP activities with `"local": true`) from the workflow's side.
//!
//! Core runs a local activity's retries itself while they are short, and otherwise asks the
//! workflow to back off (`DoBackoff`): to wait on a timer of its own and schedule the activity
//! again with the next attempt number. That timer is the host's, not the guest's — the guest
//! just keeps waiting on its handle — so this book keeps each local activity's schedule command
//! and the host timers waiting out a backoff.

use std::collections::HashMap;

use temporalio_common::protos::coresdk::activity_result::DoBackoff;
use temporalio_common::protos::coresdk::workflow_commands::{
    CancelTimer, RequestCancelLocalActivity, ScheduleLocalActivity, StartTimer, WorkflowCommand,
    workflow_command::Variant as Command,
};

use crate::abi::Handle;
use crate::temporal::sequences::{CommandKind, Sequences};

/// The local activities of one run.
#[derive(Debug, Default)]
pub struct LocalActivities {
    /// Each pending local activity's schedule command, by the guest's handle.
    scheduled: HashMap<Handle, ScheduleLocalActivity>,
    /// Host timers waiting out a backoff: timer sequence number → the activity's handle.
    backoffs: HashMap<u32, Handle>,
}

/// What cancelling a local activity takes.
pub enum Cancel {
    /// Ask core to cancel it.
    Request(WorkflowCommand),
    /// It was waiting out a backoff: cancel the host's timer; the guest's handle resolves as
    /// cancelled at once.
    DuringBackoff(WorkflowCommand),
}

impl LocalActivities {
    /// Notes a local activity the guest scheduled.
    pub fn scheduled(&mut self, handle: Handle, command: &WorkflowCommand) {
        if let Some(Command::ScheduleLocalActivity(schedule)) = &command.variant {
            self.scheduled.insert(handle, schedule.clone());
        }
    }

    /// The local activity of `handle` resolved for good.
    pub fn resolved(&mut self, handle: Handle) {
        self.scheduled.remove(&handle);
    }

    /// Core asked to back off before the next attempt of `handle`'s activity: the host's timer.
    pub fn back_off(
        &mut self,
        sequences: &mut Sequences,
        handle: Handle,
        backoff: DoBackoff,
    ) -> Option<WorkflowCommand> {
        let schedule = self.scheduled.get_mut(&handle)?;
        schedule.attempt = backoff.attempt;
        schedule.original_schedule_time = backoff.original_schedule_time;
        let seq = sequences.assign_host(CommandKind::Timer);
        self.backoffs.insert(seq, handle);
        Some(
            Command::StartTimer(StartTimer {
                seq,
                start_to_fire_timeout: backoff.backoff_duration,
            })
            .into(),
        )
    }

    /// A host timer fired: the activity it waited for is scheduled again, with a new sequence
    /// number that resolves the same handle. `None` if the timer is not a backoff's.
    pub fn timer_fired(
        &mut self,
        sequences: &mut Sequences,
        timer_seq: u32,
    ) -> Option<WorkflowCommand> {
        let handle = self.backoffs.remove(&timer_seq)?;
        let schedule = self.scheduled.get_mut(&handle)?;
        schedule.seq = sequences.assign(CommandKind::LocalActivity, handle);
        Some(Command::ScheduleLocalActivity(schedule.clone()).into())
    }

    /// Whether `timer_seq` is one of the host's backoff timers.
    pub fn is_backoff_timer(&self, timer_seq: u32) -> bool {
        self.backoffs.contains_key(&timer_seq)
    }

    /// How to cancel `handle`'s local activity, or `None` if it is not one.
    pub fn cancel(&mut self, sequences: &Sequences, handle: Handle) -> Option<Cancel> {
        let schedule = self.scheduled.get(&handle)?;
        if let Some((&timer_seq, _)) = self.backoffs.iter().find(|(_, h)| **h == handle) {
            self.backoffs.remove(&timer_seq);
            self.scheduled.remove(&handle);
            return Some(Cancel::DuringBackoff(
                Command::CancelTimer(CancelTimer { seq: timer_seq }).into(),
            ));
        }
        let seq = sequences.seq_of(handle).unwrap_or(schedule.seq);
        Some(Cancel::Request(
            Command::RequestCancelLocalActivity(RequestCancelLocalActivity { seq }).into(),
        ))
    }
}

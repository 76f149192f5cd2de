//! How a run's activation becomes its completion: the guest's calls as commands (after the
//! verdicts on this activation's updates), and the end of the run — the terminal command, a
//! failed task for a guest bug, the answers owed to open updates, and the ending of a run whose
//! cancellation the guest could not hear.

use std::sync::Arc;

use temporalio_common::protos::coresdk::workflow_commands::{
    CancelWorkflowExecution, WorkflowCommand, workflow_command::Variant as Command,
};
use temporalio_common::protos::coresdk::workflow_completion::{
    self, WorkflowActivationCompletion, workflow_activation_completion,
};

use crate::abi::{self, Call, GuestOutcome};
use crate::convert;
use crate::metrics::RunOutcome;
use crate::sandbox::GuestBug;
use crate::sandbox::instance::{self, Step};
use crate::temporal::ending;
use crate::temporal::local_activities::Cancel;
use crate::temporal::sequences::CommandKind;

use super::{Activated, Finished, Guest, WorkflowRun};

impl WorkflowRun {
    /// Turns where the guest stopped into the activation's completion. A cancellation the host
    /// resolves itself (a local activity waiting out a backoff) resumes the guest again, in the
    /// same activation, so it never waits on a handle nothing will resolve.
    pub(super) fn complete(&mut self, mut step: Step, answers: Vec<Command>) -> Activated {
        let mut commands = std::mem::take(&mut self.host_commands);
        let outcome = loop {
            let (calls, outcome) = match step {
                Step::Blocked { calls } => (calls, None),
                Step::Ended { calls, outcome } => (calls, Some(outcome)),
            };
            commands.extend(self.commands_with_update_responses(calls));
            let resolutions = std::mem::take(&mut self.host_resolutions);
            match (&mut self.guest, outcome) {
                (Guest::Durable { instance, .. }, None) if !resolutions.is_empty() => {
                    for (handle, resolution) in &resolutions {
                        instance.resolve(*handle, resolution);
                    }
                    step = instance.resume();
                }
                (_, outcome) => break outcome,
            }
        };
        commands.extend(answers.into_iter().map(WorkflowCommand::from));
        let Some(outcome) = outcome else {
            return self.success(commands, None);
        };
        self.end_guest(&mut commands);
        self.finish(commands, outcome)
    }

    /// The commands of the guest's calls, after the verdicts on the updates of this
    /// activation (core needs an update accepted before it is completed).
    fn commands_with_update_responses(&mut self, mut calls: Vec<Call>) -> Vec<WorkflowCommand> {
        let (unheard, open) = match &mut self.guest {
            Guest::Durable { instance, .. } => instance.end_activation(),
            _ => (Vec::new(), Vec::new()),
        };
        self.last_calls = calls.iter().map(Call::describe).collect();
        let replaying = self.log.replaying;
        let emitted = &mut self.emitted;
        calls.retain(|call| match call {
            // Metrics are the worker's to record, once: never again while history replays.
            Call::EmitMetric(metric) => {
                if !replaying {
                    emitted.push((**metric).clone());
                }
                false
            }
            _ => true,
        });
        let verdicts = self.updates.responses(&mut calls, &unheard, &open);
        let mut commands: Vec<WorkflowCommand> =
            verdicts.into_iter().map(WorkflowCommand::from).collect();
        commands.extend(self.commands_for(calls));
        commands
    }

    /// The guest is gone: open updates get a failure instead of a hang, what queries see is
    /// kept, and signals it never took are logged.
    fn end_guest(&mut self, commands: &mut Vec<WorkflowCommand>) {
        commands.extend(
            self.updates
                .fail_open("the workflow run ended first")
                .into_iter()
                .map(WorkflowCommand::from),
        );
        if let Guest::Durable { instance, .. } = &self.guest {
            self.final_view = Some(instance.query_view());
        }
        self.report_unconsumed_signals();
        self.guest = Guest::Ended;
    }

    /// Logs the signals the guest never took, so an operator sees what the run ignored.
    fn report_unconsumed_signals(&self) {
        let Guest::Durable { instance, .. } = &self.guest else {
            return;
        };
        let unconsumed = instance.unconsumed_signals();
        if unconsumed.is_empty() || self.log.replaying {
            return;
        }
        let signals: Vec<String> = unconsumed
            .iter()
            .map(|(name, count)| format!("`{name}` ×{count}"))
            .collect();
        tracing::warn!(
            workflow_type = %self.log.workflow_type,
            workflow_id = %self.log.workflow_id,
            run_id = %self.run_id,
            "the run ended with signals it never took: {}",
            signals.join(", ")
        );
    }

    /// The commands for the guest's calls, numbering the ones core tracks by sequence.
    fn commands_for(&mut self, calls: Vec<Call>) -> Vec<WorkflowCommand> {
        calls
            .into_iter()
            .filter_map(|call| {
                let seq = match &call {
                    Call::StartTimer { handle, .. } => {
                        self.sequences.assign(CommandKind::Timer, *handle)
                    }
                    Call::StartActivity { handle, .. } => {
                        self.sequences.assign(CommandKind::Activity, *handle)
                    }
                    Call::StartHttpActivity {
                        handle, request, ..
                    } => {
                        let kind = if request.local {
                            CommandKind::LocalActivity
                        } else {
                            CommandKind::Activity
                        };
                        self.sequences.assign(kind, *handle)
                    }
                    Call::RequestCancelActivity { handle }
                        if self.sequences.kind_of(*handle) == Some(CommandKind::LocalActivity) =>
                    {
                        return self.cancel_local_activity(*handle);
                    }
                    Call::StartChildWorkflow { handle, .. } => {
                        self.sequences.assign(CommandKind::ChildWorkflow, *handle)
                    }
                    Call::SignalExternal { handle, .. } => {
                        self.sequences.assign(CommandKind::SignalExternal, *handle)
                    }
                    Call::CancelExternal { handle, .. } => {
                        self.sequences.assign(CommandKind::CancelExternal, *handle)
                    }
                    Call::CancelTimer { handle }
                    | Call::RequestCancelActivity { handle }
                    | Call::CancelChildWorkflow { handle } => {
                        self.sequences.seq_of(*handle).unwrap_or_default()
                    }
                    Call::SetPatchMarker { .. }
                    | Call::RespondUpdate { .. }
                    | Call::UpsertSearchAttributes(_)
                    | Call::UpsertMemo(_)
                    | Call::EmitMetric(_) => 0,
                };
                let local = match &call {
                    Call::StartHttpActivity {
                        handle, request, ..
                    } if request.local => Some(*handle),
                    _ => None,
                };
                let command = convert::command_from_call(call, seq, &self.context)?;
                if let Some(handle) = local {
                    self.local_activities.scheduled(handle, &command);
                }
                Some(command)
            })
            .collect()
    }

    /// Cancelling a local activity: core cancels one that runs; one waiting out a backoff has
    /// only the host's timer to cancel, and its handle resolves as cancelled right away.
    fn cancel_local_activity(&mut self, handle: abi::Handle) -> Option<WorkflowCommand> {
        match self.local_activities.cancel(&self.sequences, handle)? {
            Cancel::Request(command) => Some(command),
            Cancel::DuringBackoff(command) => {
                let failure = abi::Failure {
                    message: Some("local activity cancelled by the workflow".to_owned()),
                    kind: Some(abi::FailureKind::Cancelled),
                    source: Some(abi::FAILURE_SOURCE.to_owned()),
                    ..Default::default()
                };
                self.host_resolutions
                    .push((handle, abi::Resolution::Cancelled(failure)));
                Some(command)
            }
        }
    }

    /// Ends the run: the terminal command after `commands`, or a failed task for a guest bug.
    fn finish(
        &mut self,
        mut commands: Vec<WorkflowCommand>,
        outcome: Result<GuestOutcome, GuestBug>,
    ) -> Activated {
        let bug_kind = outcome.as_ref().err().map(GuestBug::kind);
        let terminal = ending::terminal_command(&self.bundle, &self.log, &self.context, outcome);
        let finished = Finished {
            outcome: ending::run_outcome(&terminal),
            bug_kind,
            duration: self.started.elapsed(),
        };
        match terminal {
            Ok(command) => {
                if bug_kind.is_some() {
                    // Under `fail_workflow` the failure is the run's only command.
                    commands.clear();
                }
                commands.push(command.into());
                self.success(commands, Some(finished))
            }
            Err(failure) => Activated {
                completion: WorkflowActivationCompletion::fail(self.run_id.clone(), *failure, None),
                finished: Some(finished),
            },
        }
    }

    fn success(&self, commands: Vec<WorkflowCommand>, finished: Option<Finished>) -> Activated {
        Activated {
            completion: WorkflowActivationCompletion {
                run_id: self.run_id.clone(),
                status: Some(workflow_activation_completion::Status::Successful(
                    workflow_completion::Success::from(commands),
                )),
                ..Default::default()
            },
            finished,
        }
    }

    /// Runs a one-shot (ABI v0) guest to its end, answering the activation's queries too.
    pub(super) fn run_one_shot(
        &mut self,
        run_id: &str,
        info_json: Arc<[u8]>,
        answers: Vec<Command>,
    ) -> Activated {
        let outcome = instance::execute(&self.bundle, info_json, self.log.clone());
        self.guest = Guest::Ended;
        let commands = answers.into_iter().map(WorkflowCommand::from).collect();
        debug_assert_eq!(run_id, self.run_id);
        self.finish(commands, outcome)
    }

    /// The workflow's cancellation was requested and the guest parked without a cancellation
    /// channel to hear it: after the commands it issued, the run ends as Canceled, as a workflow
    /// that does not handle cancellation does in Temporal's SDKs.
    pub(super) fn end_unheard_cancellation(
        &mut self,
        calls: Vec<Call>,
        answers: Vec<Command>,
    ) -> Activated {
        tracing::info!(
            workflow_type = %self.log.workflow_type,
            workflow_id = %self.log.workflow_id,
            run_id = %self.run_id,
            "cancellation requested and the guest never opened its cancellation channel: the \
             workflow ends as Canceled"
        );
        let mut commands = std::mem::take(&mut self.host_commands);
        commands.extend(self.commands_with_update_responses(calls));
        commands.extend(answers.into_iter().map(WorkflowCommand::from));
        self.end_guest(&mut commands);
        commands.push(Command::CancelWorkflowExecution(CancelWorkflowExecution::default()).into());
        let finished = Finished {
            outcome: RunOutcome::Cancelled,
            bug_kind: None,
            duration: self.started.elapsed(),
        };
        self.success(commands, Some(finished))
    }
}

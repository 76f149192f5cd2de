//! A durable run, locally: the bundle's [`WorkflowRun`] driven through activations without a
//! server, on virtual time.
//!
//! Each activation's commands are answered the way Temporal would, from the mocks: activities,
//! HTTP activities and children resolve at once with their mocked answer, signals to and
//! cancellations of other workflows are delivered, and timers fire as soon as nothing else is
//! left to do — virtual time jumps to the earliest timer, signal, update or cancellation, so
//! `now` advances with it. The run ends when the guest ends the workflow, or when it waits on
//! something nothing will answer (a command the mocks do not cover, or no timer at all).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};
use temporalio_common::protos::coresdk::workflow_activation::{
    CancelWorkflow, DoUpdate, FireTimer, ResolveChildWorkflowExecution,
    ResolveChildWorkflowExecutionStart, ResolveChildWorkflowExecutionStartSuccess,
    ResolveRequestCancelExternalWorkflow, ResolveSignalExternalWorkflow, SignalWorkflow,
    WorkflowActivation, resolve_child_workflow_execution_start,
    workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_commands::{
    update_response, workflow_command::Variant as Command,
};
use temporalio_common::protos::coresdk::workflow_completion::workflow_activation_completion::Status;

use crate::exec::mocks::Mocks;
use crate::exec::resolutions::{
    answer_for, cancelled_activity, child_result, duration_ms, job, json_payload, payload_value,
    resolve, timestamp,
};
use crate::temporal::workflow_run::WorkflowRun;

/// Most activations one local run may take, so a guest looping on timers forever ends.
pub const MAX_ACTIVATIONS: u32 = 100_000;

/// How a local run ended.
pub enum Ended {
    /// With one of its commands (complete, fail, continue as new, cancel).
    Command(Box<Command>),
    /// With a failed activation: a guest bug.
    GuestBug(String),
    /// Waiting on what nothing will answer.
    Stuck {
        /// What the guest waits on.
        waiting_on: Vec<String>,
        /// Commands the mocks could not answer.
        unanswered: Vec<String>,
    },
}

/// The result of a local run.
pub struct LocalOutcome {
    /// How it ended.
    pub ended: Ended,
    /// Virtual ms from the start to the end.
    pub elapsed_ms: i64,
    /// Activations it took.
    pub activations: u32,
    /// The answers to every update, by update id.
    pub updates: BTreeMap<String, Value>,
}

/// Drives `run` from `first` (its `InitializeWorkflow` activation) to its end.
pub fn run_locally(
    run: &mut WorkflowRun,
    mut mocks: Mocks,
    first: WorkflowActivation,
    start_ms: i64,
) -> LocalOutcome {
    let mut now_ms = start_ms;
    let mut jobs = first.jobs;
    let mut timers: BTreeMap<(i64, u32), ()> = BTreeMap::new();
    let mut activity_types: HashMap<u32, String> = HashMap::new();
    let mut unanswered = Vec::new();
    let mut updates = BTreeMap::new();
    let mut cancel_at = mocks.cancel_after_ms.map(|ms| start_ms + ms as i64);
    let mut activations = 0;
    let ended = loop {
        activations += 1;
        if activations > MAX_ACTIVATIONS {
            break Ended::GuestBug(format!(
                "the run took more than {MAX_ACTIVATIONS} activations without ending"
            ));
        }
        let completion = run
            .activate(WorkflowActivation {
                run_id: first.run_id.clone(),
                timestamp: Some(timestamp(now_ms)),
                jobs: std::mem::take(&mut jobs),
                ..Default::default()
            })
            .completion;
        let commands = match completion.status {
            Some(Status::Successful(success)) => success.commands,
            Some(Status::Failed(failed)) => {
                break Ended::GuestBug(failed.failure.map(|f| f.message).unwrap_or_default());
            }
            None => break Ended::GuestBug("the activation produced no completion".into()),
        };
        let mut ended = None;
        for command in commands.into_iter().filter_map(|command| command.variant) {
            match command {
                Command::StartTimer(timer) => {
                    let ms = timer.start_to_fire_timeout.as_ref().map_or(0, duration_ms);
                    timers.insert((now_ms + ms, timer.seq), ());
                }
                Command::CancelTimer(cancel) => timers.retain(|(_, seq), ()| *seq != cancel.seq),
                Command::ScheduleActivity(activity) => {
                    activity_types.insert(activity.seq, activity.activity_type.clone());
                    match answer_for(&mut mocks, &activity.activity_type, &activity.arguments) {
                        Some(answer) => jobs.push(resolve(
                            activity.seq,
                            false,
                            &activity.activity_type,
                            answer,
                        )),
                        None => unanswered.push(format!("activity {}", activity.activity_type)),
                    }
                }
                Command::ScheduleLocalActivity(activity) => {
                    match answer_for(&mut mocks, &activity.activity_type, &activity.arguments) {
                        Some(answer) => {
                            jobs.push(resolve(activity.seq, true, &activity.activity_type, answer))
                        }
                        None => {
                            unanswered.push(format!("local activity {}", activity.activity_type))
                        }
                    }
                }
                Command::RequestCancelActivity(cancel) => {
                    // Only an activity the mocks left unanswered is still running to cancel.
                    if let Some(activity_type) = activity_types.get(&cancel.seq)
                        && unanswered
                            .iter()
                            .any(|u| u == &format!("activity {activity_type}"))
                    {
                        jobs.push(cancelled_activity(cancel.seq, activity_type));
                    }
                }
                Command::StartChildWorkflowExecution(child) => {
                    match mocks.child(&child.workflow_type) {
                        Some(answer) => {
                            jobs.push(job(Job::ResolveChildWorkflowExecutionStart(
                                ResolveChildWorkflowExecutionStart {
                                    seq: child.seq,
                                    status: Some(
                                        resolve_child_workflow_execution_start::Status::Succeeded(
                                            ResolveChildWorkflowExecutionStartSuccess {
                                                run_id: format!("local-child-{}", child.seq),
                                            },
                                        ),
                                    ),
                                },
                            )));
                            jobs.push(job(Job::ResolveChildWorkflowExecution(
                                ResolveChildWorkflowExecution {
                                    seq: child.seq,
                                    result: Some(child_result(answer)),
                                },
                            )));
                        }
                        None => unanswered.push(format!("child workflow {}", child.workflow_type)),
                    }
                }
                Command::SignalExternalWorkflowExecution(signal) => {
                    jobs.push(job(Job::ResolveSignalExternalWorkflow(
                        ResolveSignalExternalWorkflow {
                            seq: signal.seq,
                            ..Default::default()
                        },
                    )));
                }
                Command::RequestCancelExternalWorkflowExecution(cancel) => {
                    jobs.push(job(Job::ResolveRequestCancelExternalWorkflow(
                        ResolveRequestCancelExternalWorkflow {
                            seq: cancel.seq,
                            ..Default::default()
                        },
                    )));
                }
                Command::UpdateResponse(response) => {
                    let answer = match response.response {
                        Some(update_response::Response::Accepted(())) => json!("accepted"),
                        Some(update_response::Response::Rejected(failure)) => {
                            json!({"rejected": failure.message})
                        }
                        Some(update_response::Response::Completed(payload)) => {
                            json!({"completed": payload_value(&payload)})
                        }
                        None => Value::Null,
                    };
                    updates
                        .entry(response.protocol_instance_id)
                        .or_insert_with(Vec::new)
                        .push(answer);
                }
                end @ (Command::CompleteWorkflowExecution(_)
                | Command::FailWorkflowExecution(_)
                | Command::ContinueAsNewWorkflowExecution(_)
                | Command::CancelWorkflowExecution(_)) => ended = Some(end),
                _ => {}
            }
        }
        if let Some(end) = ended {
            break Ended::Command(Box::new(end));
        }
        if !jobs.is_empty() {
            continue;
        }
        // Nothing answered at once: virtual time moves to the next thing that happens.
        let next_timer = timers.keys().next().map(|(at, _)| *at);
        let next_signal = mocks.signals.first().map(|s| start_ms + s.after_ms as i64);
        let next_update = mocks.updates.first().map(|u| start_ms + u.after_ms as i64);
        let Some(next) = [next_timer, next_signal, next_update, cancel_at]
            .into_iter()
            .flatten()
            .min()
        else {
            break Ended::Stuck {
                waiting_on: run
                    .pending()
                    .into_iter()
                    .map(|(_, description)| description)
                    .collect(),
                unanswered,
            };
        };
        now_ms = now_ms.max(next);
        while let Some(&(at, seq)) = timers.keys().next() {
            if at > now_ms {
                break;
            }
            timers.remove(&(at, seq));
            jobs.push(job(Job::FireTimer(FireTimer { seq })));
        }
        while mocks
            .signals
            .first()
            .is_some_and(|s| start_ms + s.after_ms as i64 <= now_ms)
        {
            let signal = mocks.signals.remove(0);
            jobs.push(job(Job::SignalWorkflow(SignalWorkflow {
                signal_name: signal.name,
                input: signal.args.iter().map(json_payload).collect(),
                ..Default::default()
            })));
        }
        while mocks
            .updates
            .first()
            .is_some_and(|u| start_ms + u.after_ms as i64 <= now_ms)
        {
            let update = mocks.updates.remove(0);
            let id = update
                .id
                .clone()
                .unwrap_or_else(|| format!("update-{}", updates.len() + 1));
            jobs.push(job(Job::DoUpdate(DoUpdate {
                id: id.clone(),
                protocol_instance_id: id,
                name: update.name,
                input: update.args.iter().map(json_payload).collect(),
                run_validator: true,
                ..Default::default()
            })));
        }
        if cancel_at.is_some_and(|at| at <= now_ms) {
            cancel_at = None;
            jobs.push(job(Job::CancelWorkflow(CancelWorkflow {
                reason: "cancelled by the mocks".into(),
            })));
        }
    };
    LocalOutcome {
        ended,
        elapsed_ms: now_ms - start_ms,
        activations,
        updates: updates
            .into_iter()
            .map(|(id, answers)| (id, Value::Array(answers)))
            .collect(),
    }
}

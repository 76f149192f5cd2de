//! The updates of one durable run, from Temporal's side: each must be accepted or rejected in
//! the activation it arrives in, and completed (or failed) in that one or a later one. The guest
//! decides through `update_channel` and `respond_update`; this book turns its decisions into
//! `UpdateResponse` commands in the order core needs them (a verdict before a result).

use std::collections::BTreeMap;

use temporalio_common::protos::coresdk::workflow_activation::DoUpdate;
use temporalio_common::protos::coresdk::workflow_commands::{
    UpdateResponse, update_response, workflow_command::Variant as Command,
};
use temporalio_common::protos::temporal::api::failure::v1::Failure;

use crate::abi::{Call, UpdateAnswer};
use crate::convert;

/// Failure type of updates the run refuses (no channel heard them).
pub const UPDATE_FAILURE_TYPE: &str = "UpdateRejected";

/// Failure type of accepted updates the run ended without answering.
pub const UPDATE_NOT_ANSWERED_FAILURE_TYPE: &str = "UpdateNotAnswered";

#[derive(Debug)]
struct OpenUpdate {
    protocol_instance_id: String,
    name: String,
    accepted: bool,
    /// False on replay: only accepted updates come back, and they are accepted again.
    run_validator: bool,
}

/// Updates that reached the run and have not been answered for good.
#[derive(Debug, Default)]
pub struct UpdateBook {
    open: BTreeMap<String, OpenUpdate>,
    /// Ids that arrived in the current activation, in arrival order.
    arrived: Vec<String>,
}

impl UpdateBook {
    /// Notes an update delivered to the guest in this activation.
    pub fn arrived(&mut self, update: &DoUpdate) {
        self.open.insert(
            update.id.clone(),
            OpenUpdate {
                protocol_instance_id: update.protocol_instance_id.clone(),
                name: update.name.clone(),
                accepted: false,
                run_validator: update.run_validator,
            },
        );
        self.arrived.push(update.id.clone());
    }

    /// The update responses of an activation, given the guest's calls (its `respond_update`
    /// calls are taken out), the updates nobody listened for and the open channel names.
    ///
    /// First the verdict on each update that arrived: rejected when the guest's validator
    /// rejected it or no channel heard it, accepted otherwise; then completions and failures,
    /// in call order.
    pub fn responses(
        &mut self,
        calls: &mut Vec<Call>,
        unheard: &[String],
        open_channels: &[String],
    ) -> Vec<Command> {
        let mut answers: BTreeMap<String, UpdateAnswer> = BTreeMap::new();
        let mut order = Vec::new();
        calls.retain(|call| match call {
            Call::RespondUpdate { update_id, answer } => {
                order.push(update_id.clone());
                answers.insert(update_id.clone(), answer.clone());
                false
            }
            _ => true,
        });
        let mut commands = Vec::new();
        for id in std::mem::take(&mut self.arrived) {
            let Some(update) = self.open.get_mut(&id) else {
                continue;
            };
            let pid = update.protocol_instance_id.clone();
            if unheard.contains(&id) {
                let failure = update_failure(format!(
                    "update `{}` was rejected: no update channel named `{}` is open (open \
                     update channels: {})",
                    update.name,
                    update.name,
                    list(open_channels)
                ));
                self.open.remove(&id);
                commands.push(rejected(pid, failure));
                continue;
            }
            if let Some(UpdateAnswer::Rejected(failure)) = answers.get(&id)
                && update.run_validator
            {
                commands.push(rejected(pid, convert::failure_from_abi(failure.clone())));
                answers.remove(&id);
                self.open.remove(&id);
                continue;
            }
            update.accepted = true;
            commands.push(response(pid, update_response::Response::Accepted(())));
        }
        for id in order {
            let (Some(answer), Some(update)) = (answers.remove(&id), self.open.get(&id)) else {
                continue;
            };
            let pid = update.protocol_instance_id.clone();
            match answer {
                UpdateAnswer::Completed(mut payloads) => {
                    let result = payloads
                        .pop()
                        .map_or_else(convert::null_payload, convert::payload_from_abi);
                    commands.push(response(pid, update_response::Response::Completed(result)));
                }
                UpdateAnswer::Failed(failure) | UpdateAnswer::Rejected(failure) => {
                    // After acceptance a rejection is the update's failure (replay re-accepts).
                    commands.push(rejected(pid, convert::failure_from_abi(failure)));
                }
            }
            self.open.remove(&id);
        }
        commands
    }

    /// When the run ends: every update still open is failed, so its caller gets an answer
    /// instead of waiting forever.
    pub fn fail_open(&mut self, why: &str) -> Vec<Command> {
        let mut commands = Vec::new();
        for (_, update) in std::mem::take(&mut self.open) {
            if !update.accepted {
                commands.push(response(
                    update.protocol_instance_id.clone(),
                    update_response::Response::Accepted(()),
                ));
            }
            let failure =
                update_failure(format!("update `{}` was not answered: {why}", update.name));
            commands.push(rejected(update.protocol_instance_id, failure));
        }
        self.arrived.clear();
        commands
    }
}

fn response(protocol_instance_id: String, response: update_response::Response) -> Command {
    Command::UpdateResponse(UpdateResponse {
        protocol_instance_id,
        response: Some(response),
    })
}

fn rejected(protocol_instance_id: String, failure: Failure) -> Command {
    response(
        protocol_instance_id,
        update_response::Response::Rejected(failure),
    )
}

fn update_failure(message: String) -> Failure {
    convert::host_failure(message, UPDATE_FAILURE_TYPE, true)
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "none".to_owned()
    } else {
        names.join(", ")
    }
}

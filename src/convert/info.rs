//! The `info` a run sees, built from the activation that initializes it.

use temporalio_common::protos::coresdk::workflow_activation::InitializeWorkflow;
use temporalio_common::protos::temporal::api::common::v1::Payload;

use crate::abi;
use crate::convert::payload_to_abi;

/// The workflow-level context a run's `workflow_info` needs but an activation does not carry.
#[derive(Clone, Debug)]
pub struct WorkerContext {
    /// Namespace the worker is bound to.
    pub namespace: String,
    /// Task queue the worker polls.
    pub task_queue: String,
}

/// Builds the `info` a run sees from the activation's `InitializeWorkflow` job, taking its
/// arguments by move.
pub fn info_from_initialize(
    init: &mut InitializeWorkflow,
    run_id: &str,
    context: &WorkerContext,
) -> abi::Info {
    abi::Info {
        params: std::mem::take(&mut init.arguments)
            .into_iter()
            .map(payload_to_abi)
            .collect(),
        workflow_info: abi::WorkflowInfo {
            workflow_type: init.workflow_type.clone(),
            workflow_id: init.workflow_id.clone(),
            run_id: run_id.to_owned(),
            namespace: context.namespace.clone(),
            task_queue: context.task_queue.clone(),
            // The server never sends an attempt below 1; clamp rather than wrap if it ever did.
            attempt: u32::try_from(init.attempt.max(1)).unwrap_or(1),
            start_time: init
                .start_time
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            parent: init
                .parent_workflow_info
                .as_ref()
                .map(|parent| abi::ParentWorkflow {
                    namespace: parent.namespace.clone(),
                    workflow_id: parent.workflow_id.clone(),
                    run_id: parent.run_id.clone(),
                }),
            continued_from_run_id: Some(init.continued_from_execution_run_id.clone())
                .filter(|run_id| !run_id.is_empty()),
            memo: init
                .memo
                .take()
                .map(|memo| {
                    memo.fields
                        .into_iter()
                        .map(|(key, payload)| (key, payload_to_abi(payload)))
                        .collect()
                })
                .unwrap_or_default(),
            search_attributes: init
                .search_attributes
                .take()
                .map(|attributes| {
                    attributes
                        .indexed_fields
                        .into_iter()
                        .map(|(name, payload)| (name, search_attribute_value(&payload)))
                        .collect()
                })
                .unwrap_or_default(),
        },
    }
}

/// A search attribute's value as JSON: the data of its `json/plain` payload (how every SDK and
/// the server encode them), or `null` when it is not JSON.
fn search_attribute_value(payload: &Payload) -> serde_json::Value {
    serde_json::from_slice(&payload.data).unwrap_or(serde_json::Value::Null)
}

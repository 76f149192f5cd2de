//! Answering queries for durable runs, from what the guest published and what it waits on —
//! never by running guest code, so a query cannot change a workflow.
//!
//! Besides the guest's own query results, the worker answers the two queries the Temporal UI
//! asks every workflow: `__stack_trace` (the Stack Trace tab: what the guest is blocked on) and
//! `__temporal_workflow_metadata` (the Queries tab: what the workflow answers and accepts).

use std::collections::HashMap;

use serde_json::json;
use temporalio_common::protos::coresdk::workflow_activation::QueryWorkflow;
use temporalio_common::protos::coresdk::workflow_commands::{
    QueryResult, QuerySuccess, query_result, workflow_command::Variant as Command,
};
use temporalio_common::protos::temporal::api::common::v1::Payload;

use crate::convert;
use crate::sandbox::published::QueryView;

/// Failure type of a query the run does not answer.
pub const UNKNOWN_QUERY_FAILURE_TYPE: &str = "UnknownQuery";

/// The answer to `query` from `view`, the run of workflow type `workflow_type`.
pub fn answer(query: QueryWorkflow, view: &QueryView, workflow_type: &str) -> Command {
    let variant = match query.query_type.as_str() {
        "__stack_trace" => success(text_payload(&stack_trace(view))),
        "__temporal_workflow_metadata" => success(json_payload(&metadata(view, workflow_type))),
        name => match view.results.get(name) {
            Some(result) => query_result::Variant::Succeeded(QuerySuccess {
                response: Some(
                    result
                        .clone()
                        .map_or_else(convert::null_payload, convert::payload_from_abi),
                ),
            }),
            None => query_result::Variant::Failed(convert::host_failure(
                format!(
                    "unknown query `{name}`; the workflow publishes: {} (and the built-ins \
                     __stack_trace, __temporal_workflow_metadata)",
                    if view.results.is_empty() {
                        "none".to_owned()
                    } else {
                        view.results.keys().cloned().collect::<Vec<_>>().join(", ")
                    }
                ),
                UNKNOWN_QUERY_FAILURE_TYPE,
                true,
            )),
        },
    };
    Command::RespondToQuery(QueryResult {
        query_id: query.query_id,
        variant: Some(variant),
    })
}

fn success(payload: Payload) -> query_result::Variant {
    query_result::Variant::Succeeded(QuerySuccess {
        response: Some(payload),
    })
}

/// What the guest is blocked on — each handle it waits on, channels included — then every
/// pending command, one per line.
pub fn stack_trace(view: &QueryView) -> String {
    let mut text = match &view.parked_on {
        Some(_) => format!("waiting on {}\n", view.waiting_on.join(", ")),
        None => "not waiting (the run has ended)\n".to_owned(),
    };
    if view.pending.is_empty() {
        text.push_str("no pending commands\n");
    }
    for (_, description) in &view.pending {
        text.push_str(&format!("  {description}\n"));
    }
    text
}

/// `temporal.api.sdk.v1.WorkflowMetadata` in protojson form, as the UI reads it.
fn metadata(view: &QueryView, workflow_type: &str) -> serde_json::Value {
    let names = |names: Vec<&String>| -> Vec<serde_json::Value> {
        names
            .into_iter()
            .map(|name| json!({"name": name}))
            .collect()
    };
    json!({
        "definition": {
            "type": workflow_type,
            "queryDefinitions": names(view.results.keys().collect()),
            "signalDefinitions": names(view.signal_channels.iter().collect()),
            "updateDefinitions": names(view.update_channels.iter().collect()),
        },
        "currentDetails": view.current_details,
    })
}

fn json_payload(value: &serde_json::Value) -> Payload {
    Payload {
        metadata: HashMap::from([("encoding".to_owned(), b"json/plain".to_vec())]),
        data: value.to_string().into_bytes(),
        ..Default::default()
    }
}

fn text_payload(text: &str) -> Payload {
    json_payload(&serde_json::Value::String(text.to_owned()))
}

//! Fetching a workflow's history from the server a config points at, with the worker's own
//! connection settings (address, namespace, TLS, API key).

use temporalio_common::protos::temporal::api::common::v1::WorkflowExecution;
use temporalio_common::protos::temporal::api::history::v1::History;
use temporalio_common::protos::temporal::api::workflowservice::v1::GetWorkflowExecutionHistoryRequest;

use crate::config::Settings;
use crate::temporal::connection;

/// A history could not be fetched.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The server could not be reached or refused the settings.
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The server answered with an error (for example: no such workflow).
    #[error("cannot fetch the history of workflow `{workflow_id}`: {reason}")]
    Server {
        /// The workflow.
        workflow_id: String,
        /// What the server said.
        reason: String,
    },
}

/// The full history of `workflow_id` (its latest run, or `run_id`), every page of it.
pub async fn fetch_history(
    settings: &Settings,
    workflow_id: &str,
    run_id: Option<&str>,
) -> Result<History, FetchError> {
    // One attempt: a replay is run by a person or CI, who wants an answer, not a retry loop.
    let connection = connection::connect_once(settings)
        .await
        .map_err(|err| FetchError::Connect(err.to_string()))?;
    let mut service = connection.workflow_service();
    let mut history = History::default();
    let mut next_page_token = Vec::new();
    loop {
        let request = GetWorkflowExecutionHistoryRequest {
            namespace: settings.temporal.namespace.clone(),
            execution: Some(WorkflowExecution {
                workflow_id: workflow_id.to_owned(),
                run_id: run_id.unwrap_or_default().to_owned(),
            }),
            next_page_token,
            ..Default::default()
        };
        let response = service
            .get_workflow_execution_history(temporalio_client::tonic::Request::new(request))
            .await
            .map_err(|status| FetchError::Server {
                workflow_id: workflow_id.to_owned(),
                reason: status.message().to_owned(),
            })?
            .into_inner();
        if let Some(page) = response.history {
            history.events.extend(page.events);
        }
        if response.next_page_token.is_empty() {
            return Ok(history);
        }
        next_page_token = response.next_page_token;
    }
}

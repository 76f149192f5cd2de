//! Replay testing: recorded histories run through the registered bundles with core's replay
//! worker and no task queue polling, so an author learns before deploying whether a changed
//! bundle still produces the commands the histories hold.
//!
//! Every history replays against its workflow type's **current** bundle, whatever version the
//! run is pinned to ([`VersioningBehavior::AutoUpgrade`]): the question a replay answers is
//! whether the new code could take over a running workflow. The report names the version each
//! history was pinned to, so a failure that pinning would avoid (the old version kept in
//! `previous_modules`) is told apart from one that must be fixed.
//!
//! [`history_json`] reads the files the Temporal CLI and UI write; [`fetch`] gets a history from
//! the server a config points at.

pub mod fetch;
pub mod history_json;
mod report;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use temporalio_common::protos::constants::PATCH_MARKER_NAME;
use temporalio_common::protos::coresdk::common::decode_change_marker_details;
use temporalio_common::protos::coresdk::workflow_activation::{
    remove_from_cache::EvictionReason, workflow_activation_job::Variant as Job,
};
use temporalio_common::protos::coresdk::workflow_completion::workflow_activation_completion::Status;
use temporalio_common::protos::temporal::api::history::v1::{History, history_event::Attributes};
use temporalio_common::worker::WorkerTaskTypes;
use temporalio_sdk_core::replay::{HistoryFeeder, HistoryForReplay, ReplayWorkerInput};
use temporalio_sdk_core::{
    CoreRuntime, PollError, RuntimeOptions, WorkerConfig, WorkerVersioningStrategy,
    init_replay_worker,
};

use crate::convert::WorkerContext;
use crate::metrics::WorkerMetrics;
use crate::sandbox::{BundleRegistry, VersioningBehavior};
use crate::temporal::activation::ActivationHandler;
use crate::temporal::pinning::PIN_MARKER_PREFIX;

pub use report::{ReplayOutcome, ReplayReport};

/// The task queue the replay worker pretends to poll.
const REPLAY_TASK_QUEUE: &str = "temporal-wasm-worker-replay";
/// Longest a replay may go without an activation before it is reported as stuck.
const STALL_TIMEOUT: Duration = Duration::from_secs(60);

/// One history to replay, and where it came from (for the report).
#[derive(Clone, Debug)]
pub struct ReplayHistory {
    /// The file, or `workflow <id>` for a fetched history.
    pub source: String,
    /// The workflow id (histories do not carry it).
    pub workflow_id: String,
    /// The events.
    pub history: History,
}

/// The replay could not run at all (as opposed to a history that did not replay).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// A history lacks the `WorkflowExecutionStarted` event replay starts from.
    #[error("{history}: the first event is not WorkflowExecutionStarted, so it cannot be replayed")]
    NoStartEvent {
        /// Where the history came from.
        history: String,
    },
    /// Two histories are of the same run.
    #[error("{first} and {second} are histories of the same run {run_id}")]
    SameRun {
        /// The run.
        run_id: String,
        /// One history's source.
        first: String,
        /// The other's.
        second: String,
    },
    /// Core could not create the replay worker or failed while replaying.
    #[error("the replay worker failed: {0}")]
    Core(String),
    /// No activation arrived for a long time.
    #[error("the replay made no progress for {0:?}")]
    Stalled(Duration),
}

/// A history file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("history {}: {problem}", path.display())]
pub struct HistoryFileError {
    /// The file.
    pub path: std::path::PathBuf,
    /// What is wrong with it.
    pub problem: String,
}

/// Reads history files (the JSON the CLI and UI write) for [`replay`]. The workflow id is taken
/// from the file name when it is `<workflow id>.json`-like, since histories do not carry it.
pub fn read_history_files(
    paths: &[std::path::PathBuf],
) -> Result<Vec<ReplayHistory>, HistoryFileError> {
    if paths.is_empty() {
        return Err(HistoryFileError {
            path: "(none)".into(),
            problem: "give at least one --history FILE, or --workflow-id".into(),
        });
    }
    paths
        .iter()
        .map(|path| {
            let error = |problem: String| HistoryFileError {
                path: path.clone(),
                problem,
            };
            let text = std::fs::read(path).map_err(|err| error(format!("cannot read: {err}")))?;
            let history =
                history_json::history_from_json(&text).map_err(|err| error(err.to_string()))?;
            let workflow_id = path
                .file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .unwrap_or_else(|| "replayed".to_owned());
            Ok(ReplayHistory {
                source: path.display().to_string(),
                workflow_id,
                history,
            })
        })
        .collect()
}

/// What is known of a history before it replays.
struct Expected {
    index: usize,
    workflow_type: String,
    pinned_version: Option<String>,
}

/// Replays every history through `bundles`' current bundles and reports on each, in order.
pub async fn replay(
    bundles: Arc<BundleRegistry>,
    namespace: &str,
    histories: Vec<ReplayHistory>,
) -> Result<Vec<ReplayReport>, ReplayError> {
    let mut expected: HashMap<String, Expected> = HashMap::new();
    let mut reports = Vec::with_capacity(histories.len());
    for (index, history) in histories.iter().enumerate() {
        let (run_id, workflow_type) =
            start_of(&history.history).ok_or_else(|| ReplayError::NoStartEvent {
                history: history.source.clone(),
            })?;
        if let Some(other) = expected.get(&run_id) {
            return Err(ReplayError::SameRun {
                run_id,
                first: histories[other.index].source.clone(),
                second: history.source.clone(),
            });
        }
        reports.push(ReplayReport {
            source: history.source.clone(),
            workflow_id: history.workflow_id.clone(),
            run_id: run_id.clone(),
            workflow_type: workflow_type.clone(),
            pinned_version: None,
            outcome: ReplayOutcome::NotReplayed,
        });
        expected.insert(
            run_id,
            Expected {
                index,
                workflow_type,
                pinned_version: pinned_version(&history.history),
            },
        );
    }
    for expected in expected.values() {
        reports[expected.index].pinned_version = expected.pinned_version.clone();
    }

    let runtime = CoreRuntime::new_assume_tokio(
        RuntimeOptions::builder()
            .build()
            .map_err(ReplayError::Core)?,
    )
    .map_err(|err| ReplayError::Core(format!("{err:#}")))?;
    let config = WorkerConfig::builder()
        .namespace(namespace.to_owned())
        .task_queue(REPLAY_TASK_QUEUE.to_owned())
        .task_types(WorkerTaskTypes::workflow_only())
        .versioning_strategy(WorkerVersioningStrategy::None {
            build_id: bundles.build_id(),
        })
        .build()
        .map_err(ReplayError::Core)?;
    let (feeder, stream) = HistoryFeeder::new(histories.len().max(1));
    for history in histories {
        feeder
            .feed(HistoryForReplay::new(history.history, history.workflow_id))
            .await
            .map_err(|err| ReplayError::Core(format!("{err:#}")))?;
    }
    drop(feeder);
    let _runtime = runtime;
    let worker = init_replay_worker(ReplayWorkerInput::new(config, stream))
        .map_err(|err| ReplayError::Core(format!("{err:#}")))?;

    let handler = ActivationHandler::new(
        bundles,
        WorkerContext {
            namespace: namespace.to_owned(),
            task_queue: REPLAY_TASK_QUEUE.to_owned(),
        },
        1,
        Arc::new(WorkerMetrics::new(None)),
    )
    .with_versioning(VersioningBehavior::AutoUpgrade);

    loop {
        let polled = tokio::time::timeout(STALL_TIMEOUT, worker.poll_workflow_activation())
            .await
            .map_err(|_| ReplayError::Stalled(STALL_TIMEOUT))?;
        let activation = match polled {
            Ok(activation) => activation,
            Err(PollError::ShutDown) => break,
            Err(err) => return Err(ReplayError::Core(err.to_string())),
        };
        let run_id = activation.run_id.clone();
        let index = expected.get(&run_id).map(|expected| expected.index);
        let eviction = activation.jobs.iter().find_map(|job| match &job.variant {
            Some(Job::RemoveFromCache(eviction)) => Some(eviction.clone()),
            _ => None,
        });
        let guest_calls = handler.last_calls_of(&run_id);
        let completion = handler.handle(activation).await;
        if let Some(report) = index.map(|index| &mut reports[index]) {
            report.note(match (&eviction, &completion.status) {
                (Some(eviction), _) if eviction.reason() == EvictionReason::Nondeterminism => {
                    ReplayOutcome::nondeterminism(&eviction.message, guest_calls)
                }
                (Some(_), _) => ReplayOutcome::Replayed,
                (None, Some(Status::Failed(failed))) => ReplayOutcome::TaskFailed {
                    message: failed
                        .failure
                        .as_ref()
                        .map(|failure| failure.message.clone())
                        .unwrap_or_default(),
                },
                (None, _) => ReplayOutcome::Replayed,
            });
        }
        worker
            .complete_workflow_activation(completion)
            .await
            .map_err(|err| ReplayError::Core(err.to_string()))?;
    }
    worker.shutdown().await;
    worker.finalize_shutdown().await;
    for expected in expected.values() {
        let report = &mut reports[expected.index];
        if matches!(report.outcome, ReplayOutcome::NotReplayed) {
            tracing::warn!(
                workflow_type = %expected.workflow_type,
                "{} was never activated",
                report.source
            );
        }
    }
    Ok(reports)
}

/// The run id and workflow type of a history's `WorkflowExecutionStarted` event.
fn start_of(history: &History) -> Option<(String, String)> {
    match history.events.first()?.attributes.as_ref()? {
        Attributes::WorkflowExecutionStartedEventAttributes(started) => Some((
            started.original_execution_run_id.clone(),
            started.workflow_type.as_ref()?.name.clone(),
        )),
        _ => None,
    }
}

/// The bundle version a history's pin marker names, if it has one.
fn pinned_version(history: &History) -> Option<String> {
    history.events.iter().find_map(|event| {
        let Some(Attributes::MarkerRecordedEventAttributes(marker)) = &event.attributes else {
            return None;
        };
        if marker.marker_name != PATCH_MARKER_NAME {
            return None;
        }
        let (patch_id, _) = decode_change_marker_details(&marker.details)?;
        patch_id.strip_prefix(PIN_MARKER_PREFIX).map(str::to_owned)
    })
}

//! The worker: one core worker, its poll loop, and its shutdown.
//!
//! [`Worker::start`] connects (retrying while the server is not up), creates and validates the
//! core worker, the [`ActivationHandler`] and, with `[http_activities]` enabled, the
//! [`ActivityRunner`]; [`Worker::run`] polls workflow (and activity) tasks until shutdown. It follows
//! core's contract: `poll_workflow_activation` is never called concurrently with itself,
//! completions run concurrently in their own tasks, and shutdown is `initiate_shutdown` → poll
//! until `ShutDown` → join the completion tasks → `finalize_shutdown`. What core is asked for
//! (task slots, the version reported) is `core_config`'s business.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use temporalio_common::telemetry::TelemetryOptions;
use temporalio_sdk_core::{
    CoreRuntime, PollError, RuntimeOptions, Worker as CoreWorker, init_worker,
};
use tokio::task::JoinSet;

use crate::config::Settings;
use crate::convert::WorkerContext;
use crate::http_activities::{HttpExecutor, HttpSetupError};
use crate::metrics::{self, MetricsEndpointError, WorkerMetrics};
use crate::sandbox::BundleRegistry;
use crate::shutdown::Shutdown;
use crate::temporal::activation::{ActivationHandler, EvictionRequester};
use crate::temporal::activities::ActivityRunner;
use crate::temporal::connection;

mod core_config;
use core_config::core_config;

/// How often heartbeats of activities without a heartbeat timeout reach the server.
const HEARTBEAT_THROTTLE: Duration = Duration::from_secs(1);

/// The SDK name this worker reports to Temporal (client headers and workflow task completions),
/// so the UI shows what ran a workflow instead of "Rust".
pub const SDK_NAME: &str = "temporal-wasm-worker";
/// The SDK version reported alongside [`SDK_NAME`].
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why the worker stopped other than by a requested shutdown.
#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    /// The configured address is not a URL.
    #[error("temporal.address `{address}` is not a valid URL: {reason}")]
    BadAddress {
        /// The address.
        address: String,
        /// Why it does not parse.
        reason: String,
    },
    /// Core refused the worker configuration.
    #[error("the worker configuration was refused: {0}")]
    Config(String),
    /// The Prometheus endpoint could not be started.
    #[error(transparent)]
    Metrics(#[from] MetricsEndpointError),
    /// Core could not start (telemetry or worker creation).
    #[error("cannot start the core worker: {0}")]
    Core(String),
    /// The server refused the worker (for example, the namespace does not exist).
    #[error(
        "the Temporal server at {address} refused the worker for namespace `{namespace}`: {reason}"
    )]
    Refused {
        /// Server address.
        address: String,
        /// Namespace.
        namespace: String,
        /// What the server said.
        reason: String,
    },
    /// Polling failed in a way core does not retry.
    #[error("polling workflow tasks failed: {0}")]
    Poll(String),
    /// The HTTP activity executor could not be set up (its CA, its TLS roots).
    #[error("cannot set up HTTP activities: {0}")]
    HttpActivities(#[from] HttpSetupError),
    /// In-flight work did not finish within the shutdown timeout.
    #[error("in-flight workflow tasks did not finish within the {0:?} shutdown timeout")]
    ShutdownTimedOut(Duration),
}

/// How many instances the engine's pool holds, and how many of them parked durable runs may
/// take: every run core caches may hold one, and every running guest needs one besides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InstancePool {
    /// Slots of the engine's pool.
    pub engine_slots: u32,
    /// Slots durable runs may hold while parked.
    pub parked_instances: u32,
}

impl InstancePool {
    /// The pool for these worker settings.
    pub fn for_settings(worker: &crate::config::WorkerSettings) -> InstancePool {
        let cached = u32::try_from(worker.max_cached_workflows).unwrap_or(u32::MAX);
        // With no cache, core still keeps a run until its eviction follows the task.
        let parked_instances = cached.max(worker.max_concurrent_runs);
        InstancePool {
            engine_slots: parked_instances.saturating_add(worker.max_concurrent_runs),
            parked_instances,
        }
    }
}

/// Runs the worker until `shutdown` is requested and in-flight work is done, or the shutdown
/// timeout passes.
pub async fn run(
    settings: &Settings,
    bundles: Arc<BundleRegistry>,
    shutdown: Shutdown,
) -> Result<(), WorkerError> {
    let timeout = settings.worker.shutdown_timeout;
    let mut deadline_watch = shutdown.clone();
    tokio::select! {
        result = async {
            match Worker::start(settings, bundles, shutdown).await? {
                Some(worker) => worker.run().await,
                None => {
                    tracing::info!("shutdown requested before the server was reached");
                    Ok(())
                }
            }
        } => result,
        () = async {
            deadline_watch.requested().await;
            tokio::time::sleep(timeout).await;
        } => Err(WorkerError::ShutdownTimedOut(timeout)),
    }
}

/// A connected worker and what its loop needs.
pub struct Worker {
    /// The core SDK worker: polls, completions, evictions.
    core: Arc<CoreWorker>,
    /// Turns each activation into its completion.
    handler: Arc<ActivationHandler>,
    /// Runs HTTP activities, when `[http_activities]` is enabled.
    activities: Option<Arc<ActivityRunner>>,
    /// Requested once by SIGINT/SIGTERM; reaches the loop through core.
    shutdown: Shutdown,
    /// The file refreshed while the worker polls, for health checks.
    health_file: Option<PathBuf>,
    /// Where and as whom it polls, for the log line that says it started.
    polling: Polling,
}

/// What the worker logs when it starts polling.
struct Polling {
    address: String,
    namespace: String,
    task_queue: String,
    identity: String,
    build_id: String,
    /// The Worker Deployment the build id is a version of, if any.
    deployment: Option<String>,
}

impl Worker {
    /// Connects to the server and creates the core worker; `None` if shutdown was requested
    /// before the server answered.
    pub async fn start(
        settings: &Settings,
        bundles: Arc<BundleRegistry>,
        shutdown: Shutdown,
    ) -> Result<Option<Worker>, WorkerError> {
        let meter = match settings.prometheus_address {
            Some(address) => Some(metrics::start_metrics_endpoint(address)?),
            None => None,
        };
        let runtime = CoreRuntime::new_assume_tokio(
            RuntimeOptions::builder()
                .telemetry_options(
                    TelemetryOptions::builder()
                        .maybe_metrics(meter.clone())
                        .build(),
                )
                .build()
                .map_err(WorkerError::Core)?,
        )
        .map_err(|err| WorkerError::Core(format!("{err:#}")))?;
        let metrics = Arc::new(
            WorkerMetrics::new(meter).with_max_guest_label_sets(settings.max_guest_label_sets),
        );
        metrics.record_bundle_loads(&bundles);
        let Some(connection) =
            connection::connect_with_backoff(settings, &mut shutdown.clone()).await?
        else {
            return Ok(None);
        };
        let temporal = &settings.temporal;
        let build_id = settings
            .worker
            .build_id
            .clone()
            .unwrap_or_else(|| bundles.build_id());
        let core = init_worker(&runtime, core_config(settings, &build_id)?, connection)
            .map_err(|err| WorkerError::Core(format!("{err:#}")))?;
        core.validate().await.map_err(|err| WorkerError::Refused {
            address: temporal.target_url.clone(),
            namespace: temporal.namespace.clone(),
            reason: err.to_string(),
        })?;
        let core = Arc::new(core);
        let activities = if settings.http_activities.enabled {
            let executor = HttpExecutor::new(&settings.http_activities)?
                .with_metrics(Arc::new(metrics.http_activities()));
            Some(Arc::new(ActivityRunner::new(executor)))
        } else {
            None
        };
        let handler = ActivationHandler::new(
            bundles,
            WorkerContext {
                namespace: temporal.namespace.clone(),
                task_queue: temporal.task_queue.clone(),
            },
            settings.worker.max_concurrent_runs,
            metrics,
        )
        .with_instance_pool(
            InstancePool::for_settings(&settings.worker).parked_instances,
            evict_through(&core),
        );
        Ok(Some(Worker {
            core,
            handler: Arc::new(handler),
            activities,
            shutdown,
            health_file: settings.worker.health_file.clone(),
            polling: Polling {
                address: temporal.target_url.clone(),
                namespace: temporal.namespace.clone(),
                task_queue: temporal.task_queue.clone(),
                identity: settings.worker.identity.clone(),
                build_id,
                deployment: settings.worker.deployment.as_ref().map(|d| d.name.clone()),
            },
        }))
    }

    /// Polls until shutdown, then finishes in-flight work and shuts core down.
    pub async fn run(self) -> Result<(), WorkerError> {
        let Worker {
            core,
            handler,
            activities,
            mut shutdown,
            health_file,
            polling,
        } = self;
        // Polls are not cancel-safe, so shutdown reaches the loop through core: once requested,
        // core stops handing out new work and the poll returns `ShutDown`.
        let shutdown_listener = {
            let core = Arc::clone(&core);
            tokio::spawn(async move {
                shutdown.requested().await;
                core.initiate_shutdown();
            })
        };
        let health =
            health_file.map(|path| (tokio::spawn(crate::health::keep_fresh(path.clone())), path));
        tracing::info!(
            address = %polling.address,
            namespace = %polling.namespace,
            task_queue = %polling.task_queue,
            identity = %polling.identity,
            build_id = %polling.build_id,
            deployment = polling.deployment.as_deref().unwrap_or("none"),
            "polling for workflow tasks"
        );
        let result = match activities {
            // Both loops end when core shuts down; the first error is the worker's.
            Some(activities) => {
                let (workflows, activities) = tokio::join!(
                    poll_workflows(&core, &handler),
                    activities.run(Arc::clone(&core)),
                );
                workflows.and(
                    activities.map_err(|err| WorkerError::Poll(format!("activity tasks: {err}"))),
                )
            }
            None => poll_workflows(&core, &handler).await,
        };
        if let Some((task, path)) = health {
            task.abort();
            crate::health::clear(&path);
        }
        shutdown_listener.abort();
        // The listener owns a clone of the worker; wait until it is gone before taking it back.
        let _ = shutdown_listener.await;
        drop(handler);
        match Arc::try_unwrap(core) {
            Ok(core) => core.finalize_shutdown().await,
            Err(_) => tracing::warn!("worker still shared at shutdown; skipping finalize"),
        }
        tracing::info!("worker stopped");
        result
    }
}

/// The workflow poll loop: each activation is handled and completed in a task of its own; on
/// shutdown, every one of them finishes before this returns.
async fn poll_workflows(
    core: &Arc<CoreWorker>,
    handler: &Arc<ActivationHandler>,
) -> Result<(), WorkerError> {
    let mut completions = JoinSet::new();
    let result = loop {
        while completions.try_join_next().is_some() {}
        match core.poll_workflow_activation().await {
            Ok(activation) => {
                let core = Arc::clone(core);
                let handler = Arc::clone(handler);
                completions.spawn(async move {
                    let completion = handler.handle(activation).await;
                    let run_id = completion.run_id.clone();
                    if let Err(err) = core.complete_workflow_activation(completion).await {
                        tracing::warn!(%run_id, "completing the activation failed: {err}");
                    }
                });
            }
            Err(PollError::ShutDown) => break Ok(()),
            Err(err) => {
                core.initiate_shutdown();
                break Err(WorkerError::Poll(err.to_string()));
            }
        }
    };
    while completions.join_next().await.is_some() {}
    result
}

/// Asks core to evict a run, for the activation handler when the instance pool is full. Holds
/// the core worker weakly, so that it can still be taken back at shutdown.
fn evict_through(core: &Arc<CoreWorker>) -> EvictionRequester {
    let core = Arc::downgrade(core);
    Box::new(move |run_id: &str| {
        if let Some(core) = core.upgrade() {
            core.request_workflow_eviction(run_id);
        }
    })
}

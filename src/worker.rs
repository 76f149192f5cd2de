//! The worker loop: connect, poll activations, hand each to the [`ActivationHandler`], complete.
//!
//! It follows core's contract: `poll_workflow_activation` is never called concurrently with
//! itself, completions run concurrently in their own tasks, and shutdown is
//! `initiate_shutdown` → poll until `ShutDown` → join the completion tasks → `finalize_shutdown`.

use std::sync::Arc;
use std::time::Duration;

use temporalio_client::{ClientTlsOptions, Connection, ConnectionOptions, TlsOptions, Url};
use temporalio_common::telemetry::metrics::CoreMeter;
use temporalio_common::telemetry::{
    HistogramBucketOverrides, PrometheusExporterOptions, TelemetryOptions,
    start_prometheus_metric_exporter,
};
use temporalio_common::worker::WorkerTaskTypes;
use temporalio_sdk_core::{
    CoreRuntime, PollError, RuntimeOptions, WorkerConfig, WorkerVersioningStrategy, init_worker,
};
use tokio::task::JoinSet;

use crate::activation::ActivationHandler;
use crate::bundle::BundleRegistry;
use crate::config::{Settings, TemporalSettings, TlsSettings};
use crate::convert::WorkerContext;
use crate::metrics::WorkerMetrics;
use crate::shutdown::Shutdown;

/// The SDK name this worker reports to Temporal (client headers and workflow task completions),
/// so the UI shows what ran a workflow instead of "Rust".
pub const SDK_NAME: &str = "temporal-wasm-worker";
/// The SDK version reported alongside [`SDK_NAME`].
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// First wait between connection attempts; doubles up to [`MAX_CONNECT_BACKOFF`].
pub const INITIAL_CONNECT_BACKOFF: Duration = Duration::from_millis(500);
/// Longest wait between connection attempts.
pub const MAX_CONNECT_BACKOFF: Duration = Duration::from_secs(30);
/// How long one connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

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
    #[error("cannot serve metrics on {address}: {reason}")]
    Metrics {
        /// The configured address.
        address: std::net::SocketAddr,
        /// Why (often: the port is taken).
        reason: String,
    },
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
    /// In-flight work did not finish within the shutdown timeout.
    #[error("in-flight workflow tasks did not finish within the {0:?} shutdown timeout")]
    ShutdownTimedOut(Duration),
}

/// Runs the worker until `shutdown` is requested and in-flight work is done.
pub async fn run(
    settings: &Settings,
    bundles: Arc<BundleRegistry>,
    shutdown: Shutdown,
) -> Result<(), WorkerError> {
    let timeout = settings.worker.shutdown_timeout;
    let mut deadline_watch = shutdown.clone();
    tokio::select! {
        result = run_until_drained(settings, bundles, shutdown) => result,
        () = async {
            deadline_watch.requested().await;
            tokio::time::sleep(timeout).await;
        } => Err(WorkerError::ShutdownTimedOut(timeout)),
    }
}

async fn run_until_drained(
    settings: &Settings,
    bundles: Arc<BundleRegistry>,
    mut shutdown: Shutdown,
) -> Result<(), WorkerError> {
    let meter = match settings.prometheus_address {
        Some(address) => Some(start_metrics_endpoint(address)?),
        None => None,
    };
    let telemetry = TelemetryOptions::builder()
        .maybe_metrics(meter.clone())
        .build();
    let runtime = CoreRuntime::new_assume_tokio(
        RuntimeOptions::builder()
            .telemetry_options(telemetry)
            .build()
            .map_err(WorkerError::Core)?,
    )
    .map_err(|err| WorkerError::Core(format!("{err:#}")))?;
    let metrics = Arc::new(WorkerMetrics::new(meter));
    metrics.record_bundle_loads(&bundles);
    let Some(connection) = connect_with_backoff(settings, &mut shutdown.clone()).await? else {
        tracing::info!("shutdown requested before the server was reached");
        return Ok(());
    };

    let temporal = &settings.temporal;
    let build_id = settings
        .worker
        .build_id
        .clone()
        .unwrap_or_else(|| bundles.build_id());
    let worker_config = WorkerConfig::builder()
        .namespace(temporal.namespace.clone())
        .task_queue(temporal.task_queue.clone())
        .task_types(WorkerTaskTypes::workflow_only())
        .versioning_strategy(WorkerVersioningStrategy::None {
            build_id: build_id.clone(),
        })
        .client_identity_override(settings.worker.identity.clone())
        .max_cached_workflows(settings.worker.max_cached_workflows)
        .max_outstanding_workflow_tasks(settings.worker.max_outstanding_workflow_tasks)
        .build()
        .map_err(WorkerError::Config)?;
    let worker = init_worker(&runtime, worker_config, connection)
        .map_err(|err| WorkerError::Core(format!("{err:#}")))?;
    worker
        .validate()
        .await
        .map_err(|err| WorkerError::Refused {
            address: temporal.target_url.clone(),
            namespace: temporal.namespace.clone(),
            reason: err.to_string(),
        })?;
    let worker = Arc::new(worker);

    let handler = Arc::new(ActivationHandler::new(
        bundles,
        WorkerContext {
            namespace: temporal.namespace.clone(),
            task_queue: temporal.task_queue.clone(),
        },
        settings.worker.max_concurrent_runs,
        metrics,
    ));

    // Polls are not cancel-safe, so shutdown reaches the loop through core: once requested,
    // core stops handing out new work and the poll below returns `ShutDown`.
    let shutdown_listener = {
        let worker = Arc::clone(&worker);
        tokio::spawn(async move {
            shutdown.requested().await;
            worker.initiate_shutdown();
        })
    };

    let health = settings
        .worker
        .health_file
        .clone()
        .map(|path| (tokio::spawn(crate::health::keep_fresh(path.clone())), path));
    tracing::info!(
        address = %temporal.target_url,
        namespace = %temporal.namespace,
        task_queue = %temporal.task_queue,
        identity = %settings.worker.identity,
        %build_id,
        "polling for workflow tasks"
    );
    let mut completions = JoinSet::new();
    let poll_result = loop {
        while completions.try_join_next().is_some() {}
        match worker.poll_workflow_activation().await {
            Ok(activation) => {
                let worker = Arc::clone(&worker);
                let handler = Arc::clone(&handler);
                completions.spawn(async move {
                    let completion = handler.handle(activation).await;
                    let run_id = completion.run_id.clone();
                    if let Err(err) = worker.complete_workflow_activation(completion).await {
                        tracing::warn!(%run_id, "completing the activation failed: {err}");
                    }
                });
            }
            Err(PollError::ShutDown) => break Ok(()),
            Err(err) => {
                worker.initiate_shutdown();
                break Err(WorkerError::Poll(err.to_string()));
            }
        }
    };
    while completions.join_next().await.is_some() {}
    if let Some((task, path)) = health {
        task.abort();
        crate::health::clear(&path);
    }
    shutdown_listener.abort();
    // The listener owns a clone of the worker; wait until it is gone before taking the worker back.
    let _ = shutdown_listener.await;
    drop(handler);
    match Arc::try_unwrap(worker) {
        Ok(worker) => worker.finalize_shutdown().await,
        Err(_) => tracing::warn!("worker still shared at shutdown; skipping finalize"),
    }
    tracing::info!("worker stopped");
    poll_result
}

/// Serves Prometheus metrics on `address`; returns the meter core and the worker record into.
fn start_metrics_endpoint(
    address: std::net::SocketAddr,
) -> Result<Arc<dyn CoreMeter>, WorkerError> {
    // Runs take micro- to milliseconds: seconds as f64 with fine buckets, not whole milliseconds.
    let run_buckets = vec![
        0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        0.5, 1.0, 2.5, 5.0, 10.0,
    ];
    let overrides = HistogramBucketOverrides {
        overrides: [
            ("wasm_workflow_run_duration".to_owned(), run_buckets.clone()),
            ("wasm_bundle_load_duration".to_owned(), run_buckets),
        ]
        .into(),
    };
    let options = PrometheusExporterOptions::builder()
        .socket_addr(address)
        .use_seconds_for_durations(true)
        .histogram_bucket_overrides(overrides)
        .build();
    let server = start_prometheus_metric_exporter(options).map_err(|err| WorkerError::Metrics {
        address,
        reason: format!("{err:#}"),
    })?;
    tracing::info!(
        "serving Prometheus metrics on http://{}/metrics",
        server.bound_addr
    );
    Ok(server.meter)
}

/// Connects to the server, retrying with exponential backoff until it answers or shutdown is
/// requested (`None`). A down server at start-up is normal in orchestrated deployments.
async fn connect_with_backoff(
    settings: &Settings,
    shutdown: &mut Shutdown,
) -> Result<Option<Connection>, WorkerError> {
    let temporal = &settings.temporal;
    let url = Url::parse(&temporal.target_url).map_err(|err| WorkerError::BadAddress {
        address: temporal.target_url.clone(),
        reason: err.to_string(),
    })?;
    let mut backoff = INITIAL_CONNECT_BACKOFF;
    loop {
        let options = ConnectionOptions::new(url.clone())
            .identity(settings.worker.identity.clone())
            .client_name(SDK_NAME.to_owned())
            .client_version(SDK_VERSION.to_owned())
            .maybe_api_key(temporal.api_key.as_ref().map(|key| key.expose().to_owned()))
            .maybe_tls_options(temporal.tls.as_ref().map(tls_options))
            .connect_timeout(CONNECT_TIMEOUT)
            .build();
        let attempt = tokio::select! {
            result = Connection::connect(options) => result,
            () = shutdown.requested() => return Ok(None),
        };
        match attempt {
            Ok(connection) => return Ok(Some(connection)),
            Err(err) => {
                let err = err.to_string();
                let hint = connection_hint(&err, temporal)
                    .map(|hint| format!(" (hint: {hint})"))
                    .unwrap_or_default();
                tracing::warn!(
                    address = %temporal.target_url,
                    "cannot reach the Temporal server: {err}{hint}; retrying in {backoff:?}"
                );
            }
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = shutdown.requested() => return Ok(None),
        }
        backoff = (backoff * 2).min(MAX_CONNECT_BACKOFF);
    }
}

/// What an operator most likely has to change, for the connection errors whose raw text (a
/// transport error dump) does not say it plainly.
fn connection_hint(error: &str, temporal: &TemporalSettings) -> Option<&'static str> {
    let has_client_cert = temporal
        .tls
        .as_ref()
        .is_some_and(|tls| tls.client_identity.is_some());
    if error.contains("UnknownIssuer") {
        Some(
            "the server's certificate is not signed by a trusted CA; set temporal.tls.server_ca_cert \
             (TEMPORAL_TLS_SERVER_CA_CERT_PATH) to its CA",
        )
    } else if error.contains("NotValidForName") {
        Some(
            "the server's certificate is not issued for this address; set temporal.tls.server_name \
             (TEMPORAL_TLS_SERVER_NAME) to the name it is issued for",
        )
    } else if error.contains("Unauthenticated")
        || error.contains("PermissionDenied")
        || error.contains("401 Unauthorized")
    {
        Some("the server refused the credentials; check temporal.api_key (TEMPORAL_API_KEY)")
    } else if temporal.tls.is_some()
        && !has_client_cert
        && (error.contains("CertificateRequired")
            || error.contains("broken pipe")
            || error.contains("connection closed")
            || error.contains("operation was canceled")
            || error.contains("Connection reset"))
    {
        Some(
            "the server may require a client certificate (mTLS); set temporal.tls.client_cert and \
             temporal.tls.client_key",
        )
    } else if temporal.tls.is_none() && error.contains("connection closed") {
        Some("the server closed the connection; if it expects TLS, set temporal.tls.enabled = true")
    } else if error.contains("Connection refused") || error.contains("ConnectionRefused") {
        Some("nothing is listening at temporal.address yet")
    } else {
        None
    }
}

fn tls_options(tls: &TlsSettings) -> TlsOptions {
    TlsOptions::builder()
        .maybe_server_root_ca_cert(tls.server_ca_cert.clone())
        .maybe_domain(tls.server_name.clone())
        .maybe_client_tls_options(tls.client_identity.as_ref().map(|(cert, key)| {
            ClientTlsOptions::builder()
                .client_cert(cert.clone())
                .client_private_key(key.expose().as_bytes().to_vec())
                .build()
        }))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporal(tls: Option<TlsSettings>) -> TemporalSettings {
        TemporalSettings {
            target_url: "https://h:1".into(),
            namespace: "default".into(),
            task_queue: "q".into(),
            api_key: None,
            tls,
        }
    }

    #[test]
    fn unknown_issuer_points_at_the_ca_setting() {
        let hint = connection_hint(
            "InvalidCertificate(UnknownIssuer)",
            &temporal(Some(TlsSettings::default())),
        );
        assert!(hint.unwrap().contains("temporal.tls.server_ca_cert"));
    }

    #[test]
    fn wrong_name_points_at_the_server_name_setting() {
        let hint = connection_hint(
            "NotValidForNameContext { expected: .. }",
            &temporal(Some(TlsSettings::default())),
        );
        assert!(hint.unwrap().contains("temporal.tls.server_name"));
    }

    #[test]
    fn unauthenticated_points_at_the_api_key() {
        let hint = connection_hint("Status { code: Unauthenticated, .. }", &temporal(None));
        assert!(hint.unwrap().contains("temporal.api_key"));
    }

    #[test]
    fn closed_tls_connection_without_client_cert_suggests_mtls() {
        let hint = connection_hint(
            "hyper::Error(Canceled, \"connection closed\")",
            &temporal(Some(TlsSettings::default())),
        );
        assert!(hint.unwrap().contains("client certificate"));
        let with_cert = TlsSettings {
            client_identity: Some((b"cert".to_vec(), crate::config::Secret::new("key"))),
            ..TlsSettings::default()
        };
        assert_eq!(
            connection_hint("connection closed", &temporal(Some(with_cert))),
            None
        );
    }

    #[test]
    fn unrelated_errors_get_no_hint() {
        assert_eq!(connection_hint("something else", &temporal(None)), None);
    }
}

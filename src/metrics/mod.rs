//! The worker's own metrics, recorded through core's meter so that one Prometheus endpoint
//! serves them next to core's worker metrics (`temporal_*`).
//!
//! | metric | kind | labels |
//! |--------|------|--------|
//! | `wasm_workflow_runs` | counter | `workflow_type`, `bundle` (its version, `sha256:…`), `outcome` (`completed`, `failed`, `guest_bug`, `continued_as_new`, `cancelled`) |
//! | `wasm_workflow_run_duration` | histogram (ms) | `workflow_type` |
//! | `wasm_guest_bugs` | counter | `workflow_type`, `kind` (see `GuestBug::kind`) |
//! | `wasm_unknown_workflow_type_tasks` | counter | `workflow_type` |
//! | `wasm_bundle_version_missing_tasks` | counter | `workflow_type`, `bundle` (the version the run is pinned to) |
//! | `wasm_nondeterminism` | counter | `workflow_type` |
//! | `wasm_http_requests` | counter | `allowed_by` (the allow-list entry, `none` when refused), `status_class` (`2xx`…, `none`), `outcome` (`completed`, `cancelled`, a failure type) |
//! | `wasm_http_request_duration` | histogram | `allowed_by` |
//! | `wasm_http_request_bytes`, `wasm_http_response_bytes` | counter | `allowed_by` |
//! | `wasm_guest_<name>` | what the guest says | `workflow_type` and the guest's labels (see [`guest`]) |
//! | `wasm_bundle_load_duration` | histogram (ms) | `workflow_type`, recorded once at start-up |
//! | `wasm_instances_in_flight` | gauge | none |
//!
//! With metrics off, the same calls go to core's no-op meter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use temporalio_common::telemetry::metrics::{
    CoreMeter, Counter, Gauge, HistogramDuration, MetricAttributes, MetricKeyValue,
    MetricParameters, MetricValue, NewAttributes, NoOpCoreMeter,
};

use temporalio_common::telemetry::{
    HistogramBucketOverrides, PrometheusExporterOptions, start_prometheus_metric_exporter,
};

mod guest;
mod http;

pub use guest::{GUEST_METRIC_PREFIX, GuestMetrics};
pub use http::HttpActivityMetrics;

use crate::abi::MetricRequest;
use crate::sandbox::BundleRegistry;

/// The Prometheus endpoint could not be started.
#[derive(Debug, thiserror::Error)]
#[error("cannot serve metrics on {address}: {reason}")]
pub struct MetricsEndpointError {
    /// The configured address.
    pub address: std::net::SocketAddr,
    /// Why (often: the port is taken).
    pub reason: String,
}

/// How a run ended, as the `outcome` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// The workflow completed.
    Completed,
    /// The workflow failed (the guest's failure, or a guest bug under `fail_workflow`).
    Failed,
    /// A guest bug failed the workflow task.
    GuestBug,
    /// The workflow continued as a new run.
    ContinuedAsNew,
    /// The workflow ended as cancelled.
    Cancelled,
}

impl RunOutcome {
    fn label(self) -> &'static str {
        match self {
            RunOutcome::Completed => "completed",
            RunOutcome::ContinuedAsNew => "continued_as_new",
            RunOutcome::Cancelled => "cancelled",
            RunOutcome::Failed => "failed",
            RunOutcome::GuestBug => "guest_bug",
        }
    }
}

/// Every instrument the worker records, created once.
pub struct WorkerMetrics {
    meter: Arc<dyn CoreMeter>,
    runs: Counter,
    run_duration: HistogramDuration,
    guest_bugs: Counter,
    unknown_types: Counter,
    missing_versions: Counter,
    nondeterminism: Counter,
    bundle_load: HistogramDuration,
    in_flight: Gauge,
    in_flight_count: AtomicU64,
    guest: GuestMetrics,
    /// Whether a meter consumes what is recorded: without one, the per-run instruments are
    /// skipped, so that a run does not build label sets nobody reads.
    recording: bool,
}

impl WorkerMetrics {
    /// Instruments on `meter`, or on a no-op meter when metrics are off.
    pub fn new(meter: Option<Arc<dyn CoreMeter>>) -> WorkerMetrics {
        let recording = meter.is_some();
        let meter = meter.unwrap_or_else(|| Arc::new(NoOpCoreMeter));
        let params =
            |name: &'static str, description: &'static str, unit: &'static str| MetricParameters {
                name: name.into(),
                description: description.into(),
                unit: unit.into(),
            };
        WorkerMetrics {
            runs: meter.counter(params(
                "wasm_workflow_runs",
                "Bundle runs by workflow type, bundle version and outcome",
                "",
            )),
            run_duration: meter.histogram_duration(params(
                "wasm_workflow_run_duration",
                "Time from instantiation to the end of a bundle run",
                "duration",
            )),
            guest_bugs: meter.counter(params(
                "wasm_guest_bugs",
                "Guest bugs by workflow type and kind",
                "",
            )),
            unknown_types: meter.counter(params(
                "wasm_unknown_workflow_type_tasks",
                "Workflow tasks for types without a registered bundle",
                "",
            )),
            missing_versions: meter.counter(params(
                "wasm_bundle_version_missing_tasks",
                "Workflow tasks of runs pinned to a bundle version this worker does not have",
                "",
            )),
            nondeterminism: meter.counter(params(
                "wasm_nondeterminism",
                "Workflow tasks core failed because the guest's commands differed from history",
                "",
            )),
            bundle_load: meter.histogram_duration(params(
                "wasm_bundle_load_duration",
                "Time to read, compile, validate and link a bundle at start-up",
                "duration",
            )),
            in_flight: meter.gauge(params(
                "wasm_instances_in_flight",
                "Bundle instances running right now",
                "",
            )),
            in_flight_count: AtomicU64::new(0),
            guest: GuestMetrics::new(
                Arc::clone(&meter),
                crate::config::DEFAULT_MAX_GUEST_LABEL_SETS,
            ),
            meter,
            recording,
        }
    }

    /// Whether a meter consumes the metrics (a Prometheus endpoint is configured); callers may
    /// skip preparing what they would record when it does not.
    pub fn is_recording(&self) -> bool {
        self.recording
    }

    fn attributes(&self, labels: &[(&'static str, &str)]) -> MetricAttributes {
        self.meter.new_attributes(NewAttributes::new(
            labels
                .iter()
                .map(|(key, value)| {
                    MetricKeyValue::new(*key, MetricValue::String((*value).to_owned()))
                })
                .collect(),
        ))
    }

    /// Records one finished run of bundle `version`.
    pub fn record_run(
        &self,
        workflow_type: &str,
        version: &str,
        outcome: RunOutcome,
        duration: Duration,
    ) {
        if !self.recording {
            return;
        }
        self.runs.add(
            1,
            &self.attributes(&[
                ("workflow_type", workflow_type),
                ("bundle", version),
                ("outcome", outcome.label()),
            ]),
        );
        self.run_duration.record(
            duration,
            &self.attributes(&[("workflow_type", workflow_type)]),
        );
    }

    /// Records a guest bug of `kind`.
    pub fn record_guest_bug(&self, workflow_type: &str, kind: &str) {
        self.guest_bugs.add(
            1,
            &self.attributes(&[("workflow_type", workflow_type), ("kind", kind)]),
        );
    }

    /// Records a workflow task failed because its run is pinned to a bundle `version` this
    /// worker does not have.
    pub fn record_missing_version(&self, workflow_type: &str, version: &str) {
        self.missing_versions.add(
            1,
            &self.attributes(&[("workflow_type", workflow_type), ("bundle", version)]),
        );
    }

    /// Records a workflow task for a type without a bundle.
    pub fn record_unknown_type(&self, workflow_type: &str) {
        self.unknown_types
            .add(1, &self.attributes(&[("workflow_type", workflow_type)]));
    }

    /// The HTTP activity instruments, on the same meter.
    pub fn http_activities(&self) -> HttpActivityMetrics {
        HttpActivityMetrics::new(Arc::clone(&self.meter))
    }

    /// Lets each guest metric have at most `max_label_sets` label sets.
    pub fn with_max_guest_label_sets(mut self, max_label_sets: usize) -> Self {
        self.guest = GuestMetrics::new(Arc::clone(&self.meter), max_label_sets);
        self
    }

    /// Records a metric a run of `workflow_type` emitted (`emit_metric`).
    pub fn record_guest_metric(&self, workflow_type: &str, metric: &MetricRequest) {
        self.guest.record(workflow_type, metric);
    }

    /// Records a nondeterminism core found in a run of `workflow_type`.
    pub fn record_nondeterminism(&self, workflow_type: &str) {
        self.nondeterminism
            .add(1, &self.attributes(&[("workflow_type", workflow_type)]));
    }

    /// Records how long each bundle took to load.
    pub fn record_bundle_loads(&self, bundles: &BundleRegistry) {
        for bundle in bundles.all_versions().flat_map(|versions| versions.all()) {
            self.bundle_load.record(
                bundle.load_duration(),
                &self.attributes(&[("workflow_type", bundle.workflow_type())]),
            );
        }
    }

    /// Marks an instance as running until the returned guard is dropped.
    pub fn instance_started(&self) -> InFlight<'_> {
        let now = self.in_flight_count.fetch_add(1, Ordering::Relaxed) + 1;
        if self.recording {
            self.in_flight.record(now, &MetricAttributes::Empty);
        }
        InFlight { metrics: self }
    }
}

/// Keeps `wasm_instances_in_flight` counted while a run executes.
pub struct InFlight<'a> {
    metrics: &'a WorkerMetrics,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let now = self.metrics.in_flight_count.fetch_sub(1, Ordering::Relaxed) - 1;
        if self.metrics.recording {
            self.metrics.in_flight.record(now, &MetricAttributes::Empty);
        }
    }
}

/// Serves Prometheus metrics on `address`; returns the meter core and the worker record into.
pub fn start_metrics_endpoint(
    address: std::net::SocketAddr,
) -> Result<Arc<dyn CoreMeter>, MetricsEndpointError> {
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
    let server = start_prometheus_metric_exporter(options).map_err(|err| MetricsEndpointError {
        address,
        reason: format!("{err:#}"),
    })?;
    tracing::info!(
        "serving Prometheus metrics on http://{}/metrics",
        server.bound_addr
    );
    Ok(server.meter)
}

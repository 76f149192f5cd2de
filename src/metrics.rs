//! The worker's own metrics, recorded through core's meter so that one Prometheus endpoint
//! serves them next to core's worker metrics (`temporal_*`).
//!
//! | metric | kind | labels |
//! |--------|------|--------|
//! | `wasm_workflow_runs` | counter | `workflow_type`, `outcome` (`completed`, `failed`, `guest_bug`) |
//! | `wasm_workflow_run_duration` | histogram (ms) | `workflow_type` |
//! | `wasm_guest_bugs` | counter | `workflow_type`, `kind` (see `GuestBug::kind`) |
//! | `wasm_unknown_workflow_type_tasks` | counter | `workflow_type` |
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

use crate::bundle::BundleRegistry;

/// How a run ended, as the `outcome` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunOutcome {
    /// The workflow completed.
    Completed,
    /// The workflow failed (the guest's failure, or a guest bug under `fail_workflow`).
    Failed,
    /// A guest bug failed the workflow task.
    GuestBug,
}

impl RunOutcome {
    fn label(self) -> &'static str {
        match self {
            RunOutcome::Completed => "completed",
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
    bundle_load: HistogramDuration,
    in_flight: Gauge,
    in_flight_count: AtomicU64,
}

impl WorkerMetrics {
    /// Instruments on `meter`, or on a no-op meter when metrics are off.
    pub fn new(meter: Option<Arc<dyn CoreMeter>>) -> WorkerMetrics {
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
                "Bundle runs by workflow type and outcome",
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
            meter,
        }
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

    /// Records one finished run.
    pub fn record_run(&self, workflow_type: &str, outcome: RunOutcome, duration: Duration) {
        self.runs.add(
            1,
            &self.attributes(&[
                ("workflow_type", workflow_type),
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

    /// Records a workflow task for a type without a bundle.
    pub fn record_unknown_type(&self, workflow_type: &str) {
        self.unknown_types
            .add(1, &self.attributes(&[("workflow_type", workflow_type)]));
    }

    /// Records how long each bundle took to load.
    pub fn record_bundle_loads(&self, bundles: &BundleRegistry) {
        for bundle in bundles.bundles() {
            self.bundle_load.record(
                bundle.load_duration(),
                &self.attributes(&[("workflow_type", bundle.workflow_type())]),
            );
        }
    }

    /// Marks an instance as running until the returned guard is dropped.
    pub fn instance_started(&self) -> InFlight<'_> {
        let now = self.in_flight_count.fetch_add(1, Ordering::Relaxed) + 1;
        self.in_flight.record(now, &MetricAttributes::Empty);
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
        self.metrics.in_flight.record(now, &MetricAttributes::Empty);
    }
}

//! Metrics guests emit with `emit_metric`, on the worker's Prometheus endpoint.
//!
//! A guest names its metric; the worker exports it as `wasm_guest_<name>` with the workflow type
//! as a label, so guest names can never collide with the worker's own or core's. Each metric may
//! have at most `metrics.max_guest_label_sets` distinct label sets: past that, new label sets are
//! dropped and the worker warns once per metric, so a guest that puts an id in a label cannot
//! blow up the endpoint. A name first seen as one kind keeps that kind.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};

use temporalio_common::telemetry::metrics::{
    CoreMeter, Counter, GaugeF64, HistogramF64, MetricKeyValue, MetricParameters, MetricValue,
    NewAttributes,
};

use crate::abi::{MetricKind, MetricRequest};

/// Prefix of every guest metric's exported name.
pub const GUEST_METRIC_PREFIX: &str = "wasm_guest_";

enum Instrument {
    Counter(Counter),
    Gauge(GaugeF64),
    Histogram(HistogramF64),
}

struct GuestMetric {
    kind: MetricKind,
    instrument: Instrument,
    label_sets: HashSet<Vec<(String, String)>>,
    warned: bool,
}

/// The guest metrics of one worker, created on first use.
pub struct GuestMetrics {
    meter: Arc<dyn CoreMeter>,
    max_label_sets: usize,
    metrics: Mutex<HashMap<String, GuestMetric>>,
}

impl GuestMetrics {
    /// Guest metrics on `meter`, each with at most `max_label_sets` label sets.
    pub fn new(meter: Arc<dyn CoreMeter>, max_label_sets: usize) -> GuestMetrics {
        GuestMetrics {
            meter,
            max_label_sets,
            metrics: Mutex::new(HashMap::new()),
        }
    }

    /// Records `metric`, emitted by a run of `workflow_type`.
    pub fn record(&self, workflow_type: &str, metric: &MetricRequest) {
        let mut metrics = self.metrics.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = metrics
            .entry(metric.name.clone())
            .or_insert_with(|| GuestMetric {
                kind: metric.kind,
                instrument: self.instrument(metric),
                label_sets: HashSet::new(),
                warned: false,
            });
        if entry.kind != metric.kind {
            tracing::warn!(
                workflow_type,
                metric = %metric.name,
                "guest metric `{}` was first emitted as a {:?} and cannot become a {:?}; dropped",
                metric.name,
                entry.kind,
                metric.kind
            );
            return;
        }
        let labels: Vec<(String, String)> = metric
            .labels
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        if !entry.label_sets.contains(&labels) {
            if entry.label_sets.len() >= self.max_label_sets {
                if !std::mem::replace(&mut entry.warned, true) {
                    tracing::warn!(
                        workflow_type,
                        metric = %metric.name,
                        "guest metric `{}` has reached {} label sets \
                         (metrics.max_guest_label_sets); values with new label sets are dropped",
                        metric.name,
                        self.max_label_sets
                    );
                }
                return;
            }
            entry.label_sets.insert(labels.clone());
        }
        let mut pairs = vec![MetricKeyValue::new(
            "workflow_type",
            MetricValue::String(workflow_type.to_owned()),
        )];
        pairs.extend(
            labels
                .into_iter()
                .map(|(key, value)| MetricKeyValue::new(key, MetricValue::String(value))),
        );
        let attributes = self.meter.new_attributes(NewAttributes::new(pairs));
        match &entry.instrument {
            // Counters count whole units (emit_metric refuses other values for them).
            Instrument::Counter(counter) => counter.add(metric.value as u64, &attributes),
            Instrument::Gauge(gauge) => gauge.record(metric.value, &attributes),
            Instrument::Histogram(histogram) => histogram.record(metric.value, &attributes),
        }
    }

    fn instrument(&self, metric: &MetricRequest) -> Instrument {
        let params = MetricParameters {
            name: format!("{GUEST_METRIC_PREFIX}{}", metric.name).into(),
            description: "Emitted by workflow guests with emit_metric".into(),
            unit: "".into(),
        };
        match metric.kind {
            MetricKind::Counter => Instrument::Counter(self.meter.counter(params)),
            MetricKind::Gauge => Instrument::Gauge(self.meter.gauge_f64(params)),
            MetricKind::Histogram => Instrument::Histogram(self.meter.histogram_f64(params)),
        }
    }
}

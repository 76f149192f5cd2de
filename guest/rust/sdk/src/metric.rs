//! Metrics: `emit_metric`. The worker exports each as `wasm_guest_<name>` on its Prometheus
//! endpoint, labelled with the workflow type and the labels given. Nothing is emitted while
//! Temporal replays history, so each call counts once per workflow execution.
//!
//! ```no_run
//! # use temporal_wasm_sdk::metric;
//! metric::counter("orders_completed", 1, &[("outcome", "shipped")]);
//! metric::gauge("queue_depth", 12.0, &[]);
//! ```
//!
//! Names and label keys are `[A-Za-z_][A-Za-z0-9_]*` (at most 100 bytes), at most 10 labels,
//! `workflow_type` is reserved, and values are finite; the worker treats anything else as a bug.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::host::{self, Host};

/// `emit_metric`'s JSON.
#[derive(Serialize)]
struct Metric<'a, V> {
    name: &'a str,
    kind: &'static str,
    value: V,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    labels: BTreeMap<&'a str, &'a str>,
}

fn emit<V: Serialize>(name: &str, kind: &'static str, value: V, labels: &[(&str, &str)]) {
    let mut map = BTreeMap::new();
    for &(key, value) in labels {
        map.insert(key, value);
    }
    let metric = Metric {
        name,
        kind,
        value,
        labels: map,
    };
    let json = serde_json::to_vec(&metric).expect("a metric always serialises");
    host::call(|host| host.emit_metric(&json));
}

/// Adds `value` to the counter `name`.
pub fn counter(name: &str, value: u64, labels: &[(&str, &str)]) {
    emit(name, "counter", value, labels);
}

/// Sets the gauge `name` to `value`.
pub fn gauge(name: &str, value: f64, labels: &[(&str, &str)]) {
    emit(name, "gauge", value, labels);
}

/// Records `value` in the histogram `name`.
pub fn histogram(name: &str, value: f64, labels: &[(&str, &str)]) {
    emit(name, "histogram", value, labels);
}

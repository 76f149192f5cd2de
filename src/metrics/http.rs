//! HTTP activity metrics: requests by allow-list entry and status class, latency, bytes — recorded from the
//! executor's per-attempt records into the worker's meter.

use std::sync::Arc;

use temporalio_common::telemetry::metrics::{
    CoreMeter, Counter, HistogramDuration, MetricKeyValue, MetricParameters, MetricValue,
    NewAttributes,
};

use crate::http_activities::{HttpAttemptRecord, HttpMetrics};

/// The worker's HTTP activity instruments.
pub struct HttpActivityMetrics {
    meter: Arc<dyn CoreMeter>,
    requests: Counter,
    duration: HistogramDuration,
    request_bytes: Counter,
    response_bytes: Counter,
}

impl HttpActivityMetrics {
    /// Instruments on `meter`.
    pub fn new(meter: Arc<dyn CoreMeter>) -> HttpActivityMetrics {
        let params =
            |name: &'static str, description: &'static str, unit: &'static str| MetricParameters {
                name: name.into(),
                description: description.into(),
                unit: unit.into(),
            };
        HttpActivityMetrics {
            requests: meter.counter(params(
                "wasm_http_requests",
                "HTTP activity attempts by allow-list entry, status class and outcome",
                "",
            )),
            duration: meter.histogram_duration(params(
                "wasm_http_request_duration",
                "Time of one HTTP activity attempt, waiting for a request slot included",
                "duration",
            )),
            request_bytes: meter.counter(params(
                "wasm_http_request_bytes",
                "Request body bytes HTTP activities sent",
                "bytes",
            )),
            response_bytes: meter.counter(params(
                "wasm_http_response_bytes",
                "Response body bytes HTTP activities read",
                "bytes",
            )),
            meter,
        }
    }
}

impl HttpMetrics for HttpActivityMetrics {
    fn record(&self, attempt: &HttpAttemptRecord) {
        let label = |key: &'static str, value: &str| {
            MetricKeyValue::new(key, MetricValue::String(value.to_owned()))
        };
        // The allow-list entry, not the host: a wildcard entry lets through any number of hosts,
        // and refused requests name whatever a workflow asked for, but the entries are few.
        let entry = attempt.allowed_by.as_deref().unwrap_or("none");
        let attributes = self.meter.new_attributes(NewAttributes::new(vec![
            label("allowed_by", entry),
            label("status_class", attempt.status_class()),
            label("outcome", attempt.outcome),
        ]));
        self.requests.add(1, &attributes);
        let by_entry = self
            .meter
            .new_attributes(NewAttributes::new(vec![label("allowed_by", entry)]));
        self.duration.record(attempt.duration, &by_entry);
        self.request_bytes.add(attempt.request_bytes, &by_entry);
        self.response_bytes.add(attempt.response_bytes, &by_entry);
    }
}

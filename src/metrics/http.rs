//! HTTP activity metrics: requests by host and status class, latency, bytes — recorded from the
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
                "HTTP activity attempts by host, status class and outcome",
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
        let host = attempt.host.as_deref().unwrap_or("none");
        let attributes = self.meter.new_attributes(NewAttributes::new(vec![
            label("host", host),
            label("status_class", attempt.status_class()),
            label("outcome", attempt.outcome),
        ]));
        self.requests.add(1, &attributes);
        let by_host = self
            .meter
            .new_attributes(NewAttributes::new(vec![label("host", host)]));
        self.duration.record(attempt.duration, &by_host);
        self.request_bytes.add(attempt.request_bytes, &by_host);
        self.response_bytes.add(attempt.response_bytes, &by_host);
    }
}

//! What the executor tells the worker's metrics about each attempt. The executor does not know
//! core's meter: it calls an [`HttpMetrics`] once per attempt with an [`HttpAttemptRecord`], and
//! the worker turns that into counters and a latency histogram (requests by host and status
//! class, duration, bytes), labelled as it sees fit.

use std::time::Duration;

/// Receives one record per attempt, when it ends (or is dropped, as `cancelled`).
///
/// Called on the task that ran the attempt, after the response is read: keep it cheap and
/// non-blocking (a counter increment, not I/O).
pub trait HttpMetrics: Send + Sync {
    /// Records one finished attempt.
    fn record(&self, attempt: &HttpAttemptRecord);
}

/// One attempt, as metrics see it. Holds no URL path, header or body: nothing a secret could
/// be in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpAttemptRecord {
    /// The request URL's host; `None` when the input did not parse.
    pub host: Option<String>,
    /// The allow-list entry that allowed the request (`https://*.example.com:443`): a label of
    /// bounded cardinality even when a wildcard entry lets through many hosts.
    pub allowed_by: Option<String>,
    /// The final response's status; `None` when no response came.
    pub status: Option<u16>,
    /// `completed`, `cancelled` or the failure type (`HttpStatus`, `HttpTimeout`…).
    pub outcome: &'static str,
    /// From the start of `execute` to its outcome, queueing for a request slot included.
    pub duration: Duration,
    /// Request body bytes sent, over every hop.
    pub request_bytes: u64,
    /// Response body bytes read from the final response.
    pub response_bytes: u64,
}

impl HttpAttemptRecord {
    /// `1xx` … `5xx` for the status, or `none` when no response came: the status-class label.
    pub fn status_class(&self) -> &'static str {
        match self.status {
            Some(100..=199) => "1xx",
            Some(200..=299) => "2xx",
            Some(300..=399) => "3xx",
            Some(400..=499) => "4xx",
            Some(500..=599) => "5xx",
            Some(_) => "other",
            None => "none",
        }
    }
}

/// The metrics of an executor nobody gave any.
pub(super) struct NoMetrics;

impl HttpMetrics for NoMetrics {
    fn record(&self, _attempt: &HttpAttemptRecord) {}
}

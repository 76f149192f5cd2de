//! HTTP activities: any HTTP endpoint called as an ordinary Temporal activity of type
//! [`HTTP_ACTIVITY_TYPE`], executed by this worker itself (ABI spec, "HTTP activities").
//!
//! The worker hands [`HttpExecutor::execute`] the activity's single input (the spec's
//! `http_request` JSON) and an [`AttemptContext`], and reports the [`HttpOutcome`] to Temporal,
//! which records it in history and retries failed attempts by the activity's retry policy.
//!
//! One attempt, in order:
//! 1. the input is parsed (`request`): malformed input fails non-retryably naming the field,
//!    `{{secret NAME}}` placeholders in header values are filled from the configured secrets;
//! 2. the URL is checked against `http_activities.allowed_hosts` (`allow_list`);
//! 3. a request slot is taken (at most `max_concurrent_requests` in flight) and the request is
//!    sent with an `Idempotency-Key`, the whole attempt under its timeout;
//! 4. names resolve through the checking resolver (`resolver`): loopback, private, link-local
//!    and unspecified addresses must be listed as such;
//! 5. redirects are followed by the executor (`redirect`), each target checked like the URL;
//! 6. the final response is read within the cap and mapped by status (`response`, `failure`).
//!
//! Secrets never leave the request: failures, logs and metrics hold no request header, and a
//! server that echoes a secret gets it replaced by `[redacted]` in the outcome.
//!
//! Cancellation is dropping the `execute` future: nothing in it blocks, so the request in
//! flight is aborted and its connection closed.
//!
//! Metrics are pushed, not polled: [`HttpExecutor::with_metrics`] takes an [`HttpMetrics`] that
//! gets one [`HttpAttemptRecord`] per attempt (host, allow-list entry, status, outcome, duration,
//! bytes), which the worker records into its meter. Failure types are in [`failure_type`].

mod allow_list;
mod client;
mod failure;
mod metrics;
mod redirect;
mod request;
mod resolver;
mod response;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use tokio::sync::Semaphore;

pub use failure::{HttpFailure, failure_type};
pub use metrics::{HttpAttemptRecord, HttpMetrics};
pub use redirect::MAX_REDIRECTS;
pub use resolver::{HostLookup, LookupFuture, SystemLookup};
pub use response::DETAILS_BODY_BYTES;

use crate::config::{HttpActivitySettings, Secret};
use allow_list::AllowList;
use request::PreparedRequest;
use resolver::CheckedResolver;

/// The activity type of HTTP activities, the same for a guest's `start_http_activity` and for
/// a workflow written with any Temporal SDK that schedules one on this worker's task queue.
pub const HTTP_ACTIVITY_TYPE: &str = crate::abi::HTTP_ACTIVITY_TYPE;

/// The header carrying [`AttemptContext::idempotency_key`], unless the request sets its own.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// What the worker knows about the attempt it hands the executor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttemptContext {
    /// Sent as `Idempotency-Key`; the worker keeps it the same on every attempt of one
    /// activity, so a server can tell a retry from a new request. Bytes outside visible ASCII
    /// are percent-encoded.
    pub idempotency_key: String,
    /// Temporal's attempt number (1 for the first), for logs.
    pub attempt: u32,
    /// The attempt's remaining start-to-close time, if Temporal gave one; else
    /// `http_activities.default_timeout_ms` applies. Never more than `max_timeout_ms`.
    pub timeout: Option<Duration>,
}

/// How an attempt ended.
#[derive(Clone, Debug, PartialEq)]
pub enum HttpOutcome {
    /// 2xx, or a 3xx that is not a followed redirect: the spec's `http_response` JSON,
    /// `{"status", "headers", "body": base64}`.
    Completed(Vec<u8>),
    /// Anything else, with whether Temporal may retry it.
    Failed(HttpFailure),
}

/// The executor could not be built from its settings; the worker cannot run HTTP activities.
#[derive(Debug, thiserror::Error)]
pub enum HttpSetupError {
    /// `http_activities.ca_cert` is not a usable CA certificate.
    #[error("http_activities.ca_cert: {0}")]
    CaCert(String),
    /// No root certificate to verify any server with.
    #[error(
        "HTTP activities: the system has no trusted root certificates and http_activities.ca_cert \
         is not set, so no https:// host on http_activities.allowed_hosts could be called"
    )]
    NoTrustedRoots,
    /// reqwest refused the client's configuration.
    #[error("HTTP activities: cannot build the HTTP client: {0}")]
    Client(String),
}

/// Runs HTTP activity attempts. One per worker: its client pools connections across attempts
/// (HTTP/1.1 keep-alive, HTTP/2 multiplexing) and its slots bound the requests in flight.
pub struct HttpExecutor {
    /// The pooled client, with the checking resolver and TLS roots built in.
    client: reqwest::Client,
    /// Checked on the URL and every redirect target (the resolver holds it too).
    allow_list: Arc<AllowList>,
    /// Values for `{{secret NAME}}`.
    secrets: BTreeMap<String, Secret>,
    /// `http_activities.enabled`: off, every attempt fails non-retryably.
    enabled: bool,
    /// An attempt's time when Temporal gives none.
    default_timeout: Duration,
    /// The ceiling on any attempt's time.
    max_timeout: Duration,
    /// The ceiling on any response body.
    max_response_bytes: u64,
    /// One permit per request in flight.
    slots: Semaphore,
    /// The number of permits, for messages.
    max_concurrent_requests: usize,
    /// Told about every attempt.
    metrics: Arc<dyn HttpMetrics>,
}

impl HttpExecutor {
    /// An executor for `settings`, resolving names with the system's resolver.
    pub fn new(settings: &HttpActivitySettings) -> Result<HttpExecutor, HttpSetupError> {
        HttpExecutor::with_lookup(settings, Arc::new(SystemLookup))
    }

    /// An executor resolving names with `lookup` (a fixed table in tests, service discovery);
    /// its answers are checked against the allow-list like the system's.
    pub fn with_lookup(
        settings: &HttpActivitySettings,
        lookup: Arc<dyn HostLookup>,
    ) -> Result<HttpExecutor, HttpSetupError> {
        let allow_list = Arc::new(AllowList::new(settings.allowed_hosts.clone()));
        let resolver = CheckedResolver {
            lookup,
            allow_list: Arc::clone(&allow_list),
        };
        Ok(HttpExecutor {
            client: client::build_client(settings, resolver)?,
            allow_list,
            secrets: settings.secrets.clone(),
            enabled: settings.enabled,
            default_timeout: settings.default_timeout,
            max_timeout: settings.max_timeout,
            max_response_bytes: settings.max_response_bytes,
            slots: Semaphore::new(settings.max_concurrent_requests),
            max_concurrent_requests: settings.max_concurrent_requests,
            metrics: Arc::new(metrics::NoMetrics),
        })
    }

    /// The same executor, reporting every attempt to `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<dyn HttpMetrics>) -> HttpExecutor {
        self.metrics = metrics;
        self
    }

    /// Runs one attempt. `input` is the JSON of the activity's single json/plain input payload
    /// (the spec's `http_request`). Drop the future to cancel: the request in flight is aborted.
    pub async fn execute(&self, input: &[u8], attempt: AttemptContext) -> HttpOutcome {
        let mut recorder = Recorder {
            record: HttpAttemptRecord {
                outcome: "cancelled",
                ..HttpAttemptRecord::default()
            },
            started: Instant::now(),
            metrics: self.metrics.as_ref(),
        };
        let result = self.run(input, &attempt, &mut recorder.record).await;
        let record = &mut recorder.record;
        match &result {
            Ok(_) => record.outcome = "completed",
            Err(failure) => record.outcome = failure.failure_type,
        }
        tracing::debug!(
            host = record.host.as_deref().unwrap_or("-"),
            status = record.status,
            outcome = record.outcome,
            attempt = attempt.attempt,
            elapsed_ms = recorder.started.elapsed().as_millis() as u64,
            "HTTP activity attempt finished"
        );
        match result {
            Ok(response) => HttpOutcome::Completed(response),
            Err(failure) => HttpOutcome::Failed(failure),
        }
    }

    /// Checks the request, then sends it under the attempt's timeout.
    async fn run(
        &self,
        input: &[u8],
        attempt: &AttemptContext,
        record: &mut HttpAttemptRecord,
    ) -> Result<Vec<u8>, HttpFailure> {
        if !self.enabled {
            return Err(failure::disabled());
        }
        let request = PreparedRequest::parse(input, &self.secrets)?;
        record.host = request.url.host_str().map(str::to_owned);
        let method = request.method.as_str();
        let allowed_by = self
            .allow_list
            .check(method, &request.url)
            .map_err(|refusal| {
                let failure = failure::refused(refusal, method, &request.url, None);
                tracing::warn!("HTTP activity refused: {}", failure.message);
                failure
            })?;
        record.allowed_by = Some(allowed_by);

        let timeout = attempt
            .timeout
            .unwrap_or(self.default_timeout)
            .min(self.max_timeout);
        let limit = request
            .max_response_bytes
            .map_or(self.max_response_bytes, |asked| {
                asked.min(self.max_response_bytes)
            });
        let url = request.url.clone();
        let mut waiting_for_slot = true;
        let sent = tokio::time::timeout(
            timeout,
            self.send(request, attempt, limit, record, &mut waiting_for_slot),
        )
        .await;
        sent.unwrap_or_else(|_elapsed| {
            let slots = waiting_for_slot.then_some(self.max_concurrent_requests);
            Err(failure::timeout(&url, timeout, slots))
        })
    }

    /// Takes a slot, sends the request, follows redirects and reads the final response.
    async fn send(
        &self,
        request: PreparedRequest,
        attempt: &AttemptContext,
        limit: u64,
        record: &mut HttpAttemptRecord,
        waiting_for_slot: &mut bool,
    ) -> Result<Vec<u8>, HttpFailure> {
        let _slot = self
            .slots
            .acquire()
            .await
            .map_err(|_| failure::shutting_down())?;
        *waiting_for_slot = false;

        let PreparedRequest {
            mut method,
            mut url,
            mut headers,
            secret_headers,
            mut body,
            secrets_used,
            ..
        } = request;
        if !headers.contains_key(IDEMPOTENCY_KEY_HEADER) {
            headers.insert(
                IDEMPOTENCY_KEY_HEADER,
                idempotency_value(&attempt.idempotency_key),
            );
        }
        let first_url = url.clone();
        let mut redirects = 0;
        loop {
            let mut builder = self
                .client
                .request(method.clone(), url.clone())
                .headers(headers.clone());
            if let Some(body) = &body {
                record.request_bytes += body.len() as u64;
                builder = builder.body(body.clone());
            }
            let response = builder
                .send()
                .await
                .map_err(|err| failure::transport(&err, &url))?;
            record.status = Some(response.status().as_u16());

            let Some(hop) =
                redirect::next_hop(response.status(), response.headers(), &url, &method)
            else {
                let (result, read) =
                    response::finish(response, &method, limit, &secrets_used, &url).await;
                record.response_bytes = read;
                return result;
            };
            redirects += 1;
            if redirects > MAX_REDIRECTS {
                return Err(failure::too_many_redirects(MAX_REDIRECTS, &first_url));
            }
            self.allow_list
                .check(hop.method.as_str(), &hop.url)
                .map_err(|refusal| {
                    let failure =
                        failure::refused(refusal, hop.method.as_str(), &hop.url, Some(&url));
                    tracing::warn!("HTTP activity refused: {}", failure.message);
                    failure
                })?;
            redirect::headers_for_hop(&mut headers, &secret_headers, &url, &hop);
            if !hop.keep_body {
                body = None;
            }
            method = hop.method;
            url = hop.url;
        }
    }
}

/// The idempotency key as a header value: visible ASCII as it is, every other byte (and `%`)
/// percent-encoded, so any workflow or activity id makes a valid header.
fn idempotency_value(key: &str) -> HeaderValue {
    let mut encoded = String::with_capacity(key.len());
    for byte in key.bytes() {
        if (0x21..=0x7e).contains(&byte) && byte != b'%' {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    // Only visible ASCII is left, which is always a valid header value.
    HeaderValue::from_str(&encoded).unwrap_or_else(|_| HeaderValue::from_static("invalid"))
}

/// Reports the attempt to the metrics when dropped: at the end of `execute`, or as `cancelled`
/// when the worker drops the future mid-flight.
struct Recorder<'a> {
    record: HttpAttemptRecord,
    started: Instant,
    metrics: &'a dyn HttpMetrics,
}

impl Drop for Recorder<'_> {
    fn drop(&mut self) {
        self.record.duration = self.started.elapsed();
        self.metrics.record(&self.record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_activity_type_is_the_abi_s() {
        assert_eq!(HTTP_ACTIVITY_TYPE, "temporal-wasm-worker.http");
    }

    #[test]
    fn idempotency_keys_are_percent_encoded_outside_visible_ascii() {
        assert_eq!(
            idempotency_value("wf-1/act-2").to_str().unwrap(),
            "wf-1/act-2"
        );
        assert_eq!(
            idempotency_value("a b%é").to_str().unwrap(),
            "a%20b%25%C3%A9"
        );
    }
}

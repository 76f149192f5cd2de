//! How an attempt fails: the failure types a workflow can match on, whether Temporal retries
//! them, and the details each carries. Nothing here ever holds a secret value or a request
//! header; response headers and bodies arrive already scrubbed.

use std::time::Duration;

use serde_json::{Value, json};

use super::allow_list::{AddressRefused, UrlRefusal};

/// The `type` of every failure an HTTP activity reports, for workflows to match on.
pub mod failure_type {
    /// The input is not a valid `http_request` (non-retryable).
    pub const BAD_REQUEST: &str = "HttpBadRequest";
    /// This worker runs no HTTP activities, `http_activities.enabled = false` (non-retryable).
    pub const DISABLED: &str = "HttpActivitiesDisabled";
    /// The URL, a redirect target or a resolved address is not on the allow-list (non-retryable).
    pub const HOST_NOT_ALLOWED: &str = "HttpHostNotAllowed";
    /// The host is listed, but not for this method (non-retryable).
    pub const METHOD_NOT_ALLOWED: &str = "HttpMethodNotAllowed";
    /// A header names a secret this worker does not have (non-retryable).
    pub const UNKNOWN_SECRET: &str = "HttpUnknownSecret";
    /// The server answered with a failing status: retryable for 408, 429 and 5xx.
    pub const STATUS: &str = "HttpStatus";
    /// The attempt ran out of time (retryable).
    pub const TIMEOUT: &str = "HttpTimeout";
    /// No connection could be made: DNS, refused, reset (retryable).
    pub const CONNECT: &str = "HttpConnect";
    /// The TLS handshake failed, often an untrusted certificate (retryable: a fixed CA or
    /// certificate lets a later attempt through).
    pub const TLS: &str = "HttpTls";
    /// The connection broke while sending or reading (retryable).
    pub const TRANSPORT: &str = "HttpTransport";
    /// The response body is over the cap (non-retryable).
    pub const RESPONSE_TOO_LARGE: &str = "HttpResponseTooLarge";
    /// Redirects went on past the limit (non-retryable).
    pub const TOO_MANY_REDIRECTS: &str = "HttpTooManyRedirects";
}

/// A failed attempt, as the worker reports it to Temporal (an `ApplicationFailure`).
#[derive(Clone, Debug, PartialEq)]
pub struct HttpFailure {
    /// What went wrong, naming the host, field, placeholder or setting at fault.
    pub message: String,
    /// One of [`failure_type`]'s constants.
    pub failure_type: &'static str,
    /// Whether Temporal must not retry it whatever the retry policy says.
    pub non_retryable: bool,
    /// Machine-readable facts, always a JSON object: `status`, `headers`, `body` (base64,
    /// capped at [`super::DETAILS_BODY_BYTES`]), `host`… as far as the attempt got.
    pub details: Value,
    /// The server's `Retry-After` on a retryable status, for the next attempt's delay.
    pub next_retry_delay: Option<Duration>,
}

impl HttpFailure {
    fn new(
        failure_type: &'static str,
        non_retryable: bool,
        message: String,
        details: Value,
    ) -> Self {
        HttpFailure {
            message,
            failure_type,
            non_retryable,
            details,
            next_retry_delay: None,
        }
    }
}

/// The URL without its query and fragment, for messages: enough to find the call, short.
pub(super) fn describe(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port_or_known_default() {
        Some(port) => format!("{}://{host}:{port}{}", url.scheme(), url.path()),
        None => format!("{}://{host}{}", url.scheme(), url.path()),
    }
}

pub(super) fn bad_request(message: String) -> HttpFailure {
    HttpFailure::new(failure_type::BAD_REQUEST, true, message, json!({}))
}

pub(super) fn unknown_secret(header: &str, placeholder: &str, name: &str) -> HttpFailure {
    HttpFailure::new(
        failure_type::UNKNOWN_SECRET,
        true,
        format!(
            "http_request `headers.{header}` names {placeholder}, but this worker has no secret \
             `{name}`: define it under [http_activities.secrets]"
        ),
        json!({ "header": header, "placeholder": placeholder }),
    )
}

pub(super) fn disabled() -> HttpFailure {
    HttpFailure::new(
        failure_type::DISABLED,
        true,
        "this worker runs no HTTP activities (http_activities.enabled = false)".into(),
        json!({}),
    )
}

/// The allow-list refused `url` (after a redirect from `from`, if any).
pub(super) fn refused(
    refusal: UrlRefusal,
    method: &str,
    url: &url::Url,
    from: Option<&url::Url>,
) -> HttpFailure {
    let host = url.host_str().unwrap_or("");
    let target = format!(
        "{}://{host}:{}",
        url.scheme(),
        url.port_or_known_default().unwrap_or(0)
    );
    let what = match from {
        Some(from) => format!("redirect from {} to {target}", describe(from)),
        None => format!("{method} {target}"),
    };
    let mut details = json!({ "host": host, "url": describe(url) });
    if let Some(from) = from {
        details["redirected_from"] = json!(describe(from));
    }
    match refusal {
        UrlRefusal::NotListed => HttpFailure::new(
            failure_type::HOST_NOT_ALLOWED,
            true,
            format!(
                "{what} refused: host `{host}` is not on this worker's allow-list \
                 (http_activities.allowed_hosts) with that scheme and port"
            ),
            details,
        ),
        UrlRefusal::MethodNotListed { allowed } => {
            details["allowed_methods"] = json!(allowed);
            HttpFailure::new(
                failure_type::METHOD_NOT_ALLOWED,
                true,
                format!(
                    "{what} refused: host `{host}` allows only {} (http_activities.allowed_hosts)",
                    allowed.join(", ")
                ),
                details,
            )
        }
    }
}

pub(super) fn address_refused(refused: &AddressRefused, url: &url::Url) -> HttpFailure {
    HttpFailure::new(
        failure_type::HOST_NOT_ALLOWED,
        true,
        format!("{} refused: {refused}", describe(url)),
        json!({
            "host": refused.name,
            "address": refused.address.to_string(),
            "address_kind": refused.kind,
            "url": describe(url),
        }),
    )
}

/// The attempt's time ran out; `waiting` when it was still queued for a request slot.
pub(super) fn timeout(
    url: &url::Url,
    timeout: Duration,
    waiting_for_slot: Option<usize>,
) -> HttpFailure {
    let when = match waiting_for_slot {
        Some(slots) => format!(
            " while waiting for one of the {slots} request slots (http_activities.max_concurrent_requests)"
        ),
        None => String::new(),
    };
    HttpFailure::new(
        failure_type::TIMEOUT,
        false,
        format!(
            "{} did not answer within {} ms{when} (the attempt's start-to-close timeout, at most \
             http_activities.max_timeout_ms)",
            describe(url),
            timeout.as_millis()
        ),
        json!({ "host": url.host_str(), "timeout_ms": timeout.as_millis() as u64 }),
    )
}

/// A reqwest error: a refused address, TLS, connect or transport failure.
pub(super) fn transport(err: &reqwest::Error, url: &url::Url) -> HttpFailure {
    if let Some(refused) = find_cause::<AddressRefused>(err) {
        return address_refused(refused, url);
    }
    let causes = causes(err);
    let details = json!({ "host": url.host_str(), "url": describe(url) });
    if find_cause::<rustls::Error>(err).is_some() {
        return HttpFailure::new(
            failure_type::TLS,
            false,
            format!(
                "TLS with {} failed: {causes} (a server with a private CA needs \
                 http_activities.ca_cert)",
                describe(url)
            ),
            details,
        );
    }
    let (failure_type, what) = if err.is_timeout() {
        (failure_type::TIMEOUT, "timed out")
    } else if err.is_connect() {
        (failure_type::CONNECT, "cannot connect")
    } else {
        (failure_type::TRANSPORT, "connection failed")
    };
    HttpFailure::new(
        failure_type,
        false,
        format!("{} {what}: {causes}", describe(url)),
        details,
    )
}

/// The request slots were closed under the attempt: only when the executor goes away.
pub(super) fn shutting_down() -> HttpFailure {
    HttpFailure::new(
        failure_type::TRANSPORT,
        false,
        "the worker's HTTP executor is shutting down".into(),
        json!({}),
    )
}

pub(super) fn too_many_redirects(limit: usize, url: &url::Url) -> HttpFailure {
    HttpFailure::new(
        failure_type::TOO_MANY_REDIRECTS,
        true,
        format!("{} redirected more than {limit} times", describe(url)),
        json!({ "host": url.host_str(), "url": describe(url) }),
    )
}

/// A failing status; `response` holds `status`, `headers` and a capped `body`.
pub(super) fn status(
    status: u16,
    reason: &str,
    url: &url::Url,
    response: Value,
    retry_after: Option<Duration>,
) -> HttpFailure {
    let retryable = status == 408 || status == 429 || (500..=599).contains(&status);
    let mut failure = HttpFailure::new(
        failure_type::STATUS,
        !retryable,
        format!("{} answered {status} {reason}", describe(url)),
        with_host(response, url),
    );
    failure.next_retry_delay = retry_after.filter(|_| retryable);
    failure
}

pub(super) fn too_large(limit: u64, url: &url::Url, response: Value) -> HttpFailure {
    let mut details = with_host(response, url);
    details["limit_bytes"] = json!(limit);
    HttpFailure::new(
        failure_type::RESPONSE_TOO_LARGE,
        true,
        format!(
            "{}: the response body is over {limit} bytes (the request's max_response_bytes, at most \
             http_activities.max_response_bytes)",
            describe(url)
        ),
        details,
    )
}

fn with_host(mut details: Value, url: &url::Url) -> Value {
    details["host"] = json!(url.host_str());
    details
}

/// `err`'s causes, outermost first, without repeats; reqwest's own text names the URL with its
/// query, which messages leave out.
fn causes(err: &reqwest::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        let text = cause.to_string();
        if parts.last() != Some(&text) {
            parts.push(text);
        }
        source = cause.source();
    }
    if parts.is_empty() {
        parts.push(err.to_string());
    }
    parts.join(": ")
}

/// The first cause of type `T` in `err`'s chain, looking inside `io::Error`s too (whose
/// `source` skips the error they wrap, and which wrap each other).
fn find_cause<T: std::error::Error + 'static>(err: &reqwest::Error) -> Option<&T> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<T>() {
            return Some(found);
        }
        current = match error.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|inner| inner as &(dyn std::error::Error + 'static)),
            None => error.source(),
        };
    }
    None
}

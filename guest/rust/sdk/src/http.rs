//! HTTP activities: `start_http_activity`. The worker itself executes the request as an
//! ordinary Temporal activity (in history, retried, visible in the UI), to hosts on its
//! operator's allow-list only.
//!
//! ```no_run
//! # use std::time::Duration;
//! # use serde::Deserialize;
//! # use temporal_wasm_sdk::{Failure, RetryPolicy, http};
//! #[derive(Deserialize)]
//! struct Charge { charge_id: String }
//!
//! # fn f() -> Result<(), Failure> {
//! let response = http::Request::post("https://payments.example/charges")
//!     .header("authorization", "Bearer {{secret PAYMENTS_TOKEN}}")
//!     .json(&serde_json::json!({"order_id": "A-17", "amount_cents": 375}))?
//!     .start_to_close(Duration::from_secs(10))
//!     .retry(RetryPolicy::new().maximum_attempts(3))
//!     .execute()?;
//! let charge: Charge = response.json()?;
//! # Ok(()) }
//! ```
//!
//! 2xx and 3xx responses complete; any other status fails the activity (`HttpStatus`, retried
//! for 408, 429 and 5xx), with the status and the start of the response in the failure's details.
//! A header value may name a secret, `{{secret NAME}}`, that the executing worker fills in: the
//! history keeps the placeholder, never the secret.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::base64;
use crate::host::{self, Host};
use crate::payload::PayloadError;
use crate::retry::RetryPolicy;
use crate::timer::millis_ceil;
use crate::wait::{Error, Outcome, Waitable};

/// An HTTP request to run as an activity: the ABI's `http_request`.
#[derive(Debug, Clone, Serialize)]
#[must_use = "a request does nothing until started"]
pub struct Request {
    method: String,
    url: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    headers: BTreeMap<String, String>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_body"
    )]
    body: Option<Vec<u8>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_to_close_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schedule_to_close_timeout_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retry_policy: Option<RetryPolicy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_response_bytes: Option<u64>,
    local: bool,
}

fn serialize_body<S: Serializer>(body: &Option<Vec<u8>>, serializer: S) -> Result<S::Ok, S::Error> {
    base64::encode(body.as_deref().unwrap_or_default()).serialize(serializer)
}

impl Request {
    /// A request with this `method` (`GET`, `POST`…) to `url`.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Request {
        Request {
            method: method.into(),
            url: url.into(),
            headers: BTreeMap::new(),
            body: None,
            start_to_close_timeout_ms: None,
            schedule_to_close_timeout_ms: None,
            retry_policy: None,
            max_response_bytes: None,
            local: false,
        }
    }

    /// A `GET` request.
    pub fn get(url: impl Into<String>) -> Request {
        Request::new("GET", url)
    }

    /// A `POST` request.
    pub fn post(url: impl Into<String>) -> Request {
        Request::new("POST", url)
    }

    /// A `PUT` request.
    pub fn put(url: impl Into<String>) -> Request {
        Request::new("PUT", url)
    }

    /// A `DELETE` request.
    pub fn delete(url: impl Into<String>) -> Request {
        Request::new("DELETE", url)
    }

    /// Sets a header (replacing one of the same name). The value may hold `{{secret NAME}}`.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.insert(name.into(), value.into());
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Request {
        self.body = Some(body.into());
        self
    }

    /// Sets the body to `value` as JSON, and `content-type: application/json` unless a
    /// content type is set already.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Result<Request, PayloadError> {
        self.body = Some(serde_json::to_vec(value).map_err(PayloadError::Encode)?);
        if !self
            .headers
            .keys()
            .any(|name| name.eq_ignore_ascii_case("content-type"))
        {
            self.headers
                .insert("content-type".to_owned(), "application/json".to_owned());
        }
        Ok(self)
    }

    /// Time allowed for one attempt (the worker's default is 30 s).
    pub fn start_to_close(mut self, timeout: Duration) -> Request {
        self.start_to_close_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// Time allowed for all attempts together.
    pub fn schedule_to_close(mut self, timeout: Duration) -> Request {
        self.schedule_to_close_timeout_ms = Some(millis_ceil(timeout));
        self
    }

    /// How Temporal retries failed attempts.
    pub fn retry(mut self, policy: RetryPolicy) -> Request {
        self.retry_policy = Some(policy);
        self
    }

    /// The largest response body accepted (the worker's own cap applies as well).
    pub fn max_response_bytes(mut self, limit: u64) -> Request {
        self.max_response_bytes = Some(limit);
        self
    }

    /// Runs it as a local activity: recorded as a marker, no round trip to the server. For short
    /// calls.
    pub fn local(mut self, local: bool) -> Request {
        self.local = local;
        self
    }

    /// Schedules the request and returns at once with its handle.
    pub fn start(self) -> HttpHandle {
        let json = serde_json::to_vec(&self).expect("an http_request always serialises");
        HttpHandle {
            handle: host::call(|host| host.start_http_activity(&json)),
        }
    }

    /// Schedules the request and blocks until it resolves.
    pub fn execute(self) -> Result<Response, Error> {
        self.start().result()
    }
}

/// A scheduled HTTP activity.
#[derive(Debug)]
#[must_use = "a response is only seen through its handle"]
pub struct HttpHandle {
    handle: u32,
}

impl HttpHandle {
    /// Blocks until the request resolves: the response, or the activity's failure.
    pub fn result(self) -> Result<Response, Error> {
        let payloads = Outcome::of(self.handle).into_payloads()?;
        let payload = payloads
            .first()
            .ok_or(Error::Decode(PayloadError::Missing {
                what: "http_response payload",
                index: 0,
            }))?;
        payload.decode_json().map_err(Error::Decode)
    }

    /// Asks Temporal to cancel the request.
    pub fn cancel(&self) {
        host::call(|host| host.cancel(self.handle));
    }
}

impl Waitable for HttpHandle {
    fn handle(&self) -> u32 {
        self.handle
    }
}

/// A response that completed the activity (2xx or 3xx): the ABI's `http_response`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The response headers, names in lower case.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body.
    #[serde(default, deserialize_with = "deserialize_body")]
    pub body: Vec<u8>,
}

fn deserialize_body<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<u8>, D::Error> {
    let text = String::deserialize(deserializer)?;
    base64::decode(&text)
        .map_err(|err| serde::de::Error::custom(format_args!("http_response body: {err}")))
}

impl Response {
    /// The body decoded as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, PayloadError> {
        serde_json::from_slice(&self.body).map_err(PayloadError::Decode)
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

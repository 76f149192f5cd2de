//! Responders: how a test scripts what Temporal answers. A [`Request`] is a command as the
//! workflow issued it, a [`Reply`] what it resolves with and when.
//!
//! Replies are built from the same JSON the worker hands a workflow (see `guest/fixtures`), so a
//! workflow under a [`TestHost`](super::TestHost) decodes exactly what it would decode under the
//! worker.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::payload::Payload;
use crate::{Failure, base64};

/// A command the workflow issued, as a responder sees it.
#[derive(Debug, Clone)]
pub struct Request {
    /// The handle the worker gave it.
    pub handle: u32,
    /// The request JSON (`activity_options`, `http_request`, `child_workflow_options`…).
    pub json: Value,
}

impl Request {
    /// The `index`th argument (`args[index]`), decoded. Panics if there is none or it does not
    /// decode: a test that asks knows what it expects.
    pub fn arg<T: DeserializeOwned>(&self, index: usize) -> T {
        let args: Vec<Payload> = serde_json::from_value(self.json["args"].clone())
            .unwrap_or_else(|err| panic!("request {} has no payload args: {err}", self.json));
        let payload = (args.get(index)).unwrap_or_else(|| panic!("request has no args[{index}]"));
        payload
            .decode_json()
            .unwrap_or_else(|err| panic!("args[{index}] does not decode: {err}"))
    }

    /// An HTTP request's body, decoded as JSON.
    pub fn body_json<T: DeserializeOwned>(&self) -> T {
        let body = self.json["body"].as_str().unwrap_or_default();
        let bytes = base64::decode(body).expect("the body is base64");
        serde_json::from_slice(&bytes).expect("the body is JSON")
    }
}

/// What a command resolves with, and when.
#[derive(Debug, Clone)]
pub struct Reply {
    pub(super) body: ReplyBody,
    pub(super) after: Duration,
}

/// What a [`Reply`] resolves its command with.
#[derive(Debug, Clone)]
pub(super) enum ReplyBody {
    /// Result JSON, verbatim.
    Json(Vec<u8>),
    /// An application failure, wrapped the way the worker reports the command's failures.
    Error(Failure),
    /// Never resolves.
    Never,
}

impl Reply {
    fn json(json: Value) -> Reply {
        Reply::raw(json.to_string())
    }

    /// Completes with `value` as one `json/plain` payload.
    pub fn value<T: Serialize + ?Sized>(value: &T) -> Reply {
        let payload = Payload::encode_json(value).expect("the reply value encodes");
        Reply::json(json!({ "completed": [payload] }))
    }

    /// Completes with one `binary/null` payload: what an activity in Temporal's SDKs that
    /// returns `None`/`nil` resolves with.
    pub fn null() -> Reply {
        let payload = Payload {
            metadata: BTreeMap::from([(
                crate::ENCODING_KEY.to_owned(),
                crate::BINARY_NULL.as_bytes().to_vec(),
            )]),
            data: Vec::new(),
        };
        Reply::json(json!({ "completed": [payload] }))
    }

    /// Completes with no payload.
    pub fn empty() -> Reply {
        Reply::json(json!({ "completed": [] }))
    }

    /// Completes an HTTP activity with this response.
    pub fn http(status: u16, headers: &[(&str, &str)], body: &[u8]) -> Reply {
        let headers: BTreeMap<_, _> = headers.iter().copied().collect();
        Reply::value(&json!({"status": status, "headers": headers, "body": base64::encode(body)}))
    }

    /// Fails with the application failure `failure`, wrapped as the worker reports it: an
    /// activity's (or HTTP activity's) inside an `activity` failure, a child's inside a
    /// `child_workflow` failure, with its `type` copied to the top.
    pub fn error(failure: Failure) -> Reply {
        Reply {
            body: ReplyBody::Error(failure),
            after: Duration::ZERO,
        }
    }

    /// Resolves with this result JSON, verbatim (`{"completed": …}`, `{"failed": …}`,
    /// `{"cancelled": …}`).
    pub fn raw(json: impl Into<Vec<u8>>) -> Reply {
        Reply {
            body: ReplyBody::Json(json.into()),
            after: Duration::ZERO,
        }
    }

    /// Never resolves (until the workflow cancels it).
    pub fn never() -> Reply {
        Reply {
            body: ReplyBody::Never,
            after: Duration::ZERO,
        }
    }

    /// Resolves `delay` after the command was issued, rather than in the next activation.
    pub fn after(mut self, delay: Duration) -> Reply {
        self.after = delay;
        self
    }
}

/// How a responder is called.
pub(super) type Responder = Box<dyn FnMut(&Request) -> Reply>;

//! The mocks file of `exec`: what the outside world answers a durable bundle run locally.
//!
//! ```json
//! {
//!   "activities": {
//!     "reserve_stock": {"result": {"reservation_id": "r-1"}},
//!     "charge": [{"failure": {"message": "declined", "type": "CardDeclined", "non_retryable": true}},
//!                {"result": {"charge_id": "ch_1"}}]
//!   },
//!   "http": [{"status": 200, "headers": {"content-type": "application/json"}, "body_json": {"charge_id": "ch_1"}}],
//!   "children": {"Ship": {"result": {"tracking": "T-1"}}},
//!   "signals": [{"after_ms": 1000, "name": "approve", "args": [{"approved_by": "ops"}]}],
//!   "updates": [{"after_ms": 2000, "name": "add_note", "id": "u-1", "args": [{"note": "gift"}]}],
//!   "cancel_after_ms": 5000
//! }
//! ```
//!
//! An activity's (or child's) answer is one object, given to every call, or a list, one per call
//! in order. HTTP activities are answered from `http` (or `activities` under their type), each an
//! `http_response` with the body as `body` (base64), `body_json` or `body_text`; a status other
//! than 2xx fails the activity with `HttpStatus`, as the worker's executor would. Signals,
//! updates and the cancellation arrive at their virtual time (ms after the start).

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::Value;

use crate::abi::HTTP_ACTIVITY_TYPE;

/// One answer, or one per call in order.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
enum Answers<T> {
    Each(Vec<T>),
    Always(T),
}

/// What an activity or child workflow answers.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The result value (sent as one `json/plain` payload).
    #[serde(default)]
    pub result: Option<Value>,
    /// An application failure instead.
    #[serde(default)]
    pub failure: Option<MockFailure>,
}

/// An application failure a mock answers with.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MockFailure {
    /// Its message.
    #[serde(default)]
    pub message: String,
    /// Its type.
    #[serde(default, rename = "type")]
    pub failure_type: String,
    /// Whether it is non-retryable.
    #[serde(default)]
    pub non_retryable: bool,
    /// Its details, as JSON values.
    #[serde(default)]
    pub details: Vec<Value>,
}

/// An HTTP activity's answer: the `http_response` it completes with.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpAnswer {
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    body_json: Option<Value>,
    #[serde(default)]
    body_text: Option<String>,
}

/// Something sent to the workflow at a virtual time.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inbound {
    /// Virtual ms after the start.
    #[serde(default)]
    pub after_ms: u64,
    /// Signal or update name.
    pub name: String,
    /// Its arguments, as JSON values.
    #[serde(default)]
    pub args: Vec<Value>,
    /// An update's id (signals have none).
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MocksFile {
    #[serde(default)]
    activities: BTreeMap<String, Answers<Answer>>,
    #[serde(default)]
    http: Option<Answers<HttpAnswer>>,
    #[serde(default)]
    children: BTreeMap<String, Answers<Answer>>,
    #[serde(default)]
    signals: Vec<Inbound>,
    #[serde(default)]
    updates: Vec<Inbound>,
    #[serde(default)]
    cancel_after_ms: Option<u64>,
}

/// The mocks of one local run, consumed as the guest calls out.
#[derive(Debug, Default)]
pub struct Mocks {
    activities: BTreeMap<String, (Answers<Answer>, usize)>,
    children: BTreeMap<String, (Answers<Answer>, usize)>,
    /// Signals, oldest first.
    pub signals: Vec<Inbound>,
    /// Updates, oldest first.
    pub updates: Vec<Inbound>,
    /// When the workflow's cancellation is requested, if ever.
    pub cancel_after_ms: Option<u64>,
}

/// The mocks file could not be used.
#[derive(Debug, thiserror::Error)]
#[error("mocks {path}: {reason}")]
pub struct MocksError {
    /// The file.
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

impl Mocks {
    /// Reads and checks the mocks file at `path`.
    pub fn load(path: &Path) -> Result<Mocks, MocksError> {
        let error = |reason: String| MocksError {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|err| error(err.to_string()))?;
        let mut deserializer = serde_json::Deserializer::from_str(&text);
        let file: MocksFile = serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|err| error(format!("at `{}`: {}", err.path(), err.inner())))?;
        let mut activities: BTreeMap<_, _> = file
            .activities
            .into_iter()
            .map(|(name, answers)| (name, (answers, 0)))
            .collect();
        if let Some(http) = file.http {
            let answers = match http {
                Answers::Each(each) => Answers::Each(each.into_iter().map(http_answer).collect()),
                Answers::Always(one) => Answers::Always(http_answer(one)),
            };
            activities.insert(HTTP_ACTIVITY_TYPE.to_owned(), (answers, 0));
        }
        let mut signals = file.signals;
        signals.sort_by_key(|signal| signal.after_ms);
        let mut updates = file.updates;
        updates.sort_by_key(|update| update.after_ms);
        Ok(Mocks {
            activities,
            children: file
                .children
                .into_iter()
                .map(|(name, answers)| (name, (answers, 0)))
                .collect(),
            signals,
            updates,
            cancel_after_ms: file.cancel_after_ms,
        })
    }

    /// The next answer for activity `activity_type`, if the mocks have one.
    pub fn activity(&mut self, activity_type: &str) -> Option<Answer> {
        next(self.activities.get_mut(activity_type))
    }

    /// The next answer for a child of `workflow_type`, if the mocks have one.
    pub fn child(&mut self, workflow_type: &str) -> Option<Answer> {
        next(self.children.get_mut(workflow_type))
    }
}

fn next(entry: Option<&mut (Answers<Answer>, usize)>) -> Option<Answer> {
    let (answers, used) = entry?;
    let answer = match answers {
        Answers::Always(answer) => answer.clone(),
        Answers::Each(each) => each.get(*used)?.clone(),
    };
    *used += 1;
    Some(answer)
}

/// A mocked HTTP response with a status the executor fails on (anything but 2xx) becomes the
/// `HttpStatus` failure the executor would report, naming `request`'s method and URL.
pub fn http_status_failure(answer: Answer, request: Option<&Value>) -> Answer {
    let Some(response) = &answer.result else {
        return answer;
    };
    let status = response["status"].as_u64().unwrap_or(200);
    if (200..300).contains(&status) {
        return answer;
    }
    let method = request
        .and_then(|request| request["method"].as_str())
        .unwrap_or("GET")
        .to_ascii_uppercase();
    let url = request
        .and_then(|request| request["url"].as_str())
        .map(|url| url.split(['?', '#']).next().unwrap_or(url))
        .unwrap_or("the URL");
    let reason = u16::try_from(status)
        .ok()
        .and_then(|status| reqwest::StatusCode::from_u16(status).ok())
        .and_then(|status| status.canonical_reason())
        .unwrap_or("");
    let retryable = status == 408 || status == 429 || (500..600).contains(&status);
    Answer {
        result: None,
        failure: Some(MockFailure {
            message: format!("{method} {url} answered {status} {reason}")
                .trim_end()
                .to_owned(),
            failure_type: "HttpStatus".to_owned(),
            non_retryable: !retryable,
            details: vec![response.clone()],
        }),
    }
}

fn http_answer(answer: HttpAnswer) -> Answer {
    let body = match (answer.body, answer.body_json, answer.body_text) {
        (Some(base64), _, _) => base64,
        (None, Some(json), _) => BASE64.encode(json.to_string()),
        (None, None, Some(text)) => BASE64.encode(text),
        (None, None, None) => String::new(),
    };
    Answer {
        result: Some(serde_json::json!({
            "status": answer.status,
            "headers": answer.headers,
            "body": body,
        })),
        failure: None,
    }
}

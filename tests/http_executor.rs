//! `HttpExecutor` driven directly, attempt by attempt, against HTTP and HTTPS servers the tests
//! start on loopback (`common::http_server`); no Temporal server is involved. One module per
//! concern; the helpers every module uses are here.

mod common;

#[path = "http_executor/allow_list.rs"]
mod allow_list;
#[path = "http_executor/round_trip.rs"]
mod round_trip;
#[path = "http_executor/secrets.rs"]
mod secrets;
#[path = "http_executor/status.rs"]
mod status;
#[path = "http_executor/timing.rs"]
mod timing;

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

use temporal_wasm_worker::config::{AllowedHost, HttpActivitySettings};
use temporal_wasm_worker::http_activities::{
    AttemptContext, HostLookup, HttpAttemptRecord, HttpExecutor, HttpFailure, HttpMetrics,
    HttpOutcome, LookupFuture,
};

/// Enabled settings allowing exactly `entries` (`allowed_hosts` syntax), defaults otherwise.
fn settings(entries: &[&str]) -> HttpActivitySettings {
    HttpActivitySettings {
        enabled: true,
        allowed_hosts: entries.iter().map(|entry| allow(entry)).collect(),
        ..HttpActivitySettings::default()
    }
}

fn allow(entry: &str) -> AllowedHost {
    entry.parse().unwrap_or_else(|err| panic!("{entry}: {err}"))
}

fn executor(settings: &HttpActivitySettings) -> HttpExecutor {
    HttpExecutor::new(settings).expect("executor")
}

/// The context of a first attempt with 10 s to run.
fn attempt() -> AttemptContext {
    AttemptContext {
        idempotency_key: "wf-1/run-1/activity-1".into(),
        attempt: 1,
        timeout: Some(Duration::from_secs(10)),
    }
}

/// `{"method", "url"}`, to extend with `headers`, `body`…
fn request(method: &str, url: &str) -> Value {
    json!({ "method": method, "url": url })
}

async fn run(executor: &HttpExecutor, request: &Value) -> HttpOutcome {
    executor
        .execute(request.to_string().as_bytes(), attempt())
        .await
}

/// A completed attempt's `http_response`, decoded.
#[derive(Debug)]
struct Response {
    status: u16,
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
    /// The raw JSON, for "never contains" checks.
    json: String,
}

fn completed(outcome: HttpOutcome) -> Response {
    let json = match outcome {
        HttpOutcome::Completed(json) => String::from_utf8(json).expect("UTF-8 JSON"),
        HttpOutcome::Failed(failure) => panic!("expected completion, got {failure:#?}"),
    };
    let value: Value = serde_json::from_str(&json).expect("http_response JSON");
    assert_eq!(
        value
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["body".into(), "headers".into(), "status".into()]),
        "{json}"
    );
    Response {
        status: value["status"].as_u64().expect("status") as u16,
        headers: serde_json::from_value(value["headers"].clone()).expect("headers"),
        body: BASE64
            .decode(value["body"].as_str().expect("body"))
            .expect("base64"),
        json,
    }
}

fn failed(outcome: HttpOutcome) -> HttpFailure {
    match outcome {
        HttpOutcome::Failed(failure) => failure,
        HttpOutcome::Completed(json) => {
            panic!("expected failure, got {}", String::from_utf8_lossy(&json))
        }
    }
}

/// The base64 `body` of a failure's details, decoded.
fn details_body(failure: &HttpFailure) -> Vec<u8> {
    BASE64
        .decode(failure.details["body"].as_str().expect("details.body"))
        .expect("base64")
}

/// A fixed name table, so that names other than `localhost` can point at loopback servers.
struct StaticLookup(HashMap<String, Vec<IpAddr>>);

impl StaticLookup {
    fn new(names: &[(&str, &str)]) -> Arc<StaticLookup> {
        Arc::new(StaticLookup(
            names
                .iter()
                .map(|(name, ip)| (name.to_string(), vec![ip.parse().expect("IP")]))
                .collect(),
        ))
    }
}

impl HostLookup for StaticLookup {
    fn lookup(&self, host: &str) -> LookupFuture {
        let found = self.0.get(host).cloned();
        let host = host.to_owned();
        Box::pin(async move {
            found.ok_or_else(|| std::io::Error::new(std::io::ErrorKind::NotFound, host))
        })
    }
}

/// Metrics that keep every record.
#[derive(Default)]
struct Records(Mutex<Vec<HttpAttemptRecord>>);

impl HttpMetrics for Records {
    fn record(&self, attempt: &HttpAttemptRecord) {
        self.0.lock().unwrap().push(attempt.clone());
    }
}

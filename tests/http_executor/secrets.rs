//! `{{secret NAME}}`: the value reaches the server and nothing else, even when the server
//! echoes it back.

use temporal_wasm_worker::config::Secret;

use super::common::http_server::{Answer, Received, TestServer};
use super::*;

const TOKEN: &str = "tok-9f8e7d6c5b4a";

/// Answers `status` echoing the request's `authorization` in a header and in the body, as a
/// careless server (or httpbin) would.
fn echo(status: u16) -> impl Fn(&Received) -> Answer + Send + Sync + 'static {
    move |received| {
        let authorization = received.header("authorization").unwrap_or("").to_owned();
        Answer::new(status)
            .header("x-echo", &authorization)
            .body(format!(r#"{{"you_sent":"{authorization}"}}"#))
    }
}

fn with_token(server: &TestServer) -> HttpActivitySettings {
    let mut settings = settings(&[&server.url("")]);
    settings
        .secrets
        .insert("API_TOKEN".into(), Secret::new(TOKEN));
    settings
}

fn authorized(server: &TestServer, placeholder: &str) -> Value {
    let mut get = request("GET", &server.url("/me"));
    get["headers"] = json!({ "Authorization": format!("Bearer {placeholder}") });
    get
}

#[tokio::test]
async fn the_secret_reaches_the_server_but_not_the_outcome() {
    let server = TestServer::http(echo(200)).await;
    let executor = executor(&with_token(&server));

    let response = completed(run(&executor, &authorized(&server, "{{secret API_TOKEN}}")).await);

    assert_eq!(
        server.received()[0].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert!(!response.json.contains(TOKEN), "{}", response.json);
    assert!(!String::from_utf8_lossy(&response.body).contains(TOKEN));
    assert_eq!(response.headers["x-echo"], "Bearer [redacted]");
    assert_eq!(response.body, br#"{"you_sent":"Bearer [redacted]"}"#);
}

#[tokio::test]
async fn an_echoed_secret_is_scrubbed_from_a_failure() {
    let server = TestServer::http(echo(401)).await;
    let executor = executor(&with_token(&server));

    let failure = failed(run(&executor, &authorized(&server, "{{ secret API_TOKEN }}")).await);

    assert_eq!(failure.failure_type, "HttpStatus");
    assert!(failure.non_retryable);
    let everything = format!(
        "{failure:?} {}",
        String::from_utf8_lossy(&details_body(&failure))
    );
    assert!(!everything.contains(TOKEN), "{everything}");
    assert!(everything.contains("[redacted]"), "{everything}");
    assert!(failure.details.get("request").is_none());
}

#[tokio::test]
async fn an_unknown_secret_fails_naming_the_placeholder_without_calling() {
    let server = TestServer::http(echo(200)).await;
    let executor = executor(&with_token(&server));

    let failure = failed(run(&executor, &authorized(&server, "{{secret API_TOKN}}")).await);

    assert_eq!(failure.failure_type, "HttpUnknownSecret");
    assert!(failure.non_retryable);
    assert!(
        failure.message.contains("{{secret API_TOKN}}"),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains("headers.Authorization"),
        "{}",
        failure.message
    );
    assert!(!format!("{failure:?}").contains(TOKEN));
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn settings_debug_output_redacts_secret_values() {
    let server = TestServer::http(echo(200)).await;
    let debug = format!("{:?}", with_token(&server));
    assert!(debug.contains("API_TOKEN"), "{debug}");
    assert!(!debug.contains(TOKEN), "{debug}");
}

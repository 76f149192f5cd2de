//! Requests and responses arrive exactly as sent: method, path, headers, body, status, over
//! HTTP and over HTTPS with the configured CA.

use hyper::Version;

use super::common::http_server::{Answer, TestServer};
use super::common::tls_proxy::Pki;
use super::*;

#[tokio::test]
async fn get_round_trips_method_headers_and_the_json_response() {
    let server = TestServer::http(|_| {
        Answer::new(200)
            .header("content-type", "application/json")
            .header("x-reply", "yes")
            .body(r#"{"greeting":"hello"}"#)
    })
    .await;
    let mut settings = settings(&[&format!("http://127.0.0.1:{}", server.port)]);
    settings.user_agent = "tww-test/1.0".into();
    let mut get = request("GET", &server.url("/items/7?full=true"));
    get["headers"] = json!({ "Accept": "application/json", "X-Trace": "abc" });

    let response = completed(run(&executor(&settings), &get).await);

    let received = server.received();
    assert_eq!(received.len(), 1);
    let sent = &received[0];
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("GET", "/items/7?full=true")
    );
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(sent.header("x-trace"), Some("abc"));
    assert_eq!(sent.header("user-agent"), Some("tww-test/1.0"));
    assert!(sent.body.is_empty());
    assert_eq!(response.status, 200);
    assert_eq!(response.headers["content-type"], "application/json");
    assert_eq!(response.headers["x-reply"], "yes");
    assert_eq!(response.headers["content-length"], "20");
    assert_eq!(response.body, br#"{"greeting":"hello"}"#);
}

#[tokio::test]
async fn post_round_trips_a_json_body_both_ways() {
    let server = TestServer::http(|received| {
        Answer::new(201)
            .header("content-type", "application/json")
            .body(received.body.clone())
    })
    .await;
    let order = br#"{"order":42,"items":["a","b"]}"#;
    let mut post = request("POST", &server.url("/orders"));
    post["headers"] = json!({ "Content-Type": "application/json" });
    post["body"] = json!(BASE64.encode(order));

    let response = completed(run(&executor(&settings(&[&server.url("")])), &post).await);

    let sent = &server.received()[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.header("content-length"),
        Some(order.len().to_string().as_str())
    );
    assert_eq!(sent.body, order);
    assert_eq!(response.status, 201);
    assert_eq!(response.body, order);
}

#[tokio::test]
async fn the_idempotency_key_is_sent_unless_the_request_sets_its_own() {
    let server = TestServer::http(|_| Answer::new(204)).await;
    let executor = executor(&settings(&[&server.url("")]));
    let mut context = attempt();
    context.attempt = 3;
    let plain = request("PUT", &server.url("/a"));
    let outcome = executor
        .execute(plain.to_string().as_bytes(), context.clone())
        .await;
    assert_eq!(completed(outcome).status, 204);
    let mut own = request("PUT", &server.url("/b"));
    own["headers"] = json!({ "Idempotency-Key": "mine" });
    completed(executor.execute(own.to_string().as_bytes(), context).await);

    let received = server.received();
    assert_eq!(
        received[0].header("idempotency-key"),
        Some("wf-1/run-1/activity-1")
    );
    assert_eq!(received[1].header("idempotency-key"), Some("mine"));
    assert_eq!(
        received[1]
            .headers
            .get_all("idempotency-key")
            .iter()
            .count(),
        1
    );
}

#[tokio::test]
async fn https_with_the_configured_ca_works_over_http2() {
    let pki = Pki::generate();
    let server = TestServer::https(&pki, |_| Answer::new(200).body("secure")).await;
    let mut settings = settings(&[&format!("https://localhost:{}", server.port)]);
    settings.ca_cert = Some(std::fs::read(&pki.ca).expect("CA"));

    let url = format!("https://localhost:{}/hello", server.port);
    let response = completed(run(&executor(&settings), &request("GET", &url)).await);

    assert_eq!(
        (response.status, response.body.as_slice()),
        (200, b"secure".as_slice())
    );
    assert_eq!(server.received()[0].version, Version::HTTP_2);
}

#[tokio::test]
async fn https_without_the_ca_fails_retryably_naming_the_setting() {
    let pki = Pki::generate();
    let server = TestServer::https(&pki, |_| Answer::new(200)).await;
    let settings = settings(&[&format!("https://localhost:{}", server.port)]);

    let url = format!("https://localhost:{}/hello", server.port);
    let failure = failed(run(&executor(&settings), &request("GET", &url)).await);

    assert_eq!(failure.failure_type, "HttpTls", "{failure:#?}");
    assert!(!failure.non_retryable);
    assert!(
        failure.message.contains("http_activities.ca_cert"),
        "{}",
        failure.message
    );
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn metrics_get_one_record_per_attempt_without_secrets() {
    let server = TestServer::http(|_| Answer::new(200).body("12345")).await;
    let records = Arc::new(Records::default());
    let mut settings = settings(&[&server.url("")]);
    settings.secrets.insert(
        "K".into(),
        temporal_wasm_worker::config::Secret::new("key-value-1"),
    );
    let executor = executor(&settings).with_metrics(records.clone());
    let mut post = request("POST", &server.url("/m"));
    post["body"] = json!(BASE64.encode("abc"));
    post["headers"] = json!({ "X-Key": "{{secret K}}" });

    completed(run(&executor, &post).await);
    failed(run(&executor, &request("GET", "http://elsewhere.test/")).await);

    let records = records.0.lock().unwrap().clone();
    assert_eq!(records.len(), 2);
    let ok = &records[0];
    assert_eq!(ok.host.as_deref(), Some("127.0.0.1"));
    assert_eq!(
        ok.allowed_by.as_deref(),
        Some(format!("http://127.0.0.1:{}", server.port).as_str())
    );
    assert_eq!(
        (ok.status, ok.status_class(), ok.outcome),
        (Some(200), "2xx", "completed")
    );
    assert_eq!((ok.request_bytes, ok.response_bytes), (3, 5));
    assert!(ok.duration > Duration::ZERO);
    assert_eq!(records[1].outcome, "HttpHostNotAllowed");
    assert_eq!(records[1].status_class(), "none");
    assert!(!format!("{records:?}").contains("key-value-1"));
}

#[tokio::test]
async fn a_ca_cert_that_is_not_a_certificate_fails_setup_naming_the_setting() {
    let mut settings = settings(&["https://localhost:8443"]);
    settings.ca_cert =
        Some(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec());
    let err = HttpExecutor::new(&settings)
        .err()
        .expect("setup refused")
        .to_string();
    assert!(
        err.starts_with("http_activities.ca_cert: not a usable CA"),
        "{err}"
    );
}

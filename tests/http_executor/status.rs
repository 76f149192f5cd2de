//! The status mapping: what completes, what fails, which failures Temporal may retry, and what
//! their details carry; `Retry-After`; the response cap.

use super::common::http_server::{Answer, TestServer};
use super::*;

/// A server answering every request with `answer`, and an executor allowed to call it.
async fn answering(answer: Answer) -> (TestServer, HttpExecutor) {
    let server = TestServer::http(move |_| answer.clone()).await;
    let executor = executor(&settings(&[&server.url("")]));
    (server, executor)
}

#[tokio::test]
async fn status_503_fails_retryably_with_the_status_in_the_details() {
    let (server, executor) = answering(Answer::new(503).body("down for maintenance")).await;

    let failure = failed(run(&executor, &request("GET", &server.url("/x"))).await);

    assert_eq!(failure.failure_type, "HttpStatus");
    assert!(!failure.non_retryable);
    assert_eq!(failure.details["status"], 503);
    assert_eq!(details_body(&failure), b"down for maintenance");
    assert!(
        failure.message.contains("503 Service Unavailable"),
        "{}",
        failure.message
    );
    assert_eq!(failure.next_retry_delay, None);
}

#[tokio::test]
async fn status_404_fails_non_retryably_with_status_headers_and_body_excerpt() {
    let (server, executor) = answering(
        Answer::new(404)
            .header("content-type", "application/problem+json")
            .body(r#"{"title":"no such item"}"#),
    )
    .await;

    let failure = failed(run(&executor, &request("GET", &server.url("/items/9"))).await);

    assert_eq!(failure.failure_type, "HttpStatus");
    assert!(failure.non_retryable);
    assert_eq!(failure.details["status"], 404);
    assert_eq!(
        failure.details["headers"]["content-type"],
        "application/problem+json"
    );
    assert_eq!(failure.details["host"], "127.0.0.1");
    assert_eq!(failure.details["body_truncated"], false);
    assert_eq!(details_body(&failure), br#"{"title":"no such item"}"#);
}

#[tokio::test]
async fn statuses_408_429_and_5xx_are_retryable_other_4xx_are_not() {
    for (status, retryable) in [
        (400, false),
        (401, false),
        (403, false),
        (408, true),
        (409, false),
        (422, false),
        (429, true),
        (500, true),
        (502, true),
        (504, true),
    ] {
        let (server, executor) = answering(Answer::new(status)).await;
        let failure = failed(run(&executor, &request("GET", &server.url("/"))).await);
        assert_eq!(failure.non_retryable, !retryable, "{status}");
        assert_eq!(failure.details["status"], status, "{status}");
    }
}

#[tokio::test]
async fn status_429_with_retry_after_2_sets_the_next_retry_delay() {
    let (server, executor) = answering(Answer::new(429).header("retry-after", "2")).await;

    let failure = failed(run(&executor, &request("POST", &server.url("/rate"))).await);

    assert!(!failure.non_retryable);
    assert_eq!(failure.next_retry_delay, Some(Duration::from_secs(2)));
    assert_eq!(failure.details["headers"]["retry-after"], "2");
}

#[tokio::test]
async fn retry_after_on_a_non_retryable_status_sets_no_delay() {
    let (server, executor) = answering(Answer::new(403).header("retry-after", "2")).await;
    let failure = failed(run(&executor, &request("GET", &server.url("/"))).await);
    assert!(failure.non_retryable);
    assert_eq!(failure.next_retry_delay, None);
}

#[tokio::test]
async fn a_3xx_that_is_not_a_redirect_completes() {
    let (server, executor) = answering(Answer::new(304).header("etag", "\"v1\"")).await;
    let response = completed(run(&executor, &request("GET", &server.url("/cached"))).await);
    assert_eq!(response.status, 304);
    assert_eq!(response.headers["etag"], "\"v1\"");
}

#[tokio::test]
async fn a_failing_response_s_body_is_capped_in_the_details() {
    let (server, executor) = answering(Answer::new(500).body(vec![b'e'; 10_000])).await;
    let failure = failed(run(&executor, &request("GET", &server.url("/"))).await);
    assert_eq!(details_body(&failure), vec![b'e'; 4096]);
    assert_eq!(failure.details["body_truncated"], true);
}

#[tokio::test]
async fn a_response_over_the_request_s_cap_fails_non_retryably() {
    let (server, executor) = answering(Answer::new(200).body(vec![b'x'; 2_000])).await;
    let mut get = request("GET", &server.url("/big"));
    get["max_response_bytes"] = json!(1_999);

    let failure = failed(run(&executor, &get).await);

    assert_eq!(failure.failure_type, "HttpResponseTooLarge");
    assert!(failure.non_retryable);
    assert_eq!(failure.details["limit_bytes"], 1_999);
    assert_eq!(failure.details["status"], 200);

    get["max_response_bytes"] = json!(2_000);
    assert_eq!(completed(run(&executor, &get).await).body.len(), 2_000);
}

#[tokio::test]
async fn the_configured_cap_wins_over_a_larger_request_cap_even_without_content_length() {
    // Chunked: no Content-Length, so the cap is found while reading.
    let server = TestServer::http(|_| {
        Answer::new(200)
            .header("transfer-encoding", "chunked")
            .body(vec![b'y'; 3_000])
    })
    .await;
    let mut settings = settings(&[&server.url("")]);
    settings.max_response_bytes = 1_000;
    let mut get = request("GET", &server.url("/stream"));
    get["max_response_bytes"] = json!(1_000_000);

    let failure = failed(run(&executor(&settings), &get).await);

    assert_eq!(failure.failure_type, "HttpResponseTooLarge");
    assert_eq!(failure.details["limit_bytes"], 1_000);
    assert!(
        failure.details["headers"].get("content-length").is_none(),
        "{:#}",
        failure.details
    );
    // The excerpt in the details is capped at 4 KiB, and here the read stopped at the cap.
    assert_eq!(details_body(&failure), vec![b'y'; 1_000]);
}

#[tokio::test]
async fn a_refused_connection_fails_retryably() {
    let port = super::common::http_server::closed_port();
    let executor = executor(&settings(&[&format!("http://127.0.0.1:{port}")]));

    let failure = failed(
        run(
            &executor,
            &request("GET", &format!("http://127.0.0.1:{port}/")),
        )
        .await,
    );

    assert_eq!(failure.failure_type, "HttpConnect");
    assert!(!failure.non_retryable);
}

#[tokio::test]
async fn malformed_input_fails_non_retryably_naming_the_field() {
    let executor = executor(&settings(&["http://127.0.0.1:9"]));
    let outcome = executor
        .execute(
            br#"{"method": "GET", "url": "http://127.0.0.1:9/", "headers": []}"#,
            attempt(),
        )
        .await;
    let failure = failed(outcome);
    assert_eq!(failure.failure_type, "HttpBadRequest");
    assert!(failure.non_retryable);
    assert!(failure.message.contains("`headers`"), "{}", failure.message);
    let failure = failed(executor.execute(b"not json", attempt()).await);
    assert_eq!(failure.failure_type, "HttpBadRequest");
}

#[tokio::test]
async fn a_head_answer_s_content_length_is_not_held_against_the_cap() {
    let server = TestServer::http(|_| Answer::new(200).header("content-length", "5000000")).await;
    let mut settings = settings(&[&server.url("")]);
    settings.max_response_bytes = 1_000;

    let response =
        completed(run(&executor(&settings), &request("HEAD", &server.url("/file"))).await);

    assert_eq!(response.status, 200);
    assert_eq!(response.headers["content-length"], "5000000");
    assert!(response.body.is_empty());
}

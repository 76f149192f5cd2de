//! Time: the attempt's timeout and its ceiling, the request slots, and cancellation by dropping
//! the future.

use std::time::Instant;

use super::common::http_server::{Answer, HangingServer, TestServer};
use super::*;

fn with_timeout(timeout: Duration) -> AttemptContext {
    AttemptContext {
        timeout: Some(timeout),
        ..attempt()
    }
}

#[tokio::test]
async fn a_slow_endpoint_times_out_retryably() {
    let server = TestServer::http(|_| Answer::new(200).after(Duration::from_secs(10))).await;
    let executor = executor(&settings(&[&server.url("")]));
    let get = request("GET", &server.url("/slow"));

    let started = Instant::now();
    let outcome = executor
        .execute(
            get.to_string().as_bytes(),
            with_timeout(Duration::from_millis(300)),
        )
        .await;
    let elapsed = started.elapsed();

    let failure = failed(outcome);
    assert_eq!(failure.failure_type, "HttpTimeout");
    assert!(!failure.non_retryable);
    assert!(failure.message.contains("300 ms"), "{}", failure.message);
    assert!(
        elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(3),
        "{elapsed:?}"
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn the_configured_maximum_caps_the_attempt_s_timeout_and_the_default_fills_in() {
    let server = TestServer::http(|_| Answer::new(200).after(Duration::from_secs(10))).await;
    let mut settings = settings(&[&server.url("")]);
    settings.max_timeout = Duration::from_millis(200);
    settings.default_timeout = Duration::from_millis(100);
    let executor = executor(&settings);
    let get = request("GET", &server.url("/slow"));

    let capped = failed(
        executor
            .execute(
                get.to_string().as_bytes(),
                with_timeout(Duration::from_secs(60)),
            )
            .await,
    );
    assert!(capped.message.contains("200 ms"), "{}", capped.message);

    let defaulted = failed(
        executor
            .execute(
                get.to_string().as_bytes(),
                AttemptContext {
                    timeout: None,
                    ..attempt()
                },
            )
            .await,
    );
    assert!(
        defaulted.message.contains("100 ms"),
        "{}",
        defaulted.message
    );
}

#[tokio::test]
async fn requests_beyond_max_concurrent_requests_wait_for_a_slot() {
    let server = TestServer::http(|received| {
        let delay = if received.path == "/slow" { 600 } else { 0 };
        Answer::new(200).after(Duration::from_millis(delay))
    })
    .await;
    let mut settings = settings(&[&server.url("")]);
    settings.max_concurrent_requests = 1;
    let executor = executor(&settings);
    let slow = request("GET", &server.url("/slow")).to_string();
    let fast = request("GET", &server.url("/fast")).to_string();

    let (first, queued) = tokio::join!(executor.execute(slow.as_bytes(), attempt()), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        executor
            .execute(fast.as_bytes(), with_timeout(Duration::from_millis(200)))
            .await
    });

    assert_eq!(completed(first).status, 200);
    let failure = failed(queued);
    assert_eq!(failure.failure_type, "HttpTimeout");
    assert!(
        failure.message.contains("one of the 1 request slots"),
        "{}",
        failure.message
    );
    assert_eq!(
        server.received().len(),
        1,
        "the queued request never went out"
    );
    // With the slot free again, the same request goes through.
    assert_eq!(
        completed(executor.execute(fast.as_bytes(), attempt()).await).status,
        200
    );
}

#[tokio::test]
async fn dropping_the_future_aborts_the_request_in_flight() {
    let mut server = HangingServer::start().await;
    let records = Arc::new(Records::default());
    let settings = settings(&[&format!("http://127.0.0.1:{}", server.port)]);
    let executor = Arc::new(executor(&settings).with_metrics(records.clone()));
    let get = request("GET", &format!("http://127.0.0.1:{}/forever", server.port)).to_string();

    let task = {
        let executor = Arc::clone(&executor);
        tokio::spawn(async move { executor.execute(get.as_bytes(), attempt()).await })
    };
    tokio::time::timeout(Duration::from_secs(5), &mut server.received)
        .await
        .expect("the request reached the server")
        .expect("received");
    task.abort();

    tokio::time::timeout(Duration::from_secs(5), &mut server.closed)
        .await
        .expect("the server saw the connection closed")
        .expect("closed");
    assert!(task.await.unwrap_err().is_cancelled());
    let records = records.0.lock().unwrap().clone();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].outcome, "cancelled");
}

//! The allow-list: on the URL, on the addresses a name resolves to, and on redirect targets.
//! Names other than `localhost` come from a `StaticLookup` pointing at loopback, so nothing but
//! loopback is ever contacted.

use super::common::http_server::{Answer, TestServer};
use super::*;

#[tokio::test]
async fn a_host_not_on_the_list_fails_naming_the_host_and_the_setting() {
    let server = TestServer::http(|_| Answer::new(200)).await;
    let executor = executor(&settings(&["https://api.example.com"]));

    let failure = failed(run(&executor, &request("GET", &server.url("/x"))).await);

    assert_eq!(failure.failure_type, "HttpHostNotAllowed");
    assert!(failure.non_retryable);
    assert!(
        failure.message.contains("host `127.0.0.1`"),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains("http_activities.allowed_hosts"),
        "{}",
        failure.message
    );
    assert_eq!(failure.details["host"], "127.0.0.1");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn the_port_and_scheme_must_match_the_entry() {
    let server = TestServer::http(|_| Answer::new(200)).await;
    let executor = executor(&settings(&[
        &format!("http://127.0.0.1:{}", server.port + 1),
        "https://127.0.0.1",
    ]));
    let failure = failed(run(&executor, &request("GET", &server.url("/"))).await);
    assert_eq!(failure.failure_type, "HttpHostNotAllowed");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn an_entry_s_methods_restrict_what_may_be_sent() {
    let server = TestServer::http(|_| Answer::new(200)).await;
    let mut settings = settings(&[&server.url("")]);
    settings.allowed_hosts[0].methods = Some(vec!["GET".into()]);
    let executor = executor(&settings);

    assert_eq!(
        completed(run(&executor, &request("get", &server.url("/"))).await).status,
        200
    );
    let failure = failed(run(&executor, &request("DELETE", &server.url("/"))).await);

    assert_eq!(failure.failure_type, "HttpMethodNotAllowed");
    assert!(failure.non_retryable);
    assert!(
        failure.message.contains("allows only GET"),
        "{}",
        failure.message
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_wildcard_entry_matches_a_subdomain_but_not_the_bare_domain() {
    let server = TestServer::http(|received| {
        Answer::new(200).body(received.header("host").unwrap_or("").to_owned())
    })
    .await;
    let port = server.port;
    let settings = settings(&[
        &format!("http://*.example.test:{port}"),
        &format!("http://127.0.0.1:{port}"),
    ]);
    let lookup = StaticLookup::new(&[
        ("api.example.test", "127.0.0.1"),
        ("example.test", "127.0.0.1"),
    ]);
    let executor = HttpExecutor::with_lookup(&settings, lookup).expect("executor");

    let sub = completed(
        run(
            &executor,
            &request("GET", &format!("http://api.example.test:{port}/")),
        )
        .await,
    );
    let bare = failed(
        run(
            &executor,
            &request("GET", &format!("http://example.test:{port}/")),
        )
        .await,
    );

    assert_eq!(sub.body, format!("api.example.test:{port}").as_bytes());
    assert_eq!(bare.failure_type, "HttpHostNotAllowed");
    assert!(
        bare.message.contains("host `example.test`"),
        "{}",
        bare.message
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_unless_the_address_is_listed() {
    let server = TestServer::http(|_| Answer::new(200)).await;
    let port = server.port;
    let lookup = StaticLookup::new(&[("service.test", "127.0.0.1")]);
    let url = format!("http://service.test:{port}/");

    let only_name = settings(&[&format!("http://service.test:{port}")]);
    let executor = HttpExecutor::with_lookup(&only_name, lookup.clone()).expect("executor");
    let failure = failed(run(&executor, &request("GET", &url)).await);
    assert_eq!(failure.failure_type, "HttpHostNotAllowed");
    assert!(failure.non_retryable);
    assert!(
        failure
            .message
            .contains("`service.test` resolved to 127.0.0.1, a loopback address"),
        "{}",
        failure.message
    );
    assert_eq!(failure.details["address"], "127.0.0.1");
    assert!(server.received().is_empty());

    // Listed for another port only: still refused.
    let other_port = settings(&[
        &format!("http://service.test:{port}"),
        &format!("http://127.0.0.1:{}", port + 1),
    ]);
    let executor = HttpExecutor::with_lookup(&other_port, lookup.clone()).expect("executor");
    assert_eq!(
        failed(run(&executor, &request("GET", &url)).await).failure_type,
        "HttpHostNotAllowed"
    );

    let listed = settings(&[
        &format!("http://service.test:{port}"),
        &format!("http://127.0.0.1:{port}"),
    ]);
    let executor = HttpExecutor::with_lookup(&listed, lookup).expect("executor");
    assert_eq!(
        completed(run(&executor, &request("GET", &url)).await).status,
        200
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn localhost_listed_allows_its_loopback_addresses_through_the_system_resolver() {
    let server = TestServer::http(|_| Answer::new(200)).await;
    let executor = executor(&settings(&[&format!("http://localhost:{}", server.port)]));
    let url = format!("http://localhost:{}/", server.port);
    assert_eq!(
        completed(run(&executor, &request("GET", &url)).await).status,
        200
    );
    // The literal address is a different host as far as the list is concerned.
    let failure = failed(run(&executor, &request("GET", &server.url("/"))).await);
    assert_eq!(failure.failure_type, "HttpHostNotAllowed");
}

#[tokio::test]
async fn a_redirect_to_a_host_not_on_the_list_is_refused_naming_the_target() {
    let target = TestServer::http(|_| Answer::new(200)).await;
    let location = target.url("/landing");
    let origin = TestServer::http(move |_| Answer::new(302).header("location", &location)).await;
    let executor = executor(&settings(&[&origin.url("")]));

    let failure = failed(run(&executor, &request("GET", &origin.url("/start"))).await);

    assert_eq!(failure.failure_type, "HttpHostNotAllowed");
    assert!(failure.non_retryable);
    assert!(
        failure
            .message
            .contains(&format!("to http://127.0.0.1:{}", target.port)),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains("http_activities.allowed_hosts"),
        "{}",
        failure.message
    );
    assert_eq!(origin.received().len(), 1);
    assert!(target.received().is_empty());
}

#[tokio::test]
async fn a_redirect_to_an_allowed_host_is_followed_with_the_method_browsers_use() {
    let target = TestServer::http(|_| Answer::new(200).body("landed")).await;
    let location = target.url("/landing");
    let origin = TestServer::http(move |_| Answer::new(303).header("location", &location)).await;
    let mut settings = settings(&[&origin.url(""), &target.url("")]);
    settings.secrets.insert(
        "T".into(),
        temporal_wasm_worker::config::Secret::new("origin-only-token"),
    );
    let mut post = request("POST", &origin.url("/submit"));
    post["body"] = json!(BASE64.encode("form"));
    post["headers"] =
        json!({ "X-Token": "{{secret T}}", "Content-Type": "text/plain", "X-Plain": "p" });

    let response = completed(run(&executor(&settings), &post).await);

    assert_eq!(
        (response.status, response.body.as_slice()),
        (200, b"landed".as_slice())
    );
    assert_eq!(
        origin.received()[0].header("x-token"),
        Some("origin-only-token")
    );
    let landed = &target.received()[0];
    assert_eq!(
        (landed.method.as_str(), landed.path.as_str()),
        ("GET", "/landing")
    );
    assert!(landed.body.is_empty());
    assert_eq!(
        landed.header("x-token"),
        None,
        "secret headers stay with their origin"
    );
    assert_eq!(landed.header("content-type"), None);
    assert_eq!(landed.header("x-plain"), Some("p"));
    assert_eq!(
        landed.header("idempotency-key"),
        Some("wf-1/run-1/activity-1")
    );
}

#[tokio::test]
async fn a_redirect_loop_stops_at_the_limit() {
    let server = TestServer::http(|_| Answer::new(307).header("location", "/again")).await;
    let failure = failed(
        run(
            &executor(&settings(&[&server.url("")])),
            &request("GET", &server.url("/")),
        )
        .await,
    );
    assert_eq!(failure.failure_type, "HttpTooManyRedirects");
    assert!(failure.non_retryable);
    assert_eq!(server.received().len(), 6);
}

#[tokio::test]
async fn a_disabled_executor_refuses_everything_naming_the_setting() {
    let server = TestServer::http(|_| Answer::new(200)).await;
    let mut settings = settings(&[&server.url("")]);
    settings.enabled = false;
    let failure = failed(run(&executor(&settings), &request("GET", &server.url("/"))).await);
    assert_eq!(failure.failure_type, "HttpActivitiesDisabled");
    assert!(failure.non_retryable);
    assert!(
        failure.message.contains("http_activities.enabled"),
        "{}",
        failure.message
    );
    assert!(server.received().is_empty());
}

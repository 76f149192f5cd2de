//! Connection security, end to end over loopback with real TLS: the worker binary reaches the
//! dev server through nginx terminating TLS (see `common::tls_proxy`), while workflows are
//! started by the Python SDK connected straight to the dev server. What is under test is only
//! the worker's own connection: server TLS, mTLS, an API key and a server-name override each
//! let a workflow complete, and each misconfiguration is refused with a message naming it,
//! without a single workflow task being polled.

mod common;

use std::time::Duration;

use common::temporal::{PythonClient, TemporalServer, WorkerProcess, temporal, workflow_id};
use common::tls_proxy::{API_KEY, RENAMED_SERVER_NAME, TlsProxy};
use common::wat::completes_with;
use serde_json::{Value, json};

const HELLO: &str = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkhlbGxvIg=="}]"#;

/// What the worker logs once connected, and at every refused connection attempt.
const POLLING: &str = "polling for workflow tasks";
const CANNOT_REACH: &str = "cannot reach the Temporal server";

/// A worker connecting to `address` on its own task queue, with `connection` (TOML lines that
/// complete the `[temporal]` table, possibly followed by a `[temporal.tls]` table) and `env`.
///
/// The test PKI's files are copied next to the config, so the config names them relatively, as
/// an operator would: `ca.pem`, `wrong-ca.pem`, `client.pem`, `client.key`.
fn start_worker(
    address: &str,
    connection: &str,
    env: &[(&str, &str)],
) -> (WorkerProcess, PythonClient) {
    let pki = &TlsProxy::shared().pki;
    let dir = tempfile::tempdir().expect("temp dir");
    for (file, name) in [
        (&pki.ca, "ca.pem"),
        (&pki.wrong_ca, "wrong-ca.pem"),
        (&pki.client_cert, "client.pem"),
        (&pki.client_key, "client.key"),
    ] {
        std::fs::copy(file, dir.path().join(name)).expect("copy PKI file");
    }
    std::fs::write(dir.path().join("hello.wat"), completes_with(HELLO)).expect("write bundle");
    let task_queue = workflow_id("tls");
    let config = format!(
        "[temporal]\naddress = \"{address}\"\nnamespace = \"default\"\n\
         task_queue = \"{task_queue}\"\n{connection}\n\n\
         [worker]\nshutdown_timeout_secs = 10\n\n\
         [workflows.Hello]\nmodule = \"hello.wat\"\n"
    );
    // Temporal's standard variable wins over the file: set it too, so that a TEMPORAL_ADDRESS
    // pointing the other tests at an existing server cannot bypass the proxy.
    let mut env: Vec<(String, String)> = env
        .iter()
        .map(|(name, value)| (name.to_string(), value.to_string()))
        .collect();
    env.push(("TEMPORAL_ADDRESS".into(), address.to_owned()));
    let worker = WorkerProcess::start(&config, dir, &env);
    let client = PythonClient {
        address: TemporalServer::shared().address.clone(),
        task_queue,
    };
    (worker, client)
}

/// Waits until the worker polls, then runs one workflow on its task queue to completion.
fn assert_workflow_completes(worker: &WorkerProcess, client: &PythonClient) {
    assert!(
        worker.wait_for_log(POLLING, Duration::from_secs(60)),
        "the worker did not connect:\n{}",
        worker.log()
    );
    let outcomes =
        client.execute(&json!([{"id": workflow_id("hello"), "type": "Hello", "args": []}]));
    assert_eq!(outcomes[0]["status"], "completed", "{}", outcomes[0]);
    assert_eq!(outcomes[0]["result"], "Hello", "{}", outcomes[0]);
}

/// Waits until the worker has been refused twice (so it retries rather than giving up), checks
/// it never polled, neither by its own log nor by the server's list of pollers on its task
/// queue, and returns the first refusal line.
fn assert_refused(worker: &WorkerProcess, client: &PythonClient) -> String {
    let refusals = || {
        worker
            .log()
            .lines()
            .filter(|line| line.contains(CANNOT_REACH))
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while refusals().len() < 2 {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker was not refused twice:\n{}",
            worker.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let log = worker.log();
    assert!(!log.contains(POLLING), "{log}");
    let described: Value = serde_json::from_str(&temporal(
        &client.address,
        &[
            "task-queue",
            "describe",
            "--task-queue",
            &client.task_queue,
            "--output",
            "json",
        ],
    ))
    .expect("the CLI prints JSON");
    let pollers = described
        .get("pollers")
        .unwrap_or_else(|| panic!("no `pollers` in {described}"));
    assert!(
        pollers.is_null() || pollers.as_array().is_some_and(Vec::is_empty),
        "the server saw the worker poll: {described}"
    );
    refusals().swap_remove(0)
}

#[test]
fn server_tls_with_the_configured_ca_completes_a_workflow() {
    let proxy = TlsProxy::shared();
    let (worker, client) = start_worker(
        &proxy.tls,
        "[temporal.tls]\nserver_ca_cert = \"ca.pem\"",
        &[],
    );
    assert_workflow_completes(&worker, &client);
    assert!(
        worker.log().contains(&format!("https://{}", proxy.tls)),
        "{}",
        worker.log()
    );
}

#[test]
fn mtls_with_a_client_certificate_completes_a_workflow() {
    let (worker, client) = start_worker(
        &TlsProxy::shared().mtls,
        "[temporal.tls]\nserver_ca_cert = \"ca.pem\"\n\
         client_cert = \"client.pem\"\nclient_key = \"client.key\"",
        &[],
    );
    assert_workflow_completes(&worker, &client);
}

#[test]
fn api_key_over_tls_completes_a_workflow() {
    let (worker, client) = start_worker(
        &TlsProxy::shared().api_key,
        &format!("api_key = \"{API_KEY}\"\n[temporal.tls]\nserver_ca_cert = \"ca.pem\""),
        &[],
    );
    assert_workflow_completes(&worker, &client);
}

#[test]
fn server_name_override_accepts_a_certificate_issued_for_another_name() {
    let (worker, client) = start_worker(
        &TlsProxy::shared().renamed,
        &format!(
            "[temporal.tls]\nserver_ca_cert = \"ca.pem\"\nserver_name = \"{RENAMED_SERVER_NAME}\""
        ),
        &[],
    );
    assert_workflow_completes(&worker, &client);
}

#[test]
fn temporal_tls_environment_variables_configure_mtls() {
    let pki = &TlsProxy::shared().pki;
    let path = |file: &std::path::Path| file.to_string_lossy().into_owned();
    let (worker, client) = start_worker(
        &TlsProxy::shared().mtls,
        "",
        &[
            ("TEMPORAL_TLS", "true"),
            ("TEMPORAL_TLS_SERVER_CA_CERT_PATH", &path(&pki.ca)),
            ("TEMPORAL_TLS_CLIENT_CERT_PATH", &path(&pki.client_cert)),
            ("TEMPORAL_TLS_CLIENT_KEY_PATH", &path(&pki.client_key)),
        ],
    );
    assert_workflow_completes(&worker, &client);
}

#[test]
fn temporal_tls_server_name_variable_overrides_the_checked_name() {
    let pki = &TlsProxy::shared().pki;
    let (worker, client) = start_worker(
        &TlsProxy::shared().renamed,
        "",
        &[
            (
                "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
                &pki.ca.to_string_lossy(),
            ),
            ("TEMPORAL_TLS_SERVER_NAME", RENAMED_SERVER_NAME),
        ],
    );
    assert_workflow_completes(&worker, &client);
}

#[test]
fn server_certificate_from_an_untrusted_ca_is_refused_naming_the_unknown_issuer() {
    let (worker, client) = start_worker(
        &TlsProxy::shared().tls,
        "[temporal.tls]\nserver_ca_cert = \"wrong-ca.pem\"",
        &[],
    );
    let refusal = assert_refused(&worker, &client);
    assert!(refusal.contains("UnknownIssuer"), "{refusal}");
    assert!(
        refusal.contains("hint: the server's certificate is not signed by a trusted CA"),
        "{refusal}"
    );
}

#[test]
fn server_certificate_for_another_name_is_refused_without_the_override() {
    let (worker, client) = start_worker(
        &TlsProxy::shared().renamed,
        "[temporal.tls]\nserver_ca_cert = \"ca.pem\"",
        &[],
    );
    let refusal = assert_refused(&worker, &client);
    assert!(refusal.contains("NotValidForName"), "{refusal}");
    assert!(
        refusal.contains("set temporal.tls.server_name"),
        "{refusal}"
    );
}

#[test]
fn mtls_listener_refuses_a_worker_without_a_client_certificate() {
    let (worker, client) = start_worker(
        &TlsProxy::shared().mtls,
        "[temporal.tls]\nserver_ca_cert = \"ca.pem\"",
        &[],
    );
    let refusal = assert_refused(&worker, &client);
    // Under TLS 1.3 the server learns there is no certificate only after the client has
    // finished its side of the handshake and started sending, so the client reads either the
    // server's alert or, when the server's close overtakes it, a closed connection.
    assert!(
        [
            "received fatal alert: CertificateRequired",
            "stream closed because of a broken pipe",
            "connection closed",
            "operation was canceled",
            "Connection reset by peer",
        ]
        .iter()
        .any(|symptom| refusal.contains(symptom)),
        "{refusal}"
    );
    // Whichever symptom the client saw, the worker says what to change.
    assert!(
        refusal.contains("hint: the server may require a client certificate (mTLS)"),
        "{refusal}"
    );
}

#[test]
fn api_key_listener_refuses_a_wrong_key_as_unauthenticated() {
    let (worker, client) = start_worker(
        &TlsProxy::shared().api_key,
        "api_key = \"not-the-key\"\n[temporal.tls]\nserver_ca_cert = \"ca.pem\"",
        &[],
    );
    let refusal = assert_refused(&worker, &client);
    assert!(refusal.contains("code: Unauthenticated"), "{refusal}");
    assert!(refusal.contains("check temporal.api_key"), "{refusal}");
}

#[test]
fn api_key_never_appears_in_the_worker_log() {
    // Accepted, from Temporal's standard variable, through a whole run and a clean shutdown...
    let proxy = TlsProxy::shared();
    let (mut accepted, client) = start_worker(
        &proxy.api_key,
        "[temporal.tls]\nserver_ca_cert = \"ca.pem\"",
        &[("TEMPORAL_API_KEY", API_KEY)],
    );
    assert_workflow_completes(&accepted, &client);
    accepted.signal("TERM");
    assert_eq!(accepted.wait_exit(Duration::from_secs(20)), Some(0));
    assert!(!accepted.log().contains(API_KEY), "{}", accepted.log());
    // ...and refused, from the config file, where the error is the likeliest place to echo it.
    let wrong_key = "wrong-key-3c8e51d2";
    let (refused, client) = start_worker(
        &proxy.api_key,
        &format!("api_key = \"{wrong_key}\"\n[temporal.tls]\nserver_ca_cert = \"ca.pem\""),
        &[],
    );
    assert_refused(&refused, &client);
    assert!(!refused.log().contains(wrong_key), "{}", refused.log());
}

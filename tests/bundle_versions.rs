//! Bundle versions pinned per run, on a real dev server: runs started on v1 of a bundle finish
//! on v1 after v2 is deployed with v1 kept in `previous_modules` (while new runs start on v2);
//! with v1 removed, their tasks fail naming the version, and redeploying it lets them finish.

mod common;

use std::time::Duration;

use common::durable::{data, module};
use common::durable_client::{DurableClient, count_events};
use common::durable_worker::{TIMEOUT, config, start_worker, wait_for_event};
use common::temporal::{TemporalServer, WorkerProcess, free_port, workflow_id};
use serde_json::json;
use sha2::{Digest, Sha256};

/// A bundle that sleeps `timer_ms`, then completes with the JSON string `result`.
fn sleeps_then_completes(timer_ms: u64, result: &str) -> String {
    use base64::Engine as _;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::STANDARD.encode(bytes);
    let timer = format!(r#"{{"duration_ms":{timer_ms}}}"#);
    let payloads = format!(
        r#"[{{"metadata":{{"encoding":"{}"}},"data":"{}"}}]"#,
        encode(b"json/plain"),
        encode(format!("\"{result}\"").as_bytes())
    );
    module(&format!(
        r#"{}{}
  (func (export "run")
    (drop (call $wait_one (call $start_timer (i32.const 1024) (i32.const {}))))
    (call $complete (i32.const 2048) (i32.const {}))
    unreachable)"#,
        data(1024, &timer),
        data(2048, &payloads),
        timer.len(),
        payloads.len()
    ))
}

/// The version a worker records for a bundle file: `sha256:` and 16 hex digits.
fn version_of(wat: &str) -> String {
    let digest = Sha256::digest(wat.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// A worker on `queue` serving `Orders` with `current`, and `previous` as earlier versions.
fn worker(queue: &str, current: &str, previous: &[&str]) -> WorkerProcess {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("current.wat"), current).expect("write the bundle");
    let mut names = Vec::new();
    for (index, wat) in previous.iter().enumerate() {
        let name = format!("previous-{index}.wat");
        std::fs::write(dir.path().join(&name), wat).expect("write the bundle");
        names.push(format!("\"{name}\""));
    }
    let extra = format!(
        "[workflows.Orders]\nmodule = \"current.wat\"\nprevious_modules = [{}]\n",
        names.join(", ")
    );
    let config = config(
        &TemporalServer::shared().address,
        queue,
        "max_cached_workflows = 10",
        &extra,
    );
    start_worker(&config, dir)
}

#[test]
fn runs_finish_on_the_version_they_started_with_and_a_missing_one_is_named() {
    // v2 issues other commands than v1 (a 100 ms timer, another result): replaying a v1 history
    // on it would be wrong, and pinning never does.
    let v1 = sleeps_then_completes(3000, "v1");
    let v2 = sleeps_then_completes(100, "v2");
    let queue = format!("versions-{}", free_port());
    let client = DurableClient::new(&TemporalServer::shared().address, &queue);

    let first = worker(&queue, &v1, &[]);
    let old: Vec<String> = (0..2).map(|_| workflow_id("on-v1")).collect();
    for id in &old {
        client.start(id, "Orders", json!([]));
        wait_for_event(&client, id, "EVENT_TYPE_TIMER_STARTED");
    }
    first.stop();

    // v2 alone: the v1 runs cannot go on and say why; new runs complete on v2.
    let v2_only = worker(&queue, &v2, &[]);
    let fresh = workflow_id("on-v2");
    client.start(&fresh, "Orders", json!([]));
    let failure = client.task_failure(&old[0], TIMEOUT);
    let message = failure["message"].as_str().unwrap_or_default();
    for needle in [
        format!("started on bundle version {}", version_of(&v1)),
        "not registered on this worker".to_owned(),
        format!("registered versions: {} (", version_of(&v2)),
        "previous_modules".to_owned(),
    ] {
        assert!(message.contains(&needle), "{needle}: {failure}");
    }
    assert_eq!(client.outcome(&fresh, TIMEOUT)["result"], "v2");
    v2_only.stop();

    // v2 with v1 kept: the v1 runs finish on v1, new runs start on v2.
    let both = worker(&queue, &v2, &[&v1]);
    let newer = workflow_id("on-v2-again");
    client.start(&newer, "Orders", json!([]));
    let mut ids = old.clone();
    ids.push(newer);
    let outcomes = client.outcomes(&ids, Duration::from_secs(120));
    for (outcome, expected) in outcomes.iter().zip(["v1", "v1", "v2"]) {
        assert_eq!(outcome["status"], "COMPLETED", "{outcome}\n{}", both.log());
        assert_eq!(outcome["result"], expected, "{outcome}");
        assert_eq!(count_events(outcome, "EVENT_TYPE_MARKER_RECORDED"), 1);
    }
    // Like every patch, the pin is listed in `TemporalChangeVersion`: operators can find the
    // runs of each version.
    for (id, wat) in [(&old[0], &v1), (&ids[2], &v2)] {
        let attributes = &client.describe(id)["search_attributes"];
        let pin = format!("temporal-wasm-worker/bundle/{}", version_of(wat));
        assert_eq!(
            attributes["TemporalChangeVersion"],
            json!([pin]),
            "{attributes}"
        );
    }
}

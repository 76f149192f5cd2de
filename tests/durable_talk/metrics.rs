//! Guest metrics on the worker's endpoint: once per execution, with capped label sets.

use super::*;

/// `GET http://address/metrics` with a bare HTTP/1.0 request; the body.
fn scrape(address: &str) -> String {
    use std::io::{Read, Write};
    let mut stream =
        std::net::TcpStream::connect(address).expect("connect to the metrics endpoint");
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .expect("send request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read response");
    response
}

/// The value of the sample of `name` whose labels contain every one of `labels`.
fn sample(metrics: &str, name: &str, labels: &[&str]) -> Option<f64> {
    metrics
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find(|line| {
            line.split(['{', ' ']).next() == Some(name)
                && labels.iter().all(|label| line.contains(label))
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[test]
fn a_guest_metric_is_exported_once_per_execution_however_often_the_run_replays() {
    for cached in [true, false] {
        let server = TemporalServer::shared();
        let (queue, keys) = queue_and_keys("talk-metrics", cached);
        let metrics_address = format!("127.0.0.1:{}", free_port());
        let extra = format!("[metrics]\nprometheus_address = \"{metrics_address}\"");
        let dir = tempfile::tempdir().expect("temp dir");
        let worker = start_worker(&config(&server.address, &queue, keys, &extra), dir);
        let client = DurableClient::new(&server.address, &queue);
        // Three workflow tasks; without the cache each replays the calls of the ones before.
        let id = start(
            &client,
            "metrics",
            json!([
                {"metric": {"name": "talk_orders", "kind": "counter", "value": 2,
                            "labels": {"shop": "north"}}},
                {"sleep_ms": 200},
                {"metric": {"name": "talk_queue_depth", "kind": "gauge", "value": 7.5}},
                {"sleep_ms": 200},
                {"metric": {"name": "talk_pick_seconds", "kind": "histogram", "value": 0.25}},
            ]),
        );
        let outcome = finished(&worker, &client, &id);
        results(&outcome);
        assert_eq!(
            count_events(&outcome, "EVENT_TYPE_WORKFLOW_TASK_COMPLETED"),
            3
        );
        let metrics = scrape(&metrics_address);
        let scenario = "workflow_type=\"Scenario\"";
        let orders = ["wasm_guest_talk_orders", "wasm_guest_talk_orders_total"]
            .iter()
            .find_map(|name| sample(&metrics, name, &[scenario, "shop=\"north\""]));
        assert_eq!(orders, Some(2.0), "cached: {cached}\n{metrics}");
        assert_eq!(
            sample(&metrics, "wasm_guest_talk_queue_depth", &[scenario]),
            Some(7.5),
            "cached: {cached}\n{metrics}"
        );
        assert_eq!(
            sample(&metrics, "wasm_guest_talk_pick_seconds_count", &[scenario]),
            Some(1.0),
            "cached: {cached}\n{metrics}"
        );
    }
}

#[test]
fn guest_metric_label_sets_past_the_cap_are_dropped_with_a_warning() {
    let server = TemporalServer::shared();
    let (queue, keys) = queue_and_keys("talk-label-cap", true);
    let metrics_address = format!("127.0.0.1:{}", free_port());
    let extra =
        format!("[metrics]\nprometheus_address = \"{metrics_address}\"\nmax_guest_label_sets = 2");
    let dir = tempfile::tempdir().expect("temp dir");
    let worker = start_worker(&config(&server.address, &queue, keys, &extra), dir);
    let client = DurableClient::new(&server.address, &queue);
    let by_shop = |shop: &str| {
        json!({"metric": {"name": "talk_by_shop", "kind": "counter", "value": 1,
                          "labels": {"shop": shop}}})
    };
    let id = start(
        &client,
        "label-cap",
        json!([by_shop("a"), by_shop("b"), by_shop("c"), by_shop("a")]),
    );
    results(&finished(&worker, &client, &id));
    let metrics = scrape(&metrics_address);
    let shop = |name: &str| {
        ["wasm_guest_talk_by_shop", "wasm_guest_talk_by_shop_total"]
            .iter()
            .find_map(|metric| sample(&metrics, metric, &[&format!("shop=\"{name}\"")]))
    };
    assert_eq!(shop("a"), Some(2.0), "{metrics}");
    assert_eq!(shop("b"), Some(1.0), "{metrics}");
    assert_eq!(shop("c"), None, "{metrics}");
    assert!(
        worker.log().contains("has reached 2 label sets"),
        "{}",
        worker.log()
    );
}

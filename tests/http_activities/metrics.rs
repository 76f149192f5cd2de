//! The worker's HTTP activity metrics on its Prometheus endpoint.

use super::*;

/// The value of the first sample of `name` (or `name_total`, as Prometheus names counters)
/// whose labels include every one of `labels` (`allowed_by="http://localhost:`).
fn sample(metrics: &str, name: &str, labels: &[&str]) -> Option<f64> {
    let names = [name.to_owned(), format!("{name}_total")];
    metrics
        .lines()
        .filter(|line| !line.starts_with('#'))
        .find(|line| {
            line.split(['{', ' '])
                .next()
                .is_some_and(|found| names.iter().any(|name| name == found))
                && labels.iter().all(|label| line.contains(label))
        })
        .and_then(|line| line.rsplit(' ').next())
        .and_then(|value| value.parse().ok())
}

#[test]
fn metrics_count_requests_by_allow_list_entry_and_status_class() {
    // Called as `localhost`, allowed by its own entry, which no other test uses: the counts below are this test's alone.
    let api = route("metrics", |attempt, request| {
        if request.path.ends_with("/missing") {
            Answer::new(404)
        } else if request.path.ends_with("/flaky") && attempt == 2 {
            Answer::new(503)
        } else {
            Answer::new(200).body("fine")
        }
    })
    .via("localhost");
    let steps = json!([
        {"http": request("GET", &api.url("/ok"))},
        {"http": request("GET", &api.url("/flaky"))},
        {"http": request("GET", &api.url("/missing"))},
    ]);
    let (_, outcome) = run("http-metrics", steps);
    results(&outcome);
    assert_eq!(api.hits().len(), 4);

    let metrics = scrape_metrics();
    let requests = |labels: &[&str]| {
        let mut labels = labels.to_vec();
        labels.push(r#"allowed_by="http://localhost:"#);
        sample(&metrics, "wasm_http_requests", &labels)
    };
    assert_eq!(
        requests(&[r#"status_class="2xx""#, r#"outcome="completed""#]),
        Some(2.0),
        "{metrics}"
    );
    assert_eq!(
        requests(&[r#"status_class="5xx""#, r#"outcome="HttpStatus""#]),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        requests(&[r#"status_class="4xx""#, r#"outcome="HttpStatus""#]),
        Some(1.0),
        "{metrics}"
    );
    assert_eq!(
        sample(
            &metrics,
            "wasm_http_request_duration_count",
            &[r#"allowed_by="http://localhost:"#]
        ),
        Some(4.0),
        "{metrics}"
    );
    // "fine" twice; failing answers had no body.
    assert_eq!(
        sample(
            &metrics,
            "wasm_http_response_bytes",
            &[r#"allowed_by="http://localhost:"#]
        ),
        Some(8.0),
        "{metrics}"
    );
}

//! The security model from a workflow's side: the allow-list (on the URL and on redirects), the
//! response cap, and secrets that reach the server but nothing else.

use super::*;

#[test]
fn a_host_not_on_the_list_fails_naming_the_host_and_the_setting() {
    let unlisted = outside().route("unlisted", |_, _| Answer::new(200));
    let port = endpoint().port;
    let steps = json!([
        // A name nobody listed (refused before it is ever resolved).
        {"http": request("GET", &format!("http://api.unlisted.test:{port}/x"))},
        // A listed address on a port that is not.
        {"http": request("GET", &unlisted.url("/x"))},
    ]);
    let (id, outcome) = run("http-unlisted", steps);
    let results = results(&outcome);

    for (result, host) in results.iter().zip(["api.unlisted.test", "127.0.0.1"]) {
        let (failure, application, details) = failure(result);
        assert_eq!(application["type"], "HttpHostNotAllowed", "{failure}");
        assert_eq!(application["non_retryable"], true, "{failure}");
        let message = application["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(&format!("host `{host}`"))
                && message.contains("http_activities.allowed_hosts"),
            "{message}"
        );
        assert_eq!(details["host"], host, "{details}");
    }
    assert!(unlisted.hits().is_empty());
    // Each refused on its only attempt.
    let started = events_of(&history(&id), "EVENT_TYPE_ACTIVITY_TASK_STARTED");
    assert!(
        started
            .iter()
            .all(|event| event["activityTaskStartedEventAttributes"]["attempt"] == 1),
        "{started:#?}"
    );
}

#[test]
fn a_redirect_to_a_host_not_on_the_list_is_refused() {
    let landing = outside().route("landing", |_, _| Answer::new(200).body("outside"));
    let away = landing.url("/welcome");
    let api = route("redirects", move |_, request| {
        if request.path.ends_with("/away") {
            Answer::new(302).header("Location", &away)
        } else if request.path.ends_with("/moved") {
            Answer::new(301).header("Location", "final")
        } else {
            Answer::new(200).body("landed")
        }
    });
    let steps = json!([
        {"http": request("GET", &api.url("/away"))},
        // A redirect within the allow-list is followed, so the refusal above is the list's.
        {"http": request("GET", &api.url("/moved"))},
    ]);
    let (_, outcome) = run("http-redirect", steps);
    let results = results(&outcome);

    let (failure, application, details) = failure(&results[0]);
    assert_eq!(application["type"], "HttpHostNotAllowed", "{failure}");
    assert_eq!(application["non_retryable"], true, "{failure}");
    let message = application["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("redirect from") && message.contains("http_activities.allowed_hosts"),
        "{message}"
    );
    assert!(
        details["redirected_from"]
            .as_str()
            .is_some_and(|from| from.ends_with("/away")),
        "{details}"
    );
    assert!(landing.hits().is_empty(), "the redirect was followed");

    assert_eq!(response(&results[1])["body_text"], "landed");
    let paths: Vec<String> = api
        .hits()
        .iter()
        .map(|hit| hit.request.path.clone())
        .collect();
    let name = &api.name;
    assert_eq!(
        paths,
        [
            format!("/{name}/away"),
            format!("/{name}/moved"),
            format!("/{name}/final")
        ]
    );
}

#[test]
fn a_response_over_the_cap_fails_non_retryably() {
    let api = route("large", |_, request| {
        let size = if request.path.ends_with("/huge") {
            MAX_RESPONSE_BYTES as usize + 1
        } else {
            100
        };
        Answer::new(200).body(vec![b'x'; size])
    });
    let mut capped = request("GET", &api.url("/small"));
    capped["max_response_bytes"] = json!(64);
    let steps = json!([
        // Over the worker's http_activities.max_response_bytes.
        {"http": request("GET", &api.url("/huge"))},
        // Over the request's own, lower cap.
        {"http": capped},
        // Within both.
        {"http": request("GET", &api.url("/small"))},
    ]);
    let (_, outcome) = run("http-cap", steps);
    let results = results(&outcome);

    for (result, limit) in results.iter().zip([MAX_RESPONSE_BYTES, 64]) {
        let (failure, application, details) = failure(result);
        assert_eq!(application["type"], "HttpResponseTooLarge", "{failure}");
        assert_eq!(application["non_retryable"], true, "{failure}");
        assert!(
            application["message"]
                .as_str()
                .is_some_and(|message| message.contains(&format!("over {limit} bytes"))),
            "{failure}"
        );
        assert_eq!(details["limit_bytes"], limit, "{details}");
        assert_eq!(details["body_truncated"], true, "{details}");
    }
    assert_eq!(response(&results[2])["body_text"], "x".repeat(100));
    // Not retried: one request each.
    assert_eq!(api.hits().len(), 3);
}

#[test]
fn a_secret_reaches_the_server_but_neither_history_nor_the_worker_log() {
    // The server echoes what it got, as a careless API might, in a success and in an error.
    let api = route("secret", |_, request| {
        let saw = request
            .header("authorization")
            .unwrap_or("<none>")
            .to_owned();
        let status = if request.path.ends_with("/denied") {
            403
        } else {
            200
        };
        Answer::new(status)
            .header("X-Echo", &saw)
            .body(json!({"saw": saw}).to_string())
    });
    let with_secret = |path: &str| {
        let mut request = request("GET", &api.url(path));
        request["headers"] = json!({"Authorization": "Bearer {{secret API_TOKEN}}"});
        request
    };
    let mut unknown = request("GET", &api.url("/unknown"));
    unknown["headers"] = json!({"X-Api-Key": "{{secret NOT_CONFIGURED}}"});
    let steps = json!([
        {"http": with_secret("/ok")},
        {"http": with_secret("/denied")},
        {"http": unknown},
    ]);
    let (id, outcome) = run("http-secret", steps);
    let results = results(&outcome);

    // The server got the secret, twice.
    let hits = api.hits();
    assert_eq!(hits.len(), 2, "{hits:#?}");
    for hit in &hits {
        assert_eq!(
            hit.header("authorization"),
            Some(format!("Bearer {SECRET}").as_str())
        );
    }
    // What it echoed came back redacted.
    let ok = response(&results[0]);
    assert_eq!(ok["body_text"], r#"{"saw":"Bearer [redacted]"}"#, "{ok}");
    assert_eq!(ok["headers"]["x-echo"], "Bearer [redacted]", "{ok}");
    let (_, denied, details) = failure(&results[1]);
    assert_eq!(denied["type"], "HttpStatus");
    assert_eq!(details["status"], 403);
    assert_eq!(decoded(&details["body"]), r#"{"saw":"Bearer [redacted]"}"#);
    // A placeholder naming no secret fails by its name, without a request.
    let (_, unknown, _) = failure(&results[2]);
    assert_eq!(unknown["type"], "HttpUnknownSecret");
    assert_eq!(unknown["non_retryable"], true);
    assert!(
        unknown["message"]
            .as_str()
            .is_some_and(|message| message.contains("{{secret NOT_CONFIGURED}}")),
        "{unknown}"
    );

    // History keeps the placeholder (the search finds what is there), never the value.
    let history = history(&id);
    assert!(deep_contains(&history, "{{secret API_TOKEN}}"));
    assert!(deep_contains(&history, "[redacted]"));
    assert!(
        !deep_contains(&history, SECRET),
        "the secret is in the history:\n{history:#}"
    );
    let log = fixture().worker.log();
    assert!(log.contains("HTTP activity attempt finished"), "{log}");
    assert!(!log.contains(SECRET), "the secret is in the worker log");
    assert!(!scrape_metrics().contains(SECRET));
}

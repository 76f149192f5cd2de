//! Search attributes and memo: upserts visible to list filters and describe, and removal.

use super::*;

#[test]
fn upserted_search_attributes_are_found_by_list_filters() {
    let (_, _, client) = search_attribute_worker();
    let stage = workflow_id("packed");
    let id = start_parked(
        client,
        "search-attributes",
        json!([{"upsert_search_attributes": {STAGE: stage}}, {"wait_signal": "go"}]),
    );
    let query = format!("{STAGE} = '{stage}'");
    let ids = eventually("the workflow is listed by its search attribute", || {
        Some(client.list(&query)).filter(|ids| !ids.is_empty())
    });
    assert_eq!(ids, std::slice::from_ref(&id));
    let listed = temporal(
        &client.address,
        &["workflow", "list", "--query", &query, "-o", "json"],
    );
    assert!(listed.contains(&id), "{listed}");
    client.terminate(&id);
}

#[test]
fn search_attribute_values_of_every_type_are_typed_by_the_server_and_filterable() {
    let (_, _, client) = search_attribute_worker();
    let stage = workflow_id("typed");
    let id = start_parked(
        client,
        "search-attribute-types",
        json!([
            {"upsert_search_attributes": {
                STAGE: stage, "TalkCount": 3, "TalkScore": 2.5, "TalkUrgent": true,
                "TalkDue": "2026-12-24T18:00:00Z", "TalkTags": ["fragile", "gift"],
            }},
            {"wait_signal": "go"},
        ]),
    );
    let query = format!(
        "{STAGE} = '{stage}' AND TalkCount > 2 AND TalkScore > 2.0 AND TalkUrgent = true AND \
         TalkDue < '2027-01-01T00:00:00Z' AND TalkTags = 'gift'"
    );
    let ids = eventually(
        "the workflow is listed by its typed search attributes",
        || Some(client.list(&query)).filter(|ids| !ids.is_empty()),
    );
    assert_eq!(ids, std::slice::from_ref(&id));
    let described = client.describe(&id);
    let attributes = &described["search_attributes"];
    assert_eq!(attributes["TalkCount"], json!([3]), "{described}");
    assert_eq!(
        attributes["TalkTags"],
        json!(["fragile", "gift"]),
        "{described}"
    );
    client.terminate(&id);
}

#[test]
fn a_child_started_with_search_attributes_is_listed_by_them_and_sees_them_in_its_info() {
    let (_, worker, client) = search_attribute_worker();
    let stage = workflow_id("child-stage");
    let child_id = workflow_id("child-attributes");
    let mut options = child(&child_id, json!([{"workflow_info": true}]));
    options["search_attributes"] = json!({STAGE: stage, "TalkCount": 7});
    let parent = start(client, "parent-attributes", json!([{"child": options}]));
    let outcome = finished(worker, client, &parent);
    let info = &results(&outcome)[0]["completed"]["results"][0];
    assert_eq!(info["search_attributes"][STAGE], stage, "{outcome}");
    assert_eq!(info["search_attributes"]["TalkCount"], 7, "{outcome}");
    let ids = eventually("the child is listed by its search attributes", || {
        Some(client.list(&format!("{STAGE} = '{stage}' AND TalkCount = 7")))
            .filter(|ids| !ids.is_empty())
    });
    assert_eq!(ids, [child_id]);
}

#[test]
fn a_null_search_attribute_value_removes_the_attribute() {
    let (_, worker, client) = search_attribute_worker();
    let id = start(
        client,
        "search-attribute-removed",
        json!([
            {"upsert_search_attributes": {STAGE: "packed"}},
            {"sleep_ms": 100},
            {"upsert_search_attributes": {STAGE: null}},
        ]),
    );
    let outcome = finished(worker, client, &id);
    // The guest's two upserts, after the one core makes for the run's pin marker
    // (`TemporalChangeVersion`).
    assert_eq!(
        count_events(&outcome, "EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES"),
        3,
        "{outcome}"
    );
    let described = client.describe(&id);
    assert!(
        described["search_attributes"].get(STAGE).is_none(),
        "{described}"
    );
}

#[test]
fn upserted_memo_is_shown_by_describe() {
    let (_, client) = worker(true);
    let id = start_parked(
        client,
        "memo",
        json!([{"upsert_memo": {"note": {"gift": true}, "count": 3}}, {"wait_signal": "go"}]),
    );
    let described = client.describe(&id);
    assert_eq!(
        described["memo"],
        json!({"note": {"gift": true}, "count": 3}),
        "{described}"
    );
    client.terminate(&id);
}

#[test]
fn a_null_memo_value_removes_the_key() {
    let (worker, client) = worker(true);
    let id = start(
        client,
        "memo-removed",
        json!([
            {"upsert_memo": {"keep": "yes", "drop": "soon"}},
            {"sleep_ms": 100},
            {"upsert_memo": {"drop": null}},
        ]),
    );
    results(&finished(worker, client, &id));
    let described = client.describe(&id);
    assert_eq!(described["memo"], json!({"keep": "yes"}), "{described}");
}

#[test]
fn a_continued_run_knows_the_run_it_continued_from() {
    for cached in [true, false] {
        let (worker, client) = worker(cached);
        let id = start(
            client,
            "continued-info",
            json!([{"continue_as_new_until": 1}, {"workflow_info": true}]),
        );
        let outcome = finished(worker, client, &id);
        assert_eq!(outcome["runs"], 2, "{outcome}");
        let info = &results(&outcome)[1];
        let from = info["continued_from_run_id"].as_str().unwrap_or_default();
        assert!(!from.is_empty() && from != info["run_id"], "{info}");
        let first: Value = serde_json::from_str(&temporal(
            &client.address,
            &["workflow", "describe", "-w", &id, "-o", "json"],
        ))
        .expect("JSON from the CLI");
        assert_eq!(
            first["workflowExecutionInfo"]["firstRunId"], from,
            "cached: {cached}"
        );
    }
}

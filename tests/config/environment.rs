//! The environment layers: Temporal's standard variables over the file, `TWW__SECTION__KEY`
//! over both.

use std::time::Duration;

use temporal_wasm_worker::sandbox::GuestBugPolicy;

use super::*;

#[test]
fn temporal_standard_variables_override_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, MINIMAL);
    let settings = load(
        &path,
        &env(&[
            ("TEMPORAL_ADDRESS", "temporal.example:7233"),
            ("TEMPORAL_NAMESPACE", "prod"),
            ("TEMPORAL_API_KEY", "sekrit"),
        ]),
    )
    .unwrap();
    // An API key implies TLS.
    assert_eq!(
        settings.temporal.target_url,
        "https://temporal.example:7233"
    );
    assert_eq!(settings.temporal.namespace, "prod");
    assert_eq!(
        settings.temporal.api_key.as_ref().unwrap().expose(),
        "sekrit"
    );
}

#[test]
fn prefixed_variables_override_standard_ones_and_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, MINIMAL);
    let settings = load(
        &path,
        &env(&[
            ("TEMPORAL_NAMESPACE", "from-standard"),
            ("TWW__TEMPORAL__NAMESPACE", "from-prefixed"),
            ("TWW__TEMPORAL__TASK_QUEUE", "other-queue"),
            ("TWW__WORKER__MAX_CONCURRENT_RUNS", "3"),
        ]),
    )
    .unwrap();
    assert_eq!(settings.temporal.namespace, "from-prefixed");
    assert_eq!(settings.temporal.task_queue, "other-queue");
    assert_eq!(settings.worker.max_concurrent_runs, 3);
}

#[test]
fn prefixed_variable_addresses_a_workflow_type_with_its_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, MINIMAL);
    let settings = load(
        &path,
        &env(&[
            ("TWW__WORKFLOWS__Greet__DEADLINE_MS", "750"),
            ("TWW__WORKFLOWS__Greet__ON_GUEST_BUG", "fail_workflow"),
        ]),
    )
    .unwrap();
    assert_eq!(settings.workflows.len(), 1);
    assert_eq!(
        settings.workflows[0].limits.deadline,
        Duration::from_millis(750)
    );
    assert_eq!(
        settings.workflows[0].on_guest_bug,
        GuestBugPolicy::FailWorkflow
    );
}

#[test]
fn prefixed_variable_can_register_a_new_workflow() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, MINIMAL);
    let settings = load(
        &path,
        &env(&[("TWW__WORKFLOWS__Order__MODULE", "order.wasm")]),
    )
    .unwrap();
    let types: Vec<_> = settings
        .workflows
        .iter()
        .map(|w| w.workflow_type.as_str())
        .collect();
    assert_eq!(types, ["Greet", "Order"]);
    assert_eq!(
        settings.workflows[1].module_path,
        dir.path().join("order.wasm")
    );
}

#[test]
fn unknown_prefixed_variable_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, MINIMAL);
    let err = load(&path, &env(&[("TWW__WORKER__MAX_RUNS", "3")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("max_runs"), "{err}");
}

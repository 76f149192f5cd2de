//! `[worker]`: the sticky cache of durable workflows and the outstanding workflow tasks it
//! needs.

use temporal_wasm_worker::config::{
    FALLBACK_MAX_CACHED_WORKFLOWS, MAX_DEFAULT_MAX_CACHED_WORKFLOWS,
    MIN_DEFAULT_MAX_CACHED_WORKFLOWS, default_max_cached_workflows,
};

use super::*;

/// `MINIMAL` with `lines` as its `[worker]` table.
fn with_worker(lines: &str) -> String {
    MINIMAL.replace(
        "[workflows.Greet]",
        &format!("[worker]\n{lines}\n[workflows.Greet]"),
    )
}

#[test]
fn max_cached_workflows_defaults_to_a_cache_sized_for_the_machine() {
    let cached = load_with_env(MINIMAL, &[])
        .unwrap()
        .worker
        .max_cached_workflows;
    assert_eq!(cached, default_max_cached_workflows());
    assert!(
        (MIN_DEFAULT_MAX_CACHED_WORKFLOWS..=MAX_DEFAULT_MAX_CACHED_WORKFLOWS).contains(&cached)
            || cached == FALLBACK_MAX_CACHED_WORKFLOWS,
        "{cached}"
    );
}

#[test]
fn max_cached_workflows_set_in_the_file_wins_over_the_default() {
    let settings = load_with_env(&with_worker("max_cached_workflows = 3"), &[]).unwrap();
    assert_eq!(settings.worker.max_cached_workflows, 3);
}

#[test]
fn max_cached_workflows_zero_turns_the_cache_off_and_allows_one_outstanding_task() {
    let text = with_worker("max_cached_workflows = 0\nmax_outstanding_workflow_tasks = 1");
    let worker = load_with_env(&text, &[]).unwrap().worker;
    assert_eq!(worker.max_cached_workflows, 0);
    assert_eq!(worker.max_outstanding_workflow_tasks, 1);
}

#[test]
fn max_cached_workflows_above_the_limit_is_refused_naming_the_key() {
    let err = load_with_env(&with_worker("max_cached_workflows = 100001"), &[]).unwrap_err();
    assert!(
        err.contains("`worker.max_cached_workflows` must be between 0 and 100000, got 100001"),
        "{err}"
    );
    let settings = load_with_env(&with_worker("max_cached_workflows = 100000"), &[]).unwrap();
    assert_eq!(settings.worker.max_cached_workflows, 100_000);
}

#[test]
fn max_cached_workflows_can_be_set_from_the_environment() {
    let settings = load_with_env(
        &with_worker("max_cached_workflows = 3"),
        &[("TWW__WORKER__MAX_CACHED_WORKFLOWS", "7")],
    )
    .unwrap();
    assert_eq!(settings.worker.max_cached_workflows, 7);
}

#[test]
fn cache_on_requires_two_outstanding_workflow_tasks() {
    let text = with_worker("max_cached_workflows = 5\nmax_outstanding_workflow_tasks = 1");
    let err = load_with_env(&text, &[]).unwrap_err();
    assert!(
        err.contains("`worker.max_outstanding_workflow_tasks` must be at least 2"),
        "{err}"
    );
}

#[test]
fn default_cache_requires_two_outstanding_workflow_tasks_and_says_so() {
    let err = load_with_env(&with_worker("max_outstanding_workflow_tasks = 1"), &[]).unwrap_err();
    assert!(
        err.contains("`worker.max_outstanding_workflow_tasks` must be at least 2"),
        "{err}"
    );
    assert!(err.contains("it defaults to"), "{err}");
    assert!(err.contains("0 turns it off"), "{err}");
}

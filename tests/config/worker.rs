//! `[worker]`: the sticky cache of durable workflows and the outstanding workflow tasks it
//! needs, the resource-based tuner (`[worker.tuner]`) that can replace the fixed count, and the
//! Worker Deployment the build id is reported under.

use temporal_wasm_worker::config::{
    DEFAULT_MAX_ACTIVITY_SLOTS, DEFAULT_MAX_WORKFLOW_SLOTS, DEFAULT_MIN_WORKFLOW_SLOTS,
    DEFAULT_TARGET_CPU_USAGE, DEFAULT_TARGET_MEMORY_USAGE, DeploymentSettings,
    FALLBACK_MAX_CACHED_WORKFLOWS, MAX_DEFAULT_MAX_CACHED_WORKFLOWS,
    MIN_DEFAULT_MAX_CACHED_WORKFLOWS, TunerSettings, UsageTarget, default_max_cached_workflows,
    default_max_cached_workflows_within,
};
use temporal_wasm_worker::sandbox::VersioningBehavior;

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

/// The tuner of a config whose `[worker]` table holds `lines`, or the error.
fn tuner_of(lines: &str) -> Result<Option<TunerSettings>, String> {
    load_with_env(&with_worker(lines), &[]).map(|settings| settings.worker.tuner)
}

fn share(value: f64) -> UsageTarget {
    UsageTarget::new(value).expect("a valid share")
}

#[test]
fn tuner_is_off_and_slots_are_fixed_by_default() {
    let worker = load_with_env(MINIMAL, &[]).unwrap().worker;
    assert_eq!(worker.tuner, None);
    assert_eq!(worker.deployment, None);
}

#[test]
fn an_empty_tuner_table_turns_it_on_with_the_documented_defaults() {
    let tuner = tuner_of("[worker.tuner]").unwrap();
    assert_eq!(
        tuner,
        Some(TunerSettings {
            target_memory_usage: share(DEFAULT_TARGET_MEMORY_USAGE),
            target_cpu_usage: share(DEFAULT_TARGET_CPU_USAGE),
            min_workflow_slots: DEFAULT_MIN_WORKFLOW_SLOTS,
            max_workflow_slots: DEFAULT_MAX_WORKFLOW_SLOTS,
            max_activity_slots: DEFAULT_MAX_ACTIVITY_SLOTS,
        })
    );
    assert_eq!(
        (DEFAULT_TARGET_MEMORY_USAGE, DEFAULT_TARGET_CPU_USAGE),
        (0.8, 0.9)
    );
}

#[test]
fn tuner_keys_set_in_the_file_are_used() {
    let tuner = tuner_of(
        "[worker.tuner]\ntarget_memory_usage = 0.5\ntarget_cpu_usage = 1\n\
         min_workflow_slots = 4\nmax_workflow_slots = 40\nmax_activity_slots = 7",
    )
    .unwrap()
    .expect("tuner on");
    assert_eq!(tuner.target_memory_usage, share(0.5));
    assert_eq!(tuner.target_cpu_usage, share(1.0));
    assert_eq!(
        (tuner.min_workflow_slots, tuner.max_workflow_slots),
        (4, 40)
    );
    assert_eq!(tuner.max_activity_slots, 7);
}

#[test]
fn tuner_ceiling_is_the_most_outstanding_workflow_tasks() {
    let text = with_worker("[worker.tuner]\nmax_workflow_slots = 40");
    let worker = load_with_env(&text, &[]).unwrap().worker;
    assert_eq!(worker.max_outstanding_workflow_tasks, 40);
}

#[test]
fn tuner_targets_outside_zero_to_one_are_refused_naming_the_key() {
    for (key, value) in [
        ("target_memory_usage", "0"),
        ("target_memory_usage", "1.5"),
        ("target_cpu_usage", "-0.2"),
        ("target_cpu_usage", "nan"),
    ] {
        let err = tuner_of(&format!("[worker.tuner]\n{key} = {value}")).unwrap_err();
        assert!(
            err.contains(&format!(
                "`worker.tuner.{key}` must be a share above 0 and at most 1"
            )),
            "{err}"
        );
    }
}

#[test]
fn tuner_slot_counts_out_of_range_are_refused_naming_the_key() {
    for (key, value, range) in [
        ("min_workflow_slots", 0, "between 1 and 100000"),
        ("max_workflow_slots", 100_001, "between 1 and 100000"),
        ("max_activity_slots", 0, "between 1 and 100000"),
    ] {
        let err = tuner_of(&format!("[worker.tuner]\n{key} = {value}")).unwrap_err();
        assert!(
            err.contains(&format!(
                "`worker.tuner.{key}` must be {range}, got {value}"
            )),
            "{err}"
        );
    }
}

#[test]
fn tuner_ceiling_below_its_floor_is_refused_naming_both() {
    let err =
        tuner_of("[worker.tuner]\nmin_workflow_slots = 10\nmax_workflow_slots = 5").unwrap_err();
    assert!(
        err.contains(
            "`worker.tuner.max_workflow_slots` must not be below \
             worker.tuner.min_workflow_slots (10), got 5"
        ),
        "{err}"
    );
}

#[test]
fn tuner_with_a_fixed_outstanding_count_is_refused_naming_the_fixed_key() {
    let err = tuner_of("max_outstanding_workflow_tasks = 50\n[worker.tuner]").unwrap_err();
    assert!(
        err.contains(
            "`worker.max_outstanding_workflow_tasks` cannot be combined with [worker.tuner]"
        ),
        "{err}"
    );
    assert!(err.contains("worker.tuner.max_workflow_slots"), "{err}");
}

#[test]
fn tuner_unknown_key_is_refused_naming_it() {
    let err = tuner_of("[worker.tuner]\ntarget_memory = 0.8").unwrap_err();
    assert!(err.contains("target_memory"), "{err}");
}

#[test]
fn tuner_sizes_the_default_cache_within_its_memory_target() {
    let text = with_worker("[worker.tuner]\ntarget_memory_usage = 0.5");
    let worker = load_with_env(&text, &[]).unwrap().worker;
    assert_eq!(
        worker.max_cached_workflows,
        default_max_cached_workflows_within(0.5)
    );
    assert!(worker.max_cached_workflows <= default_max_cached_workflows());
    // A cache size the file sets wins, tuner or not.
    let text = with_worker("max_cached_workflows = 9\n[worker.tuner]");
    assert_eq!(
        load_with_env(&text, &[])
            .unwrap()
            .worker
            .max_cached_workflows,
        9
    );
}

#[test]
fn tuner_can_be_turned_on_and_set_from_the_environment() {
    let settings = load_with_env(
        MINIMAL,
        &[
            ("TWW__WORKER__TUNER__TARGET_CPU_USAGE", "0.5"),
            ("TWW__WORKER__TUNER__MAX_WORKFLOW_SLOTS", "30"),
        ],
    )
    .unwrap();
    let tuner = settings.worker.tuner.expect("tuner on");
    assert_eq!(tuner.target_cpu_usage, share(0.5));
    assert_eq!(
        tuner.target_memory_usage,
        share(DEFAULT_TARGET_MEMORY_USAGE)
    );
    assert_eq!(tuner.max_workflow_slots, 30);
}

#[test]
fn deployment_name_reports_the_build_id_as_a_version_that_auto_upgrades_by_default() {
    let worker = load_with_env(&with_worker("deployment_name = \"orders\""), &[])
        .unwrap()
        .worker;
    assert_eq!(
        worker.deployment,
        Some(DeploymentSettings {
            name: "orders".to_owned(),
            versioning_behavior: VersioningBehavior::AutoUpgrade,
        })
    );
}

#[test]
fn deployment_versioning_behavior_can_pin_runs_to_their_version() {
    let text =
        with_worker("deployment_name = \"orders\"\ndeployment_versioning_behavior = \"pinned\"");
    let deployment = load_with_env(&text, &[]).unwrap().worker.deployment;
    assert_eq!(
        deployment.map(|d| d.versioning_behavior),
        Some(VersioningBehavior::Pinned)
    );
}

#[test]
fn deployment_versioning_behavior_without_a_deployment_name_is_refused_naming_it() {
    let text = with_worker("deployment_versioning_behavior = \"pinned\"");
    let err = load_with_env(&text, &[]).unwrap_err();
    assert!(
        err.contains("`worker.deployment_versioning_behavior` needs worker.deployment_name"),
        "{err}"
    );
}

#[test]
fn deployment_versioning_behavior_other_than_pinned_or_auto_upgrade_is_refused() {
    let text =
        with_worker("deployment_name = \"orders\"\ndeployment_versioning_behavior = \"ramped\"");
    let err = load_with_env(&text, &[]).unwrap_err();
    assert!(err.contains("deployment_versioning_behavior"), "{err}");
    assert!(err.contains("\"pinned\" or \"auto_upgrade\""), "{err}");
}

#[test]
fn deployment_name_empty_or_with_a_dot_is_refused_naming_the_key() {
    let err = load_with_env(&with_worker("deployment_name = \" \""), &[]).unwrap_err();
    assert!(
        err.contains("`worker.deployment_name` must not be empty"),
        "{err}"
    );
    let err = load_with_env(&with_worker("deployment_name = \"orders.v2\""), &[]).unwrap_err();
    assert!(
        err.contains("`worker.deployment_name` must not contain `.`"),
        "{err}"
    );
}

#[test]
fn deployment_name_can_be_set_from_the_environment() {
    let settings = load_with_env(MINIMAL, &[("TWW__WORKER__DEPLOYMENT_NAME", "orders")]).unwrap();
    assert_eq!(
        settings.worker.deployment.map(|d| d.name).as_deref(),
        Some("orders")
    );
}

//! `[workflow_defaults]` and `[workflows.<Type>]`: which bundle serves a type, and the limits of
//! its instances, per workflow winning over the defaults.

use std::path::PathBuf;
use std::time::Duration;

use temporal_wasm_worker::sandbox::{GuestBugPolicy, InstanceLimits, VersioningBehavior};

use super::*;

#[test]
fn workflow_type_keeps_its_case() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, MINIMAL);
    assert_eq!(
        load(&path, &[]).unwrap().workflows[0].workflow_type,
        "Greet"
    );
}

#[test]
fn per_workflow_settings_override_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        &dir,
        r#"
        [temporal]
        task_queue = "q"
        [workflow_defaults]
        deadline_ms = 500
        memory_limit_mib = 16
        on_guest_bug = "fail_workflow"
        [workflows.A]
        module = "a.wasm"
        [workflows.B]
        module = "/abs/b.wasm"
        deadline_ms = 50
        memory_limit_mib = 2
        on_guest_bug = "fail_task"
        "#,
    );
    let settings = load(&path, &[]).unwrap();
    let a = &settings.workflows[0];
    assert_eq!(a.limits.deadline, Duration::from_millis(500));
    assert_eq!(a.limits.memory_limit_bytes, 16 << 20);
    assert_eq!(a.on_guest_bug, GuestBugPolicy::FailWorkflow);
    let b = &settings.workflows[1];
    assert_eq!(b.module_path, PathBuf::from("/abs/b.wasm"));
    assert_eq!(b.limits.deadline, Duration::from_millis(50));
    assert_eq!(b.limits.memory_limit_bytes, 2 << 20);
    assert_eq!(b.on_guest_bug, GuestBugPolicy::FailTask);
}

#[test]
fn unknown_workflow_key_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, &format!("{MINIMAL}\ndeadline = 5\n"));
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("deadline"), "{err}");
}

#[test]
fn out_of_range_limits_name_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, &format!("{MINIMAL}memory_limit_mib = 5000\n"));
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("workflows.Greet.memory_limit_mib"), "{err}");
    let path = write_config(&dir, &format!("{MINIMAL}deadline_ms = 0\n"));
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("workflows.Greet.deadline_ms"), "{err}");
}

#[test]
fn unknown_guest_bug_policy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, &format!("{MINIMAL}on_guest_bug = \"ignore\"\n"));
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("ignore"), "{err}");
}

/// `MINIMAL` with `defaults` as its `[workflow_defaults]` table and `greet` added to Greet's.
fn with_limits(defaults: &str, greet: &str) -> String {
    let tables = format!("[workflow_defaults]\n{defaults}\n[workflows.Greet]");
    format!("{}{greet}\n", MINIMAL.replace("[workflows.Greet]", &tables))
}

/// Asserts that `key = value` is refused, naming the key and its `range`, whether it is set in
/// `[workflow_defaults]` or in a workflow's own table.
fn assert_refused(key: &str, value: &str, range: &str) {
    let line = format!("{key} = {value}");
    let err = load_with_env(&with_limits(&line, ""), &[]).unwrap_err();
    let expected = format!("`workflow_defaults.{key}` must be between {range}, got {value}");
    assert!(err.contains(&expected), "{err}");
    let err = load_with_env(&with_limits("", &line), &[]).unwrap_err();
    let expected = format!("`workflows.Greet.{key}` must be between {range}, got {value}");
    assert!(err.contains(&expected), "{err}");
}

#[test]
fn durable_caps_default_to_the_instance_limits_defaults() {
    let limits = load_with_env(MINIMAL, &[]).unwrap().workflows[0].limits;
    assert_eq!(limits.max_handles, InstanceLimits::DEFAULT.max_handles);
    assert_eq!(
        limits.max_pending_commands,
        InstanceLimits::DEFAULT.max_pending_commands
    );
    assert_eq!(
        limits.max_result_bytes,
        InstanceLimits::DEFAULT.max_result_bytes
    );
}

#[test]
fn durable_caps_per_workflow_win_over_workflow_defaults() {
    let settings = load_with_env(
        r#"
        [temporal]
        task_queue = "q"
        [workflow_defaults]
        max_handles = 100
        max_pending_commands = 200
        max_result_mib = 3
        [workflows.A]
        module = "a.wasm"
        [workflows.B]
        module = "b.wasm"
        max_handles = 7
        max_pending_commands = 8
        max_result_mib = 9
        "#,
        &[],
    )
    .unwrap();
    let a = settings.workflows[0].limits;
    assert_eq!(
        (a.max_handles, a.max_pending_commands, a.max_result_bytes),
        (100, 200, 3 << 20)
    );
    let b = settings.workflows[1].limits;
    assert_eq!(
        (b.max_handles, b.max_pending_commands, b.max_result_bytes),
        (7, 8, 9 << 20)
    );
}

#[test]
fn durable_caps_accept_the_ends_of_their_ranges() {
    let highest = "max_handles = 1000000\nmax_pending_commands = 1000000\nmax_result_mib = 4096";
    let limits = load_with_env(&with_limits("", highest), &[])
        .unwrap()
        .workflows[0]
        .limits;
    assert_eq!(limits.max_handles, 1_000_000);
    assert_eq!(limits.max_pending_commands, 1_000_000);
    assert_eq!(limits.max_result_bytes, 4096 << 20);
    let lowest = "max_handles = 1\nmax_pending_commands = 1\nmax_result_mib = 1";
    let limits = load_with_env(&with_limits(lowest, ""), &[])
        .unwrap()
        .workflows[0]
        .limits;
    assert_eq!((limits.max_handles, limits.max_pending_commands), (1, 1));
    assert_eq!(limits.max_result_bytes, 1 << 20);
}

#[test]
fn max_handles_out_of_range_is_refused_naming_the_key() {
    assert_refused("max_handles", "0", "1 and 1000000");
    assert_refused("max_handles", "1000001", "1 and 1000000");
}

#[test]
fn max_pending_commands_out_of_range_is_refused_naming_the_key() {
    assert_refused("max_pending_commands", "0", "1 and 1000000");
    assert_refused("max_pending_commands", "1000001", "1 and 1000000");
}

#[test]
fn max_result_mib_out_of_range_is_refused_naming_the_key() {
    assert_refused("max_result_mib", "0", "1 and 4096 MiB");
    assert_refused("max_result_mib", "4097", "1 and 4096 MiB");
}

#[test]
fn durable_caps_can_be_set_from_the_environment() {
    let settings = load_with_env(
        MINIMAL,
        &[
            ("TWW__WORKFLOW_DEFAULTS__MAX_HANDLES", "50"),
            ("TWW__WORKFLOW_DEFAULTS__MAX_RESULT_MIB", "5"),
            ("TWW__WORKFLOWS__Greet__MAX_PENDING_COMMANDS", "60"),
            ("TWW__WORKFLOWS__Greet__MAX_RESULT_MIB", "2"),
        ],
    )
    .unwrap();
    let limits = settings.workflows[0].limits;
    assert_eq!(limits.max_handles, 50);
    assert_eq!(limits.max_pending_commands, 60);
    assert_eq!(limits.max_result_bytes, 2 << 20);
}

#[test]
fn durable_cap_from_the_environment_is_checked_like_the_file() {
    let err = load_with_env(MINIMAL, &[("TWW__WORKFLOWS__Greet__MAX_HANDLES", "0")]).unwrap_err();
    assert!(err.contains("`workflows.Greet.max_handles`"), "{err}");
}

#[test]
fn previous_modules_resolve_against_the_config_folder_and_share_the_behavior() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        &dir,
        r#"
        [temporal]
        task_queue = "q"
        [workflow_defaults]
        versioning_behavior = "auto_upgrade"
        [workflows.A]
        module = "a-v3.wasm"
        previous_modules = ["a-v2.wasm", "/abs/a-v1.wasm"]
        [workflows.B]
        module = "b.wasm"
        versioning_behavior = "pinned"
        "#,
    );
    let settings = load(&path, &[]).unwrap();
    let a = &settings.workflows[0];
    assert_eq!(
        a.previous_modules,
        [
            dir.path().join("a-v2.wasm"),
            PathBuf::from("/abs/a-v1.wasm")
        ]
    );
    assert_eq!(a.versioning, VersioningBehavior::AutoUpgrade);
    let b = &settings.workflows[1];
    assert!(b.previous_modules.is_empty());
    assert_eq!(b.versioning, VersioningBehavior::Pinned);
}

#[test]
fn bad_versioning_keys_are_errors_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(
        &dir,
        &format!("{MINIMAL}\nversioning_behavior = \"latest\"\n"),
    );
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(
        err.contains("latest") && err.contains("auto_upgrade"),
        "{err}"
    );
    let path = write_config(&dir, &format!("{MINIMAL}\nprevious_modules = [\"\"]\n"));
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("workflows.Greet.previous_modules[0]"), "{err}");
}

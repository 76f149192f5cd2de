//! `[workflow_defaults]` and `[workflows.<Type>]`: which bundle serves a type, and the limits of
//! its instances, per workflow winning over the defaults.

use std::path::PathBuf;
use std::time::Duration;

use temporal_wasm_worker::sandbox::GuestBugPolicy;

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

//! Handles: waiting on handles never issued, already taken or twice in one set, and taking results
//! before they are ready or with the wrong length.

use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;

use super::common::jobs::fire_timer;
use super::harness::{Harness, LIMITS};
use super::{completed_with, guests, worker};

const NEVER_ISSUED: &str = "wait was given handle 7, which this run never issued (it has issued 1)";

#[test]
fn waiting_on_a_handle_never_issued_fails_the_task_naming_the_handle() {
    let harness = Harness::new(&guests::waits_on_a_handle_never_issued(), LIMITS);
    assert_eq!(harness.start("run-1").guest_bug(), NEVER_ISSUED);
    harness.assert_back_at_baseline(&["run-1"]);

    let hostile = worker::run_one("NeverIssued");
    assert_eq!(hostile.guest_bug("NeverIssued"), NEVER_ISSUED);
}

const ALREADY_TAKEN: &str = "wait was given handle 1 (a timer), whose result was already taken";

#[test]
fn waiting_on_a_handle_already_taken_fails_the_task_naming_the_handle() {
    let harness = Harness::new(&guests::waits_on_a_taken_handle(), LIMITS);
    assert!(matches!(
        &harness.start("run-1").commands()[..],
        [Command::StartTimer(_)]
    ));
    assert_eq!(
        harness.activate("run-1", vec![fire_timer(1)]).guest_bug(),
        ALREADY_TAKEN
    );
    harness.assert_back_at_baseline(&["run-1"]);

    let hostile = worker::run_one("AlreadyTaken");
    assert_eq!(hostile.guest_bug("AlreadyTaken"), ALREADY_TAKEN);
}

#[test]
fn waiting_on_one_handle_twice_in_a_set_is_allowed_and_the_workflow_completes() {
    let harness = Harness::new(&guests::waits_on_one_handle_twice(), LIMITS);
    assert!(matches!(
        &harness.start("run-1").commands()[..],
        [Command::StartTimer(_)]
    ));
    let done = harness.activate("run-1", vec![fire_timer(1)]).commands();
    assert_eq!(
        completed_with(&done),
        Some(br#""waited on one handle twice""#.as_slice()),
        "{done:?}"
    );
    harness.assert_back_at_baseline(&["run-1"]);

    let hostile = worker::run_one("SameHandleTwice");
    assert_eq!(hostile.completed_result(), "waited on one handle twice");
}

const NOT_READY: &str =
    "take_result was given handle 1 (a timer), which is not ready: check is_ready or wait first";

#[test]
fn take_result_before_the_handle_is_ready_fails_the_task() {
    let harness = Harness::new(&guests::takes_a_result_before_it_is_ready(), LIMITS);
    assert_eq!(harness.start("run-1").guest_bug(), NOT_READY);
    harness.assert_back_at_baseline(&["run-1"]);

    let hostile = worker::run_one("TakeBeforeReady");
    assert_eq!(hostile.guest_bug("TakeBeforeReady"), NOT_READY);
}

const WRONG_LENGTH: &str =
    "take_result was called for handle 1 with length 15, but result_len(1) is 16";

#[test]
fn take_result_with_a_wrong_length_fails_the_task_naming_both_lengths() {
    let harness = Harness::new(&guests::takes_a_result_with_a_wrong_length(), LIMITS);
    assert!(matches!(
        &harness.start("run-1").commands()[..],
        [Command::StartTimer(_)]
    ));
    assert_eq!(
        harness.activate("run-1", vec![fire_timer(1)]).guest_bug(),
        WRONG_LENGTH
    );
    harness.assert_back_at_baseline(&["run-1"]);

    let hostile = worker::run_one("TakeWrongLength");
    assert_eq!(hostile.guest_bug("TakeWrongLength"), WRONG_LENGTH);
}

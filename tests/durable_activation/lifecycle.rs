//! A run across activations: replay from the start, queries and stray jobs that must not disturb
//! a parked guest, guest bugs after a resume, and v0 bundles on the same path.

use temporal_wasm_worker::metrics::RunOutcome;
use temporal_wasm_worker::sandbox::GuestBugPolicy;
use temporal_wasm_worker::temporal::activation::GUEST_BUG_FAILURE_TYPE;
use temporalio_common::protos::coresdk::workflow_commands::{
    CompleteWorkflowExecution, query_result,
};
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;

use super::common::jobs::{
    activation, activity_completed, at_ms, commands, fire_timer, initialize, json_payload, query,
    replaying, resolve_activity, task_failure,
};
use super::{
    Command, Inputs, WORKFLOW_TYPE, bundle, bundle_with, completed_bytes, guest, new_run, started,
    timer_then_done,
};

/// A timer, then an activity, then 8 bytes of `random` and the workflow time as its result.
fn timer_activity_random_now() -> String {
    let mut inputs = Inputs::default();
    let timer = inputs.add(r#"{"duration_ms":3000}"#);
    let lookup = inputs.add(r#"{"activity_type":"Lookup","start_to_close_timeout_ms":5000}"#);
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (drop (call $wait_one (call $start_timer {timer})))
    (drop (call $wait_one (call $start_activity {lookup})))
    (call $random (i32.const 6144) (i32.const 8))
    (i64.store (i32.const 6152) (call $now))
    (call $complete_with_bytes (i32.const 6144) (i32.const 16)))"#
        ),
    )
}

#[test]
fn a_fresh_run_replaying_the_same_activations_issues_identical_commands() {
    let (_dir, bundle) = bundle(&timer_activity_random_now());
    let history = [
        at_ms(activation(vec![initialize(WORKFLOW_TYPE)]), 1_000),
        at_ms(activation(vec![fire_timer(1)]), 4_000),
        at_ms(
            activation(vec![resolve_activity(
                1,
                activity_completed(json_payload("{}")),
            )]),
            4_500,
        ),
    ];
    let mut live = new_run(&bundle);
    let live: Vec<_> = history
        .iter()
        .map(|activation| live.activate(activation.clone()).completion)
        .collect();
    let kinds: Vec<_> = live
        .iter()
        .flat_map(commands)
        .map(|command| match command {
            Command::StartTimer(_) => "timer",
            Command::ScheduleActivity(_) => "activity",
            Command::CompleteWorkflowExecution(_) => "complete",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["timer", "activity", "complete"]);

    // After an eviction core replays history into a new run, every activation replaying.
    let mut replayed = new_run(&bundle);
    for (activation, live) in history.into_iter().zip(&live) {
        assert_eq!(&replayed.activate(replaying(activation)).completion, live);
    }
}

#[test]
fn a_query_is_answered_failed_without_resuming_the_guest() {
    let (_dir, mut run, _) = started(&timer_then_done());
    let answered = run.activate(replaying(activation(vec![query("q-1", "status")])));
    let [Command::RespondToQuery(answer)] = &commands(&answered.completion)[..] else {
        panic!("expected only the query's answer");
    };
    assert_eq!(answer.query_id, "q-1");
    let Some(query_result::Variant::Failed(failure)) = &answer.variant else {
        panic!("expected a failed answer, got {:?}", answer.variant);
    };
    assert!(failure.message.contains("query `status`"), "{failure:?}");
    assert!(answered.finished.is_none());
    // The guest is still parked on its timer, exactly where it was.
    let done = run.activate(activation(vec![fire_timer(1)]));
    assert_eq!(completed_bytes(&done), br#""done""#);
}

#[test]
fn a_resolution_for_a_seq_the_run_never_issued_is_ignored() {
    let (_dir, mut run, _) = started(&timer_then_done());
    let stray = run.activate(activation(vec![
        fire_timer(9),
        resolve_activity(1, activity_completed(json_payload("0"))),
    ]));
    assert_eq!(commands(&stray.completion), []);
    assert!(stray.finished.is_none());
    let done = run.activate(activation(vec![fire_timer(1)]));
    assert_eq!(completed_bytes(&done), br#""done""#);
}

/// Waits on a timer, then starts another and asks for the result of handle 99.
fn misuses_a_handle_after_a_timer() -> String {
    let mut inputs = Inputs::default();
    let timer = inputs.add(r#"{"duration_ms":10}"#);
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (drop (call $wait_one (call $start_timer {timer})))
    (drop (call $start_timer {timer}))
    (drop (call $result_len (i32.const 99)))
    unreachable)"#
        ),
    )
}

#[test]
fn a_guest_bug_after_a_resume_fails_the_task_by_default() {
    let (_dir, mut run, _) = started(&misuses_a_handle_after_a_timer());
    let failed = run.activate(activation(vec![fire_timer(1)]));
    let failure = task_failure(&failed.completion);
    assert!(
        failure
            .message
            .starts_with(&format!("guest bug in workflow type `{WORKFLOW_TYPE}`")),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains(
            "result_len was given handle 99, which this run never issued (it has issued 2)"
        ),
        "{}",
        failure.message
    );
    let Some(FailureInfo::ApplicationFailureInfo(info)) = &failure.failure_info else {
        panic!("expected an application failure, got {failure:?}");
    };
    assert_eq!(info.r#type, GUEST_BUG_FAILURE_TYPE);
    let finished = failed.finished.expect("the run ended");
    assert_eq!(finished.outcome, RunOutcome::GuestBug);
    assert_eq!(finished.bug_kind, Some("handle_misuse"));
}

#[test]
fn a_guest_bug_after_a_resume_fails_the_workflow_under_fail_workflow() {
    let (_dir, bundle) = bundle_with(
        &misuses_a_handle_after_a_timer(),
        GuestBugPolicy::FailWorkflow,
    );
    let mut run = new_run(&bundle);
    run.activate(activation(vec![initialize(WORKFLOW_TYPE)]));
    let failed = run.activate(activation(vec![fire_timer(1)]));
    // The timer the guest started before its bug is dropped: the failure is the only command.
    let [Command::FailWorkflowExecution(fail)] = &commands(&failed.completion)[..] else {
        panic!("expected only FailWorkflowExecution");
    };
    let failure = fail.failure.as_ref().expect("a failure");
    assert!(
        failure.message.contains("result_len was given handle 99"),
        "{}",
        failure.message
    );
    let Some(FailureInfo::ApplicationFailureInfo(info)) = &failure.failure_info else {
        panic!("expected an application failure, got {failure:?}");
    };
    assert_eq!(
        (info.r#type.as_str(), info.non_retryable),
        (GUEST_BUG_FAILURE_TYPE, true)
    );
    assert_eq!(failed.finished.unwrap().outcome, RunOutcome::Failed);
}

#[test]
fn a_v0_bundle_completes_in_its_first_activation() {
    let result = super::abi_payload(r#""hello""#);
    let (_dir, bundle) = bundle(&super::common::wat::completes_with(&format!("[{result}]")));
    assert!(!bundle.is_durable());
    let mut run = new_run(&bundle);
    let first = run.activate(activation(vec![initialize(WORKFLOW_TYPE)]));
    assert_eq!(
        commands(&first.completion),
        [Command::CompleteWorkflowExecution(
            CompleteWorkflowExecution {
                result: Some(json_payload(r#""hello""#)),
            }
        )]
    );
    assert_eq!(first.finished.unwrap().outcome, RunOutcome::Completed);
    assert!(!run.has_live_instance());
}

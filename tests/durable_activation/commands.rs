//! The commands a durable guest's calls become: timers, activities and their options, sequence
//! numbers per kind, cancels, continue-as-new and patch markers.

use temporal_wasm_worker::metrics::RunOutcome;
use temporalio_common::protos::coresdk::workflow_commands::{
    ActivityCancellationType, CancelTimer, CompleteWorkflowExecution,
    ContinueAsNewWorkflowExecution, RequestCancelActivity, ScheduleActivity, SetPatchMarker,
    StartTimer,
};
use temporalio_common::protos::temporal::api::common::v1::RetryPolicy;

use super::common::jobs::{
    activation, activity_completed, commands, duration_ms, fire_timer, initialize, json_payload,
    notify_has_patch, replaying, resolve_activity, workflow_commands,
};
use super::{
    Command, Inputs, WORKER_QUEUE, WORKFLOW_TYPE, abi_payload, bundle, calls_then_parks,
    completed_bytes, guest, new_run, started,
};

/// Starts a 1500 ms timer, then a 250 ms one, then completes with `"done"`.
fn two_timers() -> String {
    let mut inputs = Inputs::default();
    let first = inputs.add(r#"{"duration_ms":1500}"#);
    let second = inputs.add(r#"{"duration_ms":250}"#);
    let done = inputs.add(&format!("[{}]", abi_payload(r#""done""#)));
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (drop (call $wait_one (call $start_timer {first})))
    (drop (call $wait_one (call $start_timer {second})))
    (call $complete {done})
    unreachable)"#
        ),
    )
}

#[test]
fn initialize_runs_the_guest_to_its_first_timer_as_start_timer_seq_1() {
    let (_dir, _run, first) = started(&two_timers());
    assert_eq!(
        commands(&first.completion),
        [Command::StartTimer(StartTimer {
            seq: 1,
            start_to_fire_timeout: Some(duration_ms(1500)),
        })]
    );
    assert!(first.finished.is_none());
}

#[test]
fn fire_timer_resumes_the_guest_whose_next_timer_is_seq_2() {
    let (_dir, mut run, _) = started(&two_timers());
    let second = run.activate(activation(vec![fire_timer(1)]));
    assert_eq!(
        commands(&second.completion),
        [Command::StartTimer(StartTimer {
            seq: 2,
            start_to_fire_timeout: Some(duration_ms(250)),
        })]
    );
    assert!(second.finished.is_none(), "{:?}", second.finished);
}

#[test]
fn the_last_fire_completes_the_workflow_with_the_guests_result_and_finishes_the_run() {
    let (_dir, mut run, _) = started(&two_timers());
    run.activate(activation(vec![fire_timer(1)]));
    let last = run.activate(activation(vec![fire_timer(2)]));
    assert_eq!(
        commands(&last.completion),
        [Command::CompleteWorkflowExecution(
            CompleteWorkflowExecution {
                result: Some(json_payload(r#""done""#)),
            }
        )]
    );
    let finished = last.finished.expect("the run ended");
    assert_eq!(finished.outcome, RunOutcome::Completed);
    assert!(!run.has_live_instance());
}

#[test]
fn schedule_activity_carries_every_option() {
    let options = format!(
        r#"{{"activity_type":"Charge","args":[{}],"task_queue":"payments","activity_id":"charge-1",
            "schedule_to_close_timeout_ms":60000,"schedule_to_start_timeout_ms":5000,
            "start_to_close_timeout_ms":10500,"heartbeat_timeout_ms":2000,
            "retry_policy":{{"initial_interval_ms":1000,"backoff_coefficient":2.5,
              "maximum_interval_ms":30000,"maximum_attempts":5,
              "non_retryable_error_types":["Declined"]}},
            "cancellation_type":"wait_cancellation_completed"}}"#,
        abi_payload(r#"{"cents":1250}"#)
    );
    let (_dir, _run, first) = started(&calls_then_parks(&[("start_activity", &options)]));
    assert_eq!(
        commands(&first.completion),
        [Command::ScheduleActivity(ScheduleActivity {
            seq: 1,
            activity_id: "charge-1".to_owned(),
            activity_type: "Charge".to_owned(),
            task_queue: "payments".to_owned(),
            arguments: vec![json_payload(r#"{"cents":1250}"#)],
            schedule_to_close_timeout: Some(duration_ms(60_000)),
            schedule_to_start_timeout: Some(duration_ms(5_000)),
            start_to_close_timeout: Some(duration_ms(10_500)),
            heartbeat_timeout: Some(duration_ms(2_000)),
            retry_policy: Some(RetryPolicy {
                initial_interval: Some(duration_ms(1_000)),
                backoff_coefficient: 2.5,
                maximum_interval: Some(duration_ms(30_000)),
                maximum_attempts: 5,
                non_retryable_error_types: vec!["Declined".to_owned()],
            }),
            cancellation_type: ActivityCancellationType::WaitCancellationCompleted.into(),
            ..Default::default()
        })]
    );
}

#[test]
fn schedule_activity_defaults_its_id_to_the_seq_and_its_queue_to_the_workers() {
    let notify = r#"{"activity_type":"Notify","start_to_close_timeout_ms":1000}"#;
    let (_dir, _run, first) = started(&calls_then_parks(&[
        ("start_timer", r#"{"duration_ms":10}"#),
        ("start_activity", notify),
        ("start_activity", notify),
    ]));
    let scheduled: Vec<(u32, String, String, Option<RetryPolicy>, i32)> =
        commands(&first.completion)
            .into_iter()
            .filter_map(|command| match command {
                Command::ScheduleActivity(activity) => Some((
                    activity.seq,
                    activity.activity_id,
                    activity.task_queue,
                    activity.retry_policy,
                    activity.cancellation_type,
                )),
                _ => None,
            })
            .collect();
    let try_cancel = i32::from(ActivityCancellationType::TryCancel);
    assert_eq!(
        scheduled,
        [
            (1, "1".to_owned(), WORKER_QUEUE.to_owned(), None, try_cancel),
            (2, "2".to_owned(), WORKER_QUEUE.to_owned(), None, try_cancel),
        ]
    );
}

#[test]
fn each_cancellation_type_maps_to_cores() {
    let with = |kind: &str| {
        format!(
            r#"{{"activity_type":"A","start_to_close_timeout_ms":1000,"cancellation_type":"{kind}"}}"#
        )
    };
    let (try_cancel, wait, abandon) = (
        with("try_cancel"),
        with("wait_cancellation_completed"),
        with("abandon"),
    );
    let (_dir, _run, first) = started(&calls_then_parks(&[
        ("start_activity", &try_cancel),
        ("start_activity", &wait),
        ("start_activity", &abandon),
    ]));
    let types: Vec<i32> = commands(&first.completion)
        .into_iter()
        .map(|command| match command {
            Command::ScheduleActivity(activity) => activity.cancellation_type,
            other => panic!("expected ScheduleActivity, got {other:?}"),
        })
        .collect();
    assert_eq!(
        types,
        [
            ActivityCancellationType::TryCancel,
            ActivityCancellationType::WaitCancellationCompleted,
            ActivityCancellationType::Abandon,
        ]
        .map(i32::from)
    );
}

#[test]
fn summaries_go_to_user_metadata_as_json_plain_payloads() {
    let (_dir, _run, first) = started(&calls_then_parks(&[
        (
            "start_activity",
            r#"{"activity_type":"Charge","start_to_close_timeout_ms":1000,"summary":"charge the card"}"#,
        ),
        ("start_timer", r#"{"duration_ms":10,"summary":"cool down"}"#),
        ("start_timer", r#"{"duration_ms":10}"#),
    ]));
    let summaries: Vec<_> = workflow_commands(&first.completion)
        .into_iter()
        .map(|command| command.user_metadata.and_then(|metadata| metadata.summary))
        .collect();
    assert_eq!(
        summaries,
        [
            Some(json_payload(r#""charge the card""#)),
            Some(json_payload(r#""cool down""#)),
            None,
        ]
    );
}

/// Handles 1..4: activity A, timer 1 s, activity B, timer 2 s; waits on the first timer, then
/// cancels the second timer and activity B, waits on activity A and ends with its result.
fn sequences() -> String {
    let mut inputs = Inputs::default();
    let activity_a = inputs.add(r#"{"activity_type":"A","start_to_close_timeout_ms":1000}"#);
    let timer_1s = inputs.add(r#"{"duration_ms":1000}"#);
    let activity_b = inputs.add(r#"{"activity_type":"B","start_to_close_timeout_ms":1000}"#);
    let timer_2s = inputs.add(r#"{"duration_ms":2000}"#);
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (drop (call $start_activity {activity_a}))
    (drop (call $start_timer {timer_1s}))
    (drop (call $start_activity {activity_b}))
    (drop (call $start_timer {timer_2s}))
    (drop (call $wait_one (i32.const 2)))
    (call $cancel (i32.const 4))
    (call $cancel (i32.const 3))
    (drop (call $wait_one (i32.const 1)))
    (call $end_with_result (i32.const 1)))"#
        ),
    )
}

#[test]
fn timers_and_activities_are_numbered_per_kind_in_call_order() {
    let (_dir, _run, first) = started(&sequences());
    let numbered: Vec<(&str, u32)> = commands(&first.completion)
        .iter()
        .map(|command| match command {
            Command::ScheduleActivity(activity) => ("activity", activity.seq),
            Command::StartTimer(timer) => ("timer", timer.seq),
            other => panic!("unexpected command {other:?}"),
        })
        .collect();
    assert_eq!(
        numbered,
        [("activity", 1), ("timer", 1), ("activity", 2), ("timer", 2)]
    );
}

#[test]
fn a_job_resolves_the_handle_of_its_own_kind_and_seq() {
    let (_dir, mut run, _) = started(&sequences());
    // Timer seq 2 is handle 4, which the guest is not waiting on: it stays parked (and its
    // later cancel is a no-op, the timer having fired).
    let other_timer = run.activate(activation(vec![fire_timer(2)]));
    assert_eq!(commands(&other_timer.completion), []);
    // Activity seq 1 is handle 1 — no timer fires: still parked on timer seq 1 (handle 2).
    let activity = run.activate(activation(vec![resolve_activity(
        1,
        activity_completed(json_payload("1")),
    )]));
    assert_eq!(commands(&activity.completion), []);
    let its_timer = run.activate(activation(vec![fire_timer(1)]));
    assert_eq!(
        commands(&its_timer.completion),
        [
            Command::RequestCancelActivity(RequestCancelActivity { seq: 2 }),
            // Handle 1 (activity seq 1) was already resolved: the guest ends with its result.
            Command::CompleteWorkflowExecution(CompleteWorkflowExecution {
                result: Some(json_payload("1")),
            }),
        ]
    );
}

#[test]
fn cancel_commands_name_the_seq_of_the_cancelled_timer_and_activity() {
    let (_dir, mut run, _) = started(&sequences());
    let woken = run.activate(activation(vec![fire_timer(1)]));
    assert_eq!(
        commands(&woken.completion),
        [
            Command::CancelTimer(CancelTimer { seq: 2 }),
            Command::RequestCancelActivity(RequestCancelActivity { seq: 2 }),
        ]
    );
    let done = run.activate(activation(vec![resolve_activity(
        1,
        activity_completed(json_payload(r#""a""#)),
    )]));
    assert_eq!(completed_bytes(&done), br#""a""#);
}

/// A guest that waits on a 10 ms timer and then calls `continue_as_new` with `json`.
fn continues_as_new(json: &str) -> String {
    let mut inputs = Inputs::default();
    let timer = inputs.add(r#"{"duration_ms":10}"#);
    let request = inputs.add(json);
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (drop (call $wait_one (call $start_timer {timer})))
    (call $continue_as_new {request})
    unreachable)"#
        ),
    )
}

fn continue_as_new_after_the_timer(json: &str) -> (ContinueAsNewWorkflowExecution, RunOutcome) {
    let (_dir, mut run, _) = started(&continues_as_new(json));
    let ended = run.activate(activation(vec![fire_timer(1)]));
    match &commands(&ended.completion)[..] {
        [Command::ContinueAsNewWorkflowExecution(next)] => {
            (next.clone(), ended.finished.expect("the run ended").outcome)
        }
        other => panic!("expected only ContinueAsNewWorkflowExecution, got {other:?}"),
    }
}

#[test]
fn continue_as_new_defaults_type_and_queue_to_the_runs() {
    let (next, outcome) = continue_as_new_after_the_timer("{}");
    assert_eq!(
        next,
        ContinueAsNewWorkflowExecution {
            workflow_type: WORKFLOW_TYPE.to_owned(),
            task_queue: WORKER_QUEUE.to_owned(),
            ..Default::default()
        }
    );
    assert_eq!(outcome, RunOutcome::ContinuedAsNew);
}

#[test]
fn continue_as_new_may_name_another_type_and_queue() {
    let (next, _) =
        continue_as_new_after_the_timer(r#"{"workflow_type":"NextStage","task_queue":"stage-2"}"#);
    assert_eq!(
        (next.workflow_type.as_str(), next.task_queue.as_str()),
        ("NextStage", "stage-2")
    );
}

#[test]
fn continue_as_new_carries_args_memo_search_attributes_and_timeouts() {
    let (next, _) = continue_as_new_after_the_timer(&format!(
        r#"{{"args":[{}],"memo":{{"note":{}}},
            "search_attributes":{{"CustomKeywordField":"gold","Count":3}},
            "run_timeout_ms":60000,"task_timeout_ms":10000}}"#,
        abi_payload(r#"{"page":2}"#),
        abi_payload(r#""resumed""#)
    ));
    assert_eq!(next.arguments, [json_payload(r#"{"page":2}"#)]);
    assert_eq!(
        next.memo,
        [("note".to_owned(), json_payload(r#""resumed""#))].into()
    );
    let attributes = next.search_attributes.expect("search attributes");
    assert_eq!(
        attributes.indexed_fields,
        [
            ("CustomKeywordField".to_owned(), json_payload(r#""gold""#)),
            ("Count".to_owned(), json_payload("3")),
        ]
        .into()
    );
    assert_eq!(next.workflow_run_timeout, Some(duration_ms(60_000)));
    assert_eq!(next.workflow_task_timeout, Some(duration_ms(10_000)));
}

/// Asks `patched("fix-1", deprecated = 1)` twice and completes with the two answers as bytes.
fn asks_patched_twice() -> String {
    let mut inputs = Inputs::default();
    let id = inputs.add("fix-1");
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (i32.store8 (i32.const 6144) (call $patched {id} (i32.const 1)))
    (i32.store8 (i32.const 6145) (call $patched {id} (i32.const 1)))
    (call $complete_with_bytes (i32.const 6144) (i32.const 2)))"#
        ),
    )
}

fn marker() -> Command {
    Command::SetPatchMarker(SetPatchMarker {
        patch_id: "fix-1".to_owned(),
        deprecated: true,
    })
}

#[test]
fn patched_outside_replay_takes_the_new_path_and_sets_its_marker_once() {
    let (_dir, _run, first) = started(&asks_patched_twice());
    let commands = commands(&first.completion);
    assert_eq!(commands.first(), Some(&marker()));
    assert_eq!(commands.len(), 2, "{commands:?}");
    assert_eq!(completed_bytes(&first), [1, 1]);
}

#[test]
fn patched_in_replay_takes_the_new_path_when_history_has_its_marker() {
    let (_dir, bundle) = bundle(&asks_patched_twice());
    let mut run = new_run(&bundle);
    let first = run.activate(replaying(activation(vec![
        initialize(WORKFLOW_TYPE),
        notify_has_patch("fix-1"),
    ])));
    // The marker command is issued in replay too: core matches it against history's marker.
    assert_eq!(commands(&first.completion).first(), Some(&marker()));
    assert_eq!(completed_bytes(&first), [1, 1]);
}

#[test]
fn patched_in_replay_without_its_marker_takes_the_old_path_and_sets_no_marker() {
    let (_dir, bundle) = bundle(&asks_patched_twice());
    let mut run = new_run(&bundle);
    let first = run.activate(replaying(activation(vec![initialize(WORKFLOW_TYPE)])));
    assert_eq!(commands(&first.completion).len(), 1, "only the completion");
    assert_eq!(completed_bytes(&first), [0, 0]);
}

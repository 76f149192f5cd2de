//! What the guest sees when jobs resolve its handles: activity results, failures and
//! cancellations, the workflow's cancellation, a new randomness seed and workflow time.

use base64::Engine as _;
use serde_json::json;
use temporal_wasm_worker::metrics::RunOutcome;
use temporalio_common::protos::coresdk::workflow_activation::workflow_activation_job::Variant as Job;
use temporalio_common::protos::coresdk::workflow_commands::{
    CancelWorkflowExecution, CompleteWorkflowExecution,
};
use temporalio_common::protos::temporal::api::common::v1::{ActivityType, Payloads};
use temporalio_common::protos::temporal::api::enums::v1::RetryState;
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;
use temporalio_common::protos::temporal::api::failure::v1::{
    ActivityFailureInfo, ApplicationFailureInfo, CanceledFailureInfo, Failure,
};

use super::common::jobs::{
    activation, activity_cancelled, activity_completed, activity_failed, at_ms, cancel_workflow,
    commands, fire_timer, initialize, initialize_with_seed, json_payload, resolve_activity,
    update_random_seed,
};
use super::{
    BASE64, Command, Inputs, WORKFLOW_TYPE, abi_payload, bundle, completed_bytes, completed_json,
    guest, new_run, started, timer_then_done,
};

/// Schedules activity `Charge`, waits for it, and ends with `end`: `$end_with_result` (complete
/// with its payloads, fail with its failure) or `$complete_with_result_json` (its raw JSON).
fn charges_then(end: &str) -> String {
    let mut inputs = Inputs::default();
    let charge = inputs.add(r#"{"activity_type":"Charge","start_to_close_timeout_ms":5000}"#);
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (local $charge i32)
    (local.set $charge (call $start_activity {charge}))
    (drop (call $wait_one (local.get $charge)))
    (call {end} (local.get $charge)))"#
        ),
    )
}

/// Core's failure for an activity that failed for good: an activity failure caused by the
/// activity's application error, itself caused by another.
fn charge_failure() -> Failure {
    let application = |message: &str, kind: &str, cause: Option<Failure>| Failure {
        message: message.to_owned(),
        source: "TypeScriptSDK".to_owned(),
        stack_trace: format!("at {kind}()"),
        cause: cause.map(Box::new),
        failure_info: Some(FailureInfo::ApplicationFailureInfo(
            ApplicationFailureInfo {
                r#type: kind.to_owned(),
                non_retryable: kind == "Declined",
                details: (kind == "Declined").then(|| Payloads {
                    payloads: vec![json_payload(r#"{"code":51}"#)],
                }),
                ..Default::default()
            },
        )),
        ..Default::default()
    };
    let root = application("connection reset", "IoError", None);
    Failure {
        message: "Activity task failed".to_owned(),
        cause: Some(Box::new(application(
            "card declined",
            "Declined",
            Some(root),
        ))),
        failure_info: Some(FailureInfo::ActivityFailureInfo(ActivityFailureInfo {
            scheduled_event_id: 5,
            started_event_id: 6,
            identity: "worker-7".to_owned(),
            activity_type: Some(ActivityType {
                name: "Charge".to_owned(),
            }),
            activity_id: "1".to_owned(),
            retry_state: RetryState::MaximumAttemptsReached.into(),
        })),
        ..Default::default()
    }
}

#[test]
fn resolve_activity_completed_hands_the_guest_the_activitys_payload() {
    let (_dir, mut run, _) = started(&charges_then("$end_with_result"));
    let result = json_payload(r#"{"receipt":"r-9"}"#);
    let done = run.activate(activation(vec![resolve_activity(
        1,
        activity_completed(result.clone()),
    )]));
    assert_eq!(
        commands(&done.completion),
        [Command::CompleteWorkflowExecution(
            CompleteWorkflowExecution {
                result: Some(result),
            }
        )]
    );
}

#[test]
fn resolve_activity_failed_hands_the_guest_kind_type_retry_state_and_cause_chain() {
    let (_dir, mut run, _) = started(&charges_then("$complete_with_result_json"));
    let done = run.activate(activation(vec![resolve_activity(
        1,
        activity_failed(charge_failure()),
    )]));
    let seen = completed_json(&done);
    let failed = &seen["failed"];
    assert_eq!(failed["message"], "Activity task failed", "{seen}");
    assert_eq!(failed["kind"], "activity", "{seen}");
    // The application error's type is hoisted: the outermost one, not the root cause's.
    assert_eq!(failed["type"], "Declined", "{seen}");
    assert_eq!(failed["retry_state"], "maximum_attempts_reached", "{seen}");
    assert_eq!(
        failed["activity"],
        json!({"activity_type": "Charge", "activity_id": "1", "identity": "worker-7",
               "scheduled_event_id": 5, "started_event_id": 6}),
    );
    let cause = &failed["cause"];
    assert_eq!(cause["kind"], "application", "{seen}");
    assert_eq!(cause["message"], "card declined", "{seen}");
    assert_eq!(cause["type"], "Declined", "{seen}");
    assert_eq!(cause["non_retryable"], true, "{seen}");
    assert_eq!(cause["source"], "TypeScriptSDK", "{seen}");
    assert_eq!(cause["stack_trace"], "at Declined()", "{seen}");
    let details = cause["details"][0]["data"]
        .as_str()
        .expect("a detail payload");
    assert_eq!(BASE64.decode(details).unwrap(), br#"{"code":51}"#);
    assert_eq!(cause["cause"]["message"], "connection reset", "{seen}");
    assert_eq!(cause["cause"]["type"], "IoError", "{seen}");
    assert_eq!(cause["cause"]["non_retryable"], false, "{seen}");
}

#[test]
fn a_guest_failing_with_the_activity_failure_fails_the_workflow_with_its_chain() {
    let (_dir, mut run, _) = started(&charges_then("$end_with_result"));
    let done = run.activate(activation(vec![resolve_activity(
        1,
        activity_failed(charge_failure()),
    )]));
    let [Command::FailWorkflowExecution(failed)] = &commands(&done.completion)[..] else {
        panic!("expected only FailWorkflowExecution");
    };
    // A guest's failure is an application failure at every level, with the v0 fields only.
    let mut chain = Vec::new();
    let mut level = failed.failure.as_ref();
    while let Some(failure) = level {
        let Some(FailureInfo::ApplicationFailureInfo(info)) = &failure.failure_info else {
            panic!("expected an application failure, got {failure:?}");
        };
        chain.push((
            failure.message.as_str(),
            info.r#type.as_str(),
            info.non_retryable,
        ));
        level = failure.cause.as_deref();
    }
    assert_eq!(
        chain,
        [
            ("Activity task failed", "Declined", false),
            ("card declined", "Declined", true),
            ("connection reset", "IoError", false),
        ]
    );
    let declined = failed.failure.as_ref().unwrap().cause.as_ref().unwrap();
    let Some(FailureInfo::ApplicationFailureInfo(info)) = &declined.failure_info else {
        unreachable!()
    };
    assert_eq!(
        info.details.as_ref().map(|details| &details.payloads[..]),
        Some(&[json_payload(r#"{"code":51}"#)][..])
    );
    assert_eq!(done.finished.unwrap().outcome, RunOutcome::Failed);
}

#[test]
fn resolve_activity_cancelled_hands_the_guest_a_cancelled_result() {
    let (_dir, mut run, _) = started(&charges_then("$complete_with_result_json"));
    let cancellation = Failure {
        message: "Activity cancelled".to_owned(),
        cause: Some(Box::new(Failure {
            message: "cancelled by the workflow".to_owned(),
            failure_info: Some(FailureInfo::CanceledFailureInfo(CanceledFailureInfo {
                details: Some(Payloads {
                    payloads: vec![json_payload(r#""stopped""#)],
                }),
                ..Default::default()
            })),
            ..Default::default()
        })),
        failure_info: Some(FailureInfo::ActivityFailureInfo(ActivityFailureInfo {
            activity_id: "1".to_owned(),
            retry_state: RetryState::CancelRequested.into(),
            ..Default::default()
        })),
        ..Default::default()
    };
    let done = run.activate(activation(vec![resolve_activity(
        1,
        activity_cancelled(cancellation),
    )]));
    let seen = completed_json(&done);
    let cancelled = &seen["cancelled"];
    assert_eq!(cancelled["kind"], "activity", "{seen}");
    assert_eq!(cancelled["retry_state"], "cancel_requested", "{seen}");
    assert_eq!(cancelled["cause"]["kind"], "cancelled", "{seen}");
    assert_eq!(cancelled["cause"]["message"], "cancelled by the workflow");
    let details = cancelled["cause"]["details"][0]["data"].as_str().unwrap();
    assert_eq!(BASE64.decode(details).unwrap(), br#""stopped""#);
}

/// Opens the cancellation channel, starts a 60 s timer and waits on both; on cancellation it
/// ends as cancelled with a detail, otherwise it completes.
fn hears_cancellation() -> String {
    let mut inputs = Inputs::default();
    let timer = inputs.add(r#"{"duration_ms":60000}"#);
    let details = inputs.add(&format!(
        r#"{{"details":[{}]}}"#,
        abi_payload(r#""cleaned up""#)
    ));
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (local $cancelled i32)
    (local.set $cancelled (call $cancellation_channel))
    (i32.store (i32.const 0) (local.get $cancelled))
    (i32.store (i32.const 4) (call $start_timer {timer}))
    (if (i32.eq (call $wait (i32.const 0) (i32.const 2)) (local.get $cancelled))
      (then (call $complete_as_cancelled {details})))
    (call $complete (i32.const 0) (i32.const 0))
    unreachable)"#
        ),
    )
}

#[test]
fn cancel_workflow_wakes_a_guest_listening_for_it_which_ends_as_cancelled() {
    let (_dir, mut run, first) = started(&hears_cancellation());
    assert_eq!(commands(&first.completion).len(), 1, "only the timer");
    let ended = run.activate(activation(vec![cancel_workflow()]));
    assert_eq!(
        commands(&ended.completion),
        [Command::CancelWorkflowExecution(CancelWorkflowExecution {
            details: Some(Payloads {
                payloads: vec![json_payload(r#""cleaned up""#)],
            }),
        })]
    );
    assert_eq!(ended.finished.unwrap().outcome, RunOutcome::Cancelled);
}

#[test]
fn cancel_workflow_with_initialize_lets_the_guest_run_and_hear_it() {
    let (_dir, bundle) = bundle(&hears_cancellation());
    let mut run = new_run(&bundle);
    // Core delivers both jobs at once for a workflow cancelled before its first task.
    let first = run.activate(activation(vec![
        initialize(WORKFLOW_TYPE),
        cancel_workflow(),
    ]));
    let commands = commands(&first.completion);
    assert!(
        matches!(
            &commands[..],
            [Command::StartTimer(_), Command::CancelWorkflowExecution(_)]
        ),
        "the guest runs, opens its channel (ready at once) and ends as cancelled: {commands:?}"
    );
    assert_eq!(
        commands[1],
        Command::CancelWorkflowExecution(CancelWorkflowExecution {
            details: Some(Payloads {
                payloads: vec![json_payload(r#""cleaned up""#)],
            }),
        })
    );
}

#[test]
fn cancel_workflow_without_a_cancellation_channel_ends_the_run_when_the_guest_parks() {
    let (_dir, mut run, _) = started(&timer_then_done());
    let ended = run.activate(activation(vec![cancel_workflow()]));
    assert_eq!(
        commands(&ended.completion),
        [Command::CancelWorkflowExecution(
            CancelWorkflowExecution::default()
        )]
    );
    assert_eq!(ended.finished.unwrap().outcome, RunOutcome::Cancelled);
    assert!(!run.has_live_instance());
}

#[test]
fn a_guest_that_finishes_in_the_activation_of_an_unheard_cancellation_ends_its_own_way() {
    let (_dir, mut run, _) = started(&timer_then_done());
    // The timer fires in the same activation: the guest resumes and completes by itself.
    let ended = run.activate(activation(vec![cancel_workflow(), fire_timer(1)]));
    assert!(
        matches!(
            &commands(&ended.completion)[..],
            [Command::CompleteWorkflowExecution(_)]
        ),
        "{:?}",
        commands(&ended.completion)
    );
    assert_eq!(ended.finished.unwrap().outcome, RunOutcome::Completed);
}

/// A 1 s timer, then 16 bytes of `random` as its result.
fn draws_after_a_timer() -> String {
    let mut inputs = Inputs::default();
    let timer = inputs.add(r#"{"duration_ms":1000}"#);
    guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (drop (call $wait_one (call $start_timer {timer})))
    (call $random (i32.const 6144) (i32.const 16))
    (call $complete_with_bytes (i32.const 6144) (i32.const 16)))"#
        ),
    )
}

/// The bytes a run seeded `seed` draws after its timer fires in an activation with `jobs`.
fn drawn(seed: u64, jobs: Vec<Job>) -> Vec<u8> {
    let (_dir, bundle) = bundle(&draws_after_a_timer());
    let mut run = new_run(&bundle);
    run.activate(activation(vec![initialize_with_seed(WORKFLOW_TYPE, seed)]));
    let mut jobs = jobs;
    jobs.push(fire_timer(1));
    completed_bytes(&run.activate(activation(jobs)))
}

#[test]
fn update_random_seed_reseeds_random() {
    let reseeded = drawn(7, vec![update_random_seed(42)]);
    assert_eq!(reseeded, drawn(42, vec![]), "draws as a run seeded 42 does");
    assert_ne!(reseeded, drawn(7, vec![]), "not as the original seed does");
}

#[test]
fn now_is_the_activations_timestamp_in_ms() {
    let mut inputs = Inputs::default();
    let timer = inputs.add(r#"{"duration_ms":60000}"#);
    let wat = guest(
        &inputs,
        &format!(
            r#"(func (export "run")
    (i64.store (i32.const 6144) (call $now))
    (drop (call $wait_one (call $start_timer {timer})))
    (i64.store (i32.const 6152) (call $now))
    (call $complete_with_bytes (i32.const 6144) (i32.const 16)))"#
        ),
    );
    let (_dir, bundle) = bundle(&wat);
    let mut run = new_run(&bundle);
    let start_ms = 1_767_225_600_250;
    run.activate(at_ms(activation(vec![initialize(WORKFLOW_TYPE)]), start_ms));
    let done = run.activate(at_ms(activation(vec![fire_timer(1)]), start_ms + 60_007));
    let bytes = completed_bytes(&done);
    let read = |at: usize| i64::from_le_bytes(bytes[at..at + 8].try_into().unwrap());
    assert_eq!((read(0), read(8)), (start_ms, start_ms + 60_007));
}

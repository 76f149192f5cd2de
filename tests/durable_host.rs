//! Host behaviour of ABI v1 (durable guests), one behaviour per test, with WAT guests driven
//! through a sandbox instance's activations and no server: the command calls, `wait`, results
//! and `cancel`, used as the spec says.
//!
//! The other v1 host tests: `durable_host_channels.rs` (channels and ending the run),
//! `durable_host_replay.rs` (deterministic sources, replay, eviction, loading),
//! `durable_host_misuse.rs` (every guest bug of a call) and `durable_host_limits.rs` (caps,
//! deadlines, memory, traps).
//!
//! Most guests write what they saw into a transcript (`$put…`, see `common::durable`) and
//! complete with it, so one string shows every handle, answer and result JSON exactly.

mod common;

use common::durable::{
    CANCELLED_TIMER, CHARGE, COMPLETED_EMPTY, at, blocked, calls_and_transcript, charge_call,
    ended, fire_and_resume, fired, guest, guest_with_input, start, timer_call, transcript,
};
use common::{json_payload, load};
use temporal_wasm_worker::abi::{
    ActivityFailureInfo, ActivityOptions, Call, CancellationType, Failure, FailureKind, Resolution,
    RetryPolicy, TimerRequest,
};
use temporal_wasm_worker::sandbox::GuestOutcome;

// --- start_timer ------------------------------------------------------------------------------

#[test]
fn a_timer_parks_the_guest_until_it_fires() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (drop (call $wait_one (local.get $a)))
           (call $end_with_result (local.get $a))"#,
    ));
    let mut instance = start(&bundle);
    assert_eq!(blocked(instance.resume()), vec![timer_call(1, 1000)]);
    let (calls, outcome) = ended(fire_and_resume(&mut instance, 1));
    assert_eq!(calls, vec![]);
    assert_eq!(outcome, Ok(GuestOutcome::Completed(vec![])));
}

#[test]
fn start_timer_records_its_duration_and_summary() {
    let timer = r#"{"duration_ms":5000,"summary":"wait for the payment"}"#;
    let (_dir, bundle) = load(&guest_with_input(
        timer,
        "(drop (call $wait_one (call $start_timer INPUT)))",
    ));
    let calls = blocked(start(&bundle).resume());
    assert_eq!(
        calls,
        vec![Call::StartTimer {
            handle: 1,
            request: TimerRequest {
                duration_ms: 5000,
                summary: Some("wait for the payment".into()),
            },
        }]
    );
}

#[test]
fn start_timer_ignores_fields_it_does_not_know() {
    let timer = r#"{"duration_ms":5,"colour":"red","retry":{"deep":[1,2]}}"#;
    let (_dir, bundle) = load(&guest_with_input(
        timer,
        "(drop (call $wait_one (call $start_timer INPUT)))",
    ));
    assert_eq!(blocked(start(&bundle).resume()), vec![timer_call(1, 5)]);
}

// --- start_activity ---------------------------------------------------------------------------

#[test]
fn start_activity_records_every_option() {
    let options = r#"{"activity_type":"Charge",
        "args":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"NDI="}],
        "task_queue":"payments","activity_id":"charge-1",
        "schedule_to_close_timeout_ms":60000,"schedule_to_start_timeout_ms":10000,
        "start_to_close_timeout_ms":30000,"heartbeat_timeout_ms":5000,
        "retry_policy":{"initial_interval_ms":100,"backoff_coefficient":1.5,
          "maximum_interval_ms":2000,"maximum_attempts":3,
          "non_retryable_error_types":["CardDeclined","Fraud"]},
        "cancellation_type":"wait_cancellation_completed","summary":"charge the card"}"#;
    let (_dir, bundle) = load(&guest_with_input(
        options,
        "(drop (call $wait_one (call $start_activity INPUT)))",
    ));
    let calls = blocked(start(&bundle).resume());
    let expected = ActivityOptions {
        activity_type: "Charge".into(),
        args: vec![json_payload("42")],
        task_queue: Some("payments".into()),
        activity_id: Some("charge-1".into()),
        schedule_to_close_timeout_ms: Some(60_000),
        schedule_to_start_timeout_ms: Some(10_000),
        start_to_close_timeout_ms: Some(30_000),
        heartbeat_timeout_ms: Some(5_000),
        retry_policy: Some(RetryPolicy {
            initial_interval_ms: Some(100),
            backoff_coefficient: Some(1.5),
            maximum_interval_ms: Some(2_000),
            maximum_attempts: Some(3),
            non_retryable_error_types: vec!["CardDeclined".into(), "Fraud".into()],
        }),
        cancellation_type: CancellationType::WaitCancellationCompleted,
        summary: Some("charge the card".into()),
    };
    assert_eq!(
        calls,
        vec![Call::StartActivity {
            handle: 1,
            options: Box::new(expected),
        }]
    );
}

#[test]
fn start_activity_with_a_type_and_one_timeout_takes_every_default() {
    let options = r#"{"activity_type":"Charge","schedule_to_close_timeout_ms":1000,"later":true}"#;
    let (_dir, bundle) = load(&guest_with_input(
        options,
        "(drop (call $wait_one (call $start_activity INPUT)))",
    ));
    let calls = blocked(start(&bundle).resume());
    let expected = ActivityOptions {
        activity_type: "Charge".into(),
        schedule_to_close_timeout_ms: Some(1000),
        cancellation_type: CancellationType::TryCancel,
        ..ActivityOptions::default()
    };
    assert_eq!(
        calls,
        vec![Call::StartActivity {
            handle: 1,
            options: Box::new(expected),
        }]
    );
}

#[test]
fn start_activity_parses_each_cancellation_type() {
    for (name, expected) in [
        ("try_cancel", CancellationType::TryCancel),
        (
            "wait_cancellation_completed",
            CancellationType::WaitCancellationCompleted,
        ),
        ("abandon", CancellationType::Abandon),
    ] {
        let options = format!(
            r#"{{"activity_type":"Charge","start_to_close_timeout_ms":1000,"cancellation_type":"{name}"}}"#
        );
        let (_dir, bundle) = load(&guest_with_input(
            &options,
            "(drop (call $wait_one (call $start_activity INPUT)))",
        ));
        match blocked(start(&bundle).resume()).as_slice() {
            [Call::StartActivity { options, .. }] => {
                assert_eq!(options.cancellation_type, expected, "{name}")
            }
            calls => panic!("expected one activity for {name}, got {calls:?}"),
        }
    }
}

#[test]
fn handles_are_assigned_in_call_order_from_one_across_kinds() {
    let (_dir, bundle) = load(&guest(
        &[(1024, CHARGE), (2048, "go")],
        &format!(
            r#"(call $put (call $start_1s_timer))
               (call $put (call $start_activity {charge}))
               (call $put (call $cancellation_channel))
               (call $put (call $signal_channel {go}))
               (call $put (call $start_1s_timer))
               (call $complete_with_transcript)"#,
            charge = at(1024, CHARGE),
            go = at(2048, "go"),
        ),
    ));
    let (calls, text) = calls_and_transcript(start(&bundle).resume());
    assert_eq!(text, "1 2 3 4 5");
    assert_eq!(
        calls,
        vec![timer_call(1, 1000), charge_call(2), timer_call(5, 1000)]
    );
}

// --- wait -------------------------------------------------------------------------------------

#[test]
fn wait_returns_at_once_when_a_handle_is_already_ready() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (local.set $b (call $start_1s_timer))
           (call $put (call $wait_one (local.get $a)))
           (call $put (call $wait_one (local.get $b)))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.resolve(2, &fired());
    instance.resolve(1, &fired());
    // The second wait finds timer 2 ready: the run ends in this same resume, with no park.
    assert_eq!(transcript(instance.resume()), "1 2");
}

#[test]
fn wait_returns_the_first_ready_handle_in_the_order_given() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (local.set $b (call $start_1s_timer))
           (local.set $c (call $start_1s_timer))
           (drop (call $wait_one (local.get $a)))
           (call $put (call $wait_two (local.get $b) (local.get $c)))
           (call $put (call $wait_two (local.get $c) (local.get $b)))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    for handle in [3, 2, 1] {
        instance.resolve(handle, &fired());
    }
    assert_eq!(transcript(instance.resume()), "2 3");
}

#[test]
fn wait_parks_until_one_of_its_handles_is_resolved() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (local.set $b (call $start_1s_timer))
           (call $put (call $wait_two (local.get $a) (local.get $b)))
           (call $put (call $is_ready (local.get $a)))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    assert_eq!(
        blocked(instance.resume()),
        vec![timer_call(1, 1000), timer_call(2, 1000)]
    );
    assert_eq!(transcript(fire_and_resume(&mut instance, 2)), "2 0");
}

#[test]
fn resolving_a_handle_not_waited_on_re_parks_with_no_calls() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (local.set $b (call $start_1s_timer))
           (call $put (call $wait_one (local.get $a)))
           (call $put (call $is_ready (local.get $b)))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert_eq!(blocked(fire_and_resume(&mut instance, 2)), vec![]);
    assert_eq!(transcript(fire_and_resume(&mut instance, 1)), "1 1");
}

#[test]
fn wait_accepts_the_same_handle_twice_in_one_set() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (call $put (call $wait_two (local.get $a) (local.get $a)))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert_eq!(transcript(fire_and_resume(&mut instance, 1)), "1");
}

// --- is_ready, result_len, take_result --------------------------------------------------------

#[test]
fn is_ready_is_0_while_pending_and_1_once_resolved() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (call $put (call $is_ready (local.get $a)))
           (drop (call $wait_one (local.get $a)))
           (call $put (call $is_ready (local.get $a)))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert_eq!(transcript(fire_and_resume(&mut instance, 1)), "0 1");
}

/// A guest that starts `Charge` (handle 1), waits for it, then puts its `result_len` and its
/// result.
fn charge_guest() -> String {
    guest_with_input(
        CHARGE,
        r#"(local.set $a (call $start_activity INPUT))
           (drop (call $wait_one (local.get $a)))
           (call $put (call $result_len (local.get $a)))
           (call $put_result (local.get $a))
           (call $complete_with_transcript)"#,
    )
}

/// What the guest of [`charge_guest`] puts when its activity resolves with `resolution`.
fn charge_result(resolution: Resolution) -> String {
    let (_dir, bundle) = load(&charge_guest());
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.resolve(1, &resolution);
    transcript(instance.resume())
}

#[test]
fn a_fired_timer_yields_completed_with_no_payloads() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (drop (call $wait_one (local.get $a)))
           (call $put (call $result_len (local.get $a)))
           (call $put_result (local.get $a))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert_eq!(
        transcript(fire_and_resume(&mut instance, 1)),
        format!("16 {COMPLETED_EMPTY}")
    );
}

#[test]
fn a_completed_activity_yields_its_payloads() {
    let result = r#"{"completed":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"NDI="}]}"#;
    assert_eq!(
        charge_result(Resolution::Completed(vec![json_payload("42")])),
        format!("{} {result}", result.len())
    );
}

#[test]
fn a_failed_activity_yields_the_whole_failure_with_its_cause() {
    let failure = Failure {
        message: Some("activity failed".into()),
        failure_type: Some("CardDeclined".into()),
        kind: Some(FailureKind::Activity),
        retry_state: Some("non_retryable_failure".into()),
        activity: Some(Box::new(ActivityFailureInfo {
            activity_type: "Charge".into(),
            activity_id: "1".into(),
            identity: "worker-1".into(),
            scheduled_event_id: 5,
            started_event_id: 6,
        })),
        cause: Some(Box::new(Failure {
            message: Some("card declined".into()),
            failure_type: Some("CardDeclined".into()),
            non_retryable: Some(true),
            details: Some(vec![json_payload(r#"{"code":51}"#)]),
            kind: Some(FailureKind::Application),
            ..Failure::default()
        })),
        ..Failure::default()
    };
    let result = concat!(
        r#"{"failed":{"message":"activity failed","type":"CardDeclined","#,
        r#""cause":{"message":"card declined","type":"CardDeclined","non_retryable":true,"#,
        r#""details":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJjb2RlIjo1MX0="}],"#,
        r#""kind":"application"},"kind":"activity","retry_state":"non_retryable_failure","#,
        r#""activity":{"activity_type":"Charge","activity_id":"1","identity":"worker-1","#,
        r#""scheduled_event_id":5,"started_event_id":6}}}"#
    );
    assert_eq!(
        charge_result(Resolution::Failed(failure)),
        format!("{} {result}", result.len())
    );
}

#[test]
fn a_cancelled_activity_yields_cancelled_with_its_failure() {
    let failure = Failure {
        message: Some("activity cancelled".into()),
        kind: Some(FailureKind::Cancelled),
        details: Some(vec![]),
        ..Failure::default()
    };
    let result =
        r#"{"cancelled":{"message":"activity cancelled","details":[],"kind":"cancelled"}}"#;
    assert_eq!(
        charge_result(Resolution::Cancelled(failure)),
        format!("{} {result}", result.len())
    );
}

// --- cancel -----------------------------------------------------------------------------------

#[test]
fn cancelling_a_pending_timer_resolves_it_at_once_as_cancelled() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (call $cancel (local.get $a))
           (call $put (call $is_ready (local.get $a)))
           (call $put_result (local.get $a))
           (call $complete_with_transcript)"#,
    ));
    let (calls, text) = calls_and_transcript(start(&bundle).resume());
    assert_eq!(
        calls,
        vec![timer_call(1, 1000), Call::CancelTimer { handle: 1 }]
    );
    assert_eq!(text, format!("1 {CANCELLED_TIMER}"));
}

#[test]
fn a_cancelled_timer_that_fires_late_keeps_its_cancelled_result() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (call $cancel (local.get $a))
           (drop (call $wait_one (call $start_1s_timer)))
           (call $put_result (local.get $a))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.resolve(1, &fired());
    assert_eq!(
        transcript(fire_and_resume(&mut instance, 2)),
        CANCELLED_TIMER
    );
}

#[test]
fn cancelling_a_pending_activity_asks_temporal_and_leaves_it_pending() {
    let (_dir, bundle) = load(&guest_with_input(
        CHARGE,
        r#"(local.set $a (call $start_activity INPUT))
           (call $cancel (local.get $a))
           (call $put (call $is_ready (local.get $a)))
           (call $put (call $wait_one (local.get $a)))
           (call $put_result (local.get $a))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    assert_eq!(
        blocked(instance.resume()),
        vec![charge_call(1), Call::RequestCancelActivity { handle: 1 }]
    );
    assert_eq!(
        instance.pending(),
        vec![(1, "activity 1 Charge".to_owned())]
    );
    let cancelled = Failure {
        message: Some("activity cancelled".into()),
        kind: Some(FailureKind::Cancelled),
        ..Failure::default()
    };
    instance.resolve(1, &Resolution::Cancelled(cancelled));
    assert_eq!(
        transcript(instance.resume()),
        r#"0 1 {"cancelled":{"message":"activity cancelled","kind":"cancelled"}}"#
    );
}

#[test]
fn cancelling_twice_records_one_cancel() {
    let (_dir, bundle) = load(&guest_with_input(
        CHARGE,
        r#"(local.set $a (call $start_1s_timer))
           (local.set $b (call $start_activity INPUT))
           (call $cancel (local.get $a))
           (call $cancel (local.get $a))
           (call $cancel (local.get $b))
           (call $cancel (local.get $b))
           (drop (call $wait_one (local.get $b)))"#,
    ));
    assert_eq!(
        blocked(start(&bundle).resume()),
        vec![
            timer_call(1, 1000),
            charge_call(2),
            Call::CancelTimer { handle: 1 },
            Call::RequestCancelActivity { handle: 2 },
        ]
    );
}

#[test]
fn cancelling_a_ready_handle_does_nothing() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (drop (call $wait_one (local.get $a)))
           (call $cancel (local.get $a))
           (call $put_result (local.get $a))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    let (calls, text) = calls_and_transcript(fire_and_resume(&mut instance, 1));
    assert_eq!(calls, vec![]);
    assert_eq!(text, COMPLETED_EMPTY);
}

//! Host behaviour of ABI v1's channels (`cancellation_channel`, `signal_channel`) and of the
//! calls that end a durable run, one behaviour per test, with WAT guests and no server. See
//! `durable_host.rs` for the transcripts the guests complete with.

mod common;

use common::durable::{
    COMPLETED_EMPTY, at, blocked, ended, fire_and_resume, guest, guest_with_input, start,
    transcript,
};
use common::{json_payload, load};
use temporal_wasm_worker::abi::{ContinueAsNewRequest, RetryPolicy};
use temporal_wasm_worker::sandbox::{GuestBug, GuestOutcome};

// --- cancellation_channel ---------------------------------------------------------------------

#[test]
fn cancellation_channel_returns_the_same_handle_twice() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(call $put (call $cancellation_channel))
           (call $put (call $cancellation_channel))
           (call $complete_with_transcript)"#,
    ));
    assert_eq!(transcript(start(&bundle).resume()), "1 1");
}

#[test]
fn a_cancellation_requested_before_the_channel_opens_makes_it_ready_at_once() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(drop (call $wait_one (call $start_1s_timer)))
           (local.set $a (call $cancellation_channel))
           (call $put (local.get $a))
           (call $put (call $is_ready (local.get $a)))
           (call $put_result (local.get $a))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert!(
        !instance.request_cancellation(),
        "no channel is open to hear it"
    );
    assert_eq!(
        transcript(fire_and_resume(&mut instance, 1)),
        format!("2 1 {COMPLETED_EMPTY}")
    );
}

#[test]
fn a_cancellation_request_makes_the_open_channel_ready() {
    let (_dir, bundle) = load(&guest(
        &[],
        r#"(local.set $a (call $cancellation_channel))
           (call $put (call $wait_one (local.get $a)))
           (call $put_result (local.get $a))
           (call $put (call $is_ready (local.get $a)))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    assert_eq!(blocked(instance.resume()), vec![]);
    assert!(instance.request_cancellation(), "the channel is open");
    assert_eq!(
        transcript(instance.resume()),
        format!("1 {COMPLETED_EMPTY} 0")
    );
}

// --- signal_channel ---------------------------------------------------------------------------

/// A signal's item is `completed` with its args: `1`, then `2` and `3`, then `"now"`, each a
/// `json/plain` payload.
const SIGNAL_1: &str =
    r#"{"completed":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"MQ=="}]}"#;
const SIGNAL_2_3: &str = concat!(
    r#"{"completed":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"Mg=="},"#,
    r#"{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"Mw=="}]}"#
);
const SIGNAL_NOW: &str =
    r#"{"completed":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"Im5vdyI="}]}"#;

#[test]
fn signals_sent_before_the_channel_opens_are_delivered_oldest_first() {
    let (_dir, bundle) = load(&guest_with_input(
        "go",
        r#"(drop (call $wait_one (call $start_1s_timer)))
           (local.set $a (call $signal_channel INPUT))
           (call $put (local.get $a))
           (call $put_result (local.get $a))
           (call $put_result (local.get $a))
           (call $put (call $is_ready (local.get $a)))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.signal("go", vec![json_payload("1")]);
    instance.signal("go", vec![json_payload("2"), json_payload("3")]);
    assert_eq!(
        instance.unconsumed_signals(),
        vec![("go".to_owned(), 2)],
        "held until the channel opens"
    );
    assert_eq!(
        transcript(fire_and_resume(&mut instance, 1)),
        format!("2 {SIGNAL_1} {SIGNAL_2_3} 0")
    );
}

#[test]
fn a_signal_makes_its_open_channel_ready() {
    let (_dir, bundle) = load(&guest_with_input(
        "go",
        r#"(local.set $a (call $signal_channel INPUT))
           (call $put (call $wait_one (local.get $a)))
           (call $put_result (local.get $a))
           (call $complete_with_transcript)"#,
    ));
    let mut instance = start(&bundle);
    assert_eq!(blocked(instance.resume()), vec![]);
    instance.signal("go", vec![json_payload(r#""now""#)]);
    assert_eq!(transcript(instance.resume()), format!("1 {SIGNAL_NOW}"));
}

#[test]
fn signal_channel_returns_the_same_handle_for_the_same_name() {
    let (_dir, bundle) = load(&guest_with_input(
        "go",
        r#"(call $put (call $signal_channel INPUT))
           (call $put (call $signal_channel INPUT))
           (call $complete_with_transcript)"#,
    ));
    assert_eq!(transcript(start(&bundle).resume()), "1 1");
}

#[test]
fn signal_channels_of_two_names_are_separate() {
    let (_dir, bundle) = load(&guest(
        &[(1024, "go"), (1040, "stop")],
        &format!(
            r#"(local.set $a (call $signal_channel {go}))
               (local.set $b (call $signal_channel {stop}))
               (call $put (call $wait_two (local.get $a) (local.get $b)))
               (call $put (call $is_ready (local.get $a)))
               (call $put_result (local.get $b))
               (call $complete_with_transcript)"#,
            go = at(1024, "go"),
            stop = at(1040, "stop")
        ),
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.signal("stop", vec![]);
    assert_eq!(
        transcript(instance.resume()),
        format!("2 0 {COMPLETED_EMPTY}")
    );
}

// --- Ending the run ---------------------------------------------------------------------------

/// A guest that waits for its cancellation, then calls `complete_as_cancelled` with `input`
/// (length 0 when empty).
fn cancelled_with(input: &str) -> GuestOutcome {
    let (_dir, bundle) = load(&guest_with_input(
        input,
        r#"(drop (call $wait_one (call $cancellation_channel)))
           (call $complete_as_cancelled INPUT)
           unreachable"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert!(instance.request_cancellation());
    let (calls, outcome) = ended(instance.resume());
    assert_eq!(calls, vec![]);
    outcome.expect("the run ends cancelled")
}

#[test]
fn complete_as_cancelled_with_length_0_ends_cancelled_with_no_details() {
    assert_eq!(cancelled_with(""), GuestOutcome::Cancelled(vec![]));
}

#[test]
fn complete_as_cancelled_carries_its_details() {
    let details = r#"{"details":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"ImJ5ZSI="}]}"#;
    assert_eq!(
        cancelled_with(details),
        GuestOutcome::Cancelled(vec![json_payload(r#""bye""#)])
    );
}

/// The outcome of a guest that calls `continue_as_new` with `input` (length 0 when empty) after
/// one park.
fn continued_with(input: &str) -> GuestOutcome {
    let (_dir, bundle) = load(&guest_with_input(
        input,
        r#"(drop (call $wait_one (call $start_1s_timer)))
           (call $continue_as_new INPUT)
           unreachable"#,
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    ended(fire_and_resume(&mut instance, 1))
        .1
        .expect("the run continues as new")
}

#[test]
fn continue_as_new_with_length_0_continues_with_every_default() {
    assert_eq!(
        continued_with(""),
        GuestOutcome::ContinuedAsNew(Box::default())
    );
}

#[test]
fn continue_as_new_parses_every_field() {
    let input = r#"{"args":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"NDI="}],
        "workflow_type":"NextStep","task_queue":"other","run_timeout_ms":60000,
        "task_timeout_ms":10000,
        "memo":{"note":{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"ImhpIg=="}},
        "search_attributes":{"CustomerId":"c-1","Count":3,"Gone":null},
        "retry_policy":{"maximum_attempts":2},"from_a_later_abi":1}"#;
    let expected = ContinueAsNewRequest {
        args: vec![json_payload("42")],
        workflow_type: Some("NextStep".into()),
        task_queue: Some("other".into()),
        run_timeout_ms: Some(60_000),
        task_timeout_ms: Some(10_000),
        memo: Some([("note".to_owned(), json_payload(r#""hi""#))].into()),
        search_attributes: Some(
            [
                ("CustomerId".to_owned(), serde_json::json!("c-1")),
                ("Count".to_owned(), serde_json::json!(3)),
                ("Gone".to_owned(), serde_json::Value::Null),
            ]
            .into(),
        ),
        retry_policy: Some(RetryPolicy {
            maximum_attempts: Some(2),
            ..RetryPolicy::default()
        }),
    };
    assert_eq!(
        continued_with(input),
        GuestOutcome::ContinuedAsNew(Box::new(expected))
    );
}

#[test]
fn returning_from_run_after_parking_is_no_completion() {
    let (_dir, bundle) = load(&guest(
        &[],
        "(drop (call $wait_one (call $start_1s_timer)))",
    ));
    let mut instance = start(&bundle);
    blocked(instance.resume());
    let (_, outcome) = ended(fire_and_resume(&mut instance, 1));
    assert_eq!(outcome, Err(GuestBug::NoCompletion));
}

#[test]
fn resuming_an_ended_instance_reports_no_calls_and_no_completion() {
    let (_dir, bundle) = load(&guest(&[], "(call $complete_with_transcript)"));
    let mut instance = start(&bundle);
    assert_eq!(transcript(instance.resume()), "");
    assert!(instance.has_ended());
    let (calls, outcome) = ended(instance.resume());
    assert_eq!(calls, vec![]);
    assert_eq!(outcome, Err(GuestBug::NoCompletion));
}

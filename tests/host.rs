//! Host behaviour of ABI v0, one behaviour per test, with small WAT guests and no server.

mod common;

use std::time::Duration;

use common::wat::{self, completes_with, data, fails_with, module};
use common::{TEST_LIMITS, json_payload, load, load_with_limits, run, run_logged};
use temporal_wasm_worker::abi;
use temporal_wasm_worker::convert::UNSPECIFIED_FAILURE_TYPE;
use temporal_wasm_worker::sandbox::GuestBug;
use temporal_wasm_worker::sandbox::GuestBugPolicy;
use temporal_wasm_worker::sandbox::GuestOutcome;
use temporal_wasm_worker::sandbox::InstanceLimits;
use temporal_wasm_worker::temporal::activation::{GUEST_BUG_FAILURE_TYPE, terminal_command};
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;
use temporalio_common::protos::temporal::api::failure::v1::failure::FailureInfo;

const GREETING: &str = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkhlbGxvIg=="}]"#;

fn completed(outcome: Result<GuestOutcome, GuestBug>) -> Vec<abi::Payload> {
    match outcome {
        Ok(GuestOutcome::Completed(payloads)) => payloads,
        other => panic!("expected completion, got {other:?}"),
    }
}

fn bug(outcome: Result<GuestOutcome, GuestBug>) -> GuestBug {
    match outcome {
        Err(bug) => bug,
        other => panic!("expected a guest bug, got {other:?}"),
    }
}

#[test]
fn complete_with_one_payload_completes_with_that_payload() {
    let (_dir, bundle) = load(&completes_with(GREETING));
    assert_eq!(
        completed(run(&bundle, vec![])),
        vec![json_payload("\"Hello\"")]
    );
}

#[test]
fn complete_with_zero_length_completes_with_no_result() {
    let (_dir, bundle) = load(&module(
        r#"(func (export "run") (call $complete (i32.const 0) (i32.const 0)) unreachable)"#,
    ));
    assert_eq!(completed(run(&bundle, vec![])), vec![]);
}

#[test]
fn complete_with_empty_list_completes_with_no_result() {
    let (_dir, bundle) = load(&completes_with("[]"));
    let outcome = run(&bundle, vec![]);
    let command = terminal_command(
        &bundle,
        &common::log_context(false),
        &common::run_context(),
        outcome,
    )
    .unwrap();
    match command {
        Command::CompleteWorkflowExecution(complete) => assert_eq!(complete.result, None),
        other => panic!("expected completion, got {other:?}"),
    }
}

#[test]
fn complete_with_two_payloads_is_a_guest_bug_saying_a_result_is_one_payload() {
    let two = r#"[{"data":"MQ=="},{"data":"Mg=="}]"#;
    let (_dir, bundle) = load(&completes_with(two));
    let outcome = run(&bundle, vec![]);
    let failure = terminal_command(
        &bundle,
        &common::log_context(false),
        &common::run_context(),
        outcome,
    )
    .unwrap_err();
    assert!(
        failure.message.contains("2 payloads"),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains("single payload"),
        "{}",
        failure.message
    );
}

#[test]
fn complete_ends_the_run_immediately() {
    // `completes_with` puts `unreachable` right after the call: reaching it would be a trap.
    let (_dir, bundle) = load(&completes_with("[]"));
    assert!(run(&bundle, vec![]).is_ok());
}

#[test]
fn complete_with_failure_carries_type_message_details_and_cause() {
    let failure = r#"{"message":"bad order","type":"InvalidOrder","non_retryable":true,
        "details":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJpZCI6N30="}],
        "cause":{"message":"root cause","type":"Root"}}"#;
    let (_dir, bundle) = load(&fails_with(failure));
    let outcome = run(&bundle, vec![]);
    let command = terminal_command(
        &bundle,
        &common::log_context(false),
        &common::run_context(),
        outcome,
    )
    .unwrap();
    let Command::FailWorkflowExecution(fail) = command else {
        panic!("expected workflow failure, got {command:?}");
    };
    let failure = fail.failure.unwrap();
    assert_eq!(failure.message, "bad order");
    let Some(FailureInfo::ApplicationFailureInfo(info)) = &failure.failure_info else {
        panic!("expected application failure");
    };
    assert_eq!(info.r#type, "InvalidOrder");
    assert!(info.non_retryable);
    assert_eq!(
        info.details.as_ref().unwrap().payloads[0].data,
        br#"{"id":7}"#
    );
    let cause = failure.cause.unwrap();
    assert_eq!(cause.message, "root cause");
}

#[test]
fn complete_with_failure_of_zero_length_fails_with_a_generic_type() {
    let (_dir, bundle) = load(&module(
        r#"(func (export "run") (call $complete_with_failure (i32.const 0) (i32.const 0)) unreachable)"#,
    ));
    let outcome = run(&bundle, vec![]);
    assert_eq!(outcome, Ok(GuestOutcome::Failed(None)));
    let command = terminal_command(
        &bundle,
        &common::log_context(false),
        &common::run_context(),
        outcome,
    )
    .unwrap();
    let Command::FailWorkflowExecution(fail) = command else {
        panic!("expected workflow failure");
    };
    let Some(FailureInfo::ApplicationFailureInfo(info)) = fail.failure.unwrap().failure_info else {
        panic!("expected application failure");
    };
    assert_eq!(info.r#type, UNSPECIFIED_FAILURE_TYPE);
}

#[test]
fn complete_with_failure_ends_the_run_immediately() {
    let (_dir, bundle) = load(&fails_with(r#"{"message":"x"}"#));
    assert!(matches!(
        run(&bundle, vec![]),
        Ok(GuestOutcome::Failed(Some(_)))
    ));
}

#[test]
fn returning_from_run_without_completing_is_a_guest_bug() {
    let (_dir, bundle) = load(&module(r#"(func (export "run"))"#));
    assert_eq!(bug(run(&bundle, vec![])), GuestBug::NoCompletion);
}

#[test]
fn trap_is_a_guest_bug_with_the_wasm_backtrace() {
    let (_dir, bundle) = load(&module(
        r#"(func $validate_order unreachable)
           (func (export "run") (call $validate_order))"#,
    ));
    let bug = bug(run(&bundle, vec![]));
    let message = bug.to_string();
    assert_eq!(bug.kind(), "trap");
    assert!(message.contains("unreachable"), "{message}");
    assert!(
        message.contains("validate_order"),
        "backtrace missing: {message}"
    );
}

#[test]
fn trap_message_includes_the_last_error_the_guest_logged() {
    let panic_message = b"panicked at src/lib.rs:7: index out of bounds";
    let (_dir, bundle) = load(&module(&format!(
        r#"{}
           (func (export "run")
             (call $write_log (i32.const 1) (i32.const 2048) (i32.const {}))
             unreachable)"#,
        data(2048, panic_message),
        panic_message.len()
    )));
    let message = bug(run(&bundle, vec![])).to_string();
    assert!(message.contains("index out of bounds"), "{message}");
}

#[test]
fn stack_exhaustion_is_a_trap_not_a_host_crash() {
    let (_dir, bundle) = load(&module(
        r#"(func $recurse (call $recurse))
           (func (export "run") (call $recurse))"#,
    ));
    let message = bug(run(&bundle, vec![])).to_string();
    assert!(message.contains("call stack exhausted"), "{message}");
}

#[test]
fn trap_in_start_function_is_a_guest_bug() {
    let (_dir, bundle) = load(&module(
        r#"(func $start unreachable)
           (start $start)
           (func (export "run") (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    assert_eq!(bug(run(&bundle, vec![])).kind(), "trap");
}

#[test]
fn infinite_loop_is_interrupted_at_the_deadline() {
    let limits = InstanceLimits {
        deadline: Duration::from_millis(100),
        ..TEST_LIMITS
    };
    let (_dir, bundle) = load_with_limits(
        &module(r#"(func (export "run") (loop $forever (br $forever)))"#),
        limits,
    );
    let started = std::time::Instant::now();
    let bug = bug(run(&bundle, vec![]));
    assert_eq!(bug.kind(), "deadline_exceeded", "{bug}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(bug.to_string().contains("100ms"), "{bug}");
}

#[test]
fn loop_in_start_function_is_interrupted_at_the_deadline() {
    let limits = InstanceLimits {
        deadline: Duration::from_millis(50),
        ..TEST_LIMITS
    };
    let (_dir, bundle) = load_with_limits(
        &module(
            r#"(func $start (loop $forever (br $forever)))
               (start $start)
               (func (export "run"))"#,
        ),
        limits,
    );
    assert_eq!(bug(run(&bundle, vec![])).kind(), "deadline_exceeded");
}

#[test]
fn growing_memory_over_the_cap_is_a_guest_bug() {
    let limits = InstanceLimits {
        memory_limit_bytes: 2 << 20,
        ..TEST_LIMITS
    };
    let (_dir, bundle) = load_with_limits(
        &module(
            r#"(func (export "run")
                 (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
                 (call $complete (i32.const 0) (i32.const 0)))"#,
        ),
        limits,
    );
    let bug = bug(run(&bundle, vec![]));
    assert_eq!(
        bug,
        GuestBug::MemoryLimitExceeded {
            requested: (2 << 20) + 65536,
            limit: 2 << 20
        }
    );
}

#[test]
fn growing_memory_within_the_cap_succeeds() {
    let (_dir, bundle) = load(&module(
        r#"(func (export "run")
             (if (i32.eq (memory.grow (i32.const 15)) (i32.const -1)) (then unreachable))
             (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    assert!(run(&bundle, vec![]).is_ok());
}

#[test]
fn out_of_bounds_complete_is_a_guest_bug_naming_the_call() {
    let (_dir, bundle) = load(&module(
        r#"(func (export "run") (call $complete (i32.const 65530) (i32.const 100)))"#,
    ));
    let bug = bug(run(&bundle, vec![]));
    assert_eq!(bug.kind(), "out_of_bounds");
    assert!(
        bug.to_string()
            .contains("complete was given bytes 65530..65630"),
        "{bug}"
    );
}

#[test]
fn offset_plus_length_overflowing_u32_is_out_of_bounds() {
    for call in ["complete", "complete_with_failure"] {
        let (_dir, bundle) = load(&module(&format!(
            r#"(func (export "run") (call ${call} (i32.const -1) (i32.const 2)))"#
        )));
        assert_eq!(bug(run(&bundle, vec![])).kind(), "out_of_bounds", "{call}");
    }
    let (_dir, bundle) = load(&module(
        r#"(func (export "run") (call $write_log (i32.const 3) (i32.const 16) (i32.const -1)))"#,
    ));
    assert_eq!(bug(run(&bundle, vec![])).kind(), "out_of_bounds");
}

#[test]
fn out_of_bounds_get_info_is_a_guest_bug() {
    let (_dir, bundle) = load(&module(
        r#"(func (export "run") (call $get_info (i32.const 65535) (call $get_info_len)))"#,
    ));
    let bug = bug(run(&bundle, vec![]));
    assert!(
        bug.to_string().contains("get_info was given bytes 65535.."),
        "{bug}"
    );
}

#[test]
fn get_info_with_a_wrong_length_is_a_guest_bug() {
    let (_dir, bundle) = load(&module(
        r#"(func (export "run")
             (call $get_info (i32.const 16) (i32.add (call $get_info_len) (i32.const 1))))"#,
    ));
    let bug = bug(run(&bundle, vec![]));
    assert_eq!(bug.kind(), "info_length_mismatch");
    assert!(bug.to_string().contains("get_info_len()"), "{bug}");
}

#[test]
fn get_info_writes_params_and_workflow_info_json() {
    // The guest logs the info bytes it received.
    let (_dir, bundle) = load(&module(
        r#"(func (export "run") (local $len i32)
             (local.set $len (call $get_info_len))
             (call $get_info (i32.const 16) (local.get $len))
             (call $write_log (i32.const 3) (i32.const 16) (local.get $len))
             (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    let (outcome, logs) = run_logged(&bundle, vec![json_payload("\"Alice\"")], false);
    assert!(outcome.is_ok());
    assert!(
        logs.contains(r#"{"params":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkFsaWNlIg=="}],"workflow_info":{"workflow_type":"Test","workflow_id":"wf-1","run_id":"run-1","namespace":"default","task_queue":"q","attempt":1,"start_time":"2026-01-01T00:00:00Z"}}"#),
        "{logs}"
    );
}

#[test]
fn first_param_round_trips_through_the_guest_unchanged() {
    let (_dir, bundle) = load(&wat::echo_first_param());
    let binary = abi::Payload {
        metadata: [(
            "encoding".to_owned(),
            abi::Base64Bytes(b"binary/plain".to_vec()),
        )]
        .into(),
        data: abi::Base64Bytes((0..=255).collect()),
    };
    assert_eq!(completed(run(&bundle, vec![binary.clone()])), vec![binary]);
}

#[test]
fn malformed_json_in_complete_is_a_guest_bug() {
    let (_dir, bundle) = load(&completes_with(r#"[{"data":"#));
    let bug = bug(run(&bundle, vec![]));
    assert_eq!(bug.kind(), "invalid_output");
    assert!(bug.to_string().contains("complete output"), "{bug}");
}

#[test]
fn invalid_base64_in_complete_names_the_field() {
    let (_dir, bundle) = load(&completes_with(r#"[{"data":"not base64"}]"#));
    let message = bug(run(&bundle, vec![])).to_string();
    assert!(message.contains("`[0].data`"), "{message}");
    assert!(message.contains("invalid base64"), "{message}");
}

#[test]
fn wrong_json_shape_in_failure_is_a_guest_bug() {
    let (_dir, bundle) = load(&fails_with(r#"{"message":"x","non_retryable":"yes"}"#));
    let message = bug(run(&bundle, vec![])).to_string();
    assert!(message.contains("`non_retryable`"), "{message}");
}

#[test]
fn write_log_maps_each_level_to_the_tracing_level_with_workflow_fields() {
    let mut body = String::new();
    for (level, text) in [
        (1, "E-msg"),
        (2, "W-msg"),
        (3, "I-msg"),
        (4, "D-msg"),
        (5, "T-msg"),
    ] {
        let offset = 2048 + level * 16;
        body.push_str(&data(offset, text.as_bytes()));
        body.push_str(&format!(
            "(func $log{level} (call $write_log (i32.const {level}) (i32.const {offset}) (i32.const 5)))"
        ));
    }
    body.push_str(
        r#"(func (export "run") (call $log1) (call $log2) (call $log3) (call $log4) (call $log5)
             (call $complete (i32.const 0) (i32.const 0)))"#,
    );
    let (_dir, bundle) = load(&module(&body));
    let (outcome, logs) = run_logged(&bundle, vec![], false);
    assert!(outcome.is_ok());
    for (level, text) in [
        ("ERROR", "E-msg"),
        ("WARN", "W-msg"),
        ("INFO", "I-msg"),
        ("DEBUG", "D-msg"),
        ("TRACE", "T-msg"),
    ] {
        let line = logs
            .lines()
            .find(|line| line.contains(text))
            .unwrap_or_else(|| panic!("{text} not logged: {logs}"));
        assert!(line.contains(level), "{line}");
        assert!(line.contains("workflow_type=Test"), "{line}");
        assert!(line.contains("workflow_id=wf-1"), "{line}");
        assert!(line.contains("run_id=run-1"), "{line}");
    }
}

#[test]
fn write_log_with_a_level_outside_one_to_five_logs_nothing() {
    let (_dir, bundle) = load(&module(&format!(
        r#"{}
           (func (export "run")
             (call $write_log (i32.const 0) (i32.const 2048) (i32.const 7))
             (call $write_log (i32.const 6) (i32.const 2048) (i32.const 7))
             (call $write_log (i32.const -1) (i32.const 2048) (i32.const 7))
             (call $complete (i32.const 0) (i32.const 0)))"#,
        data(2048, b"invalid")
    )));
    let (outcome, logs) = run_logged(&bundle, vec![], false);
    assert!(outcome.is_ok());
    assert!(!logs.contains("invalid"), "{logs}");
}

#[test]
fn write_log_shows_invalid_utf8_lossily_without_failing() {
    let (_dir, bundle) = load(&module(&format!(
        r#"{}
           (func (export "run")
             (call $write_log (i32.const 3) (i32.const 2048) (i32.const 8))
             (call $complete (i32.const 0) (i32.const 0)))"#,
        data(2048, b"ok \xff\xfe end")
    )));
    let (outcome, logs) = run_logged(&bundle, vec![], false);
    assert!(outcome.is_ok());
    assert!(logs.contains("ok \u{fffd}\u{fffd} en"), "{logs}");
}

#[test]
fn write_log_is_silent_while_replaying() {
    let (_dir, bundle) = load(&module(&format!(
        r#"{}
           (func (export "run")
             (call $write_log (i32.const 1) (i32.const 2048) (i32.const 6))
             (call $complete (i32.const 0) (i32.const 0)))"#,
        data(2048, b"replay")
    )));
    let (outcome, logs) = run_logged(&bundle, vec![], true);
    assert!(outcome.is_ok());
    assert!(!logs.contains("replay"), "{logs}");
}

#[test]
fn log_flood_is_capped_per_run_and_the_drop_reported_once() {
    let (_dir, bundle) = load(&module(&format!(
        r#"{}
           (func (export "run") (local $i i32)
             (loop $flood
               (call $write_log (i32.const 3) (i32.const 2048) (i32.const 5))
               (local.set $i (i32.add (local.get $i) (i32.const 1)))
               (br_if $flood (i32.lt_u (local.get $i) (i32.const 100000))))
             (call $complete (i32.const 0) (i32.const 0)))"#,
        data(2048, b"flood")
    )));
    let (outcome, logs) = run_logged(&bundle, vec![], false);
    assert!(outcome.is_ok());
    let emitted = logs.lines().filter(|line| line.contains(" flood ")).count();
    assert_eq!(emitted, 1000);
    assert!(
        logs.contains("dropped=99000"),
        "{}",
        logs.lines().last().unwrap_or_default()
    );
}

#[test]
fn every_run_gets_a_fresh_instance() {
    // A global and a memory byte that the first run sets; a second run that saw them would trap.
    let (_dir, bundle) = load(&module(
        r#"(global $runs (mut i32) (i32.const 0))
           (func (export "run")
             (if (i32.ne (global.get $runs) (i32.const 0)) (then unreachable))
             (if (i32.ne (i32.load8_u (i32.const 100)) (i32.const 0)) (then unreachable))
             (global.set $runs (i32.const 1))
             (i32.store8 (i32.const 100) (i32.const 1))
             (call $complete (i32.const 0) (i32.const 0)))"#,
    ));
    for _ in 0..3 {
        assert!(run(&bundle, vec![]).is_ok());
    }
}

#[test]
fn guest_bug_fails_the_workflow_task_by_default_naming_type_and_bundle() {
    let (_dir, bundle) = load(&module(r#"(func (export "run") unreachable)"#));
    let outcome = run(&bundle, vec![]);
    let failure = terminal_command(
        &bundle,
        &common::log_context(false),
        &common::run_context(),
        outcome,
    )
    .unwrap_err();
    assert!(
        failure
            .message
            .starts_with("guest bug in workflow type `Test` (bundle "),
        "{}",
        failure.message
    );
    assert!(
        failure.message.contains("module.wat"),
        "{}",
        failure.message
    );
    let Some(FailureInfo::ApplicationFailureInfo(info)) = &failure.failure_info else {
        panic!("expected application failure");
    };
    assert_eq!(info.r#type, GUEST_BUG_FAILURE_TYPE);
}

#[test]
fn guest_bug_fails_the_workflow_when_configured() {
    let (_dir, bundle) = common::try_load_with(
        &module(r#"(func (export "run") unreachable)"#),
        TEST_LIMITS,
        GuestBugPolicy::FailWorkflow,
    )
    .unwrap();
    let outcome = run(&bundle, vec![]);
    let command = terminal_command(
        &bundle,
        &common::log_context(false),
        &common::run_context(),
        outcome,
    )
    .unwrap();
    let Command::FailWorkflowExecution(fail) = command else {
        panic!("expected workflow failure, got {command:?}");
    };
    let failure = fail.failure.unwrap();
    assert!(
        failure.message.contains("unreachable"),
        "{}",
        failure.message
    );
    let Some(FailureInfo::ApplicationFailureInfo(info)) = &failure.failure_info else {
        panic!("expected application failure");
    };
    assert_eq!(info.r#type, GUEST_BUG_FAILURE_TYPE);
    assert!(info.non_retryable);
}

//! The limits of a durable guest, one behaviour per test: the per-run caps of ABI v1 (handles,
//! commands per activation, result bytes held) and v0's guest bugs — traps, the deadline (per
//! activation, re-armed on every resume) and the memory cap — as they apply across parks. WAT
//! guests, no server.

mod common;

use std::time::Duration;

use common::durable::{
    COMPLETED_EMPTY, blocked, bug, bug_message, ended, fire_and_resume, fired, guest,
    guest_with_input, start, timer_call, transcript,
};
use common::{TEST_LIMITS, json_payload, load_with_limits};
use temporal_wasm_worker::abi::Call;
use temporal_wasm_worker::sandbox::{GuestBug, InstanceLimits};

/// [`TEST_LIMITS`] with `max_result_bytes` of 20: one fired timer (`{"completed":[]}`, 16
/// bytes) fits, two do not.
const ROOM_FOR_ONE_RESULT: InstanceLimits = InstanceLimits {
    max_result_bytes: 20,
    ..TEST_LIMITS
};

// --- max_handles ------------------------------------------------------------------------------

#[test]
fn more_handles_than_max_handles_is_a_guest_bug_naming_the_key() {
    let limits = InstanceLimits {
        max_handles: 2,
        ..TEST_LIMITS
    };
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(drop (call $start_1s_timer))
               (drop (call $start_1s_timer))
               (drop (call $start_1s_timer))"#,
        ),
        limits,
    );
    let (calls, outcome) = ended(start(&bundle).resume());
    assert_eq!(calls, vec![timer_call(1, 1000), timer_call(2, 1000)]);
    assert_eq!(
        outcome.unwrap_err().to_string(),
        "the run asked for handle 3: the cap is 2 (raise `max_handles` if this is intended)"
    );
}

#[test]
fn channels_count_against_max_handles() {
    let limits = InstanceLimits {
        max_handles: 2,
        ..TEST_LIMITS
    };
    let (_dir, bundle) = load_with_limits(
        &guest_with_input(
            "go",
            r#"(drop (call $cancellation_channel))
           (drop (call $signal_channel INPUT))
           (drop (call $start_1s_timer))"#,
        ),
        limits,
    );
    assert_eq!(
        bug_message(start(&bundle).resume()),
        "the run asked for handle 3: the cap is 2 (raise `max_handles` if this is intended)"
    );
}

// --- max_pending_commands ---------------------------------------------------------------------

const TWO_COMMANDS: InstanceLimits = InstanceLimits {
    max_pending_commands: 2,
    ..TEST_LIMITS
};

const THIRD_COMMAND: &str = "the guest issued 3 commands in one activation without waiting: the \
    cap is 2 (raise `max_pending_commands` if this is intended)";

#[test]
fn more_commands_in_one_activation_than_max_pending_commands_is_a_guest_bug() {
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(drop (call $start_1s_timer))
               (drop (call $start_1s_timer))
               (drop (call $start_1s_timer))"#,
        ),
        TWO_COMMANDS,
    );
    let (calls, outcome) = ended(start(&bundle).resume());
    assert_eq!(calls, vec![timer_call(1, 1000), timer_call(2, 1000)]);
    assert_eq!(outcome.unwrap_err().to_string(), THIRD_COMMAND);
}

#[test]
fn cancels_and_patch_markers_count_as_commands() {
    let (_dir, bundle) = load_with_limits(
        &guest_with_input(
            "fix-1",
            r#"(call $cancel (call $start_1s_timer))
           (drop (call $patched INPUT (i32.const 0)))"#,
        ),
        TWO_COMMANDS,
    );
    let (calls, outcome) = ended(start(&bundle).resume());
    assert_eq!(
        calls,
        vec![timer_call(1, 1000), Call::CancelTimer { handle: 1 }]
    );
    assert_eq!(outcome.unwrap_err().to_string(), THIRD_COMMAND);
}

#[test]
fn max_pending_commands_counts_each_activation_afresh() {
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(drop (call $start_1s_timer))
               (drop (call $wait_one (call $start_1s_timer)))
               (drop (call $start_1s_timer))
               (drop (call $wait_one (call $start_1s_timer)))"#,
        ),
        TWO_COMMANDS,
    );
    let mut instance = start(&bundle);
    assert_eq!(
        blocked(instance.resume()),
        vec![timer_call(1, 1000), timer_call(2, 1000)]
    );
    assert_eq!(
        blocked(fire_and_resume(&mut instance, 2)),
        vec![timer_call(3, 1000), timer_call(4, 1000)]
    );
}

#[test]
fn a_wait_that_does_not_park_does_not_start_a_new_activation() {
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(local.set $a (call $start_1s_timer))
               (call $cancel (local.get $a))
               (drop (call $wait_one (local.get $a)))
               (drop (call $start_1s_timer))"#,
        ),
        TWO_COMMANDS,
    );
    assert_eq!(bug_message(start(&bundle).resume()), THIRD_COMMAND);
}

// --- max_result_bytes -------------------------------------------------------------------------

/// A guest that starts two timers and parks on the first, then puts the first's result and
/// parks on the second.
fn two_timers_guest() -> String {
    guest(
        &[],
        r#"(local.set $a (call $start_1s_timer))
           (local.set $b (call $start_1s_timer))
           (drop (call $wait_one (local.get $a)))
           (call $put_result (local.get $a))
           (drop (call $wait_one (local.get $b)))
           (call $put_result (local.get $b))
           (call $complete_with_transcript)"#,
    )
}

#[test]
fn resolutions_over_max_result_bytes_end_the_run_at_the_next_resume() {
    let (_dir, bundle) = load_with_limits(&two_timers_guest(), ROOM_FOR_ONE_RESULT);
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.resolve(1, &fired());
    instance.resolve(2, &fired());
    let (calls, outcome) = ended(instance.resume());
    assert_eq!(calls, vec![]);
    assert_eq!(
        outcome.unwrap_err().to_string(),
        "results and channel items not yet taken would hold 32 bytes (handle 2, a timer): the \
         cap is 20 bytes (raise `max_result_mib` if this is intended)"
    );
    assert!(instance.has_ended());
}

#[test]
fn taking_a_result_gives_its_bytes_back() {
    let (_dir, bundle) = load_with_limits(&two_timers_guest(), ROOM_FOR_ONE_RESULT);
    let mut instance = start(&bundle);
    blocked(instance.resume());
    blocked(fire_and_resume(&mut instance, 1));
    assert_eq!(
        transcript(fire_and_resume(&mut instance, 2)),
        format!("{COMPLETED_EMPTY} {COMPLETED_EMPTY}")
    );
}

#[test]
fn signals_held_for_a_channel_never_opened_count_against_max_result_bytes() {
    let (_dir, bundle) = load_with_limits(&two_timers_guest(), ROOM_FOR_ONE_RESULT);
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.signal("go", vec![]);
    instance.signal("go", vec![]);
    assert_eq!(
        bug_message(instance.resume()),
        "signals for channels the guest never opened (latest: `go`) and results not yet taken \
         would hold 32 bytes: the cap is 20 bytes (raise `max_result_mib` if this is intended)"
    );
}

#[test]
fn signals_held_for_a_channel_never_opened_count_when_a_result_arrives() {
    // proto-notes: `max_result_mib` caps "results and channel items ready but not taken,
    // signals held for unopened channels included". 16 bytes held + 16 delivered > 20.
    let (_dir, bundle) = load_with_limits(&two_timers_guest(), ROOM_FOR_ONE_RESULT);
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.signal("go", vec![]);
    instance.resolve(1, &fired());
    let bug = bug(instance.resume());
    assert!(
        matches!(&bug, GuestBug::CapExceeded(cap) if cap.key == "max_result_mib"),
        "{bug:?}"
    );
}

#[test]
fn a_signal_larger_than_max_result_bytes_ends_the_run_naming_the_key() {
    let (_dir, bundle) = load_with_limits(&two_timers_guest(), ROOM_FOR_ONE_RESULT);
    let mut instance = start(&bundle);
    blocked(instance.resume());
    instance.signal("go", vec![json_payload(r#""a long signal argument""#)]);
    let bug = bug(instance.resume());
    assert!(
        matches!(&bug, GuestBug::CapExceeded(cap) if cap.key == "max_result_mib" && cap.limit == 20),
        "{bug:?}"
    );
}

// --- Traps, deadlines and memory across parks -------------------------------------------------

#[test]
fn a_trap_after_parking_is_reported_with_its_backtrace() {
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(drop (call $wait_one (call $start_1s_timer)))
               (call $validate_order)"#,
        )
        .replace(
            "(func (export \"run\")",
            "(func $validate_order unreachable)\n  (func (export \"run\")",
        ),
        TEST_LIMITS,
    );
    let mut instance = start(&bundle);
    blocked(instance.resume());
    let bug = bug(fire_and_resume(&mut instance, 1));
    let GuestBug::Trap {
        message, backtrace, ..
    } = &bug
    else {
        panic!("expected a trap, got {bug:?}");
    };
    assert_eq!(
        message,
        "wasm trap: wasm `unreachable` instruction executed"
    );
    assert!(backtrace.contains("validate_order"), "{backtrace}");
}

const SHORT_DEADLINE: InstanceLimits = InstanceLimits {
    deadline: Duration::from_millis(200),
    ..TEST_LIMITS
};

#[test]
fn a_guest_that_spins_after_resuming_is_interrupted_saying_it_did_not_park() {
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(drop (call $wait_one (call $start_1s_timer)))
               (loop $forever (br $forever))"#,
        ),
        SHORT_DEADLINE,
    );
    let mut instance = start(&bundle);
    blocked(instance.resume());
    let bug = bug(fire_and_resume(&mut instance, 1));
    assert!(
        matches!(
            bug,
            GuestBug::DeadlineExceeded {
                per_activation: true,
                deadline,
                ..
            } if deadline == Duration::from_millis(200)
        ),
        "{bug:?}"
    );
    assert!(
        bug.to_string().starts_with(
            "guest did not park in `wait` or end the run within its 200ms deadline and was \
             interrupted"
        ),
        "{bug}"
    );
}

#[test]
fn a_guest_parked_for_longer_than_its_deadline_resumes() {
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(drop (call $wait_one (call $start_1s_timer)))
               (drop (call $wait_one (call $start_1s_timer)))
               (call $complete_with_transcript)"#,
        ),
        SHORT_DEADLINE,
    );
    let mut instance = start(&bundle);
    blocked(instance.resume());
    std::thread::sleep(Duration::from_millis(500));
    blocked(fire_and_resume(&mut instance, 1));
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(transcript(fire_and_resume(&mut instance, 2)), "");
}

#[test]
fn the_first_activations_deadline_starts_at_the_first_resume() {
    // `Instance::start` says nothing runs until the first resume, and the spec's deadline covers
    // "the guest's work between resume and park"; the worker resumes right after start today,
    // so this is latent there.
    let (_dir, bundle) = load_with_limits(
        &guest(&[], "(call $complete_with_transcript)"),
        SHORT_DEADLINE,
    );
    let mut instance = start(&bundle);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(transcript(instance.resume()), "");
}

#[test]
fn growing_memory_over_the_cap_while_durable_is_a_memory_limit_bug() {
    let limits = InstanceLimits {
        memory_limit_bytes: 2 << 16,
        ..TEST_LIMITS
    };
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(drop (call $wait_one (call $start_1s_timer)))
               (drop (memory.grow (i32.const 1)))
               (drop (call $wait_one (call $start_1s_timer)))
               (drop (memory.grow (i32.const 4)))"#,
        ),
        limits,
    );
    let mut instance = start(&bundle);
    blocked(instance.resume());
    blocked(fire_and_resume(&mut instance, 1));
    assert_eq!(
        bug(fire_and_resume(&mut instance, 2)),
        GuestBug::MemoryLimitExceeded {
            requested: 6 << 16,
            limit: 2 << 16,
        }
    );
}

#[test]
fn memory_the_guest_grew_is_kept_across_a_park() {
    let (_dir, bundle) = load_with_limits(
        &guest(
            &[],
            r#"(drop (memory.grow (i32.const 1)))
               (i32.store (i32.const 70000) (i32.const 4242))
               (drop (call $wait_one (call $start_1s_timer)))
               (call $put (memory.size))
               (call $put (i32.load (i32.const 70000)))
               (call $complete_with_transcript)"#,
        ),
        TEST_LIMITS,
    );
    let mut instance = start(&bundle);
    blocked(instance.resume());
    assert_eq!(transcript(fire_and_resume(&mut instance, 1)), "2 4242");
}

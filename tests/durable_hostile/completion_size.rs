//! The size of one activation's commands: capped at what one workflow task completion can carry
//! (gRPC's 4 MiB message limit), whatever the count caps allow. Before that cap, a guest within
//! its memory cap could make the worker hold gigabytes of command copies, and a completion too
//! large for gRPC was never delivered and its task retried for ever.

use temporal_wasm_worker::sandbox::InstanceLimits;

use super::harness::Harness;
use super::{guests, value_guests, worker};

/// What the refusal says, whatever the counts.
const TOO_LARGE: &str = "bytes one workflow task completion can carry (gRPC's message limit)";

#[test]
fn large_inputs_repeated_in_one_activation_are_refused_before_the_host_holds_gigabytes() {
    let wat = value_guests::calls_repeatedly_with(
        "(drop (call $start_activity {T0}))",
        value_guests::large_activity().as_bytes(),
        10_000,
    );
    let harness = Harness::new(&wat, InstanceLimits::DEFAULT);
    let bug = harness.start("run-1").guest_bug();
    assert!(bug.contains(TOO_LARGE), "{bug}");
    harness.assert_back_at_baseline(&["run-1"]);

    let worker = worker::HostileWorker::start(
        vec![("RepeatsLargeActivity".into(), wat, String::new())],
        "",
    );
    let hostile = worker
        .run_case(&["RepeatsLargeActivity"], None)
        .pop()
        .expect("one outcome");
    let bug = hostile.guest_bug("RepeatsLargeActivity");
    assert!(bug.contains(TOO_LARGE), "{bug}");
    assert!(
        hostile.peak_above_baseline <= 512 << 20,
        "the worker's RSS peaked {} MiB above where it was",
        hostile.peak_above_baseline >> 20
    );
}

#[test]
fn a_million_timers_under_the_largest_caps_the_config_accepts_fail_the_task_saying_why() {
    let worker = worker::HostileWorker::start(
        vec![(
            "MillionTimersUncapped".into(),
            guests::starts_timers(1_000_000),
            "max_pending_commands = 1000000\nmax_handles = 1000000\ndeadline_ms = 60000\n".into(),
        )],
        "",
    );
    let hostile = worker
        .run_case(&["MillionTimersUncapped"], None)
        .pop()
        .expect("one outcome");
    let failure = &hostile.outcome["task_failure"];
    assert!(
        failure.is_object(),
        "the task timed out instead of failing with a reason: {}",
        hostile.outcome
    );
    assert!(
        hostile
            .guest_bug("MillionTimersUncapped")
            .contains(TOO_LARGE),
        "{}",
        hostile.outcome
    );
    assert!(
        hostile.peak_above_baseline <= 1 << 30,
        "the worker's RSS peaked {} MiB above where it was",
        hostile.peak_above_baseline >> 20
    );
}

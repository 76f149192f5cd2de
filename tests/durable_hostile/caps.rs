//! Caps and the per-activation deadline: a million timers, a command flood without waiting, a
//! guest that never parks again, and memory grown while parked.

use std::time::{Duration, Instant};

use temporal_wasm_worker::sandbox::InstanceLimits;
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;

use super::common::jobs::fire_timer;
use super::harness::{Harness, LIMITS};
use super::{guests, worker};

const COMMANDS_CAP: &str = "the guest issued 10001 commands in one activation without waiting: \
    the cap is 10000 (raise `max_pending_commands` if this is intended)";

#[test]
fn a_million_start_timer_calls_in_one_activation_stop_at_max_pending_commands() {
    let harness = Harness::new(&guests::starts_timers(1_000_000), InstanceLimits::DEFAULT);
    assert_eq!(harness.start("run-1").guest_bug(), COMMANDS_CAP);
    harness.assert_back_at_baseline(&["run-1"]);

    // With `max_pending_commands` raised, what one completion can carry stops it (before
    // `max_handles` would, at 50,000).
    let limits = InstanceLimits {
        max_pending_commands: 1_000_000,
        ..InstanceLimits::DEFAULT
    };
    let harness = Harness::new(&guests::starts_timers(1_000_000), limits);
    assert_eq!(
        harness.start("run-1").guest_bug(),
        "the commands issued in one activation without waiting (49933, this one included) take \
         about 4194372 bytes, over the 4194304 bytes one workflow task completion can carry \
         (gRPC's message limit): issue fewer or smaller commands between waits"
    );
    harness.assert_back_at_baseline(&["run-1"]);

    let hostile = worker::run_one("MillionTimers");
    assert_eq!(hostile.guest_bug("MillionTimers"), COMMANDS_CAP);
}

#[test]
fn a_command_flood_without_waiting_stops_at_max_pending_commands() {
    let harness = Harness::new(
        &guests::floods_commands_without_waiting(),
        InstanceLimits::DEFAULT,
    );
    assert_eq!(harness.start("run-1").guest_bug(), COMMANDS_CAP);
    harness.assert_back_at_baseline(&["run-1"]);

    let hostile = worker::run_one("CommandFlood");
    assert_eq!(hostile.guest_bug("CommandFlood"), COMMANDS_CAP);
}

const NEVER_PARKED: &str =
    "guest did not park in `wait` or end the run within its 500ms deadline and was interrupted\n";

#[test]
fn a_guest_that_never_parks_again_is_interrupted_at_its_per_activation_deadline() {
    let limits = InstanceLimits {
        deadline: Duration::from_millis(500),
        ..LIMITS
    };
    let harness = Harness::new(&guests::parks_once_then_spins(), limits);
    assert!(matches!(
        &harness.start("run-1").commands()[..],
        [Command::StartTimer(_)]
    ));
    let started = Instant::now();
    let bug = harness.activate("run-1", vec![fire_timer(1)]).guest_bug();
    let interrupted_after = started.elapsed();
    assert!(bug.starts_with(NEVER_PARKED), "{bug}");
    assert!(
        interrupted_after < Duration::from_secs(5),
        "{interrupted_after:?}"
    );
    harness.assert_back_at_baseline(&["run-1"]);

    let hostile = worker::run_one("ParksOnce");
    let bug = hostile.guest_bug("ParksOnce");
    assert!(bug.starts_with(NEVER_PARKED), "{bug}");
    // Its first activation parked in time: the timer is in history.
    let events = hostile.outcome["events"].to_string();
    assert!(events.contains("EVENT_TYPE_TIMER_FIRED"), "{events}");
}

#[test]
fn memory_grown_while_parked_stops_at_the_cap_and_is_given_back() {
    let limits = InstanceLimits {
        memory_limit_bytes: 64 << 20,
        ..LIMITS
    };
    let harness = Harness::new(&guests::grows_memory_while_parked(128), limits);
    // 2 pages, then 8 MiB an activation: the 8th growth (to 1026 pages) is over 64 MiB.
    assert!(matches!(
        &harness.start("run-1").commands()[..],
        [Command::StartTimer(_)]
    ));
    for timer in 1..7 {
        let commands = harness
            .activate("run-1", vec![fire_timer(timer)])
            .commands();
        assert!(
            matches!(&commands[..], [Command::StartTimer(_)]),
            "{commands:?}"
        );
    }
    assert_eq!(
        harness.activate("run-1", vec![fire_timer(7)]).guest_bug(),
        "memory limit exceeded: the guest tried to grow its memory to 67239936 bytes, over its \
         cap of 67108864 bytes"
    );
    harness.assert_back_at_baseline(&["run-1"]);

    // 256 MiB on the worker, 64 MiB at a time: 3 growths fit, the 4th (to 4098 pages) does not.
    let hostile = worker::run_one("GrowsWhileParked");
    let cap = worker::GROWTH_CAP_MIB << 20;
    assert_eq!(
        hostile.guest_bug("GrowsWhileParked"),
        format!(
            "memory limit exceeded: the guest tried to grow its memory to {} bytes, over its cap \
             of {cap} bytes",
            4098 * 65536
        )
    );
    // The memory was really resident while it parked (and, as every case checks, given back).
    assert!(
        hostile.peak_above_baseline >= cap / 2,
        "peak RSS only {} MiB over the baseline: the guest never held its memory",
        hostile.peak_above_baseline >> 20
    );
}

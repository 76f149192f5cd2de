//! Determinism under hostile values: NaN bits and millions of `random`/`now` calls.

use std::time::{Duration, Instant};

use temporal_wasm_worker::sandbox::rng::DeterministicRng;
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;

use super::common::jobs::{activation_for, at_ms, duration_ms, fire_timer};
use super::harness::{self, HOSTILE, Harness, LIMITS, initialize};
use super::{common, completed_with, value_guests, worker};

#[test]
fn nan_results_are_canonical_so_a_replay_on_any_cpu_takes_the_same_path() {
    let harness = Harness::new(
        &value_guests::computes_nans(value_guests::Ending::Transcript),
        LIMITS,
    );
    let first = harness.complete(activation_for(
        "run-1",
        vec![initialize(HOSTILE, Vec::new())],
    ));
    let pin = harness::pin_marker(&first);
    let live = harness::outcome(&first).commands();
    assert!(
        matches!(&live[..], [Command::StartTimer(timer)]
            if timer.start_to_fire_timeout == Some(duration_ms(100))),
        "every NaN canonical, so the 100 ms timer: {live:?}"
    );
    let done = harness.activate("run-1", vec![fire_timer(1)]).commands();
    let f32_nan = value_guests::CANONICAL_F32_NAN.to_string();
    let f64_nan = value_guests::CANONICAL_F64_NAN.to_string();
    let expected = [&f32_nan, &f32_nan, &f32_nan, &f64_nan, &f32_nan, &f32_nan]
        .map(String::as_str)
        .join(" ");
    assert_eq!(completed_with(&done), Some(expected.as_bytes()), "{done:?}");
    // Evicted and replayed from history: the same commands.
    harness.evict("run-1");
    assert_eq!(harness.replay_start("run-1", &pin).commands(), live);
    harness.evict("run-1");
    harness.assert_back_at_baseline(&[]);

    let hostile = worker::run_one("NanBits");
    assert_eq!(hostile.completed_result(), "canonical");
}

#[test]
fn a_million_random_and_now_calls_complete_drawing_the_seeded_stream_with_memory_flat() {
    let count = 1_000_000;
    let harness = Harness::new(
        &value_guests::draws_random_and_now(count, value_guests::Ending::Transcript),
        LIMITS,
    );
    let now_ms = 1_700_000_000_000_i64;
    let started = Instant::now();
    let first = harness.complete(at_ms(
        activation_for("run-1", vec![initialize(HOSTILE, Vec::new())]),
        now_ms,
    ));
    let took = started.elapsed();
    let done = harness::outcome(&first).commands();
    // The stream of the run's seed, 32 bytes a call: the last call's bytes; `now` is the
    // activation's time every time.
    let mut rng = DeterministicRng::new(common::jobs::SEED);
    let mut bytes = [0u8; value_guests::RANDOM_BYTES_PER_CALL as usize];
    for _ in 0..count {
        rng.fill(&mut bytes);
    }
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    let expected = format!("{hex} {}", now_ms * i64::from(count));
    assert_eq!(completed_with(&done), Some(expected.as_bytes()), "{done:?}");
    assert!(took < Duration::from_secs(5), "{count} calls took {took:?}");
    harness.assert_back_at_baseline(&["run-1"]);

    let started = Instant::now();
    let hostile = worker::run_one("RandomAndNow");
    assert_eq!(hostile.completed_result(), "done");
    eprintln!(
        "{count} random and now calls: {took:?} in process; {:?} for the case on the worker, \
         peak RSS {} MiB over the baseline",
        started.elapsed(),
        hostile.peak_above_baseline >> 20
    );
}

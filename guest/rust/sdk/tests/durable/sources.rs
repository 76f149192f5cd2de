//! The deterministic sources: the clock, randomness, patches, the log level and replaying.

use std::time::{Duration, UNIX_EPOCH};

use serde_json::json;
use temporal_wasm_sdk::testing::{DEFAULT_START_MILLIS, TestHost};
use temporal_wasm_sdk::{Level, info, log, workflow};

use crate::run;

#[test]
fn the_clock_is_the_activations_and_moves_with_timers() {
    let run = run(TestHost::new(), || {
        let start = workflow::now();
        assert_eq!(
            start,
            UNIX_EPOCH + Duration::from_millis(DEFAULT_START_MILLIS as u64)
        );
        workflow::sleep(Duration::from_millis(1500));
        Ok(workflow::now().duration_since(start).unwrap().as_millis())
    });
    assert_eq!(run.result::<u128>(), 1500);
}

#[test]
fn sub_millisecond_timers_round_up_to_one_millisecond() {
    let run = run(TestHost::new(), || {
        workflow::sleep(Duration::from_micros(1));
        Ok(())
    });
    assert_eq!(run.calls_to("start_timer")[0]["duration_ms"], 1);
}

#[test]
fn randomness_is_the_runs_deterministic_stream() {
    let draw = |seed| {
        run(TestHost::new().seed(seed), || {
            Ok((
                workflow::random_bytes(5),
                workflow::random_u64(),
                workflow::uuid4(),
            ))
        })
        .result::<(Vec<u8>, u64, String)>()
    };
    assert_eq!(draw(7), draw(7));
    assert_ne!(draw(7), draw(8));
    let (_, _, uuid) = draw(7);
    assert_eq!(uuid.len(), 36);
    assert_eq!(&uuid[14..15], "4");
    assert!(matches!(&uuid[19..20], "8" | "9" | "a" | "b"), "{uuid}");
}

#[test]
fn patched_answers_once_per_id_and_records_deprecation() {
    let run = run(TestHost::new().patch_absent("old"), || {
        workflow::deprecate_patch("gone");
        Ok((
            workflow::patched("new"),
            workflow::patched("old"),
            workflow::patched("new"),
        ))
    });
    assert_eq!(run.result::<(bool, bool, bool)>(), (true, false, true));
    assert_eq!(run.calls_to("patched")[0], &json!({"deprecated": true}));
}

#[test]
fn log_level_and_replaying_come_from_the_worker() {
    let run = run(TestHost::new().log_level(3).replaying(true), || {
        info!("step {}", 1);
        Ok((
            log::level().map(|level| format!("{level:?}")),
            log::enabled(Level::Info),
            log::enabled(Level::Debug),
            workflow::is_replaying(),
        ))
    });
    assert_eq!(
        run.result::<(Option<String>, bool, bool, bool)>(),
        (Some("Info".into()), true, false, true)
    );
    assert_eq!(run.logs, [(Level::Info, "step 1".to_owned())]);
    let silent = run_level(0);
    assert_eq!(silent, None);
}

fn run_level(level: u32) -> Option<String> {
    run(TestHost::new().log_level(level), || {
        Ok(log::level().map(|level| format!("{level:?}")))
    })
    .result::<Option<String>>()
}

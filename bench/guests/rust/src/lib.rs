//! `bench_steps`: the durable benchmarks' workflow (bench/guests/README.md), in Rust.
//!
//! Input:  params[0], `{"before", "timers", "timer_ms", "after", "park_ms", "activity_queue"}`,
//!         every field optional (0, or `"bench-activities"` for the queue).
//! Steps:  `before` `echo` activities, `timers` timers of `timer_ms`, `after` `echo` activities,
//!         one after the other (each echo gets its step number); then, when `park_ms` > 0, waits
//!         for signal `release` at most `park_ms` (the timer is cancelled if the signal wins).
//! Result: `{"done": steps taken}`, a release by signal counting as one.

use std::time::Duration;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use temporal_wasm_sdk::{Activity, Failure, SignalChannel, select_timeout, workflow};

workflow!(bench_steps);

#[derive(Deserialize)]
#[serde(default)]
struct Input {
    before: u64,
    timers: u64,
    timer_ms: u64,
    after: u64,
    park_ms: u64,
    activity_queue: String,
}

impl Default for Input {
    fn default() -> Input {
        Input {
            before: 0,
            timers: 0,
            timer_ms: 0,
            after: 0,
            park_ms: 0,
            activity_queue: "bench-activities".to_owned(),
        }
    }
}

#[derive(Serialize)]
struct Output {
    done: u64,
}

fn echo(queue: &str, step: u64) -> Result<(), Failure> {
    let _: IgnoredAny = Activity::new("echo")
        .task_queue(queue)
        .start_to_close(Duration::from_secs(10))
        .arg(&step)?
        .execute()?;
    Ok(())
}

fn bench_steps(input: Input) -> Result<Output, Failure> {
    let mut done = 0;
    for step in 0..input.before {
        echo(&input.activity_queue, step)?;
        done += 1;
    }
    for _ in 0..input.timers {
        temporal_wasm_sdk::workflow::sleep(Duration::from_millis(input.timer_ms.max(1)));
        done += 1;
    }
    for step in 0..input.after {
        echo(&input.activity_queue, input.before + step)?;
        done += 1;
    }
    if input.park_ms > 0 {
        let release = SignalChannel::<IgnoredAny>::new("release");
        if select_timeout(&[&release], Duration::from_millis(input.park_ms)).is_some() {
            release.receive_payloads();
            done += 1;
        }
    }
    Ok(Output { done })
}

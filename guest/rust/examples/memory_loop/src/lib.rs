//! `memory_loop`: runs the activity `echo` N times in one workflow run and keeps only a count,
//! to show that a long-lived durable instance frees every result it reads.
//!
//! Input:  params[0], `{"iterations": N}`.
//! Calls:  N times activity `echo` on task queue `inventory` (start-to-close 10 s) with one
//!         argument, the iteration number (0, 1, … N-1); its result (any JSON, ~1 KiB under the
//!         memory test) is decoded and dropped.
//! Result: `{"iterations": N}`.
//! Fails:  non-retryable `InvalidInput` for an input without a non-negative integer
//!         `iterations`; with the activity's failure if an `echo` fails.
//!
//! Each iteration reads its result into a buffer of exactly its size, decodes it and frees it
//! before the next one starts, so memory stays flat: N = 10 000 runs under a 4 MiB cap. It uses
//! exactly N handles (one per activity, no timers or channels).

use std::time::Duration;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use temporal_wasm_sdk::{Activity, Failure, info, workflow};

workflow!(memory_loop);

#[derive(Deserialize)]
struct Input {
    iterations: u64,
}

#[derive(Debug, PartialEq, Serialize)]
struct Output {
    iterations: u64,
}

fn memory_loop(input: Input) -> Result<Output, Failure> {
    let mut echoed = 0u64;
    for iteration in 0..input.iterations {
        // `IgnoredAny` reads the result without building a value of it.
        let _: IgnoredAny = Activity::new("echo")
            .task_queue("inventory")
            .start_to_close(Duration::from_secs(10))
            .arg(&iteration)?
            .execute()?;
        echoed += 1;
    }
    info!("echoed {echoed} times");
    Ok(Output { iterations: echoed })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};
    use temporal_wasm_sdk::testing::{Reply, TestHost};

    use super::*;

    fn echo_host(input: Value) -> TestHost {
        TestHost::new()
            .input(&input)
            .on_activity("echo", |request| {
                Reply::value(&json!({"echo": request.arg::<u64>(0), "padding": "x".repeat(1000)}))
            })
    }

    #[test]
    fn echoes_each_iteration_number_in_turn_and_counts() {
        let run = echo_host(json!({"iterations": 3})).run(memory_loop);
        assert_eq!(run.result::<Value>(), json!({"iterations": 3}));
        let starts = run.calls_to("start_activity");
        assert_eq!(starts.len(), 3);
        for (i, start) in starts.iter().enumerate() {
            assert_eq!(start["activity_type"], "echo");
            assert_eq!(start["task_queue"], "inventory");
            assert_eq!(start["start_to_close_timeout_ms"], 10_000);
            assert_eq!(
                start["args"][0]["data"],
                Value::from(base64_of(&i.to_string()))
            );
        }
        // One activation per resolution, plus the first.
        assert_eq!(run.activations, 4);
    }

    #[test]
    fn zero_iterations_complete_at_once() {
        let run = echo_host(json!({"iterations": 0})).run(memory_loop);
        assert_eq!(run.result::<Value>(), json!({"iterations": 0}));
        assert!(run.calls_to("start_activity").is_empty());
    }

    #[test]
    fn ten_thousand_iterations_use_ten_thousand_handles() {
        let run = echo_host(json!({"iterations": 10_000})).run(memory_loop);
        assert_eq!(run.result::<Value>(), json!({"iterations": 10_000}));
        let handles: Vec<_> = run.calls.iter().filter_map(|call| call.handle).collect();
        assert_eq!(handles.len(), 10_000);
        assert_eq!(handles.last(), Some(&10_000));
    }

    #[test]
    fn a_bad_input_is_an_invalid_input() {
        let run = echo_host(json!({"iterations": -1})).run(memory_loop);
        assert_eq!(run.failure().failure_type.as_deref(), Some("InvalidInput"));
        assert!(run.failure().non_retryable);
    }

    #[test]
    fn a_failed_echo_fails_the_workflow() {
        let run = TestHost::new()
            .input(&json!({"iterations": 2}))
            .on_activity("echo", |_| {
                Reply::error(Failure::new("boom").with_type("Boom"))
            })
            .run(memory_loop);
        assert_eq!(run.failure().failure_type.as_deref(), Some("Boom"));
    }

    fn base64_of(text: &str) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let bytes = text.as_bytes();
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

//! Every hostile durable bundle the shared real-server worker registers, with the extra config
//! each needs, and the workflow type names of the JSON cases.

use super::worker::{BUSY_STEPS, GROWTH_CAP_MIB, GROWTH_PAGES, RANDOM_CALLS};
use super::{guests, value_guests};

/// Every hostile durable bundle the worker registers, as (workflow type, WAT, extra config).
pub fn bundles() -> Vec<(String, String, String)> {
    let mut bundles: Vec<(String, String, String)> = vec![
        (
            "NeverIssued".into(),
            guests::waits_on_a_handle_never_issued(),
            String::new(),
        ),
        (
            "AlreadyTaken".into(),
            guests::waits_on_a_taken_handle(),
            String::new(),
        ),
        (
            "SameHandleTwice".into(),
            guests::waits_on_one_handle_twice(),
            String::new(),
        ),
        (
            "TakeBeforeReady".into(),
            guests::takes_a_result_before_it_is_ready(),
            String::new(),
        ),
        (
            "TakeWrongLength".into(),
            guests::takes_a_result_with_a_wrong_length(),
            String::new(),
        ),
        (
            "MillionTimers".into(),
            guests::starts_timers(1_000_000),
            String::new(),
        ),
        (
            "CommandFlood".into(),
            guests::floods_commands_without_waiting(),
            String::new(),
        ),
        (
            "ParksOnce".into(),
            guests::parks_once_then_spins(),
            "deadline_ms = 500\n".into(),
        ),
        (
            "GrowsWhileParked".into(),
            guests::grows_memory_while_parked(GROWTH_PAGES),
            format!("memory_limit_mib = {GROWTH_CAP_MIB}\n"),
        ),
        (
            "IgnoresSignals".into(),
            guests::ignores_a_signal_channel(),
            String::new(),
        ),
        (
            "BusyWithQueries".into(),
            guests::busy_with_steps(BUSY_STEPS, 100),
            String::new(),
        ),
        (
            "NanBits".into(),
            value_guests::computes_nans(value_guests::Ending::Json),
            String::new(),
        ),
        (
            "RandomAndNow".into(),
            value_guests::draws_random_and_now(RANDOM_CALLS, value_guests::Ending::Json),
            "deadline_ms = 10000\n".into(),
        ),
    ];
    for (call, invoke) in value_guests::JSON_CALLS {
        // Ending as cancelled needs the client to cancel first: in process only.
        if *call == "complete_as_cancelled" {
            continue;
        }
        bundles.push((
            malformed_type(call),
            value_guests::calls_with(invoke, value_guests::malformed_json(call)),
            String::new(),
        ));
        // An oversized answer needs an update to answer (a wrong id is refused first).
        if *call != "respond_update" {
            bundles.push((
                oversized_type(call),
                value_guests::calls_with(invoke, value_guests::oversized_json(call).as_bytes()),
                "memory_limit_mib = 16\n".into(),
            ));
        }
    }
    bundles
}

/// The workflow type of the guest that passes malformed JSON to `call`.
pub fn malformed_type(call: &str) -> String {
    let camel: String = call
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
                .collect::<String>()
        })
        .collect();
    format!("Malformed{camel}")
}

/// The workflow type of the guest that passes an oversized input to `call`.
pub fn oversized_type(call: &str) -> String {
    malformed_type(call).replacen("Malformed", "Oversized", 1)
}

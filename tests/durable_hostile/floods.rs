//! Inbound floods: signals queued for a channel nobody reads, queries while the guest runs.

use serde_json::{Value, json};
use temporal_wasm_worker::sandbox::InstanceLimits;
use temporalio_common::protos::coresdk::workflow_commands::workflow_command::Variant as Command;

use super::common::jobs::fire_timer;
use super::harness::{self, Harness, LIMITS, signal};
use super::{completed_with, env_count, guests, worker};

#[test]
fn a_hundred_thousand_signals_for_a_channel_nobody_reads_are_held_and_the_run_completes() {
    let harness = Harness::new(&guests::ignores_a_signal_channel(), InstanceLimits::DEFAULT);
    assert!(harness.start("run-1").commands().is_empty());
    for batch in 0..100 {
        let jobs = (0..1000)
            .map(|n| signal(guests::IGNORED_SIGNAL, &(batch * 1000 + n).to_string()))
            .collect();
        assert!(harness.activate("run-1", jobs).commands().is_empty());
    }
    let done = harness
        .activate("run-1", vec![signal(guests::STOP_SIGNAL, "0")])
        .commands();
    assert_eq!(
        completed_with(&done),
        Some(br#""stopped""#.as_slice()),
        "{done:?}"
    );
    harness.assert_back_at_baseline(&["run-1"]);

    // Over `max_result_mib`, the run ends at the resume after the signal that went over.
    let limits = InstanceLimits {
        max_result_bytes: 1 << 20,
        ..InstanceLimits::DEFAULT
    };
    let harness = Harness::new(&guests::ignores_a_signal_channel(), limits);
    assert!(harness.start("run-1").commands().is_empty());
    let mut delivered = 0;
    let bug = loop {
        let jobs = (0..1000)
            .map(|n| signal(guests::IGNORED_SIGNAL, &n.to_string()))
            .collect();
        delivered += 1000;
        match harness.activate("run-1", jobs) {
            harness::Outcome::Commands(commands) => assert!(commands.is_empty()),
            failed => break failed.guest_bug(),
        }
        assert!(delivered < 100_000, "the cap never stopped the signals");
    };
    assert!(
        bug.starts_with("results and channel items not yet taken would hold ")
            && bug.ends_with(
                " bytes (handle 1, signal channel `ignored`): the cap is 1048576 bytes (raise \
                 `max_result_mib` if this is intended)"
            ),
        "{bug}"
    );
    harness.assert_back_at_baseline(&["run-1"]);

    let count = env_count("DURABLE_HOSTILE_SIGNALS", 2000);
    let flood = json!({"kind": "signal", "name": guests::IGNORED_SIGNAL, "count": count,
                       "concurrency": 32, "then_signal": guests::STOP_SIGNAL});
    let hostile = worker::run_alongside_healthy(&["IgnoresSignals"], Some(flood))
        .pop()
        .expect("one outcome");
    assert_eq!(hostile.flood["failed_count"], 0, "{}", hostile.flood);
    assert_eq!(hostile.completed_result(), "stopped");
    let id = hostile.outcome["id"].as_str().expect("an id");
    let reported = format!("the run ended with signals it never took: `ignored` ×{count}");
    assert!(
        worker::log_lines_of(id)
            .iter()
            .any(|line| line.contains(&reported)),
        "no `{reported}` in the worker's log for {id}"
    );
    eprintln!(
        "{count} signals in {}s; peak RSS {} MiB over the baseline",
        hostile.flood["seconds"],
        hostile.peak_above_baseline >> 20
    );
}

#[test]
fn a_query_flood_while_the_guest_runs_is_answered_without_resuming_it() {
    let harness = Harness::new(&guests::busy_with_steps(5, 100), LIMITS);
    assert!(matches!(
        &harness.start("run-1").commands()[..],
        [Command::StartTimer(_)]
    ));
    for step in 1..=5 {
        for n in 0..20_000 {
            let answer = harness.query("run-1", &format!("q-{step}-{n}"), guests::PROGRESS_QUERY);
            assert_eq!(answer, (step - 1).to_string());
        }
        // The queries changed nothing: each step still starts exactly its one timer.
        let commands = harness.activate("run-1", vec![fire_timer(step)]).commands();
        if step < 5 {
            assert!(
                matches!(&commands[..], [Command::StartTimer(_)]),
                "{commands:?}"
            );
        } else {
            assert_eq!(
                completed_with(&commands),
                Some(br#""ran 5 steps""#.as_slice())
            );
        }
    }
    // After the run: answered from what the guest last published.
    assert_eq!(harness.query("run-1", "after", guests::PROGRESS_QUERY), "5");
    harness.assert_back_at_baseline(&["run-1"]);

    let count = env_count("DURABLE_HOSTILE_QUERIES", 800);
    let flood = json!({"kind": "query", "name": guests::PROGRESS_QUERY, "count": count,
                       "concurrency": 16});
    let hostile = worker::run_alongside_healthy(&["BusyWithQueries"], Some(flood))
        .pop()
        .expect("one outcome");
    let flood = &hostile.flood;
    assert_eq!(flood["failed_count"], 0, "{flood}");
    let answers = flood["answers"].as_object().expect("answers");
    let answered: u64 = answers.values().filter_map(Value::as_u64).sum();
    assert_eq!(answered, count as u64, "{flood}");
    for answer in answers.keys() {
        let step: u32 = answer.parse().unwrap_or_else(|_| panic!("answer {answer}"));
        assert!(step <= worker::BUSY_STEPS, "{flood}");
    }
    assert_eq!(
        hostile.completed_result(),
        &json!(format!("ran {} steps", worker::BUSY_STEPS))
    );
    let timers = hostile.outcome["events"].as_array().map_or(0, |events| {
        events
            .iter()
            .filter(|e| *e == "EVENT_TYPE_TIMER_STARTED")
            .count()
    });
    assert_eq!(
        timers,
        worker::BUSY_STEPS as usize,
        "queries added no commands"
    );
    eprintln!(
        "{count} queries in {}s ({} distinct answers; still flooding when the healthy workflows \
         were done: {})",
        flood["seconds"],
        answers.len(),
        flood["running_when_healthy_done"]
    );
}

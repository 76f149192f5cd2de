//! `temporal-wasm-worker replay`: recorded histories (`tests/histories/`, exported with
//! `temporal workflow show -o json` from real runs of the durable examples) replay through the
//! bundles they were recorded with, and a deliberately changed bundle fails naming the event and
//! the guest call that differ. On a dev server: a fresh run's exported history and the same run
//! fetched by `--workflow-id` replay too.
//!
//! `TWW_RECORD_HISTORIES=1 cargo test --test replay fresh` re-records `tests/histories/`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::Fixtures;
use common::activities::ActivityWorker;
use common::durable::{data, module};
use common::durable_client::DurableClient;
use common::durable_worker::{
    TIMEOUT, activity, activity_worker, config, scenario_bundle, start_worker,
};
use common::temporal::{TemporalServer, free_port, temporal, workflow_id};
use serde_json::json;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn histories_dir() -> PathBuf {
    root().join("tests/histories")
}

fn recorded_histories() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(histories_dir())
        .expect("tests/histories")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 2, "recorded histories: {files:?}");
    files
}

/// A config registering the README example as `ChargeAfterDelay` (or `charge` instead) and the
/// scenario bundle as `Scenario`, pointed at `address`.
fn replay_config(fixtures: &Fixtures, address: &str, charge: Option<&str>) -> PathBuf {
    let charge = match charge {
        Some(wat) => fixtures.write("changed.wat", wat),
        None => root().join("guest/examples/wat/charge_after_delay.wat"),
    };
    fixtures.write(
        "worker.toml",
        format!(
            "[temporal]\naddress = \"{address}\"\ntask_queue = \"replay\"\n\
             [workflows.ChargeAfterDelay]\nmodule = \"{}\"\n\
             [workflows.Scenario]\nmodule = \"{}\"\n",
            charge.display(),
            scenario_bundle().display()
        ),
    )
}

fn replay(config: &Path, args: &[&str]) -> (Option<i32>, String) {
    let output: Output = Command::new(env!("CARGO_BIN_EXE_temporal-wasm-worker"))
        .arg("replay")
        .arg("--config")
        .arg(config)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run the worker binary");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), printed)
}

fn paths(files: &[PathBuf]) -> Vec<String> {
    files
        .iter()
        .flat_map(|file| ["--history".to_owned(), file.display().to_string()])
        .collect()
}

#[test]
fn recorded_histories_replay_through_the_bundles_they_were_recorded_with() {
    let fixtures = Fixtures::new();
    let config = replay_config(&fixtures, "127.0.0.1:1", None);
    let files = recorded_histories();
    let args = paths(&files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, printed) = replay(&config, &args);
    assert_eq!(code, Some(0), "{printed}");
    assert!(
        printed.contains(&format!("{0} of {0} histories replayed", files.len())),
        "{printed}"
    );
    assert!(printed.contains("pinned to bundle sha256:"), "{printed}");
}

/// The README example changed without a patch: it charges before it waits, so its first
/// command is an activity where history has a timer.
fn charge_first() -> String {
    let options =
        r#"{"activity_type":"charge","task_queue":"payments","start_to_close_timeout_ms":10000}"#;
    module(&format!(
        r#"{}
  (func (export "run")
    (drop (call $wait_one (call $start_activity (i32.const 1024) (i32.const {}))))
    (call $complete (i32.const 0) (i32.const 0))
    unreachable)"#,
        data(1024, options),
        options.len()
    ))
}

#[test]
fn a_changed_bundle_fails_replay_naming_the_event_and_the_guest_call() {
    let fixtures = Fixtures::new();
    let config = replay_config(&fixtures, "127.0.0.1:1", Some(&charge_first()));
    let history = histories_dir().join("charge-after-delay.json");
    let (code, printed) = replay(&config, &["--history", &history.to_string_lossy()]);
    assert_eq!(code, Some(3), "{printed}");
    for needle in [
        "FAILED  ",
        "charge-after-delay.json",
        "type `ChargeAfterDelay`",
        // Events 5 and 6 are the pin marker and its search attribute.
        "nondeterminism at event 7 TimerStarted",
        "[TMPRL1100] Nondeterminism error: Activity machine does not handle this event",
        "the guest's calls in that activation: activity 1 charge",
        "0 of 1 histories replayed",
    ] {
        assert!(printed.contains(needle), "{needle}:\n{printed}");
    }
}

#[test]
fn unreadable_histories_are_refused_naming_the_file() {
    let fixtures = Fixtures::new();
    let config = replay_config(&fixtures, "127.0.0.1:1", None);
    let bad = fixtures.write("bad.json", r#"{"events": [{"eventId": "one"}]}"#);
    let (code, printed) = replay(&config, &["--history", &bad.to_string_lossy()]);
    assert_eq!(code, Some(1), "{printed}");
    assert!(
        printed.contains("bad.json: is not a workflow history"),
        "{printed}"
    );
    let (code, printed) = replay(&config, &[]);
    assert_eq!(code, Some(1), "{printed}");
    assert!(printed.contains("--history FILE"), "{printed}");
}

#[test]
fn fresh_runs_replay_from_their_exported_json_and_by_workflow_id() {
    let address = TemporalServer::shared().address.clone();
    activity_worker();
    let _payments = ActivityWorker::start(&address, "payments");
    let queue = format!("replay-{}", free_port());
    let extra = format!(
        "[workflows.ChargeAfterDelay]\nmodule = \"{}\"\n",
        root()
            .join("guest/examples/wat/charge_after_delay.wat")
            .display()
    );
    let worker = start_worker(
        &config(&address, &queue, "", &extra),
        tempfile::tempdir().expect("temp dir"),
    );
    let client = DurableClient::new(&address, &queue);
    let charge = workflow_id("charge-after-delay");
    client.start(&charge, "ChargeAfterDelay", json!([]));
    let scenario = workflow_id("scenario-timer-activity-signal");
    client.start(
        &scenario,
        "Scenario",
        json!([{"steps": [
            {"sleep_ms": 200},
            {"activity": activity("echo", json!(["hello"]), json!({}))},
            {"wait_signal": "go"},
            {"sleep_ms": 100},
        ]}]),
    );
    client.signal(&scenario, "go", json!([{"now": true}]));
    for outcome in client.outcomes(&[charge.clone(), scenario.clone()], TIMEOUT) {
        assert_eq!(
            outcome["status"],
            "COMPLETED",
            "{outcome}\n{}",
            worker.log()
        );
    }

    let fixtures = Fixtures::new();
    let config = replay_config(&fixtures, &address, None);
    let mut files = Vec::new();
    for (id, name) in [
        (&charge, "charge-after-delay"),
        (&scenario, "scenario-timer-activity-signal"),
    ] {
        let exported = temporal(&address, &["workflow", "show", "-w", id, "-o", "json"]);
        let file = fixtures.write(&format!("{name}.json"), &exported);
        if std::env::var_os("TWW_RECORD_HISTORIES").is_some() {
            std::fs::write(histories_dir().join(format!("{name}.json")), &exported)
                .expect("record the history");
        }
        files.push(file);
        let (code, printed) = replay(&config, &["--workflow-id", id]);
        assert_eq!(code, Some(0), "{printed}");
        assert!(printed.contains(&format!("workflow {id}")), "{printed}");
    }
    let args = paths(&files);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, printed) = replay(&config, &args);
    assert_eq!(code, Some(0), "{printed}");
    assert!(printed.contains("2 of 2 histories replayed"), "{printed}");
}

#[tokio::test]
async fn the_library_call_reports_on_each_recorded_history() {
    use temporal_wasm_worker::replay::{self, ReplayOutcome};
    use temporal_wasm_worker::sandbox::BundleRegistry;
    use temporal_wasm_worker::sandbox::engine::EngineCapacity;

    let fixtures = Fixtures::new();
    let changed = fixtures.write("changed.wat", charge_first());
    let specs = [
        common::settings("ChargeAfterDelay", changed, common::TEST_LIMITS),
        common::settings("Scenario", scenario_bundle(), common::TEST_LIMITS),
    ];
    let bundles = BundleRegistry::create(EngineCapacity { instance_slots: 4 }, None, &specs)
        .expect("bundles load");
    let histories = replay::read_history_files(&recorded_histories()).expect("histories read");
    let reports = replay::replay(std::sync::Arc::new(bundles), "default", histories)
        .await
        .expect("the replay runs");
    let by_type = |workflow_type: &str| {
        reports
            .iter()
            .find(|report| report.workflow_type == workflow_type)
            .expect("a report per history")
    };
    assert!(by_type("Scenario").is_ok(), "{}", by_type("Scenario"));
    assert!(
        matches!(
            &by_type("ChargeAfterDelay").outcome,
            ReplayOutcome::Nondeterminism { event: Some(event), guest_calls, .. }
                if event == "7 TimerStarted" && guest_calls[0].starts_with("activity 1 charge")
        ),
        "{}",
        by_type("ChargeAfterDelay")
    );
}

//! The command line as operators and authors use it: `check` and `exec`, without a server.

mod common;

use std::process::{Command, Output};

use common::Fixtures;
use common::wat::{completes_with, fails_with, module};

fn worker(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_temporal-wasm-worker"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run the worker binary")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn config_with(fixtures: &Fixtures, workflows: &[(&str, &str)]) -> String {
    let mut config = String::from("[temporal]\ntask_queue = \"q\"\n");
    for (workflow_type, file) in workflows {
        config.push_str(&format!(
            "[workflows.{workflow_type}]\nmodule = \"{file}\"\n"
        ));
    }
    fixtures
        .write("worker.toml", config)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn check_prints_what_it_would_register() {
    let fixtures = Fixtures::new();
    fixtures.write("hello.wat", completes_with("[]"));
    let config = config_with(&fixtures, &[("Hello", "hello.wat")]);
    let output = worker(&["check", "--config", &config]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("task queue `q`"),
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("Hello: "), "{}", stdout(&output));
    assert!(stdout(&output).contains("hello.wat"), "{}", stdout(&output));
}

/// Runs `check` on a config registering `Good` and `Bad` and returns its error output.
fn check_refuses(bad_module: &[u8]) -> String {
    let fixtures = Fixtures::new();
    fixtures.write("good.wat", completes_with("[]"));
    fixtures.write("bad.wasm", bad_module);
    let config = config_with(&fixtures, &[("Good", "good.wat"), ("Bad", "bad.wasm")]);
    let output = worker(&["check", "--config", &config]);
    assert!(!output.status.success(), "check accepted a bad bundle");
    let message = stderr(&output);
    assert!(message.contains("workflow type `Bad`"), "{message}");
    assert!(message.contains("bad.wasm"), "{message}");
    assert!(!message.contains("`Good`"), "{message}");
    message
}

#[test]
fn check_refuses_a_module_that_imports_memory() {
    let wat = r#"(module (import "env" "memory" (memory 1)) (func (export "run")))"#;
    let message = check_refuses(wat.as_bytes());
    assert!(message.contains("imports memory `env.memory`"), "{message}");
}

#[test]
fn check_refuses_an_import_the_abi_does_not_define() {
    let wat = r#"(module (import "env" "open_socket" (func (param i32 i32) (result i32)))
                 (memory (export "memory") 1) (func (export "run")))"#;
    let message = check_refuses(wat.as_bytes());
    assert!(message.contains("imports `env.open_socket`"), "{message}");
    assert!(message.contains("env.complete_with_failure"), "{message}");
}

#[test]
fn check_refuses_a_wasi_import_outside_the_deterministic_subset_by_name() {
    let wat = r#"(module (import "wasi_snapshot_preview1" "path_open"
                   (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
                 (memory (export "memory") 1) (func (export "run")))"#;
    let message = check_refuses(wat.as_bytes());
    assert!(
        message.contains("imports `wasi_snapshot_preview1.path_open`, which is not in the deterministic WASI subset"),
        "{message}"
    );
    assert!(message.contains("fd_write"), "{message}");
}

#[test]
fn check_refuses_an_abi_import_with_the_wrong_signature() {
    let wat = r#"(module (import "env" "complete" (func (param i64)))
                 (memory (export "memory") 1) (func (export "run")))"#;
    let message = check_refuses(wat.as_bytes());
    assert!(
        message.contains("imports `env.complete` with signature (i64) -> ()"),
        "{message}"
    );
    assert!(message.contains("(i32, i32) -> ()"), "{message}");
}

#[test]
fn check_refuses_an_imported_global() {
    let wat = r#"(module (import "env" "heap" (global i32)) (memory (export "memory") 1) (func (export "run")))"#;
    let message = check_refuses(wat.as_bytes());
    assert!(message.contains("imports `env.heap` (global)"), "{message}");
}

#[test]
fn check_refuses_a_module_without_run() {
    let message = check_refuses(br#"(module (memory (export "memory") 1))"#);
    assert!(
        message.contains("must export a function `run: () -> ()`"),
        "{message}"
    );
    assert!(message.contains("no export named `run`"), "{message}");
}

#[test]
fn check_refuses_a_run_export_with_parameters() {
    let message = check_refuses(
        br#"(module (memory (export "memory") 1) (func (export "run") (param i32)))"#,
    );
    assert!(
        message.contains("`run` is a function (i32) -> ()"),
        "{message}"
    );
}

#[test]
fn check_refuses_a_module_without_an_exported_memory() {
    let message = check_refuses(br#"(module (memory 1) (func (export "run")))"#);
    assert!(
        message.contains("its linear memory as `memory`"),
        "{message}"
    );
}

#[test]
fn check_refuses_bytes_that_are_not_wasm() {
    let message = check_refuses(b"\0asm\x01\0\0\0garbage");
    assert!(message.contains("is not a valid WASM module"), "{message}");
}

#[test]
fn check_refuses_an_initial_memory_over_the_cap() {
    let message =
        check_refuses(br#"(module (memory (export "memory") 2000) (func (export "run")))"#);
    assert!(
        message.contains("initial memory of 131072000 bytes"),
        "{message}"
    );
}

#[test]
fn check_reports_every_bad_bundle_at_once() {
    let fixtures = Fixtures::new();
    let config = config_with(
        &fixtures,
        &[("First", "missing-1.wasm"), ("Second", "missing-2.wasm")],
    );
    let output = worker(&["check", "--config", &config]);
    let message = stderr(&output);
    assert!(!output.status.success());
    assert!(message.contains("2 bundles refused"), "{message}");
    assert!(
        message.contains("missing-1.wasm") && message.contains("missing-2.wasm"),
        "{message}"
    );
    assert!(message.contains("cannot read the module file"), "{message}");
}

#[test]
fn check_refuses_an_unknown_config_key_naming_it() {
    let fixtures = Fixtures::new();
    let config = fixtures.write(
        "worker.toml",
        "[temporal]\ntask_queue = \"q\"\ntask_qeue = \"x\"\n",
    );
    let output = worker(&["check", "--config", &config.to_string_lossy()]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("task_qeue"), "{}", stderr(&output));
}

#[test]
fn exec_prints_the_result_and_exits_zero() {
    let fixtures = Fixtures::new();
    let hello = r#"[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"IkhlbGxvIg=="}]"#;
    let path = fixtures.write("hello.wat", completes_with(hello));
    let output = worker(&["exec", &path.to_string_lossy(), "--input", "\"Alice\""]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        report,
        serde_json::json!({"status": "completed", "result": "Hello"})
    );
}

#[test]
fn exec_prints_the_failure_and_exits_three() {
    let fixtures = Fixtures::new();
    let failure = r#"{"message":"nope","type":"Rejected","non_retryable":true,
        "details":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"WzFd"}],"cause":{"message":"why"}}"#;
    let path = fixtures.write("fail.wat", fails_with(failure));
    let output = worker(&["exec", &path.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["status"], "failed");
    assert_eq!(report["failure"]["type"], "Rejected");
    assert_eq!(report["failure"]["non_retryable"], true);
    assert_eq!(report["failure"]["details"], serde_json::json!([[1]]));
    assert_eq!(report["failure"]["cause"]["message"], "why");
}

#[test]
fn exec_reports_a_guest_bug_and_exits_four() {
    let fixtures = Fixtures::new();
    let path = fixtures.write("trap.wat", module(r#"(func (export "run") unreachable)"#));
    let output = worker(&["exec", &path.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(4), "{}", stderr(&output));
    assert!(stdout(&output).contains("guest_bug"), "{}", stdout(&output));
}

#[test]
fn exec_refuses_an_input_that_is_not_json() {
    let fixtures = Fixtures::new();
    let path = fixtures.write("hello.wat", completes_with("[]"));
    let output = worker(&["exec", &path.to_string_lossy(), "--input", "Alice"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("--input #1 is not valid JSON"),
        "{}",
        stderr(&output)
    );
}

/// The build id `check` reports for a config registering `workflows` (type, file, WAT).
fn build_id_of(workflows: &[(&str, &str, String)], extra: &str) -> String {
    let fixtures = Fixtures::new();
    let mut config = format!("[temporal]\ntask_queue = \"q\"\n{extra}\n");
    for (workflow_type, file, wat) in workflows {
        fixtures.write(file, wat);
        config.push_str(&format!(
            "[workflows.{workflow_type}]\nmodule = \"{file}\"\n"
        ));
    }
    let path = fixtures.write("worker.toml", config);
    let output = worker(&["check", "--config", &path.to_string_lossy()]);
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
        .lines()
        .find_map(|line| line.trim().strip_prefix("build id: ").map(str::to_owned))
        .expect("check prints the build id")
}

#[test]
fn default_build_id_changes_exactly_when_a_bundle_changes() {
    let hello = completes_with("[]");
    let changed = completes_with("[ ]");
    let base = build_id_of(
        &[("A", "a.wat", hello.clone()), ("B", "b.wat", hello.clone())],
        "",
    );
    assert!(
        base.starts_with("wasm-") && base.len() == "wasm-".len() + 16,
        "{base}"
    );
    // Same bundles: same id, wherever the files are.
    assert_eq!(
        build_id_of(
            &[("A", "a.wat", hello.clone()), ("B", "b.wat", hello.clone())],
            ""
        ),
        base
    );
    assert_eq!(
        build_id_of(
            &[
                ("A", "a2.wat", hello.clone()),
                ("B", "b2.wat", hello.clone())
            ],
            ""
        ),
        base
    );
    // A changed bundle, a renamed type, an added type: new ids.
    let ids = [
        build_id_of(
            &[("A", "a.wat", hello.clone()), ("B", "b.wat", changed)],
            "",
        ),
        build_id_of(
            &[("A", "a.wat", hello.clone()), ("C", "b.wat", hello.clone())],
            "",
        ),
        build_id_of(
            &[
                ("A", "a.wat", hello.clone()),
                ("B", "b.wat", hello.clone()),
                ("D", "d.wat", hello.clone()),
            ],
            "",
        ),
    ];
    for id in &ids {
        assert_ne!(id, &base);
    }
    assert_ne!(ids[0], ids[1]);
}

#[test]
fn configured_build_id_overrides_the_bundle_hash() {
    let id = build_id_of(
        &[("A", "a.wat", completes_with("[]"))],
        "[worker]\nbuild_id = \"orders-2026-11\"",
    );
    assert_eq!(id, "orders-2026-11");
}

#[test]
fn module_cache_compiles_once_then_loads_and_rebuilds_a_corrupt_entry() {
    let fixtures = Fixtures::new();
    fixtures.write("hello.wat", completes_with("[]"));
    let config = fixtures.write(
        "worker.toml",
        "[temporal]\ntask_queue = \"q\"\n[worker]\nmodule_cache_dir = \"cache\"\n\
         [workflows.Hello]\nmodule = \"hello.wat\"\n",
    );
    let check = || {
        let output = worker(&["check", "--config", &config.to_string_lossy()]);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
    };
    assert!(check().contains("module cache: Miss"), "{}", check());
    assert!(check().contains("module cache: Hit"));
    let entry = std::fs::read_dir(fixtures.path().join("cache"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|ext| ext == "cwasm"))
        .expect("a cache entry");
    let mut bytes = std::fs::read(&entry).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x55;
    std::fs::write(&entry, bytes).unwrap();
    let output = worker(&["check", "--config", &config.to_string_lossy()]);
    assert!(
        stdout(&output).contains("module cache: Rebuilt(\"checksum mismatch\")"),
        "{}",
        stdout(&output)
    );
    assert!(
        stderr(&output).contains("stale or corrupt"),
        "{}",
        stderr(&output)
    );
    assert!(check().contains("module cache: Hit"));
}

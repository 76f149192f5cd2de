//! `check` on a workflow type with earlier bundle versions (`previous_modules`): every version is
//! listed with its digest, the build id covers them all, and a bad one is refused by file.

mod common;

use std::process::{Command, Output};

use common::Fixtures;
use common::wat::completes_with;
use sha2::{Digest, Sha256};

fn check(fixtures: &Fixtures, workflow: &str) -> Output {
    let config = fixtures.write(
        "worker.toml",
        format!("[temporal]\ntask_queue = \"q\"\n[workflows.Orders]\n{workflow}"),
    );
    Command::new(env!("CARGO_BIN_EXE_temporal-wasm-worker"))
        .args(["check", "--config", &config.to_string_lossy()])
        .env("NO_COLOR", "1")
        .output()
        .expect("run the worker binary")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The version `check` prints for a file: `sha256:` and 16 hex digits of its bytes' digest.
fn version_of(contents: &str) -> String {
    let digest = Sha256::digest(contents.as_bytes());
    let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn build_id(printed: &str) -> String {
    printed
        .lines()
        .find_map(|line| line.trim().strip_prefix("build id: ").map(str::to_owned))
        .expect("check prints the build id")
}

#[test]
fn check_lists_every_version_with_its_digest_and_the_build_id_covers_them() {
    let fixtures = Fixtures::new();
    let (v1, v2) = (completes_with("[1]"), completes_with("[2]"));
    fixtures.write("v1.wat", &v1);
    fixtures.write("v2.wat", &v2);
    let alone = stdout(&check(&fixtures, "module = \"v2.wat\"\n"));
    let both = stdout(&check(
        &fixtures,
        "module = \"v2.wat\"\nprevious_modules = [\"v1.wat\"]\n",
    ));
    let current = format!("current  {}: ", version_of(&v2));
    let previous = format!("previous {}: ", version_of(&v1));
    assert!(both.contains(&current) && both.contains("v2.wat"), "{both}");
    assert!(
        both.contains(&previous) && both.contains("v1.wat"),
        "{both}"
    );
    assert!(both.contains("one-shot, ABI v0"), "{both}");
    assert!(!alone.contains("previous "), "{alone}");
    assert_ne!(build_id(&alone), build_id(&both));
}

#[test]
fn a_bad_previous_module_is_refused_naming_its_file() {
    let fixtures = Fixtures::new();
    fixtures.write("v2.wat", completes_with("[]"));
    fixtures.write("v1.wasm", b"not wasm");
    let output = check(
        &fixtures,
        "module = \"v2.wat\"\nprevious_modules = [\"v1.wasm\", \"missing.wasm\"]\n",
    );
    assert!(!output.status.success());
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("2 bundles refused"), "{message}");
    assert!(
        message.contains("workflow type `Orders`, bundle ") && message.contains("v1.wasm"),
        "{message}"
    );
    assert!(message.contains("missing.wasm: cannot read"), "{message}");
}

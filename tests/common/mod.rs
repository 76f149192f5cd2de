//! Helpers shared by the integration tests.

#![allow(dead_code)]

pub mod activities;
pub mod durable;
pub mod durable_client;
pub mod durable_worker;
pub mod http_server;
pub mod jobs;
pub mod properties;
pub mod temporal;
pub mod tls_proxy;
pub mod wat;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use temporal_wasm_worker::abi;
use temporal_wasm_worker::sandbox::BundleSpec;
use temporal_wasm_worker::sandbox::GuestBug;
use temporal_wasm_worker::sandbox::GuestOutcome;
use temporal_wasm_worker::sandbox::InstanceLimits;
use temporal_wasm_worker::sandbox::engine::{EngineCapacity, WasmEngine};
use temporal_wasm_worker::sandbox::host::{Linkers, LogContext};
use temporal_wasm_worker::sandbox::instance;
use temporal_wasm_worker::sandbox::{Bundle, BundleError};
use temporal_wasm_worker::sandbox::{GuestBugPolicy, VersioningBehavior};

/// Limits generous enough for every fixture.
pub const TEST_LIMITS: InstanceLimits = InstanceLimits {
    deadline: Duration::from_secs(5),
    memory_limit_bytes: 16 << 20,
    ..InstanceLimits::DEFAULT
};

/// A folder of bundle files for one test.
pub struct Fixtures {
    dir: tempfile::TempDir,
}

impl Fixtures {
    pub fn new() -> Fixtures {
        Fixtures {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `contents` to `name` and returns its path.
    pub fn write(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, contents).expect("write fixture");
        path
    }
}

pub fn settings(workflow_type: &str, module_path: PathBuf, limits: InstanceLimits) -> BundleSpec {
    BundleSpec {
        workflow_type: workflow_type.to_owned(),
        module_path,
        previous_modules: Vec::new(),
        limits,
        on_guest_bug: GuestBugPolicy::FailTask,
        versioning: VersioningBehavior::Pinned,
    }
}

/// Loads a bundle from WAT text with the given limits and policy.
pub fn try_load_with(
    wat: &str,
    limits: InstanceLimits,
    on_guest_bug: GuestBugPolicy,
) -> Result<(Fixtures, Bundle), BundleError> {
    let fixtures = Fixtures::new();
    let path = fixtures.write("module.wat", wat);
    let engine = WasmEngine::new(EngineCapacity { instance_slots: 4 }).expect("engine");
    let linkers = Linkers::new(engine.engine()).expect("linker");
    let mut settings = settings("Test", path, limits);
    settings.on_guest_bug = on_guest_bug;
    let bundle = Bundle::load(&engine, &linkers, &settings, None)?;
    Ok((fixtures, bundle))
}

pub fn load(wat: &str) -> (Fixtures, Bundle) {
    try_load_with(wat, TEST_LIMITS, GuestBugPolicy::FailTask).expect("bundle loads")
}

pub fn load_with_limits(wat: &str, limits: InstanceLimits) -> (Fixtures, Bundle) {
    try_load_with(wat, limits, GuestBugPolicy::FailTask).expect("bundle loads")
}

pub fn bundle_error(wat: impl AsRef<[u8]>) -> String {
    let fixtures = Fixtures::new();
    let path = fixtures.write("module.wasm", wat);
    let engine = WasmEngine::new(EngineCapacity { instance_slots: 1 }).expect("engine");
    let linkers = Linkers::new(engine.engine()).expect("linker");
    Bundle::load(
        &engine,
        &linkers,
        &settings("Test", path, TEST_LIMITS),
        None,
    )
    .expect_err("bundle must be refused")
    .to_string()
}

/// A `json/plain` payload holding `json`.
pub fn json_payload(json: &str) -> abi::Payload {
    abi::Payload {
        metadata: [(
            "encoding".to_owned(),
            abi::Base64Bytes(b"json/plain".to_vec()),
        )]
        .into(),
        data: abi::Base64Bytes(json.as_bytes().to_vec()),
    }
}

pub fn info(params: Vec<abi::Payload>) -> abi::Info {
    abi::Info {
        params,
        workflow_info: abi::WorkflowInfo {
            workflow_type: "Test".into(),
            workflow_id: "wf-1".into(),
            run_id: "run-1".into(),
            namespace: "default".into(),
            task_queue: "q".into(),
            attempt: 1,
            start_time: "2026-01-01T00:00:00Z".into(),
            ..Default::default()
        },
    }
}

/// The run context `terminal_command` fills command defaults from.
pub fn run_context() -> temporal_wasm_worker::convert::RunContext {
    temporal_wasm_worker::convert::RunContext {
        workflow_type: "Test".into(),
        task_queue: "q".into(),
        namespace: "default".into(),
        run_id: "run-1".into(),
    }
}

pub fn log_context(replaying: bool) -> LogContext {
    LogContext {
        workflow_type: "Test".into(),
        workflow_id: "wf-1".into(),
        run_id: "run-1".into(),
        replaying,
    }
}

/// Runs `bundle` once with `params`.
pub fn run(bundle: &Bundle, params: Vec<abi::Payload>) -> Result<GuestOutcome, GuestBug> {
    run_logged(bundle, params, false).0
}

/// Runs `bundle` once and captures everything it logged, formatted without colours.
pub fn run_logged(
    bundle: &Bundle,
    params: Vec<abi::Payload>,
    replaying: bool,
) -> (Result<GuestOutcome, GuestBug>, String) {
    let info_json: Arc<[u8]> = abi::encode_info(&info(params)).into();
    capture_logs(|| instance::execute(bundle, info_json, log_context(replaying)))
}

/// Runs a durable `bundle`'s first activation, which must end the run, capturing its logs.
pub fn run_durable_logged(bundle: &Bundle) -> (Result<GuestOutcome, GuestBug>, String) {
    capture_logs(|| {
        let mut instance = durable::start(bundle);
        durable::ended(instance.resume()).1
    })
}

/// Runs `body` with every log line captured, formatted without colours.
pub fn capture_logs<R>(body: impl FnOnce() -> R) -> (R, String) {
    let captured = Arc::new(Mutex::new(Vec::new()));
    let writer = {
        let captured = Arc::clone(&captured);
        move || CaptureWriter(Arc::clone(&captured))
    };
    let subscriber = tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let result = tracing::subscriber::with_default(subscriber, body);
    let logs = String::from_utf8_lossy(&captured.lock().unwrap()).into_owned();
    (result, logs)
}

struct CaptureWriter(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

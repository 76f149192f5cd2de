//! The Python-SDK workflow worker (`tests/support/http_workflows.py`) on a task queue of its
//! own: a workflow written with another SDK, calling the wasm worker's HTTP activity type.

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::common::temporal::{python, spawn_watched, support_script};

/// A running `http_workflows.py`, stopped (SIGTERM, forwarded by its watchdog) when dropped.
pub struct PythonWorkflows {
    watchdog: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl PythonWorkflows {
    /// Starts it against `address` on `task_queue` and waits until it polls.
    pub fn start(address: &str, task_queue: &str) -> PythonWorkflows {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("http_workflows.log");
        let pid_file = dir.path().join("http_workflows.pid");
        let args = [
            support_script("http_workflows.py")
                .to_string_lossy()
                .into_owned(),
            "--address".to_owned(),
            address.to_owned(),
            "--task-queue".to_owned(),
            task_queue.to_owned(),
        ];
        let watchdog = spawn_watched(&python(), &args, &log, &pid_file, &[]);
        let mut worker = PythonWorkflows {
            watchdog,
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while !worker.log().lines().any(|line| line.trim() == "ready") {
            let exited = matches!(worker.watchdog.try_wait(), Ok(Some(_)));
            assert!(
                !exited && Instant::now() < deadline,
                "http_workflows.py did not start polling {task_queue}; its log:\n{}",
                worker.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        worker
    }

    /// Everything it has printed so far.
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for PythonWorkflows {
    fn drop(&mut self) {
        if let Ok(None) = self.watchdog.try_wait() {
            let _ = Command::new("kill")
                .arg(self.watchdog.id().to_string())
                .status();
        }
        let _ = self.watchdog.wait();
    }
}

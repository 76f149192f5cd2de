//! The test activity worker: `tests/support/activities.py` on a task queue of the test's choosing.
//!
//! Wasm workflows only schedule activities; some other worker has to run them. This one is the
//! official Python SDK, so what a durable guest gets back (results, application failures,
//! retries, timeouts, cancellations) is what Temporal really records. Like every process the
//! tests start, it runs under the watchdog of [`spawn_watched`], so it never outlives the test
//! process.

#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::temporal::{python, spawn_watched, support_script};

/// How long the worker may take to connect and start polling: a Python start-up and a
/// connection to a server that may itself still be starting.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `activities.py`, stopped gracefully when dropped.
pub struct ActivityWorker {
    /// The task queue it polls: what scripts put in `activity_options.task_queue`.
    pub task_queue: String,
    /// The watchdog shell. A TERM to it is forwarded to the worker, which shuts down gracefully.
    watchdog: Child,
    /// The worker's stdout and stderr, shown when it fails to start.
    log: PathBuf,
    /// Holds the log and pid files for as long as the worker runs.
    _dir: tempfile::TempDir,
}

impl ActivityWorker {
    /// Starts the worker against the server at `address` on `task_queue` and waits until it
    /// polls, so activities a test schedules right after are picked up at once.
    ///
    /// Panics with the worker's log if it exits or is not ready within a minute.
    pub fn start(address: &str, task_queue: &str) -> ActivityWorker {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("activities.log");
        let pid_file = dir.path().join("activities.pid");
        let script = support_script("activities.py");
        let args = [
            script.to_string_lossy().into_owned(),
            "--address".to_owned(),
            address.to_owned(),
            "--task-queue".to_owned(),
            task_queue.to_owned(),
        ];
        let watchdog = spawn_watched(&python(), &args, &log, &pid_file, &[]);
        // Built before waiting, so a failed start still stops the worker through `Drop`.
        let mut worker = ActivityWorker {
            task_queue: task_queue.to_owned(),
            watchdog,
            log,
            _dir: dir,
        };
        worker.wait_until_ready();
        worker
    }

    /// Everything the worker has printed so far, including the activities' own logs.
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }

    /// The worker process's own pid (not the watchdog's), for tests that kill it mid-activity.
    pub fn pid(&self) -> u32 {
        super::temporal::read_pid(&self._dir.path().join("activities.pid"))
    }

    /// Waits for the line `ready`, which the worker prints once it polls its task queue.
    fn wait_until_ready(&mut self) {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if self.log().lines().any(|line| line.trim() == "ready") {
                return;
            }
            // The watchdog exits as soon as the worker does: no need to wait out the timeout.
            let exited = matches!(self.watchdog.try_wait(), Ok(Some(_)));
            if exited || Instant::now() >= deadline {
                let problem = if exited {
                    "exited before it was ready"
                } else {
                    "was not ready within a minute"
                };
                panic!(
                    "the activity worker on task queue {} {problem}; its log:\n{}",
                    self.task_queue,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for ActivityWorker {
    /// Stops the worker as an operator would (SIGTERM, forwarded by the watchdog) and waits
    /// until it has exited, so no activity of this test runs on after it.
    fn drop(&mut self) {
        if let Ok(None) = self.watchdog.try_wait() {
            let _ = Command::new("kill")
                .arg(self.watchdog.id().to_string())
                .status();
        }
        let _ = self.watchdog.wait();
    }
}

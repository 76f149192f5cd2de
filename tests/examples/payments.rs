//! The payment API the order examples charge through: `tests/support/payments.py` on loopback,
//! under the tests' watchdog.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::common::temporal::{python, spawn_watched, support_script};

/// A running payment API, stopped when dropped.
pub struct PaymentApi {
    /// The loopback port it listens on.
    pub port: u16,
    watchdog: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl PaymentApi {
    /// Starts the API on `port`, accepting `token`, and waits until it listens.
    pub fn start(port: u16, token: &str) -> PaymentApi {
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("payments.log");
        let args = [
            support_script("payments.py").to_string_lossy().into_owned(),
            "--port".to_owned(),
            port.to_string(),
            "--token".to_owned(),
            token.to_owned(),
        ];
        let watchdog = spawn_watched(&python(), &args, &log, &dir.path().join("pid"), &[]);
        let api = PaymentApi {
            port,
            watchdog,
            log,
            _dir: dir,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while !api.log().lines().any(|line| line == "ready") {
            assert!(Instant::now() < deadline, "payments.py: {}", api.log());
            std::thread::sleep(Duration::from_millis(50));
        }
        api
    }

    /// The URL the order examples charge.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/charges", self.port)
    }

    /// Its log: `ready`, then one JSON line per request.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for PaymentApi {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.watchdog.id().to_string())
            .status();
        let _ = self.watchdog.wait();
    }
}

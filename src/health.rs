//! A file-based health signal for orchestrators (Docker `HEALTHCHECK`, Kubernetes exec probes).
//!
//! While the worker is connected and polling, a task on its async runtime rewrites the file every
//! [`REFRESH_INTERVAL`]; the file is removed at shutdown. `temporal-wasm-worker health` checks
//! that the file is fresh, so a worker whose runtime is wedged, or that lost its server and is
//! reconnecting, or that stopped, reads as unhealthy — without opening any network port.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// How often a healthy worker refreshes its health file.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(5);

/// Default age after which `health` reports the worker unhealthy (several missed refreshes).
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30);

/// Why the worker is not healthy.
#[derive(Debug, thiserror::Error)]
pub enum HealthError {
    /// The file is missing or unreadable: the worker never connected, or it stopped.
    #[error("health file {path} is missing or unreadable ({reason}): the worker is not polling")]
    Missing {
        /// The health file.
        path: PathBuf,
        /// What the file system said.
        reason: String,
    },
    /// The file was not refreshed recently.
    #[error("health file {path} was last refreshed {age:?} ago, more than {max_age:?}")]
    Stale {
        /// The health file.
        path: PathBuf,
        /// Time since the last refresh.
        age: Duration,
        /// The allowed age.
        max_age: Duration,
    },
}

/// Refreshes `path` every [`REFRESH_INTERVAL`] until the task is aborted.
pub async fn keep_fresh(path: PathBuf) {
    loop {
        let stamp = format!("{:?}\n", SystemTime::now());
        if let Err(err) = tokio::fs::write(&path, stamp).await {
            tracing::warn!(path = %path.display(), "cannot write the health file: {err}");
        }
        tokio::time::sleep(REFRESH_INTERVAL).await;
    }
}

/// Removes the health file, so a stopped worker reads as unhealthy at once.
pub fn clear(path: &Path) {
    let _ = std::fs::remove_file(path);
}

/// Checks that `path` was refreshed within `max_age`; returns its age.
pub fn check(path: &Path, max_age: Duration) -> Result<Duration, HealthError> {
    let modified = std::fs::metadata(path)
        .and_then(|metadata| metadata.modified())
        .map_err(|err| HealthError::Missing {
            path: path.to_owned(),
            reason: err.to_string(),
        })?;
    let age = SystemTime::now()
        .duration_since(modified)
        .unwrap_or(Duration::ZERO);
    if age > max_age {
        return Err(HealthError::Stale {
            path: path.to_owned(),
            age,
            max_age,
        });
    }
    Ok(age)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_is_unhealthy() {
        let dir = tempfile::tempdir().unwrap();
        let err = check(&dir.path().join("health"), DEFAULT_MAX_AGE).unwrap_err();
        assert!(matches!(err, HealthError::Missing { .. }), "{err}");
    }

    #[test]
    fn fresh_file_is_healthy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("health");
        std::fs::write(&path, "now").unwrap();
        assert!(check(&path, DEFAULT_MAX_AGE).unwrap() < DEFAULT_MAX_AGE);
    }

    #[test]
    fn stale_file_is_unhealthy() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("health");
        std::fs::write(&path, "old").unwrap();
        let old = SystemTime::now() - Duration::from_secs(120);
        std::fs::File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(old)
            .unwrap();
        let err = check(&path, DEFAULT_MAX_AGE).unwrap_err();
        assert!(matches!(err, HealthError::Stale { .. }), "{err}");
    }

    #[tokio::test]
    async fn keep_fresh_writes_the_file_and_clear_removes_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("health");
        let task = tokio::spawn(keep_fresh(path.clone()));
        for _ in 0..100 {
            if path.exists() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(check(&path, DEFAULT_MAX_AGE).is_ok());
        task.abort();
        clear(&path);
        assert!(check(&path, DEFAULT_MAX_AGE).is_err());
    }
}

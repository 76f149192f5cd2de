//! How every property test of the suite runs: a bounded number of cases by default (so
//! `cargo test` stays quick) that `PROPTEST_CASES` raises, and failures saved in the repo's
//! `proptest-regressions/` so a found case is replayed on every run after.

use proptest::test_runner::{Config, FileFailurePersistence};

/// The config of a property test file: `default_cases` unless `PROPTEST_CASES` says otherwise,
/// failures saved to `regressions` (a path from the crate root).
pub fn config(default_cases: u32, regressions: &'static str) -> Config {
    let default = Config::default();
    Config {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            default.cases
        } else {
            default_cases
        },
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
        ..default
    }
}

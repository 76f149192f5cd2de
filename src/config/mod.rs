//! The worker's configuration: a TOML file plus environment overrides, validated once at start-up
//! into typed settings. Nothing else in the crate reads raw configuration.
//!
//! Sources, later ones winning:
//! 1. a Temporal client config profile (the TOML file Temporal's CLI and SDKs share), when one is
//!    named with `temporal.profile`, `TEMPORAL_PROFILE` or `TEMPORAL_CONFIG_FILE`: its address,
//!    namespace, API key and TLS settings;
//! 2. the TOML file given with `--config`;
//! 3. Temporal's standard variables (`TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`,
//!    `TEMPORAL_TLS*`, `TEMPORAL_PROFILE`);
//! 4. `TWW__SECTION__KEY` variables, one per key (`TWW__TEMPORAL__TASK_QUEUE=orders`,
//!    `TWW__WORKFLOWS__greet__DEADLINE_MS=500`).
//!
//! Unknown keys anywhere are an error naming them, so a typo never passes silently.
//!
//! The layers (`env`) are merged into the serde shapes of `raw`, then each section is validated
//! by its own module (`temporal`, `worker`, `workflows`, `http`; metrics and logging, a key or two
//! each, here) into the typed settings of `settings` and `http`, the only parts re-exported.

mod env;
mod error;
mod http;
mod raw;
mod settings;
mod temporal;
mod worker;
mod workflows;

use std::path::Path;

pub use env::{ENV_PREFIX, ENV_SEPARATOR, TEMPORAL_CONFIG_FILE_VAR, TEMPORAL_ENV_VARS};
pub use error::ConfigError;
pub(crate) use http::is_secret_name_char;
pub use http::{
    AllowedHost, DEFAULT_HTTP_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_HTTP_TIMEOUT,
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT, HostPattern, HttpActivitySettings, HttpScheme,
    MAX_CONCURRENT_REQUESTS_LIMIT, MAX_HTTP_TIMEOUT_LIMIT, MAX_RESPONSE_BYTES_LIMIT,
};
pub use settings::{
    DeploymentSettings, LogFormat, LoggingSettings, Secret, Settings, TemporalSettings,
    TlsSettings, TunerSettings, UsageTarget, WorkerSettings,
};
pub use temporal::{DEFAULT_ADDRESS, DEFAULT_NAMESPACE};
pub use worker::{
    DEFAULT_MAX_ACTIVITY_SLOTS, DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS, DEFAULT_MAX_WORKFLOW_SLOTS,
    DEFAULT_MIN_WORKFLOW_SLOTS, DEFAULT_SHUTDOWN_TIMEOUT, DEFAULT_TARGET_CPU_USAGE,
    DEFAULT_TARGET_MEMORY_USAGE, FALLBACK_MAX_CACHED_WORKFLOWS, MAX_CACHED_WORKFLOWS_LIMIT,
    MAX_DEFAULT_MAX_CACHED_WORKFLOWS, MAX_TUNER_SLOTS, MEMORY_PER_CACHED_WORKFLOW,
    MIN_DEFAULT_MAX_CACHED_WORKFLOWS, default_max_cached_workflows,
    default_max_cached_workflows_within,
};
pub use workflows::{DEFAULT_DEADLINE, DEFAULT_MEMORY_LIMIT_MIB, MAX_MEMORY_LIMIT_MIB};

use raw::RawConfig;

/// Loads `path`, applies the environment overrides from `env`, and validates the result.
///
/// `env` is passed in (rather than read here) so that tests can supply their own variables.
pub fn load(path: &Path, env: &[(String, String)]) -> Result<Settings, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_owned(),
        message,
    };
    let text =
        std::fs::read_to_string(path).map_err(|err| invalid(format!("cannot read: {err}")))?;

    // Temporal's standard variables, renamed to their keys, as a source between the file and
    // the prefixed variables (config's `set_override` would beat the prefixed ones).
    let mut builder = config::Config::builder()
        .add_source(config::File::from_str(&text, config::FileFormat::Toml))
        .add_source(
            config::Environment::default()
                .separator(ENV_SEPARATOR)
                .try_parsing(true)
                .source(Some(env::standard_variables(env))),
        );
    for (key, value) in env::prefixed_overrides(env) {
        builder = builder
            .set_override(key, value)
            .map_err(|err| invalid(err.to_string()))?;
    }
    let raw: RawConfig = builder
        .build()
        .and_then(|config| config.try_deserialize())
        .map_err(|err| invalid(err.to_string()))?;
    validate(path, raw, env)
}

/// Turns the merged file into settings, section by section, naming the first key at fault.
fn validate(
    path: &Path,
    raw: RawConfig,
    env: &[(String, String)],
) -> Result<Settings, ConfigError> {
    let value_error = |key: &str, problem: String| ConfigError::Value {
        path: path.to_owned(),
        key: key.to_owned(),
        problem,
    };
    let config_dir = path.parent().unwrap_or_else(|| Path::new("."));

    let temporal = temporal::temporal_settings(raw.temporal, config_dir, env::profile_file(env))
        .map_err(|(key, problem)| value_error(&key, problem))?;

    let worker = worker::validate_worker(raw.worker, config_dir)
        .map_err(|(key, problem)| value_error(key, problem))?;

    let workflows = workflows::validate_workflows(raw.workflow_defaults, raw.workflows, config_dir)
        .map_err(|(key, problem)| value_error(&key, problem))?;

    let http_activities = http::validate_http(raw.http_activities, config_dir, env)
        .map_err(|(key, problem)| value_error(&key, problem))?;

    let prometheus_address = match raw
        .metrics
        .prometheus_address
        .filter(|address| !address.is_empty())
    {
        None => None,
        Some(address) => Some(address.parse().map_err(|err| {
            value_error(
                "metrics.prometheus_address",
                format!("must be ip:port such as 0.0.0.0:9464, got `{address}`: {err}"),
            )
        })?),
    };
    let max_guest_label_sets = raw
        .metrics
        .max_guest_label_sets
        .unwrap_or(DEFAULT_MAX_GUEST_LABEL_SETS);
    if !(1..=100_000).contains(&max_guest_label_sets) {
        return Err(value_error(
            "metrics.max_guest_label_sets",
            format!("must be between 1 and 100000, got {max_guest_label_sets}"),
        ));
    }
    let logging = LoggingSettings {
        format: raw.logging.format.unwrap_or_default(),
        level: raw.logging.level.unwrap_or_else(|| "info".to_owned()),
    };
    if let Err(err) = tracing_subscriber::EnvFilter::try_new(&logging.level) {
        return Err(value_error(
            "logging.level",
            format!("is not a valid filter: {err}"),
        ));
    }

    Ok(Settings {
        config_path: path.to_owned(),
        temporal,
        worker,
        prometheus_address,
        max_guest_label_sets,
        logging,
        workflows,
        http_activities,
    })
}

/// Default of `metrics.max_guest_label_sets`.
pub const DEFAULT_MAX_GUEST_LABEL_SETS: usize = 100;

/// `value`, unless it is empty or only whitespace (which no key accepts).
fn non_empty(value: String) -> Option<String> {
    if value.trim().is_empty() {
        None
    } else {
        Some(value)
    }
}

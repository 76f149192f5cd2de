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

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use temporalio_common::envconfig::{
    ClientConfigProfile, ClientConfigTLS, DataSource, LoadClientConfigProfileOptions,
    load_client_config_profile,
};

use crate::sandbox::BundleSpec;
use crate::sandbox::GuestBugPolicy;
use crate::sandbox::InstanceLimits;

/// Prefix of the per-key environment overrides (`TWW__TEMPORAL__ADDRESS`).
pub const ENV_PREFIX: &str = "TWW";

/// Separator between the prefix, section and key of an environment override.
pub const ENV_SEPARATOR: &str = "__";

/// Temporal's standard environment variables, with the key each one overrides.
pub const TEMPORAL_ENV_VARS: [(&str, &str); 9] = [
    ("TEMPORAL_ADDRESS", "temporal.address"),
    ("TEMPORAL_NAMESPACE", "temporal.namespace"),
    ("TEMPORAL_API_KEY", "temporal.api_key"),
    ("TEMPORAL_PROFILE", "temporal.profile"),
    ("TEMPORAL_TLS", "temporal.tls.enabled"),
    (
        "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
        "temporal.tls.server_ca_cert",
    ),
    ("TEMPORAL_TLS_CLIENT_CERT_PATH", "temporal.tls.client_cert"),
    ("TEMPORAL_TLS_CLIENT_KEY_PATH", "temporal.tls.client_key"),
    ("TEMPORAL_TLS_SERVER_NAME", "temporal.tls.server_name"),
];

/// Names the Temporal client config file holding the profiles (Temporal's own variable).
pub const TEMPORAL_CONFIG_FILE_VAR: &str = "TEMPORAL_CONFIG_FILE";

/// Default run deadline.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(2);
/// Default memory cap per run, in MiB.
pub const DEFAULT_MEMORY_LIMIT_MIB: u32 = 64;
/// Largest memory cap a 32-bit wasm memory can use, in MiB.
pub const MAX_MEMORY_LIMIT_MIB: u32 = 4096;
/// Default number of outstanding workflow tasks core may hand the worker at once.
pub const DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS: usize = 100;
/// Default time to finish in-flight work after SIGINT/SIGTERM.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// A configuration problem, naming the file and key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read or parsed, or a key has the wrong type or is unknown.
    #[error("config {path}: {message}")]
    Invalid {
        /// The config file.
        path: PathBuf,
        /// What the parser said, including the key.
        message: String,
    },
    /// A key parsed but its value is not acceptable.
    #[error("config {path}: `{key}` {problem}")]
    Value {
        /// The config file.
        path: PathBuf,
        /// Dotted key, e.g. `workflows.Greet.deadline_ms`.
        key: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// A secret string that never prints.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret value, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where and as whom the worker connects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemporalSettings {
    /// Server URL, `https://` exactly when TLS is in use.
    pub target_url: String,
    /// Namespace to serve.
    pub namespace: String,
    /// Task queue to poll.
    pub task_queue: String,
    /// Temporal Cloud API key, sent as `authorization: Bearer <key>`; implies TLS.
    pub api_key: Option<Secret>,
    /// TLS material, when TLS is on.
    pub tls: Option<TlsSettings>,
}

/// TLS to the server: which CA to trust, which name to check, and the client's own certificate
/// for mTLS. PEM contents are read once, when the config is loaded.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TlsSettings {
    /// CA certificate(s) to trust; the system's roots when absent (Temporal Cloud).
    pub server_ca_cert: Option<Vec<u8>>,
    /// Name to verify the server certificate against, when it differs from the address's host.
    pub server_name: Option<String>,
    /// Client certificate and private key for mTLS.
    pub client_identity: Option<(Vec<u8>, Secret)>,
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field(
                "server_ca_cert",
                &self.server_ca_cert.as_ref().map(Vec::len),
            )
            .field("server_name", &self.server_name)
            .field("mtls", &self.client_identity.is_some())
            .finish()
    }
}

/// How much work the worker takes on at once, and who it says it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkerSettings {
    /// Runs executing at the same time (also the number of pooled instance slots).
    pub max_concurrent_runs: u32,
    /// Workflow tasks core may hand out before the worker completes some.
    pub max_outstanding_workflow_tasks: usize,
    /// Runs core keeps cached between workflow tasks (sticky queues when above 0).
    pub max_cached_workflows: usize,
    /// Identity shown in Temporal's UI and history.
    pub identity: String,
    /// Build id reported to Temporal, when the operator pins one; by default it is derived from
    /// the registered bundles (`BundleRegistry::build_id`).
    pub build_id: Option<String>,
    /// Folder of compiled modules reused across restarts; `None` compiles every bundle at start.
    pub module_cache_dir: Option<PathBuf>,
    /// A file touched while the worker is connected and its runtime is responsive, for
    /// orchestrators' health checks (`temporal-wasm-worker health`).
    pub health_file: Option<PathBuf>,
    /// How long in-flight work may take to finish after a shutdown signal.
    pub shutdown_timeout: Duration,
}

/// How the worker logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// Logging settings; `RUST_LOG`, when set, wins over `level`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggingSettings {
    /// Line format.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `info,guest=debug`.
    pub level: String,
}

/// The whole validated configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    /// The config file it came from.
    pub config_path: PathBuf,
    /// Server connection.
    pub temporal: TemporalSettings,
    /// Worker tuning.
    pub worker: WorkerSettings,
    /// Where the Prometheus endpoint listens; `None` (the default) serves no metrics.
    pub prometheus_address: Option<std::net::SocketAddr>,
    /// Log format and level.
    pub logging: LoggingSettings,
    /// Registered workflows, sorted by type.
    pub workflows: Vec<BundleSpec>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    temporal: RawTemporal,
    #[serde(default)]
    worker: RawWorker,
    #[serde(default)]
    workflow_defaults: RawWorkflowDefaults,
    #[serde(default)]
    workflows: BTreeMap<String, RawWorkflow>,
    #[serde(default)]
    metrics: RawMetrics,
    #[serde(default)]
    logging: RawLogging,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetrics {
    prometheus_address: Option<String>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogging {
    format: Option<LogFormat>,
    level: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemporal {
    address: Option<String>,
    namespace: Option<String>,
    task_queue: String,
    api_key: Option<Secret>,
    profile: Option<String>,
    #[serde(default)]
    tls: RawTls,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTls {
    enabled: Option<bool>,
    server_ca_cert: Option<PathBuf>,
    client_cert: Option<PathBuf>,
    client_key: Option<PathBuf>,
    server_name: Option<String>,
}

/// Default server address, Temporal's dev server.
pub const DEFAULT_ADDRESS: &str = "localhost:7233";
/// Default namespace.
pub const DEFAULT_NAMESPACE: &str = "default";

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorker {
    max_concurrent_runs: Option<u32>,
    max_outstanding_workflow_tasks: Option<usize>,
    max_cached_workflows: Option<usize>,
    identity: Option<String>,
    build_id: Option<String>,
    health_file: Option<PathBuf>,
    module_cache_dir: Option<PathBuf>,
    shutdown_timeout_secs: Option<u64>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkflowDefaults {
    deadline_ms: Option<u64>,
    memory_limit_mib: Option<u32>,
    on_guest_bug: Option<GuestBugPolicy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkflow {
    module: PathBuf,
    deadline_ms: Option<u64>,
    memory_limit_mib: Option<u32>,
    on_guest_bug: Option<GuestBugPolicy>,
}

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
    let standard: std::collections::HashMap<String, String> = TEMPORAL_ENV_VARS
        .iter()
        .filter_map(|(variable, key)| {
            let (_, value) = env.iter().find(|(name, _)| name == variable)?;
            // Temporal's *_PATH variables are relative to the working directory, as in the CLI
            // (paths in the config file stay relative to its folder).
            let value = if variable.ends_with("_PATH") {
                absolute_from_working_dir(value)
            } else {
                value.clone()
            };
            Some((key.replace('.', ENV_SEPARATOR), value))
        })
        .collect();
    let mut builder = config::Config::builder()
        .add_source(config::File::from_str(&text, config::FileFormat::Toml))
        .add_source(
            config::Environment::default()
                .separator(ENV_SEPARATOR)
                .try_parsing(true)
                .source(Some(standard)),
        );
    for (key, value) in prefixed_overrides(env) {
        builder = builder
            .set_override(key, value)
            .map_err(|err| invalid(err.to_string()))?;
    }
    let raw: RawConfig = builder
        .build()
        .and_then(|config| config.try_deserialize())
        .map_err(|err| invalid(err.to_string()))?;
    let config_file = env
        .iter()
        .find(|(name, _)| name == TEMPORAL_CONFIG_FILE_VAR)
        .map(|(_, value)| PathBuf::from(value));
    validate(path, raw, config_file)
}

fn absolute_from_working_dir(path: &str) -> String {
    match std::env::current_dir() {
        Ok(dir) if Path::new(path).is_relative() => dir.join(path).to_string_lossy().into_owned(),
        _ => path.to_owned(),
    }
}

/// `TWW__SECTION__KEY=value` variables as `section.key` overrides.
///
/// Keys are matched case-insensitively, except a workflow type (`TWW__WORKFLOWS__Greet__MODULE`),
/// which keeps its case because Temporal's workflow types are case-sensitive. (config's own
/// environment source lowercases every key, so it cannot address `Greet`.)
fn prefixed_overrides(env: &[(String, String)]) -> Vec<(String, String)> {
    let prefix = format!("{ENV_PREFIX}{ENV_SEPARATOR}");
    env.iter()
        .filter_map(|(name, value)| {
            let rest = name.strip_prefix(&prefix)?;
            let segments: Vec<&str> = rest.split(ENV_SEPARATOR).collect();
            let in_workflows = segments.first()?.eq_ignore_ascii_case("workflows");
            let key = segments
                .iter()
                .enumerate()
                .map(|(index, segment)| {
                    if in_workflows && index == 1 {
                        (*segment).to_owned()
                    } else {
                        segment.to_ascii_lowercase()
                    }
                })
                .collect::<Vec<_>>()
                .join(".");
            Some((key, value.clone()))
        })
        .collect()
}

fn validate(
    path: &Path,
    raw: RawConfig,
    profile_file: Option<PathBuf>,
) -> Result<Settings, ConfigError> {
    let value_error = |key: &str, problem: String| ConfigError::Value {
        path: path.to_owned(),
        key: key.to_owned(),
        problem,
    };
    let config_dir = path.parent().unwrap_or_else(|| Path::new("."));

    let temporal = temporal_settings(raw.temporal, config_dir, profile_file)
        .map_err(|(key, problem)| value_error(&key, problem))?;

    let worker = validate_worker(raw.worker, config_dir)
        .map_err(|(key, problem)| value_error(key, problem))?;

    let defaults = raw.workflow_defaults;
    let default_deadline_ms = defaults
        .deadline_ms
        .unwrap_or(DEFAULT_DEADLINE.as_millis() as u64);
    let default_memory_mib = defaults
        .memory_limit_mib
        .unwrap_or(DEFAULT_MEMORY_LIMIT_MIB);
    check_deadline(default_deadline_ms)
        .map_err(|problem| value_error("workflow_defaults.deadline_ms", problem))?;
    check_memory_limit(default_memory_mib)
        .map_err(|problem| value_error("workflow_defaults.memory_limit_mib", problem))?;

    if raw.workflows.is_empty() {
        return Err(value_error(
            "workflows",
            "registers no workflow type: add a `[workflows.<Type>]` table with a `module`".into(),
        ));
    }
    let mut workflows = Vec::with_capacity(raw.workflows.len());
    for (workflow_type, workflow) in raw.workflows {
        let key = |field: &str| format!("workflows.{workflow_type}.{field}");
        if workflow_type.trim().is_empty() {
            return Err(value_error(
                "workflows",
                "has a table with an empty type name".into(),
            ));
        }
        let deadline_ms = workflow.deadline_ms.unwrap_or(default_deadline_ms);
        check_deadline(deadline_ms).map_err(|problem| value_error(&key("deadline_ms"), problem))?;
        let memory_mib = workflow.memory_limit_mib.unwrap_or(default_memory_mib);
        check_memory_limit(memory_mib)
            .map_err(|problem| value_error(&key("memory_limit_mib"), problem))?;
        if workflow.module.as_os_str().is_empty() {
            return Err(value_error(&key("module"), "must name a .wasm file".into()));
        }
        workflows.push(BundleSpec {
            module_path: config_dir.join(&workflow.module),
            limits: InstanceLimits {
                deadline: Duration::from_millis(deadline_ms),
                memory_limit_bytes: u64::from(memory_mib) * 1024 * 1024,
                ..InstanceLimits::DEFAULT
            },
            on_guest_bug: workflow
                .on_guest_bug
                .or(defaults.on_guest_bug)
                .unwrap_or_default(),
            workflow_type,
        });
    }

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
        logging,
        workflows,
    })
}

/// Merges the connection settings of the config (and environment) over those of a Temporal
/// client profile, then reads the TLS material.
fn temporal_settings(
    raw: RawTemporal,
    config_dir: &Path,
    profile_file: Option<PathBuf>,
) -> Result<TemporalSettings, (String, String)> {
    let problem = |key: &str, message: String| (key.to_owned(), message);
    let profile = match (&raw.profile, &profile_file) {
        (None, None) => None,
        (name, file) => Some(load_profile(name.as_deref(), file.as_deref())?),
    };
    let profile_tls = profile.as_ref().and_then(|profile| profile.tls.clone());

    let api_key = raw
        .api_key
        .or_else(|| profile.as_ref().and_then(|p| p.api_key.clone()).map(Secret))
        .filter(|key| !key.0.is_empty());
    let address = raw
        .address
        .or_else(|| profile.as_ref().and_then(|p| p.address.clone()))
        .unwrap_or_else(|| DEFAULT_ADDRESS.to_owned());
    let namespace = raw
        .namespace
        .or_else(|| profile.as_ref().and_then(|p| p.namespace.clone()))
        .unwrap_or_else(|| DEFAULT_NAMESPACE.to_owned());

    // A PEM file from our own config (relative to its folder) or from the profile (path or inline).
    let read_pem = |key: &str,
                    own: Option<PathBuf>,
                    from_profile: Option<DataSource>|
     -> Result<Option<Vec<u8>>, (String, String)> {
        let source = match (own, from_profile) {
            (Some(path), _) => {
                DataSource::Path(config_dir.join(path).to_string_lossy().into_owned())
            }
            (None, Some(source)) => source,
            (None, None) => return Ok(None),
        };
        match source {
            DataSource::Data(bytes) => Ok(Some(bytes)),
            DataSource::Path(file) => std::fs::read(&file)
                .map(Some)
                .map_err(|err| problem(key, format!("cannot read {file}: {err}"))),
            _ => Err(problem(
                key,
                "has a kind of data source this worker does not know".into(),
            )),
        }
    };
    let from_profile =
        |pick: fn(&ClientConfigTLS) -> Option<DataSource>| profile_tls.as_ref().and_then(pick);
    let server_ca_cert = read_pem(
        "temporal.tls.server_ca_cert",
        raw.tls.server_ca_cert,
        from_profile(|tls| tls.server_ca_cert.clone()),
    )?;
    let client_cert = read_pem(
        "temporal.tls.client_cert",
        raw.tls.client_cert,
        from_profile(|tls| tls.client_cert.clone()),
    )?;
    let client_key = read_pem(
        "temporal.tls.client_key",
        raw.tls.client_key,
        from_profile(|tls| tls.client_key.clone()),
    )?;
    let server_name = raw
        .tls
        .server_name
        .or_else(|| profile_tls.as_ref().and_then(|tls| tls.server_name.clone()));
    let client_identity = match (client_cert, client_key) {
        (Some(cert), Some(key)) => Some((cert, Secret(String::from_utf8_lossy(&key).into_owned()))),
        (None, None) => None,
        (Some(_), None) => {
            return Err(problem(
                "temporal.tls.client_key",
                "is required with temporal.tls.client_cert".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(problem(
                "temporal.tls.client_cert",
                "is required with temporal.tls.client_key".into(),
            ));
        }
    };

    let has_tls_material =
        server_ca_cert.is_some() || client_identity.is_some() || server_name.is_some();
    let tls_enabled = raw
        .tls
        .enabled
        .or_else(|| {
            profile_tls
                .as_ref()
                .and_then(|tls| tls.disabled.map(|disabled| !disabled))
        })
        .unwrap_or(has_tls_material || api_key.is_some() || address.trim().starts_with("https://"));
    if !tls_enabled && has_tls_material {
        return Err(problem(
            "temporal.tls.enabled",
            "is false, but TLS certificates or a server name are configured".into(),
        ));
    }
    let target_url = target_url(&address, tls_enabled)
        .map_err(|message| problem("temporal.address", message))?;
    if tls_enabled != target_url.starts_with("https://") {
        return Err(problem(
            "temporal.address",
            format!("`{address}` disagrees with temporal.tls.enabled = {tls_enabled}"),
        ));
    }
    Ok(TemporalSettings {
        target_url,
        namespace: non_empty(namespace)
            .ok_or_else(|| problem("temporal.namespace", "must not be empty".into()))?,
        task_queue: non_empty(raw.task_queue)
            .ok_or_else(|| problem("temporal.task_queue", "must not be empty".into()))?,
        api_key,
        tls: tls_enabled.then_some(TlsSettings {
            server_ca_cert,
            server_name,
            client_identity,
        }),
    })
}

/// Loads a profile from Temporal's client config file (the one the CLI uses): `file`, or
/// Temporal's default location; profile `name`, or `default`.
fn load_profile(
    name: Option<&str>,
    file: Option<&Path>,
) -> Result<ClientConfigProfile, (String, String)> {
    let options = LoadClientConfigProfileOptions::builder()
        .maybe_config_source(file.map(|file| DataSource::Path(file.to_string_lossy().into_owned())))
        .maybe_config_file_profile(name.map(str::to_owned))
        // Environment variables are applied by `load`, with this crate's precedence.
        .disable_env(true)
        .build();
    load_client_config_profile(options, None).map_err(|err| {
        (
            "temporal.profile".to_owned(),
            format!(
                "cannot load Temporal client profile `{}`{}: {err}",
                name.unwrap_or("default"),
                file.map(|file| format!(" from {}", file.display()))
                    .unwrap_or_default()
            ),
        )
    })
}

fn validate_worker(
    raw: RawWorker,
    config_dir: &Path,
) -> Result<WorkerSettings, (&'static str, String)> {
    // Relative paths resolve against the config file's folder, like bundle paths.
    let path_in_config_dir = |path: Option<PathBuf>| {
        path.filter(|path| !path.as_os_str().is_empty())
            .map(|path| config_dir.join(path))
    };
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get() as u32);
    let max_concurrent_runs = raw.max_concurrent_runs.unwrap_or(cpus);
    if !(1..=1024).contains(&max_concurrent_runs) {
        return Err((
            "worker.max_concurrent_runs",
            format!("must be between 1 and 1024, got {max_concurrent_runs}"),
        ));
    }
    let max_cached_workflows = raw.max_cached_workflows.unwrap_or(0);
    let max_outstanding_workflow_tasks = raw
        .max_outstanding_workflow_tasks
        .unwrap_or(DEFAULT_MAX_OUTSTANDING_WORKFLOW_TASKS);
    let minimum_outstanding = if max_cached_workflows > 0 { 2 } else { 1 };
    if max_outstanding_workflow_tasks < minimum_outstanding {
        return Err((
            "worker.max_outstanding_workflow_tasks",
            format!(
                "must be at least {minimum_outstanding} (core requires 2 when \
                 max_cached_workflows > 0), got {max_outstanding_workflow_tasks}"
            ),
        ));
    }
    let identity = match raw.identity {
        Some(identity) => {
            non_empty(identity).ok_or(("worker.identity", "must not be empty".to_owned()))?
        }
        None => default_identity(),
    };
    let build_id = match raw.build_id {
        Some(build_id) => {
            Some(non_empty(build_id).ok_or(("worker.build_id", "must not be empty".to_owned()))?)
        }
        None => None,
    };
    Ok(WorkerSettings {
        max_concurrent_runs,
        max_outstanding_workflow_tasks,
        max_cached_workflows,
        identity,
        build_id,
        health_file: path_in_config_dir(raw.health_file),
        module_cache_dir: path_in_config_dir(raw.module_cache_dir),
        shutdown_timeout: raw
            .shutdown_timeout_secs
            .map_or(DEFAULT_SHUTDOWN_TIMEOUT, Duration::from_secs),
    })
}

/// `temporal-wasm-worker@<host>:<pid>`, the shape Temporal's SDKs use for identities.
fn default_identity() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned());
    format!("temporal-wasm-worker@{host}:{}", std::process::id())
}

fn non_empty(value: String) -> Option<String> {
    if value.trim().is_empty() {
        None
    } else {
        Some(value)
    }
}

fn check_deadline(deadline_ms: u64) -> Result<(), String> {
    // A run longer than Temporal's default 10 s workflow task timeout could never complete its task.
    if (1..=60_000).contains(&deadline_ms) {
        Ok(())
    } else {
        Err(format!("must be between 1 and 60000 ms, got {deadline_ms}"))
    }
}

fn check_memory_limit(memory_mib: u32) -> Result<(), String> {
    if (1..=MAX_MEMORY_LIMIT_MIB).contains(&memory_mib) {
        Ok(())
    } else {
        Err(format!(
            "must be between 1 and {MAX_MEMORY_LIMIT_MIB} MiB (a 32-bit wasm memory), got {memory_mib}"
        ))
    }
}

/// Turns `host:port` or `http(s)://host:port` into the URL core connects to.
fn target_url(address: &str, tls: bool) -> Result<String, String> {
    let address = address.trim();
    let (scheme, rest) = match address.split_once("://") {
        Some((scheme @ ("http" | "https"), rest)) => (scheme, rest),
        Some((scheme, _)) => {
            return Err(format!(
                "has unsupported scheme `{scheme}` (use http or https)"
            ));
        }
        None => (if tls { "https" } else { "http" }, address),
    };
    let rest = rest.trim_end_matches('/');
    let port_ok = rest
        .rsplit_once(':')
        .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0));
    if !port_ok || rest.contains('/') {
        return Err(format!(
            "must be host:port or http(s)://host:port, got `{address}`"
        ));
    }
    Ok(format!("{scheme}://{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_config(dir: &tempfile::TempDir, text: &str) -> PathBuf {
        let path = dir.path().join("worker.toml");
        std::fs::write(&path, text).unwrap();
        path
    }

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }

    const MINIMAL: &str = r#"
        [temporal]
        task_queue = "wasm-workflows"

        [workflows.Greet]
        module = "bundles/greet.wasm"
    "#;

    #[test]
    fn minimal_config_gets_defaults_and_resolves_module_against_config_folder() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, MINIMAL);
        let settings = load(&path, &[]).unwrap();
        assert_eq!(settings.temporal.target_url, "http://localhost:7233");
        assert_eq!(settings.temporal.namespace, "default");
        assert_eq!(settings.temporal.task_queue, "wasm-workflows");
        assert_eq!(settings.temporal.api_key, None);
        let greet = &settings.workflows[0];
        assert_eq!(greet.workflow_type, "Greet");
        assert_eq!(greet.module_path, dir.path().join("bundles/greet.wasm"));
        assert_eq!(greet.limits.deadline, DEFAULT_DEADLINE);
        assert_eq!(greet.limits.memory_limit_bytes, 64 * 1024 * 1024);
        assert_eq!(greet.on_guest_bug, GuestBugPolicy::FailTask);
        assert!(
            settings
                .worker
                .identity
                .starts_with("temporal-wasm-worker@")
        );
        assert!(settings.worker.max_concurrent_runs >= 1);
    }

    #[test]
    fn workflow_type_keeps_its_case() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, MINIMAL);
        assert_eq!(
            load(&path, &[]).unwrap().workflows[0].workflow_type,
            "Greet"
        );
    }

    #[test]
    fn per_workflow_settings_override_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(
            &dir,
            r#"
            [temporal]
            task_queue = "q"
            [workflow_defaults]
            deadline_ms = 500
            memory_limit_mib = 16
            on_guest_bug = "fail_workflow"
            [workflows.A]
            module = "a.wasm"
            [workflows.B]
            module = "/abs/b.wasm"
            deadline_ms = 50
            memory_limit_mib = 2
            on_guest_bug = "fail_task"
            "#,
        );
        let settings = load(&path, &[]).unwrap();
        let a = &settings.workflows[0];
        assert_eq!(a.limits.deadline, Duration::from_millis(500));
        assert_eq!(a.limits.memory_limit_bytes, 16 << 20);
        assert_eq!(a.on_guest_bug, GuestBugPolicy::FailWorkflow);
        let b = &settings.workflows[1];
        assert_eq!(b.module_path, PathBuf::from("/abs/b.wasm"));
        assert_eq!(b.limits.deadline, Duration::from_millis(50));
        assert_eq!(b.limits.memory_limit_bytes, 2 << 20);
        assert_eq!(b.on_guest_bug, GuestBugPolicy::FailTask);
    }

    #[test]
    fn unknown_key_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(
            &dir,
            &MINIMAL.replace("task_queue", "adress = \"x\"\ntask_queue"),
        );
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("adress"), "{err}");
        assert!(err.contains("worker.toml"), "{err}");
    }

    #[test]
    fn unknown_workflow_key_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, &format!("{MINIMAL}\ndeadline = 5\n"));
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("deadline"), "{err}");
    }

    #[test]
    fn unknown_section_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, &format!("{MINIMAL}\n[wokrer]\nidentity = \"x\"\n"));
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("wokrer"), "{err}");
    }

    #[test]
    fn missing_task_queue_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, "[temporal]\n[workflows.A]\nmodule = \"a.wasm\"\n");
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("task_queue"), "{err}");
    }

    #[test]
    fn missing_file_is_an_error_naming_it() {
        let err = load(Path::new("/nonexistent/worker.toml"), &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("/nonexistent/worker.toml"), "{err}");
    }

    #[test]
    fn malformed_toml_is_an_error_naming_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, "[temporal\n");
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("worker.toml"), "{err}");
    }

    #[test]
    fn config_without_workflows_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, "[temporal]\ntask_queue = \"q\"\n");
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("registers no workflow type"), "{err}");
    }

    #[test]
    fn out_of_range_limits_name_the_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, &format!("{MINIMAL}memory_limit_mib = 5000\n"));
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("workflows.Greet.memory_limit_mib"), "{err}");
        let path = write_config(&dir, &format!("{MINIMAL}deadline_ms = 0\n"));
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("workflows.Greet.deadline_ms"), "{err}");
    }

    #[test]
    fn unknown_guest_bug_policy_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, &format!("{MINIMAL}on_guest_bug = \"ignore\"\n"));
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("ignore"), "{err}");
    }

    #[test]
    fn temporal_standard_variables_override_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, MINIMAL);
        let settings = load(
            &path,
            &env(&[
                ("TEMPORAL_ADDRESS", "temporal.example:7233"),
                ("TEMPORAL_NAMESPACE", "prod"),
                ("TEMPORAL_API_KEY", "sekrit"),
            ]),
        )
        .unwrap();
        // An API key implies TLS.
        assert_eq!(
            settings.temporal.target_url,
            "https://temporal.example:7233"
        );
        assert_eq!(settings.temporal.namespace, "prod");
        assert_eq!(
            settings.temporal.api_key.as_ref().unwrap().expose(),
            "sekrit"
        );
    }

    #[test]
    fn prefixed_variables_override_standard_ones_and_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, MINIMAL);
        let settings = load(
            &path,
            &env(&[
                ("TEMPORAL_NAMESPACE", "from-standard"),
                ("TWW__TEMPORAL__NAMESPACE", "from-prefixed"),
                ("TWW__TEMPORAL__TASK_QUEUE", "other-queue"),
                ("TWW__WORKER__MAX_CONCURRENT_RUNS", "3"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.temporal.namespace, "from-prefixed");
        assert_eq!(settings.temporal.task_queue, "other-queue");
        assert_eq!(settings.worker.max_concurrent_runs, 3);
    }

    #[test]
    fn prefixed_variable_addresses_a_workflow_type_with_its_case() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, MINIMAL);
        let settings = load(
            &path,
            &env(&[
                ("TWW__WORKFLOWS__Greet__DEADLINE_MS", "750"),
                ("TWW__WORKFLOWS__Greet__ON_GUEST_BUG", "fail_workflow"),
            ]),
        )
        .unwrap();
        assert_eq!(settings.workflows.len(), 1);
        assert_eq!(
            settings.workflows[0].limits.deadline,
            Duration::from_millis(750)
        );
        assert_eq!(
            settings.workflows[0].on_guest_bug,
            GuestBugPolicy::FailWorkflow
        );
    }

    #[test]
    fn prefixed_variable_can_register_a_new_workflow() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, MINIMAL);
        let settings = load(
            &path,
            &env(&[("TWW__WORKFLOWS__Order__MODULE", "order.wasm")]),
        )
        .unwrap();
        let types: Vec<_> = settings
            .workflows
            .iter()
            .map(|w| w.workflow_type.as_str())
            .collect();
        assert_eq!(types, ["Greet", "Order"]);
        assert_eq!(
            settings.workflows[1].module_path,
            dir.path().join("order.wasm")
        );
    }

    #[test]
    fn unknown_prefixed_variable_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, MINIMAL);
        let err = load(&path, &env(&[("TWW__WORKER__MAX_RUNS", "3")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_runs"), "{err}");
    }

    #[test]
    fn api_key_never_appears_in_debug_output() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(&dir, MINIMAL);
        let settings = load(&path, &env(&[("TEMPORAL_API_KEY", "sekrit-value")])).unwrap();
        assert!(!format!("{settings:?}").contains("sekrit-value"));
    }

    #[test]
    fn addresses_accept_host_port_and_http_urls() {
        assert_eq!(
            target_url("localhost:7233", false).unwrap(),
            "http://localhost:7233"
        );
        assert_eq!(
            target_url("localhost:7233", true).unwrap(),
            "https://localhost:7233"
        );
        assert_eq!(target_url("http://h:1/", false).unwrap(), "http://h:1");
        assert_eq!(target_url("https://h:443", false).unwrap(), "https://h:443");
        assert!(target_url("localhost", false).is_err());
        assert!(target_url("grpc://h:1", false).is_err());
        assert!(target_url("h:notaport", false).is_err());
        assert!(target_url(":7233", false).is_err());
    }

    fn tls_settings(settings: &Settings) -> &TlsSettings {
        settings.temporal.tls.as_ref().expect("TLS is on")
    }

    #[test]
    fn without_tls_settings_the_connection_is_plain() {
        let dir = tempfile::tempdir().unwrap();
        let settings = load(&write_config(&dir, MINIMAL), &[]).unwrap();
        assert_eq!(settings.temporal.tls, None);
        assert!(settings.temporal.target_url.starts_with("http://"));
    }

    #[test]
    fn tls_section_reads_pem_files_relative_to_the_config_and_switches_to_https() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), "CA PEM").unwrap();
        std::fs::write(dir.path().join("client.pem"), "CERT PEM").unwrap();
        std::fs::write(dir.path().join("client.key"), "KEY PEM").unwrap();
        let path = write_config(
            &dir,
            &MINIMAL.replace(
                "[workflows.Greet]",
                "[temporal.tls]\nserver_ca_cert = \"ca.pem\"\nclient_cert = \"client.pem\"\n\
                 client_key = \"client.key\"\nserver_name = \"temporal.internal\"\n\n[workflows.Greet]",
            ),
        );
        let settings = load(&path, &[]).unwrap();
        assert_eq!(settings.temporal.target_url, "https://localhost:7233");
        let tls = tls_settings(&settings);
        assert_eq!(tls.server_ca_cert.as_deref(), Some(&b"CA PEM"[..]));
        assert_eq!(tls.server_name.as_deref(), Some("temporal.internal"));
        let (cert, key) = tls.client_identity.as_ref().unwrap();
        assert_eq!(cert, b"CERT PEM");
        assert_eq!(key.expose(), "KEY PEM");
        assert!(!format!("{settings:?}").contains("KEY PEM"));
    }

    #[test]
    fn tls_enabled_alone_uses_the_system_roots() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(
            &dir,
            &MINIMAL.replace(
                "[workflows.Greet]",
                "[temporal.tls]\nenabled = true\n[workflows.Greet]",
            ),
        );
        let settings = load(&path, &[]).unwrap();
        assert_eq!(tls_settings(&settings), &TlsSettings::default());
        assert_eq!(settings.temporal.target_url, "https://localhost:7233");
    }

    #[test]
    fn client_certificate_without_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("client.pem"), "CERT").unwrap();
        let path = write_config(
            &dir,
            &MINIMAL.replace(
                "[workflows.Greet]",
                "[temporal.tls]\nclient_cert = \"client.pem\"\n[workflows.Greet]",
            ),
        );
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(
            err.contains("`temporal.tls.client_key` is required with temporal.tls.client_cert"),
            "{err}"
        );
    }

    #[test]
    fn unreadable_pem_file_is_refused_naming_key_and_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(
            &dir,
            &MINIMAL.replace(
                "[workflows.Greet]",
                "[temporal.tls]\nserver_ca_cert = \"missing-ca.pem\"\n[workflows.Greet]",
            ),
        );
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(
            err.contains("`temporal.tls.server_ca_cert` cannot read"),
            "{err}"
        );
        assert!(err.contains("missing-ca.pem"), "{err}");
    }

    #[test]
    fn tls_disabled_with_certificates_is_a_contradiction() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), "CA").unwrap();
        let path = write_config(
            &dir,
            &MINIMAL.replace(
                "[workflows.Greet]",
                "[temporal.tls]\nenabled = false\nserver_ca_cert = \"ca.pem\"\n[workflows.Greet]",
            ),
        );
        let err = load(&path, &[]).unwrap_err().to_string();
        assert!(err.contains("temporal.tls.enabled"), "{err}");
    }

    #[test]
    fn http_address_with_tls_is_a_contradiction() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_config(
            &dir,
            &MINIMAL.replace("task_queue", "address = \"http://h:1\"\ntask_queue"),
        );
        let err = load(&path, &env(&[("TEMPORAL_TLS", "true")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("temporal.address"), "{err}");
    }

    #[test]
    fn temporal_tls_variables_configure_tls() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("env-ca.pem");
        std::fs::write(&ca, "ENV CA").unwrap();
        let settings = load(
            &write_config(&dir, MINIMAL),
            &env(&[
                ("TEMPORAL_TLS_SERVER_CA_CERT_PATH", ca.to_str().unwrap()),
                ("TEMPORAL_TLS_SERVER_NAME", "proxy.local"),
            ]),
        )
        .unwrap();
        let tls = tls_settings(&settings);
        assert_eq!(tls.server_ca_cert.as_deref(), Some(&b"ENV CA"[..]));
        assert_eq!(tls.server_name.as_deref(), Some("proxy.local"));
    }

    #[test]
    fn temporal_tls_false_turns_tls_off_even_with_an_api_key() {
        let dir = tempfile::tempdir().unwrap();
        let settings = load(
            &write_config(&dir, MINIMAL),
            &env(&[("TEMPORAL_API_KEY", "k"), ("TEMPORAL_TLS", "false")]),
        )
        .unwrap();
        assert_eq!(settings.temporal.tls, None);
        assert_eq!(settings.temporal.target_url, "http://localhost:7233");
    }

    const PROFILES: &str = r#"
        [profile.default]
        address = "default.example:7233"

        [profile.prod]
        address = "prod.tmprl.cloud:7233"
        namespace = "orders.acct"
        api_key = "profile-key"

        [profile.prod.tls]
        server_name = "prod.tmprl.cloud"
    "#;

    #[test]
    fn named_profile_supplies_address_namespace_api_key_and_tls() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = dir.path().join("temporal.toml");
        std::fs::write(&profiles, PROFILES).unwrap();
        let settings = load(
            &write_config(&dir, MINIMAL),
            &env(&[
                ("TEMPORAL_CONFIG_FILE", profiles.to_str().unwrap()),
                ("TEMPORAL_PROFILE", "prod"),
            ]),
        )
        .unwrap();
        assert_eq!(
            settings.temporal.target_url,
            "https://prod.tmprl.cloud:7233"
        );
        assert_eq!(settings.temporal.namespace, "orders.acct");
        assert_eq!(
            settings.temporal.api_key.as_ref().unwrap().expose(),
            "profile-key"
        );
        assert_eq!(
            tls_settings(&settings).server_name.as_deref(),
            Some("prod.tmprl.cloud")
        );
    }

    #[test]
    fn config_file_keys_win_over_the_profile() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = dir.path().join("temporal.toml");
        std::fs::write(&profiles, PROFILES).unwrap();
        let path = write_config(
            &dir,
            &MINIMAL.replace(
                "task_queue",
                "profile = \"prod\"\nnamespace = \"mine\"\ntask_queue",
            ),
        );
        let settings = load(
            &path,
            &env(&[("TEMPORAL_CONFIG_FILE", profiles.to_str().unwrap())]),
        )
        .unwrap();
        assert_eq!(settings.temporal.namespace, "mine");
        assert_eq!(
            settings.temporal.target_url,
            "https://prod.tmprl.cloud:7233"
        );
    }

    #[test]
    fn config_file_variable_alone_uses_its_default_profile() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = dir.path().join("temporal.toml");
        std::fs::write(&profiles, PROFILES).unwrap();
        let settings = load(
            &write_config(&dir, MINIMAL),
            &env(&[("TEMPORAL_CONFIG_FILE", profiles.to_str().unwrap())]),
        )
        .unwrap();
        assert_eq!(settings.temporal.target_url, "http://default.example:7233");
    }

    #[test]
    fn missing_profile_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let profiles = dir.path().join("temporal.toml");
        std::fs::write(&profiles, PROFILES).unwrap();
        let err = load(
            &write_config(&dir, MINIMAL),
            &env(&[
                ("TEMPORAL_CONFIG_FILE", profiles.to_str().unwrap()),
                ("TEMPORAL_PROFILE", "staging"),
            ]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("`staging`"), "{err}");
    }

    #[test]
    fn relative_temporal_tls_path_variables_resolve_against_the_working_directory() {
        let dir = tempfile::tempdir().unwrap();
        let cwd = std::env::current_dir().unwrap();
        let relative = format!("target/config-test-ca-{}.pem", std::process::id());
        std::fs::create_dir_all(cwd.join("target")).unwrap();
        std::fs::write(cwd.join(&relative), "CWD CA").unwrap();
        let settings = load(
            &write_config(&dir, MINIMAL),
            &env(&[("TEMPORAL_TLS_SERVER_CA_CERT_PATH", &relative)]),
        );
        let _ = std::fs::remove_file(cwd.join(&relative));
        let settings = settings.unwrap();
        assert_eq!(
            tls_settings(&settings).server_ca_cert.as_deref(),
            Some(&b"CWD CA"[..])
        );
    }
}

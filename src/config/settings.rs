//! The typed settings that validation produces: the only configuration the rest of the crate
//! sees, so every value in here has already been checked.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::sandbox::{BundleSpec, VersioningBehavior};

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
    /// Workflow tasks core may hand out before the worker completes some: a fixed count, or with
    /// [`WorkerSettings::tuner`] the most the tuner ever hands out (its `max_workflow_slots`).
    pub max_outstanding_workflow_tasks: usize,
    /// Runs core keeps cached between workflow tasks (sticky queues when above 0), each with its
    /// durable guest's parked instance; 0 replays every workflow task from the start.
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
    /// Resource-based task slots (`[worker.tuner]`) instead of fixed counts; `None`: fixed.
    pub tuner: Option<TunerSettings>,
    /// The Temporal Worker Deployment the build id is reported under, with versioned routing;
    /// `None`: the build id only identifies the worker.
    pub deployment: Option<DeploymentSettings>,
}

/// A share of the machine's memory or CPU, above 0 and at most 1 (validated, so never NaN).
#[derive(Clone, Copy, Debug, PartialEq, PartialOrd)]
pub struct UsageTarget(f64);

// Validation admits only finite values in (0, 1], for which `==` is an equivalence.
impl Eq for UsageTarget {}

impl UsageTarget {
    /// `share` as a target, if it is above 0 and at most 1.
    pub fn new(share: f64) -> Option<UsageTarget> {
        (share > 0.0 && share <= 1.0).then_some(UsageTarget(share))
    }

    /// The share, as core's resource-based tuner takes it.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// Core's resource-based slot suppliers, the way Temporal's SDKs offer them: a task slot is
/// handed out while the machine's (or container's) memory and CPU use stay below their targets,
/// between a floor and a ceiling per kind of task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TunerSettings {
    /// Memory use (of the cgroup limit in a container, else of the machine) above which no new
    /// slot is handed out.
    pub target_memory_usage: UsageTarget,
    /// CPU use the tuner steers towards.
    pub target_cpu_usage: UsageTarget,
    /// Workflow task slots handed out whatever the load, so the worker never stalls.
    pub min_workflow_slots: usize,
    /// Workflow task slots never exceeded (core also holds at most `max(2, max_cached_workflows)`).
    pub max_workflow_slots: usize,
    /// Activity task slots (HTTP activities, remote and local) never exceeded.
    pub max_activity_slots: usize,
}

/// A Temporal Worker Deployment: the worker polls as version `<name>.<build id>` with versioned
/// routing on, so Temporal sends it only the runs of the version an operator made current (or
/// ramping) and the runs pinned to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentSettings {
    /// The deployment's name, shared by every version of this worker fleet.
    pub name: String,
    /// Temporal's versioning behavior for the runs this worker starts: `AutoUpgrade` moves them
    /// to each new current version (the bundle pin keeps their code), `Pinned` keeps them on
    /// the version they started on until they close.
    pub versioning_behavior: VersioningBehavior,
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
    /// Most distinct label sets one guest metric (`emit_metric`) may have; further ones are
    /// dropped with a warning, so a guest cannot blow up the endpoint's cardinality.
    pub max_guest_label_sets: usize,
    /// Log format and level.
    pub logging: LoggingSettings,
    /// Registered workflows, sorted by type.
    pub workflows: Vec<BundleSpec>,
    /// What HTTP activities may call, with which secrets, under which limits.
    pub http_activities: super::http::HttpActivitySettings,
}

//! The `[http_activities]` section: which endpoints HTTP activities may call, the secrets their
//! headers may name, and the limits every call runs under. Secret values are read here, once,
//! from the environment or files, so nothing later reads them from anywhere else.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::settings::Secret;

mod allowed_hosts;

pub use allowed_hosts::{AllowedHost, HostPattern, HttpScheme};

/// Default time one attempt may take when Temporal gives it no start-to-close timeout.
pub const DEFAULT_HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// Default ceiling on one attempt's time, whatever the workflow asks for.
pub const DEFAULT_MAX_HTTP_TIMEOUT: Duration = Duration::from_secs(300);
/// Greatest `http_activities.max_timeout_ms` accepted (a day), so a typo cannot hold a request
/// slot for weeks.
pub const MAX_HTTP_TIMEOUT_LIMIT: Duration = Duration::from_secs(24 * 60 * 60);
/// Default cap on a response body.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 1 << 20;
/// Greatest `http_activities.max_response_bytes` accepted. The response travels base64 in a
/// Temporal payload, which grows it by a third, and Temporal refuses payloads over 2 MiB: 1.4 MB
/// of body is about 1.87 MB of base64, leaving room for the status, headers and JSON around it.
pub const MAX_RESPONSE_BYTES_LIMIT: u64 = 1_400_000;
/// Default number of requests in flight at once.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 64;
/// Greatest `http_activities.max_concurrent_requests` accepted.
pub const MAX_CONCURRENT_REQUESTS_LIMIT: usize = 10_000;
/// Default `User-Agent` of every request.
pub const DEFAULT_USER_AGENT: &str = concat!("temporal-wasm-worker/", env!("CARGO_PKG_VERSION"));

/// What HTTP activities may do on this worker: validated, with secret values already read.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpActivitySettings {
    /// Whether this worker runs HTTP activities at all (off by default).
    pub enabled: bool,
    /// The only endpoints a request (or a redirect) may reach; empty allows nothing.
    pub allowed_hosts: Vec<AllowedHost>,
    /// Values for `{{secret NAME}}` placeholders in header values, by name.
    pub secrets: BTreeMap<String, Secret>,
    /// One attempt's time when Temporal gives it none.
    pub default_timeout: Duration,
    /// Ceiling on one attempt's time.
    pub max_timeout: Duration,
    /// Cap on a response body; a request may ask for less, never more.
    pub max_response_bytes: u64,
    /// Requests in flight at once; further attempts wait for a slot.
    pub max_concurrent_requests: usize,
    /// `User-Agent` of every request that does not set its own.
    pub user_agent: String,
    /// PEM certificates of a CA trusted next to the system's roots (an internal CA).
    pub ca_cert: Option<Vec<u8>>,
}

impl Default for HttpActivitySettings {
    /// Off, nothing allowed, every limit at its default.
    fn default() -> Self {
        HttpActivitySettings {
            enabled: false,
            allowed_hosts: Vec::new(),
            secrets: BTreeMap::new(),
            default_timeout: DEFAULT_HTTP_TIMEOUT,
            max_timeout: DEFAULT_MAX_HTTP_TIMEOUT,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            ca_cert: None,
        }
    }
}

impl fmt::Debug for HttpActivitySettings {
    /// Secrets print redacted (through [`Secret`]) and the CA as its size, so `check` output and
    /// logs can show these settings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpActivitySettings")
            .field("enabled", &self.enabled)
            .field(
                "allowed_hosts",
                &self
                    .allowed_hosts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>(),
            )
            .field("secrets", &self.secrets)
            .field("default_timeout", &self.default_timeout)
            .field("max_timeout", &self.max_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("user_agent", &self.user_agent)
            .field("ca_cert", &self.ca_cert.as_ref().map(Vec::len))
            .finish()
    }
}

/// `[http_activities]` as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHttpActivities {
    enabled: Option<bool>,
    allowed_hosts: Option<allowed_hosts::RawAllowedHosts>,
    #[serde(default)]
    secrets: BTreeMap<String, RawSecretSource>,
    default_timeout_ms: Option<u64>,
    max_timeout_ms: Option<u64>,
    max_response_bytes: Option<u64>,
    max_concurrent_requests: Option<usize>,
    user_agent: Option<String>,
    ca_cert: Option<PathBuf>,
}

/// `[http_activities.secrets] NAME = { env = "VAR" }` or `{ file = "path" }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSecretSource {
    env: Option<String>,
    file: Option<PathBuf>,
}

/// Validates `[http_activities]`; `ca_cert` and secret files resolve against `config_dir`, and
/// `{ env = "VAR" }` secrets are looked up in `env`.
pub(super) fn validate_http(
    raw: RawHttpActivities,
    config_dir: &Path,
    env: &[(String, String)],
) -> Result<HttpActivitySettings, (String, String)> {
    let problem = |key: &str, message: String| (format!("http_activities.{key}"), message);
    let enabled = raw.enabled.unwrap_or(false);

    let allowed_hosts = allowed_hosts::validate(raw.allowed_hosts)?;
    if enabled && allowed_hosts.is_empty() {
        return Err(problem(
            "allowed_hosts",
            "is empty while http_activities.enabled = true, so no HTTP activity could call \
             anything: list the endpoints, e.g. allowed_hosts = [\"https://api.example.com\"], \
             or leave HTTP activities off"
                .to_owned(),
        ));
    }

    let mut secrets = BTreeMap::new();
    for (name, source) in raw.secrets {
        let key = format!("secrets.{name}");
        if name.is_empty() || !name.chars().all(is_secret_name_char) {
            return Err(problem(
                &key,
                "is not a valid secret name: use letters, digits, `_`, `-` and `.`".to_owned(),
            ));
        }
        let value = read_secret(source, config_dir, env)
            .map_err(|(sub, message)| problem(&format!("{key}{sub}"), message))?;
        secrets.insert(name, value);
    }

    let ms =
        |key: &str, value: Option<u64>, default: Duration| -> Result<Duration, (String, String)> {
            match value {
                None => Ok(default),
                Some(ms) if ms == 0 || Duration::from_millis(ms) > MAX_HTTP_TIMEOUT_LIMIT => {
                    Err(problem(
                        key,
                        format!(
                            "must be between 1 and {} (a day), got {ms}",
                            MAX_HTTP_TIMEOUT_LIMIT.as_millis()
                        ),
                    ))
                }
                Some(ms) => Ok(Duration::from_millis(ms)),
            }
        };
    let max_timeout = ms(
        "max_timeout_ms",
        raw.max_timeout_ms,
        DEFAULT_MAX_HTTP_TIMEOUT,
    )?;
    let default_timeout = ms(
        "default_timeout_ms",
        raw.default_timeout_ms,
        DEFAULT_HTTP_TIMEOUT.min(max_timeout),
    )?;
    if default_timeout > max_timeout {
        return Err(problem(
            "default_timeout_ms",
            format!(
                "({}) must not exceed http_activities.max_timeout_ms ({})",
                default_timeout.as_millis(),
                max_timeout.as_millis()
            ),
        ));
    }
    let max_response_bytes = raw.max_response_bytes.unwrap_or(DEFAULT_MAX_RESPONSE_BYTES);
    if !(1..=MAX_RESPONSE_BYTES_LIMIT).contains(&max_response_bytes) {
        return Err(problem(
            "max_response_bytes",
            format!(
                "must be between 1 and {MAX_RESPONSE_BYTES_LIMIT} (the response travels base64 in \
                 a Temporal payload, which may not exceed 2 MiB), got {max_response_bytes}"
            ),
        ));
    }
    let max_concurrent_requests = raw
        .max_concurrent_requests
        .unwrap_or(DEFAULT_MAX_CONCURRENT_REQUESTS);
    if !(1..=MAX_CONCURRENT_REQUESTS_LIMIT).contains(&max_concurrent_requests) {
        return Err(problem(
            "max_concurrent_requests",
            format!(
                "must be between 1 and {MAX_CONCURRENT_REQUESTS_LIMIT}, got {max_concurrent_requests}"
            ),
        ));
    }
    let user_agent = raw
        .user_agent
        .unwrap_or_else(|| DEFAULT_USER_AGENT.to_owned());
    if user_agent.trim().is_empty() || !is_header_value(&user_agent) {
        return Err(problem(
            "user_agent",
            "must be a non-empty header value (visible ASCII, no line breaks)".to_owned(),
        ));
    }
    let ca_cert = match raw.ca_cert.filter(|path| !path.as_os_str().is_empty()) {
        None => None,
        Some(path) => Some(
            read_ca_cert(&config_dir.join(path)).map_err(|message| problem("ca_cert", message))?,
        ),
    };
    Ok(HttpActivitySettings {
        enabled,
        allowed_hosts,
        secrets,
        default_timeout,
        max_timeout,
        max_response_bytes,
        max_concurrent_requests,
        user_agent,
        ca_cert,
    })
}

/// Reads one secret; the error's first part is the sub-key at fault (`.env`, `.file` or none),
/// and no message ever holds the value.
fn read_secret(
    source: RawSecretSource,
    config_dir: &Path,
    env: &[(String, String)],
) -> Result<Secret, (&'static str, String)> {
    let value = match (source.env, source.file) {
        (Some(variable), None) => match env.iter().find(|(name, _)| *name == variable) {
            Some((_, value)) => value.clone(),
            None => {
                return Err((
                    ".env",
                    format!("names the environment variable `{variable}`, which is not set"),
                ));
            }
        },
        (None, Some(file)) => {
            let path = config_dir.join(file);
            let bytes = std::fs::read(&path)
                .map_err(|err| (".file", format!("cannot read {}: {err}", path.display())))?;
            String::from_utf8(bytes)
                .map_err(|_| (".file", format!("{} is not UTF-8 text", path.display())))?
        }
        _ => {
            return Err((
                "",
                "must be either { env = \"VARIABLE\" } or { file = \"path\" }".to_owned(),
            ));
        }
    };
    // Secret files and variables usually end with a newline that is not part of the secret.
    let value = value.trim_end();
    if value.is_empty() {
        return Err(("", "is empty".to_owned()));
    }
    if !is_header_value(value) {
        return Err((
            "",
            "cannot be sent in a header: it holds a line break or another control character"
                .to_owned(),
        ));
    }
    Ok(Secret::new(value))
}

/// Reads `http_activities.ca_cert` and checks that it holds at least one PEM certificate.
fn read_ca_cert(path: &Path) -> Result<Vec<u8>, String> {
    use rustls_pki_types::CertificateDer;
    use rustls_pki_types::pem::PemObject as _;
    let pem =
        std::fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    let mut certificates = 0;
    for certificate in CertificateDer::pem_slice_iter(&pem) {
        certificate
            .map_err(|err| format!("{} is not a PEM certificate file: {err}", path.display()))?;
        certificates += 1;
    }
    if certificates == 0 {
        return Err(format!(
            "{} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(pem)
}

/// Characters of a secret's name, as `{{secret NAME}}` placeholders spell it.
pub(crate) fn is_secret_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Whether `value` can be sent as a header value: visible ASCII, spaces and tabs.
fn is_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

//! The environment's layers over the file: Temporal's standard variables (`TEMPORAL_ADDRESS`…),
//! then this worker's `TWW__SECTION__KEY` variables, which win over both.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// Temporal's standard variables present in `env`, renamed to their keys (`temporal__address`),
/// for config's environment source.
pub(super) fn standard_variables(env: &[(String, String)]) -> HashMap<String, String> {
    TEMPORAL_ENV_VARS
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
        .collect()
}

/// The Temporal client config file named by `TEMPORAL_CONFIG_FILE`, if any.
pub(super) fn profile_file(env: &[(String, String)]) -> Option<PathBuf> {
    env.iter()
        .find(|(name, _)| name == TEMPORAL_CONFIG_FILE_VAR)
        .map(|(_, value)| PathBuf::from(value))
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
pub(super) fn prefixed_overrides(env: &[(String, String)]) -> Vec<(String, String)> {
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

//! The `[temporal]` section: where the worker connects, as whom, and over what TLS, merged over a
//! Temporal client config profile when one is named.

use std::path::{Path, PathBuf};

use temporalio_common::envconfig::{
    ClientConfigProfile, ClientConfigTLS, DataSource, LoadClientConfigProfileOptions,
    load_client_config_profile,
};

use super::non_empty;
use super::raw::RawTemporal;
use super::settings::{Secret, TemporalSettings, TlsSettings};

/// Default server address, Temporal's dev server.
pub const DEFAULT_ADDRESS: &str = "localhost:7233";
/// Default namespace.
pub const DEFAULT_NAMESPACE: &str = "default";

/// Merges the connection settings of the config (and environment) over those of a Temporal
/// client profile, then reads the TLS material.
pub(super) fn temporal_settings(
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
        .or_else(|| {
            profile
                .as_ref()
                .and_then(|p| p.api_key.clone())
                .map(Secret::new)
        })
        .filter(|key| !key.expose().is_empty());
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
        (Some(cert), Some(key)) => Some((cert, Secret::new(String::from_utf8_lossy(&key)))),
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

//! The connection to the Temporal server: TLS and API-key options from the settings, retries with
//! backoff while the server is not up yet, and hints for the errors whose raw text does not say
//! what an operator has to change.

use std::time::Duration;

use temporalio_client::{ClientTlsOptions, Connection, ConnectionOptions, TlsOptions, Url};

use crate::config::{Settings, TemporalSettings, TlsSettings};
use crate::shutdown::Shutdown;
use crate::temporal::worker::{SDK_NAME, SDK_VERSION, WorkerError};

/// First wait between connection attempts; doubles up to [`MAX_CONNECT_BACKOFF`].
pub const INITIAL_CONNECT_BACKOFF: Duration = Duration::from_millis(500);
/// Longest wait between connection attempts.
pub const MAX_CONNECT_BACKOFF: Duration = Duration::from_secs(30);
/// How long one connection attempt may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to the server, retrying with exponential backoff until it answers or shutdown is
/// requested (`None`). A down server at start-up is normal in orchestrated deployments.
pub async fn connect_with_backoff(
    settings: &Settings,
    shutdown: &mut Shutdown,
) -> Result<Option<Connection>, WorkerError> {
    let temporal = &settings.temporal;
    let url = parse_address(temporal)?;
    let mut backoff = INITIAL_CONNECT_BACKOFF;
    loop {
        let attempt = tokio::select! {
            result = Connection::connect(options(settings, &url)) => result,
            () = shutdown.requested() => return Ok(None),
        };
        match attempt {
            Ok(connection) => return Ok(Some(connection)),
            Err(err) => {
                let err = with_hint(err.to_string(), temporal);
                tracing::warn!(
                    address = %temporal.target_url,
                    "cannot reach the Temporal server: {err}; retrying in {backoff:?}"
                );
            }
        }
        tokio::select! {
            () = tokio::time::sleep(backoff) => {}
            () = shutdown.requested() => return Ok(None),
        }
        backoff = (backoff * 2).min(MAX_CONNECT_BACKOFF);
    }
}

/// Connects to the server once, for commands a person or CI runs and wants an answer from
/// (`replay --workflow-id`); the error carries the same hints as the worker's log lines.
pub async fn connect_once(settings: &Settings) -> Result<Connection, WorkerError> {
    let temporal = &settings.temporal;
    let url = parse_address(temporal)?;
    Connection::connect(options(settings, &url))
        .await
        .map_err(|err| WorkerError::Refused {
            address: temporal.target_url.clone(),
            namespace: temporal.namespace.clone(),
            reason: with_hint(err.to_string(), temporal),
        })
}

fn parse_address(temporal: &TemporalSettings) -> Result<Url, WorkerError> {
    Url::parse(&temporal.target_url).map_err(|err| WorkerError::BadAddress {
        address: temporal.target_url.clone(),
        reason: err.to_string(),
    })
}

/// The connection options for the settings: identity, SDK name, API key, TLS.
fn options(settings: &Settings, url: &Url) -> ConnectionOptions {
    let temporal = &settings.temporal;
    ConnectionOptions::new(url.clone())
        .identity(settings.worker.identity.clone())
        .client_name(SDK_NAME.to_owned())
        .client_version(SDK_VERSION.to_owned())
        .maybe_api_key(temporal.api_key.as_ref().map(|key| key.expose().to_owned()))
        .maybe_tls_options(temporal.tls.as_ref().map(tls_options))
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
}

/// `error` with the hint for it, when there is one.
fn with_hint(error: String, temporal: &TemporalSettings) -> String {
    match connection_hint(&error, temporal) {
        Some(hint) => format!("{error} (hint: {hint})"),
        None => error,
    }
}

/// What an operator most likely has to change, for the connection errors whose raw text (a
/// transport error dump) does not say it plainly.
fn connection_hint(error: &str, temporal: &TemporalSettings) -> Option<&'static str> {
    let has_client_cert = temporal
        .tls
        .as_ref()
        .is_some_and(|tls| tls.client_identity.is_some());
    if error.contains("UnknownIssuer") {
        Some(
            "the server's certificate is not signed by a trusted CA; set temporal.tls.server_ca_cert \
             (TEMPORAL_TLS_SERVER_CA_CERT_PATH) to its CA",
        )
    } else if error.contains("NotValidForName") {
        Some(
            "the server's certificate is not issued for this address; set temporal.tls.server_name \
             (TEMPORAL_TLS_SERVER_NAME) to the name it is issued for",
        )
    } else if error.contains("Unauthenticated")
        || error.contains("PermissionDenied")
        || error.contains("401 Unauthorized")
    {
        Some("the server refused the credentials; check temporal.api_key (TEMPORAL_API_KEY)")
    } else if temporal.tls.is_some()
        && !has_client_cert
        && (error.contains("CertificateRequired")
            || error.contains("broken pipe")
            || error.contains("connection closed")
            || error.contains("operation was canceled")
            || error.contains("Connection reset"))
    {
        Some(
            "the server may require a client certificate (mTLS); set temporal.tls.client_cert and \
             temporal.tls.client_key",
        )
    } else if temporal.tls.is_none() && error.contains("connection closed") {
        Some("the server closed the connection; if it expects TLS, set temporal.tls.enabled = true")
    } else if error.contains("Connection refused") || error.contains("ConnectionRefused") {
        Some("nothing is listening at temporal.address yet")
    } else {
        None
    }
}

fn tls_options(tls: &TlsSettings) -> TlsOptions {
    TlsOptions::builder()
        .maybe_server_root_ca_cert(tls.server_ca_cert.clone())
        .maybe_domain(tls.server_name.clone())
        .maybe_client_tls_options(tls.client_identity.as_ref().map(|(cert, key)| {
            ClientTlsOptions::builder()
                .client_cert(cert.clone())
                .client_private_key(key.expose().as_bytes().to_vec())
                .build()
        }))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temporal(tls: Option<TlsSettings>) -> TemporalSettings {
        TemporalSettings {
            target_url: "https://h:1".into(),
            namespace: "default".into(),
            task_queue: "q".into(),
            api_key: None,
            tls,
        }
    }

    #[test]
    fn unknown_issuer_points_at_the_ca_setting() {
        let hint = connection_hint(
            "InvalidCertificate(UnknownIssuer)",
            &temporal(Some(TlsSettings::default())),
        );
        assert!(hint.unwrap().contains("temporal.tls.server_ca_cert"));
    }

    #[test]
    fn wrong_name_points_at_the_server_name_setting() {
        let hint = connection_hint(
            "NotValidForNameContext { expected: .. }",
            &temporal(Some(TlsSettings::default())),
        );
        assert!(hint.unwrap().contains("temporal.tls.server_name"));
    }

    #[test]
    fn unauthenticated_points_at_the_api_key() {
        let hint = connection_hint("Status { code: Unauthenticated, .. }", &temporal(None));
        assert!(hint.unwrap().contains("temporal.api_key"));
    }

    #[test]
    fn closed_tls_connection_without_client_cert_suggests_mtls() {
        let hint = connection_hint(
            "hyper::Error(Canceled, \"connection closed\")",
            &temporal(Some(TlsSettings::default())),
        );
        assert!(hint.unwrap().contains("client certificate"));
        let with_cert = TlsSettings {
            client_identity: Some((b"cert".to_vec(), crate::config::Secret::new("key"))),
            ..TlsSettings::default()
        };
        assert_eq!(
            connection_hint("connection closed", &temporal(Some(with_cert))),
            None
        );
    }

    #[test]
    fn unrelated_errors_get_no_hint() {
        assert_eq!(connection_hint("something else", &temporal(None)), None);
    }
}

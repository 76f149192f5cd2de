//! The one pooled reqwest client of an executor: rustls on ring with the system's roots plus
//! the configured CA, HTTP/2 where the server offers it (ALPN) and HTTP/1.1 otherwise, the
//! checking resolver, and no proxy or redirect handling of its own.

use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject as _;

use super::HttpSetupError;
use super::resolver::CheckedResolver;
use crate::config::{HttpActivitySettings, HttpScheme};

/// How long an idle pooled connection is kept for the next request to the same host.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// Builds the client. Everything that could be wrong (an unreadable CA, no roots at all while
/// `https://` hosts are listed) is found here, at start-up, not on the first request.
pub(super) fn build_client(
    settings: &HttpActivitySettings,
    resolver: CheckedResolver,
) -> Result<reqwest::Client, HttpSetupError> {
    let mut roots = rustls::RootCertStore::empty();
    let system = rustls_native_certs::load_native_certs();
    for error in &system.errors {
        tracing::warn!("HTTP activities: cannot load a system root certificate: {error}");
    }
    roots.add_parsable_certificates(system.certs);
    if let Some(pem) = &settings.ca_cert {
        for certificate in CertificateDer::pem_slice_iter(pem) {
            let certificate =
                certificate.map_err(|err| HttpSetupError::CaCert(format!("not PEM: {err}")))?;
            roots
                .add(certificate)
                .map_err(|err| HttpSetupError::CaCert(format!("not a usable CA: {err}")))?;
        }
    }
    let https_listed = settings
        .allowed_hosts
        .iter()
        .any(|host| host.scheme == HttpScheme::Https);
    if roots.is_empty() && https_listed {
        return Err(HttpSetupError::NoTrustedRoots);
    }

    // The provider is given to this config alone, not installed process-wide, so nothing else
    // in the process depends on which crate happened to install one first.
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|err| HttpSetupError::Client(err.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    // reqwest leaves ALPN to a preconfigured TLS config: offer HTTP/2, fall back to HTTP/1.1.
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];

    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .dns_resolver(Arc::new(resolver))
        // The executor follows redirects itself (see `redirect`).
        .redirect(reqwest::redirect::Policy::none())
        // A proxy would resolve names itself, out of reach of the address check.
        .no_proxy()
        .user_agent(settings.user_agent.as_str())
        .pool_idle_timeout(POOL_IDLE_TIMEOUT)
        .tcp_keepalive(Duration::from_secs(60))
        .build()
        .map_err(|err| HttpSetupError::Client(err.to_string()))
}

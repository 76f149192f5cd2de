//! `[temporal]` connection settings: the server URL made of an address, TLS material read
//! from PEM files, and the contradictions refused.

use temporal_wasm_worker::config::TlsSettings;

use super::*;

#[test]
fn api_key_never_appears_in_debug_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_config(&dir, MINIMAL);
    let settings = load(&path, &env(&[("TEMPORAL_API_KEY", "sekrit-value")])).unwrap();
    assert!(!format!("{settings:?}").contains("sekrit-value"));
}

/// The server URL `load` makes of `address` (with `extra_env`), or its error message.
fn target_url_of(address: &str, extra_env: &[(&str, &str)]) -> Result<String, String> {
    let text = MINIMAL.replace(
        "task_queue",
        &format!("address = \"{address}\"\ntask_queue"),
    );
    load_with_env(&text, extra_env).map(|settings| settings.temporal.target_url)
}

#[test]
fn addresses_accept_host_port_and_http_urls() {
    assert_eq!(
        target_url_of("localhost:7233", &[]).unwrap(),
        "http://localhost:7233"
    );
    assert_eq!(
        target_url_of("localhost:7233", &[("TEMPORAL_TLS", "true")]).unwrap(),
        "https://localhost:7233"
    );
    assert_eq!(target_url_of("http://h:1/", &[]).unwrap(), "http://h:1");
    assert_eq!(
        target_url_of("https://h:443", &[]).unwrap(),
        "https://h:443"
    );
}

#[test]
fn malformed_addresses_are_refused_naming_the_key() {
    for address in ["localhost", "grpc://h:1", "h:notaport", ":7233"] {
        let err = target_url_of(address, &[]).unwrap_err();
        assert!(err.contains("`temporal.address`"), "{address}: {err}");
    }
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

//! `[http_activities]`: every key's default and parsed value, the secrets read from the
//! environment and files, and the error naming the key for each kind of mistake.

use std::time::Duration;

use temporal_wasm_worker::config::{
    AllowedHost, DEFAULT_USER_AGENT, HostPattern, HttpActivitySettings, HttpScheme, Secret,
};

use super::*;

/// A CA certificate (no key anywhere): what `ca_cert` reads.
const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUQIBY1a8P+flm/KIx/zpY5CKjHvwwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOQ29uZmlnIFRlc3QgQ0EwHhcNMjYxMjAxMDkyMTI4WhcNMzYx
MTI4MDkyMTI4WjAZMRcwFQYDVQQDDA5Db25maWcgVGVzdCBDQTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABOiBsxK+fXLoYJg9nTUHadg6hDFT8wsAcuTtttQzSjWJ
bUxLxqIkNeJRQcrocXLYw0ImbIhlROCBe1NpQH5QkkejUzBRMB0GA1UdDgQWBBS+
XCzDlys3NdJMb/aq15Y56s1PBTAfBgNVHSMEGDAWgBS+XCzDlys3NdJMb/aq15Y5
6s1PBTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIHKtD+gIJxsN
AZ/aNoYnY8vMGTNZ03wFQohzywb2zcX1AiEAwNmqliTxfCYpXv+aSGFfhP7YTI/2
5YdYVB6f202d+co=
-----END CERTIFICATE-----
";

/// `MINIMAL` with `lines` as its `[http_activities]` table.
fn with_http(lines: &str) -> String {
    format!("{MINIMAL}\n[http_activities]\n{lines}\n")
}

fn http(lines: &str, vars: &[(&str, &str)]) -> Result<HttpActivitySettings, String> {
    load_with_env(&with_http(lines), vars).map(|settings| settings.http_activities)
}

fn error(lines: &str) -> String {
    http(lines, &[]).expect_err("must be refused")
}

fn entry(
    scheme: HttpScheme,
    host: HostPattern,
    port: u16,
    methods: Option<&[&str]>,
) -> AllowedHost {
    AllowedHost {
        scheme,
        host,
        port,
        methods: methods.map(|methods| methods.iter().map(|m| m.to_string()).collect()),
    }
}

#[test]
fn without_the_section_http_activities_are_off_with_every_default() {
    let http = load_with_env(MINIMAL, &[]).unwrap().http_activities;
    assert_eq!(http, HttpActivitySettings::default());
    assert!(!http.enabled);
    assert!(http.allowed_hosts.is_empty() && http.secrets.is_empty());
    assert_eq!(http.default_timeout, Duration::from_secs(30));
    assert_eq!(http.max_timeout, Duration::from_secs(300));
    assert_eq!(http.max_response_bytes, 1 << 20);
    assert_eq!(http.max_concurrent_requests, 64);
    assert_eq!(
        http.user_agent,
        format!("temporal-wasm-worker/{}", env!("CARGO_PKG_VERSION"))
    );
    assert_eq!(http.user_agent, DEFAULT_USER_AGENT);
    assert_eq!(http.ca_cert, None);
}

#[test]
fn every_key_is_read() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("certs")).unwrap();
    std::fs::write(dir.path().join("certs/ca.pem"), CA_PEM).unwrap();
    std::fs::write(dir.path().join("token.txt"), "from-a-file\n").unwrap();
    let text = with_http(
        r#"
        enabled = true
        allowed_hosts = [
            "https://API.example.com/",
            { url = "https://*.example.com:8443", methods = ["post", "GET"] },
            "http://127.0.0.1:8080",
            "http://[::1]:9000",
        ]
        default_timeout_ms = 5000
        max_timeout_ms = 60000
        max_response_bytes = 65536
        max_concurrent_requests = 8
        user_agent = "orders-worker/2"
        ca_cert = "certs/ca.pem"

        [http_activities.secrets]
        FROM_ENV = { env = "ORDERS_TOKEN" }
        from_file = { file = "token.txt" }
        "#,
    );
    let path = write_config(&dir, &text);
    let http = load(&path, &env(&[("ORDERS_TOKEN", "from-the-environment")]))
        .unwrap()
        .http_activities;

    assert!(http.enabled);
    assert_eq!(
        http.allowed_hosts,
        vec![
            entry(
                HttpScheme::Https,
                HostPattern::Domain("api.example.com".into()),
                443,
                None
            ),
            entry(
                HttpScheme::Https,
                HostPattern::Subdomains("example.com".into()),
                8443,
                Some(&["GET", "POST"])
            ),
            entry(
                HttpScheme::Http,
                HostPattern::Ip("127.0.0.1".parse().unwrap()),
                8080,
                None
            ),
            entry(
                HttpScheme::Http,
                HostPattern::Ip("::1".parse().unwrap()),
                9000,
                None
            ),
        ]
    );
    assert_eq!(
        http.allowed_hosts[1].to_string(),
        "https://*.example.com:8443 (GET, POST)"
    );
    assert_eq!(
        http.secrets["FROM_ENV"],
        Secret::new("from-the-environment")
    );
    assert_eq!(http.secrets["from_file"], Secret::new("from-a-file"));
    assert_eq!(http.default_timeout, Duration::from_secs(5));
    assert_eq!(http.max_timeout, Duration::from_secs(60));
    assert_eq!(http.max_response_bytes, 65536);
    assert_eq!(http.max_concurrent_requests, 8);
    assert_eq!(http.user_agent, "orders-worker/2");
    assert_eq!(http.ca_cert.as_deref(), Some(CA_PEM.as_bytes()));
}

#[test]
fn enabled_with_an_empty_allow_list_is_refused_explaining_why() {
    for lines in ["enabled = true", "enabled = true\nallowed_hosts = []"] {
        let err = error(lines);
        assert!(
            err.contains(
                "`http_activities.allowed_hosts` is empty while http_activities.enabled = true"
            ),
            "{err}"
        );
        assert!(
            err.contains("no HTTP activity could call anything"),
            "{err}"
        );
    }
    // Off, an empty list is the default and fine.
    assert!(http("enabled = false", &[]).is_ok());
}

#[test]
fn malformed_allow_list_entries_are_refused_naming_the_entry() {
    let cases = [
        (
            r#"["ftp://files.example.com"]"#,
            "`http_activities.allowed_hosts[0]` has scheme `ftp`",
        ),
        (
            r#"["api.example.com"]"#,
            "`http_activities.allowed_hosts[0]` must be scheme://host[:port]",
        ),
        (
            r#"["https://a.example.com", "https://b.example.com/v1"]"#,
            "`http_activities.allowed_hosts[1]` must be scheme://host[:port]",
        ),
        (
            r#"["https://user@a.example.com"]"#,
            "without a path, query or credentials",
        ),
        (
            r#"["https://api.*.example.com"]"#,
            "a wildcard may only be the whole leftmost label",
        ),
        (
            r#"["https://*"]"#,
            "a wildcard may only be the whole leftmost label",
        ),
        (r#"["https://a.example.com:99999"]"#, "is not a valid URL"),
        (
            r#"[{ url = "https://a.example.com", methods = [] }]"#,
            "`http_activities.allowed_hosts[0].methods` is empty",
        ),
        (
            r#"[{ url = "https://a.example.com", methods = ["G ET"] }]"#,
            "`http_activities.allowed_hosts[0].methods` has `G ET`",
        ),
        (
            r#"[{ url = "https://a.example.com", method = ["GET"] }]"#,
            "unknown field `method`",
        ),
    ];
    for (list, expected) in cases {
        let err = error(&format!("allowed_hosts = {list}"));
        assert!(err.contains(expected), "{list}: {err}");
    }
}

#[test]
fn unknown_keys_in_the_section_are_refused() {
    let err = error("timeout_ms = 5");
    assert!(err.contains("unknown field `timeout_ms`"), "{err}");
}

/// A `[http_activities.secrets]` line, the environment, and the message expected.
type SecretCase = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[test]
fn secret_problems_name_the_secret_and_never_its_value() {
    // (secret entry, environment, expected message)
    let cases: [SecretCase; 6] = [
        (
            r#"T = { env = "UNSET_VARIABLE" }"#,
            &[],
            "`http_activities.secrets.T.env` names the environment variable `UNSET_VARIABLE`, which is not set",
        ),
        (
            r#"T = { file = "missing.txt" }"#,
            &[],
            "`http_activities.secrets.T.file` cannot read",
        ),
        (
            r#"T = { env = "V", file = "f" }"#,
            &[("V", "x")],
            "`http_activities.secrets.T` must be either",
        ),
        (
            r#"T = { env = "V" }"#,
            &[("V", " \n")],
            "`http_activities.secrets.T` is empty",
        ),
        (
            r#"T = { env = "V" }"#,
            &[("V", "line1\nline2-value")],
            "`http_activities.secrets.T` cannot be sent in a header",
        ),
        (
            r#""BAD NAME" = { env = "V" }"#,
            &[("V", "x")],
            "is not a valid secret name",
        ),
    ];
    for (secret, vars, expected) in cases {
        let err = http(&format!("[http_activities.secrets]\n{secret}"), vars).expect_err(secret);
        assert!(err.contains(expected), "{secret}: {err}");
        assert!(!err.contains("line2-value"), "{err}");
    }
}

#[test]
fn timeouts_are_validated_and_the_default_follows_a_lower_maximum() {
    let http_settings = http("max_timeout_ms = 10000", &[]).unwrap();
    assert_eq!(http_settings.default_timeout, Duration::from_secs(10));
    let err = error("default_timeout_ms = 20000\nmax_timeout_ms = 10000");
    assert!(err.contains("`http_activities.default_timeout_ms` (20000) must not exceed http_activities.max_timeout_ms (10000)"), "{err}");
    let err = error("default_timeout_ms = 0");
    assert!(
        err.contains("`http_activities.default_timeout_ms` must be between 1 and 86400000"),
        "{err}"
    );
    let err = error("max_timeout_ms = 86400001");
    assert!(
        err.contains("`http_activities.max_timeout_ms` must be between 1 and 86400000"),
        "{err}"
    );
}

#[test]
fn max_response_bytes_must_fit_a_temporal_payload_after_base64() {
    assert_eq!(
        http("max_response_bytes = 1400000", &[])
            .unwrap()
            .max_response_bytes,
        1_400_000
    );
    for value in ["0", "1400001", "2097152"] {
        let err = error(&format!("max_response_bytes = {value}"));
        assert!(
            err.contains("`http_activities.max_response_bytes` must be between 1 and 1400000"),
            "{err}"
        );
        assert!(err.contains("2 MiB"), "{err}");
    }
}

#[test]
fn max_concurrent_requests_and_user_agent_are_validated() {
    let err = error("max_concurrent_requests = 0");
    assert!(
        err.contains(
            "`http_activities.max_concurrent_requests` must be between 1 and 10000, got 0"
        ),
        "{err}"
    );
    for agent in [r#""""#, r#""  ""#, r#""bad\u0001agent""#] {
        let err = error(&format!("user_agent = {agent}"));
        assert!(
            err.contains("`http_activities.user_agent` must be a non-empty header value"),
            "{err}"
        );
    }
}

#[test]
fn ca_cert_must_be_a_readable_pem_certificate() {
    let err = error(r#"ca_cert = "nowhere.pem""#);
    assert!(
        err.contains("`http_activities.ca_cert` cannot read"),
        "{err}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("key.pem"),
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    )
    .unwrap();
    let path = write_config(&dir, &with_http(r#"ca_cert = "key.pem""#));
    let err = load(&path, &[]).unwrap_err().to_string();
    assert!(err.contains("holds no PEM certificate"), "{err}");
}

#[test]
fn keys_can_be_set_from_the_environment() {
    let http = http(
        "",
        &[
            ("TWW__HTTP_ACTIVITIES__ENABLED", "true"),
            (
                "TWW__HTTP_ACTIVITIES__ALLOWED_HOSTS",
                "https://a.example.com, http://localhost:8080",
            ),
            ("TWW__HTTP_ACTIVITIES__MAX_CONCURRENT_REQUESTS", "3"),
        ],
    )
    .unwrap();
    assert!(http.enabled);
    assert_eq!(http.allowed_hosts.len(), 2);
    assert_eq!(
        http.allowed_hosts[1].host,
        HostPattern::Domain("localhost".into())
    );
    assert_eq!(http.max_concurrent_requests, 3);
}

#[test]
fn debug_output_redacts_secrets() {
    let settings = load_with_env(
        &with_http("[http_activities.secrets]\nTOKEN = { env = \"V\" }"),
        &[("V", "hunter2-value")],
    )
    .unwrap();
    let debug = format!("{settings:?}");
    assert!(debug.contains("TOKEN"), "{debug}");
    assert!(!debug.contains("hunter2-value"), "{debug}");
}

#[test]
fn the_reference_config_states_the_defaults_and_its_example_list_parses() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/reference.toml");
    assert_eq!(
        load(&path, &[]).unwrap().http_activities,
        HttpActivitySettings::default()
    );

    let reference = std::fs::read_to_string(&path).unwrap();
    let start = reference
        .find("# allowed_hosts = [")
        .expect("the example list");
    let end = start + reference[start..].find("# ]").expect("its end") + 3;
    let example: String = reference[start..end]
        .lines()
        .map(|line| line.trim_start().trim_start_matches('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let http = http(&format!("enabled = true\n{example}"), &[]).unwrap();
    assert_eq!(http.allowed_hosts.len(), 4, "{example}");
}

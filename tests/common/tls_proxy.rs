//! Real TLS for connection tests: a throwaway PKI made with the `openssl` CLI, and nginx as a
//! TLS-terminating gRPC proxy in front of the (plaintext) dev server.
//!
//! `temporal server start-dev` cannot serve TLS, so the proxy plays the secured frontend. It
//! listens on four loopback ports, one per way a server can secure its frontend:
//!
//! | listener  | certificate it presents        | what it requires of the client            |
//! |-----------|--------------------------------|-------------------------------------------|
//! | `tls`     | `localhost`, `127.0.0.1`       | nothing (server TLS only)                 |
//! | `mtls`    | `localhost`, `127.0.0.1`       | a client certificate signed by the CA     |
//! | `api_key` | `localhost`, `127.0.0.1`       | `authorization: Bearer` [`API_KEY`]       |
//! | `renamed` | only [`RENAMED_SERVER_NAME`]   | nothing; the client must override the name |
//!
//! Like a Temporal server with `requireClientAuth`, the `mtls` listener fails the TLS handshake
//! when no client certificate is sent (nginx alone would finish it and answer HTTP 400). The
//! `api_key` listener answers any other `authorization` as a gRPC server would, with status
//! `UNAUTHENTICATED` (nginx alone would answer an HTML 401 page, which gRPC clients misread).
//!
//! nginx runs in the foreground as a single process (`master_process off`), under the same
//! watchdog as the dev server, so killing that one process takes the whole proxy down.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::OnceLock;
use std::time::Duration;

use super::temporal::{TemporalServer, free_port, spawn_watched, wait_for_port};

/// The API key the `api_key` listener accepts.
pub const API_KEY: &str = "tww-test-api-key-5f1c9a7e0b";

/// The only name in the certificate the `renamed` listener presents.
pub const RENAMED_SERVER_NAME: &str = "temporal.internal";

/// `openssl x509` extensions for each kind of certificate (`{renamed}` stands for
/// [`RENAMED_SERVER_NAME`]), plus the minimal `req` section that lets `openssl req` run without
/// the system's configuration.
const OPENSSL_EXTENSIONS: &str = "\
[req]
distinguished_name = dn
prompt = no
[dn]

[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1

[renamed_server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:{renamed}

[client]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
";

/// A test certificate authority and the certificates it signed, as PEM files in a temp folder.
/// Keys are ECDSA P-256 in PKCS#8, which every TLS stack involved reads.
pub struct Pki {
    /// The CA that signed every certificate below.
    pub ca: PathBuf,
    /// An unrelated CA: a client trusting it instead of [`Pki::ca`] must refuse the server.
    pub wrong_ca: PathBuf,
    /// Server certificate for `localhost` and `127.0.0.1`, and its key.
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    /// Server certificate for [`RENAMED_SERVER_NAME`] only, and its key.
    pub renamed_server_cert: PathBuf,
    pub renamed_server_key: PathBuf,
    /// Client certificate for mTLS, and its key.
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
    dir: tempfile::TempDir,
}

impl Pki {
    /// Generates a fresh CA, an unrelated CA, two server certificates and a client certificate.
    pub fn generate() -> Pki {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
        let extensions = path("extensions.cnf");
        std::fs::write(
            &extensions,
            OPENSSL_EXTENSIONS.replace("{renamed}", RENAMED_SERVER_NAME),
        )
        .expect("write openssl extensions");

        for (name, subject) in [("ca", "Test CA"), ("wrong-ca", "Unrelated CA")] {
            let key = path(&format!("{name}.key"));
            generate_key(&key);
            openssl(&[
                "req",
                "-x509",
                "-new",
                "-key",
                &key,
                "-subj",
                &format!("/CN={subject}"),
                "-days",
                "2",
                "-config",
                &extensions,
                "-extensions",
                "ca",
                "-out",
                &path(&format!("{name}.pem")),
            ]);
        }
        let leaves = [
            ("server", "server"),
            ("renamed-server", "renamed_server"),
            ("client", "client"),
        ];
        for (serial, (name, extension)) in leaves.into_iter().enumerate() {
            let key = path(&format!("{name}.key"));
            let request = path(&format!("{name}.csr"));
            generate_key(&key);
            openssl(&[
                "req",
                "-new",
                "-key",
                &key,
                "-subj",
                &format!("/CN={name}"),
                "-config",
                &extensions,
                "-out",
                &request,
            ]);
            // Distinct serials: a client may refuse two certificates with the same issuer and
            // serial.
            openssl(&[
                "x509",
                "-req",
                "-in",
                &request,
                "-CA",
                &path("ca.pem"),
                "-CAkey",
                &path("ca.key"),
                "-set_serial",
                &(serial + 1).to_string(),
                "-days",
                "2",
                "-extfile",
                &extensions,
                "-extensions",
                extension,
                "-out",
                &path(&format!("{name}.pem")),
            ]);
        }

        let path = |name: &str| dir.path().join(name);
        Pki {
            ca: path("ca.pem"),
            wrong_ca: path("wrong-ca.pem"),
            server_cert: path("server.pem"),
            server_key: path("server.key"),
            renamed_server_cert: path("renamed-server.pem"),
            renamed_server_key: path("renamed-server.key"),
            client_cert: path("client.pem"),
            client_key: path("client.key"),
            dir,
        }
    }
}

/// Writes a new ECDSA P-256 private key (PKCS#8 PEM) to `path`.
fn generate_key(path: &str) {
    openssl(&[
        "genpkey",
        "-algorithm",
        "EC",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-out",
        path,
    ]);
}

/// Runs the `openssl` CLI, failing the test with its stderr on error.
fn openssl(args: &[&str]) {
    let output = Command::new(find_program("OPENSSL", "openssl"))
        .args(args)
        .output()
        .expect("run openssl");
    assert!(
        output.status.success(),
        "openssl {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The program named by the environment variable `variable`, else `name` on `PATH` or in
/// `/usr/sbin` (where Debian puts nginx, and which is not always on a test runner's `PATH`).
fn find_program(variable: &str, name: &str) -> PathBuf {
    if let Ok(path) = std::env::var(variable) {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin")])
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "{name} was not found: run scripts/setup.sh (it installs Debian's {name}) \
                 or set {variable}"
            )
        })
}

/// nginx terminating TLS in front of a plaintext Temporal frontend.
pub struct TlsProxy {
    /// `127.0.0.1:port` of the server-TLS-only listener.
    pub tls: String,
    /// `127.0.0.1:port` of the listener that requires a client certificate.
    pub mtls: String,
    /// `127.0.0.1:port` of the listener that requires [`API_KEY`].
    pub api_key: String,
    /// `127.0.0.1:port` of the listener whose certificate names only [`RENAMED_SERVER_NAME`].
    pub renamed: String,
    /// The certificates the proxy and its clients use.
    pub pki: Pki,
    watchdog: Child,
    log: PathBuf,
    dir: tempfile::TempDir,
}

impl TlsProxy {
    /// The proxy shared by every test of this test binary, in front of the shared dev server.
    pub fn shared() -> &'static TlsProxy {
        static PROXY: OnceLock<TlsProxy> = OnceLock::new();
        PROXY.get_or_init(|| TlsProxy::start(&TemporalServer::shared().address, Pki::generate()))
    }

    /// Starts nginx proxying to the gRPC frontend at `upstream` (`host:port`, plaintext).
    pub fn start(upstream: &str, pki: Pki) -> TlsProxy {
        let dir = tempfile::tempdir().expect("temp dir");
        let [tls, mtls, api_key, renamed] = [(); 4].map(|()| format!("127.0.0.1:{}", free_port()));
        let config = nginx_config(upstream, &pki, [&tls, &mtls, &api_key, &renamed]);
        let config_path = dir.path().join("nginx.conf");
        std::fs::write(&config_path, config).expect("write nginx.conf");
        let log = dir.path().join("nginx.log");
        let prefix = dir.path().to_string_lossy().into_owned();
        let watchdog = spawn_watched(
            &find_program("NGINX", "nginx"),
            &[
                "-p".to_owned(),
                format!("{prefix}/"),
                "-c".to_owned(),
                config_path.to_string_lossy().into_owned(),
                // Before the config is read, nginx logs to this, not to its compiled-in path.
                "-e".to_owned(),
                "stderr".to_owned(),
                "-g".to_owned(),
                "daemon off;".to_owned(),
            ],
            &log,
            &dir.path().join("watchdog.pid"),
            &[],
        );
        let proxy = TlsProxy {
            tls,
            mtls,
            api_key,
            renamed,
            pki,
            watchdog,
            log,
            dir,
        };
        for address in [&proxy.tls, &proxy.mtls, &proxy.api_key, &proxy.renamed] {
            assert!(
                wait_for_port(address, Duration::from_secs(20)),
                "nginx did not listen on {address}; its log:\n{}",
                proxy.log()
            );
        }
        proxy
    }

    /// Everything nginx has logged so far (handshake failures show up here at `info`).
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut file) = std::fs::File::open(&self.log) {
            let _ = file.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for TlsProxy {
    fn drop(&mut self) {
        // The watchdog passes TERM on to nginx, which stops at once.
        let _ = Command::new("kill")
            .arg(self.watchdog.id().to_string())
            .status();
        let _ = self.watchdog.wait();
    }
}

/// The nginx configuration: one `server` per listener, all proxying gRPC to `upstream`.
fn nginx_config(upstream: &str, pki: &Pki, [tls, mtls, api_key, renamed]: [&String; 4]) -> String {
    let file = |path: &Path| path.to_string_lossy().into_owned();
    let (server_cert, server_key) = (file(&pki.server_cert), file(&pki.server_key));
    let proxy = format!("location / {{\n            grpc_pass grpc://{upstream};\n        }}");
    format!(
        r#"# One process, so the watchdog's kill takes the whole proxy down.
master_process off;
error_log stderr info;
pid nginx.pid;
events {{
    worker_connections 256;
}}
http {{
    access_log off;
    client_body_temp_path client_body_temp;
    proxy_temp_path proxy_temp;
    fastcgi_temp_path fastcgi_temp;
    uwsgi_temp_path uwsgi_temp;
    scgi_temp_path scgi_temp;
    # Workers long-poll for about a minute; payloads may exceed nginx's 1 MiB default.
    grpc_read_timeout 5m;
    grpc_send_timeout 5m;
    client_max_body_size 0;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate {server_cert};
    ssl_certificate_key {server_key};

    server {{
        listen {tls} ssl http2;
        {proxy}
    }}
    server {{
        listen {mtls} ssl http2;
        ssl_client_certificate {ca};
        ssl_verify_client on;
        # Fail the handshake without a client certificate, as Temporal's server does, instead
        # of completing it and answering HTTP 400.
        ssl_conf_command VerifyMode Require;
        {proxy}
    }}
    server {{
        listen {api_key} ssl http2;
        location / {{
            if ($http_authorization != "Bearer {API_KEY}") {{
                return 401;
            }}
            grpc_pass grpc://{upstream};
        }}
        # Refuse as a gRPC server does, with status UNAUTHENTICATED in a trailers-only response,
        # not with nginx's HTML error page.
        error_page 401 = @unauthenticated;
        location @unauthenticated {{
            default_type application/grpc;
            add_header grpc-status 16 always;
            add_header grpc-message "invalid API key" always;
            return 200;
        }}
    }}
    server {{
        listen {renamed} ssl http2;
        ssl_certificate {renamed_cert};
        ssl_certificate_key {renamed_key};
        {proxy}
    }}
}}
"#,
        ca = file(&pki.ca),
        renamed_cert = file(&pki.renamed_server_cert),
        renamed_key = file(&pki.renamed_server_key),
    )
}

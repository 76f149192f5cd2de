//! Loopback HTTP(S) servers for the HTTP activity tests. Each binds `127.0.0.1` on a free port,
//! records every request it receives, answers with the test's handler, and stops when dropped
//! (with its test's runtime). HTTPS uses a throwaway CA from [`super::tls_proxy::Pki`] and
//! offers HTTP/2 and HTTP/1.1 by ALPN, as real servers do.

#![allow(dead_code)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{HeaderMap, Request, Response, Version};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls_pki_types::pem::PemObject as _;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::tls_proxy::Pki;

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    /// Path and query.
    pub path: String,
    pub version: Version,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Received {
    /// The value of header `name`, if sent, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// What the handler answers: a status, headers, a body, and how long to wait first.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub delay: Duration,
}

impl Answer {
    pub fn new(status: u16) -> Answer {
        Answer {
            status,
            ..Answer::default()
        }
    }
    pub fn header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Answer {
        self.body = body.into();
        self
    }
    pub fn after(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }
}

type Handler = Arc<dyn Fn(&Received) -> Answer + Send + Sync>;

/// A running server; stops accepting when dropped.
pub struct TestServer {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    accept: JoinHandle<()>,
}

impl TestServer {
    /// A plain HTTP/1.1 server.
    pub async fn http(handler: impl Fn(&Received) -> Answer + Send + Sync + 'static) -> TestServer {
        TestServer::start(Arc::new(handler), None).await
    }

    /// An HTTPS server presenting `pki`'s certificate for `localhost` and `127.0.0.1`.
    pub async fn https(
        pki: &Pki,
        handler: impl Fn(&Received) -> Answer + Send + Sync + 'static,
    ) -> TestServer {
        let certs = CertificateDer::pem_file_iter(&pki.server_cert)
            .expect("server cert")
            .collect::<Result<Vec<_>, _>>()
            .expect("server cert PEM");
        let key = PrivateKeyDer::from_pem_file(&pki.server_key).expect("server key");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .expect("server certificate");
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        TestServer::start(Arc::new(handler), Some(acceptor)).await
    }

    async fn start(handler: Handler, tls: Option<tokio_rustls::TlsAcceptor>) -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        let accept = tokio::spawn(async move {
            // Connections live in the set, so stopping the server stops them too.
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, log, tls) = (Arc::clone(&handler), Arc::clone(&log), tls.clone());
                connections.spawn(async move {
                    match tls {
                        None => serve(TokioIo::new(stream), handler, log).await,
                        Some(acceptor) => {
                            if let Ok(stream) = acceptor.accept(stream).await {
                                serve(TokioIo::new(stream), handler, log).await;
                            }
                        }
                    }
                });
            }
        });
        TestServer {
            port,
            received,
            accept,
        }
    }

    /// `http://127.0.0.1:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Every request received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn serve<I>(io: TokioIo<I>, handler: Handler, log: Arc<Mutex<Vec<Received>>>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let (handler, log) = (Arc::clone(&handler), Arc::clone(&log));
        async move {
            let (parts, body) = request.into_parts();
            let body = body
                .collect()
                .await
                .map(|b| b.to_bytes().to_vec())
                .unwrap_or_default();
            let received = Received {
                method: parts.method.to_string(),
                path: parts
                    .uri
                    .path_and_query()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                version: parts.version,
                headers: parts.headers,
                body,
            };
            let answer = handler(&received);
            log.lock().unwrap().push(received);
            tokio::time::sleep(answer.delay).await;
            let mut response = Response::builder().status(answer.status);
            for (name, value) in &answer.headers {
                response = response.header(name, value);
            }
            let response = response
                .body(Full::new(Bytes::from(answer.body)))
                .expect("response");
            Ok::<_, Infallible>(response)
        }
    });
    let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
        .serve_connection(io, service)
        .await;
}

/// A server that reads one request and never answers, telling the test when the request has
/// arrived and when the client closed the connection.
pub struct HangingServer {
    pub port: u16,
    pub received: oneshot::Receiver<()>,
    pub closed: oneshot::Receiver<()>,
    task: JoinHandle<()>,
}

impl HangingServer {
    pub async fn start() -> HangingServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        let (received_tx, received) = oneshot::channel();
        let (closed_tx, closed) = oneshot::channel();
        let task = tokio::spawn(async move {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            let mut received_tx = Some(received_tx);
            loop {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        request.extend_from_slice(&buffer[..n]);
                        if request.windows(4).any(|w| w == b"\r\n\r\n")
                            && let Some(tx) = received_tx.take()
                        {
                            let _ = tx.send(());
                        }
                    }
                }
            }
            let _ = closed_tx.send(());
        });
        HangingServer {
            port,
            received,
            closed,
            task,
        }
    }
}

impl Drop for HangingServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback port nothing listens on (bound, then released).
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    port
}

/// `addr` as the loopback socket address of `port`.
pub fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

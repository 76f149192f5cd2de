//! The REST endpoint the HTTP activities call: one loopback HTTP server for the whole test
//! binary, whose port the worker's `allowed_hosts` lists, shared by every test through a route
//! of its own.
//!
//! A test registers a [`Route`] under a fresh name and calls `/<name>/…`. Each request to it is
//! answered by the route's handler, which is told the attempt number (1 for the first request
//! the route received), and recorded as a [`Hit`] with its arrival time and when the client
//! closed the connection, if it did before the answer was sent: what the server side of a retry, a
//! `Retry-After` or a cancellation looks like.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

pub use super::common::http_server::{Answer, Received};

/// Answers a route's requests: the attempt number (from 1) and the request.
type Handler = Arc<dyn Fn(u32, &Received) -> Answer + Send + Sync>;

/// One request a route received.
#[derive(Clone, Debug)]
pub struct Hit {
    /// As the server read it.
    pub request: Received,
    /// When its head and body had arrived.
    pub at: Instant,
    /// When the client closed the connection while the server was still waiting to answer
    /// (the answer's `delay`): the request was aborted then.
    pub aborted_at: Option<Instant>,
}

impl Hit {
    /// The value of header `name`, if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.request.header(name)
    }
}

/// A route's handler and what it received.
struct RouteState {
    handler: Handler,
    hits: Vec<Hit>,
}

/// The runtime the servers run on, kept for the whole test binary (tests themselves are plain
/// threads driving processes).
pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime")
    })
}

/// A loopback HTTP/1.1 server dispatching on the first path segment.
pub struct Endpoint {
    /// Its port on 127.0.0.1.
    pub port: u16,
    routes: Arc<Mutex<HashMap<String, RouteState>>>,
}

impl Endpoint {
    /// Binds a free port and serves until the test binary exits.
    pub fn start() -> Endpoint {
        let routes: Arc<Mutex<HashMap<String, RouteState>>> = Arc::default();
        let listener = runtime()
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        let served = Arc::clone(&routes);
        runtime().spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let routes = Arc::clone(&served);
                tokio::spawn(serve(TokioIo::new(stream), routes));
            }
        });
        Endpoint { port, routes }
    }

    /// A new route named after `prefix`, answered by `handler`.
    pub fn route(
        &'static self,
        prefix: &str,
        handler: impl Fn(u32, &Received) -> Answer + Send + Sync + 'static,
    ) -> Route {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let state = RouteState {
            handler: Arc::new(handler),
            hits: Vec::new(),
        };
        self.routes.lock().unwrap().insert(name.clone(), state);
        Route {
            endpoint: self,
            name,
            host: "127.0.0.1",
        }
    }
}

/// One test's part of an [`Endpoint`].
pub struct Route {
    endpoint: &'static Endpoint,
    /// The first path segment.
    pub name: String,
    /// The host its URLs name.
    host: &'static str,
}

impl Route {
    /// The same route, its URLs naming `host` (`localhost`) instead of `127.0.0.1`.
    pub fn via(mut self, host: &'static str) -> Route {
        self.host = host;
        self
    }

    /// `http://<host>:<port>/<name><path>`.
    pub fn url(&self, path: &str) -> String {
        format!(
            "http://{}:{}/{}{path}",
            self.host, self.endpoint.port, self.name
        )
    }

    /// Every request received so far, in arrival order.
    pub fn hits(&self) -> Vec<Hit> {
        self.endpoint.routes.lock().unwrap()[&self.name]
            .hits
            .clone()
    }

    /// Waits up to `timeout` until `done` holds for the hits; returns them either way.
    pub fn wait_for(&self, timeout: Duration, done: impl Fn(&[Hit]) -> bool) -> Vec<Hit> {
        let deadline = Instant::now() + timeout;
        loop {
            let hits = self.hits();
            if done(&hits) || Instant::now() >= deadline {
                return hits;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Marks its hit aborted when dropped before [`Pending::answered`]: hyper drops a request's
/// service future when the client closes the connection under it.
struct Pending {
    routes: Arc<Mutex<HashMap<String, RouteState>>>,
    route: String,
    index: usize,
    answered: bool,
}

impl Pending {
    fn answered(mut self) {
        self.answered = true;
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if !self.answered
            && let Some(state) = self.routes.lock().unwrap().get_mut(&self.route)
        {
            state.hits[self.index].aborted_at = Some(Instant::now());
        }
    }
}

async fn serve(
    io: TokioIo<tokio::net::TcpStream>,
    routes: Arc<Mutex<HashMap<String, RouteState>>>,
) {
    let service = hyper::service::service_fn(move |request: Request<Incoming>| {
        let routes = Arc::clone(&routes);
        async move {
            let (parts, body) = request.into_parts();
            let body = body
                .collect()
                .await
                .map(|body| body.to_bytes().to_vec())
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
            let route = received
                .path
                .trim_start_matches('/')
                .split(['/', '?'])
                .next()
                .unwrap_or_default()
                .to_owned();
            let found = {
                let mut routes = routes.lock().unwrap();
                routes.get_mut(&route).map(|state| {
                    let attempt = state.hits.len() as u32 + 1;
                    let answer = (state.handler)(attempt, &received);
                    state.hits.push(Hit {
                        request: received.clone(),
                        at: Instant::now(),
                        aborted_at: None,
                    });
                    (answer, state.hits.len() - 1)
                })
            };
            let answer = match found {
                None => Answer::new(404).body(format!("no route {route}")),
                Some((answer, index)) => {
                    let pending = Pending {
                        routes: Arc::clone(&routes),
                        route,
                        index,
                        answered: false,
                    };
                    tokio::time::sleep(answer.delay).await;
                    pending.answered();
                    answer
                }
            };
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
    // HTTP/1 only (the worker's client speaks HTTP/1.1 to a plain-text server); by default
    // hyper closes the connection, dropping the request's future, when the client goes away.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(io, service)
        .await;
}

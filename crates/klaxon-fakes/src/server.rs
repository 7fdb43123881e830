//! A loopback HTTP server around an axum router that records requests and injects [`Fault`]s.
//! Keep-alive is off, so every request arrives on a connection of its own and a fault can reset
//! exactly one request's connection.

use crate::{Fault, Faults};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;
use tower::ServiceExt;

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    /// The first value of header `name` (lower-case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON (Null when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// A running fake; stops when dropped.
#[derive(Debug)]
pub struct FakeServer {
    addr: SocketAddr,
    router: Router,
    faults: Arc<Faults>,
    log: Arc<Mutex<Vec<Recorded>>>,
    stop: watch::Sender<bool>,
    /// The accept loop, kept so that going down can wait until the listener is closed.
    accepting: tokio::sync::Mutex<Option<JoinHandle<()>>>,
}

impl FakeServer {
    /// Serves `router` on 127.0.0.1 at a free port.
    pub async fn start(router: Router) -> std::io::Result<Self> {
        Self::start_on("127.0.0.1:0".parse().map_err(std::io::Error::other)?, router).await
    }

    /// Serves `router` on `addr` (e.g. to come back on the same port after a drop; the old
    /// listener may take a moment to let go, so binding is retried for 5 s).
    pub async fn start_on(addr: SocketAddr, router: Router) -> std::io::Result<Self> {
        let listener = bind(addr).await?;
        let addr = listener.local_addr()?;
        let faults = Arc::new(Faults::default());
        let log = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = watch::channel(false);
        let accept = tokio::spawn(accept_loop(listener, router.clone(), faults.clone(), log.clone(), stopped));
        Ok(Self { addr, router, faults, log, stop, accepting: tokio::sync::Mutex::new(Some(accept)) })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The fault queue.
    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// How many requests so far.
    pub fn request_count(&self) -> usize {
        self.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len()
    }

    /// Forgets the recorded requests.
    pub fn clear_requests(&self) {
        self.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    /// Stops listening (connections in progress finish). The port is free again afterwards.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Stops listening and returns once the port is closed, so new connections are refused
    /// (connections in progress finish). Faults and recorded requests are kept for
    /// [`FakeServer::come_back`].
    pub async fn go_down(&self) {
        let mut accepting = self.accepting.lock().await;
        self.stop.send_replace(true);
        if let Some(accept) = accepting.take() {
            // The task drops its listener before its handle resolves: the port is closed now.
            let _ = accept.await;
        }
    }

    /// Listens again on the same port after [`FakeServer::go_down`] or [`FakeServer::stop`], so
    /// a client's configured URL works again (does nothing while it is up).
    pub async fn come_back(&self) -> std::io::Result<()> {
        let mut accepting = self.accepting.lock().await;
        if !*self.stop.borrow() && accepting.as_ref().is_some_and(|a| !a.is_finished()) {
            return Ok(());
        }
        if let Some(accept) = accepting.take() {
            let _ = accept.await;
        }
        let listener = bind(self.addr).await?;
        self.stop.send_replace(false);
        let stopped = self.stop.subscribe();
        let (router, faults, log) = (self.router.clone(), self.faults.clone(), self.log.clone());
        *accepting = Some(tokio::spawn(accept_loop(listener, router, faults, log, stopped)));
        Ok(())
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Binds `addr`; a listener that just closed on it may take a moment to let go, so binding is
/// retried for 5 s.
async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let mut tries = 0;
    loop {
        match TcpListener::bind(addr).await {
            Ok(l) => return Ok(l),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && tries < 100 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => return Err(e),
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    router: Router,
    faults: Arc<Faults>,
    log: Arc<Mutex<Vec<Recorded>>>,
    mut stopped: watch::Receiver<bool>,
) {
    loop {
        let stream = tokio::select! {
            // Stopped, or the server is gone.
            _ = stopped.wait_for(|stop| *stop) => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::debug!("fake accept failed: {e}");
                    continue;
                }
            },
        };
        // As real servers do (Go's net/http sets it on every connection): small writes, such as
        // one line of a stream, go out at once instead of waiting for the last one's ACK.
        let _ = stream.set_nodelay(true);
        let fault = faults.take();
        tokio::spawn(serve_connection(stream, router.clone(), fault, log.clone(), faults.clone()));
    }
}

async fn serve_connection(
    stream: TcpStream,
    router: Router,
    fault: Option<Fault>,
    log: Arc<Mutex<Vec<Recorded>>>,
    faults: Arc<Faults>,
) {
    let resets = matches!(fault, Some(Fault::Reset | Fault::ResetAfterHandling));
    if resets {
        // Linger 0: dropping the socket sends RST instead of FIN.
        let _ = socket_zero_linger(&stream);
    }
    let abandon = Arc::new(Notify::new());
    let service = {
        let abandon = abandon.clone();
        hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
            let (router, fault, log, abandon) = (router.clone(), fault.clone(), log.clone(), abandon.clone());
            let faults = faults.clone();
            async move { Ok::<_, Infallible>(handle(req, router, fault, log, abandon, faults).await) }
        })
    };
    let conn =
        hyper::server::conn::http1::Builder::new().keep_alive(false).serve_connection(TokioIo::new(stream), service);
    tokio::select! {
        _ = conn => {}
        () = abandon.notified() => {}
    }
}

fn socket_zero_linger(stream: &TcpStream) -> std::io::Result<()> {
    #[allow(deprecated)]
    stream.set_linger(Some(std::time::Duration::ZERO))
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    router: Router,
    fault: Option<Fault>,
    log: Arc<Mutex<Vec<Recorded>>>,
    abandon: Arc<Notify>,
    faults: Arc<Faults>,
) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(Body::new(body), 64 * 1024 * 1024).await.unwrap_or_default();
    log.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: body.to_vec(),
    });
    let run = |parts, body| async move {
        match router.oneshot(Request::from_parts(parts, Body::from(body))).await {
            Ok(r) => r,
            Err(never) => match never {},
        }
    };
    match fault {
        None => run(parts, body).await,
        Some(Fault::Status(status, text)) => {
            plain(StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), text)
        }
        Some(Fault::Unauthorized) => json(
            StatusCode::UNAUTHORIZED,
            r#"{"error":{"message":"Unauthorized","code":2006},"detail":"Invalid token.","errors":[{"message":"token revoked"}]}"#,
        ),
        Some(Fault::RateLimited { reset_secs }) => {
            let mut r =
                json(StatusCode::TOO_MANY_REQUESTS, r#"{"error":{"message":"Rate Limit Exceeded","code":2020}}"#);
            let v = axum::http::HeaderValue::from(reset_secs);
            r.headers_mut().insert("ratelimit-reset", v.clone());
            r.headers_mut().insert("retry-after", v);
            r
        }
        Some(Fault::Delay(d)) => {
            tokio::time::sleep(d).await;
            run(parts, body).await
        }
        Some(Fault::HoldThenApply(d)) => {
            // On a task of its own: the effects happen even when the client hangs up first.
            let applied = tokio::spawn(async move {
                tokio::time::sleep(d).await;
                let r = run(parts, body).await;
                faults.release();
                r
            });
            applied.await.unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "fake handler failed".into()))
        }
        Some(Fault::HoldThenDrop(d)) => {
            tokio::time::sleep(d).await;
            plain(StatusCode::GATEWAY_TIMEOUT, "upstream timed out".into())
        }
        Some(Fault::HoldAfterHandling(d)) => {
            let r = run(parts, body).await;
            tokio::time::sleep(d).await;
            r
        }
        Some(Fault::Malformed) => json(StatusCode::OK, r#"{"surprise":[1,2,3],"incidents":"not a list","data":7}"#),
        Some(Fault::Truncated) => {
            let full = run(parts, body).await;
            let status = full.status();
            let bytes = axum::body::to_bytes(full.into_body(), 64 * 1024 * 1024).await.unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            let mut r = Response::new(Body::from(half));
            *r.status_mut() = status;
            r.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("application/json"));
            r
        }
        Some(Fault::Reset) => {
            abandon.notify_one();
            std::future::pending().await
        }
        Some(Fault::ResetAfterHandling) => {
            let _ = run(parts, body).await;
            abandon.notify_one();
            std::future::pending().await
        }
    }
}

fn plain(status: StatusCode, text: String) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r
}

fn json(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r.headers_mut().insert("content-type", axum::http::HeaderValue::from_static("application/json"));
    r
}

//! A test CA, certificates it signs, and an HTTPS server on 127.0.0.1 that presents one of them.

use chrono::{DateTime, Utc};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

/// The bearer token `/private` wants.
pub const TOKEN: &str = "s3cret-t0ken-do-not-print";

/// A certificate authority made for one test.
pub struct Ca {
    issuer: Issuer<'static, KeyPair>,
    pub pem: String,
    pub der: Vec<u8>,
}

/// A server certificate and its key.
pub struct Leaf {
    cert: CertificateDer<'static>,
    key: PrivatePkcs8KeyDer<'static>,
}

impl Ca {
    pub fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, "Klaxon probes test CA");
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let key = KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        Self { pem: cert.pem(), der: cert.der().to_vec(), issuer: Issuer::new(params, key) }
    }

    /// A certificate for `names`, valid from `not_before` until `not_after`.
    pub fn leaf(&self, names: &[&str], not_before: DateTime<Utc>, not_after: DateTime<Utc>) -> Leaf {
        let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        params.not_before = time::OffsetDateTime::from_unix_timestamp(not_before.timestamp()).unwrap();
        params.not_after = time::OffsetDateTime::from_unix_timestamp(not_after.timestamp()).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.issuer).unwrap();
        Leaf { cert: cert.der().clone(), key: PrivatePkcs8KeyDer::from(key.serialize_der()) }
    }
}

/// An HTTPS server on a free loopback port: `/health` answers 200, `/down` 503, `/private` 200
/// with the bearer [`TOKEN`] (else 401), `/hang` never.
pub struct Https {
    pub port: u16,
    stop: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Https {
    pub async fn start(leaf: &Leaf) -> Self {
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![leaf.cert.clone()], PrivateKeyDer::Pkcs8(leaf.key.clone_key()))
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let (stop, mut stopped) = oneshot::channel();
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            loop {
                let (tcp, _) = tokio::select! {
                    _ = &mut stopped => break,
                    accepted = listener.accept() => match accepted { Ok(a) => a, Err(_) => continue },
                };
                let acceptor = acceptor.clone();
                connections.spawn(async move {
                    // A refused handshake (the probe distrusting the certificate) ends here.
                    let Ok(tls) = acceptor.accept(tcp).await else { return };
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service_fn(answer))
                        .await;
                });
            }
            connections.shutdown().await;
        });
        Self { port, stop, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://127.0.0.1:{}{path}", self.port)
    }

    pub async fn stop(self) {
        let _ = self.stop.send(());
        self.task.await.unwrap();
    }
}

async fn answer(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let status = match req.uri().path() {
        "/health" => StatusCode::OK,
        "/down" => StatusCode::SERVICE_UNAVAILABLE,
        "/private" => {
            let bearer = req.headers().get("authorization").and_then(|v| v.to_str().ok());
            if bearer == Some(&format!("Bearer {TOKEN}")) { StatusCode::OK } else { StatusCode::UNAUTHORIZED }
        }
        "/hang" => std::future::pending().await,
        _ => StatusCode::NOT_FOUND,
    };
    let mut response = Response::new(Full::new(Bytes::from(format!("{status}; token {TOKEN}"))));
    *response.status_mut() = status;
    Ok(response)
}

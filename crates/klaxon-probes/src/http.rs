//! Does a URL answer the expected status, over HTTPS with a certificate that lasts?

mod certificate;

use crate::Finding;
use crate::evidence::{Check, causes, connect_failure, human, joined, timed_out};
use klaxon_core::Secret;
use klaxon_core::checklist::Outcome;
use reqwest::tls::TlsInfo;
use std::io;
use std::time::Duration;
use url::Url;

/// How http probes reach their servers.
#[derive(Debug, Clone, Default)]
pub struct HttpProbeOptions {
    /// Root CA certificates trusted besides the system's (a private CA; tests), each PEM (one or
    /// more certificates) or DER.
    pub extra_roots: Vec<Vec<u8>>,
}

impl HttpProbeOptions {
    /// These options, also trusting the CA certificate(s) in `pem_or_der`.
    pub fn trusting(mut self, pem_or_der: impl Into<Vec<u8>>) -> Self {
        self.extra_roots.push(pem_or_der.into());
        self
    }
}

/// GETs `url` within `timeout`, with `token` as a bearer token when given. Passes on one of
/// `status` (any 2xx when empty); over https, warns when the certificate has fewer than
/// `cert_days` days left.
pub async fn http(
    url: &str,
    status: &[u16],
    token: Option<&Secret>,
    cert_days: u32,
    timeout: Duration,
    opts: &HttpProbeOptions,
) -> Finding {
    let parsed = Url::parse(url);
    let check = Check::start(format!("GET {}", parsed.as_ref().map_or_else(|_| url.to_string(), shown)));
    let url = match parsed {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        Ok(url) => return check.fail(format!("{}: URLs are probed over http or https", url.scheme())),
        Err(e) => return check.fail(format!("not a URL: {e}")),
    };
    let host = url.host_str().unwrap_or_default().to_string();
    let client = match client(timeout, opts) {
        Ok(client) => client,
        Err(why) => return check.fail(why),
    };
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token.expose());
    }
    let response = match tokio::time::timeout(timeout, request.send()).await {
        Err(_) => return check.fail(timed_out(timeout)),
        Ok(Err(e)) => return check.fail(request_failure(&e, &host, timeout)),
        Ok(Ok(response)) => response,
    };
    let code = response.status();
    let answered = format!("answered {} in {}", code.as_u16(), human(check.elapsed()));
    let expected = if status.is_empty() { code.is_success() } else { status.contains(&code.as_u16()) };
    if !expected {
        let wanted = if status.is_empty() { "2xx".to_string() } else { joined(status, "or") };
        return check.fail(format!("answered {}, expected {wanted}", code.as_u16()));
    }
    let Some(tls) = response.extensions().get::<TlsInfo>() else {
        return check.pass(answered);
    };
    match tls.peer_certificate().and_then(certificate::not_after) {
        Some(not_after) => {
            let (outcome, words) = certificate::lasting(not_after, chrono::Utc::now(), cert_days);
            check.finish(outcome, format!("{answered}; {words}"))
        }
        None => check.finish(Outcome::Warn, format!("{answered}; the certificate's expiry date could not be read")),
    }
}

/// The URL as evidence shows it: without a password in it.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    if url.password().is_some() {
        let _ = url.set_password(None);
    }
    url.to_string()
}

/// A client of its own for this probe, trusting the extra roots besides the system's.
fn client(timeout: Duration, opts: &HttpProbeOptions) -> Result<reqwest::Client, String> {
    let mut roots = Vec::new();
    for (i, bytes) in opts.extra_roots.iter().enumerate() {
        let parsed = if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
            reqwest::Certificate::from_pem_bundle(bytes)
        } else {
            reqwest::Certificate::from_der(bytes).map(|c| vec![c])
        };
        roots.extend(parsed.map_err(|e| format!("extra CA certificate {} cannot be read: {e}", i + 1))?);
    }
    reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout)
        .tls_info(true)
        .tls_certs_merge(roots)
        .user_agent(concat!("klaxon-probes/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| format!("cannot set up the HTTP client: {}", e.without_url()))
}

/// Why a request got no answer: a TLS verdict, a refused connection, a name that does not
/// resolve. Never carries request headers (the token), only the causes' own words.
fn request_failure(err: &reqwest::Error, host: &str, timeout: Duration) -> String {
    if err.is_timeout() {
        return timed_out(timeout);
    }
    let chain = causes(err);
    if let Some(tls) = chain.iter().find_map(|e| e.downcast_ref::<rustls::Error>()) {
        return certificate::tls_failure(tls, host);
    }
    if chain.iter().any(|e| e.to_string().starts_with("dns error")) {
        return format!("{host} does not resolve");
    }
    if let Some(io) = chain.iter().rev().find_map(|e| e.downcast_ref::<io::Error>()) {
        return connect_failure(io);
    }
    // The innermost cause says what went wrong; reqwest's own words would only repeat the URL.
    match chain.split_last() {
        Some((innermost, [_, ..])) => format!("request failed: {innermost}"),
        _ => "request failed".into(),
    }
}

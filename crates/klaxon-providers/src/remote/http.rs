//! The HTTP plumbing every platform adapter shares: one client with timeouts, status codes mapped
//! to [`ProviderError`] kinds, rate-limit headers read, bodies size-capped and decoded with the
//! JSON path of whatever does not fit.

use crate::ProviderError;
use reqwest::header::HeaderMap;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use std::time::{Duration, SystemTime};

/// Largest response body accepted (a page of 100 incidents is well under 1 MB).
const MAX_BODY: usize = 32 * 1024 * 1024;

/// Timeouts for talking to a platform.
#[derive(Debug, Clone, Copy)]
pub struct HttpOptions {
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for a whole request, body included.
    pub timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self { connect_timeout: Duration::from_secs(5), timeout: Duration::from_secs(20) }
    }
}

/// A client bound to one platform's base URL.
#[derive(Debug, Clone)]
pub struct Http {
    client: reqwest::Client,
    base: url::Url,
}

impl Http {
    /// A client for `base_url` (which must be an absolute http(s) URL).
    pub fn new(base_url: &str, options: HttpOptions) -> Result<Self, ProviderError> {
        let mut base = url::Url::parse(base_url.trim())
            .map_err(|e| ProviderError::Config(format!("base URL `{base_url}` is not a URL: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
            return Err(ProviderError::Config(format!("base URL `{base_url}` must start with https://")));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let client = reqwest::Client::builder()
            .connect_timeout(options.connect_timeout)
            .timeout(options.timeout)
            .user_agent(concat!("klaxon/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::Config(format!("cannot build an HTTP client: {e}")))?;
        Ok(Self { client, base })
    }

    /// The absolute URL of `path` (relative to the base URL; a leading `/` is ignored).
    pub fn url(&self, path: &str) -> Result<url::Url, ProviderError> {
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|e| ProviderError::Config(format!("bad request path `{path}`: {e}")))
    }

    /// A request builder for `method` on `path`.
    pub fn request(&self, method: reqwest::Method, path: &str) -> Result<RequestBuilder, ProviderError> {
        Ok(self.client.request(method, self.url(path)?))
    }

    /// The underlying client (for requests to absolute URLs, e.g. a platform's `next` link).
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }
}

/// Sends the request and returns the body of a 2xx answer; any other answer becomes the matching
/// [`ProviderError`] with the platform's message.
pub async fn send(request: RequestBuilder) -> Result<Vec<u8>, ProviderError> {
    let response = request.send().await.map_err(transport)?;
    let status = response.status();
    let headers = response.headers().clone();
    let body = read_body(response).await?;
    if status.is_success() {
        return Ok(body);
    }
    Err(status_error(status, &headers, &body))
}

/// Sends the request and decodes a 2xx JSON answer into `T`.
pub async fn send_json<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ProviderError> {
    decode(&send(request).await?)
}

/// Decodes JSON, naming the path of the first value that does not fit.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, ProviderError> {
    let mut de = serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if path == "." {
            ProviderError::Malformed(inner.to_string())
        } else {
            ProviderError::Malformed(format!("at {path}: {inner}"))
        }
    })
}

async fn read_body(mut response: Response) -> Result<Vec<u8>, ProviderError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(ProviderError::Malformed(format!("answer larger than {} MB", MAX_BODY / 1024 / 1024)));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn transport(e: reqwest::Error) -> ProviderError {
    // A connection that was never made sent nothing (this includes a connect timeout).
    let unreachable = e.is_connect();
    if e.is_timeout() && !unreachable {
        return ProviderError::Timeout;
    }
    // The full source chain says what broke (refused, reset, DNS); the URL is dropped because some
    // platforms put tokens in query strings.
    let cut_short = e.is_decode() || e.is_body();
    let e = e.without_url();
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message = format!("{message}: {s}");
        source = s.source();
    }
    if unreachable {
        return ProviderError::Unreachable(message);
    }
    if cut_short {
        return ProviderError::Network(format!("answer cut short ({message})"));
    }
    ProviderError::Network(message)
}

/// Maps a non-2xx answer to an error kind.
pub fn status_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> ProviderError {
    let message = platform_message(body).unwrap_or_else(|| {
        status.canonical_reason().map_or_else(|| format!("HTTP {}", status.as_u16()), str::to_owned)
    });
    match status {
        StatusCode::UNAUTHORIZED => ProviderError::Unauthorized(message),
        StatusCode::FORBIDDEN => ProviderError::Forbidden(message),
        StatusCode::NOT_FOUND | StatusCode::GONE => ProviderError::NotFound(message),
        StatusCode::TOO_MANY_REQUESTS => {
            ProviderError::RateLimited { retry_after: retry_after(headers, SystemTime::now()) }
        }
        StatusCode::REQUEST_TIMEOUT => ProviderError::Timeout,
        s if s.is_server_error() => ProviderError::Server { status: s.as_u16(), message },
        _ => ProviderError::InvalidState(message),
    }
}

/// How long a 429 asks us to wait: `Retry-After` (seconds or an HTTP date) or the IETF draft's
/// `RateLimit-Reset` (seconds), whichever says longer.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let seconds = |v: &str| v.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0).map(Duration::from_secs_f64);
    let retry = header("retry-after").and_then(|v| {
        seconds(v).or_else(|| httpdate::parse_http_date(v).ok().map(|at| at.duration_since(now).unwrap_or_default()))
    });
    let reset = header("ratelimit-reset").and_then(seconds);
    match (retry, reset) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The human part of a platform's error body, for the common shapes: PagerDuty's
/// `{"error":{"message","errors":[…]}}`, Grafana's `{"detail"}` and field errors, and `{"message"}` /
/// `{"errors":[{"message"}]}`.
fn platform_message(body: &[u8]) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
    if let Some(err) = v.get("error") {
        let head = err.get("message").and_then(text).or_else(|| text(err));
        let more: Vec<String> = err
            .get("errors")
            .and_then(|e| e.as_array())
            .map(|a| a.iter().filter_map(text).collect())
            .unwrap_or_default();
        return match (head, more.is_empty()) {
            (Some(h), false) => Some(format!("{h}: {}", more.join("; "))),
            (Some(h), true) => Some(h),
            (None, false) => Some(more.join("; ")),
            (None, true) => None,
        };
    }
    v.get("detail")
        .and_then(text)
        .or_else(|| v.get("message").and_then(text))
        .or_else(|| v.get("errors")?.as_array()?.first()?.get("message").and_then(text))
        .or_else(|| field_error(&v))
        .map(|m| m.chars().take(500).collect())
}

/// Django REST framework's validation errors (Grafana OnCall): `{"field": ["why", …]}`, with
/// `non_field_errors` for the whole request; the first one, named by its field.
fn field_error(v: &serde_json::Value) -> Option<String> {
    let (field, why) = v.as_object()?.iter().find_map(|(field, why)| {
        let why = why.as_str().or_else(|| why.as_array()?.first()?.as_str())?;
        Some((field, why))
    })?;
    Some(if field == "non_field_errors" { why.to_owned() } else { format!("{field}: {why}") })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn rate_limit_waits_are_read_from_either_header() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        assert_eq!(retry_after(&headers(&[("ratelimit-reset", "7")]), now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after(&headers(&[("retry-after", "3")]), now), Some(Duration::from_secs(3)));
        assert_eq!(
            retry_after(&headers(&[("retry-after", "2"), ("ratelimit-reset", "9")]), now),
            Some(Duration::from_secs(9))
        );
        let date = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(retry_after(&headers(&[("retry-after", &date)]), now), Some(Duration::from_secs(30)));
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")]), now), None);
    }

    #[test]
    fn statuses_map_to_kinds_with_the_platform_message() {
        let pd =
            br#"{"error":{"message":"Invalid Input Provided","code":2001,"errors":["Incident Already Resolved"]}}"#;
        let e = status_error(StatusCode::BAD_REQUEST, &HeaderMap::new(), pd);
        assert!(
            matches!(&e, ProviderError::InvalidState(m) if m == "Invalid Input Provided: Incident Already Resolved"),
            "{e:?}"
        );
        assert!(!e.is_transient());
        let e = status_error(StatusCode::UNAUTHORIZED, &HeaderMap::new(), br#"{"detail":"Invalid token."}"#);
        assert!(matches!(&e, ProviderError::Unauthorized(m) if m == "Invalid token."));
        let drf = br#"{"non_field_errors":["swap_start must be a datetime in the future"]}"#;
        let e = status_error(StatusCode::BAD_REQUEST, &HeaderMap::new(), drf);
        assert!(matches!(&e, ProviderError::InvalidState(m) if m == "swap_start must be a datetime in the future"));
        let e = status_error(StatusCode::BAD_REQUEST, &HeaderMap::new(), br#"{"schedule":["Invalid pk"]}"#);
        assert!(matches!(&e, ProviderError::InvalidState(m) if m == "schedule: Invalid pk"), "{e:?}");
        let e = status_error(StatusCode::BAD_GATEWAY, &HeaderMap::new(), b"<html>bad gateway</html>");
        assert!(matches!(e, ProviderError::Server { status: 502, .. }) && e.is_transient());
        let e = status_error(StatusCode::TOO_MANY_REQUESTS, &headers(&[("ratelimit-reset", "4")]), b"");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(4)));
    }

    #[test]
    fn decode_errors_name_the_path() {
        #[derive(Debug, serde::Deserialize)]
        struct Page {
            #[allow(dead_code)]
            items: Vec<u32>,
        }
        let e = decode::<Page>(br#"{"items":[1,"x"]}"#).unwrap_err();
        assert!(matches!(&e, ProviderError::Malformed(m) if m.starts_with("at items[1]")), "{e:?}");
        assert!(matches!(decode::<Page>(br#"{"items":[1,"#), Err(ProviderError::Malformed(_))));
    }

    #[test]
    fn base_urls_must_be_http() {
        assert!(Http::new("ftp://x", HttpOptions::default()).is_err());
        assert!(Http::new("not a url", HttpOptions::default()).is_err());
        let h = Http::new("http://127.0.0.1:9/oncall", HttpOptions::default()).unwrap();
        assert_eq!(
            h.url("/api/v1/users/current/").unwrap().as_str(),
            "http://127.0.0.1:9/oncall/api/v1/users/current/"
        );
    }
}

//! Fetching a feed: an http(s) or webcal URL with a conditional GET, or a file (a path or a
//! file:// URL) compared by size and modification time. Bodies are bounded; errors name the host,
//! never the whole URL (feed URLs carry secret tokens).

use crate::error::{IcalError, snippet};
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use url::Url;

/// The largest feed accepted, in bytes.
pub const MAX_FEED_BYTES: usize = 8 * 1024 * 1024;

/// What identifies a version of a feed, for conditional requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// The answer to a fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// Unchanged since `cached` (HTTP 304, or a file of the same size and time).
    NotModified,
    /// A new version of the feed.
    Fresh { body: String, validators: Validators },
}

/// A client for feeds with timeouts fit for a background refresh (30 s a request, 10 s to connect).
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
}

impl Fetcher {
    pub fn new() -> Result<Self, IcalError> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .connect_timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|e| IcalError::Network { source_desc: "the HTTP client".into(), error: e })?;
        Ok(Fetcher { client })
    }

    /// [`fetch`] with this client.
    pub async fn fetch(&self, source: &str, cached: &Validators) -> Result<Fetched, IcalError> {
        fetch(&self.client, source, cached).await
    }
}

/// Fetches the feed at `source`: an http(s) or webcal URL, a file:// URL or a file path. Sends
/// If-None-Match / If-Modified-Since from `cached`; a 304 is [`Fetched::NotModified`].
pub async fn fetch(client: &reqwest::Client, source: &str, cached: &Validators) -> Result<Fetched, IcalError> {
    let source = source.trim();
    match Url::parse(source) {
        Ok(url) => match url.scheme() {
            "http" | "https" => fetch_http(client, url, cached).await,
            "webcal" | "webcals" => {
                // A subscription link (PagerDuty's, Apple's) is the same feed over HTTPS.
                let https = format!("https{}", &source[url.scheme().len()..]);
                let url = Url::parse(&https).map_err(|_| IcalError::UnsupportedSource { source_desc: redact(&url) })?;
                fetch_http(client, url, cached).await
            }
            "file" => match url.to_file_path() {
                Ok(path) => fetch_file(&path, cached).await,
                Err(()) => Err(IcalError::UnsupportedSource { source_desc: source.to_string() }),
            },
            // A Windows drive letter parses as a scheme.
            scheme if scheme.len() == 1 => fetch_file(Path::new(source), cached).await,
            _ => Err(IcalError::UnsupportedSource { source_desc: redact(&url) }),
        },
        Err(_) => fetch_file(&PathBuf::from(source), cached).await,
    }
}

async fn fetch_http(client: &reqwest::Client, url: Url, cached: &Validators) -> Result<Fetched, IcalError> {
    let desc = redact(&url);
    let network = |error: reqwest::Error| IcalError::Network { source_desc: desc.clone(), error: error.without_url() };
    let mut request = client.get(url.clone()).header(ACCEPT, "text/calendar, text/plain;q=0.5, */*;q=0.1");
    if let Some(etag) = &cached.etag {
        request = request.header(IF_NONE_MATCH, etag);
    }
    if let Some(date) = &cached.last_modified {
        request = request.header(IF_MODIFIED_SINCE, date);
    }
    let mut response = request.send().await.map_err(network)?;
    let status = response.status();
    let conditional = cached.etag.is_some() || cached.last_modified.is_some();
    if status == StatusCode::NOT_MODIFIED && conditional {
        return Ok(Fetched::NotModified);
    }
    if !status.is_success() {
        return Err(IcalError::HttpStatus { source_desc: desc, status: status.as_u16() });
    }
    let header = |name| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let validators = Validators { etag: header(ETAG), last_modified: header(LAST_MODIFIED) };
    let content_type = header(CONTENT_TYPE).unwrap_or_default();
    let too_large = || IcalError::TooLarge { source_desc: desc.clone(), limit: MAX_FEED_BYTES };
    if response.content_length().is_some_and(|length| length > MAX_FEED_BYTES as u64) {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        if bytes.len() + chunk.len() > MAX_FEED_BYTES {
            return Err(too_large());
        }
        bytes.extend_from_slice(&chunk);
    }
    let body = calendar_text(&bytes, &desc, &content_type)?;
    Ok(Fetched::Fresh { body, validators })
}

async fn fetch_file(path: &Path, cached: &Validators) -> Result<Fetched, IcalError> {
    let desc = path.display().to_string();
    let io = |error| IcalError::File { source_desc: desc.clone(), error };
    let meta = tokio::fs::metadata(path).await.map_err(io)?;
    if meta.len() > MAX_FEED_BYTES as u64 {
        return Err(IcalError::TooLarge { source_desc: desc, limit: MAX_FEED_BYTES });
    }
    let modified = meta.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok());
    let validators = Validators {
        etag: modified.map(|m| format!("\"{:x}-{:x}\"", meta.len(), m.as_nanos())),
        last_modified: modified.and_then(|m| chrono::DateTime::from_timestamp(m.as_secs() as i64, 0)).map(|t| {
            // An HTTP date, as a server would send it.
            t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
        }),
    };
    if validators.etag.is_some() && validators.etag == cached.etag {
        return Ok(Fetched::NotModified);
    }
    let bytes = tokio::fs::read(path).await.map_err(io)?;
    let body = calendar_text(&bytes, &desc, "")?;
    Ok(Fetched::Fresh { body, validators })
}

/// The body as text (UTF-8, as RFC 5545 says; a stray invalid byte is replaced rather than losing
/// the schedule), if it is a calendar at all.
fn calendar_text(bytes: &[u8], desc: &str, content_type: &str) -> Result<String, IcalError> {
    let text = String::from_utf8_lossy(bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let head = text.trim_start().get(..15).unwrap_or("");
    if !head.eq_ignore_ascii_case("BEGIN:VCALENDAR") {
        return Err(IcalError::NotCalendarBody {
            source_desc: desc.to_string(),
            content_type: content_type.to_string(),
            start: snippet(text),
        });
    }
    Ok(text.to_string())
}

/// A URL with only its scheme, host and port: the path and query of a feed URL are secrets.
fn redact(url: &Url) -> String {
    let host = url.host_str().unwrap_or("");
    match url.port() {
        Some(port) => format!("{}://{host}:{port}/…", url.scheme()),
        None => format!("{}://{host}/…", url.scheme()),
    }
}

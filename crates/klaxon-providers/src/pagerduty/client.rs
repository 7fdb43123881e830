//! Requests as PagerDuty's REST API v2 wants them: the token and version headers on every
//! request, `From` on writes, and offset/limit pagination followed to the last page.

use super::wire::Page;
use crate::ProviderError;
use crate::remote::http::{self, Http};
use klaxon_core::{RemoteUser, Secret};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use reqwest::{Method, RequestBuilder};
use serde::de::DeserializeOwned;

/// PagerDuty's largest page.
pub const PAGE_SIZE: usize = 100;
/// Most pages followed for one list (10,000 items is PagerDuty's own offset limit).
const MAX_PAGES: usize = 100;
const VERSION: &str = "application/vnd.pagerduty+json;version=2";

/// Query parameters (names repeat for arrays, e.g. `statuses[]`).
pub type Query = Vec<(&'static str, String)>;

/// An HTTP client with the account's token.
#[derive(Debug, Clone)]
pub struct Client {
    http: Http,
    token: Secret,
}

impl Client {
    /// A client over `http` with `token`; fails if the token cannot go into a header.
    pub fn new(http: Http, token: Secret) -> Result<Self, ProviderError> {
        let client = Self { http, token };
        client.authorization()?;
        Ok(client)
    }

    fn authorization(&self) -> Result<HeaderValue, ProviderError> {
        let mut value = HeaderValue::from_str(&format!("Token token={}", self.token.expose()))
            .map_err(|_| ProviderError::Config("the PagerDuty token holds characters an HTTP header cannot".into()))?;
        value.set_sensitive(true);
        Ok(value)
    }

    fn request(&self, method: Method, path: &str) -> Result<RequestBuilder, ProviderError> {
        // The spec requires Content-Type on every request, reads included.
        Ok(self
            .http
            .request(method, path)?
            .header(AUTHORIZATION, self.authorization()?)
            .header(ACCEPT, VERSION)
            .header(CONTENT_TYPE, "application/json"))
    }

    /// `GET path?query`, decoded.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &Query) -> Result<T, ProviderError> {
        http::send_json(self.request(Method::GET, path)?.query(query)).await
    }

    /// Every item of a paginated list, following `more` page by page (one request at a time).
    pub async fn get_all<P: Page>(&self, path: &str, query: &Query) -> Result<Vec<P::Item>, ProviderError> {
        let mut items = Vec::new();
        for _ in 0..MAX_PAGES {
            let mut q = query.clone();
            q.push(("limit", PAGE_SIZE.to_string()));
            q.push(("offset", items.len().to_string()));
            let (page, more) = self.get::<P>(path, &q).await?.into_parts();
            let got = page.len();
            items.extend(page);
            if !more || got == 0 {
                return Ok(items);
            }
        }
        tracing::warn!(path, pages = MAX_PAGES, "PagerDuty list cut short after the page limit");
        Ok(items)
    }

    /// `POST path` with a JSON body, decoded (for writes that need no `From`, e.g. overrides).
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, ProviderError> {
        http::send_json(self.request(Method::POST, path)?.json(body)).await
    }

    /// A write (`PUT`/`POST` with a JSON body) as `me`, whose email goes in `From`.
    pub async fn write(
        &self,
        me: &RemoteUser,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<(), ProviderError> {
        let from = from(me)?;
        http::send(self.request(method, path)?.header("From", from).json(body)).await.map(|_| ())
    }
}

/// The `From` header of writes: my email, which PagerDuty requires to attribute the change.
pub fn from(me: &RemoteUser) -> Result<&str, ProviderError> {
    me.email.as_deref().map(str::trim).filter(|e| !e.is_empty()).ok_or_else(|| {
        ProviderError::Config(
            "PagerDuty needs the account's email for the From header of changes, and this account has none; \
             add the account again so Klaxon reads it from the token's user"
                .into(),
        )
    })
}

/// `id` as one URL path segment (ids are plain today; this keeps a stray `/` or `?` harmless).
pub fn segment(id: &str) -> String {
    let mut out = String::with_capacity(id.len());
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_single_path_segments() {
        assert_eq!(segment("PT4KHLK"), "PT4KHLK");
        assert_eq!(segment("a/b?c d"), "a%2Fb%3Fc%20d");
    }

    #[test]
    fn writes_need_an_email() {
        let me = |email: Option<&str>| RemoteUser {
            id: "U".into(),
            name: "U".into(),
            email: email.map(str::to_owned),
            contact_methods: vec![],
        };
        assert_eq!(from(&me(Some("a@b.c"))).unwrap(), "a@b.c");
        assert!(matches!(from(&me(None)), Err(ProviderError::Config(m)) if m.contains("From")));
        assert!(matches!(from(&me(Some(" "))), Err(ProviderError::Config(_))));
    }

    #[test]
    fn tokens_that_cannot_be_headers_are_refused_without_echoing_them() {
        let http = Http::new("http://127.0.0.1:9", crate::HttpOptions::default()).unwrap();
        let err = Client::new(http, Secret::new("bad\ntoken-xyz")).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("token-xyz"));
    }
}

//! Requests to Grafana OnCall: the raw-token `Authorization` header, every page of a list, and the
//! one status quirk of the platform (a bad token answers 403, not 401).

use super::wire::Page;
use crate::ProviderError;
use crate::remote::http::{self, Http};
use klaxon_core::Secret;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use reqwest::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashSet;

/// Items asked for per page (the API's maximum; its default is 50, or 25 for routes).
const PER_PAGE: &str = "100";
/// More pages than any list could need (10,000 items at 100 a page): stops a platform that keeps
/// answering with a `next` link.
const MAX_PAGES: usize = 100;

/// An HTTP client for one OnCall account.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    http: Http,
    token: Secret,
}

impl Client {
    /// A client for `base_url` (the OnCall API URL, e.g. `https://oncall-prod-….grafana.net/oncall`).
    pub fn new(base_url: &str, token: Secret, options: http::HttpOptions) -> Result<Self, ProviderError> {
        // People paste the URL of the API itself as often as its base; both work.
        let trimmed = base_url.trim().trim_end_matches('/');
        let base = trimmed.strip_suffix("/api/v1").unwrap_or(trimmed);
        Ok(Self { http: Http::new(base, options)?, token })
    }

    /// Decodes the JSON answer to `GET path?query`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<T, ProviderError> {
        let request = self.http.request(Method::GET, path)?.query(query);
        http::send_json(self.authorized(request)?).await.map_err(|e| self.refine(e))
    }

    /// Every item of a paginated list, following `next` links.
    pub async fn list<T: DeserializeOwned>(&self, path: &str, query: &[(&str, &str)]) -> Result<Vec<T>, ProviderError> {
        let mut request = self.http.request(Method::GET, path)?.query(query).query(&[("perpage", PER_PAGE)]);
        let mut items = Vec::new();
        let mut seen = HashSet::new();
        for _ in 0..MAX_PAGES {
            let page: Page<T> = http::send_json(self.authorized(request)?).await.map_err(|e| self.refine(e))?;
            items.extend(page.results);
            let Some(next) = page.next else {
                return Ok(items);
            };
            let next = self.same_origin(&next)?;
            if !seen.insert(next.to_string()) {
                return Err(ProviderError::Malformed("the `next` page links go round in a circle".into()));
            }
            request = self.http.client().get(next);
        }
        Err(ProviderError::Malformed(format!("a list of more than {MAX_PAGES} pages at `{path}`")))
    }

    /// `POST path` with `body` as JSON (or no body); the answer's body is not needed.
    pub async fn post<B: Serialize + ?Sized>(&self, path: &str, body: Option<&B>) -> Result<(), ProviderError> {
        let mut request = self.http.request(Method::POST, path)?;
        if let Some(body) = body {
            request = request.json(body);
        }
        http::send(self.authorized(request)?).await.map_err(|e| self.refine(e)).map(drop)
    }

    /// `POST path` with `body` as JSON, the answer decoded.
    pub async fn create<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ProviderError> {
        let request = self.http.request(Method::POST, path)?.json(body);
        http::send_json(self.authorized(request)?).await.map_err(|e| self.refine(e))
    }

    /// `DELETE path`.
    pub async fn delete(&self, path: &str) -> Result<(), ProviderError> {
        let request = self.http.request(Method::DELETE, path)?;
        http::send(self.authorized(request)?).await.map_err(|e| self.refine(e)).map(drop)
    }

    fn authorized(&self, request: RequestBuilder) -> Result<RequestBuilder, ProviderError> {
        // OnCall API keys go bare into the header, without a scheme.
        let mut token = HeaderValue::from_str(self.token.expose())
            .map_err(|_| ProviderError::Config("the token has characters an HTTP header cannot carry".into()))?;
        token.set_sensitive(true);
        Ok(request.header(AUTHORIZATION, token).header(ACCEPT, "application/json"))
    }

    /// A `next` link as a URL, refused unless it points at the platform we were configured with
    /// (the token goes along with it).
    fn same_origin(&self, next: &str) -> Result<url::Url, ProviderError> {
        let base = self.http.url("")?;
        let url = base.join(next).map_err(|e| ProviderError::Malformed(format!("bad `next` page link: {e}")))?;
        if url.origin() != base.origin() {
            return Err(ProviderError::Malformed(format!(
                "the `next` page link points at {} instead of {}",
                url.origin().ascii_serialization(),
                base.origin().ascii_serialization()
            )));
        }
        Ok(url)
    }

    /// Adjusts an error for OnCall: see [`unauthorized`], and the token blanked out of any
    /// message a platform echoed it in (errors end up in logs and on screen).
    fn refine(&self, error: ProviderError) -> ProviderError {
        // The one place besides the header that needs the token's value: to find it.
        let token = self.token.expose();
        let clean = |m: String| if token.is_empty() || !m.contains(token) { m } else { m.replace(token, "<redacted>") };
        match unauthorized(error) {
            ProviderError::Unauthorized(m) => ProviderError::Unauthorized(clean(m)),
            ProviderError::Forbidden(m) => ProviderError::Forbidden(clean(m)),
            ProviderError::NotFound(m) => ProviderError::NotFound(clean(m)),
            ProviderError::InvalidState(m) => ProviderError::InvalidState(clean(m)),
            ProviderError::Server { status, message } => ProviderError::Server { status, message: clean(message) },
            ProviderError::Unreachable(m) => ProviderError::Unreachable(clean(m)),
            ProviderError::Network(m) => ProviderError::Network(clean(m)),
            ProviderError::Malformed(m) => ProviderError::Malformed(clean(m)),
            other => other,
        }
    }
}

/// OnCall's API views name no `WWW-Authenticate` scheme, so Django REST framework answers a bad
/// or revoked token with 403 `{"detail":"Invalid token."}`; that is a refused token, not a
/// missing permission.
fn unauthorized(error: ProviderError) -> ProviderError {
    match error {
        ProviderError::Forbidden(message) if is_token_refusal(&message) => ProviderError::Unauthorized(message),
        other => other,
    }
}

fn is_token_refusal(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    m.starts_with("invalid token")
        || m.contains("authentication credentials were not provided")
        || m.starts_with("only active users")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_token_is_unauthorized_but_a_missing_permission_is_not() {
        let c = Client::new("http://127.0.0.1:9/oncall", Secret::new("s3cr3t-token"), http::HttpOptions::default())
            .unwrap();
        let e = c.refine(ProviderError::Forbidden("Invalid token.".into()));
        assert!(matches!(&e, ProviderError::Unauthorized(m) if m == "Invalid token."), "{e:?}");
        let e = c.refine(ProviderError::Forbidden("You do not have permission to perform this action.".into()));
        assert!(matches!(e, ProviderError::Forbidden(_)), "{e:?}");
        assert!(matches!(c.refine(ProviderError::Timeout), ProviderError::Timeout));
        let e = c.refine(ProviderError::InvalidState("token s3cr3t-token is not allowed".into()));
        assert!(matches!(&e, ProviderError::InvalidState(m) if m == "token <redacted> is not allowed"), "{e:?}");
    }

    #[test]
    fn next_links_must_stay_on_the_platform() {
        let c =
            Client::new("http://127.0.0.1:9/oncall/api/v1/", Secret::new("t"), http::HttpOptions::default()).unwrap();
        let ok = c.same_origin("http://127.0.0.1:9/oncall/api/v1/alert_groups/?page=2").unwrap();
        assert_eq!(ok.as_str(), "http://127.0.0.1:9/oncall/api/v1/alert_groups/?page=2");
        assert!(matches!(c.same_origin("http://evil.invalid/api/v1/?page=2"), Err(ProviderError::Malformed(_))));
        assert!(matches!(c.same_origin("https://127.0.0.1:9/x"), Err(ProviderError::Malformed(_))));
        assert_eq!(
            c.http.url("api/v1/users/current/").unwrap().as_str(),
            "http://127.0.0.1:9/oncall/api/v1/users/current/"
        );
    }
}

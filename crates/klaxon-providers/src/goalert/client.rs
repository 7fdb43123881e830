//! GraphQL over the shared HTTP helper: `POST /api/graphql` with the session token as a bearer
//! token, HTTP statuses mapped by `remote::http`, and GraphQL errors (which GoAlert sends in 200
//! answers) mapped to error kinds here.

use super::queries::Op;
use super::wire::{Connection, Envelope, Errors, GqlError};
use crate::ProviderError;
use crate::remote::http::{Http, HttpOptions, decode, send};
use klaxon_core::Secret;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Most pages any one list is followed for (100 items each): a guard against a server that keeps
/// answering `hasNextPage`, far above any real GoAlert install.
const MAX_PAGES: usize = 1_000;

/// A GraphQL client for one GoAlert account.
#[derive(Debug, Clone)]
pub struct Gql {
    http: Http,
    token: Secret,
}

impl Gql {
    /// A client for `base_url` with `token` (a session token or a GraphQL API key).
    pub fn new(base_url: &str, token: Secret, options: HttpOptions) -> Result<Self, ProviderError> {
        Ok(Self { http: Http::new(base_url, options)?, token })
    }

    /// Runs `op` with `variables` and decodes its `data` into `T`.
    pub async fn run<T: DeserializeOwned>(&self, op: Op, variables: Value) -> Result<T, ProviderError> {
        let body = json!({ "query": op.document, "variables": variables, "operationName": op.name });
        let request = self.http.request(Method::POST, "api/graphql")?.bearer_auth(self.token.expose()).json(&body);
        tracing::debug!(operation = op.name, "GoAlert GraphQL request");
        let bytes = send(request).await?;
        // Errors first: with them, `data` may be partial or null and is not worth decoding.
        let errors: Errors = decode(&bytes)?;
        if let Some(errors) = errors.errors.filter(|e| !e.is_empty()) {
            return Err(graphql_error(op.name, &errors));
        }
        let envelope: Envelope<T> = decode(&bytes)?;
        envelope.data.ok_or_else(|| ProviderError::Malformed(format!("GoAlert answered {} without data", op.name)))
    }

    /// Follows every page of a connection: `input` is the search input without `after`; `pick`
    /// takes the connection out of one page's data.
    pub async fn all_pages<D: DeserializeOwned, T>(
        &self,
        op: Op,
        mut variables: Value,
        input: Value,
        pick: impl Fn(D) -> Connection<T>,
    ) -> Result<Vec<T>, ProviderError> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut page_input = input.clone();
            if let (Some(obj), Some(cursor)) = (page_input.as_object_mut(), &after) {
                obj.insert("after".into(), Value::String(cursor.clone()));
            }
            variables["input"] = page_input;
            let page = pick(self.run::<D>(op, variables.clone()).await?);
            out.extend(page.nodes);
            if !page.page_info.has_next_page {
                return Ok(out);
            }
            match page.page_info.end_cursor {
                Some(next) if after.as_deref() != Some(next.as_str()) => after = Some(next),
                // A next page without a new cursor would repeat this one forever.
                _ => {
                    return Err(ProviderError::Malformed(format!(
                        "GoAlert answered {} with a next page but no new cursor",
                        op.name
                    )));
                }
            }
        }
        Err(ProviderError::Malformed(format!("GoAlert answered {} with more than {MAX_PAGES} pages", op.name)))
    }
}

/// Maps GraphQL errors to a kind by GoAlert's messages: its permission errors read
/// `unauthorized…` / `access denied…`, missing objects `… not found`; anything else is a refusal.
pub fn graphql_error(operation: &str, errors: &[GqlError]) -> ProviderError {
    let Some(first) = errors.first() else {
        return ProviderError::Malformed(format!("GoAlert answered {operation} with an empty error list"));
    };
    let path = first.path.as_ref().map(|p| {
        p.iter().map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned)).collect::<Vec<_>>().join(".")
    });
    let mut message: String = first.message.chars().take(300).collect();
    if let Some(path) = path.filter(|p| !p.is_empty()) {
        message = format!("{message} (at {path})");
    }
    if errors.len() > 1 {
        message = format!("{message}, and {} more errors", errors.len() - 1);
    }
    let lower = first.message.to_ascii_lowercase();
    if lower.starts_with("unauthorized") {
        ProviderError::Unauthorized(message)
    } else if lower.starts_with("access denied") {
        ProviderError::Forbidden(message)
    } else if lower.contains("not found") || lower.contains("no rows") {
        ProviderError::NotFound(message)
    } else {
        ProviderError::InvalidState(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(message: &str) -> GqlError {
        GqlError { message: message.into(), path: Some(vec![json!("escalateAlerts"), json!(0)]) }
    }

    #[test]
    fn graphql_messages_map_to_kinds() {
        let e = graphql_error("op", &[err("alert not found")]);
        assert!(matches!(&e, ProviderError::NotFound(m) if m == "alert not found (at escalateAlerts.0)"), "{e:?}");
        assert!(matches!(graphql_error("op", &[err("unauthorized")]), ProviderError::Unauthorized(_)));
        assert!(matches!(graphql_error("op", &[err("access denied: admin only")]), ProviderError::Forbidden(_)));
        let e = graphql_error("op", &[err("alert is already closed"), err("x")]);
        assert!(matches!(&e, ProviderError::InvalidState(m) if m.ends_with("and 1 more errors")), "{e:?}");
        assert!(!e.is_transient());
        assert!(matches!(graphql_error("op", &[]), ProviderError::Malformed(_)));
    }
}

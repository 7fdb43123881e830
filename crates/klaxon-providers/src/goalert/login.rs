//! GoAlert's basic (username and password) login, the way its README documents for API clients:
//! `POST /api/v2/identity/providers/basic?noRedirect=1` with a form body and a `Referer` of
//! GoAlert's own address answers the session token as the whole body (without `noRedirect` it
//! would set the `goalert_session.2` cookie and redirect a browser instead).

use crate::ProviderError;
use crate::remote::http::{Http, HttpOptions, send};
use klaxon_core::Secret;
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, REFERER};

/// The longest token accepted (GoAlert's signed session tokens are about 100 characters).
const MAX_TOKEN: usize = 4096;

/// Logs in with a GoAlert username and password and returns the session token (valid until it is
/// ended in GoAlert's profile page, or 30 days unused). A wrong username or password is
/// [`ProviderError::Unauthorized`].
pub async fn login(
    base_url: &str,
    username: &str,
    password: &Secret,
    http: HttpOptions,
) -> Result<Secret, ProviderError> {
    let client = Http::new(base_url, http)?;
    let referer = client.url("")?;
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("username", username)
        .append_pair("password", password.expose())
        .finish();
    let request = client
        .request(Method::POST, "api/v2/identity/providers/basic?noRedirect=1")?
        .header(REFERER, referer.as_str())
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(form);
    let body = match send(request).await {
        Ok(body) => body,
        // GoAlert answers a refused login with 400 and a plain-text reason.
        Err(ProviderError::InvalidState(_) | ProviderError::Unauthorized(_)) => {
            return Err(ProviderError::Unauthorized("GoAlert refused the username or password".into()));
        }
        Err(e) => return Err(e),
    };
    let token = String::from_utf8(body).unwrap_or_default().trim().to_owned();
    // Session tokens are URL-safe base64; anything else (an HTML page after a redirect) means the
    // address is not GoAlert's, or its public URL differs from the one given.
    let plausible = !token.is_empty()
        && token.len() <= MAX_TOKEN
        && token.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'=' | b'.'));
    if !plausible {
        return Err(ProviderError::Config(format!(
            "{base_url} did not answer a GoAlert session token; is it GoAlert's public address?"
        )));
    }
    Ok(Secret::new(token))
}

//! Which phone settings apply (the team file's `[phone]`, else Settings → Phone), and the secrets.

use super::{PHONE_KEY, PHONE_TOKEN_KEY, new_key};
use crate::{EngineError, Klaxon};
use klaxon_core::Secret;
use klaxon_core::phone::{PhoneSettings, normalize_server};
use klaxon_secrets::SecretStore;
use serde::{Deserialize, Serialize};

/// Where the phone settings in force come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PhoneSource {
    /// `[phone]` in the team file (edit the file to change them).
    TeamFile,
    /// Chosen in the app or with `klaxon phone setup`.
    Settings,
}

/// The phone as Settings → Phone and `klaxon phone setup` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PhoneView {
    /// `None`: pages do not go to a phone.
    pub settings: Option<PhoneSettings>,
    pub source: Option<PhoneSource>,
    /// Whether an access token is in the keyring (never the token itself).
    pub token_set: bool,
    /// What the phone's ntfy app subscribes to (`https://ntfy.sh/TOPIC`).
    pub subscribe_url: Option<String>,
    /// The same as an `ntfy://` link: the QR code's content, opened by the ntfy app.
    pub app_link: Option<String>,
    /// `app_link` as an SVG QR code, for the app's Settings → Phone.
    pub qr_svg: Option<String>,
}

/// `ntfy://host[:port]/topic` (with `?secure=false` for plain-HTTP servers).
fn app_link(settings: &PhoneSettings) -> Option<String> {
    let url = url::Url::parse(&settings.server).ok()?;
    let host = url.host_str()?;
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path().trim_end_matches('/');
    let insecure = if url.scheme() == "http" { "?secure=false" } else { "" };
    Some(format!("ntfy://{host}{port}{path}/{}{insecure}", settings.topic))
}

impl PhoneView {
    /// The view of `settings`.
    pub fn new(settings: Option<PhoneSettings>, source: Option<PhoneSource>, token_set: bool) -> Self {
        let subscribe_url = settings.as_ref().map(|s| format!("{}/{}", s.server, s.topic));
        let app_link = settings.as_ref().and_then(app_link);
        let qr_svg = app_link.as_deref().and_then(super::qr_svg);
        Self { settings, source, token_set, subscribe_url, app_link, qr_svg }
    }
}

impl Klaxon {
    /// The phone settings in force: the team file's, else the ones chosen in Settings → Phone.
    pub async fn phone_settings(&self) -> Result<Option<(PhoneSettings, PhoneSource)>, EngineError> {
        if let Some(p) = self.team_file_phone() {
            return Ok(Some((p.clone(), PhoneSource::TeamFile)));
        }
        let chosen: Option<PhoneSettings> = self.store().setting(klaxon_store::PHONE_SETTINGS).await?;
        Ok(chosen.map(|s| (s, PhoneSource::Settings)))
    }

    /// Chooses the phone settings (refused while the team file has `[phone]`); `None` stops
    /// pushing to the phone.
    pub async fn set_phone_settings(&self, settings: Option<PhoneSettings>) -> Result<(), EngineError> {
        if self.team_file_phone().is_some() {
            return Err(EngineError::InvalidInput(format!(
                "phone: set by [phone] in the team file ({}); edit it there",
                self.paths().config_file.display()
            )));
        }
        let settings = settings.map(|mut s| {
            s.server = normalize_server(&s.server);
            s
        });
        if let Some(s) = &settings {
            s.validate().map_err(|e| EngineError::InvalidInput(format!("phone {e}")))?;
        }
        Ok(self.store().set_setting(klaxon_store::PHONE_SETTINGS, settings.as_ref()).await?)
    }

    /// The phone as shown to the user (no secrets).
    pub async fn phone_view(&self, secrets: &dyn SecretStore) -> Result<PhoneView, EngineError> {
        let found = self.phone_settings().await?;
        let token_set = match secrets.get(PHONE_TOKEN_KEY) {
            Ok(token) => token.is_some(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot tell whether an ntfy token is set");
                false
            }
        };
        let (settings, source) = found.map_or((None, None), |(s, src)| (Some(s), Some(src)));
        Ok(PhoneView::new(settings, source, token_set))
    }
}

/// The ntfy access token, if one is kept.
pub fn token(secrets: &dyn SecretStore) -> Result<Option<Secret>, EngineError> {
    Ok(secrets.get(PHONE_TOKEN_KEY)?)
}

/// Keeps (or, with `None` or a blank one, forgets) the ntfy access token in the keyring.
pub fn set_token(secrets: &dyn SecretStore, token: Option<&Secret>) -> Result<(), EngineError> {
    match token.filter(|t| !t.expose().trim().is_empty()) {
        Some(t) => Ok(secrets.set(PHONE_TOKEN_KEY, &Secret::new(t.expose().trim()))?),
        None => Ok(secrets.delete(PHONE_TOKEN_KEY)?),
    }
}

/// The key capabilities are signed with, made on first use.
pub fn capability_key(secrets: &dyn SecretStore) -> Result<Secret, EngineError> {
    Ok(klaxon_secrets::get_or_create(secrets, PHONE_KEY, new_key)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_link_opens_the_topic_in_the_ntfy_app() {
        let s = |server: &str| PhoneSettings {
            server: server.into(),
            topic: "T0PIC".into(),
            after_secs: 0,
            when_locked: false,
            details: false,
        };
        assert_eq!(app_link(&s("https://ntfy.sh")).unwrap(), "ntfy://ntfy.sh/T0PIC");
        assert_eq!(app_link(&s("http://10.0.0.5:8080")).unwrap(), "ntfy://10.0.0.5:8080/T0PIC?secure=false");
        let view = PhoneView::new(Some(s("https://push.example.com")), Some(PhoneSource::Settings), true);
        assert_eq!(view.subscribe_url.as_deref(), Some("https://push.example.com/T0PIC"));
    }
}

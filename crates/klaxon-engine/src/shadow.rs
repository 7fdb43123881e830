//! Whom I shadow: the team file's `[shadow]` list, or the one chosen in the app / with
//! `klaxon shadow follow` (kept in the store; it replaces the team file's).

use crate::{EngineError, Klaxon};
use klaxon_core::{ShadowSettings, ShadowSource, ShadowTarget};
use klaxon_store::SHADOW_FOLLOW;

/// The chosen list, checked against the team; entries the team no longer has are skipped.
pub(crate) async fn load_choice(klaxon: &Klaxon) -> Result<Option<Vec<ShadowTarget>>, EngineError> {
    let Some(texts) = klaxon.store().setting::<Vec<String>>(SHADOW_FOLLOW).await? else { return Ok(None) };
    let team = klaxon.team();
    let targets = texts
        .iter()
        .filter_map(|t| match ShadowTarget::parse(t).and_then(|x| team.check_shadow_target(&x).map(|()| x)) {
            Ok(target) => Some(target),
            Err(e) => {
                tracing::warn!(target = %t, error = %e, "skipping a shadow choice the team file no longer has");
                None
            }
        })
        .collect();
    Ok(Some(targets))
}

impl Klaxon {
    /// Whom I shadow now.
    pub fn shadow_targets(&self) -> Vec<ShadowTarget> {
        match self.shadow_choice.read() {
            Ok(choice) => choice.clone().unwrap_or_else(|| self.team().shadow.clone()),
            Err(_) => self.team().shadow.clone(),
        }
    }

    /// Re-reads the chosen list (another process may have changed it).
    pub async fn reload_shadow(&self) -> Result<(), EngineError> {
        let choice = load_choice(self).await?;
        if let Ok(mut slot) = self.shadow_choice.write() {
            *slot = choice;
        }
        Ok(())
    }

    /// Whom I shadow, from where, and whom I could.
    pub fn shadow_settings(&self) -> ShadowSettings {
        let team = self.team();
        let source = match self.shadow_choice.read() {
            Ok(c) if c.is_some() => ShadowSource::App,
            _ => ShadowSource::TeamFile,
        };
        ShadowSettings {
            follow: self.shadow_targets().iter().map(|t| team.shadow_choice(t)).collect(),
            source,
            choices: team.shadow_choices(),
        }
    }

    /// Follows `targets` instead of the team file's list (checked first: nothing is saved if one
    /// is unknown), or goes back to the team file's list with `None`.
    pub async fn set_shadow(&self, targets: Option<Vec<String>>) -> Result<ShadowSettings, EngineError> {
        let parsed = match &targets {
            Some(texts) => Some(
                self.team()
                    .parse_shadow_targets(texts)
                    .map_err(|e| EngineError::InvalidInput(format!("follow: {e}")))?,
            ),
            None => None,
        };
        let texts: Option<Vec<String>> = parsed.as_ref().map(|p| p.iter().map(ToString::to_string).collect());
        self.store().set_setting(SHADOW_FOLLOW, texts.as_ref()).await?;
        if let Ok(mut slot) = self.shadow_choice.write() {
            *slot = parsed;
        }
        Ok(self.shadow_settings())
    }
}

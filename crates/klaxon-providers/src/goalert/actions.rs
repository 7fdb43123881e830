//! Acknowledge, close and escalate, each safe to repeat, and the check of whether one already took
//! effect.
//!
//! GoAlert moves an alert's status only forward (unacknowledged → acknowledged → closed) and
//! `updateAlerts` returns only the alerts it changed, so a repeated acknowledgement is harmless.
//! `escalateAlerts` moves one step per call (and re-triggers the alert), so Klaxon sends it only
//! while the alert is below the level the action asked for.

use super::GoAlert;
use super::map;
use super::queries::{ESCALATE_ALERTS, UPDATE_ALERTS};
use super::wire::{AlertStatus, EscalateAlertsData, UpdateAlertsData};
use crate::ProviderError;
use klaxon_core::{Action, Performed};
use serde_json::json;

impl GoAlert {
    /// Moves the alert to `to` (acknowledged or closed) unless it is there or beyond, which is
    /// [`Performed::AlreadyThere`].
    pub(super) async fn set_status(&self, id: i64, to: AlertStatus) -> Result<Performed, ProviderError> {
        if to == AlertStatus::Unacknowledged {
            return Err(ProviderError::InvalidState("GoAlert cannot un-acknowledge an alert".into()));
        }
        let input = json!({ "input": { "alertIDs": [id], "newStatus": to.as_str() } });
        let changed: UpdateAlertsData = self.gql.run(UPDATE_ALERTS, input).await?;
        if changed.update_alerts.unwrap_or_default().iter().any(|a| a.alert_id == id) {
            return Ok(Performed::Applied);
        }
        // Nothing changed: GoAlert says the same for an alert already there and for no alert at all.
        let status = self.alert(id).await?.status;
        let action = if to == AlertStatus::Closed { Action::Resolve } else { Action::Acknowledge };
        match action.goal_reached(map::status(status), None) {
            Some(note) => Ok(Performed::AlreadyThere(note)),
            // Still unacknowledged: nothing happened, so it is not done.
            None if status == AlertStatus::Unacknowledged => {
                Err(ProviderError::InvalidState(format!("GoAlert did not change alert {id} (still unacknowledged)")))
            }
            // An acknowledgement of a closed alert is a no-op in GoAlert too (statuses only move on).
            None => Ok(Performed::AlreadyThere(format!("already {} on the platform", map::status(status)))),
        }
    }

    /// Escalates the alert by one step if it is open and below `to_level` (1-based).
    pub(super) async fn escalate(&self, id: i64, to_level: u32) -> Result<Performed, ProviderError> {
        let alert = self.alert(id).await?;
        if alert.status == AlertStatus::Closed {
            return Err(ProviderError::InvalidState(format!("alert {id} is already closed")));
        }
        let level = map::level(&alert);
        if level >= to_level {
            return Ok(Performed::AlreadyThere(format!("already at escalation level {level} on the platform")));
        }
        let changed: EscalateAlertsData = self.gql.run(ESCALATE_ALERTS, json!({ "input": [id] })).await?;
        if changed.escalate_alerts.unwrap_or_default().iter().any(|a| a.alert_id == id) {
            Ok(Performed::Applied)
        } else {
            Err(ProviderError::InvalidState(format!("GoAlert did not escalate alert {id}")))
        }
    }

    /// Whether an escalation to `to_level` took effect: the alert is at or past that level, or
    /// closed. An acknowledged alert below it was not escalated (escalating re-triggers in GoAlert).
    pub(super) async fn escalated(&self, id: i64, to_level: u32) -> Result<bool, ProviderError> {
        let alert = self.alert(id).await?;
        Ok(alert.status == AlertStatus::Closed || map::level(&alert) >= to_level)
    }
}

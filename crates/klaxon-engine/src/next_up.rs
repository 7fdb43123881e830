//! Whom an incident escalates to next, by name: the team file's policy for local incidents; for a
//! platform's, who its last sync said is on call at the next level of the incident's policy.

use crate::{EngineError, Klaxon};
use klaxon_core::{Incident, LOCAL_ACCOUNT};

impl Klaxon {
    /// Names of whoever `incident` escalates to next (`Some(empty)`: nobody, the last level), or
    /// `None` when that is not known (a platform policy nobody on call was cached for).
    pub async fn escalates_to(&self, incident: &Incident) -> Result<Option<Vec<String>>, EngineError> {
        if incident.account == LOCAL_ACCOUNT {
            return Ok(Some(self.next_up(incident, &self.store().roster().await?)));
        }
        let Some(policy) = incident.escalation_policy.as_deref() else { return Ok(None) };
        let names = self.names_for(&incident.account).await?;
        // Platforms name the policy of an on-call entry; the incident carries its id.
        let policy_name = names.person(policy).name;
        let on_call = self.store().on_call().await?;
        let entries: Vec<_> = on_call
            .iter()
            .filter(|(account, e)| *account == incident.account && (e.policy == policy || e.policy == policy_name))
            .map(|(_, e)| e)
            .collect();
        let next = incident.escalation_level + 1;
        let mut people: Vec<String> = Vec::new();
        for e in entries.iter().filter(|e| e.level == next) {
            let name =
                if names.is_me(&e.person_id) { klaxon_core::names::YOU.to_owned() } else { e.person_name.clone() };
            if !people.contains(&name) {
                people.push(name);
            }
        }
        // Nobody cached at the next level says nothing: the level may exist with nobody on call
        // there right now, or the platform may repeat the policy.
        Ok((!people.is_empty()).then_some(people))
    }
}

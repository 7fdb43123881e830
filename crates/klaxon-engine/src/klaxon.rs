//! The facade over the team file and the store: queries and one-tap actions.

use crate::{EngineError, Paths, load_team_file};
use chrono::Utc;
use klaxon_core::team_file::{IntakeSettings, TeamFile};
use klaxon_core::{Incident, IncidentDetail, IncidentId, IncidentPage, LogEntry, Names, OnCallStatus, Secret, Team};
use klaxon_secrets::SecretStore;
use klaxon_store::{ListScope, Store};
use std::collections::HashMap;

/// How many incidents the dashboard lists at most.
pub const DASHBOARD_LIMIT: u32 = 200;

fn scope(all: bool) -> ListScope {
    if all { ListScope::Recent } else { ListScope::Open }
}

/// Keyring key of the generated intake token.
pub const INTAKE_TOKEN_KEY: &str = "intake-token";

/// Klaxon's state for one data dir and team file. Any number may be open at once.
#[derive(Debug)]
pub struct Klaxon {
    paths: Paths,
    file: TeamFile,
    store: Store,
    /// My user id per platform account (looked up once; the pager asks for every incident).
    me: std::sync::RwLock<std::collections::HashMap<String, String>>,
    /// Whom I shadow, when chosen in the app (None: the team file's list).
    pub(crate) shadow_choice: std::sync::RwLock<Option<Vec<klaxon_core::ShadowTarget>>>,
}

impl Klaxon {
    /// Loads the team file (writing the example if `create_config` and it is missing) and opens
    /// the store, migrating it.
    pub async fn open(paths: Paths, create_config: bool) -> Result<Self, EngineError> {
        let (file, _) = load_team_file(&paths.config_file, create_config)?;
        if create_config {
            let dir = crate::checklists::files::directory(&paths.config_file);
            if crate::checklists::files::write_examples_if_missing(&dir)? {
                tracing::info!(dir = %dir.display(), "wrote the example checklists");
            }
        }
        paths.create_data_dir()?;
        let store = Store::open(&paths.database()).await?;
        let klaxon = Self { paths, file, store, me: Default::default(), shadow_choice: Default::default() };
        klaxon.reload_shadow().await?;
        Ok(klaxon)
    }

    /// Where things live.
    pub fn paths(&self) -> &Paths {
        &self.paths
    }

    /// The team.
    pub fn team(&self) -> &Team {
        &self.file.team
    }

    /// The team file's `[phone]`, if any.
    pub fn team_file_phone(&self) -> Option<&klaxon_core::phone::PhoneSettings> {
        self.file.phone.as_ref()
    }

    /// Intake settings from the team file.
    pub fn intake_settings(&self) -> &IntakeSettings {
        &self.file.intake
    }

    /// The store (for the engine and benchmarks).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Open incidents (or all recent ones), worst severity first, then newest.
    pub async fn incidents(&self, all: bool) -> Result<Vec<Incident>, EngineError> {
        Ok(self.store.list_incidents(scope(all), Utc::now(), None).await?.0)
    }

    /// The first `limit` of [`Klaxon::incidents`], and how many there are in all (the dashboard
    /// shows the head of a long list rather than all of it).
    pub async fn incident_page(&self, all: bool, limit: u32) -> Result<IncidentPage, EngineError> {
        let (list, total) = self.store.list_incidents(scope(all), Utc::now(), Some(limit)).await?;
        let warnings = self.store.warnings().await?;
        let mut names: HashMap<String, Names> = HashMap::new();
        let mut incidents = Vec::with_capacity(list.len());
        for incident in list {
            if !names.contains_key(&incident.account) {
                names.insert(incident.account.clone(), self.names_for(&incident.account).await?);
            }
            incidents.push(names[&incident.account].row(incident));
        }
        Ok(IncidentPage { incidents, total, warnings })
    }

    /// One incident with its timeline, people by name.
    pub async fn incident(&self, id: IncidentId) -> Result<IncidentDetail, EngineError> {
        let incident = self.store.incident(id).await?;
        let log = self.store.incident_log(id).await?;
        let names = self.names_for(&incident.account).await?;
        let escalates_to = self.escalates_to(&incident).await?;
        Ok(IncidentDetail {
            log: log.into_iter().map(|l| names.line(l)).collect(),
            incident: names.row(incident),
            escalates_to,
        })
    }

    /// Who is who on `account`: the team file for `local`; for a platform account, the people
    /// its sync cached and the account's own user (me). Unknown ids stay ids.
    pub async fn names_for(&self, account: &str) -> Result<Names, EngineError> {
        if account == klaxon_core::LOCAL_ACCOUNT {
            return Ok(Names::of_team(&self.file.team));
        }
        let mut known = self.store.known_people(account).await?;
        let me = match self.store.account(account).await {
            Ok(a) => {
                if let (Some(id), Some(name)) = (&a.user_id, &a.user_name) {
                    known.push((id.clone(), name.clone()));
                }
                a.user_id
            }
            Err(klaxon_store::StoreError::NoAccount(_)) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(Names::new(me, known))
    }

    async fn change(
        &self,
        id: IncidentId,
        f: impl FnOnce(&mut Incident) -> Result<LogEntry, klaxon_core::CoreError>,
    ) -> Result<Incident, EngineError> {
        let (incident, _) = self
            .store
            .update_incident(id, |i| f(i).map(|l| vec![l]))
            .await
            .map_err(|e| EngineError::for_incident(id, e))?;
        Ok(incident)
    }

    /// Acknowledges a local incident as me.
    pub(crate) async fn acknowledge_local(&self, id: IncidentId) -> Result<Incident, EngineError> {
        let me = self.file.team.me.clone();
        self.change(id, |i| i.acknowledge(Utc::now(), &me)).await
    }

    /// Resolves a local incident as me.
    pub(crate) async fn resolve_local(&self, id: IncidentId) -> Result<Incident, EngineError> {
        let me = self.file.team.me.clone();
        self.change(id, |i| i.resolve(Utc::now(), &me)).await
    }

    /// Escalates a local incident to the next level of the team's policy, as me.
    pub(crate) async fn escalate_local(&self, id: IncidentId) -> Result<Incident, EngineError> {
        let team = &self.file.team;
        let roster = self.store.roster().await?;
        self.change(id, |i| team.escalate(i, Utc::now(), Some(&team.me), &roster)).await
    }

    /// My user id on the incident's account (the team file's `me` for local incidents).
    pub async fn me_for(&self, account: &str) -> Result<String, EngineError> {
        if account == klaxon_core::LOCAL_ACCOUNT {
            return Ok(self.file.team.me.clone());
        }
        if let Some(me) = self.me.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(account) {
            return Ok(me.clone());
        }
        match self.store.account(account).await {
            Ok(a) => {
                let me = a.user_id.unwrap_or_default();
                if !me.is_empty() {
                    let mut cache = self.me.write().unwrap_or_else(std::sync::PoisonError::into_inner);
                    cache.insert(account.to_owned(), me.clone());
                }
                Ok(me)
            }
            Err(klaxon_store::StoreError::NoAccount(_)) => Ok(String::new()),
            Err(e) => Err(e.into()),
        }
    }

    /// Forgets cached user ids (an account was added, removed or re-tested).
    pub(crate) fn forget_me(&self) {
        self.me.write().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    /// Names of whoever the incident escalates to next (empty at the last level), with the
    /// schedules' overrides and calendars in `roster`.
    pub fn next_up(&self, incident: &Incident, roster: &klaxon_core::Roster) -> Vec<String> {
        let team = &self.file.team;
        let policy = team.policy(incident.escalation_policy.as_deref().unwrap_or(&team.default_policy));
        let Some(policy) = policy else { return Vec::new() };
        let Some((level, _)) = policy.next_step(incident.escalation_level, incident.escalation_pass) else {
            return Vec::new();
        };
        let targets =
            policy.level(level).map(|l| team.resolve_targets(&l.targets, Utc::now(), roster)).unwrap_or_default();
        targets.iter().map(|id| team.person(id).map_or_else(|| id.clone(), |p| p.name.clone())).collect()
    }

    /// The shadow log of the last `days` days, oldest first.
    pub async fn shadow_log(&self, days: i64) -> Result<Vec<klaxon_store::ShadowEntry>, EngineError> {
        Ok(self.store.shadow_log(Utc::now() - chrono::Duration::days(days)).await?)
    }

    /// Who is on call at `at`, per the team file (with its schedules' overrides and calendars).
    pub async fn on_call_at(&self, at: chrono::DateTime<Utc>) -> Result<OnCallStatus, EngineError> {
        Ok(self.file.team.on_call_status(at, &self.store.roster().await?))
    }

    /// Who is on call now, per the team file and every platform account (as last synced; their
    /// policies are prefixed with the account's name). I am on call if I am at level 1 of any.
    pub async fn on_call_everywhere(&self) -> Result<OnCallStatus, EngineError> {
        let mut status = self.on_call_at(Utc::now()).await?;
        for (account, mut entry) in self.store.on_call().await? {
            let me = self.me_for(&account).await?;
            entry.me = !me.is_empty() && entry.person_id == me;
            status.me_on_call |= entry.level == 1 && entry.me;
            entry.policy = format!("{account}: {}", entry.policy);
            status.entries.push(entry);
        }
        Ok(status)
    }

    /// Cached shifts of every platform account overlapping the next `days` days (from now), by start.
    pub async fn shifts(&self, days: i64) -> Result<Vec<(String, klaxon_core::Shift)>, EngineError> {
        let now = Utc::now();
        Ok(self.store.shifts(now, now + chrono::Duration::days(days)).await?)
    }

    /// The intake's base URL as senders on this machine reach it.
    pub fn intake_url(&self) -> String {
        let addr = self.file.intake.listen;
        let host = if addr.ip().is_unspecified() { "127.0.0.1".to_owned() } else { addr.ip().to_string() };
        let host = if host.contains(':') { format!("[{host}]") } else { host };
        format!("http://{host}:{}", addr.port())
    }

    /// The intake token: from the team file, else from the keyring (generated there if `create`).
    pub fn intake_token(&self, secrets: &dyn SecretStore, create: bool) -> Result<Secret, EngineError> {
        if let Some(t) = &self.file.intake.token {
            return Ok(t.clone());
        }
        if create {
            return Ok(klaxon_secrets::get_or_create(secrets, INTAKE_TOKEN_KEY, klaxon_secrets::generate_token)?);
        }
        secrets.get(INTAKE_TOKEN_KEY)?.ok_or(EngineError::NoIntakeToken)
    }

    /// Closes the store.
    pub async fn close(&self) {
        self.store.close().await;
    }
}

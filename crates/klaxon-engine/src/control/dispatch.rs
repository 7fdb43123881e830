//! The dispatcher: the one place every way in — the window's commands (in-process or over the
//! control socket), the tray, notification buttons, `klaxon stop` — meets the engine. Each call
//! of [`super::calls`] has its handler here, named after it.

use super::calls::*;
use super::{IpcError, Request};
use crate::checklists::{ChecklistView, Readiness};
use crate::onboarding::Onboarding;
use crate::{Credentials, Engine, NewAccount};
use klaxon_core::{
    Account, IncidentDetail, IncidentId, IncidentPage, OnCallStatus, OutboxEntry, RemoteUser, Responders,
    ShadowSettings, pager::RingState,
};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// One delivery path's result in a test page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TestPagePath {
    pub path: String,
    pub ok: bool,
    pub error: Option<String>,
}

/// The longest "mute ringing" one request may ask for.
pub const MAX_MUTE_MINUTES: u32 = 60;

/// What only the shell around the engine can do: show its window, and quit. The pager's shell
/// starts or raises the window process; the app's in-process shell shows its own window.
pub trait Shell: Send + Sync + 'static {
    /// Brings the app's window to the front (starting it if need be).
    fn show_window(&self) -> Result<(), String>;
    /// Stops Klaxon (the pager, or the app with its in-process engine).
    fn quit(&self);
}

/// Carries out calls on an engine.
pub struct Dispatcher {
    engine: Arc<Engine>,
    shell: Arc<dyn Shell>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher").finish_non_exhaustive()
    }
}

impl Dispatcher {
    /// Calls on `engine`; window and quit calls go to `shell`.
    pub fn new(engine: Arc<Engine>, shell: Arc<dyn Shell>) -> Self {
        Self { engine, shell }
    }

    /// The engine behind it.
    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// Carries out `call` and returns its answer.
    pub async fn call<C: Call>(&self, call: C) -> Result<C::Reply, IpcError> {
        call.run(self).await
    }

    /// Carries out a call that arrived over the socket; its answer as JSON.
    pub async fn handle(&self, request: Request) -> Result<serde_json::Value, IpcError> {
        request.run_json(self).await
    }

    pub(super) async fn list_incidents(&self, c: ListIncidents) -> Result<IncidentPage, IpcError> {
        Ok(self.engine.klaxon().incident_page(c.all, crate::DASHBOARD_LIMIT).await?)
    }

    pub(super) async fn get_incident(&self, c: GetIncident) -> Result<IncidentDetail, IpcError> {
        Ok(self.engine.klaxon().incident(IncidentId(c.id)).await?)
    }

    pub(super) async fn act(&self, c: Act) -> Result<ActionOutcome, IpcError> {
        let (incident, queued) = self.engine.act(IncidentId(c.id), c.action).await?;
        Ok(ActionOutcome { incident, queued })
    }

    pub(super) async fn acknowledge_all(&self, _: AcknowledgeAll) -> Result<usize, IpcError> {
        Ok(self.engine.acknowledge_all_mine().await?)
    }

    pub(super) async fn escalate_ringing(&self, _: EscalateRinging) -> Result<Option<ActionOutcome>, IpcError> {
        let Some(ringing) = self.engine.ring_state().current else { return Ok(None) };
        let action = crate::UserAction::Escalate;
        Ok(Some(self.act(Act { id: ringing.id.0, action }).await?))
    }

    pub(super) async fn list_accounts(&self, _: ListAccounts) -> Result<Vec<Account>, IpcError> {
        Ok(self.engine.klaxon().accounts().await?)
    }

    pub(super) async fn add_account(&self, c: AddAccount) -> Result<Account, IpcError> {
        let token = c.token.into_secret();
        let credentials = match c.username.filter(|u| !u.trim().is_empty()) {
            Some(username) => Credentials::Login { username, password: token },
            None => Credentials::Token(token),
        };
        let new = NewAccount { name: c.name, kind: c.kind, base_url: c.base_url, credentials, poll_secs: c.poll_secs };
        Ok(self.engine.add_account(new).await?)
    }

    pub(super) async fn remove_account(&self, c: RemoveAccount) -> Result<(), IpcError> {
        Ok(self.engine.remove_account(&c.name).await?)
    }

    pub(super) async fn test_account(&self, c: TestAccount) -> Result<RemoteUser, IpcError> {
        Ok(self.engine.test_account(&c.name).await?)
    }

    pub(super) async fn readiness(&self, _: GetReadiness) -> Result<Readiness, IpcError> {
        Ok(self.engine.readiness().await?)
    }

    pub(super) async fn run_checklist(&self, c: RunChecklist) -> Result<ChecklistView, IpcError> {
        self.engine.run_checklist(&c.name).await?;
        Ok(self.checklist(&c.name).await?)
    }

    pub(super) async fn tick_item(&self, c: TickItem) -> Result<ChecklistView, IpcError> {
        self.engine.tick_item(&c.checklist, &c.item, c.ticked, c.note).await?;
        Ok(self.checklist(&c.checklist).await?)
    }

    pub(super) async fn onboarding(&self, _: GetOnboarding) -> Result<Onboarding, IpcError> {
        let (plans, problems) = self.engine.klaxon().onboarding(chrono::Utc::now()).await?;
        Ok(Onboarding { plans, problems })
    }

    pub(super) async fn tick_task(&self, c: TickTask) -> Result<Onboarding, IpcError> {
        self.engine.klaxon().onboarding_tick(&c.plan, &c.task, c.part, c.by.as_deref(), c.ticked).await?;
        self.engine.changed(&[crate::Resource::Readiness]);
        self.onboarding(GetOnboarding {}).await
    }

    pub(super) async fn mark_reviewed(&self, c: MarkReviewed) -> Result<(), IpcError> {
        self.engine.klaxon().mark_reviewed(klaxon_core::IncidentId(c.id)).await?;
        self.engine.changed(&[crate::Resource::Readiness]);
        Ok(())
    }

    /// One checklist as it stands (its view only, not every checklist's).
    async fn checklist(&self, name: &str) -> Result<ChecklistView, crate::EngineError> {
        let klaxon = self.engine.klaxon();
        klaxon.checklist_view(&klaxon.checklist(name)?).await
    }

    pub(super) async fn list_responders(&self, c: ListResponders) -> Result<Responders, IpcError> {
        let mut responders = self.engine.responders(&c.account, c.fetch).await?;
        responders.entries.retain(|r| r.matches(&c.search));
        Ok(responders)
    }

    pub(super) async fn sync_account(&self, c: SyncAccount) -> Result<(), IpcError> {
        Ok(self.engine.sync_account(&c.name).await?)
    }

    pub(super) async fn list_outbox(&self, c: ListOutbox) -> Result<Vec<OutboxEntry>, IpcError> {
        Ok(self.engine.outbox(c.all).await?)
    }

    pub(super) async fn retry_outbox(&self, c: RetryOutbox) -> Result<OutboxEntry, IpcError> {
        Ok(self.engine.retry_outbox(c.id).await?)
    }

    pub(super) async fn discard_outbox(&self, c: DiscardOutbox) -> Result<OutboxEntry, IpcError> {
        Ok(self.engine.discard_outbox(c.id).await?)
    }

    pub(super) async fn on_call(&self, _: GetOnCall) -> Result<OnCallStatus, IpcError> {
        Ok(self.engine.klaxon().on_call_everywhere().await?)
    }

    pub(super) async fn ring_state(&self, _: GetRingState) -> Result<RingState, IpcError> {
        Ok(self.engine.ring_state())
    }

    pub(super) async fn mute(&self, c: Mute) -> Result<RingState, IpcError> {
        if !(1..=MAX_MUTE_MINUTES).contains(&c.minutes) {
            let minutes = c.minutes;
            return Err(IpcError::invalid_input(format!("minutes: {minutes} is not between 1 and {MAX_MUTE_MINUTES}")));
        }
        self.engine.mute_ringing(Duration::from_secs(u64::from(c.minutes) * 60)).await;
        Ok(self.engine.ring_state())
    }

    pub(super) async fn unmute(&self, _: Unmute) -> Result<RingState, IpcError> {
        self.engine.unmute_ringing().await;
        Ok(self.engine.ring_state())
    }

    pub(super) async fn test_page(&self, _: TestPage) -> Result<Vec<TestPagePath>, IpcError> {
        let paths = self.engine.test_page().await;
        Ok(paths
            .into_iter()
            .map(|(path, r)| TestPagePath { path: path.to_owned(), ok: r.is_ok(), error: r.err() })
            .collect())
    }

    pub(super) async fn shadow_settings(&self, _: GetShadowSettings) -> Result<ShadowSettings, IpcError> {
        Ok(self.engine.klaxon().shadow_settings())
    }

    pub(super) async fn set_shadow(&self, c: SetShadow) -> Result<ShadowSettings, IpcError> {
        Ok(self.engine.set_shadow(Some(c.follow)).await?)
    }

    pub(super) async fn reset_shadow(&self, _: ResetShadow) -> Result<ShadowSettings, IpcError> {
        Ok(self.engine.set_shadow(None).await?)
    }

    pub(super) async fn dismiss_warnings(&self, _: DismissWarnings) -> Result<(), IpcError> {
        Ok(self.engine.dismiss_warnings().await?)
    }

    pub(super) async fn attach_window(&self, _: AttachWindow) -> Result<Attached, IpcError> {
        Err(IpcError::invalid_input("call: attach_window is for the control socket (it attaches that connection)"))
    }

    pub(super) async fn show_window(&self, _: ShowWindow) -> Result<(), IpcError> {
        self.shell.show_window().map_err(|e| IpcError::new(super::IpcErrorCode::Internal, e))
    }

    pub(super) async fn quit(&self, _: Quit) -> Result<(), IpcError> {
        self.shell.quit();
        Ok(())
    }
}

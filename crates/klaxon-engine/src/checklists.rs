//! Readiness checklists in the engine: the files, running them (machine probes through
//! `klaxon-probes`, the rest answered from what Klaxon knows), ticks, and the allow-list for
//! command probes.

mod answers;
pub mod files;
mod pre_shift;
mod run;
mod view;

use crate::{EngineError, Klaxon, PageDelivery};
use chrono::Utc;
use klaxon_core::Secret;
use klaxon_core::checklist::{Evidence, Item, Outcome, Tick};
use klaxon_providers::HttpOptions;
use klaxon_secrets::SecretStore;
use std::sync::Arc;
use std::time::Instant;

pub use files::{FileProblem, Loaded};
pub use klaxon_probes::HttpProbeOptions;
pub(crate) use pre_shift::PreShift;
pub use pre_shift::{PRE_SHIFT_CHECK_EVERY, pre_shift_notice};
pub use run::RunReport;
pub use view::{ChecklistView, ItemView, Readiness, ReadinessBadge, ToReview};

/// What a run needs from where it runs: the keyring (http tokens, platform accounts), HTTP
/// settings, and the delivery paths a test page goes through.
#[derive(Clone)]
pub struct CheckContext {
    pub secrets: Arc<dyn SecretStore>,
    pub http: HttpOptions,
    pub deliveries: Vec<Arc<dyn PageDelivery>>,
    pub probes: HttpProbeOptions,
    /// The phone's way out (ntfy), for `phone` probes; `None`: they fail, saying why.
    pub phone: Option<Arc<dyn crate::phone::PhoneChannel>>,
}

impl std::fmt::Debug for CheckContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let paths: Vec<&str> = self.deliveries.iter().map(|d| d.name()).collect();
        f.debug_struct("CheckContext").field("deliveries", &paths).finish_non_exhaustive()
    }
}

/// A machine probe (tcp, dns, interface, http, command) through `klaxon-probes`.
async fn machine(item: &Item, token: Option<Secret>, ctx: &CheckContext, since: Instant) -> (Outcome, Evidence) {
    match klaxon_probes::run(&item.probe, item.timeout, token.as_ref(), &ctx.probes).await {
        Some(f) => (f.outcome, f.evidence),
        None => {
            let took_ms = u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX);
            let evidence = Evidence {
                checked: item.probe.kind().to_owned(),
                result: "no machine probe of this kind".into(),
                took_ms,
            };
            (Outcome::Fail, evidence)
        }
    }
}

/// Where an http probe's bearer token `key` lives in the OS keyring (apart from accounts' tokens).
pub fn token_secret_key(key: &str) -> String {
    format!("check:{key}")
}

/// The bearer token under `key` in the OS keyring, or why there is none.
async fn keyring_token(ctx: &CheckContext, key: &str) -> Result<Secret, String> {
    let (secrets, owned) = (ctx.secrets.clone(), token_secret_key(key));
    match tokio::task::spawn_blocking(move || secrets.get(&owned)).await {
        Ok(Ok(Some(token))) => Ok(token),
        Ok(Ok(None)) => Err(format!("no token `{key}` in the OS keyring (klaxon check token {key} --token-stdin)")),
        Ok(Err(e)) => Err(format!("cannot read the OS keyring: {e}")),
        Err(e) => Err(e.to_string()),
    }
}

impl Klaxon {
    /// The checklists directory next to the team file.
    pub fn checklists_dir(&self) -> std::path::PathBuf {
        files::directory(&self.paths().config_file)
    }

    /// Every checklist that loads, and what is wrong with the files that do not.
    pub fn checklists(&self) -> (Vec<Loaded>, Vec<FileProblem>) {
        files::load_all(&self.checklists_dir())
    }

    /// The checklist `name`, or why there is none (its file's problem, if it did not load).
    pub fn checklist(&self, name: &str) -> Result<Loaded, EngineError> {
        let (lists, problems) = self.checklists();
        if let Some(list) = lists.into_iter().find(|l| l.checklist.name == name) {
            return Ok(list);
        }
        let why = problems.iter().find(|p| p.path.file_stem().is_some_and(|s| s == name));
        Err(EngineError::InvalidInput(match why {
            Some(p) => p.to_string(),
            None => format!("no checklist `{name}` in {}", self.checklists_dir().display()),
        }))
    }

    /// Ticks (or takes back) an item by hand: a manual item, the test page's confirmation, the
    /// incidents' review. Refuses items that are not answered by a person.
    pub async fn tick(
        &self,
        checklist: &str,
        item: &str,
        ticked: bool,
        note: Option<String>,
    ) -> Result<Tick, EngineError> {
        let list = self.checklist(checklist)?;
        let found = list
            .checklist
            .items
            .iter()
            .find(|i| i.id == item)
            .ok_or_else(|| EngineError::InvalidInput(format!("checklist `{checklist}` has no item `{item}`")))?;
        if !found.probe.needs_a_person() {
            return Err(EngineError::InvalidInput(format!(
                "`{item}` is checked by its {} probe, not ticked by hand",
                found.probe.kind()
            )));
        }
        let tick = Tick { checklist: checklist.to_owned(), item: item.to_owned(), at: Utc::now(), ticked, note };
        self.store().tick(&tick).await?;
        Ok(tick)
    }

    /// Allows the checklist file at `path` as it is now to run its commands.
    pub async fn allow_checklist(&self, path: &std::path::Path) -> Result<Loaded, EngineError> {
        let loaded = files::load(path).map_err(|p| EngineError::InvalidInput(p.to_string()))?;
        self.store().allow_checklist(&files::allow_key(path)?, &loaded.sha256, Utc::now()).await?;
        Ok(loaded)
    }
}

//! Shared helpers for engine tests: temp data dirs, team files, recording delivery paths.
#![allow(dead_code, clippy::unwrap_used)]

use klaxon_engine::core::IncidentId;
use klaxon_engine::secrets::{MemoryStore, SecretStore};
use klaxon_engine::{
    Clock, DeliveryError, Engine, EngineOptions, Klaxon, Notice, Page, PageDelivery, Paths, RingState,
};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TEAM: &str = r#"
me = "alex"
[[people]]
id = "alex"
name = "Alex"
[[people]]
id = "sam"
name = "Sam"
[[escalation_policies]]
id = "default"
repeat = 0
[[escalation_policies.levels]]
delay = "ESCALATE_AFTER"
targets = ["person:alex"]
[[escalation_policies.levels]]
delay = "1m"
targets = ["person:sam"]
[intake]
listen = "127.0.0.1:0"
"#;

/// Records pages; can be told to fail or to hang.
#[derive(Default)]
pub struct Recorder {
    pub pages: Mutex<Vec<Page>>,
    pub rings: Mutex<Vec<RingState>>,
    pub answered: Mutex<Vec<IncidentId>>,
    pub notices: Mutex<Vec<Notice>>,
    pub fail: bool,
    pub hang: bool,
    pub name: &'static str,
}

impl Recorder {
    pub fn new(name: &'static str, fail: bool) -> Arc<Self> {
        Arc::new(Self { fail, name, ..Default::default() })
    }
    pub fn hanging(name: &'static str) -> Arc<Self> {
        Arc::new(Self { hang: true, name, ..Default::default() })
    }
    /// The last ring state this path was told.
    pub fn ring(&self) -> Option<RingState> {
        self.rings.lock().unwrap().last().cloned()
    }
    pub fn count(&self) -> usize {
        self.pages.lock().unwrap().len()
    }
}

impl PageDelivery for Recorder {
    fn name(&self) -> &'static str {
        self.name
    }
    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        self.pages.lock().unwrap().push(page.clone());
        if self.hang {
            std::thread::sleep(Duration::from_secs(3));
        }
        if self.fail { Err(DeliveryError("no sound card".into())) } else { Ok(()) }
    }
    fn ringing(&self, state: &RingState) -> Result<(), DeliveryError> {
        self.rings.lock().unwrap().push(state.clone());
        Ok(())
    }
    fn answered(&self, incident: IncidentId) -> Result<(), DeliveryError> {
        self.answered.lock().unwrap().push(incident);
        Ok(())
    }
    fn notice(&self, notice: &Notice) -> Result<(), DeliveryError> {
        self.notices.lock().unwrap().push(notice.clone());
        Ok(())
    }
}

/// A plain webhook alert that triggers (its title is its dedup key).
pub fn alert(title: &str, severity: klaxon_engine::core::Severity) -> klaxon_engine::core::Alert {
    klaxon_engine::core::Alert {
        source: "webhook".into(),
        dedup_key: Some(title.into()),
        title: title.into(),
        severity,
        urgency: None,
        service: None,
        details: klaxon_engine::core::Details::default(),
        web_url: None,
        action: klaxon_engine::core::AlertAction::Trigger,
    }
}

pub struct Setup {
    pub dir: tempfile::TempDir,
    pub paths: Paths,
    pub secrets: Arc<MemoryStore>,
    /// The escalation timers' clock: move it forward instead of waiting.
    pub clock: Clock,
}

impl Setup {
    /// With level 1 (me) escalating to level 2 (sam) after `escalate_after` (at least "1m").
    pub fn new(escalate_after: &str) -> Self {
        Self::with_extra(escalate_after, "")
    }

    /// With more team file text appended (e.g. a `[pager]` section).
    pub fn with_extra(escalate_after: &str, extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("klaxon.toml");
        std::fs::write(&config, TEAM.replace("ESCALATE_AFTER", escalate_after) + extra).unwrap();
        let paths = Paths { data_dir: dir.path().join("data"), config_file: config };
        Self { dir, paths, secrets: Arc::new(MemoryStore::default()), clock: Clock::system() }
    }

    pub async fn klaxon(&self) -> Klaxon {
        Klaxon::open(self.paths.clone(), false).await.unwrap()
    }

    pub async fn engine(&self, deliveries: Vec<Arc<dyn PageDelivery>>) -> Engine {
        self.engine_with(deliveries, |_| {}).await
    }

    /// An engine with test timings, and then whatever `tweak` changes.
    pub async fn engine_with(
        &self,
        deliveries: Vec<Arc<dyn PageDelivery>>,
        tweak: impl FnOnce(&mut EngineOptions),
    ) -> Engine {
        let mut options = EngineOptions {
            tick: Duration::from_millis(100),
            delivery_timeout: Duration::from_millis(500),
            clock: self.clock.clone(),
            ..EngineOptions::new(deliveries, self.secrets.clone() as Arc<dyn SecretStore>)
        };
        tweak(&mut options);
        Engine::start(self.klaxon().await, options).await.unwrap()
    }

    pub fn token(&self) -> String {
        self.secrets.get(klaxon_engine::INTAKE_TOKEN_KEY).unwrap().expect("token generated").expose().to_owned()
    }
}

/// Polls `check` every 50 ms until it returns true or `secs` pass.
pub async fn wait_for<F, Fut>(secs: u64, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out after {secs}s waiting for {what}");
}

pub async fn post(engine: &Engine, token: &str, path: &str, body: serde_json::Value) -> reqwest::Response {
    let addr = engine.intake_addr().unwrap();
    reqwest::Client::new().post(format!("http://{addr}{path}")).bearer_auth(token).json(&body).send().await.unwrap()
}

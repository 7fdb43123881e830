//! A pager engine wired to a loopback ntfy fake, as `klaxon watch` wires it: the ntfy client as
//! the phone's channel, the reply listener handing presses to the dispatcher.
#![allow(dead_code, clippy::unwrap_used)] // test helpers fail loudly, like the tests

use klaxon_engine::control::{Dispatcher, Shell};
use klaxon_engine::core::{Incident, IncidentId};
use klaxon_engine::phone::ScreenLock;
use klaxon_engine::secrets::{MemoryStore, SecretStore};
use klaxon_engine::{Clock, DeliveryError, Engine, EngineOptions, Klaxon, Page, PageDelivery, Paths};
use klaxon_fakes::ntfy::{Message, NtfyFake};
use klaxon_ntfy::{NtfyClient, ReplyListener};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const TOPIC: &str = "KXTESTTOPIC234567ABCDEFGHI";
pub const REPLY: &str = "KXTESTTOPIC234567ABCDEFGHI-reply";

pub fn team(server: &str, phone_extra: &str) -> String {
    format!(
        r#"
me = "alex"
[[people]]
id = "alex"
name = "Alex"
[[people]]
id = "sam"
name = "Sam"
[[escalation_policies]]
id = "default"
[[escalation_policies.levels]]
delay = "5m"
targets = ["person:alex"]
[[escalation_policies.levels]]
delay = "5m"
targets = ["person:sam"]
[intake]
listen = "127.0.0.1:0"
[phone]
server = "{server}"
topic = "{TOPIC}"
{phone_extra}
"#
    )
}

/// The laptop's other paths, as one recorder.
#[derive(Default)]
pub struct Laptop {
    pub pages: Mutex<Vec<Page>>,
    pub answered: Mutex<Vec<IncidentId>>,
}

impl PageDelivery for Laptop {
    fn name(&self) -> &'static str {
        "desktop-notification"
    }
    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        self.pages.lock().unwrap().push(page.clone());
        Ok(())
    }
    fn answered(&self, incident: IncidentId) -> Result<(), DeliveryError> {
        self.answered.lock().unwrap().push(incident);
        Ok(())
    }
}

/// A screensaver the test locks and unlocks, or makes hang until released.
#[derive(Default)]
pub struct Screen {
    pub locked: AtomicBool,
    pub hang: AtomicBool,
    /// How many questions are waiting for an answer now.
    pub asking: AtomicUsize,
    /// How many questions were given up on (timed out) before an answer.
    pub abandoned: AtomicUsize,
    pub release: tokio::sync::Notify,
}

/// Counts a question given up on while it waited.
struct Waiting<'a>(&'a Screen, bool);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.asking.fetch_sub(1, Ordering::SeqCst);
        if !self.1 {
            self.0.abandoned.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[async_trait::async_trait]
impl ScreenLock for Screen {
    async fn away(&self) -> Result<bool, String> {
        self.asking.fetch_add(1, Ordering::SeqCst);
        let mut waiting = Waiting(self, false);
        if self.hang.load(Ordering::SeqCst) {
            self.release.notified().await;
        }
        waiting.1 = true;
        Ok(self.locked.load(Ordering::SeqCst))
    }
}

struct NoShell;

impl Shell for NoShell {
    fn show_window(&self) -> Result<(), String> {
        Ok(())
    }
    fn quit(&self) {}
}

pub struct Pager {
    pub dir: tempfile::TempDir,
    pub ntfy: NtfyFake,
    pub engine: Arc<Engine>,
    pub dispatcher: Arc<Dispatcher>,
    pub laptop: Arc<Laptop>,
    pub screen: Arc<Screen>,
    pub clock: Clock,
    pub secrets: Arc<MemoryStore>,
    stop: tokio::sync::watch::Sender<bool>,
    listener: tokio::task::JoinHandle<()>,
}

impl Pager {
    /// A pager with `[phone]` (plus `phone_extra` lines) pointing at a fresh ntfy fake.
    pub async fn start(phone_extra: &str) -> Self {
        Self::start_on(NtfyFake::start().await.unwrap(), phone_extra).await
    }

    pub async fn start_on(ntfy: NtfyFake, phone_extra: &str) -> Self {
        let text = team(&ntfy.url(), phone_extra);
        let pager = Self::start_with(ntfy, &text).await;
        assert!(pager.ntfy.wait_for_subscribers(REPLY, 1, Duration::from_secs(10)).await, "listener subscribed");
        pager
    }

    /// A pager on this team file (with or without `[phone]`).
    pub async fn start_with(ntfy: NtfyFake, team_text: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("klaxon.toml");
        std::fs::write(&config, team_text).unwrap();
        let paths = Paths { data_dir: dir.path().join("data"), config_file: config };
        let klaxon = Klaxon::open(paths, false).await.unwrap();
        let laptop = Arc::new(Laptop::default());
        let screen = Arc::new(Screen::default());
        let secrets = Arc::new(MemoryStore::default());
        let clock = Clock::system();
        let client = NtfyClient::new().unwrap();
        let mut options = EngineOptions::new(vec![laptop.clone()], secrets.clone() as Arc<dyn SecretStore>);
        options.tick = Duration::from_millis(100);
        options.delivery_timeout = Duration::from_millis(500);
        options.clock = clock.clone();
        options.phone = Some(Arc::new(client.clone()));
        options.screen = Some(screen.clone());
        let engine = Arc::new(Engine::start(klaxon, options).await.unwrap());
        engine.ready().await;
        let dispatcher = Arc::new(Dispatcher::new(engine.clone(), Arc::new(NoShell)));
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let listener =
            ReplyListener::new(client, dispatcher.clone(), secrets.clone()).with_quiet_limit(Duration::from_secs(5));
        let listener = tokio::spawn(listener.run(stopped));
        Self { dir, ntfy, engine, dispatcher, laptop, screen, clock, secrets, stop, listener }
    }

    /// The team file and data dir, for another process's view of them.
    pub fn paths(&self) -> Paths {
        self.engine.klaxon().paths().clone()
    }

    /// Fires a local alert through the intake; the incident it made.
    pub async fn fire(&self, title: &str, severity: &str) -> Incident {
        let token = self.secrets.get(klaxon_engine::INTAKE_TOKEN_KEY).unwrap().unwrap();
        let addr = self.engine.intake_addr().unwrap();
        let body = serde_json::json!({"title": title, "severity": severity, "dedup_key": title});
        let response = reqwest::Client::new()
            .post(format!("http://{addr}/v1/alerts"))
            .bearer_auth(token.expose())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        self.engine.intake_paged().await;
        let page = self.engine.klaxon().incident_page(true, 50).await.unwrap();
        page.incidents.into_iter().find(|i| i.title == title).unwrap().incident
    }

    pub async fn incident(&self, id: IncidentId) -> Incident {
        self.engine.klaxon().store().incident(id).await.unwrap()
    }

    /// The timeline's lines, as the user reads them.
    pub async fn timeline(&self, id: IncidentId) -> Vec<String> {
        self.engine.klaxon().incident(id).await.unwrap().log.into_iter().map(|l| l.entry.message).collect()
    }

    /// The push for `title` on the page topic.
    pub async fn push_for(&self, title: &str) -> Message {
        let title = title.to_owned();
        self.ntfy.wait_for(TOPIC, move |m| m.title == title, Duration::from_secs(10)).await.expect("the push")
    }

    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.listener.await;
        self.engine.shutdown().await.unwrap();
    }
}

/// Polls `check` every 20 ms until it returns true or `secs` pass.
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
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out after {secs}s waiting for {what}");
}

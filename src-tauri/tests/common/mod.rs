//! The shell on tauri's mock runtime around a real engine (SQLite file, loopback intake, secrets
//! in memory), shared by the command tests.
#![allow(dead_code)] // each test binary uses a different part
#![allow(clippy::unwrap_used)] // test code, outside #[test] functions

use klaxon_app_lib::{AppConfig, AppState, ShellOptions, run_app, start_engine};
use klaxon_engine::secrets::MemoryStore;
use klaxon_engine::{DeliveryError, Page, PageDelivery, Paths};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tauri::Manager;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;

#[derive(Default)]
pub struct Recorder(pub Mutex<Vec<Page>>);

impl PageDelivery for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        self.0.lock().unwrap().push(page.clone());
        Ok(())
    }
}

pub struct Harness {
    pub app: tauri::App<MockRuntime>,
    pub webview: tauri::WebviewWindow<MockRuntime>,
    pub pages: Arc<Recorder>,
    pub secrets: Arc<MemoryStore>,
    _dir: tempfile::TempDir,
}

impl Harness {
    pub fn new() -> Self {
        Self::with_team("")
    }

    /// `extra` is appended to a team file with alex (me) and sam.
    pub fn with_team(extra: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let config_file = dir.path().join("klaxon.toml");
        std::fs::write(
            &config_file,
            format!(
                "me = \"alex\"\n[[people]]\nid = \"alex\"\nname = \"Alex\"\n[[people]]\nid = \"sam\"\nname = \"Sam\"\n\
                 {extra}\n[intake]\nlisten = \"127.0.0.1:0\"\n"
            ),
        )
        .unwrap();
        let pages = Arc::new(Recorder::default());
        let secrets = Arc::new(MemoryStore::default());
        let config = AppConfig {
            paths: Paths { data_dir: dir.path().join("data"), config_file },
            deliveries: vec![pages.clone() as Arc<dyn PageDelivery>],
            secrets: secrets.clone(),
            tick: Duration::from_millis(100),
        };
        let engine = tauri::async_runtime::block_on(start_engine(config)).unwrap();
        let mut app =
            run_app(mock_builder(), engine, ShellOptions { started: Instant::now(), tray: false, show_window: true })
                .build(tauri::generate_context!())
                .unwrap();
        // Setup runs with the event loop; one iteration on the mock runtime runs it.
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        let webview = klaxon_app_lib::window::ensure_main(app.handle()).expect("the main window from tauri.conf.json");
        Self { app, webview, pages, secrets, _dir: dir }
    }

    pub fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request).map(|b| b.deserialize::<Value>().unwrap())
    }

    /// The engine the commands call.
    pub fn engine(&self) -> &klaxon_engine::Engine {
        &self.app.state::<AppState>().inner().engine
    }

    pub fn fire(&self, title: &str) {
        let state = self.app.state::<AppState>();
        let addr = state.engine.intake_addr().unwrap();
        let token = klaxon_engine::secrets::SecretStore::get(self.secrets.as_ref(), klaxon_engine::INTAKE_TOKEN_KEY)
            .unwrap()
            .unwrap();
        let body = json!({"title": title, "severity": "sev1"});
        tauri::async_runtime::block_on(async {
            let resp = reqwest::Client::new()
                .post(format!("http://{addr}/v1/alerts"))
                .bearer_auth(token.expose())
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
        });
    }
}

pub fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

//! The shell on tauri's mock runtime around a real engine (SQLite file, loopback intake, secrets
//! in memory), shared by the command tests.
#![allow(dead_code)] // each test binary uses a different part
#![allow(clippy::unwrap_used)] // test code, outside #[test] functions

use klaxon_app_lib::{AppConfig, Backend, Follow, ShellOptions, run_app, start_engine};
use klaxon_engine::control::{ControlClient, ControlServer, Dispatcher, PagerShell, Windows, socket_path};
use klaxon_engine::secrets::MemoryStore;
use klaxon_engine::{DeliveryError, Page, PageDelivery, Paths};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
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
    pub engine: Arc<klaxon_engine::Engine>,
    _server: Option<ControlServer>,
    _dir: tempfile::TempDir,
}

/// Where the commands' requests go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The engine in the app's process.
    Local,
    /// The engine behind a real control socket, as the Linux window uses it.
    Remote,
}

impl Harness {
    pub fn new() -> Self {
        Self::with_team("")
    }

    pub fn remote() -> Self {
        Self::build("", Mode::Remote)
    }

    /// `extra` is appended to a team file with alex (me) and sam.
    pub fn with_team(extra: &str) -> Self {
        Self::build(extra, Mode::Local)
    }

    pub fn build(extra: &str, mode: Mode) -> Self {
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
        let paths = config.paths.clone();
        let engine = Arc::new(tauri::async_runtime::block_on(start_engine(config)).unwrap());
        let (backend, events, server) = match mode {
            Mode::Local => {
                let (backend, events) = Backend::local(engine.clone());
                (backend, events, None)
            }
            Mode::Remote => tauri::async_runtime::block_on(async {
                let windows = Arc::new(Windows::new(None));
                let shell = Arc::new(PagerShell::new(windows.clone()));
                let dispatcher = Arc::new(Dispatcher::new(engine.clone(), shell));
                let server = ControlServer::start(dispatcher, windows, &socket_path(&paths)).await.unwrap();
                let (client, events) = ControlClient::connect(server.path()).await.unwrap();
                (Backend::Remote(client), events, Some(server))
            }),
        };
        let follow = Follow { page_screen: mode == Mode::Remote, tray: false };
        let shell = ShellOptions { started: Instant::now(), tray: false, show_window: true, follow };
        let mut app = run_app(mock_builder(), backend, events, shell).build(tauri::generate_context!()).unwrap();
        // Setup runs with the event loop; one iteration on the mock runtime runs it.
        #[allow(deprecated)]
        app.run_iteration(|_, _| {});
        let webview = klaxon_app_lib::window::ensure_main(app.handle()).expect("the main window from tauri.conf.json");
        Self { app, webview, pages, secrets, engine, _server: server, _dir: dir }
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

    /// The engine the commands call (here or behind the socket).
    pub fn engine(&self) -> &klaxon_engine::Engine {
        &self.engine
    }

    pub fn fire(&self, title: &str) {
        let addr = self.engine.intake_addr().unwrap();
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

//! The app's commands on tauri's mock runtime, against a real engine (SQLite file, loopback intake).

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
struct Recorder(Mutex<Vec<Page>>);

impl PageDelivery for Recorder {
    fn name(&self) -> &'static str {
        "recorder"
    }
    fn deliver(&self, page: &Page) -> Result<(), DeliveryError> {
        self.0.lock().unwrap().push(page.clone());
        Ok(())
    }
}

struct Harness {
    app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
    pages: Arc<Recorder>,
    secrets: Arc<MemoryStore>,
    _dir: tempfile::TempDir,
}

impl Harness {
    fn new() -> Self {
        Self::with_team("")
    }

    /// `extra` is appended to a team file with alex (me) and sam.
    fn with_team(extra: &str) -> Self {
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

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
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

    fn fire(&self, title: &str) {
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

#[test]
fn commands_list_show_and_act_on_incidents() {
    let h = Harness::new();
    assert_eq!(h.invoke("list_incidents", json!({"all": false})).unwrap(), json!({"incidents": [], "total": 0}));
    h.fire("Checkout down");
    let page = h.invoke("list_incidents", json!({"all": false})).unwrap();
    assert_eq!(page["total"], 1);
    let list = &page["incidents"];
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["title"], "Checkout down");
    assert_eq!(list[0]["status"], "triggered");
    let id = list[0]["id"].clone();

    let detail = h.invoke("get_incident", json!({"id": id})).unwrap();
    assert_eq!(detail["incident"]["severity"], "sev1");
    assert_eq!(detail["log"][0]["kind"], "triggered");

    let acked = h.invoke("acknowledge_incident", json!({"id": id})).unwrap();
    assert_eq!(acked["status"], "acknowledged");
    let err = h.invoke("acknowledge_incident", json!({"id": id})).unwrap_err();
    assert_eq!(err["code"], "invalid_state");
    assert!(err["message"].as_str().unwrap().contains("cannot acknowledge"), "{err}");

    let escalated = h.invoke("escalate_incident", json!({"id": id})).unwrap_err();
    assert_eq!(escalated["code"], "invalid_state", "one-level policy without repeats cannot escalate");
    let resolved = h.invoke("resolve_incident", json!({"id": id})).unwrap();
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(h.invoke("list_incidents", json!({"all": false})).unwrap()["total"], 0);
    assert_eq!(h.invoke("list_incidents", json!({"all": true})).unwrap()["incidents"].as_array().unwrap().len(), 1);

    let missing = h.invoke("get_incident", json!({"id": 999})).unwrap_err();
    assert_eq!(missing, json!({"code": "not_found", "message": "incident 999 not found"}));
    let bad_args = h.invoke("get_incident", json!({"id": "x"})).unwrap_err();
    assert!(bad_args.to_string().contains("id"), "{bad_args}");
}

#[test]
fn on_call_status_and_paging_reach_the_shell() {
    let h = Harness::new();
    let status = h.invoke("on_call_status", json!({})).unwrap();
    assert_eq!(status["me"]["name"], "Alex");
    assert_eq!(status["me_on_call"], true);
    h.fire("Disk full");
    let deadline = Instant::now() + Duration::from_secs(5);
    while h.pages.0.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "page never delivered");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(h.pages.0.lock().unwrap()[0].incident.title, "Disk full");
    assert_eq!(h.invoke("ui_ready", json!({})).unwrap(), Value::Null);
}

#[test]
fn tray_acknowledge_all_goes_through_the_engine() {
    let h = Harness::new();
    h.fire("one");
    h.fire("two");
    klaxon_app_lib::tray::perform(h.app.handle(), klaxon_app_lib::tray::TrayAction::AcknowledgeAll);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let list = h.invoke("list_incidents", json!({"all": false})).unwrap()["incidents"].clone();
        if list.as_array().unwrap().iter().all(|i| i["status"] == "acknowledged") {
            assert_eq!(list.as_array().unwrap().len(), 2);
            break;
        }
        assert!(Instant::now() < deadline, "tray ack-all did not acknowledge: {list}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn ring_state_mute_and_test_page_commands() {
    let h = Harness::new();
    let quiet = h.invoke("ring_state", json!({})).unwrap();
    assert_eq!(quiet["current"], Value::Null);
    assert_eq!(quiet["unanswered"], 0);
    h.fire("Checkout down");
    wait_until("ringing", || h.invoke("ring_state", json!({})).unwrap()["unanswered"] == 1);
    let ring = h.invoke("ring_state", json!({})).unwrap();
    assert_eq!(ring["current"]["title"], "Checkout down");
    assert_eq!(ring["next_up"], json!([]), "one-level policy: nobody next");

    let bad = h.invoke("mute_ringing", json!({"minutes": 0})).unwrap_err();
    assert_eq!(bad["code"], "invalid_input");
    assert!(bad["message"].as_str().unwrap().starts_with("minutes:"));
    let muted = h.invoke("mute_ringing", json!({"minutes": 5})).unwrap();
    assert_eq!(muted["muted"], true);
    assert_eq!(muted["unanswered"], 1, "muting is not answering");

    let report = h.invoke("test_page", json!({})).unwrap();
    assert_eq!(report, json!([{"path": "recorder", "ok": true, "error": null}]));
}

#[test]
fn tray_mute_and_escalate_go_through_the_engine() {
    use klaxon_app_lib::tray::{TrayAction, perform};
    let h = Harness::with_team(
        "[[escalation_policies]]\nid = \"p\"\n[[escalation_policies.levels]]\ndelay = \"10m\"\ntargets = [\"alex\"]\n\
         [[escalation_policies.levels]]\ndelay = \"10m\"\ntargets = [\"sam\"]\n",
    );
    h.fire("one");
    h.fire("two");
    wait_until("ringing", || h.invoke("ring_state", json!({})).unwrap()["unanswered"] == 2);
    let ring = h.invoke("ring_state", json!({})).unwrap();
    assert_eq!(ring["next_up"], json!(["Sam"]), "the page screen can say who is next");
    let first = ring["current"]["id"].clone();
    perform(h.app.handle(), TrayAction::Mute);
    wait_until("muted", || h.invoke("ring_state", json!({})).unwrap()["muted"] == true);
    perform(h.app.handle(), TrayAction::Escalate);
    wait_until("the ringing page escalated to sam", || {
        h.invoke("get_incident", json!({"id": first})).unwrap()["incident"]["escalation_level"] == 2
    });
    wait_until("the next page rings", || h.invoke("ring_state", json!({})).unwrap()["unanswered"] == 1);
    perform(h.app.handle(), TrayAction::AcknowledgeAll);
    wait_until("silence", || h.invoke("ring_state", json!({})).unwrap()["current"] == Value::Null);
}

//! The app's commands on tauri's mock runtime, against a real engine (SQLite file, loopback intake).

mod common;

use common::{Harness, wait_until};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

#[test]
fn commands_list_show_and_act_on_incidents() {
    let h = Harness::new();
    assert_eq!(
        h.invoke("list_incidents", json!({"all": false})).unwrap(),
        json!({"incidents": [], "total": 0, "warnings": []})
    );
    h.fire("Checkout down");
    let page = h.invoke("list_incidents", json!({"all": false})).unwrap();
    assert_eq!(page["total"], 1);
    let list = &page["incidents"];
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["title"], "Checkout down");
    assert_eq!(list[0]["status"], "triggered");
    // People by name, resolved in Rust; me as "you".
    assert_eq!(list[0]["assignees"], json!(["alex"]));
    assert_eq!(list[0]["assigned_to"], json!([{"id": "alex", "name": "you", "me": true}]));
    assert_eq!(list[0]["mine"], true);
    let id = list[0]["id"].clone();

    let detail = h.invoke("get_incident", json!({"id": id})).unwrap();
    assert_eq!(detail["incident"]["severity"], "sev1");
    assert_eq!(detail["log"][0]["kind"], "triggered");

    let acked = h.invoke("acknowledge_incident", json!({"id": id})).unwrap();
    assert_eq!(acked["status"], "acknowledged");
    let detail = h.invoke("get_incident", json!({"id": id})).unwrap();
    let ack = detail["log"].as_array().unwrap().iter().find(|l| l["kind"] == "acknowledged").unwrap().clone();
    assert_eq!((&ack["actor"], &ack["by"]["name"]), (&json!("alex"), &json!("you")), "{ack}");
    assert_eq!(detail["incident"]["mine"], true, "acknowledged and still mine");
    let err = h.invoke("acknowledge_incident", json!({"id": id})).unwrap_err();
    assert_eq!(err["code"], "invalid_state");
    assert!(err["message"].as_str().unwrap().contains("cannot acknowledge"), "{err}");

    let escalated = h.invoke("escalate_incident", json!({"id": id})).unwrap_err();
    assert_eq!(escalated["code"], "invalid_state", "one-level policy without repeats cannot escalate");
    let resolved = h.invoke("resolve_incident", json!({"id": id})).unwrap();
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(h.invoke("list_incidents", json!({"all": false})).unwrap()["total"], 0);
    assert_eq!(h.invoke("list_incidents", json!({"all": true})).unwrap()["incidents"].as_array().unwrap().len(), 1);

    // What the store says about itself (here: as if the database had been found empty) rides
    // along with the list until the user dismisses it.
    let store = h.engine.klaxon().store();
    let found_empty_at = "2026-11-30T13:00:00Z".to_owned();
    tauri::async_runtime::block_on(store.set_setting("store.found_empty_at", Some(&found_empty_at))).unwrap();
    let warnings = h.invoke("list_incidents", json!({"all": false})).unwrap()["warnings"].clone();
    assert!(warnings[0].as_str().unwrap().contains("was found empty (0 bytes) on 2026-11-30 13:00 UTC"), "{warnings}");
    assert_eq!(h.invoke("dismiss_warnings", json!({})).unwrap(), Value::Null);
    assert_eq!(h.invoke("list_incidents", json!({"all": false})).unwrap()["warnings"], json!([]));

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

#[test]
fn the_same_commands_reach_the_pager_over_its_control_socket() {
    let h = common::Harness::remote();
    h.fire("Checkout down");
    wait_until("ringing in the pager", || h.invoke("ring_state", json!({})).unwrap()["unanswered"] == 1);
    let list = h.invoke("list_incidents", json!({"all": false})).unwrap();
    let id = list["incidents"][0]["id"].clone();
    assert_eq!(list["incidents"][0]["title"], "Checkout down");
    assert_eq!(list["incidents"][0]["assigned_to"][0]["name"], "you", "names cross the socket: {list}");
    let acked = h.invoke("acknowledge_incident", json!({"id": id})).unwrap();
    assert_eq!(acked["status"], "acknowledged");
    wait_until("silence", || h.invoke("ring_state", json!({})).unwrap()["current"] == Value::Null);
    let stored = tauri::async_runtime::block_on(
        h.engine().klaxon().incident(klaxon_engine::core::IncidentId(id.as_i64().unwrap())),
    )
    .unwrap();
    assert_eq!(stored.incident.status, klaxon_engine::core::IncidentStatus::Acknowledged);
    let bad = h.invoke("mute_ringing", json!({"minutes": 0})).unwrap_err();
    assert_eq!(bad["code"], "invalid_input", "errors keep their code across the socket: {bad}");
    let missing = h.invoke("get_incident", json!({"id": 999})).unwrap_err();
    assert_eq!(missing["code"], "not_found", "{missing}");
    let report = h.invoke("test_page", json!({})).unwrap();
    assert_eq!(report, json!([{"path": "recorder", "ok": true, "error": null}]));
}

#[test]
fn shadow_settings_are_chosen_checked_and_reset_through_the_commands() {
    let h = common::Harness::remote();
    let settings = h.invoke("shadow_settings", json!({})).unwrap();
    assert_eq!(settings["source"], "team_file");
    assert_eq!(settings["follow"], json!([]));
    assert!(settings["choices"].as_array().unwrap().contains(&json!({"target": "person:sam", "label": "Sam"})));
    let bad = h.invoke("set_shadow", json!({"follow": ["person:alex"]})).unwrap_err();
    assert_eq!(bad["code"], "invalid_input", "I cannot shadow myself: {bad}");
    assert!(bad["message"].as_str().unwrap().starts_with("follow: "), "{bad}");
    let chosen = h.invoke("set_shadow", json!({"follow": ["person:sam"]})).unwrap();
    assert_eq!(chosen["source"], "app");
    assert_eq!(chosen["follow"], json!([{"target": "person:sam", "label": "Sam"}]));
    let stored = tauri::async_runtime::block_on(h.engine().klaxon().store().setting::<Vec<String>>("shadow.follow"));
    assert_eq!(stored.unwrap(), Some(vec!["person:sam".to_owned()]), "kept in the store");
    let reset = h.invoke("reset_shadow", json!({})).unwrap();
    assert_eq!(reset["source"], "team_file");
}

/// Every wrapper in the generated `ui/src/lib/commands.ts` names a command the app registers
/// (calling it with no arguments fails on its arguments, never as an unknown command).
#[test]
fn every_generated_wrapper_reaches_a_registered_command() {
    let h = Harness::new();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/commands.ts");
    let text = std::fs::read_to_string(path).unwrap();
    let names: Vec<&str> = text.split("('").skip(1).filter_map(|rest| rest.split('\'').next()).collect();
    assert!(names.len() >= 25, "{names:?}");
    let unknown = h.invoke("no_such_command", json!({})).unwrap_err().to_string();
    assert!(unknown.contains("not found"), "{unknown}");
    for name in names.iter().filter(|n| !n.contains("://")) {
        if let Err(e) = h.invoke(name, json!({})) {
            assert!(!e.to_string().contains("not found"), "{name}: {e}");
        }
    }
}

//! Account, outbox and platform-action commands on tauri's mock runtime, against a real engine and
//! loopback platforms: the PagerDuty fake, or a closed port. Accounts put straight into the store
//! have no token in the (in-memory) keyring, so they never send and their outbox stays exactly as
//! the commands leave it.

#![allow(clippy::unwrap_used)] // the helpers below are test code outside #[test] functions

mod common;

use chrono::Utc;
use common::{Harness, wait_until};
use klaxon_engine::core::{Account, AccountKind, Details, IncidentStatus, RemoteIncident, Secret, Severity, Urgency};
use klaxon_engine::secrets::SecretStore;
use klaxon_fakes::pagerduty::PagerDutyFake;
use serde_json::{Value, json};

const TOKEN: &str = "s3cr3t-token-never-echoed";

/// A loopback address nothing listens on (connections are refused at once).
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// Adds account `name` straight to the store (no token in the keyring: its sync cannot start) with
/// one triggered incident assigned to someone else; returns the incident's id.
fn platform_account(h: &Harness, name: &str, kind: AccountKind) -> Value {
    let store = h.engine().klaxon().store();
    let now = Utc::now();
    let account = Account {
        name: name.into(),
        kind,
        base_url: Some(closed_port()),
        user_id: Some("ME".into()),
        user_name: Some("Alex".into()),
        user_email: Some("alex@example.com".into()),
        poll_secs: 60,
        created_at: now,
        last_synced_at: None,
        last_error: None,
    };
    let remote = RemoteIncident {
        provider_ref: format!("{name}-1"),
        web_url: None,
        title: format!("{name}: checkout down"),
        service: Some("checkout".into()),
        severity: Severity::Sev2,
        urgency: Urgency::High,
        status: IncidentStatus::Triggered,
        assignees: vec!["OTHER".into()],
        escalation_level: 1,
        escalation_policy: None,
        created_at: now,
        acknowledged_at: None,
        resolved_at: None,
        updated_at: now,
        details: Details::default(),
    };
    let incident = klaxon_engine::core::remote::merge_remote(name, None, &remote, Some("ME"));
    tauri::async_runtime::block_on(async {
        store.add_account(&account).await.unwrap();
        store.insert_incident(&incident.incident, &incident.log).await.unwrap();
    });
    let list = h.invoke("list_incidents", json!({"all": false})).unwrap();
    let incident = list["incidents"].as_array().unwrap().iter().find(|i| i["account"] == name).unwrap();
    incident["id"].clone()
}

fn outbox(h: &Harness) -> Vec<Value> {
    h.invoke("list_outbox", json!({"all": false})).unwrap().as_array().unwrap().clone()
}

fn assert_no_token(err: &Value) {
    assert!(!err.to_string().contains(TOKEN), "the token leaked into an error: {err}");
}

#[test]
fn add_account_errors_store_nothing_and_never_echo_the_token() {
    let h = Harness::new();
    assert_eq!(h.invoke("list_accounts", json!({})).unwrap(), json!([]));
    let add = |args: Value| h.invoke("add_account", args).unwrap_err();

    let bad_url = add(json!({"kind": "grafana-oncall", "name": "ops", "baseUrl": "not a url", "token": TOKEN}));
    assert_eq!(bad_url["code"], "invalid_input", "{bad_url}");
    assert!(bad_url["message"].as_str().unwrap().contains("base URL"), "{bad_url}");
    assert_no_token(&bad_url);

    let unreachable = add(json!({"kind": "pagerduty", "name": "work", "baseUrl": closed_port(), "token": TOKEN}));
    assert_eq!(unreachable["code"], "unreachable", "{unreachable}");
    assert_no_token(&unreachable);

    let login = add(json!({
        "kind": "goalert", "name": "ga", "baseUrl": closed_port(), "token": TOKEN, "username": "alex", "pollSecs": 30
    }));
    assert_eq!(login["code"], "unreachable", "the login is tried against the platform: {login}");
    assert_no_token(&login);

    let no_base_url = add(json!({"kind": "grafana-oncall", "name": "ops", "token": TOKEN}));
    assert_eq!(no_base_url["code"], "account", "{no_base_url}");
    let reserved = add(json!({"kind": "pagerduty", "name": "local", "token": TOKEN}));
    assert_eq!(reserved["code"], "account", "{reserved}");
    let empty = add(json!({"kind": "pagerduty", "name": "work", "baseUrl": closed_port(), "token": "  "}));
    assert_eq!((empty["code"].as_str(), empty["message"].as_str()), (Some("account"), Some("the token is empty")));
    let bad_kind = add(json!({"kind": "opsgenie", "name": "x", "token": TOKEN}));
    assert!(bad_kind.to_string().contains("kind"), "{bad_kind}");

    assert_eq!(h.invoke("list_accounts", json!({})).unwrap(), json!([]), "nothing stored");
    for name in ["ops", "work", "ga", "x"] {
        let key = klaxon_engine::core::account::secret_key(name);
        assert!(h.secrets.get(&key).unwrap().is_none(), "no token kept for {name}");
    }
}

#[test]
fn accounts_list_with_their_sync_state_and_can_be_synced_tested_and_removed() {
    let h = Harness::new();
    platform_account(&h, "ops", AccountKind::GrafanaOncall);
    // The engine notices the new account and tries to start it: no token in the keyring.
    wait_until("the missing token recorded", || {
        h.invoke("list_accounts", json!({})).unwrap()[0]["last_error"].as_str().is_some_and(|e| e.contains("no token"))
    });
    let accounts = h.invoke("list_accounts", json!({})).unwrap();
    assert_eq!(accounts.as_array().unwrap().len(), 1);
    assert_eq!((accounts[0]["name"].as_str(), accounts[0]["kind"].as_str()), (Some("ops"), Some("grafana-oncall")));
    assert_eq!(accounts[0]["user_name"], "Alex");

    let no_token = h.invoke("test_account", json!({"name": "ops"})).unwrap_err();
    assert_eq!(no_token["code"], "account", "{no_token}");
    let not_running = h.invoke("sync_account", json!({"name": "ops"})).unwrap_err();
    assert_eq!(not_running["code"], "account", "{not_running}");
    let unknown = h.invoke("sync_account", json!({"name": "nope"})).unwrap_err();
    assert_eq!(unknown["code"], "not_found", "{unknown}");

    // With the token back in the keyring, "Sync now" starts the account's sync again; the platform
    // is unreachable, which the account then shows.
    h.secrets.set(&klaxon_engine::core::account::secret_key("ops"), &Secret::new(TOKEN)).unwrap();
    assert_eq!(h.invoke("sync_account", json!({"name": "ops"})).unwrap(), Value::Null);
    wait_until("the sync error recorded", || {
        let error = h.invoke("list_accounts", json!({})).unwrap()[0]["last_error"].clone();
        error.as_str().is_some_and(|e| e.contains("cannot reach"))
    });
    let offline = h.invoke("test_account", json!({"name": "ops"})).unwrap_err();
    assert_eq!(offline["code"], "unreachable", "{offline}");
    assert_no_token(&offline);

    assert_eq!(h.invoke("remove_account", json!({"name": "ops"})).unwrap(), Value::Null);
    assert_eq!(h.invoke("list_accounts", json!({})).unwrap(), json!([]));
    assert_eq!(h.invoke("list_incidents", json!({"all": true})).unwrap()["total"], 0, "its cache went with it");
    assert!(h.secrets.get(&klaxon_engine::core::account::secret_key("ops")).unwrap().is_none(), "and its token");
    let again = h.invoke("remove_account", json!({"name": "ops"})).unwrap_err();
    assert_eq!(again["code"], "not_found", "{again}");
}

#[test]
fn platform_actions_queue_in_the_outbox_which_lists_retries_and_discards() {
    let h = Harness::new();
    let id = platform_account(&h, "pd", AccountKind::PagerDuty);
    assert_eq!(outbox(&h), Vec::<Value>::new());

    let noted = h.invoke("note_incident", json!({"id": id, "text": "looking into it"})).unwrap();
    assert_eq!(noted["incident"]["id"], id);
    assert_eq!(noted["queued"]["state"], "pending");
    assert_eq!(noted["queued"]["action"], json!({"type": "note", "text": "looking into it"}));
    let detail = h.invoke("get_incident", json!({"id": id})).unwrap();
    assert_eq!(detail["log"].as_array().unwrap().last().unwrap()["message"], "looking into it");

    let early = h.invoke("snooze_incident", json!({"id": id, "minutes": 30})).unwrap_err();
    assert_eq!(early["code"], "invalid_state", "only acknowledged incidents snooze: {early}");
    h.invoke("acknowledge_incident", json!({"id": id})).unwrap();
    let snoozed = h.invoke("snooze_incident", json!({"id": id, "minutes": 30})).unwrap();
    assert_eq!(snoozed["queued"]["action"], json!({"type": "snooze", "minutes": 30}));
    let nobody = h.invoke("reassign_incident", json!({"id": id, "to": []})).unwrap_err();
    assert_eq!(nobody["code"], "invalid_state", "{nobody}");
    let reassigned = h.invoke("reassign_incident", json!({"id": id, "to": ["PSAM"]})).unwrap();
    assert_eq!(reassigned["incident"]["assignees"], json!(["PSAM"]));
    assert_eq!(reassigned["incident"]["status"], "triggered");

    let queued = outbox(&h);
    let kinds: Vec<_> = queued.iter().map(|e| e["action"]["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["note", "acknowledge", "snooze", "reassign"], "oldest first");
    assert!(queued.iter().all(|e| e["state"] == "pending" && e["account"] == "pd" && e["incident"] == id));
    assert_eq!(queued[0]["incident_title"], "pd: checkout down");

    // Only failed actions can be retried.
    let first = queued[0]["id"].as_i64().unwrap();
    let pending = h.invoke("retry_outbox", json!({"id": first})).unwrap_err();
    assert_eq!(pending["code"], "invalid_state", "{pending}");
    tauri::async_runtime::block_on(h.engine().klaxon().store().outbox_failed(first, "refused: gone", Utc::now()))
        .unwrap();
    let failed = outbox(&h);
    assert_eq!(
        (failed[0]["state"].as_str(), failed[0]["last_error"].as_str()),
        (Some("failed"), Some("refused: gone"))
    );
    let retried = h.invoke("retry_outbox", json!({"id": first})).unwrap();
    assert_eq!((retried["id"].as_i64(), retried["state"].as_str()), (Some(first), Some("pending")));

    let discarded = h.invoke("discard_outbox", json!({"id": first})).unwrap();
    assert_eq!(discarded["action"]["type"], "note");
    let left: Vec<_> = outbox(&h).iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert_eq!(left.len(), 3);
    assert!(!left.contains(&first));
    let gone = h.invoke("discard_outbox", json!({"id": first})).unwrap_err();
    assert_eq!(gone["code"], "not_found", "{gone}");
    let missing = h.invoke("retry_outbox", json!({"id": 999})).unwrap_err();
    assert_eq!(missing, json!({"code": "not_found", "message": "no outbox entry 999"}));
}

#[test]
fn unsupported_actions_return_the_unsupported_code_and_queue_nothing() {
    let h = Harness::new();
    h.fire("Disk full");
    let local = h.invoke("list_incidents", json!({"all": false})).unwrap()["incidents"][0]["id"].clone();
    let note = h.invoke("note_incident", json!({"id": local, "text": "hi"})).unwrap_err();
    assert_eq!(note["code"], "unsupported", "{note}");
    assert!(note["message"].as_str().unwrap().contains("local incidents"), "{note}");

    let goalert = platform_account(&h, "ga", AccountKind::GoAlert);
    h.invoke("acknowledge_incident", json!({"id": goalert})).unwrap();
    let snooze = h.invoke("snooze_incident", json!({"id": goalert, "minutes": 10})).unwrap_err();
    assert_eq!(snooze["code"], "unsupported", "{snooze}");
    assert_eq!(snooze["message"], "cannot snooze: GoAlert has no snooze for alerts");
    let grafana = platform_account(&h, "gr", AccountKind::GrafanaOncall);
    let reassign = h.invoke("reassign_incident", json!({"id": grafana, "to": ["U2"]})).unwrap_err();
    assert_eq!(reassign["code"], "unsupported", "{reassign}");

    let kinds: Vec<_> = outbox(&h).iter().map(|e| e["action"]["type"].clone()).collect();
    assert_eq!(kinds, [json!("acknowledge")], "only the supported acknowledgement was queued");
    let detail = h.invoke("get_incident", json!({"id": grafana})).unwrap();
    assert_eq!(detail["incident"]["assignees"], json!(["OTHER"]), "unchanged");
}

#[test]
fn capabilities_say_what_each_kind_can_do_and_why_not() {
    let h = Harness::new();
    let caps = h.invoke("capabilities", json!({})).unwrap();
    let kinds: Vec<_> = caps.as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["local", "pagerduty", "grafana-oncall", "goalert"]);
    let find = |kind: &str, action: &str| {
        let k = caps.as_array().unwrap().iter().find(|k| k["kind"] == kind).unwrap();
        k["actions"].as_array().unwrap().iter().find(|a| a["action"] == action).unwrap()["unsupported"].clone()
    };
    assert_eq!(find("pagerduty", "reassign"), Value::Null);
    assert_eq!(find("local", "acknowledge"), Value::Null);
    assert!(find("local", "note").as_str().unwrap().contains("local incidents"));
    assert_eq!(find("goalert", "snooze"), "GoAlert has no snooze for alerts");
    assert!(find("grafana-oncall", "reassign").is_string());
    assert_eq!(caps[1]["default_base_url"], "https://api.pagerduty.com");
    assert_eq!(caps[2]["default_base_url"], Value::Null, "Grafana OnCall needs a base URL");
    assert_eq!((caps[3]["login"].as_bool(), caps[1]["login"].as_bool()), (Some(true), Some(false)));
}

#[test]
fn a_pagerduty_account_is_added_tested_synced_acted_on_and_removed() {
    let h = Harness::new();
    let fake = tauri::async_runtime::block_on(PagerDutyFake::start(Utc::now())).unwrap();
    let ref_ = fake.state.trigger("Checkout down", &["U_ME"], Utc::now());
    let key = klaxon_engine::core::account::secret_key("work");

    let refused =
        h.invoke("add_account", json!({"kind": "pagerduty", "name": "work", "baseUrl": fake.url(), "token": TOKEN}));
    let refused = refused.unwrap_err();
    assert_eq!(refused["code"], "unauthorized", "{refused}");
    assert_no_token(&refused);
    assert!(h.secrets.get(&key).unwrap().is_none());

    let added = h
        .invoke(
            "add_account",
            json!({"kind": "pagerduty", "name": "work", "baseUrl": fake.url(), "token": PagerDutyFake::TOKEN}),
        )
        .unwrap();
    assert_eq!((added["user_id"].as_str(), added["user_name"].as_str()), (Some("U_ME"), Some("Me Myself")));
    assert!(!added.to_string().contains(PagerDutyFake::TOKEN), "the token is never sent back: {added}");
    assert_eq!(h.secrets.get(&key).unwrap().unwrap().expose(), PagerDutyFake::TOKEN, "kept in the keyring");
    let taken = h
        .invoke(
            "add_account",
            json!({"kind": "pagerduty", "name": "work", "baseUrl": fake.url(), "token": PagerDutyFake::TOKEN}),
        )
        .unwrap_err();
    assert_eq!(taken["code"], "account", "{taken}");

    let user = h.invoke("test_account", json!({"name": "work"})).unwrap();
    assert_eq!((user["id"].as_str(), user["email"].as_str()), (Some("U_ME"), Some("me@example.com")));
    assert_eq!(h.invoke("sync_account", json!({"name": "work"})).unwrap(), Value::Null);
    wait_until("the platform's incident in the list", || {
        let list = h.invoke("list_incidents", json!({"all": false})).unwrap();
        list["incidents"].as_array().unwrap().iter().any(|i| i["account"] == "work" && i["provider_ref"] == ref_)
    });
    wait_until("a recorded sync", || h.invoke("list_accounts", json!({})).unwrap()[0]["last_synced_at"].is_string());
    let list = h.invoke("list_incidents", json!({"all": false})).unwrap();
    let id = list["incidents"].as_array().unwrap().iter().find(|i| i["account"] == "work").unwrap()["id"].clone();

    let noted = h.invoke("note_incident", json!({"id": id, "text": "rolled back"})).unwrap();
    assert_eq!(noted["queued"]["state"], "pending");
    wait_until("the note sent", || outbox(&h).is_empty());
    let notes = fake.state.incident(&ref_).unwrap().notes;
    assert_eq!(notes.iter().map(|(_, text, _)| text.as_str()).collect::<Vec<_>>(), ["rolled back"]);
    let done = h.invoke("list_outbox", json!({"all": true})).unwrap();
    assert_eq!(done[0]["state"], "done", "{done}");

    assert_eq!(h.invoke("remove_account", json!({"name": "work"})).unwrap(), Value::Null);
    assert_eq!(h.invoke("list_accounts", json!({})).unwrap(), json!([]));
    assert!(h.secrets.get(&key).unwrap().is_none(), "its token went with it");
    let list = h.invoke("list_incidents", json!({"all": true})).unwrap();
    assert!(list["incidents"].as_array().unwrap().iter().all(|i| i["account"] != "work"), "{list}");
}

//! The phone where the engine runs in the app (macOS, Windows): `start_engine` gives the engine
//! the ntfy client, and `follow_phone_replies` carries the phone's presses out.
#![allow(clippy::unwrap_used)] // test code, outside #[test] functions

mod common;

use common::{Harness, wait_until};
use klaxon_engine::control::{Dispatcher, PagerShell, Windows};
use klaxon_engine::core::IncidentStatus;
use klaxon_fakes::ntfy::NtfyFake;
use std::sync::Arc;
use std::time::Duration;

const TOPIC: &str = "KXINPROCESSAPPTOPIC0000000";

#[test]
fn an_in_process_engine_pushes_to_the_phone_and_takes_its_answer() {
    let ntfy = tauri::async_runtime::block_on(NtfyFake::start()).unwrap();
    let h = Harness::with_team(&format!("[phone]\nserver = \"{}\"\ntopic = \"{TOPIC}\"\n", ntfy.url()));
    let shell = Arc::new(PagerShell::new(Arc::new(Windows::new(None))));
    let dispatcher = Arc::new(Dispatcher::new(h.engine.clone(), shell));
    klaxon_app_lib::follow_phone_replies(dispatcher, h.secrets.clone());
    let reply = format!("{TOPIC}-reply");
    assert!(tauri::async_runtime::block_on(ntfy.wait_for_subscribers(&reply, 1, Duration::from_secs(10))));

    h.fire("Checkout down");
    let push =
        tauri::async_runtime::block_on(ntfy.wait_for(TOPIC, |m| m.title == "Checkout down", Duration::from_secs(10)))
            .expect("the push");
    tauri::async_runtime::block_on(ntfy.press(push.action("Acknowledge").unwrap())).unwrap();
    wait_until("acknowledged from the phone", || {
        let incidents = tauri::async_runtime::block_on(h.engine.klaxon().incident_page(false, 10)).unwrap().incidents;
        incidents.iter().any(|i| i.title == "Checkout down" && i.status == IncidentStatus::Acknowledged)
    });
}

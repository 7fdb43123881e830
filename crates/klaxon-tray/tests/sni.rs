//! The StatusNotifierItem tray on a real D-Bus session bus, seen through a zbus client as a tray
//! host would see it: its properties, its dbusmenu, clicks, and registration with a watcher.
//! Ignored by default; run them under `dbus-run-session -- cargo test -- --include-ignored`.
#![cfg(target_os = "linux")]
#![allow(clippy::unwrap_used)] // the helpers below are test code outside #[test] functions

mod support;

use klaxon_tray::{TrayAction, TrayIcon, TrayLook};
use support::*;
use zbus::zvariant::{OwnedObjectPath, Value};

fn off_call() -> TrayLook {
    TrayLook { icon: TrayIcon::OffCall, tooltip: "Klaxon: you are off call".into(), title: None }
}

fn paging() -> TrayLook {
    TrayLook {
        icon: TrayIcon::Paging,
        tooltip: "Klaxon: paging — Disk full (3 unanswered)".into(),
        title: Some("3".into()),
    }
}

/// What a host shows: title, status, tooltip title, and which icon.
#[derive(Debug, PartialEq)]
struct Shown {
    title: String,
    status: String,
    tooltip: String,
    icon: Option<TrayIcon>,
}

async fn shown(item: &zbus::Proxy<'_>) -> Shown {
    let tooltip: ToolTip = item.get_property("ToolTip").await.unwrap();
    let pixmaps: Vec<Pixmap> = item.get_property("IconPixmap").await.unwrap();
    Shown {
        title: item.get_property("Title").await.unwrap(),
        status: item.get_property("Status").await.unwrap(),
        tooltip: tooltip.2,
        icon: which_icon(&pixmaps),
    }
}

/// Waits until the item shows `expected`.
async fn wait_shown(item: &zbus::Proxy<'_>, expected: Shown) {
    let mut last = None;
    let found = tokio::time::timeout(DEADLINE, async {
        loop {
            let now = shown(item).await;
            if now == expected {
                return;
            }
            last = Some(now);
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(found.is_ok(), "the item shows {expected:?}, last seen {last:?}");
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn the_item_shows_the_look_and_follows_set_look() {
    let _bus = BUS.lock().await;
    let conn = session().await;
    let (tray, _actions, name) = spawn_tray(&conn, off_call()).await;
    let item = proxy(&conn, &name, SNI_PATH, SNI_INTERFACE).await;
    assert_eq!(item.get_property::<String>("Id").await.unwrap(), "klaxon");
    assert_eq!(item.get_property::<String>("Category").await.unwrap(), "ApplicationStatus");
    let off = Shown {
        title: "Klaxon".into(),
        status: "Active".into(),
        tooltip: off_call().tooltip,
        icon: Some(TrayIcon::OffCall),
    };
    wait_shown(&item, off).await;

    tray.set_look(paging()).await.unwrap();
    let ringing = Shown {
        title: "Klaxon (3)".into(),
        status: "NeedsAttention".into(),
        tooltip: paging().tooltip,
        icon: Some(TrayIcon::Paging),
    };
    wait_shown(&item, ringing).await;

    let on_call = TrayLook { icon: TrayIcon::OnCall, tooltip: "Klaxon: you are on call".into(), title: None };
    tray.set_look(on_call.clone()).await.unwrap();
    let on = Shown {
        title: "Klaxon".into(),
        status: "Active".into(),
        tooltip: on_call.tooltip,
        icon: Some(TrayIcon::OnCall),
    };
    wait_shown(&item, on).await;
    tray.shutdown().await;
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn the_menu_and_a_click_send_actions() {
    let _bus = BUS.lock().await;
    let conn = session().await;
    let (tray, mut actions, name) = spawn_tray(&conn, off_call()).await;
    let item = proxy(&conn, &name, SNI_PATH, SNI_INTERFACE).await;
    let menu_path: OwnedObjectPath = item.get_property("Menu").await.unwrap();
    let menu = proxy(&conn, &name, menu_path.as_str(), MENU_INTERFACE).await;

    let (_revision, (_root, _, children)): (u32, Layout) =
        menu.call("GetLayout", &(0i32, -1i32, Vec::<String>::new())).await.unwrap();
    let mut items = Vec::new();
    for child in children {
        let (id, props, _) = Layout::try_from(child).unwrap();
        let label = props.get("label").map(|l| String::try_from(l.try_clone().unwrap()).unwrap());
        items.push((label.unwrap_or_default(), id));
    }
    let labels: Vec<&str> = items.iter().map(|(l, _)| l.as_str()).collect();
    let expected: Vec<&str> = TrayAction::ALL.iter().map(|(_, _, label)| *label).collect();
    assert_eq!(labels, expected, "one menu item per action, in order");
    let id_of = |label: &str| items.iter().find(|(l, _)| l == label).map(|(_, id)| *id).unwrap();

    let click = |id: i32| {
        let menu = &menu;
        async move {
            let data = Value::from(0i32);
            menu.call::<_, _, ()>("Event", &(id, "clicked", data, 0u32)).await.unwrap();
        }
    };
    click(id_of("Acknowledge all")).await;
    assert_eq!(next_action(&mut actions).await, Some(TrayAction::AcknowledgeAll));
    click(id_of("Quit")).await;
    assert_eq!(next_action(&mut actions).await, Some(TrayAction::Quit));

    item.call::<_, _, ()>("Activate", &(0i32, 0i32)).await.unwrap();
    assert_eq!(next_action(&mut actions).await, Some(TrayAction::Open));
    assert!(actions.is_empty(), "nothing else was sent");
    tray.shutdown().await;
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn the_item_registers_with_a_watcher() {
    let _bus = BUS.lock().await;
    let conn = session().await;
    let (_watcher, mut registered) = start_watcher().await;
    let (tray, _actions, name) = spawn_tray(&conn, off_call()).await;
    let got = tokio::time::timeout(DEADLINE, registered.recv()).await.expect("a registration in time");
    assert_eq!(got.as_deref(), Some(name.as_str()));
    tray.shutdown().await;
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn without_a_watcher_the_item_stays_and_registers_when_one_appears() {
    let _bus = BUS.lock().await;
    let conn = session().await;
    assert!(!has_owner(&conn, WATCHER_NAME).await, "no watcher on the test bus");
    let (tray, _actions, name) = spawn_tray(&conn, paging()).await;
    let item = proxy(&conn, &name, SNI_PATH, SNI_INTERFACE).await;
    assert_eq!(item.get_property::<String>("Title").await.unwrap(), "Klaxon (3)");
    assert!(tray.is_running());

    // A tray host starts later (and restarts): the item registers with each watcher.
    for _ in 0..2 {
        let (watcher, mut registered) = start_watcher().await;
        let got = tokio::time::timeout(DEADLINE, registered.recv()).await.expect("a registration in time");
        assert_eq!(got.as_deref(), Some(name.as_str()));
        drop(watcher);
        eventually("the watcher to leave", || async { (!has_owner(&conn, WATCHER_NAME).await).then_some(()) }).await;
    }
    tray.set_look(off_call()).await.unwrap();
    assert_eq!(item.get_property::<String>("Title").await.unwrap(), "Klaxon");
    tray.shutdown().await;
}

#[tokio::test]
#[ignore = "needs a D-Bus session bus (run under dbus-run-session)"]
async fn shutdown_and_drop_take_the_item_off_the_bus() {
    let _bus = BUS.lock().await;
    let conn = session().await;
    let (tray, _actions, name) = spawn_tray(&conn, off_call()).await;
    tray.shutdown().await;
    eventually("the item to leave after shutdown", || async { (!has_owner(&conn, &name).await).then_some(()) }).await;

    let (tray, _actions, name) = spawn_tray(&conn, off_call()).await;
    drop(tray);
    eventually("the item to leave after drop", || async { (!has_owner(&conn, &name).await).then_some(()) }).await;
}

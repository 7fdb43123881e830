//! Helpers of the SNI tests: a zbus client of the tray item, a fake StatusNotifierWatcher, and the
//! icons decoded independently of the crate.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // test code outside #[test] functions

use klaxon_tray::{SniTray, TrayAction, TrayIcon, TrayLook};
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::time::{Instant, sleep, timeout};
use zbus::Connection;
use zbus::fdo::DBusProxy;
use zbus::zvariant::OwnedValue;

pub const ITEM_PREFIX: &str = "org.kde.StatusNotifierItem-";
pub const SNI_PATH: &str = "/StatusNotifierItem";
pub const SNI_INTERFACE: &str = "org.kde.StatusNotifierItem";
pub const MENU_INTERFACE: &str = "com.canonical.dbusmenu";
pub const WATCHER_NAME: &str = "org.kde.StatusNotifierWatcher";
/// The longest any test waits for something to happen on the bus.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// One test at a time on the bus: a fake watcher or a new item must not meet another test's.
pub static BUS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// An SNI pixmap: width, height, ARGB32 bytes.
pub type Pixmap = (i32, i32, Vec<u8>);
/// An SNI tooltip: icon name, pixmaps, title, description.
pub type ToolTip = (String, Vec<Pixmap>, String, String);

/// A menu node as `GetLayout` returns it: id, properties, children (variants of nodes).
pub type Layout = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);

pub async fn session() -> Connection {
    Connection::session().await.expect("a D-Bus session bus (run under dbus-run-session)")
}

/// The SNI item names on the bus.
pub async fn item_names(conn: &Connection) -> HashSet<String> {
    let names = DBusProxy::new(conn).await.unwrap().list_names().await.unwrap();
    names.into_iter().map(|n| n.to_string()).filter(|n| n.starts_with(ITEM_PREFIX)).collect()
}

pub async fn has_owner(conn: &Connection, name: &str) -> bool {
    DBusProxy::new(conn).await.unwrap().name_has_owner(name.try_into().unwrap()).await.unwrap()
}

/// Spawns a tray and finds its bus name: the one SNI item name that was not there before.
pub async fn spawn_tray(conn: &Connection, look: TrayLook) -> (SniTray, UnboundedReceiver<TrayAction>, String) {
    let before = item_names(conn).await;
    let (tx, rx) = unbounded_channel();
    let tray = klaxon_tray::sni::spawn(tx, look).await.expect("the tray starts");
    let new: Vec<String> = item_names(conn).await.difference(&before).cloned().collect();
    assert_eq!(new.len(), 1, "one new SNI item on the bus: {new:?}");
    (tray, rx, new.into_iter().next().unwrap())
}

/// A proxy that reads properties afresh each time.
pub async fn proxy<'a>(conn: &Connection, name: &str, path: &str, interface: &'a str) -> zbus::Proxy<'a> {
    zbus::proxy::Builder::new(conn)
        .destination(name.to_owned())
        .unwrap()
        .path(path.to_owned())
        .unwrap()
        .interface(interface)
        .unwrap()
        .cache_properties(zbus::proxy::CacheProperties::No)
        .build()
        .await
        .unwrap()
}

/// Polls `probe` until it returns `Some`, for at most [`DEADLINE`].
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Some(t) = probe().await {
            return t;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        sleep(Duration::from_millis(20)).await;
    }
}

/// The next action sent by the tray, within [`DEADLINE`].
pub async fn next_action(rx: &mut UnboundedReceiver<TrayAction>) -> Option<TrayAction> {
    timeout(DEADLINE, rx.recv()).await.expect("an action within the deadline")
}

/// An icon as the SNI item should serve it: ARGB32, network byte order (decoded here on its own).
pub fn expected_pixmap(icon: TrayIcon) -> Pixmap {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(icon.png()));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut rgba = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut rgba).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgba, "the tray icons are RGBA");
    let argb = rgba.chunks_exact(4).flat_map(|p| [p[3], p[0], p[1], p[2]]).collect();
    (info.width.try_into().unwrap(), info.height.try_into().unwrap(), argb)
}

/// Which tray icon a served `IconPixmap` is, if any.
pub fn which_icon(pixmaps: &[Pixmap]) -> Option<TrayIcon> {
    TrayIcon::ALL.into_iter().find(|&icon| pixmaps == [expected_pixmap(icon)])
}

/// A minimal `org.kde.StatusNotifierWatcher` that reports each registered item name.
pub struct FakeWatcher {
    registered: UnboundedSender<String>,
}

#[zbus::interface(name = "org.kde.StatusNotifierWatcher")]
impl FakeWatcher {
    fn register_status_notifier_item(&self, service: String) {
        let _ = self.registered.send(service);
    }

    fn register_status_notifier_host(&self, _service: String) {}

    #[zbus(property)]
    fn is_status_notifier_host_registered(&self) -> bool {
        true
    }

    #[zbus(property)]
    fn registered_status_notifier_items(&self) -> Vec<String> {
        Vec::new()
    }

    #[zbus(property)]
    fn protocol_version(&self) -> i32 {
        0
    }
}

/// Starts a fake watcher on its own connection (dropping the connection takes it off the bus);
/// the receiver gets the item names registered with it.
pub async fn start_watcher() -> (Connection, UnboundedReceiver<String>) {
    let (registered, rx) = unbounded_channel();
    let conn = zbus::connection::Builder::session()
        .unwrap()
        .name(WATCHER_NAME)
        .unwrap()
        .serve_at("/StatusNotifierWatcher", FakeWatcher { registered })
        .unwrap()
        .build()
        .await
        .expect("the fake watcher takes its name");
    (conn, rx)
}

//! A private D-Bus session with a notification server (python-dbusmock's template), a monitor
//! that records every `Notify` call, and an unlocked gnome-keyring.

use crate::process::Guard;
use crate::wait_until;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// One recorded `org.freedesktop.Notifications.Notify` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyCall {
    pub app_name: String,
    /// The notification this one replaces (0: none).
    pub replaces_id: u32,
    pub summary: String,
    pub body: String,
    /// The `urgency` hint byte (2 = critical), if given.
    pub urgency: Option<u8>,
    /// Hint names given.
    pub hints: Vec<String>,
    /// Action keys and labels, in pairs: `["acknowledge", "Acknowledge", ...]`.
    pub actions: Vec<String>,
}

/// A session bus of our own, with its helpers.
#[derive(Debug)]
pub struct Session {
    pub address: String,
    pub dir: PathBuf,
    monitor_log: PathBuf,
    // Dropped in reverse order of start: helpers before the bus.
    helpers: Vec<Guard>,
    _bus: Guard,
}

impl Session {
    /// Starts `dbus-daemon --session` with state under `dir`.
    pub fn start(dir: &Path) -> Self {
        let mut bus = Guard::spawn(
            "dbus-daemon",
            Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1", "--nopidfile"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null()),
        );
        let stdout = bus.child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("dbus-daemon prints its address");
        let address = line.trim().to_owned();
        assert!(address.starts_with("unix:"), "unexpected bus address {address:?}");
        let monitor_log = dir.join("notify-monitor.log");
        Self { address, dir: dir.to_owned(), monitor_log, helpers: Vec::new(), _bus: bus }
    }

    /// A command with this session's bus and a private XDG data dir in its environment.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", &self.address)
            .env("XDG_DATA_HOME", self.dir.join("xdg-data"))
            .env("XDG_CONFIG_HOME", self.dir.join("xdg-config"))
            .env("NO_AT_BRIDGE", "1");
        cmd
    }

    fn name_has_owner(&self, name: &str) -> bool {
        let out = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                &format!("string:{name}"),
            ])
            .output();
        matches!(out, Ok(o) if String::from_utf8_lossy(&o.stdout).contains("boolean true"))
    }

    /// Starts a notification server (python-dbusmock's notification_daemon template).
    pub fn start_notification_server(&mut self) {
        let guard = Guard::spawn(
            "python3 -m dbusmock",
            self.command("/usr/bin/python3")
                .args(["-m", "dbusmock", "--template", "notification_daemon"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        self.helpers.push(guard);
        wait_until(20, "the notification server on the bus", || {
            self.name_has_owner("org.freedesktop.Notifications").then_some(())
        });
    }

    /// Starts recording `Notify` calls.
    pub fn start_monitor(&mut self) {
        let log = std::fs::File::create(&self.monitor_log).expect("monitor log");
        let guard = Guard::spawn(
            "dbus-monitor",
            self.command("dbus-monitor")
                .args([
                    "--session",
                    "interface='org.freedesktop.Notifications',member='Notify'",
                    "interface='org.freedesktop.Notifications',member='CloseNotification'",
                ])
                .stdout(log)
                .stderr(Stdio::null()),
        );
        self.helpers.push(guard);
        // Once it is a monitor the bus takes its name away: from then on it sees every call.
        wait_until(20, "dbus-monitor to become a monitor", || {
            std::fs::read_to_string(&self.monitor_log).ok().filter(|t| t.contains("member=NameLost")).map(drop)
        });
    }

    /// Starts gnome-keyring's Secret Service, unlocked, with a fresh keyring under this session's dir.
    pub fn start_keyring(&mut self) {
        std::fs::create_dir_all(self.dir.join("xdg-data")).expect("xdg dir");
        let mut cmd = self.command("gnome-keyring-daemon");
        cmd.args(["--foreground", "--unlock", "--components=secrets"])
            .env("HOME", &self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let mut guard = Guard::spawn("gnome-keyring-daemon", &mut cmd);
        if let Some(mut stdin) = guard.child.stdin.take() {
            stdin.write_all(b"klaxon-e2e").expect("unlock password");
        }
        self.helpers.push(guard);
        wait_until(20, "the Secret Service on the bus", || {
            self.name_has_owner("org.freedesktop.secrets").then_some(())
        });
    }

    /// What the monitor has written so far, up to its last complete line.
    fn monitor_text(&self) -> String {
        let mut text = std::fs::read_to_string(&self.monitor_log).unwrap_or_default();
        text.truncate(text.rfind('\n').map_or(0, |end| end + 1));
        text
    }

    /// Every `Notify` call recorded so far (whole calls only: the monitor writes a call line by
    /// line, and one still being written is not one yet).
    pub fn notify_calls(&self) -> Vec<NotifyCall> {
        parse_monitor(&self.monitor_text())
    }

    /// The ids passed to `CloseNotification` so far.
    pub fn closed_notifications(&self) -> Vec<u32> {
        self.monitor_text()
            .split("method call")
            .filter(|b| b.contains("member=CloseNotification"))
            .filter_map(|b| {
                b.lines().map(str::trim).find_map(|l| l.strip_prefix("uint32 ")).and_then(|n| n.parse().ok())
            })
            .collect()
    }

    /// Makes the notification server emit `ActionInvoked(id, key)`, as a click on a button does.
    pub fn invoke_action(&self, id: u32, key: &str) {
        let script = format!(
            "import dbus\n\
             o = dbus.SessionBus().get_object('org.freedesktop.Notifications', '/org/freedesktop/Notifications')\n\
             o.EmitSignal('org.freedesktop.Notifications', 'ActionInvoked', 'us', [dbus.UInt32({id}), '{key}'], \
             dbus_interface='org.freedesktop.DBus.Mock')\n"
        );
        let status = self.command("/usr/bin/python3").args(["-c", &script]).status().expect("python3");
        assert!(status.success(), "could not emit ActionInvoked");
    }
}

impl Session {
    /// Clicks the tray menu item labelled `label` over D-Bus (StatusNotifierItem + dbusmenu), as
    /// a tray host does; false if no tray item or no such entry is on the bus.
    pub fn click_tray_item(&self, label: &str) -> bool {
        let script = format!(
            "import dbus, sys\n\
             bus = dbus.SessionBus()\n\
             names = [n for n in bus.list_names() if str(n).startswith('org.kde.StatusNotifierItem-')]\n\
             if not names: sys.exit(3)\n\
             item = bus.get_object(names[0], '/StatusNotifierItem')\n\
             menu_path = item.Get('org.kde.StatusNotifierItem', 'Menu', dbus_interface='org.freedesktop.DBus.Properties')\n\
             menu = bus.get_object(names[0], menu_path)\n\
             rev, layout = menu.GetLayout(0, -1, [], dbus_interface='com.canonical.dbusmenu')\n\
             ids = [int(c[0]) for c in layout[2] if str(c[1].get('label', '')) == {label:?}]\n\
             if not ids: sys.exit(4)\n\
             menu.Event(ids[0], 'clicked', dbus.Int32(0, variant_level=1), dbus.UInt32(0), dbus_interface='com.canonical.dbusmenu')\n"
        );
        self.command("/usr/bin/python3").args(["-c", &script]).status().is_ok_and(|s| s.success())
    }

    /// The tray item's tooltip (title and description, joined by a space), as a tray host reads
    /// it; None if no tray item is on the bus.
    pub fn tray_tooltip(&self) -> Option<String> {
        let script = "import dbus, sys\n\
             bus = dbus.SessionBus()\n\
             names = [n for n in bus.list_names() if str(n).startswith('org.kde.StatusNotifierItem-')]\n\
             if not names: sys.exit(3)\n\
             item = bus.get_object(names[0], '/StatusNotifierItem')\n\
             tip = item.Get('org.kde.StatusNotifierItem', 'ToolTip', dbus_interface='org.freedesktop.DBus.Properties')\n\
             print(str(tip[2]) + ' ' + str(tip[3]))\n";
        let out = self.command("/usr/bin/python3").args(["-c", script]).output().ok()?;
        out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

/// Parses dbus-monitor's text output into Notify calls. dbus-monitor writes each line of a call
/// on its own, so a reader may see the start of a call only: a call counts once its last argument
/// (the `int32` expiry timeout; hint values read `variant …`) is there.
pub fn parse_monitor(text: &str) -> Vec<NotifyCall> {
    let mut calls = Vec::new();
    for block in text.split("method call").skip(1) {
        if !block.contains("member=Notify") {
            continue;
        }
        let lines: Vec<&str> = block.lines().map(str::trim).collect();
        if !lines.iter().any(|l| l.starts_with("int32 ")) {
            continue; // still being written
        }
        let strings: Vec<String> = lines
            .iter()
            .filter_map(|l| l.strip_prefix("string \"").and_then(|s| s.strip_suffix('"')))
            .map(str::to_owned)
            .collect();
        let mut urgency = None;
        let mut hints = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if let Some(name) =
                l.strip_prefix("dict entry(").and(lines.get(i + 1)).and_then(|n| n.strip_prefix("string \""))
            {
                let name = name.trim_end_matches('"').to_owned();
                if name == "urgency" {
                    urgency = lines.get(i + 2).and_then(|v| v.rsplit(' ').next()).and_then(|b| b.parse().ok());
                }
                hints.push(name);
            }
        }
        let replaces_id =
            lines.iter().find_map(|l| l.strip_prefix("uint32 ")).and_then(|n| n.parse().ok()).unwrap_or(0);
        // The first array after the body holds the actions.
        let actions = lines
            .iter()
            .position(|l| *l == "array [")
            .map(|start| {
                lines[start + 1..]
                    .iter()
                    .take_while(|l| **l != "]")
                    .filter_map(|l| l.strip_prefix("string \"").and_then(|s| s.strip_suffix('"')))
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        // Argument order: app_name, replaces_id, app_icon, summary, body, actions, hints, timeout.
        calls.push(NotifyCall {
            app_name: strings.first().cloned().unwrap_or_default(),
            replaces_id,
            actions,
            summary: strings.get(2).cloned().unwrap_or_default(),
            body: strings.get(3).cloned().unwrap_or_default(),
            urgency,
            hints,
        });
    }
    calls
}

impl Session {
    /// Starts a screensaver (python-dbusmock's gnome_screensaver template: `org.gnome.ScreenSaver`
    /// with `GetActive` / `SetActive`), unlocked.
    pub fn start_screensaver(&mut self) {
        let guard = Guard::spawn(
            "python3 -m dbusmock (screensaver)",
            self.command("/usr/bin/python3")
                .args(["-m", "dbusmock", "--template", "gnome_screensaver"])
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        self.helpers.push(guard);
        wait_until(20, "the screensaver on the bus", || self.name_has_owner("org.gnome.ScreenSaver").then_some(()));
    }

    /// Locks (or unlocks) the mock screensaver.
    pub fn lock_screen(&self, locked: bool) {
        let status = self
            .command("dbus-send")
            .args([
                "--session",
                "--print-reply",
                "--dest=org.gnome.ScreenSaver",
                "/org/gnome/ScreenSaver",
                "org.gnome.ScreenSaver.SetActive",
                &format!("boolean:{locked}"),
            ])
            .stdout(Stdio::null())
            .status()
            .expect("dbus-send");
        assert!(status.success(), "SetActive({locked})");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_notify_call() {
        let text = r#"
method call time=1.0 sender=:1.5 -> destination=org.freedesktop.Notifications serial=7 path=/org/freedesktop/Notifications; interface=org.freedesktop.Notifications; member=Notify
   string "Klaxon"
   uint32 0
   string "dialog-warning"
   string "[SEV1] Disk full"
   string "Incident #1"
   array [
      string "acknowledge"
      string "Acknowledge"
   ]
   array [
      dict entry(
         string "urgency"
         variant             byte 2
      )
      dict entry(
         string "sound-name"
         variant             string "alarm-clock-elapsed"
      )
   ]
   int32 -1
"#;
        let calls = parse_monitor(text);
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].app_name, "Klaxon");
        assert_eq!(calls[0].summary, "[SEV1] Disk full");
        assert_eq!(calls[0].body, "Incident #1");
        assert_eq!(calls[0].urgency, Some(2));
        assert_eq!(calls[0].hints, ["urgency", "sound-name"]);
        assert_eq!(calls[0].actions, ["acknowledge", "Acknowledge"]);
        assert_eq!(calls[0].replaces_id, 0);
        // Seen while dbus-monitor was still writing it, line by line: not a call yet.
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for written in 0..lines.len() - 1 {
            assert!(parse_monitor(&lines[..written].concat()).is_empty(), "after {written} lines");
        }
    }
}

//! What the tray shows and offers, whatever draws it: the menu's actions, the three icons, and the
//! look (icon, tooltip, count) for a ring state.

use klaxon_core::pager::RingState;
use std::time::Duration;

/// How long "Mute ringing" silences the ringtone.
pub const MUTE_FOR: Duration = Duration::from_secs(5 * 60);

/// What a tray menu item (or a click on the icon) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    Open,
    AcknowledgeAll,
    Escalate,
    Mute,
    Quit,
}

impl TrayAction {
    /// The menu, in order: each action with its menu item id and label.
    pub const ALL: [(TrayAction, &'static str, &'static str); 5] = [
        (TrayAction::AcknowledgeAll, "ack-all", "Acknowledge all"),
        (TrayAction::Escalate, "escalate", "Escalate the ringing page"),
        (TrayAction::Mute, "mute", "Mute ringing 5 min"),
        (TrayAction::Open, "open", "Open Klaxon"),
        (TrayAction::Quit, "quit", "Quit"),
    ];

    /// The action of a menu item id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, i, _)| *i == id).map(|(a, _, _)| *a)
    }
}

/// The tray's look for a state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayLook {
    pub icon: TrayIcon,
    pub tooltip: String,
    /// Shown beside the icon where the platform can (the unanswered count).
    pub title: Option<String>,
}

/// The three tray icons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayIcon {
    OffCall,
    OnCall,
    Paging,
}

impl TrayIcon {
    /// Every icon.
    pub const ALL: [TrayIcon; 3] = [TrayIcon::OffCall, TrayIcon::OnCall, TrayIcon::Paging];

    /// The icon as a PNG file (64×64 RGBA).
    pub fn png(self) -> &'static [u8] {
        match self {
            TrayIcon::OffCall => include_bytes!("../../../icons/tray-off-call.png"),
            TrayIcon::OnCall => include_bytes!("../../../icons/tray-on-call.png"),
            TrayIcon::Paging => include_bytes!("../../../icons/tray-paging.png"),
        }
    }
}

/// Where my pre-shift checklists stand, for the tray's tooltip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadinessLook {
    Ready,
    /// Required items failing.
    Failing(u32),
    /// Required items waiting for me (a tick, a confirmation).
    Waiting(u32),
}

impl ReadinessLook {
    /// What the tray says of `readiness`: nothing until a checklist ran.
    pub fn of(readiness: &klaxon_engine::checklists::Readiness) -> Option<Self> {
        let badge = &readiness.badge;
        if readiness.checklists.is_empty() || badge.never_run {
            None
        } else if badge.failing > 0 {
            Some(ReadinessLook::Failing(badge.failing))
        } else if badge.waiting > 0 || badge.outcome == klaxon_core::checklist::Outcome::NeedsYou {
            Some(ReadinessLook::Waiting(badge.waiting.max(1)))
        } else {
            Some(ReadinessLook::Ready)
        }
    }

    fn says(self) -> String {
        match self {
            ReadinessLook::Ready => "ready for your shift".into(),
            ReadinessLook::Failing(n) => format!("not ready: {n} failing"),
            ReadinessLook::Waiting(n) => format!("{n} waiting for you"),
        }
    }
}

/// How the tray looks for a ring state, on-call status and (when checklists ran) readiness.
pub fn look(ring: &RingState, on_call: bool, readiness: Option<ReadinessLook>) -> TrayLook {
    let mut look = ring_look(ring, on_call);
    if let Some(r) = readiness {
        look.tooltip = format!("{} · {}", look.tooltip, r.says());
    }
    look
}

fn ring_look(ring: &RingState, on_call: bool) -> TrayLook {
    match &ring.current {
        Some(incident) => {
            let muted = if ring.muted { " (muted)" } else { "" };
            TrayLook {
                icon: TrayIcon::Paging,
                tooltip: format!("Klaxon: paging{muted} — {} ({} unanswered)", incident.title, ring.unanswered),
                title: Some(ring.unanswered.to_string()),
            }
        }
        None if on_call => TrayLook { icon: TrayIcon::OnCall, tooltip: "Klaxon: you are on call".into(), title: None },
        None => TrayLook { icon: TrayIcon::OffCall, tooltip: "Klaxon: you are off call".into(), title: None },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use klaxon_core::{Incident, Severity, Urgency};

    #[test]
    fn looks_follow_paging_and_on_call() {
        assert_eq!(look(&RingState::default(), false, None).icon, TrayIcon::OffCall);
        assert_eq!(look(&RingState::default(), true, None).icon, TrayIcon::OnCall);
        let ready = look(&RingState::default(), true, Some(ReadinessLook::Ready));
        assert_eq!(ready.tooltip, "Klaxon: you are on call · ready for your shift");
        let failing = look(&RingState::default(), false, Some(ReadinessLook::Failing(2)));
        assert_eq!(failing.tooltip, "Klaxon: you are off call · not ready: 2 failing");
        let waiting = look(&RingState::default(), false, Some(ReadinessLook::Waiting(1)));
        assert!(waiting.tooltip.ends_with("· 1 waiting for you"));
        let incident =
            Incident::new_triggered("local", "Klaxon test page", Severity::Sev1, Urgency::High, chrono::Utc::now());
        let ring = RingState { current: Some(incident), unanswered: 3, muted: true, ..RingState::default() };
        let l = look(&ring, false, None);
        assert_eq!(l.icon, TrayIcon::Paging);
        assert_eq!(l.title.as_deref(), Some("3"));
        assert_eq!(l.tooltip, "Klaxon: paging (muted) — Klaxon test page (3 unanswered)");
        assert_eq!(
            look(&RingState { muted: false, ..ring }, true, None).tooltip,
            "Klaxon: paging — Klaxon test page (3 unanswered)"
        );
    }

    #[test]
    fn icons_are_distinct_pngs() {
        for icon in TrayIcon::ALL {
            assert!(icon.png().starts_with(b"\x89PNG\r\n\x1a\n"), "{icon:?} is a PNG");
        }
        assert_ne!(TrayIcon::OffCall.png(), TrayIcon::OnCall.png());
        assert_ne!(TrayIcon::OnCall.png(), TrayIcon::Paging.png());
    }

    #[test]
    fn menu_ids_map_to_actions() {
        for (action, id, _) in TrayAction::ALL {
            assert_eq!(TrayAction::from_id(id), Some(action));
        }
        assert_eq!(TrayAction::from_id("nope"), None);
    }
}

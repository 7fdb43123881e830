//! What a push says: ntfy's JSON publish body (<https://docs.ntfy.sh/publish/#publish-as-json>).

use super::{Capability, PhoneAction, PhoneSettings};
use crate::{Incident, Severity};
use serde::{Deserialize, Serialize};

/// One message to publish to the server root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    pub topic: String,
    pub title: String,
    pub message: String,
    /// 5 rings through Do Not Disturb on the phone (loud pages), 4 high, 2 low.
    pub priority: u8,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Opened when the notification itself is tapped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub click: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<PushAction>,
}

/// A notification button (ntfy allows three).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "lowercase")]
pub enum PushAction {
    /// Opens a URL (the platform's incident page).
    View { label: String, url: String },
    /// Sends `body` to `url` from the phone, then clears the notification.
    Http { label: String, url: String, method: String, body: String, clear: bool },
}

/// The words for a severity on the phone.
fn severity_tag(severity: Severity) -> &'static str {
    match severity {
        Severity::Sev1 | Severity::Sev2 => "rotating_light",
        _ => "warning",
    }
}

/// A page as a push (`loud`: priority 5, else 4): title, severity and service only, unless
/// `settings.details`. `buttons`:
/// the signed capabilities for Acknowledge (and Escalate, where the platform can), posted to
/// the reply topic on the same server.
pub fn publication(
    incident: &Incident,
    settings: &PhoneSettings,
    buttons: &[(PhoneAction, String)],
    loud: bool,
    realert: u32,
) -> Publication {
    let severity = incident.severity.as_str().to_uppercase();
    let mut message = match &incident.service {
        Some(service) => format!("{severity} · {service}"),
        None => severity.clone(),
    };
    if realert > 0 {
        message.push_str(&format!(" · still unanswered (re-alert #{realert})"));
    }
    if settings.details {
        if let Some(text) = incident.details.text.as_deref().filter(|t| !t.trim().is_empty()) {
            message.push_str("\n\n");
            message.push_str(text);
        }
        for (k, v) in &incident.details.labels {
            message.push_str(&format!("\n{k}: {v}"));
        }
    }
    let mut actions = Vec::new();
    // A platform's incident page needs a login to show anything; a local alert's link (e.g. a
    // Prometheus graph) names internal hosts, so it goes out only with `details`.
    let link_ok = incident.account != crate::LOCAL_ACCOUNT || settings.details;
    let link =
        incident.web_url.as_deref().filter(|u| link_ok && (u.starts_with("https://") || u.starts_with("http://")));
    if let Some(url) = link {
        actions.push(PushAction::View { label: "Open".into(), url: url.to_owned() });
    }
    let reply = format!("{}/{}", settings.server, settings.reply_topic());
    for (action, body) in buttons {
        actions.push(PushAction::Http {
            label: action.label().into(),
            url: reply.clone(),
            method: "POST".into(),
            body: body.clone(),
            clear: true,
        });
    }
    Publication {
        topic: settings.topic.clone(),
        title: incident.title.chars().take(200).collect(),
        message,
        priority: if loud { 5 } else { 4 },
        tags: vec![severity_tag(incident.severity).into(), incident.severity.as_str().into()],
        click: None,
        actions,
    }
}

/// The message that says a pushed page was answered ("Acknowledged by Alex from phone"), quiet
/// so the phone does not ring again.
pub fn follow_up(settings: &PhoneSettings, incident: &Incident, said: &str) -> Publication {
    Publication {
        topic: settings.topic.clone(),
        title: format!("Answered: {}", incident.title.chars().take(180).collect::<String>()),
        message: said.to_owned(),
        priority: 2,
        tags: vec!["white_check_mark".into()],
        click: None,
        actions: Vec::new(),
    }
}

/// `klaxon phone test`'s push: loud, with an Acknowledge button carrying `capability`.
pub fn test_publication(settings: &PhoneSettings, capability: &Capability, key: &[u8]) -> Publication {
    Publication {
        topic: settings.topic.clone(),
        title: "Klaxon test page".into(),
        message: "This is a test. Nothing is wrong. Tap Acknowledge to finish the round trip.".into(),
        priority: 5,
        tags: vec!["test_tube".into()],
        click: None,
        actions: vec![PushAction::Http {
            label: PhoneAction::Acknowledge.label().into(),
            url: format!("{}/{}", settings.server, settings.reply_topic()),
            method: "POST".into(),
            body: capability.sign(key),
            clear: true,
        }],
    }
}

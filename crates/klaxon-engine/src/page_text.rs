//! How a page reads: the title and body every notification path and the CLI's output show.

use klaxon_core::Incident;

/// Title and body of a page notification.
pub fn page_text(incident: &Incident) -> (String, String) {
    let summary = format!("[{}] {}", incident.severity.as_str().to_uppercase(), incident.title);
    let mut body = format!("Incident #{}", incident.id);
    if let Some(service) = &incident.service {
        body.push_str(&format!(" · {service}"));
    }
    body.push_str(&format!(" · level {}", incident.escalation_level));
    (summary, body)
}

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

#[cfg(test)]
mod tests {
    use super::page_text;

    #[test]
    fn title_has_the_severity_body_the_incident_service_and_level() {
        let mut incident = crate::test_incident("alex");
        incident.id = klaxon_core::IncidentId(7);
        incident.escalation_level = 2;
        let (summary, body) = page_text(&incident);
        assert_eq!(summary, "[SEV1] Klaxon test page");
        assert_eq!(body, "Incident #7 · klaxon · level 2");
        incident.service = None;
        assert_eq!(page_text(&incident).1, "Incident #7 · level 2");
    }
}

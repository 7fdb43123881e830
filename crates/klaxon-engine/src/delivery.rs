//! Running the delivery paths: each on its own blocking thread with a timeout, and the test page.

use crate::{Page, PageDelivery};
use chrono::Utc;
use klaxon_core::Incident;
use klaxon_core::pager::PageKind;
use std::sync::Arc;
use std::time::Duration;

/// Runs `f` on every path, each on its own blocking thread with a timeout, so one failing or
/// hanging path never holds up the others. Returns each path's outcome, in order.
pub async fn on_every_path<F>(
    deliveries: &[Arc<dyn PageDelivery>],
    timeout: Duration,
    f: F,
) -> Vec<(&'static str, Result<(), String>)>
where
    F: Fn(&dyn PageDelivery) -> Result<(), crate::DeliveryError> + Send + Sync + 'static,
{
    let f = Arc::new(f);
    let tasks: Vec<_> = deliveries
        .iter()
        .map(|d| {
            let (d, f) = (d.clone(), f.clone());
            (d.name(), tokio::task::spawn_blocking(move || f(d.as_ref())))
        })
        .collect();
    let mut results = Vec::with_capacity(tasks.len());
    for (name, task) in tasks {
        let outcome = match tokio::time::timeout(timeout, task).await {
            Ok(joined) => joined.map_err(|e| e.to_string()).and_then(|r| r.map_err(|e| e.0)),
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs_f32())),
        };
        results.push((name, outcome));
    }
    results
}

/// Sends a test page (loud, marked as a test, nothing stored) through `deliveries`.
pub async fn send_test_page(
    deliveries: &[Arc<dyn PageDelivery>],
    me: &str,
    timeout: Duration,
) -> Vec<(&'static str, Result<(), String>)> {
    let page =
        Page { incident: test_incident(me), kind: PageKind::Loud, realert: 0, test: true, resent: false, ring: true };
    on_every_path(deliveries, timeout, move |d| d.deliver(&page)).await
}

/// The synthetic incident of a test page.
pub fn test_incident(me: &str) -> Incident {
    let mut incident = Incident::new_triggered(
        "local",
        "Klaxon test page",
        klaxon_core::Severity::Sev1,
        klaxon_core::Urgency::High,
        Utc::now(),
    );
    incident.provider_ref = "test-page".into();
    incident.service = Some("klaxon".into());
    incident.assignees = vec![me.to_owned()];
    incident.details.text = Some("This is a test. Nothing is wrong.".into());
    incident
}

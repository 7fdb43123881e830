//! The pager decision: whom to page, and never twice for the same trigger.

use crate::{Incident, IncidentId, IncidentStatus};

/// Identifies one trigger of one incident; each is paged at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageKey {
    pub incident: IncidentId,
    pub trigger_seq: u32,
}

/// The page this incident calls for, if it is triggered and assigned to `me`.
/// The caller drops keys it has already paged.
pub fn page_for(incident: &Incident, me: &str) -> Option<PageKey> {
    (incident.status == IncidentStatus::Triggered && incident.assignees.iter().any(|a| a == me))
        .then_some(PageKey { incident: incident.id, trigger_seq: incident.trigger_seq })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::tests::{sample, t};

    #[test]
    fn pages_triggered_incidents_assigned_to_me() {
        let i = sample(7);
        assert_eq!(page_for(&i, "alex"), Some(PageKey { incident: IncidentId(7), trigger_seq: 1 }));
        assert_eq!(page_for(&i, "sam"), None, "not assigned to sam");
    }

    #[test]
    fn does_not_page_acknowledged_or_resolved() {
        let mut i = sample(7);
        i.acknowledge(t(1), "alex").unwrap();
        assert_eq!(page_for(&i, "alex"), None);
        i.resolve(t(2), "alex").unwrap();
        assert_eq!(page_for(&i, "alex"), None);
    }

    #[test]
    fn a_new_trigger_is_a_new_page() {
        let mut i = sample(7);
        let first = page_for(&i, "alex");
        i.trigger_seq += 1;
        assert_ne!(page_for(&i, "alex"), first);
    }
}

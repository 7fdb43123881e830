//! The feeds the paging platforms publish, as they shape them: PagerDuty's user on-call feed,
//! Grafana OnCall's schedule export, GoAlert's calendar subscription and Opsgenie's schedule feed.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

mod support;

use chrono_tz::{America, Europe, UTC};
use klaxon_ical::validate;
use support::{fixture, lines, occurrences};

#[test]
fn pagerduty_user_feed_is_expanded_utc_shifts() {
    // PagerDuty's feed (ri_cal): UTC shifts with VALUE=DATE-TIME, no DTSTAMP, long summaries folded.
    let events = occurrences("pagerduty.ics", "2025-01-01T00:00:00Z", "2025-02-01T00:00:00Z", Europe::Warsaw);
    assert_eq!(
        lines(&events),
        [
            "2024-12-30 09:00Z → 2025-01-06 09:00Z On Call - Jane Doe - Primary",
            "2025-01-13 09:00Z → 2025-01-20 09:00Z On Call - Jane Doe - Primary",
            "2025-01-15 17:00Z → 2025-01-16 01:00Z On Call - Jane Doe - Payments Platform Follow-the-Sun Secondary Escalation",
        ]
    );
    assert_eq!(events[0].uid, "Q0RZXW1L8Y3HJK");
    assert_eq!(validate(&fixture("pagerduty.ics")).unwrap(), 4);
}

#[test]
fn grafana_oncall_export_recurs_on_the_schedules_wall_clock() {
    // Grafana OnCall's export: rotations as weekly RRULEs in the schedule's zone (TZID + VTIMEZONE),
    // an UNTIL in UTC, an override as a single event. The window spans Warsaw's spring-forward
    // night (2025-03-30): handovers stay at 09:00 local, so 08:00Z before and 07:00Z after.
    let events = occurrences("grafana_oncall.ics", "2025-03-24T00:00:00Z", "2025-04-07T00:00:00Z", UTC);
    assert_eq!(
        lines(&events),
        [
            "2025-03-17 08:00Z → 2025-03-24 08:00Z [L1] alice",
            "2025-03-24 08:00Z → 2025-03-31 07:00Z [L1] bob",
            "2025-03-24 17:00Z → 2025-03-24 21:00Z [L2] carol",
            "2025-03-25 17:00Z → 2025-03-25 21:00Z [L2] carol",
            "2025-03-26 17:00Z → 2025-03-26 21:00Z [L2] carol",
            "2025-03-27 17:00Z → 2025-03-27 21:00Z [L2] carol",
            "2025-03-28 17:00Z → 2025-03-28 21:00Z [L2] carol",
            "2025-03-29 11:00Z → 2025-03-29 17:00Z [L3] dave",
            "2025-03-31 07:00Z → 2025-04-07 07:00Z [L1] alice",
            "2025-03-31 16:00Z → 2025-03-31 20:00Z [L2] carol",
            "2025-04-01 16:00Z → 2025-04-01 20:00Z [L2] carol",
            "2025-04-02 16:00Z → 2025-04-02 20:00Z [L2] carol",
            "2025-04-03 16:00Z → 2025-04-03 20:00Z [L2] carol",
            "2025-04-04 16:00Z → 2025-04-04 20:00Z [L2] carol",
        ]
    );
    assert_eq!(events[1].uid, "oncall-5c1d2a3e-7f44-4d0b-9a5e-2b8c4f6d1e90-PKOR7QK3L9W2A1-U2-E1-S1");
    // Carol's rotation ended with its UNTIL (2025-04-04 20:00Z).
    let later = occurrences("grafana_oncall.ics", "2025-04-05T00:00:00Z", "2025-05-01T00:00:00Z", UTC);
    assert!(later.iter().all(|e| !e.summary.contains("carol")), "{:?}", lines(&later));
    // Alice from Mar 31, then Bob and Alice taking turns: Apr 7, 14, 21, 28.
    assert_eq!(later.len(), 5, "{:?}", lines(&later));
}

#[test]
fn goalert_subscription_is_expanded_utc_shifts() {
    // GoAlert's calendar subscription: UTC shifts with reminders (VALARM), the last one "Begins*".
    let events = occurrences("goalert.ics", "2025-01-01T00:00:00Z", "2025-03-01T00:00:00Z", America::New_York);
    assert_eq!(
        lines(&events),
        [
            "2025-01-01 08:00Z → 2025-01-08 08:00Z On-Call (GoAlert: Platform Primary)",
            "2025-01-15 08:00Z → 2025-01-22 08:00Z On-Call (GoAlert: Platform Primary)",
            "2025-01-29 08:00Z → 2025-02-05 08:00Z On-Call (GoAlert: Platform Primary) Begins*",
        ]
    );
    assert_eq!(events[0].uid, "4c7d37bf28d64eccc1e74a3889cfc97f6839a00fa781c91721058df915de27ce");
    assert_eq!(validate(&fixture("goalert.ics")).unwrap(), 3);
}

#[test]
fn opsgenie_feed_has_zoned_shifts_and_all_day_overrides() {
    // Opsgenie's schedule feed: shifts with TZID (here across New York's fall-back night, so
    // Alex's week is 169 hours), an all-day override in the schedule's zone. LF line endings.
    let events = occurrences("opsgenie.ics", "2025-10-27T00:00:00Z", "2025-12-01T00:00:00Z", America::New_York);
    assert_eq!(
        lines(&events),
        [
            "2025-10-27 12:00Z → 2025-11-03 13:00Z SRE_schedule - Primary: Alex Kim",
            "2025-11-03 13:00Z → 2025-11-10 13:00Z SRE_schedule - Primary: John Smith",
            "2025-11-27 05:00Z → 2025-11-29 05:00Z SRE_schedule - Thanksgiving override: Priya Patel [all day]",
        ]
    );
}

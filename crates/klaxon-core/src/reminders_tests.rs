use super::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("rfc3339").with_timezone(&Utc)
}

fn shift() -> (DateTime<Utc>, DateTime<Utc>) {
    (utc("2026-12-07T09:00:00Z"), utc("2026-12-14T09:00:00Z"))
}

/// Runs the reminders over `times` as a clock would, recording what was sent or dropped.
fn run(times: &[&str]) -> Vec<(String, ReminderKind)> {
    let r = Reminders::default();
    let mut sent = HashSet::new();
    let mut out = Vec::new();
    for t in times {
        let due = r.due(&[shift()], utc(t), &sent);
        for s in due.send {
            out.push((t.to_string(), s.kind));
            sent.insert(s.key);
        }
        sent.extend(due.drop);
    }
    out
}

#[test]
fn each_reminder_fires_once_at_its_time() {
    let got = run(&[
        "2026-12-03T08:59:00Z",
        "2026-12-04T09:00:00Z",
        "2026-12-04T09:00:30Z",
        "2026-12-07T08:00:00Z",
        "2026-12-07T08:30:00Z",
        "2026-12-07T09:00:00Z",
        "2026-12-10T00:00:00Z",
        "2026-12-14T09:00:00Z",
        "2026-12-14T09:05:00Z",
    ]);
    assert_eq!(
        got,
        [
            ("2026-12-04T09:00:00Z".into(), ReminderKind::Ahead { secs: 3 * 86_400 }),
            ("2026-12-07T08:00:00Z".into(), ReminderKind::Ahead { secs: 3600 }),
            ("2026-12-07T09:00:00Z".into(), ReminderKind::Start),
            ("2026-12-14T09:00:00Z".into(), ReminderKind::End),
        ]
    );
}

#[test]
fn after_a_sleep_only_the_latest_missed_reminder_is_sent_and_only_while_it_is_true() {
    // Asleep from before the 3-day reminder until 30 minutes before the shift: one reminder.
    assert_eq!(
        run(&["2026-12-01T00:00:00Z", "2026-12-07T08:30:00Z", "2026-12-07T08:31:00Z"]),
        [("2026-12-07T08:30:00Z".into(), ReminderKind::Ahead { secs: 3600 })]
    );
    // Woken during the shift: "you are on call now", nothing about "ahead".
    assert_eq!(
        run(&["2026-12-01T00:00:00Z", "2026-12-09T12:00:00Z"]),
        [("2026-12-09T12:00:00Z".into(), ReminderKind::Start)]
    );
    // Woken after the shift (past the grace): nothing at all.
    assert!(run(&["2026-12-01T00:00:00Z", "2026-12-14T11:00:00Z"]).is_empty());
    // Woken just after the end: "hand over", once.
    assert_eq!(
        run(&["2026-12-01T00:00:00Z", "2026-12-14T09:30:00Z", "2026-12-14T09:40:00Z"]),
        [("2026-12-14T09:30:00Z".into(), ReminderKind::End)]
    );
}

#[test]
fn the_team_file_chooses_the_reminders() {
    let r = Reminders { before: vec![Duration::from_secs(86_400)], at_start: false, at_end: false };
    let all = r.of(shift());
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].at, utc("2026-12-06T09:00:00Z"));
    assert_ne!(
        Reminders::default().of(shift())[0].key,
        Reminders::default().of((shift().0, shift().1 + TimeDelta::hours(1)))[0].key,
        "a changed shift is a new shift"
    );
}

#[test]
fn shift_changes_are_what_was_gained_and_lost_in_view() {
    let now = utc("2026-12-01T00:00:00Z");
    let a = (utc("2026-12-07T09:00:00Z"), utc("2026-12-14T09:00:00Z"));
    let b = (utc("2026-12-21T09:00:00Z"), utc("2026-12-28T09:00:00Z"));
    let part = (utc("2026-12-07T09:00:00Z"), utc("2026-12-10T09:00:00Z"));
    let seen_until = utc("2026-12-15T00:00:00Z");
    assert!(shift_changes(&[a], seen_until, &[a, b], now).is_empty(), "b only came into view");
    assert_eq!(shift_changes(&[a], seen_until, &[], now), [ShiftChange::Lost(a.0, a.1)]);
    assert_eq!(
        shift_changes(&[a], seen_until, &[part], now),
        [ShiftChange::Lost(a.0, a.1), ShiftChange::Gained(part.0, part.1)]
    );
    assert!(shift_changes(&[a], seen_until, &[], utc("2026-12-20T00:00:00Z")).is_empty(), "over already");
    let endless = |from: &str| (utc(from), utc("2027-03-01T00:00:00Z"));
    assert!(
        shift_changes(&[endless("2026-10-01T00:00:00Z")], seen_until, &[endless("2026-10-02T00:00:00Z")], now)
            .is_empty(),
        "edges outside the view are not changes"
    );
}

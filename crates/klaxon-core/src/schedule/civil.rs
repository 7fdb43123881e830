//! Wall-clock time in a schedule's zone: hand-offs and windows are local times, turned into
//! instants here, the same way everywhere (daylight-saving gaps and repeats included).

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// The instant a local wall-clock time names in `tz`. A time the clocks skip (spring forward)
/// is read with the offset before the change (02:30 becomes 03:30 summer time); a time that
/// happens twice (fall back) is its first occurrence.
pub fn to_utc(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.with_timezone(&Utc),
        chrono::LocalResult::None => {
            // A day earlier is never in the same gap: its offset is the one before the change.
            let before = local - chrono::Duration::days(1);
            let offset = tz.offset_from_local_datetime(&before).earliest().map_or(0, |o| o.fix().local_minus_utc());
            DateTime::from_naive_utc_and_offset(local - chrono::Duration::seconds(i64::from(offset)), Utc)
        }
    }
}

/// The wall-clock time at `t` in `tz`.
pub fn to_local(tz: Tz, t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&tz).naive_local()
}

/// Sorts intervals and joins those that overlap or touch; empty ones are dropped.
pub fn union(mut spans: Vec<(DateTime<Utc>, DateTime<Utc>)>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    spans.retain(|(s, e)| s < e);
    spans.sort();
    let mut out: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(h, min, 0)).expect("a valid date")
    }

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).expect("rfc3339").with_timezone(&Utc)
    }

    #[test]
    fn local_times_become_instants_across_daylight_saving() {
        let warsaw = chrono_tz::Europe::Warsaw;
        assert_eq!(to_utc(warsaw, local(2026, 1, 5, 9, 0)), utc("2026-01-05T08:00:00Z"), "winter: +01:00");
        assert_eq!(to_utc(warsaw, local(2026, 7, 6, 9, 0)), utc("2026-07-06T07:00:00Z"), "summer: +02:00");
        // 29 March 2026: 02:00 jumps to 03:00; 02:30 does not exist.
        assert_eq!(to_utc(warsaw, local(2026, 3, 29, 2, 30)), utc("2026-03-29T01:30:00Z"), "read as 03:30 CEST");
        // 25 October 2026: 02:30 happens twice; the first is 00:30 UTC.
        assert_eq!(to_utc(warsaw, local(2026, 10, 25, 2, 30)), utc("2026-10-25T00:30:00Z"));
        let ny = chrono_tz::America::New_York;
        assert_eq!(to_utc(ny, local(2026, 3, 8, 2, 15)), utc("2026-03-08T07:15:00Z"), "03:15 EDT");
        assert_eq!(to_local(ny, utc("2026-11-01T05:30:00Z")), local(2026, 11, 1, 1, 30), "the first 01:30");
        assert_eq!(to_local(ny, utc("2026-11-01T06:30:00Z")), local(2026, 11, 1, 1, 30), "and the second");
    }

    #[test]
    fn union_joins_overlapping_and_touching_spans() {
        let (a, b, c, d) = (
            utc("2026-01-01T00:00:00Z"),
            utc("2026-01-02T00:00:00Z"),
            utc("2026-01-03T00:00:00Z"),
            utc("2026-01-04T00:00:00Z"),
        );
        assert_eq!(union(vec![(c, d), (a, b), (b, c)]), [(a, d)]);
        assert_eq!(union(vec![(c, d), (a, b), (b, b)]), [(a, b), (c, d)]);
    }
}

use super::*;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).expect("rfc3339").with_timezone(&Utc)
}

fn hhmm(s: &DateTime<Utc>, tz: Tz) -> String {
    s.with_timezone(&tz).format("%a %H:%M").to_string()
}

#[test]
fn parses_daily_and_weekly_windows_and_says_what_is_wrong() {
    let w = Window::parse(Some("mon-fri"), "15:00", "22:00").expect("daily");
    assert_eq!(w.to_string(), "Mon,Tue,Wed,Thu,Fri 15:00–22:00");
    assert_eq!(Window::parse(None, "09:00", "22:00").expect("every day").to_string(), "daily 09:00–22:00");
    assert_eq!(Window::parse(Some("weekends"), "09:00", "22:00").expect("weekends").to_string(), "Sat,Sun 09:00–22:00");
    assert_eq!(
        Window::parse(Some("fri-mon"), "09:00", "10:00").expect("wraps").to_string(),
        "Mon,Fri,Sat,Sun 09:00–10:00"
    );
    let weekly = Window::parse(None, "sat 09:00", "mon 07:00").expect("weekly");
    assert_eq!(weekly.to_string(), "Sat 09:00–Mon 07:00");
    assert!(Window::parse(None, "9am", "22:00").unwrap_err().contains("`9am` is not a time of day"));
    assert!(Window::parse(Some("funday"), "09:00", "22:00").unwrap_err().contains("`funday` is not a weekday"));
    assert!(Window::parse(None, "mon 09:00", "22:00").unwrap_err().contains("both a weekday"));
    assert!(Window::parse(Some("mon"), "mon 09:00", "tue 22:00").unwrap_err().contains("takes no `days`"));
}

#[test]
fn a_daily_window_crossing_midnight_ends_the_next_morning() {
    let tz = chrono_tz::Europe::Warsaw;
    let w = Window::parse(Some("fri"), "22:00", "06:00").expect("window");
    let spans = w.spans(tz, utc("2026-01-05T00:00:00Z"), utc("2026-01-12T00:00:00Z"));
    assert_eq!(spans, [(utc("2026-01-09T21:00:00Z"), utc("2026-01-10T05:00:00Z"))], "Fri 22:00 to Sat 06:00 local");
    // Clipped to the range, and the window begun the day before still counts.
    let spans = w.spans(tz, utc("2026-01-10T00:00:00Z"), utc("2026-01-10T12:00:00Z"));
    assert_eq!(spans, [(utc("2026-01-10T00:00:00Z"), utc("2026-01-10T05:00:00Z"))]);
}

#[test]
fn weekday_and_weekend_hours_follow_local_time_across_daylight_saving() {
    let tz = chrono_tz::America::New_York;
    let windows = [
        Window::parse(Some("weekdays"), "15:00", "22:00").expect("w"),
        Window::parse(Some("weekends"), "09:00", "22:00").expect("w"),
    ];
    // 8 March 2026: clocks go forward at 02:00 in New York (a Sunday).
    let spans = coverage(&windows, tz, utc("2026-03-06T05:00:00Z"), utc("2026-03-10T04:00:00Z"));
    let local: Vec<String> = spans.iter().map(|(s, e)| format!("{}–{}", hhmm(s, tz), hhmm(e, tz))).collect();
    assert_eq!(local, ["Fri 15:00–Fri 22:00", "Sat 09:00–Sat 22:00", "Sun 09:00–Sun 22:00", "Mon 15:00–Mon 22:00"]);
    assert_eq!(spans[1].0, utc("2026-03-07T14:00:00Z"), "EST");
    assert_eq!(spans[2].0, utc("2026-03-08T13:00:00Z"), "EDT");
}

#[test]
fn a_weekly_window_runs_from_one_weekday_to_another() {
    let tz = chrono_tz::Europe::Warsaw;
    let w = Window::parse(None, "sat 09:00", "mon 07:00").expect("weekly");
    let spans = w.spans(tz, utc("2026-10-20T00:00:00Z"), utc("2026-11-03T00:00:00Z"));
    let local: Vec<String> = spans.iter().map(|(s, e)| format!("{}–{}", hhmm(s, tz), hhmm(e, tz))).collect();
    assert_eq!(local, ["Sat 09:00–Mon 07:00", "Sat 09:00–Mon 07:00"]);
    assert_eq!(
        spans[0].1 - spans[0].0,
        chrono::TimeDelta::hours(47),
        "the weekend of the fall-back lasts an hour longer"
    );
    assert_eq!(spans[1].1 - spans[1].0, chrono::TimeDelta::hours(46));
    let whole = Window::parse(None, "mon 09:00", "mon 09:00").expect("a week");
    let spans = whole.spans(chrono_tz::UTC, utc("2026-01-07T00:00:00Z"), utc("2026-01-08T00:00:00Z"));
    assert_eq!(spans, [(utc("2026-01-07T00:00:00Z"), utc("2026-01-08T00:00:00Z"))], "equal ends: a whole week");
}

#[test]
fn no_windows_cover_everything() {
    let (a, b) = (utc("2026-01-01T00:00:00Z"), utc("2026-02-01T00:00:00Z"));
    assert_eq!(coverage(&[], chrono_tz::UTC, a, b), [(a, b)]);
    assert!(coverage(&[], chrono_tz::UTC, b, a).is_empty());
}

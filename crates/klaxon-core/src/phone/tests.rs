use super::*;
use crate::{Incident, IncidentId, Severity, Urgency};
use chrono::TimeZone;

const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap()
}

fn settings() -> PhoneSettings {
    PhoneSettings {
        server: "https://ntfy.example.com".into(),
        topic: "ABCDEFGHIJKLMNOPQRSTUVWXYZ".into(),
        after_secs: 60,
        when_locked: true,
        details: false,
    }
}

fn capability(action: PhoneAction) -> Capability {
    Capability::new(IncidentId(42), 3, action, now() + chrono::Duration::hours(1), [7; 16])
}

#[test]
fn a_signed_capability_reads_back() {
    for action in [PhoneAction::Acknowledge, PhoneAction::Escalate] {
        let c = capability(action);
        let body = c.sign(KEY);
        assert!(body.starts_with("kx1."), "{body}");
        assert_eq!(Capability::verify(&body, KEY, now()), Ok(c));
    }
}

#[test]
fn forged_altered_and_expired_capabilities_are_refused() {
    let body = capability(PhoneAction::Acknowledge).sign(KEY);
    assert_eq!(Capability::verify(&body, b"another key", now()), Err(CapabilityError::Forged));
    // Every field altered in turn, the signature left as it was.
    for (from, to) in [(".ack.", ".esc."), (".42.", ".43."), (".3.", ".4.")] {
        let altered = body.replacen(from, to, 1);
        assert_ne!(altered, body);
        assert_eq!(Capability::verify(&altered, KEY, now()), Err(CapabilityError::Forged), "{altered}");
    }
    let later = (now() + chrono::Duration::hours(5)).timestamp();
    let extended = body.replacen(&(now() + chrono::Duration::hours(1)).timestamp().to_string(), &later.to_string(), 1);
    assert_eq!(Capability::verify(&extended, KEY, now()), Err(CapabilityError::Forged));
    let expired = Capability::verify(&body, KEY, now() + chrono::Duration::hours(2));
    assert!(matches!(expired, Err(CapabilityError::Expired(_))), "{expired:?}");
    for junk in ["", "hello", "kx1.ack.42.3.x.y.z", &"a".repeat(10_000), "kx1.ack.42.3.1.00.00", "ack"] {
        assert_eq!(Capability::verify(junk, KEY, now()), Err(CapabilityError::Malformed), "{junk}");
    }
}

#[test]
fn nonces_make_each_capability_distinct() {
    let a = Capability::new(IncidentId(1), 1, PhoneAction::Acknowledge, now(), [1; 16]);
    let b = Capability::new(IncidentId(1), 1, PhoneAction::Acknowledge, now(), [2; 16]);
    assert_ne!(a.sign(KEY), b.sign(KEY));
    assert_eq!(a.nonce.len(), 32);
}

fn incident() -> Incident {
    let mut i = Incident::new_triggered("local", "Checkout down", Severity::Sev1, Urgency::High, now());
    i.id = IncidentId(42);
    i.service = Some("checkout".into());
    i.details.text = Some("secret customer data".into());
    i.details.labels.insert("host".into(), "db-1".into());
    i
}

#[test]
fn a_push_says_title_severity_and_service_only_by_default() {
    let buttons = vec![(PhoneAction::Acknowledge, "A".to_owned()), (PhoneAction::Escalate, "E".to_owned())];
    let p = publication(&incident(), &settings(), &buttons, true, 0);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["topic"], "ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    assert_eq!(json["title"], "Checkout down");
    assert_eq!(json["message"], "SEV1 · checkout");
    assert_eq!(json["priority"], 5);
    assert!(!json.to_string().contains("secret customer data"));
    assert!(!json.to_string().contains("db-1"));
    let actions = json["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0]["action"], "http");
    assert_eq!(actions[0]["label"], "Acknowledge");
    assert_eq!(actions[0]["url"], "https://ntfy.example.com/ABCDEFGHIJKLMNOPQRSTUVWXYZ-reply");
    assert_eq!(actions[0]["method"], "POST");
    assert_eq!(actions[0]["body"], "A");
    assert_eq!(actions[1]["label"], "Escalate");

    let mut linked = incident();
    linked.web_url = Some("http://prometheus.internal:9090/graph".into());
    let p = publication(&linked, &settings(), &buttons, true, 0);
    assert_eq!(p.actions.len(), 2, "a local alert's internal link stays off the phone by default");
    linked.account = "pd".into();
    linked.web_url = Some("https://acme.pagerduty.com/incidents/Q1".into());
    let p = publication(&linked, &settings(), &buttons, true, 0);
    assert!(matches!(&p.actions[0], PushAction::View { url, .. } if url.contains("pagerduty")), "{p:?}");

    let mut with_details = settings();
    with_details.details = true;
    let mut i = incident();
    i.web_url = Some("https://acme.pagerduty.com/incidents/Q1".into());
    let p = publication(&i, &with_details, &buttons, false, 2);
    assert_eq!(p.priority, 4);
    assert!(p.message.contains("secret customer data") && p.message.contains("host: db-1"), "{}", p.message);
    assert!(p.message.contains("re-alert #2"));
    assert_eq!(p.actions.len(), 3);
    assert_eq!(p.actions[0], PushAction::View { label: "Open".into(), url: i.web_url.clone().unwrap() });
}

#[test]
fn a_follow_up_is_quiet_and_says_who() {
    let p = follow_up(&settings(), &incident(), "Acknowledged by Alex from phone");
    assert_eq!(p.priority, 2);
    assert!(p.actions.is_empty());
    assert_eq!(p.message, "Acknowledged by Alex from phone");
}

#[test]
fn pushes_wait_unless_the_screen_is_locked() {
    let s = settings();
    assert_eq!(push_due(&s, now(), false), now() + chrono::Duration::seconds(60));
    assert_eq!(push_due(&s, now(), true), now());
    let not_when_locked = PhoneSettings { when_locked: false, ..s.clone() };
    assert_eq!(push_due(&not_when_locked, now(), true), now() + chrono::Duration::seconds(60));
    let at_once = PhoneSettings { after_secs: 0, ..s };
    assert_eq!(push_due(&at_once, now(), false), now());
}

#[test]
fn settings_are_checked_field_by_field() {
    assert_eq!(settings().validate(), Ok(()));
    let bad = |f: fn(&mut PhoneSettings)| {
        let mut s = settings();
        f(&mut s);
        s.validate().unwrap_err()
    };
    assert!(bad(|s| s.server = "ftp://x".into()).starts_with("server:"));
    assert!(bad(|s| s.server = "https://u:p@x".into()).starts_with("server:"));
    assert!(bad(|s| s.topic = "has space".into()).starts_with("topic:"));
    assert!(bad(|s| s.topic = "x".repeat(59)).starts_with("topic:"));
    assert!(bad(|s| s.after_secs = 7200).starts_with("after:"));
    assert_eq!(settings().reply_topic(), "ABCDEFGHIJKLMNOPQRSTUVWXYZ-reply");
}

#[test]
fn generated_topics_are_128_bit_base32() {
    let t = topic_from([0xff; 16]);
    assert_eq!(t.len(), 26);
    assert_eq!(validate_topic(&t), Ok(()));
    assert_ne!(topic_from([1; 16]), topic_from([2; 16]));
}

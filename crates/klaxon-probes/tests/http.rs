//! The http probe against an HTTPS server on 127.0.0.1 with certificates made by the test.
#![allow(clippy::unwrap_used)] // test helpers fail loudly, like the tests

#[path = "support/https.rs"]
mod https;

use chrono::{Duration as Days, Utc};
use https::{Ca, Https, TOKEN};
use klaxon_core::Secret;
use klaxon_core::checklist::Outcome;
use klaxon_probes::{Finding, HttpProbeOptions, http};
use std::time::Duration;

const GENEROUS: Duration = Duration::from_secs(10);

/// A server for 127.0.0.1 whose certificate ends `days_left` (and 12 hours) from now.
async fn serving(ca: &Ca, names: &[&str], days_left: i64) -> Https {
    let now = Utc::now();
    let end = now + Days::days(days_left) + Days::hours(12);
    Https::start(&ca.leaf(names, now - Days::days(30), end)).await
}

fn trusting(ca: &Ca) -> HttpProbeOptions {
    HttpProbeOptions::default().trusting(ca.pem.clone())
}

fn date_in(days: i64) -> String {
    (Utc::now() + Days::days(days) + Days::hours(12)).format("%Y-%m-%d").to_string()
}

/// One probe of `/health` (200, `cert_days`) on a fresh server like [`serving`]'s, trusting its CA.
async fn probe_fresh(names: &[&str], days_left: i64, cert_days: u32) -> Finding {
    let ca = Ca::new();
    let server = serving(&ca, names, days_left).await;
    let f = http(&server.url("/health"), &[200], None, cert_days, GENEROUS, &trusting(&ca)).await;
    server.stop().await;
    f
}

fn assert_no_token(f: &Finding) {
    assert!(!format!("{f:?}").contains(TOKEN), "the token leaked: {f:?}");
}

#[tokio::test]
async fn a_valid_certificate_and_status_pass() {
    let ca = Ca::new();
    let server = serving(&ca, &["127.0.0.1"], 60).await;
    let f = http(&server.url("/health"), &[200], None, 14, GENEROUS, &trusting(&ca)).await;
    assert_eq!(f.outcome, Outcome::Pass, "{f:?}");
    assert_eq!(f.evidence.checked, format!("GET {}", server.url("/health")));
    let result = &f.evidence.result;
    assert!(result.starts_with("answered 200 in "), "{result}");
    assert!(result.ends_with(&format!("; certificate valid until {} (60 days)", date_in(60))), "{result}");
    // The CA in DER does as well as in PEM; an empty status list takes any 2xx.
    let der = HttpProbeOptions::default().trusting(ca.der.clone());
    assert_eq!(http(&server.url("/health"), &[], None, 14, GENEROUS, &der).await.outcome, Outcome::Pass);
    server.stop().await;
}

#[tokio::test]
async fn a_certificate_about_to_expire_warns() {
    let f = probe_fresh(&["127.0.0.1"], 3, 7).await;
    assert_eq!(f.outcome, Outcome::Warn, "{f:?}");
    assert!(f.evidence.result.ends_with(&format!("; certificate expires in 3 days ({})", date_in(3))), "{f:?}");
    let relaxed = probe_fresh(&["127.0.0.1"], 3, 3).await;
    assert_eq!(relaxed.outcome, Outcome::Pass, "{relaxed:?}");
}

#[tokio::test]
async fn an_expired_certificate_fails_with_its_date() {
    let f = probe_fresh(&["127.0.0.1"], -3, 7).await;
    assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
    assert_eq!(f.evidence.result, format!("certificate expired on {}", date_in(-3)));
}

#[tokio::test]
async fn a_certificate_for_another_host_fails() {
    let f = probe_fresh(&["other.example"], 60, 7).await;
    assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
    assert_eq!(f.evidence.result, "certificate is not valid for host 127.0.0.1");
}

#[tokio::test]
async fn an_unknown_issuer_fails() {
    let ca = Ca::new();
    let server = serving(&ca, &["127.0.0.1"], 60).await;
    let f = http(&server.url("/health"), &[200], None, 7, GENEROUS, &HttpProbeOptions::default()).await;
    assert_eq!(f.outcome, Outcome::Fail, "{f:?}");
    assert_eq!(f.evidence.result, "certificate is not trusted (unknown issuer)");
    server.stop().await;
}

#[tokio::test]
async fn a_wrong_status_fails() {
    let ca = Ca::new();
    let server = serving(&ca, &["127.0.0.1"], 60).await;
    let opts = trusting(&ca);
    let down = http(&server.url("/down"), &[200], None, 7, GENEROUS, &opts).await;
    assert_eq!((down.outcome, down.evidence.result.as_str()), (Outcome::Fail, "answered 503, expected 200"));
    let listed = http(&server.url("/health"), &[204, 301], None, 7, GENEROUS, &opts).await;
    assert_eq!(listed.evidence.result, "answered 200, expected 204 or 301");
    let any = http(&server.url("/down"), &[], None, 7, GENEROUS, &opts).await;
    assert_eq!(any.evidence.result, "answered 503, expected 2xx");
    let asked = http(&server.url("/down"), &[503], None, 7, GENEROUS, &opts).await;
    assert_eq!(asked.outcome, Outcome::Pass, "{asked:?}");
    server.stop().await;
}

#[tokio::test]
async fn the_token_goes_as_a_bearer_and_never_into_evidence() {
    let ca = Ca::new();
    let server = serving(&ca, &["127.0.0.1"], 60).await;
    let opts = trusting(&ca);
    let token = Secret::new(TOKEN);
    let with = http(&server.url("/private"), &[200], Some(&token), 7, GENEROUS, &opts).await;
    assert_eq!(with.outcome, Outcome::Pass, "{with:?}");
    assert_no_token(&with);
    let without = http(&server.url("/private"), &[200], None, 7, GENEROUS, &opts).await;
    assert_eq!(without.evidence.result, "answered 401, expected 200");
    let wrong = http(&server.url("/private"), &[200], Some(&Secret::new("nope")), 7, GENEROUS, &opts).await;
    assert_eq!(wrong.outcome, Outcome::Fail);
    for failing in ["/down", "/hang"] {
        let f = http(&server.url(failing), &[200], Some(&token), 7, Duration::from_millis(500), &opts).await;
        assert_eq!(f.outcome, Outcome::Fail);
        assert_no_token(&f);
    }
    server.stop().await;
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let ca = Ca::new();
    let server = serving(&ca, &["127.0.0.1"], 60).await;
    let f = http(&server.url("/hang"), &[200], None, 7, Duration::from_millis(400), &trusting(&ca)).await;
    assert_eq!(f.outcome, Outcome::Fail);
    assert_eq!(f.evidence.result, "timed out after 400 ms");
    assert!((400..3000).contains(&f.evidence.took_ms), "{f:?}");
    server.stop().await;
}

#[tokio::test]
async fn plain_http_refused_and_malformed_urls_read_plainly() {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let opts = HttpProbeOptions::default();
    let refused = http(&format!("http://127.0.0.1:{port}/"), &[], None, 7, GENEROUS, &opts).await;
    assert_eq!(refused.evidence.result, "connection refused");
    let bad = http("not a url", &[], None, 7, GENEROUS, &opts).await;
    assert!(bad.evidence.result.starts_with("not a URL"), "{bad:?}");
    let ftp = http("ftp://127.0.0.1/x", &[], None, 7, GENEROUS, &opts).await;
    assert_eq!(ftp.evidence.result, "ftp: URLs are probed over http or https");
    let secret_in_url = http(&format!("http://me:pw@127.0.0.1:{port}/"), &[], None, 7, GENEROUS, &opts).await;
    assert_eq!(secret_in_url.evidence.checked, format!("GET http://me@127.0.0.1:{port}/"));
    let garbage = HttpProbeOptions::default().trusting(b"-----BEGIN CERTIFICATE-----\nnope\n".to_vec());
    let unreadable = http(&format!("http://127.0.0.1:{port}/"), &[], None, 7, GENEROUS, &garbage).await;
    assert!(unreadable.evidence.result.starts_with("extra CA certificate 1 cannot be read"), "{unreadable:?}");
}

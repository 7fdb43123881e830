//! A server certificate in plain words: how long it lasts, and why TLS refused it.

use chrono::{DateTime, Utc};
use klaxon_core::checklist::Outcome;
use rustls::CertificateError;
use rustls::pki_types::UnixTime;

/// When the DER certificate stops being valid.
pub(super) fn not_after(der: &[u8]) -> Option<DateTime<Utc>> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    DateTime::from_timestamp(cert.validity().not_after.timestamp(), 0)
}

/// Whether a certificate valid until `not_after` lasts `cert_days` more days from `now`.
pub(super) fn lasting(not_after: DateTime<Utc>, now: DateTime<Utc>, cert_days: u32) -> (Outcome, String) {
    let date = not_after.format("%Y-%m-%d");
    let left = not_after - now;
    let days = left.num_days();
    if left <= chrono::Duration::zero() {
        (Outcome::Fail, format!("certificate expired on {date}"))
    } else if days < i64::from(cert_days) {
        let when = match days {
            0 => "within a day".to_string(),
            1 => "in 1 day".to_string(),
            n => format!("in {n} days"),
        };
        (Outcome::Warn, format!("certificate expires {when} ({date})"))
    } else {
        let plural = if days == 1 { "" } else { "s" };
        (Outcome::Pass, format!("certificate valid until {date} ({days} day{plural})"))
    }
}

/// Why the TLS handshake with `host` failed.
pub(super) fn tls_failure(err: &rustls::Error, host: &str) -> String {
    let rustls::Error::InvalidCertificate(cert) = err else {
        return format!("TLS handshake failed: {err}");
    };
    match cert {
        CertificateError::Expired => "certificate has expired".into(),
        CertificateError::ExpiredContext { not_after, .. } => format!("certificate expired on {}", day(*not_after)),
        CertificateError::NotValidYet => "certificate is not valid yet".into(),
        CertificateError::NotValidYetContext { not_before, .. } => {
            format!("certificate is not valid before {}", day(*not_before))
        }
        CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
            format!("certificate is not valid for host {host}")
        }
        CertificateError::UnknownIssuer => "certificate is not trusted (unknown issuer)".into(),
        CertificateError::Revoked => "certificate has been revoked".into(),
        CertificateError::BadSignature => "certificate has a bad signature".into(),
        other => format!("certificate rejected: {other}"),
    }
}

fn day(t: UnixTime) -> String {
    let secs = i64::try_from(t.as_secs()).unwrap_or(i64::MAX);
    DateTime::from_timestamp(secs, 0)
        .map_or_else(|| format!("{secs} s after 1970"), |d| d.format("%Y-%m-%d").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn days_left_decide_the_outcome() {
        let now = DateTime::parse_from_rfc3339("2026-11-30T12:00:00Z").unwrap().to_utc();
        let at = |days: i64| now + chrono::Duration::days(days) + chrono::Duration::hours(1);
        assert_eq!(lasting(at(33), now, 14), (Outcome::Pass, "certificate valid until 2027-01-02 (33 days)".into()));
        assert_eq!(lasting(at(3), now, 7), (Outcome::Warn, "certificate expires in 3 days (2026-12-03)".into()));
        assert_eq!(lasting(at(0), now, 7), (Outcome::Warn, "certificate expires within a day (2026-11-30)".into()));
        assert_eq!(lasting(at(3), now, 0).0, Outcome::Pass);
        assert_eq!(lasting(at(-2), now, 0), (Outcome::Fail, "certificate expired on 2026-11-28".into()));
    }

    #[test]
    fn tls_failures_read_plainly() {
        let not_after = UnixTime::since_unix_epoch(Duration::from_secs(1_767_225_600)); // 2026-01-01
        let expired = rustls::Error::InvalidCertificate(CertificateError::ExpiredContext {
            time: UnixTime::since_unix_epoch(Duration::from_secs(1_767_312_000)),
            not_after,
        });
        assert_eq!(tls_failure(&expired, "x"), "certificate expired on 2026-01-01");
        let unknown = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        assert_eq!(tls_failure(&unknown, "x"), "certificate is not trusted (unknown issuer)");
        let name = rustls::Error::InvalidCertificate(CertificateError::NotValidForName);
        assert_eq!(tls_failure(&name, "db.internal"), "certificate is not valid for host db.internal");
    }
}

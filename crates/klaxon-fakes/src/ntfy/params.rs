//! How ntfy reads a request's parameters (server/util.go): each has several names, looked up
//! first among the headers and then, lower-cased, in the query string; and the value parsers
//! for priorities, durations and `since=`.

use super::hub::Since;
use super::message::{NtfyError, errors};
use axum::http::HeaderMap;
use std::time::Duration;

/// A request's headers and query parameters.
#[derive(Debug, Default)]
pub(super) struct Params {
    /// Names lower-cased.
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
}

impl Params {
    pub(super) fn new(headers: &HeaderMap, query: Vec<(String, String)>) -> Self {
        let headers =
            headers.iter().filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned()))).collect();
        Self { headers, query }
    }

    /// Sets header `name`, replacing what the request had (how a JSON publish becomes headers).
    pub(super) fn set(&mut self, name: &str, value: impl Into<String>) {
        let name = name.to_ascii_lowercase();
        self.headers.retain(|(k, _)| *k != name);
        self.headers.push((name, value.into()));
    }

    /// The first non-empty value, trimmed, of any of `names`: headers first, then the query.
    pub(super) fn get(&self, names: &[&str]) -> String {
        let header = names.iter().find_map(|name| {
            let (_, v) = self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name))?;
            let v = v.trim();
            // Proxies add RFC 9218's `Priority: u=3, i`; ntfy skips it and looks further.
            let rfc9218 = name.eq_ignore_ascii_case("priority") && v.starts_with("u=");
            (!v.is_empty() && !rfc9218).then(|| v.to_owned())
        });
        header.or_else(|| self.query_param(names)).unwrap_or_default()
    }

    /// A query parameter only (`auth=`).
    pub(super) fn query_param(&self, names: &[&str]) -> Option<String> {
        names.iter().find_map(|name| {
            let name = name.to_ascii_lowercase();
            let (_, v) = self.query.iter().find(|(k, _)| *k == name)?;
            Some(v.trim().to_owned()).filter(|v| !v.is_empty())
        })
    }

    /// A header only (`Authorization`).
    pub(super) fn header(&self, name: &str) -> String {
        let found = self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name));
        found.map(|(_, v)| v.trim().to_owned()).unwrap_or_default()
    }

    /// `1`/`yes`/`true` is true, anything else set is false.
    pub(super) fn flag(&self, default: bool, names: &[&str]) -> bool {
        let v = self.get(names).to_ascii_lowercase();
        if v.is_empty() { default } else { matches!(v.as_str(), "1" | "yes" | "true") }
    }

    /// A comma-separated list, items trimmed, empty ones left out.
    pub(super) fn list(&self, names: &[&str]) -> Vec<String> {
        split(&self.get(names))
    }
}

pub(super) fn split(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

/// A priority by number or name; 0 when empty.
pub(super) fn priority(s: &str) -> Result<u8, NtfyError> {
    match s.trim().to_ascii_lowercase().as_str() {
        "" => Ok(0),
        "1" | "min" => Ok(1),
        "2" | "low" => Ok(2),
        "3" | "default" => Ok(3),
        "4" | "high" => Ok(4),
        "5" | "max" | "urgent" => Ok(5),
        _ => Err(errors::PRIORITY_INVALID.into()),
    }
}

/// `since=`: `all`, `latest`, `none`, a message id, unix seconds or a Go duration.
pub(super) fn since(s: &str, poll: bool, now: i64) -> Result<Since, NtfyError> {
    Ok(match s {
        "" if poll => Since::All,
        "" | "none" => Since::Nothing,
        "all" => Since::All,
        "latest" => Since::Latest,
        id if id.len() == 12 && id.bytes().all(|b| b.is_ascii_alphanumeric()) => Since::Id(id.to_owned()),
        _ => match s.parse::<i64>() {
            Ok(t) => Since::Time(t),
            Err(_) => {
                let d = go_duration(s).ok_or(errors::SINCE_INVALID)?;
                Since::Time(now - i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            }
        },
    })
}

/// `delay=`/`at=`/`in=`: future unix seconds, a Go duration, or a number of d/h/m/s (ntfy also
/// reads natural language such as "tomorrow, 10am"; this fake does not).
pub(super) fn future_time(s: &str, now: i64) -> Option<i64> {
    if let Ok(t) = s.parse::<i64>() {
        return (t >= now).then_some(t);
    }
    let d = go_duration(s).or_else(|| day_duration(s))?;
    Some(now + i64::try_from(d.as_secs()).ok()?)
}

/// Go's `time.ParseDuration`: a sequence of decimal numbers with units (`1h30m`, `1.5h`,
/// `300ms`). Negative durations are not needed here and are refused.
pub(super) fn go_duration(s: &str) -> Option<Duration> {
    let s = s.strip_prefix('+').unwrap_or(s);
    if s == "0" {
        return Some(Duration::ZERO);
    }
    let mut rest = s;
    let mut total = 0f64;
    while !rest.is_empty() {
        let number_end = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = &rest[number_end..];
        let unit_end = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let seconds = match &rest[..unit_end] {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * seconds;
        rest = &rest[unit_end..];
    }
    (!s.is_empty()).then(|| Duration::from_secs_f64(total))
}

/// ntfy's extra duration form: `2d`, `3 days`, `10 mins`...
fn day_duration(s: &str) -> Option<Duration> {
    let digits = s.find(|c: char| !c.is_ascii_digit()).filter(|&n| n > 0)?;
    let n: u64 = s[..digits].parse().ok()?;
    let unit = s[digits..].trim_start().to_ascii_lowercase();
    let seconds = match unit.as_str() {
        "d" | "day" | "days" => 86_400,
        "h" | "hour" | "hours" => 3600,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "s" | "sec" | "secs" | "second" | "seconds" => 1,
        _ => return None,
    };
    Some(Duration::from_secs(n * seconds))
}

/// Base64 in either alphabet, padding optional (`?auth=` and Basic credentials).
pub(super) fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_go_and_ntfy() {
        assert_eq!(go_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(go_duration("1.5h"), Some(Duration::from_secs(5400)));
        assert_eq!(go_duration("10m"), Some(Duration::from_secs(600)));
        assert_eq!(go_duration("2d"), None);
        assert_eq!(go_duration(""), None);
        assert_eq!(future_time("2d", 100), Some(100 + 2 * 86_400));
        assert_eq!(future_time("30 mins", 100), Some(1900));
        assert_eq!(future_time("50", 100), None);
    }

    #[test]
    fn since_takes_every_form() {
        assert_eq!(since("", true, 1000), Ok(Since::All));
        assert_eq!(since("", false, 1000), Ok(Since::Nothing));
        assert_eq!(since("abcDEF123456", false, 1000), Ok(Since::Id("abcDEF123456".into())));
        assert_eq!(since("1700000000", false, 1000), Ok(Since::Time(1_700_000_000)));
        assert_eq!(since("10m", false, 1000), Ok(Since::Time(400)));
        assert_eq!(since("yesterday", false, 1000).map_err(|e| e.code), Err(40008));
    }

    #[test]
    fn base64_decodes_both_alphabets() {
        assert_eq!(base64("QmVhcmVyIHRr").as_deref(), Some(&b"Bearer tk"[..]));
        assert_eq!(base64("Pz8_").as_deref(), Some(&b"???"[..]));
        assert_eq!(base64("Pz8/").as_deref(), Some(&b"???"[..]));
        assert_eq!(base64("a!"), None);
    }
}

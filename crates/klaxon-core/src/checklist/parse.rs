//! A checklist file's TOML: read with spans, then checked field by field, each error at its line.

use super::{
    Checklist, ContactChannel, DEFAULT_PARALLELISM, DEFAULT_TIMEOUT, Item, MAX_TIMEOUT, PHONE_TIMEOUT, Probe,
    TickValidity,
};
use crate::ConfigError;
use serde::Deserialize;
use std::collections::HashSet;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use toml::Spanned;

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawChecklist {
    title: S<String>,
    description: Option<String>,
    before_shift: Option<S<String>>,
    parallelism: Option<S<i64>>,
    #[serde(default)]
    items: Vec<RawItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: S<String>,
    title: S<String>,
    help: Option<String>,
    runbook: Option<S<String>>,
    #[serde(default = "yes")]
    required: bool,
    timeout: Option<S<String>>,
    tcp: Option<S<RawTcp>>,
    dns: Option<S<RawDns>>,
    interface: Option<S<RawInterface>>,
    http: Option<S<RawHttp>>,
    command: Option<S<RawCommand>>,
    provider: Option<S<RawProvider>>,
    contacts: Option<S<RawContacts>>,
    schedule: Option<S<RawSchedule>>,
    test_page: Option<S<RawEmpty>>,
    phone: Option<S<RawEmpty>>,
    recent_incidents: Option<S<RawRecent>>,
    manual: Option<S<RawManual>>,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTcp {
    host: S<String>,
    port: S<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDns {
    name: S<String>,
    server: Option<S<String>>,
    #[serde(default)]
    expect_in: Vec<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInterface {
    name: S<String>,
    address_in: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHttp {
    url: S<String>,
    #[serde(default)]
    status: Vec<S<i64>>,
    token_key: Option<S<String>>,
    cert_days: Option<S<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommand {
    argv: S<Vec<String>>,
    #[serde(default)]
    shell: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvider {
    account: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContacts {
    channel: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    within_days: Option<S<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEmpty {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecent {
    days: Option<S<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawManual {
    valid_for: Option<S<String>>,
}

/// The certificate validity an https probe asks for unless it says otherwise.
const DEFAULT_CERT_DAYS: u32 = 7;

/// Parses and checks the checklist file `name` (its file stem) with contents `text`.
pub fn parse(name: &str, text: &str) -> Result<Checklist, ConfigError> {
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(ConfigError::at(text, 0, format!("`{name}` is no checklist name: use letters, digits, - and _")));
    }
    let raw: RawChecklist = toml::from_str(text).map_err(|e| ConfigError::toml(text, &e))?;
    let v = Check { text };
    let title = v.text_field(&raw.title, "title")?;
    let before_shift = raw.before_shift.as_ref().map(|d| v.duration(d, "before_shift")).transpose()?;
    let parallelism = match &raw.parallelism {
        None => DEFAULT_PARALLELISM,
        Some(p) => v.range(p, 1, 64, "parallelism")?,
    };
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for raw_item in &raw.items {
        items.push(v.item(raw_item, &mut seen)?);
    }
    Ok(Checklist { name: name.to_owned(), title, description: raw.description, before_shift, parallelism, items })
}

struct Check<'a> {
    text: &'a str,
}

impl Check<'_> {
    fn err<T>(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> Result<T, ConfigError> {
        Err(ConfigError::at(self.text, span.start, message))
    }

    fn text_field(&self, value: &S<String>, what: &str) -> Result<String, ConfigError> {
        let trimmed = value.get_ref().trim();
        if trimmed.is_empty() {
            return self.err(value.span(), format!("{what} must not be empty"));
        }
        Ok(trimmed.to_owned())
    }

    fn range<T: TryFrom<i64>>(&self, value: &S<i64>, min: i64, max: i64, what: &str) -> Result<T, ConfigError> {
        let n = *value.get_ref();
        match T::try_from(n) {
            Ok(v) if (min..=max).contains(&n) => Ok(v),
            _ => self.err(value.span(), format!("{what} must be {min} to {max}, not {n}")),
        }
    }

    fn duration(&self, value: &S<String>, what: &str) -> Result<Duration, ConfigError> {
        humantime::parse_duration(value.get_ref().trim()).or_else(|e| {
            self.err(value.span(), format!("{what}: invalid duration `{}`: {e} (try \"30s\", \"5m\")", value.get_ref()))
        })
    }

    fn net(&self, value: &S<String>, what: &str) -> Result<ipnet::IpNet, ConfigError> {
        let s = value.get_ref().trim();
        s.parse::<ipnet::IpNet>()
            .or_else(|_| s.parse::<IpAddr>().map(ipnet::IpNet::from))
            .or_else(|_| self.err(value.span(), format!("{what}: `{s}` is no address range (try \"10.8.0.0/16\")")))
    }

    fn item(&self, raw: &RawItem, seen: &mut HashSet<String>) -> Result<Item, ConfigError> {
        let id = raw.id.get_ref();
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return self.err(raw.id.span(), format!("item id `{id}` must be letters, digits, - and _"));
        }
        if !seen.insert(id.clone()) {
            return self.err(raw.id.span(), format!("duplicate item id `{id}`"));
        }
        let probe = self.probe(raw)?;
        let timeout = match &raw.timeout {
            None if probe == Probe::Phone => PHONE_TIMEOUT,
            None => DEFAULT_TIMEOUT,
            Some(t) => {
                let d = self.duration(t, "timeout")?;
                if d < Duration::from_secs(1) || d > MAX_TIMEOUT {
                    return self
                        .err(t.span(), format!("timeout must be 1s to {}", humantime::format_duration(MAX_TIMEOUT)));
                }
                d
            }
        };
        let runbook = match &raw.runbook {
            Some(r) if !is_web_link(r.get_ref()) => return self.err(r.span(), "runbook must be an http(s) link"),
            r => r.as_ref().map(|r| r.get_ref().trim().to_owned()),
        };
        Ok(Item {
            id: id.clone(),
            title: self.text_field(&raw.title, "title")?,
            help: raw.help.clone(),
            runbook,
            required: raw.required,
            timeout,
            probe,
            line: ConfigError::at(self.text, raw.id.span().start, "").line,
        })
    }

    fn probe(&self, raw: &RawItem) -> Result<Probe, ConfigError> {
        let mut given: Vec<(&str, std::ops::Range<usize>)> = [
            ("tcp", raw.tcp.as_ref().map(Spanned::span)),
            ("dns", raw.dns.as_ref().map(Spanned::span)),
            ("interface", raw.interface.as_ref().map(Spanned::span)),
            ("http", raw.http.as_ref().map(Spanned::span)),
            ("command", raw.command.as_ref().map(Spanned::span)),
            ("provider", raw.provider.as_ref().map(Spanned::span)),
            ("contacts", raw.contacts.as_ref().map(Spanned::span)),
            ("schedule", raw.schedule.as_ref().map(Spanned::span)),
            ("test_page", raw.test_page.as_ref().map(Spanned::span)),
            ("phone", raw.phone.as_ref().map(Spanned::span)),
            ("recent_incidents", raw.recent_incidents.as_ref().map(Spanned::span)),
            ("manual", raw.manual.as_ref().map(Spanned::span)),
        ]
        .into_iter()
        .filter_map(|(k, s)| s.map(|s| (k, s)))
        .collect();
        given.sort_by_key(|(_, span)| span.start); // the second one in the file is the extra one
        match given.as_slice() {
            [] => {
                return self.err(
                    raw.id.span(),
                    format!(
                        "item `{}` names no probe: add one of tcp, dns, interface, http, command, provider, \
                         contacts, schedule, test_page, phone, recent_incidents, manual",
                        raw.id.get_ref()
                    ),
                );
            }
            [_] => {}
            [_, (second, span), ..] => {
                return self.err(
                    span.clone(),
                    format!("item `{}` has a second probe `{second}`: one per item", raw.id.get_ref()),
                );
            }
        }
        if let Some(t) = &raw.tcp {
            let t = t.get_ref();
            return Ok(Probe::Tcp {
                host: self.text_field(&t.host, "tcp host")?,
                port: self.range(&t.port, 1, 65_535, "port")?,
            });
        }
        if let Some(d) = &raw.dns {
            let d = d.get_ref();
            let server = d.server.as_ref().map(|s| self.server(s)).transpose()?;
            let expect_in = d.expect_in.iter().map(|n| self.net(n, "expect_in")).collect::<Result<_, _>>()?;
            return Ok(Probe::Dns { name: self.text_field(&d.name, "dns name")?, server, expect_in });
        }
        if let Some(i) = &raw.interface {
            let i = i.get_ref();
            let name = self.text_field(&i.name, "interface name")?;
            if glob::Pattern::new(&name).is_err() {
                return self.err(i.name.span(), format!("interface name `{name}` is no valid pattern"));
            }
            let address_in = i.address_in.as_ref().map(|n| self.net(n, "address_in")).transpose()?;
            return Ok(Probe::Interface { name, address_in });
        }
        if let Some(h) = &raw.http {
            let h = h.get_ref();
            if !is_web_link(h.url.get_ref()) {
                return self.err(h.url.span(), "url must start with http:// or https:// and name a host");
            }
            let status = h.status.iter().map(|s| self.range(s, 100, 599, "status")).collect::<Result<_, _>>()?;
            let cert_days =
                h.cert_days.as_ref().map_or(Ok(DEFAULT_CERT_DAYS), |d| self.range(d, 0, 3650, "cert_days"))?;
            let token_key = h.token_key.as_ref().map(|k| self.text_field(k, "token_key")).transpose()?;
            return Ok(Probe::Http { url: h.url.get_ref().trim().to_owned(), status, token_key, cert_days });
        }
        if let Some(c) = &raw.command {
            let (argv, shell) = (c.get_ref().argv.get_ref(), c.get_ref().shell);
            if argv.is_empty() || argv[0].trim().is_empty() {
                return self.err(c.get_ref().argv.span(), "argv needs the program to run");
            }
            if shell && argv.len() != 1 {
                return self.err(c.get_ref().argv.span(), "with shell = true, argv is one string: the script");
            }
            return Ok(Probe::Command { argv: argv.clone(), shell });
        }
        if let Some(p) = &raw.provider {
            return Ok(Probe::Provider { account: p.get_ref().account.clone() });
        }
        if let Some(c) = &raw.contacts {
            let channel = match &c.get_ref().channel {
                None => ContactChannel::Phone,
                Some(ch) => match ch.get_ref().as_str() {
                    "phone" => ContactChannel::Phone,
                    "email" => ContactChannel::Email,
                    "chat" => ContactChannel::Chat,
                    other => return self.err(ch.span(), format!("channel `{other}`: use phone, email or chat")),
                },
            };
            return Ok(Probe::Contacts { channel });
        }
        if let Some(s) = &raw.schedule {
            let within_days =
                s.get_ref().within_days.as_ref().map_or(Ok(7), |d| self.range(d, 1, 90, "within_days"))?;
            return Ok(Probe::Schedule { within_days });
        }
        if raw.test_page.is_some() {
            return Ok(Probe::TestPage);
        }
        if raw.phone.is_some() {
            return Ok(Probe::Phone);
        }
        if let Some(r) = &raw.recent_incidents {
            let days = r.get_ref().days.as_ref().map_or(Ok(7), |d| self.range(d, 1, 90, "days"))?;
            return Ok(Probe::RecentIncidents { days });
        }
        let valid_for = raw.manual.as_ref().and_then(|m| m.get_ref().valid_for.as_ref());
        Ok(Probe::Manual { valid_for: valid_for.map_or(Ok(TickValidity::Shift), |v| self.validity(v))? })
    }

    fn server(&self, value: &S<String>) -> Result<SocketAddr, ConfigError> {
        let s = value.get_ref().trim();
        s.parse::<SocketAddr>()
            .or_else(|_| s.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
            .or_else(|_| self.err(value.span(), format!("server `{s}` must be an IP address, with a port if not 53")))
    }

    fn validity(&self, value: &S<String>) -> Result<TickValidity, ConfigError> {
        match value.get_ref().trim() {
            "shift" => Ok(TickValidity::Shift),
            "forever" => Ok(TickValidity::Forever),
            other => {
                let days = humantime::parse_duration(other).ok().map(|d| d.as_secs() / 86_400);
                match days.filter(|d| (1..=3650).contains(d)).and_then(|d| u32::try_from(d).ok()) {
                    Some(d) => Ok(TickValidity::Days(d)),
                    None => self.err(
                        value.span(),
                        format!("valid_for `{other}`: use \"shift\", \"forever\" or days (\"30d\")"),
                    ),
                }
            }
        }
    }
}

/// Whether `link` is an http(s) URL with a host (checked loosely: the probe's client parses it).
fn is_web_link(link: &str) -> bool {
    let link = link.trim();
    let rest = link.strip_prefix("https://").or_else(|| link.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/') && !r.contains(char::is_whitespace))
}

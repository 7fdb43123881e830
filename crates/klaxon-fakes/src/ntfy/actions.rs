//! Action buttons as ntfy reads them (server/actions.go): a JSON array, or the "simple" format
//! (`http, Ack, https://…, method=PUT, body=…, headers.X=…; view, Open, https://…`), then ids
//! given, `action` lower-cased, `method` upper-cased and the whole list validated.

use super::message::{Action, random_id};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// At most this many buttons on a notification.
const MAX: usize = 3;
const KINDS: [&str; 3] = ["view", "broadcast", "http"];
const WITH_URL: [&str; 2] = ["view", "http"];

/// An action as a publisher sends it (typed like ntfy's Go struct, so a wrong JSON type is an
/// error and a missing field is empty).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(super) struct ActionIn {
    #[serde(default)]
    action: Option<String>,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    clear: Option<bool>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    method: Option<String>,
    #[serde(default)]
    headers: Option<BTreeMap<String, String>>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    intent: Option<String>,
    #[serde(default)]
    extras: Option<BTreeMap<String, String>>,
}

/// Parses and validates an `X-Actions` value; the error is ntfy's detail text.
pub(super) fn parse(s: &str) -> Result<Vec<Action>, String> {
    let s = s.trim();
    let parsed = if s.starts_with('[') {
        serde_json::from_str::<Vec<ActionIn>>(s).map_err(|e| format!("JSON error: {e}"))?
    } else {
        Simple { input: s, pos: 0 }.parse()?
    };
    let actions: Vec<Action> = parsed
        .into_iter()
        .map(|a| Action {
            id: random_id(10),
            action: a.action.unwrap_or_default().to_lowercase(),
            label: a.label.unwrap_or_default(),
            clear: a.clear.unwrap_or_default(),
            url: a.url.unwrap_or_default(),
            method: a.method.unwrap_or_default().to_uppercase(),
            headers: a.headers.unwrap_or_default(),
            body: a.body.unwrap_or_default(),
            intent: a.intent.unwrap_or_default(),
            extras: a.extras.unwrap_or_default(),
        })
        .collect();
    if actions.len() > MAX {
        return Err(format!("only {MAX} actions allowed"));
    }
    for a in &actions {
        if !KINDS.contains(&a.action.as_str()) {
            return Err(format!(
                "parameter 'action' cannot be '{}', valid values are 'view', 'broadcast' and 'http'",
                a.action
            ));
        } else if a.label.is_empty() {
            return Err("parameter 'label' is required".into());
        } else if WITH_URL.contains(&a.action.as_str()) && a.url.is_empty() {
            return Err(format!("parameter 'url' is required for action '{}'", a.action));
        } else if a.action == "http" && matches!(a.method.as_str(), "GET" | "HEAD") && !a.body.is_empty() {
            return Err(format!("parameter 'body' cannot be set if method is {}", a.method));
        }
    }
    Ok(actions)
}

/// The simple format's parser, a port of ntfy's `actionParser`.
struct Simple<'a> {
    input: &'a str,
    pos: usize,
}

impl Simple<'_> {
    fn parse(mut self) -> Result<Vec<ActionIn>, String> {
        let mut actions = Vec::new();
        while !self.eof() {
            actions.push(self.action()?);
        }
        Ok(actions)
    }

    /// One action: sections up to `;` or the end.
    fn action(&mut self) -> Result<ActionIn, String> {
        let mut a = ActionIn::default();
        for section in 0.. {
            let (key, value, last) = self.section()?;
            populate(&mut a, section, key, value)?;
            self.spaces();
            if last {
                break;
            }
        }
        Ok(a)
    }

    /// One `key=value` or bare value, up to `,` / `;` / the end; says whether it ended the action.
    fn section(&mut self) -> Result<(String, String, bool), String> {
        self.spaces();
        let key = self.key();
        match self.peek() {
            None | Some(',' | ';') => {
                let last = !matches!(self.peek(), Some(','));
                self.advance();
                Ok((key, String::new(), last))
            }
            Some(q @ ('"' | '\'')) => {
                let (value, last) = self.quoted(q)?;
                Ok((key, value, last))
            }
            Some(_) => {
                let start = self.pos;
                while !matches!(self.peek(), None | Some(',' | ';')) {
                    self.advance();
                }
                let value = self.input[start..self.pos].trim().to_owned();
                let last = !matches!(self.peek(), Some(','));
                self.advance();
                Ok((key, value, last))
            }
        }
    }

    /// `key =` if one starts here (`^([-.\w]+)\s*=\s*`), else "".
    fn key(&mut self) -> String {
        let rest = &self.input[self.pos..];
        let end =
            rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')).unwrap_or(rest.len());
        let after = rest[end..].trim_start_matches([' ', '\t', '\r', '\n']);
        match after.strip_prefix('=') {
            Some(value) if end > 0 => {
                let value = value.trim_start_matches([' ', '\t', '\r', '\n']);
                self.pos += rest.len() - value.len();
                rest[..end].to_owned()
            }
            _ => String::new(),
        }
    }

    /// A value in `quote`s, `\` escaping the quote; then on past the section's end.
    fn quoted(&mut self, quote: char) -> Result<(String, bool), String> {
        self.advance();
        let start = self.pos;
        let mut prev = '\0';
        loop {
            let Some(c) = self.peek() else {
                return Err(format!("unexpected end of input, quote started at position {start}"));
            };
            if c == quote && prev != '\\' {
                let value = self.input[start..self.pos].replace(&format!("\\{quote}"), &quote.to_string());
                self.advance();
                self.spaces();
                return match self.peek() {
                    None | Some(',' | ';') => {
                        let last = !matches!(self.peek(), Some(','));
                        self.advance();
                        Ok((value, last))
                    }
                    Some(c) => Err(format!("unexpected character '{c}' at position {}", self.pos)),
                };
            }
            prev = c;
            self.advance();
        }
    }

    fn spaces(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\r' | '\n')) {
            self.advance();
        }
    }

    fn peek(&self) -> Option<char> {
        self.input[self.pos..].chars().next()
    }

    fn advance(&mut self) {
        self.pos += self.peek().map_or(0, char::len_utf8);
    }

    fn eof(&self) -> bool {
        self.pos >= self.input.len()
    }
}

/// Applies one section: bare values are the action, the label, then the URL, by position.
fn populate(a: &mut ActionIn, section: usize, key: String, value: String) -> Result<(), String> {
    let key = match (key.as_str(), section) {
        ("", 0) => "action".to_owned(),
        ("", 1) => "label".to_owned(),
        ("", 2) if WITH_URL.contains(&a.action.as_deref().unwrap_or_default()) => "url".to_owned(),
        ("", _) => return Err(format!("term '{value}' unknown")),
        _ => key,
    };
    if let Some(name) = key.strip_prefix("headers.") {
        a.headers.get_or_insert_default().insert(name.to_owned(), value);
        return Ok(());
    }
    if let Some(name) = key.strip_prefix("extras.") {
        a.extras.get_or_insert_default().insert(name.to_owned(), value);
        return Ok(());
    }
    let slot = match key.to_lowercase().as_str() {
        "action" => &mut a.action,
        "label" => &mut a.label,
        "url" => &mut a.url,
        "method" => &mut a.method,
        "body" => &mut a.body,
        "intent" => &mut a.intent,
        "clear" => {
            a.clear = Some(match value.to_lowercase().as_str() {
                "true" | "yes" | "1" => true,
                "false" | "no" | "0" => false,
                _ => {
                    return Err(format!(
                        "parameter 'clear' cannot be '{value}', only boolean values are allowed (true/yes/1/false/no/0)"
                    ));
                }
            });
            return Ok(());
        }
        _ => return Err(format!("key '{key}' unknown")),
    };
    *slot = Some(value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_format_reads_like_ntfy() {
        let actions = parse(
            r#"view, "Look ma, commas and \"quotes\" too", https://x.test/a, clear=true; http, Ack, https://x.test/r, method=put, body='{"a":1}', headers.Authorization=Bearer t"#,
        )
        .unwrap();
        assert_eq!(actions.len(), 2);
        assert_eq!(actions[0].label, r#"Look ma, commas and "quotes" too"#);
        assert_eq!((actions[0].url.as_str(), actions[0].clear), ("https://x.test/a", true));
        assert_eq!((actions[1].method.as_str(), actions[1].body.as_str()), ("PUT", r#"{"a":1}"#));
        assert_eq!(actions[1].headers["Authorization"], "Bearer t");
        assert_eq!(actions[1].id.len(), 10);
    }

    #[test]
    fn invalid_actions_are_refused_with_ntfys_words() {
        assert_eq!(parse("http, Ack").unwrap_err(), "parameter 'url' is required for action 'http'");
        assert_eq!(parse("call, Me, x").unwrap_err(), "term 'x' unknown");
        assert_eq!(
            parse("view, A, https://a; view, B, https://b; view, C, https://c; view, D, https://d").unwrap_err(),
            "only 3 actions allowed"
        );
        assert_eq!(
            parse(r#"[{"action":"http","label":"x","url":"https://a","method":"get","body":"b"}]"#).unwrap_err(),
            "parameter 'body' cannot be set if method is GET"
        );
        assert!(
            parse(r#"[{"action":"view","label":"x","url":"https://a","clear":"yes"}]"#)
                .unwrap_err()
                .starts_with("JSON error")
        );
    }
}

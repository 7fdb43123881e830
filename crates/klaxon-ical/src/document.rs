//! A feed's text as components: content lines unfolded but remembering their physical line, the
//! BEGIN/END structure checked (so a cut-off feed says where, and nesting is bounded before a
//! recursive parser sees it), then parsed by `icalendar`'s parser.

use crate::error::{IcalError, snippet};
use icalendar::parser::{Component, Property, read_calendar_simple};

/// Components nest VCALENDAR > VEVENT > VALARM, VTIMEZONE > STANDARD; deeper is hostile.
const MAX_DEPTH: usize = 8;

/// Unfolded content lines and the physical line each began on.
#[derive(Debug)]
pub(crate) struct Document {
    /// Content lines, each ending in CRLF: the parser looks for CRLF first to end a value, so
    /// LF-only text would make it scan to the end of the feed for every property.
    text: String,
    /// Byte offset in `text` where each content line starts, and its physical line (1-based).
    starts: Vec<(usize, usize)>,
}

impl Document {
    /// Unfolds `input` (CRLF or LF, a leading BOM, blank lines skipped) and checks that it is one
    /// VCALENDAR whose components nest properly.
    pub(crate) fn read(input: &str) -> Result<Document, IcalError> {
        let input = input.strip_prefix('\u{feff}').unwrap_or(input);
        let mut text = String::with_capacity(input.len() + input.len() / 32);
        let mut starts = Vec::new();
        for (index, raw) in input.split('\n').enumerate() {
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            match line.as_bytes().first() {
                None => {}
                Some(b' ' | b'\t') if !starts.is_empty() => {
                    // A folded line continues the previous one: drop its CRLF and the one blank.
                    text.truncate(text.len() - 2);
                    text.push_str(&line[1..]);
                    text.push_str("\r\n");
                }
                Some(_) => {
                    starts.push((text.len(), index + 1));
                    text.push_str(line.trim_start());
                    text.push_str("\r\n");
                }
            }
        }
        let document = Document { text, starts };
        document.check_structure(input)?;
        Ok(document)
    }

    /// The content lines and their physical line numbers.
    fn lines(&self) -> impl Iterator<Item = (&str, usize)> {
        self.starts.iter().enumerate().map(|(i, &(start, line))| {
            let end = self.starts.get(i + 1).map_or(self.text.len(), |next| next.0);
            (self.text.get(start..end - 2).unwrap_or(""), line)
        })
    }

    fn check_structure(&self, input: &str) -> Result<(), IcalError> {
        let mut open: Vec<(String, usize)> = Vec::new();
        let mut seen_calendar = false;
        for (content, line) in self.lines() {
            if let Some(name) = keyword_value(content, "BEGIN") {
                if open.is_empty() {
                    if seen_calendar {
                        return Err(syntax(
                            line,
                            format!("a second calendar (BEGIN:{name}) starts after END:VCALENDAR"),
                        ));
                    }
                    if name != "VCALENDAR" {
                        return Err(IcalError::NotACalendar { start: snippet(input) });
                    }
                    seen_calendar = true;
                }
                if open.len() == MAX_DEPTH {
                    return Err(syntax(line, format!("components nest deeper than {MAX_DEPTH} levels")));
                }
                open.push((name, line));
            } else if let Some(name) = keyword_value(content, "END") {
                match open.pop() {
                    Some((begun, _)) if begun == name => {}
                    Some((begun, begun_at)) => {
                        return Err(syntax(line, format!("END:{name} does not close BEGIN:{begun} (line {begun_at})")));
                    }
                    None => return Err(syntax(line, format!("END:{name} without a BEGIN:{name}"))),
                }
            } else if open.is_empty() {
                return Err(if seen_calendar {
                    syntax(line, format!("content after END:VCALENDAR: {:?}", snippet(content)))
                } else {
                    IcalError::NotACalendar { start: snippet(input) }
                });
            }
        }
        match open.pop() {
            Some((component, line)) => Err(IcalError::Truncated { component, line }),
            None if !seen_calendar => Err(IcalError::NotACalendar { start: snippet(input) }),
            None => Ok(()),
        }
    }

    /// Parses the content lines into the calendar's component tree.
    pub(crate) fn parse(&self) -> Result<Component<'_>, IcalError> {
        let roots = read_calendar_simple(&self.text).map_err(|error| {
            let (content, line) = self.culprit(self.line_at(self.text.len() - error.input.len()));
            syntax(line, format!("cannot read this content line: {:?}", snippet(content)))
        })?;
        // The structure check let exactly one root through, a VCALENDAR.
        roots.into_iter().next().ok_or(IcalError::NotACalendar { start: String::new() })
    }

    /// The content line the parser rejected. It reports where the component holding it begins
    /// (it backtracks to there), so each content line from that one on is parsed on its own.
    fn culprit(&self, reported: usize) -> (&str, usize) {
        let mut lines = self.lines().skip_while(|&(_, line)| line < reported).peekable();
        let first = lines.peek().copied().unwrap_or(("", reported));
        lines
            .filter(|(content, _)| keyword_value(content, "BEGIN").is_none() && keyword_value(content, "END").is_none())
            .find(|(content, _)| read_calendar_simple(&format!("BEGIN:X\r\n{content}\r\nEND:X\r\n")).is_err())
            .unwrap_or(first)
    }

    /// The physical line of the content line holding byte `offset` of the unfolded text.
    pub(crate) fn line_at(&self, offset: usize) -> usize {
        let index = self.starts.partition_point(|&(start, _)| start <= offset);
        self.starts.get(index.saturating_sub(1)).map_or(0, |&(_, line)| line)
    }

    /// The physical line of `part`, a slice the parser borrowed from this document (a property's
    /// or a component's name); 0 if it is not one.
    pub(crate) fn line_of(&self, part: &str) -> usize {
        let base = self.text.as_ptr() as usize;
        match (part.as_ptr() as usize).checked_sub(base) {
            Some(offset) if offset < self.text.len() => self.line_at(offset),
            _ => 0,
        }
    }

    /// The physical line of a property.
    pub(crate) fn line_of_property(&self, property: &Property<'_>) -> usize {
        self.line_of(property.name.as_str())
    }
}

/// `NAME` of a `KEYWORD:NAME` line (keyword matched case-insensitively), upper-cased.
fn keyword_value(content: &str, keyword: &str) -> Option<String> {
    let (head, rest) = content.split_at_checked(keyword.len())?;
    let name = rest.strip_prefix(':')?;
    head.eq_ignore_ascii_case(keyword).then(|| name.trim().to_ascii_uppercase())
}

fn syntax(line: usize, message: String) -> IcalError {
    IcalError::Syntax { line, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lines_keep_the_line_they_began_on() {
        let doc = Document::read("BEGIN:VCALENDAR\r\nX-A:one\r\n  two\r\n\r\nX-B:three\r\nEND:VCALENDAR\r\n").unwrap();
        let lines: Vec<_> = doc.lines().collect();
        assert_eq!(lines, vec![("BEGIN:VCALENDAR", 1), ("X-A:one two", 2), ("X-B:three", 5), ("END:VCALENDAR", 6)]);
        let calendar = doc.parse().unwrap();
        let b = &calendar.properties[1];
        assert_eq!(doc.line_of_property(b), 5);
    }

    #[test]
    fn nesting_is_bounded() {
        let mut text = String::from("BEGIN:VCALENDAR\n");
        for _ in 0..10_000 {
            text.push_str("BEGIN:X\n");
        }
        let error = Document::read(&text).unwrap_err();
        assert!(error.to_string().contains("deeper than"), "{error}");
    }
}

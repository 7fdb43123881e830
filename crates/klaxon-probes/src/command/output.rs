//! The tail of a command's output: the last bytes kept, the last lines shown.

/// Bytes kept from a command's combined stdout and stderr.
const KEEP: usize = 2048;
/// Lines shown in evidence.
const LINES: usize = 3;
/// Characters shown in evidence.
const CHARS: usize = 300;

/// The last [`KEEP`] bytes a command wrote.
#[derive(Debug, Default)]
pub(super) struct Tail(Vec<u8>);

impl Tail {
    /// Appends output, forgetting all but the last [`KEEP`] bytes.
    pub(super) fn push(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
        if self.0.len() > KEEP {
            let cut = self.0.len() - KEEP;
            self.0.drain(..cut);
        }
    }

    /// The last few non-blank lines on one line ("a | b | c"), control characters blanked, at
    /// most [`CHARS`] characters (the start cut off first).
    pub(super) fn last_lines(&self) -> String {
        let text = String::from_utf8_lossy(&self.0);
        let lines: Vec<String> = text
            .lines()
            .map(|l| l.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        let joined = lines[lines.len().saturating_sub(LINES)..].join(" | ");
        let count = joined.chars().count();
        if count <= CHARS {
            return joined;
        }
        let kept: String = joined.chars().skip(count - (CHARS - 1)).collect();
        format!("…{kept}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_lines_within_bounds() {
        let mut tail = Tail::default();
        tail.push(b"one\n\ntwo\r\nthree\x1b[0m\nfour\n");
        assert_eq!(tail.last_lines(), "two | three [0m | four");
        tail.push(&[b'x'; 5000]);
        assert_eq!(tail.0.len(), KEEP);
        let shown = tail.last_lines();
        assert_eq!(shown.chars().count(), CHARS);
        assert!(shown.starts_with('…') && shown.ends_with('x'));
    }
}

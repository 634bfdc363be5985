//! The scanner behind [`Template::parse`](super::Template::parse): splits a template into literal
//! text and placeholders, and notes which string literal each placeholder sits in.
//!
//! It reads exactly what Grafana core's variable regex reads (`variables/utils.ts`, used by
//! `TemplateSrv.replace`, docs/grafana.md §10.1):
//!
//! ```text
//! \$(\w+) | \[\[(\w+?)(?::(\w+))?\]\] | \$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}
//! ```
//!
//! tried at each position, left to right. Text the regex does not match stays as written: a
//! scan never fails. Text that looks like a reference but is not one is reported as an
//! [`Issue`] so `diagnostics()` can say why it stays literal.

use super::path::Path;
use super::{Format, Issue, IssueKind, Placeholder};

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    /// A byte range of the source, copied as is.
    Literal(usize, usize),
    /// An index into the template's placeholders.
    Var(usize),
}

/// A scanned template.
pub(super) struct Scanned {
    pub parts: Vec<Part>,
    pub placeholders: Vec<Placeholder>,
    pub issues: Vec<Issue>,
}

/// JavaScript's `\w` without the `u` flag.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Tracks the string literal (`"…"`, `'…'`, `` `…` ``) the scan is in, across literal text only.
#[derive(Default)]
struct QuoteTracker {
    quote: Option<char>,
    escaped: bool,
}

impl QuoteTracker {
    fn feed(&mut self, text: &str) {
        for c in text.chars() {
            match self.quote {
                None => {
                    if matches!(c, '"' | '\'' | '`') {
                        self.quote = Some(c);
                    }
                }
                Some(q) => {
                    if self.escaped {
                        self.escaped = false;
                    } else if c == '\\' && q != '`' {
                        // Backticks are raw strings (Go, LogQL): no escapes inside.
                        self.escaped = true;
                    } else if c == q {
                        self.quote = None;
                    }
                }
            }
        }
    }
}

/// A match of the regex: where it ends, the name, the field path and the format text.
struct Match<'s> {
    end: usize,
    name: &'s str,
    path: &'s str,
    format: Option<&'s str>,
}

pub(super) fn scan(source: &str) -> Scanned {
    let bytes = source.as_bytes();
    let mut out = Scanned { parts: Vec::new(), placeholders: Vec::new(), issues: Vec::new() };
    let mut quotes = QuoteTracker::default();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'$' => bare(source, i).or_else(|| braced(source, i)),
            b'[' => brackets(source, i),
            _ => None,
        };
        let Some(m) = found else {
            if let Some(kind) = near_miss(bytes, i) {
                let len = near_miss_len(source, i);
                out.issues.push(Issue { offset: i, len, kind });
            }
            i += 1;
            continue;
        };
        if literal_start < i {
            quotes.feed(&source[literal_start..i]);
            out.parts.push(Part::Literal(literal_start, i));
        }
        let format = m.format.map(|text| {
            let (format, known) = Format::from_grafana(text);
            if !known {
                let kind = IssueKind::UnknownFormat(text.split(':').next().unwrap_or(text).into());
                out.issues.push(Issue { offset: i, len: m.end - i, kind });
            }
            format
        });
        out.parts.push(Part::Var(out.placeholders.len()));
        out.placeholders.push(Placeholder {
            name: m.name.to_string(),
            path: m.path.to_string(),
            format,
            offset: i,
            len: m.end - i,
            quote: quotes.quote,
            lookup: Path::new(m.path),
        });
        i = m.end;
        literal_start = i;
    }
    if literal_start < bytes.len() {
        out.parts.push(Part::Literal(literal_start, bytes.len()));
    }
    out
}

fn word_end(bytes: &[u8], from: usize) -> usize {
    from + bytes[from..].iter().take_while(|&&b| is_word(b)).count()
}

/// The end of the run from `from` of bytes that are none of `stops`.
fn run_end(bytes: &[u8], from: usize, stops: &[u8]) -> usize {
    from + bytes[from..].iter().take_while(|b| !stops.contains(b)).count()
}

/// `$name`: a name only, so `$__span.traceId` stops before `.traceId`.
fn bare(source: &str, start: usize) -> Option<Match<'_>> {
    let end = word_end(source.as_bytes(), start + 1);
    let name = &source[start + 1..end];
    (end > start + 1).then_some(Match { end, name, path: "", format: None })
}

/// `[[name]]` or `[[name:format]]`, the format a word only (`[[v:date:iso]]` stays text).
fn brackets(source: &str, start: usize) -> Option<Match<'_>> {
    let bytes = source.as_bytes();
    if bytes.get(start + 1) != Some(&b'[') {
        return None;
    }
    let name_end = word_end(bytes, start + 2);
    if name_end == start + 2 {
        return None;
    }
    let (format, close) = match bytes.get(name_end) {
        Some(b':') => {
            let end = word_end(bytes, name_end + 1);
            (Some(&source[name_end + 1..end]).filter(|f| !f.is_empty()), end)
        }
        _ => (None, name_end),
    };
    if bytes.get(name_end) == Some(&b':') && format.is_none() {
        return None;
    }
    (source[close..].starts_with("]]")).then_some(Match {
        end: close + 2,
        name: &source[start + 2..name_end],
        path: "",
        format,
    })
}

/// `${name}`, `${name.path}`, `${name:format}`, `${name.path:format}`: the path is everything
/// after the first `.` up to a `:`, `^` or `}`, the format everything after `:` up to `}`.
fn braced(source: &str, start: usize) -> Option<Match<'_>> {
    let bytes = source.as_bytes();
    if bytes.get(start + 1) != Some(&b'{') {
        return None;
    }
    let name_end = word_end(bytes, start + 2);
    if name_end == start + 2 {
        return None;
    }
    let mut at = name_end;
    let mut path = "";
    if bytes.get(at) == Some(&b'.') {
        let end = run_end(bytes, at + 1, b":^}");
        if end == at + 1 {
            return None;
        }
        path = &source[at + 1..end];
        at = end;
    }
    let mut format = None;
    if bytes.get(at) == Some(&b':') {
        let end = run_end(bytes, at + 1, b"}");
        if end == at + 1 {
            return None;
        }
        format = Some(&source[at + 1..end]);
        at = end;
    }
    (bytes.get(at) == Some(&b'}')).then_some(Match {
        end: at + 1,
        name: &source[start + 2..name_end],
        path,
        format,
    })
}

/// Text at `i` that starts like a reference the regex did not take: a `${`, or a `[[name`
/// followed by `:` or by nothing (JSON such as `[[1,2]]` is not reported).
fn near_miss(bytes: &[u8], i: usize) -> Option<IssueKind> {
    match bytes[i] {
        b'$' if bytes.get(i + 1) == Some(&b'{') => Some(IssueKind::Malformed),
        b'[' if bytes.get(i + 1) == Some(&b'[') => {
            let name_end = word_end(bytes, i + 2);
            (name_end > i + 2 && matches!(bytes.get(name_end), None | Some(b':' | b']')))
                .then_some(IssueKind::Malformed)
        }
        _ => None,
    }
}

/// How much of the text at `i` an issue shows: up to the next `}` / `]]`, at most 40 chars.
fn near_miss_len(source: &str, i: usize) -> usize {
    let rest = &source[i..];
    let close = rest.find(['}', ']']).map_or(rest.len(), |at| at + 1);
    let limit = rest.char_indices().nth(40).map_or(rest.len(), |(at, _)| at);
    let end = close.min(limit);
    // Keep `]]` whole.
    if rest[..end].ends_with(']') && rest[end..].starts_with(']') {
        end + 1
    } else {
        end
    }
}

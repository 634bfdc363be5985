//! The hand-written scanner behind [`Template::parse`](super::Template::parse): splits a template
//! into literal text and placeholders, and notes which string literal each placeholder sits in.

use super::{Format, Placeholder};
use crate::error::{Error, ErrorCode, Result};

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Part {
    /// A byte range of the source, copied as is.
    Literal(usize, usize),
    /// An index into the template's placeholders.
    Var(usize),
}

pub(super) fn invalid(offset: usize, source: &str, what: &str) -> Error {
    let shown: String = source[offset..].chars().take(40).collect();
    Error::new(ErrorCode::InvalidTemplate, "", format!("{what} at offset {offset}: {shown:?}"))
}

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

pub(super) fn parse(source: &str) -> Result<(Vec<Part>, Vec<Placeholder>)> {
    let bytes = source.as_bytes();
    let mut parts = Vec::new();
    let mut placeholders = Vec::new();
    let mut quotes = QuoteTracker::default();
    let mut literal_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'$' if bytes.get(i + 1) == Some(&b'{') => Some(parse_braced(source, i)?),
            b'$' if bytes.get(i + 1).copied().is_some_and(is_word) => Some(parse_bare(source, i)),
            b'[' if bytes.get(i + 1) == Some(&b'[')
                && bytes.get(i + 2).copied().is_some_and(is_word) =>
            {
                parse_brackets(source, i)?
            }
            _ => None,
        };
        let Some(mut placeholder) = found else {
            i += 1;
            continue;
        };
        if literal_start < i {
            quotes.feed(&source[literal_start..i]);
            parts.push(Part::Literal(literal_start, i));
        }
        placeholder.quote = quotes.quote;
        i = placeholder.offset + placeholder.len;
        literal_start = i;
        parts.push(Part::Var(placeholders.len()));
        placeholders.push(placeholder);
    }
    if literal_start < bytes.len() {
        parts.push(Part::Literal(literal_start, bytes.len()));
    }
    Ok((parts, placeholders))
}

fn word_end(bytes: &[u8], from: usize) -> usize {
    let mut end = from;
    while end < bytes.len() && is_word(bytes[end]) {
        end += 1;
    }
    end
}

fn placeholder(start: usize, end: usize, name: &str) -> Placeholder {
    Placeholder {
        name: name.to_string(),
        path: String::new(),
        format: None,
        offset: start,
        len: end - start,
        quote: None,
        keys: Vec::new(),
    }
}

/// `$name`: a name only, so `$__span.traceId` stops before `.traceId`.
fn parse_bare(source: &str, start: usize) -> Placeholder {
    let end = word_end(source.as_bytes(), start + 1);
    placeholder(start, end, &source[start + 1..end])
}

/// `[[name]]` or `[[name:format]]`. Anything else after `[[name` stays literal text, as in
/// Grafana, so JSON such as `[[1,2]]` is left alone; only a `[[name` never closed is an error.
fn parse_brackets(source: &str, start: usize) -> Result<Option<Placeholder>> {
    let bytes = source.as_bytes();
    let name_end = word_end(bytes, start + 2);
    let Some(close) = source[name_end..].find("]]").map(|at| name_end + at) else {
        return Err(invalid(start, source, "unclosed `[[`"));
    };
    let mut p = placeholder(start, close + 2, &source[start + 2..name_end]);
    match bytes[name_end] {
        b']' if name_end == close => {}
        b':' => p.format = Some(parse_format(source, name_end + 1, close)?),
        _ => return Ok(None),
    }
    Ok(Some(p))
}

/// `${name}`, `${name.path}`, `${name:format}`, `${name.path:format}`; the path is a sequence of
/// `.seg`, `["…"]`, `['…']`, `[n]` pieces (quoted keys may hold `:` and `}`).
fn parse_braced(source: &str, start: usize) -> Result<Placeholder> {
    let bytes = source.as_bytes();
    let unclosed = || invalid(start, source, "unclosed `${`");
    let name_end = word_end(bytes, start + 2);
    if name_end == start + 2 {
        return Err(if source[start..].contains('}') {
            invalid(start, source, "expected a variable name after `${`")
        } else {
            unclosed()
        });
    }
    let name = &source[start + 2..name_end];
    let mut keys = Vec::new();
    let mut i = name_end;
    loop {
        match bytes.get(i) {
            None => return Err(unclosed()),
            Some(b'.') => {
                let seg_end =
                    source[i + 1..].find(['.', '[', ':', '}']).map_or(bytes.len(), |at| i + 1 + at);
                if seg_end == i + 1 {
                    return Err(invalid(i, source, "empty field path segment"));
                }
                keys.push(source[i + 1..seg_end].to_string());
                i = seg_end;
            }
            Some(b'[') => {
                let (key, next) = parse_bracket_key(source, i)?;
                keys.push(key);
                i = next;
            }
            Some(b':') | Some(b'}') => break,
            Some(_) => {
                return Err(invalid(i, source, "expected `.`, `[`, `:` or `}` in placeholder"))
            }
        }
    }
    let path = source[name_end..i].strip_prefix('.').unwrap_or(&source[name_end..i]).to_string();
    let mut format = None;
    if bytes[i] == b':' {
        let close = source[i..].find('}').map(|at| i + at).ok_or_else(unclosed)?;
        format = Some(parse_format(source, i + 1, close)?);
        i = close;
    }
    let mut p = placeholder(start, i + 1, name);
    p.path = path;
    p.keys = keys;
    p.format = format;
    Ok(p)
}

/// A `[n]`, `["key"]` or `['key']` piece at `start`; returns the key and the offset after `]`.
/// Inside quotes a backslash keeps the next character as is (lodash `stringToPath`).
fn parse_bracket_key(source: &str, start: usize) -> Result<(String, usize)> {
    let bytes = source.as_bytes();
    match bytes.get(start + 1) {
        Some(&q) if q == b'"' || q == b'\'' => {
            let mut key = String::new();
            let mut chars = source[start + 2..].char_indices();
            while let Some((at, c)) = chars.next() {
                if c == q as char {
                    let after = start + 2 + at + 1;
                    if bytes.get(after) != Some(&b']') {
                        return Err(invalid(start, source, "expected `]` after quoted key"));
                    }
                    return Ok((key, after + 1));
                }
                if c == '\\' {
                    if let Some((_, next)) = chars.next() {
                        key.push(next);
                    }
                } else {
                    key.push(c);
                }
            }
            Err(invalid(start, source, "unterminated quoted key"))
        }
        _ => {
            let digits_end = word_end(bytes, start + 1);
            let digits = &source[start + 1..digits_end];
            if digits.is_empty()
                || !digits.bytes().all(|b| b.is_ascii_digit())
                || bytes.get(digits_end) != Some(&b']')
            {
                return Err(invalid(start, source, "expected `[n]`, `[\"key\"]` or `['key']`"));
            }
            Ok((digits.to_string(), digits_end + 1))
        }
    }
}

fn parse_format(source: &str, start: usize, end: usize) -> Result<Format> {
    Format::parse(&source[start..end])
        .map_err(|e| Error { message: format!("{} (at offset {start})", e.message), ..e })
}

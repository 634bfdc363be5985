//! Field paths as lodash's `property(path)` reads them (Grafana's `getFieldAccessor`): the path
//! `a.b[0]["x.y"]` is split into keys by lodash's `stringToPath`, except that a path which is
//! itself a key of the value wins (`service.name` on `{"service.name": "api"}`).
//!
//! Keys are looked up as JavaScript's `obj[key]` does on JSON values: object keys, array and
//! string indexes (`0`, `12`; not `01`), and `length`. Inherited members (`toString`,
//! `constructor`…) are not modelled: they read as missing.

use serde_json::Value;
use std::borrow::Cow;

/// A parsed field path.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Path {
    /// No path: the variable's whole value.
    None,
    /// A path lodash takes as one key (no `.` and no `[…]`).
    Key(String),
    /// A deep path: the whole text when the value has it as a key, else these keys.
    Deep { whole: String, keys: Vec<String> },
}

impl Path {
    /// lodash `property(path)`'s choice between one key and a deep path.
    pub(super) fn new(path: &str) -> Path {
        if path.is_empty() {
            Path::None
        } else if path.bytes().all(is_word) || !is_deep(path) {
            Path::Key(path.to_string())
        } else {
            Path::Deep { whole: path.to_string(), keys: string_to_path(path) }
        }
    }

    /// The value at this path: `None` for lodash's `undefined`.
    pub(super) fn get<'a>(&self, value: &'a Value) -> Option<Cow<'a, Value>> {
        match self {
            Path::None => Some(Cow::Borrowed(value)),
            Path::Key(key) => member(Cow::Borrowed(value), key),
            // lodash `castPath`: `isKey(path, object)` holds when `path in Object(object)`.
            Path::Deep { whole, .. } if has_member(value, whole) => {
                member(Cow::Borrowed(value), whole)
            }
            Path::Deep { keys, .. } => walk(Cow::Borrowed(value), keys),
        }
    }
}

/// An object-valued scoped variable read member by member (a span's `__span`), so that a
/// template reading one attribute does not build the whole object first.
///
/// ```
/// use serde_json::{json, Value};
/// use spanlink::template::{walk, Record, RenderOptions, Scope, Template};
/// use std::borrow::Cow;
///
/// #[derive(Debug)]
/// struct Point;
/// impl Record for Point {
///     fn get(&self, keys: &[String]) -> Option<Cow<'_, Value>> {
///         let (first, rest) = keys.split_first()?;
///         match first.as_str() {
///             "x" => walk(Cow::Owned(json!("1.5")), rest),
///             _ => None,
///         }
///     }
///     fn value(&self) -> Value {
///         json!({"x": "1.5"})
///     }
///     fn text(&self) -> Option<&str> {
///         None
///     }
/// }
/// let records: [(&str, &dyn Record); 1] = [("p", &Point)];
/// let scope = Scope { records: &records, ..Scope::default() };
/// let t = Template::parse("${p.x} ${p.x.length} ${p} ${p.y}").unwrap();
/// assert_eq!(t.render(&scope, &RenderOptions::default()).text, "1.5 3 [object Object] ${p.y}");
/// ```
pub trait Record: std::fmt::Debug {
    /// `value[keys[0]][keys[1]]…` as lodash `get` reads it (see [`walk`]); `None` for
    /// `undefined`. A one-key call also answers lodash's "is this whole path a member" test.
    fn get(&self, keys: &[String]) -> Option<Cow<'_, Value>>;
    /// The whole value, an object (for a placeholder without a path).
    fn value(&self) -> Value;
    /// The display text of the `:text` format.
    fn text(&self) -> Option<&str>;
}

/// lodash `get`'s walk from `start` over `keys`: a `null` on the way is `undefined`.
pub fn walk<'a>(start: Cow<'a, Value>, keys: &[String]) -> Option<Cow<'a, Value>> {
    let mut current = start;
    for key in keys {
        if current.is_null() {
            return None;
        }
        current = member(current, key)?;
    }
    Some(current)
}

impl Path {
    /// The value at this path inside a [`Record`].
    pub(super) fn get_in_record<'a>(&self, record: &'a dyn Record) -> Option<Cow<'a, Value>> {
        match self {
            Path::None => Some(Cow::Owned(record.value())),
            Path::Key(key) => record.get(std::slice::from_ref(key)),
            // As in `get`: the whole path as one member first.
            Path::Deep { whole, keys } => {
                record.get(std::slice::from_ref(whole)).or_else(|| record.get(keys))
            }
        }
    }
}

/// JavaScript's `\w` without the `u` flag.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// lodash `reIsDeepProp`: `/\.|\[(?:[^[\]]*|(["'])(?:(?!\1)[^\\]|\\.)*?\1)\]/`.
fn is_deep(path: &str) -> bool {
    let bytes = path.as_bytes();
    path.contains('.')
        || bytes.iter().enumerate().any(|(i, &b)| {
            b == b'[' && {
                let rest = &bytes[i + 1..];
                let plain = rest.iter().position(|&c| c == b'[' || c == b']');
                plain.is_some_and(|at| rest[at] == b']') || quoted_key(path, i).is_some()
            }
        })
}

/// A `[` at `open` followed by a quoted key and `]` (lodash's `(["'])((?:(?!\2)[^\\]|\\.)*?)\2\]`):
/// the raw key between the quotes and the offset after `]`.
fn quoted_key(path: &str, open: usize) -> Option<(&str, usize)> {
    let bytes = path.as_bytes();
    let quote = *bytes.get(open + 1).filter(|&&q| q == b'"' || q == b'\'')?;
    let start = open + 2;
    let mut chars = path[start..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            // `\\.`: `.` does not match a line terminator.
            '\\' => match chars.next() {
                Some((_, '\n' | '\r' | '\u{2028}' | '\u{2029}')) | None => return None,
                Some(_) => {}
            },
            c if c as u32 == u32::from(quote) => {
                let end = start + at + 1;
                return (bytes.get(end) == Some(&b']'))
                    .then_some((&path[start..start + at], end + 1));
            }
            _ => {}
        }
    }
    None
}

/// `-?\d+(?:\.\d+)?` followed by `]`, from `at`: the number text and the offset after `]`.
fn number_key(path: &str, at: usize) -> Option<(&str, usize)> {
    let bytes = path.as_bytes();
    let digits =
        |from: usize| from + bytes[from..].iter().take_while(|b| b.is_ascii_digit()).count();
    let start = at;
    let mut i = at + usize::from(bytes.get(at) == Some(&b'-'));
    let int_end = digits(i);
    if int_end == i {
        return None;
    }
    i = int_end;
    if bytes.get(i) == Some(&b'.') {
        let frac_end = digits(i + 1);
        if frac_end > i + 1 {
            i = frac_end;
        }
    }
    (bytes.get(i) == Some(&b']')).then_some((&path[start..i], i + 1))
}

/// lodash `stringToPath`: a leading `.` gives an empty key; then, left to right, runs of
/// characters other than `.[]`, `[number]`, `["quoted"]` (backslash escapes removed), and an
/// empty key where `.`/`[]` is followed by `.`, `[]` or the end.
fn string_to_path(path: &str) -> Vec<String> {
    let bytes = path.as_bytes();
    let mut keys = Vec::new();
    if path.starts_with('.') {
        keys.push(String::new());
    }
    let mut i = 0;
    while i <= bytes.len() {
        let b = bytes.get(i).copied();
        if b.is_some_and(|b| !matches!(b, b'.' | b'[' | b']')) {
            let end =
                i + bytes[i..].iter().take_while(|b| !matches!(b, b'.' | b'[' | b']')).count();
            keys.push(path[i..end].to_string());
            i = end;
            continue;
        }
        if b == Some(b'[') {
            if let Some((number, end)) = number_key(path, i + 1) {
                keys.push(number.to_string());
                i = end;
                continue;
            }
            if let Some((raw, end)) = quoted_key(path, i) {
                keys.push(unescape(raw));
                i = end;
                continue;
            }
        }
        // `(?=(?:\.|\[\])(?:\.|\[\]|$))`: an empty match, then the scan moves on one character.
        let sep = |at: usize| match bytes.get(at) {
            Some(b'.') => Some(at + 1),
            Some(b'[') if bytes.get(at + 1) == Some(&b']') => Some(at + 2),
            _ => None,
        };
        if let Some(after) = sep(i) {
            if after == bytes.len() || sep(after).is_some() {
                keys.push(String::new());
            }
        }
        i += 1;
    }
    keys
}

/// lodash `reEscapeChar` (`/\\(\\)?/g` → `$1`): `\\` becomes `\`, a lone `\` is dropped.
fn unescape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if chars.peek() == Some(&'\\') {
                chars.next();
                out.push('\\');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// A canonical array index (`0`, `12`; not `01`, `-0`, `1.0`).
fn index(key: &str) -> Option<usize> {
    if key.is_empty()
        || (key.len() > 1 && key.starts_with('0'))
        || !key.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    key.parse().ok().filter(|&i: &usize| i < u32::MAX as usize)
}

/// `key in Object(value)`, own members only.
fn has_member(value: &Value, key: &str) -> bool {
    match value {
        Value::Object(map) => map.contains_key(key),
        Value::Array(items) => key == "length" || index(key).is_some_and(|i| i < items.len()),
        Value::String(s) => {
            key == "length" || index(key).is_some_and(|i| i < s.encode_utf16().count())
        }
        _ => false,
    }
}

/// `value[key]`, or `None` for `undefined`.
fn member<'a>(value: Cow<'a, Value>, key: &str) -> Option<Cow<'a, Value>> {
    match value {
        Cow::Borrowed(Value::Object(map)) => map.get(key).map(Cow::Borrowed),
        Cow::Owned(Value::Object(mut map)) => map.remove(key).map(Cow::Owned),
        Cow::Borrowed(Value::Array(items)) if key != "length" => {
            items.get(index(key)?).map(Cow::Borrowed)
        }
        Cow::Owned(Value::Array(mut items)) if key != "length" => {
            let i = index(key).filter(|&i| i < items.len())?;
            Some(Cow::Owned(items.swap_remove(i)))
        }
        value => match &*value {
            Value::Array(items) => Some(Cow::Owned(Value::from(items.len()))),
            Value::String(s) if key == "length" => {
                Some(Cow::Owned(Value::from(s.encode_utf16().count())))
            }
            Value::String(s) => {
                let unit = s.encode_utf16().nth(index(key)?)?;
                // A lone surrogate half has no UTF-8 form: U+FFFD, as a UTF-8 decoder writes it.
                let c = char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}');
                Some(Cow::Owned(Value::String(c.to_string())))
            }
            _ => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Expectations from lodash 4.17's `_.toPath` / `_.property` (documented examples and its
    // `stringToPath` rules).
    #[test]
    fn string_to_path_like_lodash() {
        let p = |s: &str| string_to_path(s);
        assert_eq!(p("a[0].b.c"), ["a", "0", "b", "c"]);
        assert_eq!(p("a.b.c"), ["a", "b", "c"]);
        assert_eq!(p(r#"a["x.y"]"#), ["a", "x.y"]);
        assert_eq!(p("a['x']"), ["a", "x"]);
        assert_eq!(p("a[b]"), ["a", "b"]);
        assert_eq!(p(".a"), ["", "a"]);
        assert_eq!(p("a."), ["a", ""]);
        assert_eq!(p("a..b"), ["a", "", "b"]);
        assert_eq!(p("a[]"), ["a", ""]);
        assert_eq!(p("a[-1]"), ["a", "-1"]);
        assert_eq!(p(r#"a["b\"c"]"#), ["a", "b\"c"]);
        assert_eq!(p(r#"a["b\\c"]"#), ["a", "b\\c"]);
    }

    #[test]
    fn a_dotted_key_wins() {
        let v = json!({"service.name": "api", "service": {"name": "nested"}});
        assert_eq!(Path::new("service.name").get(&v).unwrap().as_ref(), &json!("api"));
        let v = json!({"service": {"name": "nested"}});
        assert_eq!(Path::new("service.name").get(&v).unwrap().as_ref(), &json!("nested"));
    }

    #[test]
    fn strings_and_arrays() {
        assert_eq!(Path::new("0").get(&json!("abc")).unwrap().as_ref(), &json!("a"));
        assert_eq!(Path::new("length").get(&json!("abc")).unwrap().as_ref(), &json!(3));
        assert_eq!(Path::new("length").get(&json!([1, 2])).unwrap().as_ref(), &json!(2));
        assert_eq!(Path::new("a[1]").get(&json!({"a": [1, 2]})).unwrap().as_ref(), &json!(2));
        assert!(Path::new("a[01]").get(&json!({"a": [1, 2]})).is_none());
        assert!(Path::new("x").get(&json!(5)).is_none());
        assert!(Path::new("a.b").get(&json!({"a": null})).is_none());
    }
}

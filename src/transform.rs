//! Correlation transformations (docs/grafana.md §7.1): `regex` and `logfmt` exactly as Grafana runs
//! them, plus spanlink's `json` (docs/beyond.md §4). A transformation turns a field value into
//! variables (`${application}`) for the correlation's link templates.
//!
//! ```
//! use serde_json::json;
//! use spanlink::{apply_transformations, compile_all};
//!
//! let transformations = compile_all(&json!([
//!     {"type": "logfmt"},
//!     {"type": "regex", "expression": "host=(dev|prod)", "mapValue": "environment"},
//! ]), "transformations").unwrap();
//! let vars = apply_transformations(&transformations, &json!("application=foo host=dev-001"), "msg", &|_| None);
//! assert_eq!(vars, [("application".to_string(), "foo".to_string()),
//!                   ("host".to_string(), "dev-001".to_string()),
//!                   ("environment".to_string(), "dev".to_string())]);
//! ```

use regex_lite::{Regex, RegexBuilder};
use serde_json::{Map, Value};

use crate::error::{join_path, Error, ErrorCode, Result};
use crate::js::json_stringify;

/// The transformation types spanlink runs.
const SUPPORTED: &str = "`regex`, `logfmt`, `json`";

/// One compiled transformation.
#[derive(Debug, Clone)]
pub struct Transformation {
    kind: Kind,
    field: Option<String>,
    expression: Option<String>,
    map_value: Option<String>,
}

#[derive(Debug, Clone)]
enum Kind {
    /// The regex, and a literal (lower-case ASCII) every match contains, if one is plain to see:
    /// checked first, it spares the regex engine the many spans that cannot match.
    Regex(Regex, Option<String>),
    Logfmt,
    Json(Vec<Segment>),
}

/// One step of a `json` path.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Key(String),
    Index(usize),
}

impl Transformation {
    /// Compiles one transformation config object `{type, expression?, mapValue?, field?}`.
    /// Errors name `path` plus the field, e.g. `<path>.expression`.
    ///
    /// ```
    /// use serde_json::json;
    /// use spanlink::transform::Transformation;
    ///
    /// let t = Transformation::compile(&json!({"type": "regex", "expression": "id=(\\w+)"}), "t").unwrap();
    /// assert_eq!((t.kind(), t.expression()), ("regex", Some("id=(\\w+)")));
    /// let err = Transformation::compile(&json!({"type": "regex", "expression": "(?=x)"}), "t").unwrap_err();
    /// assert_eq!((err.code, err.path.as_str()), (spanlink::ErrorCode::InvalidRegex, "t.expression"));
    /// ```
    pub fn compile(config: &Value, path: &str) -> Result<Transformation> {
        let settings = |field: &str, message: String| {
            Error::new(ErrorCode::InvalidSettings, join_path(path, field), message)
        };
        let Some(obj) = config.as_object() else {
            return Err(settings(
                "",
                format!("a transformation must be an object, found {}", json_stringify(config)),
            ));
        };
        let kind = opt_string(obj, "type", path)?.unwrap_or_default();
        let expression = opt_string(obj, "expression", path)?;
        // Grafana uses `mapValue || fieldName` and `field ? … : own value`: empty means absent.
        let map_value = opt_string(obj, "mapValue", path)?.filter(|s| !s.is_empty());
        let field = opt_string(obj, "field", path)?.filter(|s| !s.is_empty());
        let expr_path = join_path(path, "expression");
        let compiled = match kind.as_str() {
            "regex" => {
                let Some(expr) = expression.as_deref().filter(|e| !e.is_empty()) else {
                    return Err(settings(
                        "expression",
                        "a `regex` transformation needs an `expression`".into(),
                    ));
                };
                let re = compile_js_regex(expr, true)
                    .map_err(|m| Error::new(ErrorCode::InvalidRegex, expr_path, m))?;
                Kind::Regex(re, required_literal(expr))
            }
            "logfmt" => Kind::Logfmt,
            "json" => {
                let expr = expression.as_deref().unwrap_or("$");
                Kind::Json(parse_json_path(expr).map_err(|m| settings("expression", m))?)
            }
            other => {
                return Err(settings(
                    "type",
                    format!(
                        "unknown transformation type {}; supported: {SUPPORTED}",
                        json_stringify(&Value::from(other))
                    ),
                ))
            }
        };
        Ok(Transformation { kind: compiled, field, expression, map_value })
    }

    /// `regex`, `logfmt` or `json`.
    pub fn kind(&self) -> &str {
        match self.kind {
            Kind::Regex(..) => "regex",
            Kind::Logfmt => "logfmt",
            Kind::Json(_) => "json",
        }
    }

    /// The other field of the row this transformation reads, if not the link's own.
    pub fn field(&self) -> Option<&str> {
        self.field.as_deref()
    }

    /// The regex or json path, as written.
    pub fn expression(&self) -> Option<&str> {
        self.expression.as_deref()
    }

    /// The variable name a `regex`/`json` result is stored under (default: the field name).
    pub fn map_value(&self) -> Option<&str> {
        self.map_value.as_deref()
    }

    /// This transformation's variables for `value` (Grafana's `getTransformationVars`).
    fn variables(&self, value: &Value, field_name: &str) -> Vec<(String, String)> {
        let mut vars = Vec::new();
        match &self.kind {
            Kind::Regex(re, literal) => {
                let text = as_text(value);
                if literal.as_ref().is_some_and(|l| !text.to_ascii_lowercase().contains(l.as_str()))
                {
                    return vars;
                }
                let name = self.map_value.as_deref().unwrap_or(field_name);
                for caps in re.captures_iter(&text) {
                    let named: Vec<_> = re.capture_names().flatten().collect();
                    if named.is_empty() {
                        // `match[1] || match[0]`
                        let group = caps.get(1).map(|m| m.as_str()).filter(|s| !s.is_empty());
                        let whole = caps.get(0).map(|m| m.as_str()).unwrap_or_default();
                        set(&mut vars, name, group.unwrap_or(whole).to_string());
                    } else {
                        // `transformVars = { ...match.groups }`: the groups replace the map; a
                        // group that did not take part is `undefined` in JS
                        // and renders as "".
                        vars = named
                            .iter()
                            .map(|n| {
                                (
                                    n.to_string(),
                                    caps.name(n)
                                        .map(|m| m.as_str())
                                        .unwrap_or_default()
                                        .to_string(),
                                )
                            })
                            .collect();
                    }
                }
            }
            Kind::Logfmt => {
                for (key, parsed) in logfmt(&as_text(value)) {
                    set(&mut vars, &key, parsed);
                }
            }
            Kind::Json(path) => {
                let parsed;
                let root = match value {
                    Value::String(s) => match serde_json::from_str::<Value>(s) {
                        Ok(v) => {
                            parsed = v;
                            &parsed
                        }
                        Err(_) => return vars,
                    },
                    Value::Object(_) | Value::Array(_) => value,
                    _ => return vars,
                };
                if let Some(found) = lookup(root, path) {
                    let default_name = match path.last() {
                        Some(Segment::Key(k)) => k.clone(),
                        Some(Segment::Index(i)) => i.to_string(),
                        None => field_name.to_string(),
                    };
                    let name = self.map_value.clone().unwrap_or(default_name);
                    let text = match found {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => json_stringify(other),
                    };
                    set(&mut vars, &name, text);
                }
            }
        }
        vars
    }
}

/// Compiles a list of transformation configs; `null` (absent) is an empty list.
///
/// ```
/// let none = spanlink::compile_all(&serde_json::Value::Null, "transformations").unwrap();
/// assert!(none.is_empty());
/// ```
pub fn compile_all(configs: &Value, path: &str) -> Result<Vec<Transformation>> {
    match configs {
        Value::Null => Ok(Vec::new()),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, c)| Transformation::compile(c, &format!("{path}[{i}]")))
            .collect(),
        other => Err(Error::new(
            ErrorCode::InvalidSettings,
            path,
            format!("transformations must be an array, found {}", json_stringify(other)),
        )),
    }
}

/// Runs transformations in order over `value` (the link's own field, named `field_name`);
/// `fields` looks up another field of the row for transformations with `field`. Later variables
/// overwrite earlier ones in place; values are strings.
///
/// ```
/// use serde_json::json;
/// let t = spanlink::compile_all(&json!([
///     {"type": "regex", "expression": "fieldA=(\\w+)"},
///     {"type": "regex", "expression": "fieldB=(\\w+)"}]), "t").unwrap();
/// let vars = spanlink::apply_transformations(&t, &json!("fieldA=asparagus fieldB=banana"), "msg", &|_| None);
/// assert_eq!(vars, [("msg".to_string(), "banana".to_string())]);
/// ```
pub fn apply_transformations(
    transformations: &[Transformation],
    value: &Value,
    field_name: &str,
    fields: &dyn Fn(&str) -> Option<Value>,
) -> Vec<(String, String)> {
    apply_with_report(transformations, value, field_name, fields).0
}

/// Like [`apply_transformations`], also returning the indexes of transformations that produced
/// no variable (a regex that matched nothing, a json path that found nothing, a missing field),
/// so explanations can say which one did not apply.
pub fn apply_with_report(
    transformations: &[Transformation],
    value: &Value,
    field_name: &str,
    fields: &dyn Fn(&str) -> Option<Value>,
) -> (Vec<(String, String)>, Vec<usize>) {
    let mut vars = Vec::new();
    let mut empty = Vec::new();
    for (i, t) in transformations.iter().enumerate() {
        let produced = match &t.field {
            // The field name stays the link's own, as in Grafana.
            Some(other) => fields(other).map(|v| t.variables(&v, field_name)).unwrap_or_default(),
            None => t.variables(value, field_name),
        };
        if produced.is_empty() {
            empty.push(i);
        }
        for (k, v) in produced {
            set(&mut vars, &k, v);
        }
    }
    (vars, empty)
}

/// The JavaScript-only regex feature `pattern` uses, if any: spanlink's engine is linear-time and
/// has no look-around or back-references, so such a pattern cannot run as Grafana runs it.
///
/// ```
/// assert_eq!(spanlink::transform::js_only_feature(r"a(?=b)"), Some("look-ahead `(?=`"));
/// assert_eq!(spanlink::transform::js_only_feature(r"(a)\1"), Some("back-reference `\\1`"));
/// assert_eq!(spanlink::transform::js_only_feature(r"[(?=]\(?=x"), None);
/// ```
pub fn js_only_feature(pattern: &str) -> Option<&'static str> {
    let bytes = pattern.as_bytes();
    let mut in_class = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => {
                let next = bytes.get(i + 1).copied();
                if !in_class {
                    match next {
                        Some(b'1'..=b'9') => return Some("back-reference `\\1`"),
                        Some(b'k') if bytes.get(i + 2) == Some(&b'<') => {
                            return Some("named back-reference `\\k<name>`")
                        }
                        _ => {}
                    }
                }
                i += 2;
                continue;
            }
            b'[' if !in_class => in_class = true,
            b']' if in_class => in_class = false,
            b'(' if !in_class => {
                let rest = &pattern[i..];
                if rest.starts_with("(?=") {
                    return Some("look-ahead `(?=`");
                } else if rest.starts_with("(?!") {
                    return Some("negative look-ahead `(?!`");
                } else if rest.starts_with("(?<=") {
                    return Some("look-behind `(?<=`");
                } else if rest.starts_with("(?<!") {
                    return Some("negative look-behind `(?<!`");
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Compiles a JavaScript regex source for the linear-time engine: JS-only features are reported
/// by name, and JS's literal braces are escaped. `case_insensitive` is JS's `i` flag.
///
/// ```
/// let re = spanlink::transform::compile_js_regex(r#".*{"key":"(\w+)"}"#, false).unwrap();
/// assert!(re.is_match(r#"{"key":"host"}"#));
/// assert!(spanlink::transform::compile_js_regex("a(?=b)", false)
///     .unwrap_err()
///     .contains("look-ahead"));
/// ```
pub fn compile_js_regex(expr: &str, case_insensitive: bool) -> std::result::Result<Regex, String> {
    if let Some(feature) = js_only_feature(expr) {
        return Err(format!(
            "{feature} is not supported: spanlink runs regexes in linear time, without look-around or \
             back-references; rewrite {} with a capture group instead",
            json_stringify(&Value::from(expr))
        ));
    }
    RegexBuilder::new(&js_braces(expr))
        .case_insensitive(case_insensitive)
        .size_limit(crate::limits::REGEX_COMPILED_BYTES)
        .build()
        .map_err(|e| format!("{} does not compile: {e}", json_stringify(&Value::from(expr))))
}

/// JavaScript reads a `{` that does not start a `{n}`, `{n,}` or `{n,m}` quantifier, and a lone
/// `}`, as literal characters (`.*{"key"…}` is a common pattern over JSON); the Rust syntax
/// rejects them, so escape them.
fn js_braces(expr: &str) -> String {
    let mut out = String::with_capacity(expr.len() + 8);
    let mut chars = expr.char_indices().peekable();
    let mut in_class = false;
    while let Some((i, c)) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                }
            }
            '[' if !in_class => {
                in_class = true;
                out.push(c);
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '{' if !in_class => {
                let rest = &expr[i + 1..];
                match quantifier_len(rest) {
                    Some(len) => {
                        out.push('{');
                        out.push_str(&rest[..len]);
                        for _ in 0..len {
                            chars.next();
                        }
                    }
                    None => out.push_str("\\{"),
                }
            }
            '}' if !in_class => out.push_str("\\}"),
            _ => out.push(c),
        }
    }
    out
}

/// The longest literal that every match of the JS regex `pattern` contains, lower-cased, or
/// `None` when that is not plain to see. Conservative: a pattern with `|` has none; only
/// literals outside groups and classes count; a literal followed by `?`, `*` or `{` does not.
///
/// ```
/// use spanlink::transform::required_literal;
/// assert_eq!(
///     required_literal(r#""value":"([^"]+)","key":"k8s\.pod\.name""#).as_deref(),
///     Some(r#"","key":"k8s.pod.name""#)
/// );
/// assert_eq!(required_literal(r"Host=(dev|prod)"), None);
/// assert_eq!(required_literal(r"traceID=(\w+)").as_deref(), Some("traceid="));
/// assert_eq!(required_literal(r"ab?c").as_deref(), Some("a"));
/// assert_eq!(required_literal(r"(abc)?x*"), None);
/// ```
pub fn required_literal(pattern: &str) -> Option<String> {
    if pattern.contains('|') {
        return None;
    }
    let chars: Vec<char> = pattern.chars().collect();
    let (mut best, mut run) = (String::new(), String::new());
    let mut depth = 0usize;
    let mut i = 0;
    while i < chars.len() {
        // The next atom: a literal character, or something that ends the run.
        let (literal, width) = match chars[i] {
            '\\' => match chars.get(i + 1) {
                Some(&c) if c.is_ascii_punctuation() => (Some(c), 2),
                _ => (None, 2),
            },
            '(' => {
                depth += 1;
                (None, 1)
            }
            ')' => {
                depth = depth.saturating_sub(1);
                (None, 1)
            }
            '[' => {
                // Skip the class, escapes included.
                let mut j = i + 1;
                while j < chars.len() && chars[j] != ']' {
                    j += if chars[j] == '\\' { 2 } else { 1 };
                }
                (None, j + 1 - i)
            }
            '{' => match quantifier_len(&pattern_from(&chars, i + 1)) {
                // A `{n,m}` quantifier: skip it whole.
                Some(len) => (None, 1 + len),
                None => (Some('{'), 1),
            },
            '.' | '^' | '$' | '*' | '+' | '?' => (None, 1),
            c => (Some(c), 1),
        };
        let next = chars.get(i + width).copied();
        let optional = matches!(next, Some('?' | '*'))
            || (next == Some('{')
                && quantifier_len(&pattern_from(&chars, i + width + 1)).is_some());
        match literal {
            Some(c) if depth == 0 && !optional && c.is_ascii() => {
                run.push(c.to_ascii_lowercase());
                if next == Some('+') {
                    keep_longest(&mut best, &mut run);
                }
            }
            _ => keep_longest(&mut best, &mut run),
        }
        i += width;
    }
    keep_longest(&mut best, &mut run);
    (!best.is_empty()).then_some(best)
}

fn keep_longest(best: &mut String, run: &mut String) {
    if run.len() > best.len() {
        *best = std::mem::take(run);
    } else {
        run.clear();
    }
}

fn pattern_from(chars: &[char], at: usize) -> String {
    chars.get(at..).map(|c| c.iter().collect()).unwrap_or_default()
}

/// The length of `n}`, `n,}` or `n,m}` at the start of `rest` (after a `{`).
fn quantifier_len(rest: &str) -> Option<usize> {
    let digits = |s: &str| s.bytes().take_while(u8::is_ascii_digit).count();
    let n = digits(rest);
    if n == 0 {
        return None;
    }
    let mut len = n;
    if rest[len..].starts_with(',') {
        len += 1;
        len += digits(&rest[len..]);
    }
    rest[len..].starts_with('}').then_some(len + 1)
}

/// The text a regex/logfmt reads: strings as they are, anything else as `JSON.stringify` writes it.
fn as_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => json_stringify(other),
    }
}

/// Sets `key`, keeping its first position when it exists (JS object key order).
fn set(vars: &mut Vec<(String, String)>, key: &str, value: String) {
    match vars.iter_mut().find(|(k, _)| k == key) {
        Some(slot) => slot.1 = value,
        None => vars.push((key.to_string(), value)),
    }
}

fn opt_string(obj: &Map<String, Value>, key: &str, path: &str) -> Result<Option<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Error::new(
            ErrorCode::InvalidSettings,
            join_path(path, key),
            format!("`{key}` must be a string, found {}", json_stringify(other)),
        )),
    }
}

/// The npm `logfmt` parser (which Grafana uses), step for step, with Grafana's re-stringifying:
/// a bare key is `"true"`, `key=` is `""`, `true`/`false` stay the same text. Numbers are not
/// converted by that parser, so they stay as written.
fn logfmt(line: &str) -> Vec<(String, String)> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let (mut key, mut value) = (String::new(), String::new());
    let (mut in_key, mut in_value, mut in_quote) = (false, false, false);
    let mut i = 0;
    while i <= chars.len() {
        let c = chars.get(i).copied();
        if (c == Some(' ') && !in_quote) || c.is_none() {
            if in_key && !key.is_empty() {
                set(&mut out, &key, "true".into());
            } else if in_value {
                // An unquoted empty value is null in the library; Grafana writes null as "", so
                // quoted or not, empty is "".
                set(&mut out, &key, std::mem::take(&mut value));
            }
            if c.is_none() {
                break;
            }
            (in_key, in_value, in_quote) = (false, false, false);
        }
        match c {
            Some('=') if !in_quote => {
                in_key = false;
                in_value = true;
            }
            Some('\\') => {
                // The library appends the next character to the value, even inside a key.
                i += 1;
                if let Some(&next) = chars.get(i) {
                    value.push(next);
                }
            }
            Some('"') => in_quote = !in_quote,
            Some(ch) if ch != ' ' && !in_value && !in_key => {
                in_key = true;
                key = ch.to_string();
            }
            Some(ch) if in_key => key.push(ch),
            Some(ch) if in_value => value.push(ch),
            _ => {}
        }
        i += 1;
    }
    out
}

/// Parses `$`, `$.a.b`, `$['a.b']`, `$["k"]`, `$.list[0]`.
fn parse_json_path(expr: &str) -> std::result::Result<Vec<Segment>, String> {
    let bad = |why: &str| {
        format!(
            "{} is not a JSON path ({why}); write e.g. `$.a.b[0]` or `$['key.with.dots']`",
            json_stringify(&Value::from(expr))
        )
    };
    let Some(mut rest) = expr.trim().strip_prefix('$') else {
        return Err(bad("it must start with `$`"));
    };
    let mut segments = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return Err(bad("empty key after `.`"));
            }
            segments.push(Segment::Key(after[..end].to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let close = after.find(']').ok_or_else(|| bad("unclosed `[`"))?;
            let inner = after[..close].trim();
            let quoted = inner
                .strip_prefix('\'')
                .and_then(|s| s.strip_suffix('\''))
                .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
            match quoted {
                Some(key) => segments.push(Segment::Key(key.to_string())),
                None => segments.push(Segment::Index(
                    inner.parse().map_err(|_| bad("`[…]` needs a number or a quoted key"))?,
                )),
            }
            rest = &after[close + 1..];
        } else {
            return Err(bad("expected `.` or `[`"));
        }
    }
    Ok(segments)
}

fn lookup<'a>(root: &'a Value, path: &[Segment]) -> Option<&'a Value> {
    path.iter().try_fold(root, |v, seg| match seg {
        Segment::Key(k) => v.get(k.as_str()),
        Segment::Index(i) => v.get(*i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logfmt_like_the_npm_library() {
        let pairs = |line: &str| logfmt(line);
        let s = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            pairs(r#"a=1 b="x y" c d= e=true"#),
            [s("a", "1"), s("b", "x y"), s("c", "true"), s("d", ""), s("e", "true")]
        );
        assert_eq!(pairs(r#"msg="say \"hi\"""#), [s("msg", r#"say "hi""#)]);
        assert_eq!(pairs("a=1 a=2\n"), [s("a", "2")]);
        assert_eq!(pairs(""), []);
        // A trailing backslash skips past the end, so the library never stores the pair.
        assert_eq!(pairs(r"x=\"), []);
    }

    #[test]
    fn braces_become_literal_like_javascript() {
        assert_eq!(js_braces(r#".*{"a":"(.*?)"}"#), r#".*\{"a":"(.*?)"\}"#);
        assert_eq!(js_braces(r"\d{2,4}x{3}[{}]"), r"\d{2,4}x{3}[{}]");
        assert_eq!(js_braces("{,5}"), r"\{,5\}");
    }

    #[test]
    fn json_paths() {
        assert_eq!(
            parse_json_path("$.a['b.c'][2]").unwrap(),
            [Segment::Key("a".into()), Segment::Key("b.c".into()), Segment::Index(2)]
        );
        assert!(parse_json_path("a.b").is_err());
        assert!(parse_json_path("$.a[x]").is_err());
        assert!(parse_json_path("$..a").is_err());
    }
}

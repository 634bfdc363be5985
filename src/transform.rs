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

use serde_json::{Map, Value};

use crate::error::{join_path, Error, ErrorCode, Result};
use crate::js::json_stringify;
use crate::jsregex::{BacktrackLimit, JsRegex};

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
    /// The regex, compiled with Grafana's flags `gi`; `None` without an `expression`, which
    /// Grafana skips (no variables).
    Regex(Option<JsRegex>),
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
    /// let err = Transformation::compile(&json!({"type": "regex", "expression": "(x"}), "t").unwrap_err();
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
            // Grafana: `if (type === 'regex' && expression)`, then `new RegExp(expression, 'gi')`.
            "regex" => match expression.as_deref().filter(|e| !e.is_empty()) {
                None => Kind::Regex(None),
                Some(expr) => Kind::Regex(Some(
                    JsRegex::new(expr, true)
                        .map_err(|m| Error::new(ErrorCode::InvalidRegex, expr_path, m))?,
                )),
            },
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

    /// This transformation's variables for `value` (Grafana's `getTransformationVars`), or
    /// [`BacktrackLimit`] when a look-around regex gave up on this value.
    fn variables(
        &self,
        value: &Value,
        field_name: &str,
    ) -> std::result::Result<Vec<(String, String)>, BacktrackLimit> {
        let mut vars = Vec::new();
        match &self.kind {
            Kind::Regex(None) => {}
            Kind::Regex(Some(re)) => {
                let text = as_text(value);
                let name = self.map_value.as_deref().unwrap_or(field_name);
                for found in re.all(&text)? {
                    if re.has_named_groups() {
                        // `transformVars = { ...match.groups }`: the groups replace the map; a
                        // group that did not take part is `undefined` in JS and renders as "".
                        vars = (re.group_names().iter().enumerate())
                            .filter_map(|(i, n)| {
                                let value = found.get(i + 1).unwrap_or_default();
                                n.as_ref().map(|n| (n.clone(), value.to_string()))
                            })
                            .collect();
                    } else {
                        // `match[1] || match[0]`
                        let group = found.get(1).filter(|s| !s.is_empty());
                        let whole = found.get(0).unwrap_or_default();
                        set(&mut vars, name, group.unwrap_or(whole).to_string());
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
                        Err(_) => return Ok(vars),
                    },
                    Value::Object(_) | Value::Array(_) => value,
                    _ => return Ok(vars),
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
        Ok(vars)
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
    apply_with_report(transformations, value, field_name, fields).variables
}

/// What [`apply_with_report`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    /// The variables, in the order they were first set.
    pub variables: Vec<(String, String)>,
    /// The transformations that produced no variable (a regex that matched nothing, a json path
    /// that found nothing, a missing field), so explanations can say which one did not apply.
    pub empty: Vec<usize>,
    /// The first transformation whose look-around regex hit [`crate::jsregex::BACKTRACK_LIMIT`]
    /// on this value: its result is unknown, so the correlation is skipped.
    pub backtrack_limit: Option<usize>,
}

/// Like [`apply_transformations`], also saying which transformations produced nothing and
/// which one gave up (see [`Report`]).
pub fn apply_with_report(
    transformations: &[Transformation],
    value: &Value,
    field_name: &str,
    fields: &dyn Fn(&str) -> Option<Value>,
) -> Report {
    let mut report = Report::default();
    for (i, t) in transformations.iter().enumerate() {
        let produced = match &t.field {
            // The field name stays the link's own, as in Grafana.
            Some(other) => fields(other).map(|v| t.variables(&v, field_name)).unwrap_or(Ok(vec![])),
            None => t.variables(value, field_name),
        };
        let produced = produced.unwrap_or_else(|BacktrackLimit| {
            report.backtrack_limit.get_or_insert(i);
            Vec::new()
        });
        if produced.is_empty() {
            report.empty.push(i);
        }
        for (k, v) in produced {
            set(&mut report.variables, &k, v);
        }
    }
    report
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

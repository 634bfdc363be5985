//! Grafana's template interpolation (grafana.md §10): `$v`, `${v}`, `${v.path}`, `${v:format}`,
//! `[[v]]`, `[[v:format]]`, bracket paths with quoted keys, every format of §10.2.
//!
//! A [`Template`] is parsed once (when the `Correlator` is built) and rendered per span; rendering
//! allocates only the output and the usage list.
//!
//! INTERFACE CONTRACT (the rest of the crate relies on these names):
//! - `Template::parse(text) -> Result<Template>`: `INVALID_TEMPLATE` for an unclosed `${` or `[[`
//!   and for an unknown format name (error path empty; callers add theirs with `Error::at`).
//! - `Template::source()`, `Template::placeholders()` (name, field path, format, byte offset,
//!   quote).
//! - `Template::render(&self, scope: &Scope, opts: &RenderOptions) -> Rendered`.
//! - `Rendered { text, usages }`, `VarUsage { name, path, found, value, offset }` in template
//!   order.
//! - `ScopedVar`, `ScopedVars`, `Scope`, `Escaper`, `Format`.

use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::Result;

mod date;
mod format;
mod parse;

pub use format::{encode_uri_component_strict, FORMAT_NAMES};

/// A scoped variable as Grafana passes them: `{ value, text? }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedVar {
    /// The value a placeholder reads; `${name.path}` looks `path` up inside it.
    pub value: Value,
    /// Display text, returned by the `:text` format when no field path is used.
    pub text: Option<String>,
}

impl ScopedVar {
    /// A scoped variable with this value and no text.
    pub fn new(value: impl Into<Value>) -> ScopedVar {
        ScopedVar { value: value.into(), text: None }
    }
}

/// Scoped variables by name (`__span`, `__trace`, `__tags`, `__value`, `__data`, field names…).
pub type ScopedVars = HashMap<String, ScopedVar>;

/// Everything a template may read: scoped variables first, then dashboard variables, then the
/// `$__from` / `$__to` macros of the time range (epoch ms).
#[derive(Debug, Clone, Copy, Default)]
pub struct Scope<'a> {
    /// Scoped variables layered over `scoped`, first layer first: what Grafana builds with object
    /// spreads (`{ ...spanVars, ...rowVars, __value }`), without copying the lower layers.
    pub overrides: &'a [&'a ScopedVars],
    /// Scoped variables at the bottom of the stack (Grafana's `scopedVars`).
    pub scoped: Option<&'a ScopedVars>,
    /// Dashboard variables by name; a list is a multi-value variable.
    pub variables: Option<&'a HashMap<String, Vec<String>>>,
    /// The time range `(from, to)` in epoch ms, for `$__from`, `$__to` and date formats.
    pub range: Option<(f64, f64)>,
}

/// Escapes a value that lands inside a string literal of the template (beyond.md §1). `quote` is
/// the delimiter of the literal around the placeholder (`"`, `'` or `` ` ``). Only called for
/// placeholders without an explicit `:format`.
pub trait Escaper {
    /// Escapes `value` for a string literal delimited by `quote`.
    fn escape(&self, value: &str, quote: char) -> String;
}

/// Render options.
#[derive(Default)]
pub struct RenderOptions<'a> {
    /// The format used when a placeholder names none (Grafana: glob).
    pub default_format: Option<Format>,
    /// Escaping for placeholders inside string literals.
    pub escaper: Option<&'a dyn Escaper>,
}

/// One variable reference met while rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct VarUsage {
    /// The variable name (`__span`).
    pub name: String,
    /// The field path after the name (`tags["k8s.pod.name"]`), empty when none.
    pub path: String,
    /// Grafana's "found": the replacement differs from the placeholder text (grafana.md §6.3).
    pub found: bool,
    /// The formatted replacement, when found.
    pub value: Option<String>,
    /// Byte offset of the placeholder in the template source.
    pub offset: usize,
}

/// The result of rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The output text.
    pub text: String,
    /// Every variable reference met, in template order.
    pub usages: Vec<VarUsage>,
}

/// A variable format (§10.2), with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    /// `glob` (the default): a multi-value becomes `{a,b}`.
    Glob,
    /// `raw`: values as they are, joined with `,`.
    Raw,
    /// `regex`: regex-escaped; a multi-value becomes `(a|b)`.
    Regex,
    /// `pipe`: joined with `|`.
    Pipe,
    /// `distributed`: `a,<var>=b`, for distributed queries.
    Distributed,
    /// `csv`: joined with `,`.
    Csv,
    /// `join[:sep]`: joined with `sep` (default `,`).
    Join(Option<String>),
    /// `html`: HTML-escaped.
    Html,
    /// `json`: strings as they are, other values and lists as JSON.
    Json,
    /// `lucene`: Lucene-escaped; a multi-value becomes `("a" OR "b")`.
    Lucene,
    /// `percentencode`: RFC 3986 percent-encoding (`!'()*` included).
    PercentEncode,
    /// `uriencode`: `encodeURI` plus `!'()*`.
    UriEncode,
    /// `singlequote`: `'v'`, with `'` escaped as `\'`.
    SingleQuote,
    /// `doublequote`: `"v"`, with `"` escaped as `\"`.
    DoubleQuote,
    /// `sqlstring`: `'v'`, with `'` doubled.
    SqlString,
    /// `date[:ms|seconds|iso|<pattern>]`: an epoch-ms value as a date (default ISO 8601 UTC).
    Date(Option<String>),
    /// `text`: the variable's display text.
    Text,
    /// `queryparam`: `var-<name>=<encoded value>`.
    QueryParam,
    /// `customqueryparam[:name[:prefix]]`: `<name>=<prefix><encoded value>`.
    CustomQueryParam(Option<String>, Option<String>),
}

/// One placeholder of a template, as parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Placeholder {
    /// The variable name (`__span`).
    pub name: String,
    /// The field path as written after the name, without a leading `.` (`tags["k8s.pod.name"]`).
    pub path: String,
    /// The explicit `:format`, if any.
    pub format: Option<Format>,
    /// Byte offset of the placeholder in the source.
    pub offset: usize,
    /// Byte length of the placeholder text (`${__span.spanId}` is 16).
    pub len: usize,
    /// The delimiter of the string literal the placeholder sits in (`"`, `'`, `` ` ``), if any.
    pub quote: Option<char>,
    /// The path split into property keys (`tags`, `k8s.pod.name`).
    keys: Vec<String>,
}

/// A compiled template: literal text and placeholders, parsed once, rendered many times.
///
/// ```
/// use spanlink::template::{RenderOptions, Scope, ScopedVar, ScopedVars, Template};
/// use serde_json::json;
///
/// let t = Template::parse(r#"{service="${__span.tags["service.name"]}"} |= "$__tags""#).unwrap();
/// let mut vars = ScopedVars::new();
/// vars.insert("__span".into(), ScopedVar::new(json!({"tags": {"service.name": "api"}})));
/// let scope = Scope { scoped: Some(&vars), ..Scope::default() };
/// let out = t.render(&scope, &RenderOptions::default());
/// assert_eq!(out.text, r#"{service="api"} |= "$__tags""#);
/// assert!(out.usages[0].found);
/// assert!(!out.usages[1].found); // `__tags` is not defined: left as written
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    parts: Vec<parse::Part>,
    placeholders: Vec<Placeholder>,
}

impl Template {
    /// Parses `text`. Errors (`INVALID_TEMPLATE`, empty path) name the offset and the text: an
    /// unclosed `${` or `[[`, an unknown format, an unterminated quoted key.
    ///
    /// ```
    /// use spanlink::template::Template;
    /// assert_eq!(Template::parse("a ${b} $c [[d:raw]]").unwrap().placeholders().len(), 3);
    /// assert!(Template::parse("${b").is_err());
    /// assert!(Template::parse("${b:nope}").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Template> {
        let limit = crate::limits::TEMPLATE_BYTES;
        crate::limits::check("", "the template's length in bytes", text.len(), limit)?;
        let (parts, placeholders) = parse::parse(text)?;
        Ok(Template { source: text.to_string(), parts, placeholders })
    }

    /// The text the template was parsed from.
    ///
    /// ```
    /// assert_eq!(spanlink::Template::parse("$a").unwrap().source(), "$a");
    /// ```
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The placeholders in template order, with the string literal each one sits in.
    ///
    /// ```
    /// let t = spanlink::Template::parse(r#"{a="$x"} |= `${y}` $z"#).unwrap();
    /// let quotes: Vec<_> = t.placeholders().iter().map(|p| p.quote).collect();
    /// assert_eq!(quotes, [Some('"'), Some('`'), None]);
    /// ```
    pub fn placeholders(&self) -> &[Placeholder] {
        &self.placeholders
    }

    /// Renders against `scope`. A placeholder nothing resolves is left as written and reported
    /// with `found: false`.
    ///
    /// ```
    /// use spanlink::template::{Format, RenderOptions, Scope, Template};
    /// use std::collections::HashMap;
    ///
    /// let vars = HashMap::from([("env".to_string(), vec!["a".to_string(), "b".to_string()])]);
    /// let scope = Scope { variables: Some(&vars), ..Scope::default() };
    /// let t = Template::parse("$env ${env:pipe}").unwrap();
    /// assert_eq!(t.render(&scope, &RenderOptions::default()).text, "{a,b} a|b");
    /// let opts = RenderOptions { default_format: Some(Format::Csv), escaper: None };
    /// assert_eq!(t.render(&scope, &opts).text, "a,b a|b");
    /// ```
    pub fn render(&self, scope: &Scope, opts: &RenderOptions) -> Rendered {
        let mut text = String::with_capacity(self.source.len() + 16 * self.placeholders.len());
        let mut usages = Vec::with_capacity(self.placeholders.len());
        for part in &self.parts {
            match *part {
                parse::Part::Literal(start, end) => text.push_str(&self.source[start..end]),
                parse::Part::Var(index) => {
                    let p = &self.placeholders[index];
                    let original = &self.source[p.offset..p.offset + p.len];
                    let value = replacement(p, scope, opts);
                    // Grafana's rule (§6.3): found when the replacement differs from the match.
                    let found = value.as_deref().is_some_and(|v| v != original);
                    text.push_str(value.as_deref().unwrap_or(original));
                    usages.push(VarUsage {
                        name: p.name.clone(),
                        path: p.path.clone(),
                        found,
                        value: value.filter(|_| found),
                        offset: p.offset,
                    });
                }
            }
        }
        Rendered { text, usages }
    }
}

/// Interpolates `template` with scoped variables (or a whole [`Scope`]) in Grafana's default
/// format, glob.
///
/// ```
/// use spanlink::{ScopedVar, ScopedVars};
/// let mut vars = ScopedVars::new();
/// vars.insert("__span".into(), ScopedVar::new(serde_json::json!({"tags": {"k8s.pod.name": "cart-7d9"}})));
/// assert_eq!(spanlink::interpolate(r#"pod="${__span.tags["k8s.pod.name"]}""#, &vars).unwrap(), r#"pod="cart-7d9""#);
/// ```
pub fn interpolate<'a>(template: &str, scope: impl Into<Scope<'a>>) -> Result<String> {
    interpolate_with(template, &scope.into(), None)
}

impl<'a> From<&'a ScopedVars> for Scope<'a> {
    fn from(scoped: &'a ScopedVars) -> Scope<'a> {
        Scope { scoped: Some(scoped), ..Scope::default() }
    }
}

impl<'a> From<&Scope<'a>> for Scope<'a> {
    fn from(scope: &Scope<'a>) -> Scope<'a> {
        *scope
    }
}

/// Parses and renders `template` in one go (no escaping), with a default format.
///
/// ```
/// use spanlink::template::{Format, Scope};
/// let scope = Scope { range: Some((1602637200000.0, 1602640800000.0)), ..Scope::default() };
/// let text = spanlink::interpolate_with("from=${__from:date}&to=$__to", &scope, None).unwrap();
/// assert_eq!(text, "from=2020-10-14T01:00:00.000Z&to=1602640800000");
/// ```
pub fn interpolate_with(
    template: &str,
    scope: &Scope,
    default_format: Option<Format>,
) -> Result<String> {
    let opts = RenderOptions { default_format, escaper: None };
    Ok(Template::parse(template)?.render(scope, &opts).text)
}

/// A resolved variable: its value (an array is a multi-value) and its display text.
struct Resolved<'a> {
    value: Cow<'a, Value>,
    text: Option<Cow<'a, str>>,
}

/// Lookup order (§10.1): scoped variable with a non-null value, dashboard variable, `__from` /
/// `__to`; `None` means not found.
fn resolve<'a>(p: &Placeholder, scope: &Scope<'a>) -> Option<Resolved<'a>> {
    let layered = scope.overrides.iter().find_map(|vars| vars.get(&p.name));
    if let Some(var) = layered.or_else(|| scope.scoped.and_then(|vars| vars.get(&p.name))) {
        if let Some(value) = property(&var.value, &p.keys).filter(|v| !v.is_null()) {
            // `text` is the scoped var's text unless the path leads to a string (Grafana's
            // getVariableText).
            let text = match &*value {
                Value::String(s) if !p.keys.is_empty() => Some(Cow::Owned(s.clone())),
                _ => var.text.as_deref().map(Cow::Borrowed),
            };
            return Some(Resolved { value, text });
        }
    }
    if let Some(values) = scope.variables.and_then(|vars| vars.get(&p.name)) {
        let value = match values.as_slice() {
            [one] => Value::String(one.clone()),
            many => Value::Array(many.iter().cloned().map(Value::String).collect()),
        };
        return Some(Resolved { value: Cow::Owned(value), text: None });
    }
    let (from, to) = scope.range?;
    let ms = match p.name.as_str() {
        "__from" => from,
        "__to" => to,
        _ => return None,
    };
    let mut text = String::new();
    date::write_moment(ms, "YYYY-MM-DD HH:mm:ss", &mut text);
    Some(Resolved { value: Cow::Owned(crate::js::number_value(ms)), text: Some(Cow::Owned(text)) })
}

/// lodash `property(path)(value)`: object keys, array indexes and `length` of arrays and strings.
fn property<'a>(value: &'a Value, keys: &[String]) -> Option<Cow<'a, Value>> {
    let mut current = Cow::Borrowed(value);
    for key in keys {
        current = match current {
            Cow::Borrowed(Value::Object(map)) => Cow::Borrowed(map.get(key)?),
            Cow::Borrowed(Value::Array(items)) if key == "length" => {
                Cow::Owned(Value::from(items.len()))
            }
            Cow::Borrowed(Value::Array(items)) => Cow::Borrowed(items.get(array_index(key)?)?),
            Cow::Borrowed(Value::String(s)) if key == "length" => {
                Cow::Owned(Value::from(s.encode_utf16().count()))
            }
            // Numbers, booleans and the owned lengths have no properties spanlink models.
            _ => return None,
        };
    }
    Some(current)
}

/// A canonical array index (`0`, `12`; not `01`).
fn array_index(key: &str) -> Option<usize> {
    if key.len() > 1 && key.starts_with('0') {
        return None;
    }
    key.parse().ok()
}

/// The formatted (and, inside a string literal, escaped) replacement, or `None` when not found.
fn replacement(p: &Placeholder, scope: &Scope, opts: &RenderOptions) -> Option<String> {
    let Resolved { value, text } = resolve(p, scope)?;
    // Grafana's formatValue turns a plain object into "[object Object]" before formatting.
    let value = match &*value {
        Value::Object(_) => Cow::Owned(Value::String("[object Object]".into())),
        _ => value,
    };
    let format = p.format.as_ref().or(opts.default_format.as_ref()).unwrap_or(&Format::Glob);
    let mut out = String::new();
    format::apply(format, &value, &p.name, text.as_deref(), &mut out);
    match (opts.escaper, p.quote) {
        (Some(escaper), Some(quote)) if p.format.is_none() => Some(escaper.escape(&out, quote)),
        _ => Some(out),
    }
}

//! Grafana's template interpolation (docs/grafana.md §10): `$v`, `${v}`, `${v.path}`, `${v:format}`,
//! `[[v]]`, `[[v:format]]`, every format of §10.2, as core `TemplateSrv.replace` renders them
//! (the interpolator the Explore trace view uses).
//!
//! A [`Template`] is parsed once (when the `Correlator` is built) and rendered per span; rendering
//! allocates only the output and the usage list. Like Grafana's, parsing never fails: text that
//! is not a reference stays as written and is reported in [`Template::issues`].
//!
//! INTERFACE CONTRACT (the rest of the crate relies on these names):
//! - `Template::parse(text) -> Result<Template>` (always `Ok`), `Template::issues()`.
//! - `Template::source()`, `Template::placeholders()` (name, field path, format, byte offset,
//!   quote).
//! - `Template::render(&self, scope: &Scope, opts: &RenderOptions) -> Rendered`.
//! - `Rendered { text, usages }`, `VarUsage { name, path, found, value, offset }` in template
//!   order.
//! - `ScopedVar`, `ScopedVars`, `Scope`, `Escaper`, `Format`, `VariableValue`.

use serde_json::Value;
use std::borrow::Cow;
use std::collections::HashMap;

use crate::error::Result;

mod date;
mod format;
mod parse;
mod path;

pub use format::{encode_uri_component_strict, FORMAT_NAMES};
pub use path::{walk, Record};

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
    /// Scoped variables of the bottom layer read member by member (`__span`, `__trace`), by
    /// name; looked up after `scoped`.
    pub records: &'a [(&'a str, &'a dyn Record)],
    /// Dashboard variables by name.
    pub variables: Option<&'a HashMap<String, VariableValue>>,
    /// The time range `(from, to)` in epoch ms, for `$__from`, `$__to` and date formats.
    pub range: Option<(f64, f64)>,
}

/// A dashboard variable's current value: Grafana's `current.value`, a string or, for a
/// multi-value variable, a list (which stays a list even with one element: `${m:json}` of `["a"]`
/// is `["a"]`).
#[derive(Debug, Clone, PartialEq)]
pub enum VariableValue {
    /// A single-value variable.
    Single(String),
    /// A multi-value variable.
    Multi(Vec<String>),
}

impl VariableValue {
    fn to_value(&self) -> Value {
        match self {
            VariableValue::Single(s) => Value::String(s.clone()),
            VariableValue::Multi(items) => {
                Value::Array(items.iter().cloned().map(Value::String).collect())
            }
        }
    }
}

/// Text in a template that looks like a reference but that Grafana does not read as one, or
/// reads with a fallback.
#[derive(Debug, Clone, PartialEq)]
pub struct Issue {
    /// Byte offset in the template source.
    pub offset: usize,
    /// Byte length of the text concerned.
    pub len: usize,
    /// What is wrong.
    pub kind: IssueKind,
}

/// The kinds of [`Issue`].
#[derive(Debug, Clone, PartialEq)]
pub enum IssueKind {
    /// A `${` or `[[name` that does not form a reference: Grafana leaves the text as written.
    Malformed,
    /// A format Grafana does not know (`${v:Raw}`): it renders the value as `glob`.
    UnknownFormat(String),
}

impl Issue {
    /// A one-sentence description naming the text (`source` is the template's source).
    pub fn message(&self, source: &str) -> String {
        let text = source.get(self.offset..self.offset + self.len).unwrap_or("");
        match &self.kind {
            IssueKind::Malformed => format!(
                "`{text}` at offset {} is not a variable reference: Grafana leaves it as written",
                self.offset
            ),
            IssueKind::UnknownFormat(name) => format!(
                "`{text}`: unknown format {name:?} (formats are case-sensitive: {}); Grafana falls back to glob",
                FORMAT_NAMES.join(", ")
            ),
        }
    }
}

/// Escapes a value that lands inside a string literal of the template (docs/beyond.md §1). `quote` is
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
    /// Grafana's "found": the replacement differs from the placeholder text (docs/grafana.md §6.3).
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
    /// The path as lodash reads it.
    lookup: path::Path,
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
    issues: Vec<Issue>,
}

impl Template {
    /// Parses `text`. Never fails (the `Result` is kept for callers): as in Grafana, text that is
    /// not a reference (`${`, `${v:}`, `[[v:date:iso]]`) stays as written, and an unknown format
    /// renders as glob; both are listed in [`Template::issues`].
    ///
    /// ```
    /// use spanlink::template::{IssueKind, Template};
    /// assert_eq!(Template::parse("a ${b} $c [[d:raw]]").unwrap().placeholders().len(), 3);
    /// let t = Template::parse("${b").unwrap();
    /// assert!(t.placeholders().is_empty());
    /// assert_eq!(t.issues()[0].kind, IssueKind::Malformed);
    /// let t = Template::parse("${b:nope}").unwrap();
    /// assert_eq!(t.issues()[0].kind, IssueKind::UnknownFormat("nope".into()));
    /// ```
    pub fn parse(text: &str) -> Result<Template> {
        let limit = crate::limits::TEMPLATE_BYTES;
        crate::limits::check("", "the template's length in bytes", text.len(), limit)?;
        let parse::Scanned { parts, placeholders, issues } = parse::scan(text);
        Ok(Template { source: text.to_string(), parts, placeholders, issues })
    }

    /// Text that looks like a reference but is not one, and unknown formats, in source order.
    ///
    /// ```
    /// let t = spanlink::Template::parse("${a} ${} [[b:date:iso]] [[1,2]]").unwrap();
    /// let offsets: Vec<_> = t.issues().iter().map(|i| i.offset).collect();
    /// assert_eq!(offsets, [5, 9]);
    /// ```
    pub fn issues(&self) -> &[Issue] {
        &self.issues
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
    /// use spanlink::template::{Format, RenderOptions, Scope, Template, VariableValue};
    /// use std::collections::HashMap;
    ///
    /// let env = VariableValue::Multi(vec!["a".to_string(), "b".to_string()]);
    /// let vars = HashMap::from([("env".to_string(), env)]);
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
    /// Grafana's text for the `text` format; `None`: the value itself.
    text: Option<Cow<'a, str>>,
}

/// Core `TemplateSrv`'s lookup (§10.1): a scoped variable whose (field-path) value is neither
/// null nor undefined, else a dashboard variable (the field path read inside its value, the
/// whole value when that finds nothing), else `__from` / `__to`; `None` means not found.
fn resolve<'a>(p: &Placeholder, scope: &Scope<'a>) -> Option<Resolved<'a>> {
    let layered = scope.overrides.iter().find_map(|vars| vars.get(&p.name));
    let scoped = layered.or_else(|| scope.scoped.and_then(|vars| vars.get(&p.name)));
    if scoped.is_none() {
        if let Some((_, record)) = scope.records.iter().find(|(name, _)| *name == p.name) {
            if let Some(value) = p.lookup.get_in_record(*record).filter(|v| !v.is_null()) {
                // As below: a record is an object, so a string found in it is its own text.
                let text = match &*value {
                    Value::String(s) => Some(Cow::Owned(s.clone())),
                    _ => record.text().map(Cow::Borrowed),
                };
                return Some(Resolved { value, text });
            }
        }
    }
    if let Some(var) = scoped {
        if let Some(value) = p.lookup.get(&var.value).filter(|v| !v.is_null()) {
            // getVariableText: a path to a string (other than the value itself) gives that
            // string, anything else the scoped variable's text.
            let text = match (&*value, &var.value) {
                (Value::String(s), whole) if whole.as_str() != Some(s) => {
                    Some(Cow::Owned(s.clone()))
                }
                _ => var.text.as_deref().map(Cow::Borrowed),
            };
            return Some(Resolved { value, text });
        }
    }
    let whole = match scope.variables.and_then(|vars| vars.get(&p.name)) {
        Some(variable) => variable.to_value(),
        None => {
            let (from, to) = scope.range?;
            // TemplateSrv indexes the range as `{ value: String(ms), text: String(ms) }`.
            match p.name.as_str() {
                "__from" => Value::String(crate::js::f64_to_js_string(from)),
                "__to" => Value::String(crate::js::f64_to_js_string(to)),
                _ => return None,
            }
        }
    };
    // The variable's text (spanlink knows no separate text: the value, a list joined ` + `).
    let text = match &whole {
        Value::Array(items) => {
            items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" + ")
        }
        other => other.as_str().unwrap_or_default().to_string(),
    };
    let value = match p.lookup.get(&whole).filter(|v| !v.is_null()) {
        Some(field) => field.into_owned(),
        None => whole,
    };
    Some(Resolved { value: Cow::Owned(value), text: Some(Cow::Owned(text)) })
}

/// The formatted (and, inside a string literal, escaped) replacement, or `None` when not found.
fn replacement(p: &Placeholder, scope: &Scope, opts: &RenderOptions) -> Option<String> {
    let Resolved { value, text } = resolve(p, scope)?;
    // Grafana's formatVariableValue turns a plain object into "[object Object]" first.
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

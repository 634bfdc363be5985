//! Grafana's template interpolation (grafana.md §10): `$v`, `${v}`, `${v.path}`, `${v:format}`,
//! `[[v]]`, `[[v:format]]`, bracket paths with quoted keys, every format of §10.2.
//!
//! A [`Template`] is parsed once (when the `Correlator` is built) and rendered per span; rendering
//! allocates only the output and the usage list.
//!
//! INTERFACE CONTRACT (the rest of the crate relies on these names):
//! - `Template::parse(text) -> Result<Template>`: `INVALID_TEMPLATE` for an unclosed `${` or `[[`
//!   and for an unknown format name (error path empty; callers add theirs with `Error::at`).
//! - `Template::source()`, `Template::placeholders()` (name, field path, format, byte offset, quote).
//! - `Template::render(&self, scope: &Scope, opts: &RenderOptions) -> Rendered`.
//! - `Rendered { text, usages }`, `VarUsage { name, path, found, value, offset }` in template order.
//! - `ScopedVar`, `ScopedVars`, `Scope`, `Escaper`, `Format`.

use serde_json::Value;
use std::collections::HashMap;

use crate::error::Result;

/// A scoped variable as Grafana passes them: `{ value, text? }`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedVar {
    pub value: Value,
    pub text: Option<String>,
}

impl ScopedVar {
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
    pub scoped: Option<&'a ScopedVars>,
    pub variables: Option<&'a HashMap<String, Vec<String>>>,
    pub range: Option<(f64, f64)>,
}

/// Escapes a value that lands inside a string literal of the template (beyond.md §1). `quote` is
/// the delimiter of the literal around the placeholder (`"`, `'` or `` ` ``). Only called for
/// placeholders without an explicit `:format`.
pub trait Escaper {
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
    pub text: String,
    pub usages: Vec<VarUsage>,
}

/// A variable format (§10.2), with its arguments.
#[derive(Debug, Clone, PartialEq)]
pub enum Format {
    Glob,
    Raw,
    Regex,
    Pipe,
    Distributed,
    Csv,
    Join(Option<String>),
    Html,
    Json,
    Lucene,
    PercentEncode,
    UriEncode,
    SingleQuote,
    DoubleQuote,
    SqlString,
    Date(Option<String>),
    Text,
    QueryParam,
    CustomQueryParam(Option<String>, Option<String>),
}

/// A compiled template. (Being written.)
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
}

impl Template {
    pub fn parse(text: &str) -> Result<Template> {
        Ok(Template { source: text.to_string() })
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn render(&self, _scope: &Scope, _opts: &RenderOptions) -> Rendered {
        Rendered { text: self.source.clone(), usages: Vec::new() }
    }
}

//! A JSON value whose strings are compiled templates: query objects of correlations and data
//! links, interpolated recursively as Grafana's `interpolateObject` does (strings only, keys kept).

use serde_json::{Map, Value};

use crate::error::Result;
use crate::template::{RenderOptions, Scope, Template, VarUsage};

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CompiledValue {
    Text(Template),
    Array(Vec<CompiledValue>),
    Object(Vec<(String, CompiledValue)>),
    Other(Value),
}

impl CompiledValue {
    /// Compiles every string in `value`; the first bad template fails the whole value.
    pub fn compile(value: &Value) -> Result<CompiledValue> {
        Ok(match value {
            Value::String(s) => CompiledValue::Text(Template::parse(s)?),
            Value::Array(items) => CompiledValue::Array(
                items.iter().map(CompiledValue::compile).collect::<Result<_>>()?,
            ),
            Value::Object(map) => CompiledValue::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), CompiledValue::compile(v)?)))
                    .collect::<Result<_>>()?,
            ),
            other => CompiledValue::Other(other.clone()),
        })
    }

    /// Calls `f` with the name of every variable the value's templates reference.
    pub fn for_each_name(&self, f: &mut impl FnMut(&str)) {
        match self {
            CompiledValue::Text(t) => t.placeholders().iter().for_each(|p| f(&p.name)),
            CompiledValue::Array(items) => items.iter().for_each(|v| v.for_each_name(f)),
            CompiledValue::Object(entries) => entries.iter().for_each(|(_, v)| v.for_each_name(f)),
            CompiledValue::Other(_) => {}
        }
    }

    /// Calls `f` with every template of the value.
    pub fn for_each_template<'a>(&'a self, f: &mut impl FnMut(&'a Template)) {
        match self {
            CompiledValue::Text(t) => f(t),
            CompiledValue::Array(items) => items.iter().for_each(|v| v.for_each_template(f)),
            CompiledValue::Object(entries) => {
                entries.iter().for_each(|(_, v)| v.for_each_template(f))
            }
            CompiledValue::Other(_) => {}
        }
    }

    /// Renders every string, appending each variable reference to `usages` in document order.
    pub fn render(&self, scope: &Scope, opts: &RenderOptions, usages: &mut Vec<VarUsage>) -> Value {
        match self {
            CompiledValue::Text(t) => {
                let r = t.render(scope, opts);
                usages.extend(r.usages);
                Value::String(r.text)
            }
            CompiledValue::Array(items) => {
                Value::Array(items.iter().map(|v| v.render(scope, opts, usages)).collect())
            }
            CompiledValue::Object(entries) => {
                let mut map = Map::new();
                for (k, v) in entries {
                    map.insert(k.clone(), v.render(scope, opts, usages));
                }
                Value::Object(map)
            }
            CompiledValue::Other(v) => v.clone(),
        }
    }
}

/// Grafana's built-in variables that never block a link (links.ts `builtInVariables`).
const BUILT_IN: [&str; 10] = [
    "__from",
    "__to",
    "__interval",
    "__interval_ms",
    "__org",
    "__user",
    "__range",
    "__rate_interval",
    "__timeFilter",
    "timeFilter",
];

/// Grafana's "all variables defined" rule (docs/grafana.md §6.3): usages de-duplicated by variable
/// name (first wins), built-ins ignored; returns the first blocking usage, if any.
pub(crate) fn first_unresolved(usages: &[VarUsage]) -> Option<&VarUsage> {
    let mut seen: Vec<&str> = Vec::new();
    for u in usages {
        if seen.contains(&u.name.as_str()) {
            continue;
        }
        seen.push(&u.name);
        if !u.found && !BUILT_IN.contains(&u.name.as_str()) {
            return Some(u);
        }
    }
    None
}

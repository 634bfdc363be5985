//! The variable formats of docs/grafana.md §10.2, as Grafana's format registry writes them.

use serde_json::Value;
use std::borrow::Cow;

use super::date;
use super::Format;
use crate::error::{Error, ErrorCode, Result};
use crate::js::{encode_with, js_string_to_number, json_stringify, to_js_string, KeepSet};

/// The format ids Grafana knows, in the order error messages list them.
pub const FORMAT_NAMES: [&str; 19] = [
    "glob",
    "raw",
    "regex",
    "pipe",
    "distributed",
    "csv",
    "join",
    "html",
    "json",
    "lucene",
    "percentencode",
    "uriencode",
    "singlequote",
    "doublequote",
    "sqlstring",
    "date",
    "text",
    "queryparam",
    "customqueryparam",
];

impl Format {
    /// Parses a format as written after the `:` of a placeholder: an id, then `:`-separated
    /// arguments.
    ///
    /// ```
    /// use spanlink::template::Format;
    /// assert_eq!(Format::parse("raw").unwrap(), Format::Raw);
    /// assert_eq!(Format::parse("join:;").unwrap(), Format::Join(Some(";".into())));
    /// // Extra date arguments are joined back with `:` (Grafana: `args.join(':')`).
    /// assert_eq!(Format::parse("date:HH:mm").unwrap(), Format::Date(Some("HH:mm".into())));
    /// assert!(Format::parse("nope").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Format> {
        let (id, rest) = match text.split_once(':') {
            Some((id, rest)) => (id, Some(rest)),
            None => (text, None),
        };
        let mut args = rest.map(|r| r.split(':'));
        let mut arg = || args.as_mut().and_then(|a| a.next()).map(str::to_string);
        Ok(match id {
            "glob" => Format::Glob,
            "raw" => Format::Raw,
            "regex" => Format::Regex,
            "pipe" => Format::Pipe,
            "distributed" => Format::Distributed,
            "csv" => Format::Csv,
            "join" => Format::Join(arg()),
            "html" => Format::Html,
            "json" => Format::Json,
            "lucene" => Format::Lucene,
            "percentencode" => Format::PercentEncode,
            "uriencode" => Format::UriEncode,
            "singlequote" => Format::SingleQuote,
            "doublequote" => Format::DoubleQuote,
            "sqlstring" => Format::SqlString,
            "date" => Format::Date(rest.map(str::to_string)),
            "text" => Format::Text,
            "queryparam" => Format::QueryParam,
            "customqueryparam" => {
                let name = arg();
                Format::CustomQueryParam(name, arg())
            }
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidTemplate,
                    "",
                    format!("unknown format {id:?}; known formats: {}", FORMAT_NAMES.join(", ")),
                ))
            }
        })
    }
}

impl Format {
    /// The format Grafana renders for a format text (`raw`, `date:YYYY`): an unknown or
    /// wrong-case id (`Raw`, `GLOB`, `nope`) falls back to glob, as `formatVariableValue` does.
    /// The flag says whether the id was known.
    ///
    /// ```
    /// use spanlink::template::Format;
    /// assert_eq!(Format::from_grafana("join:-"), (Format::Join(Some("-".into())), true));
    /// assert_eq!(Format::from_grafana("Raw"), (Format::Glob, false));
    /// ```
    pub fn from_grafana(text: &str) -> (Format, bool) {
        match Format::parse(text) {
            Ok(format) => (format, true),
            Err(_) => (Format::Glob, false),
        }
    }
}

/// An element as `Array.prototype.join` writes it (null as empty, the rest as `String(item)`).
fn item_str(item: &Value) -> Cow<'_, str> {
    match item {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(to_js_string(other)),
    }
}

/// lodash's `toString`, which the quoting formats apply to each element: null is empty, `-0`
/// is `-0`, and inside a nested array null is `null`.
fn lodash_string(item: &Value) -> Cow<'_, str> {
    fn base(v: &Value, out: &mut String) {
        match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    base(item, out);
                }
            }
            Value::Number(n)
                if n.as_f64() == Some(0.0) && n.as_f64().is_some_and(f64::is_sign_negative) =>
            {
                out.push_str("-0")
            }
            other => out.push_str(&to_js_string(other)),
        }
    }
    match item {
        Value::Null => Cow::Borrowed(""),
        Value::String(s) => Cow::Borrowed(s),
        other => {
            let mut out = String::new();
            base(other, &mut out);
            Cow::Owned(out)
        }
    }
}

fn join_items(items: &[Value], sep: &str, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&item_str(item));
    }
}

/// Each of `items` as `text` makes it, mapped by `f`, joined by `sep`.
fn join_mapped<'v>(
    items: &'v [Value],
    sep: &str,
    out: &mut String,
    text: impl Fn(&'v Value) -> Cow<'v, str>,
    mut f: impl FnMut(&str, &mut String),
) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        f(&text(item), out);
    }
}

/// `String(item)`, as `map(String)` writes each element (null as `null`).
fn js_string(item: &Value) -> Cow<'_, str> {
    match item {
        Value::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(to_js_string(other)),
    }
}

/// An element of a `lucene` list: `luceneEscape(item)` returns the item itself when `+item` is a
/// number (null, booleans, numbers, numeric strings); other non-strings make Grafana throw, and
/// are escaped here as their `String()`.
fn lucene_item(item: &Value, out: &mut String) {
    match item {
        Value::Null | Value::Bool(_) | Value::Number(_) => out.push_str(&to_js_string(item)),
        other => lucene_escape(&js_string(other), out),
    }
}

/// Grafana's `escapeStringForRegex`: a backslash before each of `\ ^ $ * + ? . ( ) | [ ] { } /`.
fn regex_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        if "\\^$*+?.()|[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Grafana's `luceneEscape`: numeric strings (`+value` is a number) are left alone.
fn lucene_escape(s: &str, out: &mut String) {
    if !js_string_to_number(s).is_nan() {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        if "!*+-=<>&|()[]{}^~?:\\/\"".contains(c) || is_js_space(c) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// JavaScript's `\s`.
pub(super) fn is_js_space(c: char) -> bool {
    (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}'
}

fn html_escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Grafana's `encodeURIComponentStrict`: `encodeURIComponent` plus `! ' ( ) *`.
pub fn encode_uri_component_strict(s: &str) -> String {
    const KEEPS: KeepSet = KeepSet::alphanumeric_and(b"-_.~");
    encode_with(s, &KEEPS)
}

/// Grafana's `encodeURIStrict`: `encodeURI` plus `! ' ( ) *`.
fn encode_uri_strict(s: &str) -> String {
    const KEEPS: KeepSet = KeepSet::alphanumeric_and(b"-_.~;,/?:@&=+$#");
    encode_with(s, &KEEPS)
}

fn quoted(s: &str, quote: char, escaped: &str, out: &mut String) {
    out.push(quote);
    for c in s.chars() {
        if c == quote {
            out.push_str(escaped);
        } else {
            out.push(c);
        }
    }
    out.push(quote);
}

/// `'{' + value.join(',') + '}'` for a multi-value, `String(value)` otherwise.
fn braced(value: &Value) -> Cow<'_, str> {
    match value {
        Value::Array(items) => {
            let mut s = String::from("{");
            join_items(items, ",", &mut s);
            s.push('}');
            Cow::Owned(s)
        }
        other => item_str(other),
    }
}

/// Writes `value` in `format` to `out`, as the formatter of Grafana's format registry does.
/// `value` is never a plain object (the caller turns those into `"[object Object]"` first, as
/// Grafana's `formatVariableValue` does); an array is a multi-value. `name` is the variable name
/// (for `distributed` and the query-param formats), `text` the variable's display text when it
/// has one (`None`: the value itself).
pub(super) fn apply(
    format: &Format,
    value: &Value,
    name: &str,
    text: Option<&str>,
    out: &mut String,
) {
    let items = value.as_array();
    let single = || js_string(value);
    match format {
        Format::Glob => match items {
            Some(items) if items.len() > 1 => {
                out.push('{');
                join_items(items, ",", out);
                out.push('}');
            }
            _ => out.push_str(&to_js_string(value)),
        },
        Format::Raw => out.push_str(&to_js_string(value)),
        Format::Csv => out.push_str(&single_or_join(value, ",")),
        Format::Pipe => out.push_str(&single_or_join(value, "|")),
        Format::Join(sep) => out.push_str(&single_or_join(value, sep.as_deref().unwrap_or(","))),
        Format::Distributed => match items {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        // `name + '=' + val`: a null element reads `null` here.
                        out.push(',');
                        out.push_str(name);
                        out.push('=');
                        out.push_str(&js_string(item));
                    } else {
                        out.push_str(&item_str(item));
                    }
                }
            }
            None => out.push_str(&single()),
        },
        Format::Regex => match items {
            Some(items) if items.len() == 1 => regex_escape(&js_string(&items[0]), out),
            Some(items) => {
                out.push('(');
                join_mapped(items, "|", out, js_string, regex_escape);
                out.push(')');
            }
            None => regex_escape(&single(), out),
        },
        Format::Lucene => match items {
            Some(items) if items.is_empty() => out.push_str("__empty__"),
            Some(items) => {
                out.push('(');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" OR ");
                    }
                    out.push('"');
                    lucene_item(item, out);
                    out.push('"');
                }
                out.push(')');
            }
            None => lucene_escape(&single(), out),
        },
        Format::Html => html_escape(&single_or_join(value, ", "), out),
        Format::Json => match value {
            Value::String(s) => out.push_str(s),
            other => out.push_str(&json_stringify(other)),
        },
        Format::PercentEncode => out.push_str(&encode_uri_component_strict(&braced(value))),
        Format::UriEncode => out.push_str(&encode_uri_strict(&braced(value))),
        Format::SingleQuote => each_quoted(value, out, |s, out| quoted(s, '\'', "\\'", out)),
        Format::DoubleQuote => each_quoted(value, out, |s, out| quoted(s, '"', "\\\"", out)),
        Format::SqlString => each_quoted(value, out, |s, out| {
            out.push('\'');
            for c in s.chars() {
                match c {
                    '\'' => out.push_str("''"),
                    '"' => out.push_str("\\\""),
                    c => out.push(c),
                }
            }
            out.push('\'');
        }),
        Format::Date(arg) => date::format_date_value(value, arg.as_deref(), out),
        Format::Text => {
            // LegacyVariableWrapper.getValueText: the `$__all` value reads `All`.
            if value.as_str() == Some("$__all") {
                out.push_str("All");
                return;
            }
            match (text, items) {
                (Some(text), _) => out.push_str(text),
                (None, Some(items)) => join_items(items, " + ", out),
                (None, None) => out.push_str(&single()),
            }
        }
        Format::QueryParam => {
            let key = format!("var-{name}");
            query_params(value, &key, "", out)
        }
        Format::CustomQueryParam(key, prefix) => {
            let key = encode_uri_component_strict(
                key.as_deref().filter(|k| !k.is_empty()).unwrap_or(name),
            );
            let prefix = prefix.as_deref().map(encode_uri_component_strict).unwrap_or_default();
            query_params(value, &key, &prefix, out)
        }
    }
}

/// `String(value)` of a single value, or the items joined by `sep`.
fn single_or_join<'v>(value: &'v Value, sep: &str) -> Cow<'v, str> {
    match value {
        Value::Array(items) => {
            let mut s = String::new();
            join_items(items, sep, &mut s);
            Cow::Owned(s)
        }
        other => item_str(other),
    }
}

/// Each element through lodash's `toString` and `f`, joined by `,`; a single value through
/// `String()`.
fn each_quoted(value: &Value, out: &mut String, mut f: impl FnMut(&str, &mut String)) {
    match value {
        Value::Array(items) => join_mapped(items, ",", out, lodash_string, f),
        other => f(&js_string(other), out),
    }
}

/// `<key>=<prefix><encoded value>`, repeated with `&` for a multi-value.
fn query_params(value: &Value, key: &str, prefix: &str, out: &mut String) {
    let one = |s: &str, out: &mut String| {
        out.push_str(key);
        out.push('=');
        out.push_str(prefix);
        out.push_str(&encode_uri_component_strict(s));
    };
    // `encodeURIComponentStrict(v)` writes a null element as `null`.
    match value {
        Value::Array(items) => join_mapped(items, "&", out, js_string, one),
        other => one(&js_string(other), out),
    }
}

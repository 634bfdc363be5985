//! The variable formats of grafana.md §10.2, as Grafana's format registry writes them.

use serde_json::Value;
use std::borrow::Cow;

use super::date;
use super::Format;
use crate::error::{Error, ErrorCode, Result};
use crate::js::{encode_except, js_string_to_number, json_stringify, to_js_string};

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

/// `String(item)` for an element of a multi-value (`Array.prototype.join` writes null as empty).
fn item_str(item: &Value) -> Cow<'_, str> {
    match item {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(to_js_string(other)),
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

/// Each of `items` mapped by `f`, joined by `sep`.
fn join_mapped(items: &[Value], sep: &str, out: &mut String, mut f: impl FnMut(&str, &mut String)) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        f(&item_str(item), out);
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
fn is_js_space(c: char) -> bool {
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
    encode_except(s, |b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b))
}

/// Grafana's `encodeURIStrict`: `encodeURI` plus `! ' ( ) *`.
fn encode_uri_strict(s: &str) -> String {
    encode_except(s, |b| b.is_ascii_alphanumeric() || b"-_.~;,/?:@&=+$#".contains(&b))
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

/// Writes `value` in `format` to `out`. `value` is never a plain object (the caller turns those
/// into `"[object Object]"` first, as Grafana's `formatValue` does); an array is a multi-value.
/// `name` is the variable name (for `distributed` and the query-param formats), `text` the
/// variable's display text when it has one.
pub(super) fn apply(
    format: &Format,
    value: &Value,
    name: &str,
    text: Option<&str>,
    out: &mut String,
) {
    let items = value.as_array();
    let single = || item_str(value);
    match format {
        Format::Glob => match items {
            Some(items) if items.len() > 1 => {
                out.push('{');
                join_items(items, ",", out);
                out.push('}');
            }
            _ => out.push_str(&to_js_string(value)),
        },
        Format::Raw | Format::Csv => out.push_str(&single_or_join(value, ",")),
        Format::Pipe => out.push_str(&single_or_join(value, "|")),
        Format::Join(sep) => out.push_str(&single_or_join(value, sep.as_deref().unwrap_or(","))),
        Format::Distributed => match items {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                        out.push_str(name);
                        out.push('=');
                    }
                    out.push_str(&item_str(item));
                }
            }
            None => out.push_str(&single()),
        },
        Format::Regex => match items {
            Some(items) if items.len() == 1 => regex_escape(&item_str(&items[0]), out),
            Some(items) => {
                out.push('(');
                join_mapped(items, "|", out, regex_escape);
                out.push(')');
            }
            None => regex_escape(&single(), out),
        },
        Format::Lucene => match items {
            Some(items) if items.is_empty() => out.push_str("__empty__"),
            Some(items) => {
                out.push('(');
                join_mapped(items, " OR ", out, |s, out| {
                    out.push('"');
                    lucene_escape(s, out);
                    out.push('"');
                });
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
        Format::Text => match (text, items) {
            (Some(text), _) => out.push_str(text),
            (None, Some(items)) => join_items(items, " + ", out),
            (None, None) => out.push_str(&single()),
        },
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

fn each_quoted(value: &Value, out: &mut String, f: impl FnMut(&str, &mut String)) {
    match value {
        Value::Array(items) => join_mapped(items, ",", out, f),
        other => {
            let mut f = f;
            f(&item_str(other), out)
        }
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
    match value {
        Value::Array(items) => join_mapped(items, "&", out, one),
        other => one(&item_str(other), out),
    }
}

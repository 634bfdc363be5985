//! Query languages: how a value or a label name is written into each target language
//! (docs/beyond.md §1), and the tag matchers of docs/grafana.md §3 built from a span's attributes.
//!
//! Every function returns its input unchanged when it needs no escaping, so output equals
//! Grafana's byte for byte in that case.

use std::borrow::Cow;
use std::fmt::Write;

use crate::model::Span;
use crate::settings::{Family, TagMapping};
use crate::template::Escaper;

pub mod logs;

/// A query language spanlink writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Loki.
    LogQL,
    /// Prometheus, Mimir, VictoriaMetrics.
    PromQL,
    /// Elasticsearch and OpenSearch query strings.
    Lucene,
    /// Splunk.
    Spl,
    /// Falcon LogScale.
    LogScale,
    /// Google Cloud Logging.
    CloudLogging,
    /// VictoriaLogs.
    LogsQL,
    /// Pyroscope label selectors.
    Pyroscope,
    /// A target with no known language (correlation targets of other data sources): no escaping.
    Plain,
}

impl Lang {
    /// The language of a logs/metrics/profiles data source type.
    pub fn of_datasource(kind: &str) -> Lang {
        Lang::of_family(Family::of(kind))
    }

    /// The language of a data source family.
    pub fn of_family(family: Family) -> Lang {
        match family {
            Family::Loki => Lang::LogQL,
            Family::Prometheus => Lang::PromQL,
            Family::Elasticsearch | Family::OpenSearch => Lang::Lucene,
            Family::Splunk => Lang::Spl,
            Family::FalconLogScale => Lang::LogScale,
            Family::CloudLogging => Lang::CloudLogging,
            Family::VictoriaLogs => Lang::LogsQL,
            Family::Pyroscope | Family::Phlare => Lang::Pyroscope,
            Family::Tempo | Family::Jaeger | Family::Zipkin | Family::XRay | Family::Other => {
                Lang::Plain
            }
        }
    }

    /// Escapes `value` for a string literal delimited by `quote` in this language.
    ///
    /// ```
    /// use spanlink::query::Lang;
    /// assert_eq!(Lang::LogQL.escape_in_quotes("a\"b\\c\n", '"'), "a\\\"b\\\\c\\n");
    /// assert_eq!(Lang::LogQL.escape_in_quotes("plain-value", '"'), "plain-value");
    /// assert_eq!(Lang::Lucene.escape_in_quotes("say \"hi\"", '"'), "say \\\"hi\\\"");
    /// ```
    pub fn escape_in_quotes<'a>(self, value: &'a str, quote: char) -> Cow<'a, str> {
        match (self, quote) {
            (Lang::Plain, _) => Cow::Borrowed(value),
            // Go string literals: strconv.Unquote on the server side.
            (Lang::LogQL | Lang::PromQL | Lang::LogsQL | Lang::Pyroscope, '"' | '\'') => {
                go_quoted(value, quote)
            }
            // Raw strings cannot hold their own delimiter: the character is dropped.
            (_, '`') => {
                if value.contains('`') {
                    Cow::Owned(value.replace('`', ""))
                } else {
                    Cow::Borrowed(value)
                }
            }
            (Lang::LogQL | Lang::PromQL | Lang::LogsQL | Lang::Pyroscope, _) => {
                Cow::Borrowed(value)
            }
            // Lucene phrases, SPL, LogScale and Cloud Logging strings: backslash escapes the quote
            // and itself.
            (_, q) => backslashed(value, &['\\', q]),
        }
    }

    /// A label (field) name that this language accepts, from the configured one.
    ///
    /// ```
    /// use spanlink::query::Lang;
    /// assert_eq!(Lang::LogQL.label_name("service.name"), "service_name");
    /// assert_eq!(Lang::LogQL.label_name("k8s-pod/name"), "k8s_pod_name");
    /// assert_eq!(Lang::PromQL.label_name("1st"), "_1st");
    /// assert_eq!(Lang::Lucene.label_name("service.name"), "service.name");
    /// ```
    pub fn label_name<'a>(self, name: &'a str) -> Cow<'a, str> {
        match self {
            Lang::LogQL | Lang::PromQL => prometheus_label_name(name),
            Lang::Lucene => lucene_field(name),
            _ => Cow::Borrowed(name),
        }
    }
}

/// Escapes the language's string literal around a template placeholder (docs/beyond.md §1).
impl Escaper for Lang {
    fn escape(&self, value: &str, quote: char) -> String {
        self.escape_in_quotes(value, quote).into_owned()
    }
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`: every other character becomes `_`, a leading digit gets a `_` prefix.
fn prometheus_label_name(name: &str) -> Cow<'_, str> {
    let valid_char = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let starts_ok = name.chars().next().is_some_and(|c| !c.is_ascii_digit());
    if starts_ok && name.chars().all(valid_char) {
        return Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len() + 1);
    if !starts_ok {
        out.push('_');
    }
    out.extend(name.chars().map(|c| if valid_char(c) { c } else { '_' }));
    Cow::Owned(out)
}

/// A Lucene term used as a field name: the query syntax's special characters and its whitespace
/// (` `, tab, CR, LF, U+3000: anything else is term text) get a backslash. `-` is plain inside a
/// term but negates at its start, so only a leading one is escaped (`k8s-pod` stays as Grafana
/// writes it).
fn lucene_field(name: &str) -> Cow<'_, str> {
    const SPECIAL: &[char] = &[
        ' ', '\t', '\n', '\r', '\u{3000}', ':', '\\', '"', '(', ')', '{', '}', '[', ']', '^', '~',
        '*', '?', '!', '+', '/', '&', '|',
    ];
    if !name.starts_with('-') {
        return backslashed(name, SPECIAL);
    }
    format!("\\{}", backslashed(name, SPECIAL)).into()
}

fn backslashed<'a>(value: &'a str, special: &[char]) -> Cow<'a, str> {
    if !value.contains(special) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        if special.contains(&c) {
            out.push('\\');
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// The inside of a Go double- (or single-) quoted string: `\\`, the quote, and control characters.
fn go_quoted(value: &str, quote: char) -> Cow<'_, str> {
    if !value.chars().any(|c| c == '\\' || c == quote || c.is_control()) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 4);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// How a target writes tag matchers (docs/grafana.md §3 table).
#[derive(Debug, Clone, Copy)]
pub struct TagStyle {
    /// The query language values are escaped for.
    pub lang: Lang,
    /// `=`, `:` or `:=`.
    pub sign: &'static str,
    /// Separator between matchers: `, ` (LogQL), ` AND ` (Lucene), ` OR ` (LogScale), ….
    pub join: &'static str,
}

/// The matchers for the span's attributes that the tag mappings select, in the span's attribute
/// order (resource attributes, span attributes, then `spanId`, `traceId`, `name`, `duration`), each
/// `<label><sign>"<value>"` with the label mapped and the value escaped for `style.lang`.
///
/// ```
/// use spanlink::query::{tag_matchers, Lang, TagStyle};
/// use spanlink::settings::TagMapping;
/// use spanlink::{KeyValue, Span};
/// # let mut span = spanlink::testing::span("7946b05c2e2e4e5a", "6605c7b08e715d6c");
/// span.service_tags =
///     vec![KeyValue::new("service.name", "cart"), KeyValue::new("pod", "cart-7d9")].into();
/// let tags = [TagMapping { key: "service.name".into(), value: None }];
/// let style = TagStyle { lang: Lang::LogQL, sign: "=", join: ", " };
/// assert_eq!(tag_matchers(&span, &tags, style), vec![r#"service_name="cart""#]);
/// ```
pub fn tag_matchers(span: &Span, tags: &[TagMapping], style: TagStyle) -> Vec<String> {
    span.all_tags()
        .filter_map(|(key, value)| {
            let mapping = tags.iter().find(|t| t.key == key)?;
            let text = crate::js::to_js_string(&value);
            Some(format!(
                "{}{}\"{}\"",
                style.lang.label_name(mapping.label()),
                style.sign,
                style.lang.escape_in_quotes(&text, '"')
            ))
        })
        .collect()
}

/// [`tag_matchers`] joined by the style's separator: Grafana's `__tags` value.
pub fn formatted_tags(span: &Span, tags: &[TagMapping], style: TagStyle) -> String {
    tag_matchers(span, tags, style).join(style.join)
}

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn lucene_field_names_escape_whitespace_and_a_leading_minus() {
        assert_eq!(Lang::Lucene.label_name("k8s-pod.name"), "k8s-pod.name");
        assert_eq!(Lang::Lucene.label_name("-x"), "\\-x");
        assert_eq!(Lang::Lucene.label_name("--"), "\\--");
        assert_eq!(
            Lang::Lucene.label_name("a b\tc\nd\re\u{3000}f"),
            "a\\ b\\\tc\\\nd\\\re\\\u{3000}f"
        );
        assert_eq!(Lang::Lucene.label_name("a:b"), "a\\:b");
    }
}

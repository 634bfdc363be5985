//! Shared fixtures for the golden tests: Grafana's running example span (docs/grafana.md §3) and
//! small helpers to read Explore URLs back. Nothing here computes an expected value.
#![allow(dead_code)]

use serde_json::Value;
use spanlink::{Correlator, KeyValue, Link, Options, Span, Trace, TraceFormat};

pub const TRACE_ID: &str = "7946b05c2e2e4e5a";
pub const SPAN_ID: &str = "6605c7b08e715d6c";
pub const PROFILE_ID: &str = "hdgfljn23u982nj";

pub fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue::new(key, value)
}

/// Grafana's fixture span: process tags `cluster=cluster1, hostname=hostname1, label2=val2,
/// service.namespace=namespace1`, span tags `host=host`, `pyroscope.profile.id`, start
/// 2020-10-14T01:00:00Z, duration 1 s.
pub fn fixture_span() -> Span {
    let mut span = spanlink::testing::span(TRACE_ID, SPAN_ID);
    span.service_tags = vec![
        kv("cluster", "cluster1"),
        kv("hostname", "hostname1"),
        kv("label2", "val2"),
        kv("service.namespace", "namespace1"),
    ]
    .into();
    span.tags = vec![kv("host", "host"), kv("pyroscope.profile.id", PROFILE_ID)];
    span
}

/// The fixture span without `pyroscope.profile.id`.
pub fn fixture_span_without_profile() -> Span {
    let mut span = fixture_span();
    span.tags.retain(|t| t.key != "pyroscope.profile.id");
    span
}

pub fn trace_of(spans: Vec<Span>) -> Trace {
    Trace::from_spans(TraceFormat::Otlp, spans)
}

pub fn fixture_trace() -> Trace {
    trace_of(vec![fixture_span()])
}

pub fn correlator(doc: Value) -> Correlator {
    Correlator::new(&doc.to_string(), Options::default())
        .unwrap_or_else(|e| panic!("settings rejected: {e}"))
}

pub fn correlator_with(doc: Value, options: Options) -> Correlator {
    Correlator::new(&doc.to_string(), options).unwrap_or_else(|e| panic!("settings rejected: {e}"))
}

/// `{datasources: [tempo with jsonData, ...others]}`.
pub fn tempo_with(json_data: Value, others: Vec<Value>) -> Value {
    let mut datasources = vec![
        serde_json::json!({"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": json_data}),
    ];
    datasources.extend(others);
    serde_json::json!({ "datasources": datasources })
}

pub fn ds(name: &str, kind: &str, uid: &str) -> Value {
    serde_json::json!({"name": name, "type": kind, "uid": uid})
}

/// The links of the fixture span.
pub fn fixture_links(c: &Correlator) -> Vec<Link> {
    c.span_links(&fixture_trace(), SPAN_ID).unwrap()
}

/// Percent-decoding (for reading `left=` back).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("utf-8")
}

/// JavaScript's `encodeURIComponent`, written independently of the crate.
pub fn encode_uri_component(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        let c = b as char;
        if c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The decoded `left=` state of an Explore href, as text (key order kept).
pub fn left_text(href: &str) -> String {
    let (_, encoded) =
        href.split_once("/explore?left=").unwrap_or_else(|| panic!("not an Explore href: {href}"));
    percent_decode(encoded)
}

/// The decoded `left=` state of an Explore href.
pub fn left(href: &str) -> Value {
    serde_json::from_str(&left_text(href)).expect("left= is JSON")
}

pub fn range(link: &Link) -> (f64, f64) {
    let r = link.internal.as_ref().expect("internal link").range.expect("range");
    (r.from, r.to)
}

pub fn query(link: &Link) -> &Value {
    &link.internal.as_ref().expect("internal link").query
}

pub const SHARED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/");

/// YAML → JSON, then Grafana's provisioning `$$` → `$` in every string.
pub fn unescape_dollars(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace("$$", "$")),
        Value::Array(items) => Value::Array(items.into_iter().map(unescape_dollars).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, unescape_dollars(v))).collect())
        }
        other => other,
    }
}

/// A shared provisioning file, read in place, or `None` (with a message) when it is absent.
pub fn shared_provisioning(name: &str) -> Option<Value> {
    let path = format!("{SHARED}provisioning/{name}");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {path} not found");
        return None;
    };
    Some(unescape_dollars(
        yaml_serde::from_str::<Value>(&text).unwrap_or_else(|e| panic!("{path}: {e}")),
    ))
}

/// A shared trace file, read in place, or `None` (with a message) when it is absent.
pub fn shared_trace(name: &str) -> Option<Trace> {
    let path = format!("{SHARED}traces/{name}");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipped: {path} not found");
        return None;
    };
    Some(Trace::from_json(&text).unwrap_or_else(|e| panic!("{path}: {e}")))
}

//! Zipkin v2 JSON (an array of spans) → [`Span`]s, shaped as Grafana's Zipkin data source shapes
//! them (`public/app/plugins/datasource/zipkin/utils/transforms.ts`), because the link templates
//! read these tags:
//! - service name: `localEndpoint.serviceName`, else `remoteEndpoint.serviceName`, else `unknown`;
//! - service tags: `ipv4`, `ipv6`, `port` of that endpoint (empty/zero dropped), then
//!   `endpointType` = `local` or `remote`;
//! - tags: `shared` (when true), `kind` (e.g. `CLIENT`), then the span's tags in document order,
//!   with `error` turned into `error: true` plus `errorValue: <the original text>`;
//! - annotations → events named by their value, with one field `annotation: <value>`.
//!
//! `remoteEndpoint` is otherwise ignored. Missing `timestamp`/`duration` are 0.

use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

use super::lenient::{objects, Entries, Json, Lenient, List, Num, Path, Text, Warnings};
use super::{KeyValue, Span, SpanEvent, SpanReference};

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct RawSpan<'a> {
    #[serde(borrow)]
    trace_id: Lenient<Text<'a>>,
    #[serde(borrow)]
    id: Lenient<Text<'a>>,
    #[serde(borrow)]
    parent_id: Lenient<Text<'a>>,
    #[serde(borrow)]
    name: Lenient<Text<'a>>,
    #[serde(borrow)]
    kind: Lenient<Text<'a>>,
    #[serde(borrow)]
    timestamp: Lenient<Num<'a>>,
    #[serde(borrow)]
    duration: Lenient<Num<'a>>,
    #[serde(borrow)]
    local_endpoint: Lenient<Endpoint<'a>>,
    #[serde(borrow)]
    remote_endpoint: Lenient<Endpoint<'a>>,
    #[serde(borrow)]
    shared: Lenient<Json<'a>>,
    #[serde(borrow)]
    tags: Lenient<Entries<'a, Json<'a>>>,
    #[serde(borrow)]
    annotations: List<Annotation<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Endpoint<'a> {
    #[serde(borrow)]
    service_name: Lenient<Json<'a>>,
    #[serde(borrow)]
    ipv4: Lenient<Json<'a>>,
    #[serde(borrow)]
    ipv6: Lenient<Json<'a>>,
    #[serde(borrow)]
    port: Lenient<Json<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Annotation<'a> {
    #[serde(borrow)]
    timestamp: Lenient<Num<'a>>,
    #[serde(borrow)]
    value: Lenient<Text<'a>>,
}

objects!(RawSpan, Endpoint, Annotation);

/// The spans of a Zipkin v2 document (the top-level array).
pub(super) fn parse(spans: &[Lenient<RawSpan>], w: &mut Warnings) -> Vec<Span> {
    let root = Path::ROOT;
    let mut out = Vec::with_capacity(spans.len());
    for (i, span) in spans.iter().enumerate() {
        let path = root.index(i);
        if let Some(span) = span.read(w, &path, "a span object") {
            out.push(parse_span(span, &path, w));
        }
    }
    out
}

/// A required id, lower-cased (empty when missing).
fn required_id(value: &Lenient<Text>, path: &Path, w: &mut Warnings) -> String {
    value.required_id(w, path).map(str::to_ascii_lowercase).unwrap_or_default()
}

fn number(value: &Lenient<Num>, path: &Path, w: &mut Warnings) -> f64 {
    value.number(w, path).unwrap_or(0.0)
}

fn parse_span(span: &RawSpan, path: &Path, w: &mut Warnings) -> Span {
    let trace_id = required_id(&span.trace_id, &path.key("traceId"), w);
    let span_id = required_id(&span.id, &path.key("id"), w);
    let parent_span_id = span
        .parent_id
        .read(w, &path.key("parentId"), "a string")
        .filter(|p| !p.is_empty())
        .map(|p| p.to_ascii_lowercase());
    let references = parent_span_id.iter().map(|p| SpanReference::parent(&trace_id, p)).collect();

    let local = span.local_endpoint.read(w, &path.key("localEndpoint"), "an object");
    let remote = span.remote_endpoint.read(w, &path.key("remoteEndpoint"), "an object");
    let service_name = [local, remote]
        .into_iter()
        .flatten()
        .find_map(|e| match e.service_name.get() {
            Some(Json::Text(s)) if !s.is_empty() => Some(s.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "unknown".to_string());
    let mut service_tags = Vec::new();
    if let Some(e) = local.or(remote) {
        for (key, value) in [("ipv4", &e.ipv4), ("ipv6", &e.ipv6), ("port", &e.port)] {
            // Grafana drops falsy values: empty strings and port 0.
            match value.get() {
                Some(Json::Text(s)) if s.is_empty() => {}
                Some(Json::Other(Value::Number(n))) if n.as_f64() == Some(0.0) => {}
                Some(Json::Other(Value::Null | Value::Bool(false))) | None => {}
                Some(v) => service_tags.push(KeyValue::new(key, v.to_value())),
            }
        }
        service_tags
            .push(KeyValue::new("endpointType", if local.is_some() { "local" } else { "remote" }));
    }

    let kind = span.kind.read(w, &path.key("kind"), "a string");
    let mut tags = Vec::new();
    if matches!(span.shared.get(), Some(Json::Other(Value::Bool(true)))) {
        tags.push(KeyValue::new("shared", true));
    }
    if let Some(kind) = kind.filter(|k| !k.is_empty()) {
        tags.push(KeyValue::new("kind", &**kind));
    }
    if let Some(span_tags) = span.tags.read(w, &path.key("tags"), "an object") {
        for (key, value) in &span_tags.0 {
            if &**key == "error" {
                tags.push(KeyValue::new("error", true));
                tags.push(KeyValue::new("errorValue", value.to_value()));
            } else {
                tags.push(KeyValue::new(&**key, value.to_value()));
            }
        }
    }

    let apath = path.key("annotations");
    let mut logs = Vec::new();
    for (a, annotation) in span.annotations.items(w, &apath).iter().enumerate() {
        let path = apath.index(a);
        let Some(annotation) = annotation.read(w, &path, "an object") else { continue };
        let value = annotation.value.read(w, &path.key("value"), "a string").map_or("", |v| &**v);
        logs.push(SpanEvent {
            timestamp: number(&annotation.timestamp, &path.key("timestamp"), w),
            name: Some(value.to_string()),
            fields: vec![KeyValue::new("annotation", value)],
        });
    }

    Span {
        trace_id,
        span_id,
        parent_span_id,
        operation_name: span
            .name
            .read(w, &path.key("name"), "a string")
            .map(|n| n.to_string())
            .unwrap_or_default(),
        service_name,
        start_time: number(&span.timestamp, &path.key("timestamp"), w),
        duration: number(&span.duration, &path.key("duration"), w),
        kind: kind.map(|k| k.to_ascii_lowercase()).filter(|k| !k.is_empty()),
        status_code: None,
        status_message: None,
        service_tags: Arc::new(service_tags),
        tags,
        logs,
        references,
    }
}

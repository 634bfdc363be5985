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

use serde_json::{Map, Value};

use super::read::{array, field, index_path, key_path, object, opt_number, opt_str, req_str};
use super::{KeyValue, RefType, Span, SpanEvent, SpanReference};
use crate::error::Result;

pub(super) fn detect(value: &Value) -> Option<&Vec<Value>> {
    value.as_array()
}

pub(super) fn parse(spans: &[Value]) -> Result<Vec<Span>> {
    spans.iter().enumerate().map(|(i, span)| parse_span(span, &index_path("", i))).collect()
}

fn parse_span(value: &Value, path: &str) -> Result<Span> {
    let span = object(value, path)?;
    let trace_id = req_str(span, "traceId", path)?.to_ascii_lowercase();
    let span_id = req_str(span, "id", path)?.to_ascii_lowercase();
    let parent_span_id =
        opt_str(span, "parentId", path)?.filter(|p| !p.is_empty()).map(str::to_ascii_lowercase);
    let references = parent_span_id
        .iter()
        .map(|p| SpanReference {
            ref_type: RefType::ChildOf,
            trace_id: trace_id.clone(),
            span_id: p.clone(),
            tags: Vec::new(),
        })
        .collect();

    let local = endpoint(span, "localEndpoint", path)?;
    let remote = endpoint(span, "remoteEndpoint", path)?;
    let service_name = [local, remote]
        .into_iter()
        .flatten()
        .find_map(|e| e.get("serviceName").and_then(Value::as_str).filter(|s| !s.is_empty()))
        .unwrap_or("unknown")
        .to_string();
    let mut service_tags = Vec::new();
    if let Some(e) = local.or(remote) {
        for key in ["ipv4", "ipv6", "port"] {
            // Grafana drops falsy values: empty strings and port 0.
            match e.get(key) {
                Some(Value::String(s)) if s.is_empty() => {}
                Some(Value::Number(n)) if n.as_f64() == Some(0.0) => {}
                Some(Value::Null | Value::Bool(false)) | None => {}
                Some(v) => service_tags.push(KeyValue::new(key, v.clone())),
            }
        }
        service_tags
            .push(KeyValue::new("endpointType", if local.is_some() { "local" } else { "remote" }));
    }

    let kind = opt_str(span, "kind", path)?;
    let mut tags = Vec::new();
    if field(span, "shared").and_then(Value::as_bool) == Some(true) {
        tags.push(KeyValue::new("shared", true));
    }
    if let Some(kind) = kind.filter(|k| !k.is_empty()) {
        tags.push(KeyValue::new("kind", kind));
    }
    if let Some(span_tags) = field(span, "tags") {
        for (key, value) in object(span_tags, &key_path(path, "tags"))? {
            if key == "error" {
                tags.push(KeyValue::new("error", true));
                tags.push(KeyValue::new("errorValue", value.clone()));
            } else {
                tags.push(KeyValue::new(key.clone(), value.clone()));
            }
        }
    }

    let mut logs = Vec::new();
    let apath = key_path(path, "annotations");
    for (a, annotation) in array(span, "annotations", path)?.iter().enumerate() {
        let path = index_path(&apath, a);
        let obj = object(annotation, &path)?;
        let value = opt_str(obj, "value", &path)?.unwrap_or_default();
        logs.push(SpanEvent {
            timestamp: opt_number(obj, "timestamp", &path)?.unwrap_or(0.0),
            name: Some(value.to_string()),
            fields: vec![KeyValue::new("annotation", value)],
        });
    }

    Ok(Span {
        trace_id,
        span_id,
        parent_span_id,
        operation_name: opt_str(span, "name", path)?.unwrap_or_default().to_string(),
        service_name,
        start_time: opt_number(span, "timestamp", path)?.unwrap_or(0.0),
        duration: opt_number(span, "duration", path)?.unwrap_or(0.0),
        kind: kind.map(str::to_ascii_lowercase).filter(|k| !k.is_empty()),
        status_code: None,
        status_message: None,
        service_tags,
        tags,
        logs,
        references,
    })
}

fn endpoint<'a>(
    span: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a Map<String, Value>>> {
    match field(span, key) {
        None => Ok(None),
        Some(e) => object(e, &key_path(path, key)).map(Some),
    }
}

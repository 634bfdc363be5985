//! Jaeger `/api/traces` JSON → [`Span`]s: the envelope `{data: [trace…], total, limit, offset,
//! errors}` or one trace object `{traceID, spans, processes}`.

use serde_json::{Map, Value};

use super::read::{
    array, field, index_path, invalid, key_path, object, opt_number, opt_str, preview, req_str,
};
use super::{KeyValue, RefType, Span, SpanEvent, SpanReference};
use crate::error::Result;

pub(super) fn detect(value: &Value) -> bool {
    value.as_object().is_some_and(|o| {
        o.contains_key("data") || (o.contains_key("spans") && o.contains_key("processes"))
    })
}

pub(super) fn parse(value: &Value) -> Result<Vec<Span>> {
    let doc = object(value, "")?;
    if !doc.contains_key("data") {
        return parse_trace(doc, "");
    }
    if field(doc, "data").is_none() {
        // Jaeger answers `{"data": null, "errors": [{"code": 404, "msg": "trace not found"}]}`.
        if let Some(first) = array(doc, "errors", "")?.first() {
            let msg = first
                .get("msg")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| preview(first));
            return Err(invalid("errors[0]", format!("Jaeger returned an error: {msg}")));
        }
    }
    let mut spans = Vec::new();
    for (t, trace) in array(doc, "data", "")?.iter().enumerate() {
        let path = index_path("data", t);
        spans.extend(parse_trace(object(trace, &path)?, &path)?);
    }
    Ok(spans)
}

fn parse_trace(trace: &Map<String, Value>, path: &str) -> Result<Vec<Span>> {
    let processes = match field(trace, "processes") {
        Some(p) => Some(object(p, &key_path(path, "processes"))?),
        None => None,
    };
    let spans_path = key_path(path, "spans");
    let mut spans = Vec::new();
    for (i, span) in array(trace, "spans", path)?.iter().enumerate() {
        let span_path = index_path(&spans_path, i);
        spans.push(parse_span(object(span, &span_path)?, &span_path, processes, path)?);
    }
    Ok(spans)
}

fn parse_span(
    span: &Map<String, Value>,
    path: &str,
    processes: Option<&Map<String, Value>>,
    trace_path: &str,
) -> Result<Span> {
    let trace_id = req_str(span, "traceID", path)?.to_ascii_lowercase();
    let span_id = req_str(span, "spanID", path)?.to_ascii_lowercase();

    // The process: `processes[processID]`, or a `process` embedded in the span.
    let (process, process_path) = match opt_str(span, "processID", path)? {
        Some(pid) => {
            let found = processes.and_then(|p| p.get(pid));
            let Some(found) = found else {
                return Err(invalid(
                    &key_path(path, "processID"),
                    format!("no process {pid:?} in `processes`"),
                ));
            };
            (Some(found), key_path(&key_path(trace_path, "processes"), pid))
        }
        None => (field(span, "process"), key_path(path, "process")),
    };
    let (service_name, service_tags) = match process {
        Some(p) => {
            let p = object(p, &process_path)?;
            let name = opt_str(p, "serviceName", &process_path)?.unwrap_or_default().to_string();
            (name, tags(array(p, "tags", &process_path)?, &key_path(&process_path, "tags"))?)
        }
        None => (String::new(), Vec::new()),
    };

    let mut references = Vec::new();
    let refs_path = key_path(path, "references");
    for (r, reference) in array(span, "references", path)?.iter().enumerate() {
        let rpath = index_path(&refs_path, r);
        let obj = object(reference, &rpath)?;
        let ref_type = match opt_str(obj, "refType", &rpath)?.unwrap_or("CHILD_OF") {
            "CHILD_OF" => RefType::ChildOf,
            "FOLLOWS_FROM" => RefType::FollowsFrom,
            other => {
                return Err(invalid(
                    &key_path(&rpath, "refType"),
                    format!("expected CHILD_OF or FOLLOWS_FROM, found {other:?}"),
                ))
            }
        };
        let ref_trace = opt_str(obj, "traceID", &rpath)?
            .map(str::to_ascii_lowercase)
            .unwrap_or_else(|| trace_id.clone());
        let ref_span = req_str(obj, "spanID", &rpath)?.to_ascii_lowercase();
        references.push(SpanReference {
            ref_type,
            trace_id: ref_trace,
            span_id: ref_span,
            tags: Vec::new(),
        });
    }

    // The parent: an explicit `parentSpanID`, else the first CHILD_OF reference. Either way it
    // ends up as the first reference (the model's order).
    let explicit_parent =
        opt_str(span, "parentSpanID", path)?.filter(|p| !p.is_empty()).map(str::to_ascii_lowercase);
    let parent_span_id = match explicit_parent {
        Some(parent) => {
            match references
                .iter()
                .position(|r| r.ref_type == RefType::ChildOf && r.span_id == parent)
            {
                Some(i) => references[..=i].rotate_right(1),
                None => references.insert(
                    0,
                    SpanReference {
                        ref_type: RefType::ChildOf,
                        trace_id: trace_id.clone(),
                        span_id: parent.clone(),
                        tags: Vec::new(),
                    },
                ),
            }
            Some(parent)
        }
        None => {
            let i = references.iter().position(|r| r.ref_type == RefType::ChildOf);
            i.map(|i| {
                references[..=i].rotate_right(1);
                references[0].span_id.clone()
            })
        }
    };

    let span_tags = tags(array(span, "tags", path)?, &key_path(path, "tags"))?;
    let kind = span_tags
        .iter()
        .find(|kv| kv.key == "span.kind")
        .map(|kv| crate::js::to_js_string(&kv.value).to_ascii_lowercase())
        .filter(|k| !k.is_empty());

    let mut logs = Vec::new();
    let logs_path = key_path(path, "logs");
    for (l, log) in array(span, "logs", path)?.iter().enumerate() {
        let lpath = index_path(&logs_path, l);
        let obj = object(log, &lpath)?;
        logs.push(SpanEvent {
            timestamp: opt_number(obj, "timestamp", &lpath)?.unwrap_or(0.0),
            name: None,
            fields: tags(array(obj, "fields", &lpath)?, &key_path(&lpath, "fields"))?,
        });
    }

    Ok(Span {
        trace_id,
        span_id,
        parent_span_id,
        operation_name: opt_str(span, "operationName", path)?.unwrap_or_default().to_string(),
        service_name,
        start_time: opt_number(span, "startTime", path)?.unwrap_or(0.0),
        duration: opt_number(span, "duration", path)?.unwrap_or(0.0),
        kind,
        status_code: None,
        status_message: None,
        service_tags,
        tags: span_tags,
        logs,
        references,
    })
}

/// Jaeger tags `{key, type, value}` → key/value pairs. The value is already typed JSON in
/// `/api/traces`; numeric and boolean values written as strings are converted by their `type`.
pub(super) fn tags(items: &[Value], path: &str) -> Result<Vec<KeyValue>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ipath = index_path(path, i);
        let obj = object(item, &ipath)?;
        let key = opt_str(obj, "key", &ipath)?
            .ok_or_else(|| invalid(&key_path(&ipath, "key"), "missing `key`"))?;
        let value = obj.get("value").cloned().unwrap_or(Value::Null);
        let typ = opt_str(obj, "type", &ipath)?.unwrap_or("string").to_ascii_lowercase();
        let value = match (typ.as_str(), &value) {
            ("int64", Value::String(s)) => {
                s.trim().parse::<i64>().map(Value::from).unwrap_or(value)
            }
            ("float64", Value::String(s)) => Some(crate::js::js_string_to_number(s))
                .filter(|x| x.is_finite() && !s.trim().is_empty())
                .map(crate::js::number_value)
                .unwrap_or(value),
            ("bool", Value::String(s)) if s == "true" || s == "false" => Value::Bool(s == "true"),
            _ => value,
        };
        out.push(KeyValue::new(key, value));
    }
    Ok(out)
}

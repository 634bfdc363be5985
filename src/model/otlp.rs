//! Tempo / OTLP JSON → [`Span`]s.
//!
//! Accepts `resourceSpans`/`scopeSpans` (OTLP 1.x), the older `batches`/
//! `instrumentationLibrarySpans` (Tempo before 2.0), and Tempo's v2 API wrapper `{"trace": …}`.
//! Ids may be hex (OTLP JSON proper) or base64 (Tempo's API, which serialises the protobuf bytes).

use serde_json::{Map, Value};

use super::read::{
    array, base64_decode, field, index_path, invalid, is_hex, key_path, object, opt_number,
    opt_str, preview, req_str, to_hex,
};
use super::{KeyValue, RefType, Span, SpanEvent, SpanReference};
use crate::error::Result;

/// The document and the path prefix of its spans (`trace` for the v2 wrapper).
fn root(value: &Value) -> Option<(&Map<String, Value>, &'static str)> {
    let obj = value.as_object()?;
    let has_spans =
        |o: &Map<String, Value>| o.contains_key("resourceSpans") || o.contains_key("batches");
    if has_spans(obj) {
        return Some((obj, ""));
    }
    let inner = obj.get("trace")?.as_object()?;
    has_spans(inner).then_some((inner, "trace"))
}

pub(super) fn detect(value: &Value) -> bool {
    root(value).is_some()
}

pub(super) fn parse(value: &Value) -> Result<Vec<Span>> {
    let Some((doc, prefix)) = root(value) else { return Ok(Vec::new()) };
    let (resources_key, scopes_key) = if doc.contains_key("resourceSpans") {
        ("resourceSpans", "scopeSpans")
    } else {
        ("batches", "instrumentationLibrarySpans")
    };
    let mut spans = Vec::new();
    let resources_path = key_path(prefix, resources_key);
    for (r, resource_spans) in array(doc, resources_key, prefix)?.iter().enumerate() {
        let rpath = index_path(&resources_path, r);
        let rs = object(resource_spans, &rpath)?;
        let service_tags = match field(rs, "resource") {
            Some(resource) => {
                let path = key_path(&rpath, "resource");
                attributes(object(resource, &path)?, &path)?
            }
            None => Vec::new(),
        };
        let service_name = service_tags
            .iter()
            .find(|kv| kv.key == "service.name")
            .map(|kv| crate::js::to_js_string(&kv.value))
            .unwrap_or_default();
        // Some exporters mix both scope keys in one document; read whichever is there.
        let scopes_key = if rs.contains_key(scopes_key) {
            scopes_key
        } else if rs.contains_key("scopeSpans") {
            "scopeSpans"
        } else {
            "instrumentationLibrarySpans"
        };
        for (s, scope_spans) in array(rs, scopes_key, &rpath)?.iter().enumerate() {
            let spath = index_path(&key_path(&rpath, scopes_key), s);
            let ss = object(scope_spans, &spath)?;
            for (i, span) in array(ss, "spans", &spath)?.iter().enumerate() {
                let path = index_path(&key_path(&spath, "spans"), i);
                spans.push(parse_span(span, &path, &service_name, &service_tags)?);
            }
        }
    }
    Ok(spans)
}

fn parse_span(
    value: &Value,
    path: &str,
    service_name: &str,
    service_tags: &[KeyValue],
) -> Result<Span> {
    let span = object(value, path)?;
    // Grafana's Tempo backend writes a 64-bit trace id padded to 16 bytes as its 16 hex digits.
    let trace_id = id(req_str(span, "traceId", path)?, 16, &key_path(path, "traceId"))?;
    let trace_id = trace_id.strip_prefix("0000000000000000").unwrap_or(&trace_id).to_string();
    let span_id = id(req_str(span, "spanId", path)?, 8, &key_path(path, "spanId"))?;
    let parent_span_id = match opt_str(span, "parentSpanId", path)? {
        Some(p) if !p.is_empty() => Some(id(p, 8, &key_path(path, "parentSpanId"))?),
        _ => None, // empty = root
    };
    let start = opt_number(span, "startTimeUnixNano", path)?.unwrap_or(0.0);
    let end = opt_number(span, "endTimeUnixNano", path)?.unwrap_or(start);

    let mut references = Vec::new();
    if let Some(parent) = &parent_span_id {
        references.push(SpanReference {
            ref_type: RefType::ChildOf,
            trace_id: trace_id.clone(),
            span_id: parent.clone(),
            tags: Vec::new(),
        });
    }
    for (l, link) in array(span, "links", path)?.iter().enumerate() {
        if let Some(reference) = parse_link(link, &index_path(&key_path(path, "links"), l))? {
            references.push(reference);
        }
    }

    let mut logs = Vec::new();
    for (e, event) in array(span, "events", path)?.iter().enumerate() {
        let epath = index_path(&key_path(path, "events"), e);
        let ev = object(event, &epath)?;
        logs.push(SpanEvent {
            timestamp: opt_number(ev, "timeUnixNano", &epath)?.unwrap_or(0.0) / 1000.0,
            name: opt_str(ev, "name", &epath)?.map(str::to_string),
            fields: attributes(ev, &epath)?,
        });
    }

    let (status_code, status_message) = match field(span, "status") {
        Some(status) => {
            let spath = key_path(path, "status");
            let st = object(status, &spath)?;
            let code = status_code(field(st, "code"), &key_path(&spath, "code"))?;
            let message =
                opt_str(st, "message", &spath)?.filter(|m| !m.is_empty()).map(str::to_string);
            (Some(code.to_string()), message)
        }
        None => (None, None),
    };

    Ok(Span {
        trace_id,
        span_id,
        parent_span_id,
        operation_name: opt_str(span, "name", path)?.unwrap_or_default().to_string(),
        service_name: service_name.to_string(),
        // As JavaScript computes it: Number(nanos) / 1000, in f64.
        start_time: start / 1000.0,
        duration: duration_micros(span, start, end),
        kind: span_kind(field(span, "kind"), &key_path(path, "kind"))?,
        status_code,
        status_message,
        service_tags: service_tags.to_vec(),
        tags: attributes(span, path)?,
        logs,
        references,
    })
}

/// The duration in µs. Subtracting in integers when both times are integers keeps it exact
/// (two f64 epoch nanos are only 256 ns apart: 92 µs would become 91.904); Grafana's Tempo backend
/// subtracts int64 nanos too.
fn duration_micros(span: &Map<String, Value>, start: f64, end: f64) -> f64 {
    let exact = |key: &str| match field(span, key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse::<u64>().ok(),
        _ => None,
    };
    match (exact("startTimeUnixNano"), exact("endTimeUnixNano")) {
        (Some(s), Some(e)) => (i128::from(e) - i128::from(s)) as f64 / 1000.0,
        _ => (end - start) / 1000.0,
    }
}

/// An OTel span link as an `EXTERNAL` reference; `None` when its ids are empty or not ids (some
/// test data and buggy exporters write placeholders; one bad link should not hide the trace).
fn parse_link(value: &Value, path: &str) -> Result<Option<SpanReference>> {
    let link = object(value, path)?;
    // Grafana's Tempo backend trims every leading zero of a link's trace id (TrimLeft "0").
    let trace_id = opt_str(link, "traceId", path)?
        .and_then(|t| id(t, 16, "").ok())
        .map(|t| t.trim_start_matches('0').to_string());
    let span_id = opt_str(link, "spanId", path)?.and_then(|s| id(s, 8, "").ok());
    let (Some(trace_id), Some(span_id)) = (trace_id, span_id) else { return Ok(None) };
    Ok(Some(SpanReference {
        ref_type: RefType::External,
        trace_id,
        span_id,
        tags: attributes(link, path)?,
    }))
}

/// An id as lower-case hex. Hex of the expected length (or a 64-bit trace id) is taken as is;
/// otherwise base64 is decoded; other hex strings are kept rather than rejected.
fn id(text: &str, bytes: usize, path: &str) -> Result<String> {
    let len = text.len();
    if is_hex(text) && (len == bytes * 2 || (bytes == 16 && len == 16)) {
        return Ok(text.to_ascii_lowercase());
    }
    if let Some(decoded) = base64_decode(text).filter(|d| !d.is_empty()) {
        return Ok(to_hex(&decoded));
    }
    if is_hex(text) {
        return Ok(text.to_ascii_lowercase());
    }
    Err(invalid(path, format!("not a hex or base64 id: {}", preview(&Value::from(text)))))
}

/// The `attributes` of a resource, span, event or link.
fn attributes(obj: &Map<String, Value>, path: &str) -> Result<Vec<KeyValue>> {
    key_values(array(obj, "attributes", path)?, &key_path(path, "attributes"))
}

fn key_values(items: &[Value], path: &str) -> Result<Vec<KeyValue>> {
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ipath = index_path(path, i);
        let kv = object(item, &ipath)?;
        let key = opt_str(kv, "key", &ipath)?
            .ok_or_else(|| invalid(&key_path(&ipath, "key"), "missing `key`"))?;
        let value = match field(kv, "value") {
            Some(v) => any_value(v, &key_path(&ipath, "value"))?,
            None => Value::Null,
        };
        out.push(KeyValue::new(key, value));
    }
    Ok(out)
}

/// An OTLP `AnyValue` as the plain JSON value Grafana shows.
fn any_value(value: &Value, path: &str) -> Result<Value> {
    let obj = object(value, path)?;
    let Some((kind, inner)) = obj.iter().find(|(_, v)| !v.is_null()) else {
        return Ok(Value::Null);
    };
    let ipath = key_path(path, kind);
    let bad =
        |expected: &str| invalid(&ipath, format!("expected {expected}, found {}", preview(inner)));
    Ok(match kind.as_str() {
        "stringValue" => Value::from(inner.as_str().ok_or_else(|| bad("a string"))?),
        // Base64 text, kept as Grafana shows it.
        "bytesValue" => Value::from(inner.as_str().ok_or_else(|| bad("a base64 string"))?),
        "boolValue" => Value::from(inner.as_bool().ok_or_else(|| bad("a boolean"))?),
        "intValue" => match inner {
            Value::Number(n) if n.is_i64() || n.is_u64() => inner.clone(),
            Value::Number(n) => crate::js::number_value(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => s
                .trim()
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| bad("an integer or an integer string"))?,
            _ => return Err(bad("an integer or an integer string")),
        },
        "doubleValue" => match inner {
            Value::Number(_) => inner.clone(),
            // Proto3 JSON writes NaN/Infinity as strings; JSON has no such numbers, keep the text.
            Value::String(s) => match crate::js::js_string_to_number(s) {
                x if x.is_finite() && !s.trim().is_empty() => crate::js::number_value(x),
                _ if matches!(s.trim(), "NaN" | "Infinity" | "-Infinity") => inner.clone(),
                _ => return Err(bad("a number")),
            },
            _ => return Err(bad("a number")),
        },
        "arrayValue" => {
            let arr = object(inner, &ipath)?;
            let vpath = key_path(&ipath, "values");
            let mut out = Vec::new();
            for (i, item) in array(arr, "values", &ipath)?.iter().enumerate() {
                out.push(any_value(item, &index_path(&vpath, i))?);
            }
            Value::Array(out)
        }
        "kvlistValue" => {
            let list = object(inner, &ipath)?;
            let pairs = key_values(array(list, "values", &ipath)?, &key_path(&ipath, "values"))?;
            Value::Object(pairs.into_iter().map(|kv| (kv.key, kv.value)).collect())
        }
        other => return Err(invalid(path, format!("unknown AnyValue type `{other}`"))),
    })
}

/// Span kind as a number or `SPAN_KIND_*` string → `server` etc.; `None` when unspecified.
fn span_kind(value: Option<&Value>, path: &str) -> Result<Option<String>> {
    let name = match value {
        None => return Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(1) => "internal",
            Some(2) => "server",
            Some(3) => "client",
            Some(4) => "producer",
            Some(5) => "consumer",
            _ => return Ok(None),
        },
        Some(Value::String(s)) => {
            let name = s.strip_prefix("SPAN_KIND_").unwrap_or(s).to_ascii_lowercase();
            return Ok((!name.is_empty() && name != "unspecified").then_some(name));
        }
        Some(other) => {
            return Err(invalid(
                path,
                format!("expected a number or a string, found {}", preview(other)),
            ))
        }
    };
    Ok(Some(name.to_string()))
}

/// Status code as a number or `STATUS_CODE_*` string → `OK`/`ERROR`/`UNSET` (absent = `UNSET`, the
/// proto3 default).
fn status_code(value: Option<&Value>, path: &str) -> Result<&'static str> {
    let code = match value {
        None => return Ok("UNSET"),
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => {
            match s.strip_prefix("STATUS_CODE_").unwrap_or(s).to_ascii_uppercase().as_str() {
                "UNSET" => Some(0),
                "OK" => Some(1),
                "ERROR" => Some(2),
                _ => None,
            }
        }
        Some(_) => None,
    };
    match code {
        Some(0) => Ok("UNSET"),
        Some(1) => Ok("OK"),
        Some(2) => Ok("ERROR"),
        _ => Err(invalid(
            path,
            format!("unknown status code {}", value.map(preview).unwrap_or_default()),
        )),
    }
}

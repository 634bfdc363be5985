//! Tempo / OTLP JSON → [`Span`]s.
//!
//! Accepts `resourceSpans`/`scopeSpans` (OTLP 1.x), the older `batches`/
//! `instrumentationLibrarySpans` (Tempo before 2.0), and Tempo's v2 API wrapper `{"trace": …}`.
//! Ids may be hex (OTLP JSON proper) or base64 (Tempo's API, which serialises the protobuf bytes).

use serde::Deserialize;
use serde_json::Value;
use std::sync::Arc;

use super::lenient::{objects, quoted, Lenient, List, Num, Path, Text, Warnings};
use super::read::{base64_decode, is_hex, to_hex};
use super::{KeyValue, RefType, Span, SpanEvent, SpanReference};

/// The part of a trace document OTLP readers look at (`resourceSpans` or `batches`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct Doc<'a> {
    #[serde(rename = "resourceSpans", borrow)]
    pub resource_spans: List<ResourceSpans<'a>>,
    #[serde(borrow)]
    pub batches: List<ResourceSpans<'a>>,
}

impl Doc<'_> {
    /// Whether this object is an OTLP document.
    pub(super) fn detected(&self) -> bool {
        self.resource_spans.is_present() || self.batches.is_present()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ResourceSpans<'a> {
    #[serde(borrow)]
    resource: Lenient<Attributed<'a>>,
    #[serde(rename = "scopeSpans", borrow)]
    scope_spans: List<ScopeSpans<'a>>,
    #[serde(rename = "instrumentationLibrarySpans", borrow)]
    library_spans: List<ScopeSpans<'a>>,
}

/// A resource (or anything else with only `attributes` read).
#[derive(Deserialize, Default)]
#[serde(default)]
struct Attributed<'a> {
    #[serde(borrow)]
    attributes: List<Attribute<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ScopeSpans<'a> {
    #[serde(borrow)]
    spans: List<RawSpan<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct RawSpan<'a> {
    #[serde(borrow)]
    trace_id: Lenient<Text<'a>>,
    #[serde(borrow)]
    span_id: Lenient<Text<'a>>,
    #[serde(borrow)]
    parent_span_id: Lenient<Text<'a>>,
    #[serde(borrow)]
    name: Lenient<Text<'a>>,
    #[serde(borrow)]
    kind: Lenient<Num<'a>>,
    #[serde(borrow)]
    start_time_unix_nano: Lenient<Num<'a>>,
    #[serde(borrow)]
    end_time_unix_nano: Lenient<Num<'a>>,
    #[serde(borrow)]
    attributes: List<Attribute<'a>>,
    #[serde(borrow)]
    events: List<Event<'a>>,
    #[serde(borrow)]
    links: List<Link<'a>>,
    #[serde(borrow)]
    status: Lenient<Status<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Event<'a> {
    #[serde(borrow)]
    time_unix_nano: Lenient<Num<'a>>,
    #[serde(borrow)]
    name: Lenient<Text<'a>>,
    #[serde(borrow)]
    attributes: List<Attribute<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Link<'a> {
    #[serde(borrow)]
    trace_id: Lenient<Text<'a>>,
    #[serde(borrow)]
    span_id: Lenient<Text<'a>>,
    #[serde(borrow)]
    attributes: List<Attribute<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Status<'a> {
    #[serde(borrow)]
    code: Lenient<Num<'a>>,
    #[serde(borrow)]
    message: Lenient<Text<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Attribute<'a> {
    #[serde(borrow)]
    key: Lenient<Text<'a>>,
    #[serde(borrow)]
    value: Lenient<AnyValue<'a>>,
}

/// An OTLP `AnyValue`: its first non-null field, kept as one small enum (attributes are most
/// of a trace).
#[derive(Default)]
enum AnyValue<'a> {
    #[default]
    Null,
    String(Lenient<Text<'a>>),
    Bool(Lenient<bool>),
    Int(Lenient<Num<'a>>),
    Double(Lenient<Num<'a>>),
    /// Base64 text.
    Bytes(Lenient<Text<'a>>),
    Array(Lenient<Box<ArrayValue<'a>>>),
    KvList(Lenient<Box<KvList<'a>>>),
}

impl<'de: 'a, 'a> Deserialize<'de> for AnyValue<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, Visitor};
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = AnyValue<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an AnyValue object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AnyValue<'a>, A::Error> {
                let mut value = AnyValue::Null;
                while let Some(key) = map.next_key::<Text>()? {
                    // Unknown fields, and any after the first non-null one, are read and dropped.
                    let known = matches!(value, AnyValue::Null);
                    let read = match &*key {
                        "stringValue" if known => AnyValue::String(map.next_value()?),
                        "boolValue" if known => AnyValue::Bool(map.next_value()?),
                        "intValue" if known => AnyValue::Int(map.next_value()?),
                        "doubleValue" if known => AnyValue::Double(map.next_value()?),
                        "bytesValue" if known => AnyValue::Bytes(map.next_value()?),
                        "arrayValue" if known => AnyValue::Array(map.next_value()?),
                        "kvlistValue" if known => AnyValue::KvList(map.next_value()?),
                        _ => {
                            map.next_value::<Lenient<serde_json::Value>>()?;
                            continue;
                        }
                    };
                    if !read.is_null() {
                        value = read;
                    }
                }
                Ok(value)
            }
        }
        d.deserialize_map(V(std::marker::PhantomData))
    }
}

impl AnyValue<'_> {
    /// Whether the field read is `null` (proto3 JSON may write unset fields so).
    fn is_null(&self) -> bool {
        match self {
            AnyValue::Null => true,
            AnyValue::String(v) | AnyValue::Bytes(v) => matches!(v, Lenient::Null),
            AnyValue::Bool(v) => matches!(v, Lenient::Null),
            AnyValue::Int(v) | AnyValue::Double(v) => matches!(v, Lenient::Null),
            AnyValue::Array(v) => matches!(v, Lenient::Null),
            AnyValue::KvList(v) => matches!(v, Lenient::Null),
        }
    }
}

/// `{"values": [...]}` of an array value.
#[derive(Deserialize, Default)]
#[serde(default)]
struct ArrayValue<'a> {
    #[serde(borrow)]
    values: List<AnyValue<'a>>,
}

/// `{"values": [...]}` of a key-value list value.
#[derive(Deserialize, Default)]
#[serde(default)]
struct KvList<'a> {
    #[serde(borrow)]
    values: List<Attribute<'a>>,
}

objects!(
    Doc,
    ResourceSpans,
    Attributed,
    ScopeSpans,
    RawSpan,
    Event,
    Link,
    Status,
    Attribute,
    AnyValue,
    ArrayValue,
    KvList
);

/// The spans of an OTLP document whose root is at `path`.
pub(super) fn parse(doc: &Doc, path: &Path, w: &mut Warnings) -> Vec<Span> {
    let (key, resources) = if doc.resource_spans.is_present() {
        ("resourceSpans", &doc.resource_spans)
    } else {
        ("batches", &doc.batches)
    };
    let resources_path = path.key(key);
    let mut spans = Vec::new();
    for (r, rs) in resources.items(w, &resources_path).iter().enumerate() {
        let rpath = resources_path.index(r);
        let Some(rs) = rs.read(w, &rpath, "an object") else { continue };
        let resource_path = rpath.key("resource");
        let service_tags: Arc<Vec<KeyValue>> =
            match rs.resource.read(w, &resource_path, "an object") {
                Some(resource) => Arc::new(attributes(&resource.attributes, &resource_path, w)),
                None => Arc::default(),
            };
        let service_name = service_tags
            .iter()
            .find(|kv| kv.key == "service.name")
            .map(|kv| crate::js::to_js_string(&kv.value))
            .unwrap_or_default();
        // Some exporters mix both scope keys in one document; read whichever is there.
        let (scopes_key, scopes) = if rs.scope_spans.is_present() {
            ("scopeSpans", &rs.scope_spans)
        } else {
            ("instrumentationLibrarySpans", &rs.library_spans)
        };
        let scopes_path = rpath.key(scopes_key);
        for (s, scope) in scopes.items(w, &scopes_path).iter().enumerate() {
            let spath = scopes_path.index(s);
            let Some(scope) = scope.read(w, &spath, "an object") else { continue };
            let spans_path = spath.key("spans");
            let raw_spans = scope.spans.items(w, &spans_path);
            spans.reserve(raw_spans.len());
            for (i, span) in raw_spans.iter().enumerate() {
                let path = spans_path.index(i);
                if let Some(span) = span.read(w, &path, "a span object") {
                    spans.push(parse_span(span, &path, &service_name, &service_tags, w));
                }
            }
        }
    }
    spans
}

fn parse_span(
    span: &RawSpan,
    path: &Path,
    service_name: &str,
    service_tags: &Arc<Vec<KeyValue>>,
    w: &mut Warnings,
) -> Span {
    // Grafana's Tempo backend writes a 64-bit trace id padded to 16 bytes as its 16 hex digits.
    let trace_id = required_id(&span.trace_id, 16, &path.key("traceId"), w);
    let trace_id = trace_id.strip_prefix("0000000000000000").unwrap_or(&trace_id).to_string();
    let span_id = required_id(&span.span_id, 8, &path.key("spanId"), w);
    let parent_path = path.key("parentSpanId");
    let parent_span_id = match span.parent_span_id.read(w, &parent_path, "a string") {
        Some(p) if !p.is_empty() => id(p, 8, &parent_path, w),
        _ => None, // empty = root
    };
    let start_path = path.key("startTimeUnixNano");
    let start = span.start_time_unix_nano.number(w, &start_path);
    let end = span.end_time_unix_nano.number(w, &path.key("endTimeUnixNano"));
    let start_nanos = start.unwrap_or(0.0);
    // Subtracting in integers when both times are integers keeps the duration exact (two f64
    // epoch nanos are only 256 ns apart: 92 µs would become 91.904); Grafana's Tempo backend
    // subtracts int64 nanos too.
    let exact = |n: &Lenient<Num>| n.get().and_then(Num::to_u64);
    let duration = match (exact(&span.start_time_unix_nano), exact(&span.end_time_unix_nano)) {
        (Some(s), Some(e)) if start.is_some() => (i128::from(e) - i128::from(s)) as f64 / 1000.0,
        _ => (end.unwrap_or(start_nanos) - start_nanos) / 1000.0,
    };

    let mut references = Vec::new();
    if let Some(parent) = &parent_span_id {
        references.push(SpanReference::parent(&trace_id, parent));
    }
    let links_path = path.key("links");
    for (l, link) in span.links.items(w, &links_path).iter().enumerate() {
        let lpath = links_path.index(l);
        let Some(link) = link.read(w, &lpath, "an object") else { continue };
        // A link whose ids are empty or not ids is skipped silently: some test data and buggy
        // exporters write placeholders.
        let quiet = &mut Warnings::default();
        // Grafana's Tempo backend trims every leading zero of a link's trace id (TrimLeft "0").
        let link_trace = link
            .trace_id
            .get()
            .and_then(|t| id(t, 16, &lpath, quiet))
            .map(|t| t.trim_start_matches('0').to_string());
        let link_span = link.span_id.get().and_then(|s| id(s, 8, &lpath, quiet));
        if let (Some(trace_id), Some(span_id)) = (link_trace, link_span) {
            references.push(SpanReference {
                ref_type: RefType::External,
                trace_id,
                span_id,
                tags: attributes(&link.attributes, &lpath, w),
            });
        }
    }

    let events_path = path.key("events");
    let events = span.events.items(w, &events_path);
    let mut logs = Vec::with_capacity(events.len());
    for (e, event) in events.iter().enumerate() {
        let epath = events_path.index(e);
        let Some(event) = event.read(w, &epath, "an object") else { continue };
        logs.push(SpanEvent {
            timestamp: event.time_unix_nano.number(w, &epath.key("timeUnixNano")).unwrap_or(0.0)
                / 1000.0,
            name: event.name.read(w, &epath.key("name"), "a string").map(|n| n.to_string()),
            fields: attributes(&event.attributes, &epath, w),
        });
    }

    let status_path = path.key("status");
    let (status_code, status_message) = match span.status.read(w, &status_path, "an object") {
        Some(st) => {
            let code = status_code(&st.code, &status_path.key("code"), w);
            let message = st
                .message
                .read(w, &status_path.key("message"), "a string")
                .filter(|m| !m.is_empty())
                .map(|m| m.to_string());
            (code.map(str::to_string), message)
        }
        None => (None, None),
    };

    Span {
        trace_id,
        span_id,
        parent_span_id,
        operation_name: span
            .name
            .read(w, &path.key("name"), "a string")
            .map(|n| n.to_string())
            .unwrap_or_default(),
        service_name: service_name.to_string(),
        // As JavaScript computes it: Number(nanos) / 1000, in f64.
        start_time: start_nanos / 1000.0,
        duration,
        kind: span_kind(&span.kind, &path.key("kind"), w),
        status_code,
        status_message,
        service_tags: service_tags.clone(),
        tags: attributes(&span.attributes, path, w),
        logs,
        references,
    }
}

/// A required id (empty when missing or not an id).
fn required_id(value: &Lenient<Text>, bytes: usize, path: &Path, w: &mut Warnings) -> String {
    value.required_id(w, path).and_then(|text| id(text, bytes, path, w)).unwrap_or_default()
}

/// An id as lower-case hex. Hex of the expected length (or a 64-bit trace id) is taken as is;
/// otherwise base64 is decoded; other hex strings are kept rather than rejected.
fn id(text: &str, bytes: usize, path: &Path, w: &mut Warnings) -> Option<String> {
    let len = text.len();
    if is_hex(text) && (len == bytes * 2 || (bytes == 16 && len == 16)) {
        return Some(text.to_ascii_lowercase());
    }
    if let Some(decoded) = base64_decode(text).filter(|d| !d.is_empty()) {
        return Some(to_hex(&decoded));
    }
    if is_hex(text) {
        return Some(text.to_ascii_lowercase());
    }
    w.push(path, format!("not a hex or base64 id: {}", quoted(text)));
    None
}

/// The `attributes` of the resource, span, event or link at `path`.
fn attributes(list: &List<Attribute>, path: &Path, w: &mut Warnings) -> Vec<KeyValue> {
    key_values(list, &path.key("attributes"), w)
}

/// Key/value pairs; an entry without a key or with a broken value is dropped with a warning.
fn key_values(list: &List<Attribute>, path: &Path, w: &mut Warnings) -> Vec<KeyValue> {
    let items = list.items(w, path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ipath = path.index(i);
        let Some(kv) = item.read(w, &ipath, "an object") else { continue };
        let missing = "missing `key`: the attribute is dropped";
        let Some(key) = kv.key.require(w, &ipath.key("key"), "a string", missing) else {
            continue;
        };
        let vpath = ipath.key("value");
        let value = match kv.value.read(w, &vpath, "an object") {
            Some(v) => match any_value(v, &vpath, w) {
                Some(v) => v,
                None => continue,
            },
            None if matches!(kv.value, Lenient::Wrong(_)) => continue,
            None => Value::Null,
        };
        out.push(KeyValue { key: key.to_string(), value });
    }
    out
}

/// An OTLP `AnyValue` as the plain JSON value Grafana shows; `None` (with a warning) when the set
/// field is broken.
fn any_value(v: &AnyValue, path: &Path, w: &mut Warnings) -> Option<Value> {
    match v {
        AnyValue::Null => Some(Value::Null),
        AnyValue::String(s) => {
            let s = s.read(w, &path.key("stringValue"), "a string")?;
            Some(Value::String(s.to_string()))
        }
        AnyValue::Int(n) => {
            let ipath = path.key("intValue");
            match n.read(w, &ipath, "an integer or an integer string")? {
                Num::U64(n) => Some(Value::from(*n)),
                Num::I64(n) => Some(Value::from(*n)),
                Num::F64(x) => Some(crate::js::number_value(*x)),
                Num::Text(s) => match s.trim().parse::<i64>() {
                    Ok(n) => Some(Value::from(n)),
                    Err(_) => {
                        w.push(&ipath, format!("expected an integer string, found {}", quoted(s)));
                        None
                    }
                },
            }
        }
        AnyValue::Double(n) => {
            let dpath = path.key("doubleValue");
            match n.read(w, &dpath, "a number")? {
                Num::Text(s) => match crate::js::js_string_to_number(s) {
                    x if x.is_finite() && !s.trim().is_empty() => Some(crate::js::number_value(x)),
                    // Proto3 JSON writes NaN/Infinity as strings; JSON has no such numbers:
                    // keep the text.
                    _ if matches!(s.trim(), "NaN" | "Infinity" | "-Infinity") => {
                        Some(Value::String(s.to_string()))
                    }
                    _ => {
                        w.push(&dpath, format!("expected a number, found {}", quoted(s)));
                        None
                    }
                },
                n => n.to_f64().map(crate::js::number_value),
            }
        }
        AnyValue::Bool(b) => {
            b.read(w, &path.key("boolValue"), "a boolean").map(|b| Value::Bool(*b))
        }
        // Base64 text, kept as Grafana shows it.
        AnyValue::Bytes(s) => {
            let s = s.read(w, &path.key("bytesValue"), "a base64 string")?;
            Some(Value::String(s.to_string()))
        }
        AnyValue::Array(arr) => {
            let apath = path.key("arrayValue");
            let arr = arr.read(w, &apath, "an object")?;
            let vpath = apath.key("values");
            let items = arr.values.items(w, &vpath);
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let ipath = vpath.index(i);
                match item.read(w, &ipath, "an object") {
                    Some(item) => out.push(any_value(item, &ipath, w).unwrap_or(Value::Null)),
                    None => out.push(Value::Null),
                }
            }
            Some(Value::Array(out))
        }
        AnyValue::KvList(list) => {
            let kpath = path.key("kvlistValue");
            let list = list.read(w, &kpath, "an object")?;
            let pairs = key_values(&list.values, &kpath.key("values"), w);
            Some(Value::Object(pairs.into_iter().map(|kv| (kv.key, kv.value)).collect()))
        }
    }
}

/// Span kind as a number or `SPAN_KIND_*` string → `server` etc.; `None` when unspecified.
fn span_kind(value: &Lenient<Num>, path: &Path, w: &mut Warnings) -> Option<String> {
    let name = match value.read(w, path, "a number or a string")? {
        Num::Text(s) => {
            let name = s.strip_prefix("SPAN_KIND_").unwrap_or(s).to_ascii_lowercase();
            return (!name.is_empty() && name != "unspecified").then_some(name);
        }
        n => match n.to_u64() {
            Some(1) => "internal",
            Some(2) => "server",
            Some(3) => "client",
            Some(4) => "producer",
            Some(5) => "consumer",
            _ => return None,
        },
    };
    Some(name.to_string())
}

/// Status code as a number or `STATUS_CODE_*` string → `OK`/`ERROR`/`UNSET` (absent = `UNSET`, the
/// proto3 default); `None` with a warning for an unknown code.
fn status_code(value: &Lenient<Num>, path: &Path, w: &mut Warnings) -> Option<&'static str> {
    let code = match value {
        Lenient::Missing | Lenient::Null => return Some("UNSET"),
        Lenient::Wrong(found) => {
            w.push(path, found.message("a number or a string"));
            return None;
        }
        Lenient::Ok(Num::Text(s)) => {
            match s.strip_prefix("STATUS_CODE_").unwrap_or(s).to_ascii_uppercase().as_str() {
                "UNSET" => Some(0),
                "OK" => Some(1),
                "ERROR" => Some(2),
                _ => None,
            }
        }
        Lenient::Ok(n) => n.to_u64(),
    };
    match code {
        Some(0) => Some("UNSET"),
        Some(1) => Some("OK"),
        Some(2) => Some("ERROR"),
        _ => {
            let shown = value.get().map(Num::preview).unwrap_or_default();
            w.push(path, format!("unknown status code {shown}: the span is kept without a status"));
            None
        }
    }
}

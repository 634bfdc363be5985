//! Jaeger `/api/traces` JSON → [`Span`]s: the envelope `{data: [trace…], total, limit, offset,
//! errors}` or one trace object `{traceID, spans, processes}`.

use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

use super::lenient::{objects, quoted, Entries, Json, Lenient, List, Num, Path, Text, Warnings};
use super::{KeyValue, RefType, Span, SpanEvent, SpanReference};
use crate::error::{Error, ErrorCode, Result};

/// The part of a trace document Jaeger readers look at: the envelope's `data` and `errors`, or
/// one trace's `spans` and `processes` (filled by the format detection in `model`).
#[derive(Default)]
pub(super) struct Doc<'a> {
    pub data: List<TraceObject<'a>>,
    pub errors: List<ErrorObject<'a>>,
    pub trace: TraceObject<'a>,
}

/// One trace: `spans` and the `processes` they point at.
#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct TraceObject<'a> {
    #[serde(borrow)]
    pub spans: List<RawSpan<'a>>,
    #[serde(borrow)]
    pub processes: Lenient<Processes<'a>>,
}

/// `processes`: process id → process.
pub(super) type Processes<'a> = Entries<'a, Lenient<Process<'a>>>;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct ErrorObject<'a> {
    #[serde(borrow)]
    msg: Lenient<Text<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Process<'a> {
    #[serde(borrow)]
    service_name: Lenient<Text<'a>>,
    #[serde(borrow)]
    tags: List<Tag<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct RawSpan<'a> {
    #[serde(rename = "traceID", borrow)]
    trace_id: Lenient<Text<'a>>,
    #[serde(rename = "spanID", borrow)]
    span_id: Lenient<Text<'a>>,
    #[serde(rename = "parentSpanID", borrow)]
    parent_span_id: Lenient<Text<'a>>,
    #[serde(rename = "operationName", borrow)]
    operation_name: Lenient<Text<'a>>,
    #[serde(borrow)]
    references: List<Reference<'a>>,
    #[serde(rename = "startTime", borrow)]
    start_time: Lenient<Num<'a>>,
    #[serde(borrow)]
    duration: Lenient<Num<'a>>,
    #[serde(rename = "processID", borrow)]
    process_id: Lenient<Text<'a>>,
    #[serde(borrow)]
    process: Lenient<Process<'a>>,
    #[serde(borrow)]
    tags: List<Tag<'a>>,
    #[serde(borrow)]
    logs: List<Log<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Reference<'a> {
    #[serde(rename = "refType", borrow)]
    ref_type: Lenient<Text<'a>>,
    #[serde(rename = "traceID", borrow)]
    trace_id: Lenient<Text<'a>>,
    #[serde(rename = "spanID", borrow)]
    span_id: Lenient<Text<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Log<'a> {
    #[serde(borrow)]
    timestamp: Lenient<Num<'a>>,
    #[serde(borrow)]
    fields: List<Tag<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tag<'a> {
    #[serde(borrow)]
    key: Lenient<Text<'a>>,
    #[serde(rename = "type", borrow)]
    typ: Lenient<Text<'a>>,
    #[serde(borrow)]
    value: Json<'a>,
}

objects!(TraceObject, ErrorObject, Process, RawSpan, Reference, Log, Tag);

impl Doc<'_> {
    /// Whether this object is a Jaeger document (`data`, or `spans` with `processes`).
    pub(super) fn detected(&self) -> bool {
        self.data.is_present()
            || (self.trace.spans.is_present() && self.trace.processes.is_present())
    }
}

/// The spans of a Jaeger document. Jaeger's error answer (`{"data": null, "errors": [...]}`) is
/// an error: it holds no trace.
pub(super) fn parse(doc: &Doc, w: &mut Warnings) -> Result<Vec<Span>> {
    let root = Path::ROOT;
    if !doc.data.is_present() {
        return Ok(parse_trace(&doc.trace, &root, w));
    }
    if doc.data.get().is_none() {
        if let Some(Some(first)) = doc.errors.get().and_then(|e| e.first()).map(Lenient::get) {
            let msg = first.msg.get().map_or("(no message)", |m| m);
            return Err(Error::new(
                ErrorCode::InvalidTrace,
                "errors[0]",
                format!("Jaeger returned an error: {msg}"),
            ));
        }
    }
    let data_path = root.key("data");
    let mut spans = Vec::new();
    for (t, trace) in doc.data.items(w, &data_path).iter().enumerate() {
        let path = data_path.index(t);
        if let Some(trace) = trace.read(w, &path, "an object") {
            spans.extend(parse_trace(trace, &path, w));
        }
    }
    Ok(spans)
}

/// A process as spans share it.
struct SharedProcess {
    service_name: String,
    tags: Arc<Vec<KeyValue>>,
}

fn parse_trace(trace: &TraceObject, path: &Path, w: &mut Warnings) -> Vec<Span> {
    let processes_path = path.key("processes");
    let mut processes = HashMap::new();
    if let Some(entries) = trace.processes.read(w, &processes_path, "an object") {
        for (pid, process) in &entries.0 {
            let ppath = processes_path.key(pid);
            if let Some(process) = process.read(w, &ppath, "an object") {
                processes.entry(&**pid).or_insert_with(|| shared_process(process, &ppath, w));
            }
        }
    }
    let spans_path = path.key("spans");
    let raw = trace.spans.items(w, &spans_path);
    let mut spans = Vec::with_capacity(raw.len());
    for (i, span) in raw.iter().enumerate() {
        let span_path = spans_path.index(i);
        if let Some(span) = span.read(w, &span_path, "a span object") {
            spans.push(parse_span(span, &span_path, &processes, w));
        }
    }
    spans
}

fn shared_process(process: &Process, path: &Path, w: &mut Warnings) -> SharedProcess {
    SharedProcess {
        service_name: process
            .service_name
            .read(w, &path.key("serviceName"), "a string")
            .map(|s| s.to_string())
            .unwrap_or_default(),
        tags: Arc::new(tags(&process.tags, &path.key("tags"), w)),
    }
}

/// A required id, lower-cased (empty when missing).
fn required_id(value: &Lenient<Text>, path: &Path, w: &mut Warnings) -> String {
    value.required_id(w, path).map(str::to_ascii_lowercase).unwrap_or_default()
}

fn parse_span(
    span: &RawSpan,
    path: &Path,
    processes: &HashMap<&str, SharedProcess>,
    w: &mut Warnings,
) -> Span {
    let trace_id = required_id(&span.trace_id, &path.key("traceID"), w);
    let span_id = required_id(&span.span_id, &path.key("spanID"), w);

    // The process: `processes[processID]`, or a `process` embedded in the span.
    let pid_path = path.key("processID");
    let embedded;
    let process = match span.process_id.read(w, &pid_path, "a string") {
        Some(pid) => {
            let found = processes.get(&**pid);
            if found.is_none() {
                w.push(
                    &pid_path,
                    format!("no process {} in `processes`: the span has no service", quoted(pid)),
                );
            }
            found
        }
        None => match span.process.read(w, &path.key("process"), "an object") {
            Some(p) => {
                embedded = shared_process(p, &path.key("process"), w);
                Some(&embedded)
            }
            None => None,
        },
    };
    let (service_name, service_tags) = match process {
        Some(p) => (p.service_name.clone(), p.tags.clone()),
        None => (String::new(), Arc::default()),
    };

    let mut references = Vec::new();
    let refs_path = path.key("references");
    for (r, reference) in span.references.items(w, &refs_path).iter().enumerate() {
        let rpath = refs_path.index(r);
        let Some(reference) = reference.read(w, &rpath, "an object") else { continue };
        let type_path = rpath.key("refType");
        let ref_type = match reference.ref_type.read(w, &type_path, "a string").map(|t| &**t) {
            None => RefType::ChildOf,
            Some("CHILD_OF") => RefType::ChildOf,
            Some("FOLLOWS_FROM") => RefType::FollowsFrom,
            // Grafana's trace model has it (a span link); its links are titled "View linked span".
            Some("EXTERNAL") => RefType::External,
            Some(other) => {
                w.push(
                    &type_path,
                    format!(
                        "expected CHILD_OF, FOLLOWS_FROM or EXTERNAL, found {}: the reference is dropped",
                        quoted(other)
                    ),
                );
                continue;
            }
        };
        let ref_trace = reference
            .trace_id
            .read(w, &rpath.key("traceID"), "a string")
            .map(|t| t.to_ascii_lowercase())
            .unwrap_or_else(|| trace_id.clone());
        let missing = "missing `spanID`: the reference is dropped";
        let Some(ref_span) = reference
            .span_id
            .require(w, &rpath.key("spanID"), "a string", missing)
            .filter(|s| !s.is_empty())
        else {
            continue;
        };
        references.push(SpanReference {
            ref_type,
            trace_id: ref_trace,
            span_id: ref_span.to_ascii_lowercase(),
            tags: Vec::new(),
        });
    }

    // The parent: an explicit `parentSpanID`, else the first CHILD_OF reference. Either way it
    // ends up as the first reference (the model's order).
    let explicit_parent = span
        .parent_span_id
        .read(w, &path.key("parentSpanID"), "a string")
        .filter(|p| !p.is_empty())
        .map(|p| p.to_ascii_lowercase());
    let parent_span_id = match explicit_parent {
        Some(parent) => {
            match references
                .iter()
                .position(|r| r.ref_type == RefType::ChildOf && r.span_id == parent)
            {
                Some(i) => references[..=i].rotate_right(1),
                None => references.insert(0, SpanReference::parent(&trace_id, &parent)),
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

    let span_tags = tags(&span.tags, &path.key("tags"), w);
    let kind = span_tags
        .iter()
        .find(|kv| kv.key == "span.kind")
        .map(|kv| crate::js::to_js_string(&kv.value).to_ascii_lowercase())
        .filter(|k| !k.is_empty());

    let logs_path = path.key("logs");
    let raw_logs = span.logs.items(w, &logs_path);
    let mut logs = Vec::with_capacity(raw_logs.len());
    for (l, log) in raw_logs.iter().enumerate() {
        let lpath = logs_path.index(l);
        let Some(log) = log.read(w, &lpath, "an object") else { continue };
        logs.push(SpanEvent {
            timestamp: log.timestamp.number(w, &lpath.key("timestamp")).unwrap_or(0.0),
            name: None,
            fields: tags(&log.fields, &lpath.key("fields"), w),
        });
    }

    Span {
        trace_id,
        span_id,
        parent_span_id,
        operation_name: span
            .operation_name
            .read(w, &path.key("operationName"), "a string")
            .map(|n| n.to_string())
            .unwrap_or_default(),
        service_name,
        start_time: span.start_time.number(w, &path.key("startTime")).unwrap_or(0.0),
        duration: span.duration.number(w, &path.key("duration")).unwrap_or(0.0),
        kind,
        status_code: None,
        status_message: None,
        service_tags,
        tags: span_tags,
        logs,
        references,
    }
}

/// Jaeger tags `{key, type, value}` → key/value pairs. The value is already typed JSON in
/// `/api/traces`; numeric and boolean values written as strings are converted by their `type`.
/// A tag without a key is dropped with a warning.
fn tags(list: &List<Tag>, path: &Path, w: &mut Warnings) -> Vec<KeyValue> {
    let items = list.items(w, path);
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ipath = path.index(i);
        let Some(tag) = item.read(w, &ipath, "an object") else { continue };
        let missing = "missing `key`: the tag is dropped";
        let Some(key) = tag.key.require(w, &ipath.key("key"), "a string", missing) else {
            continue;
        };
        let typ = tag.typ.get().map_or("string", |t| t);
        let value = match &tag.value {
            Json::Text(s) if typ.eq_ignore_ascii_case("int64") => {
                s.trim().parse::<i64>().map_or_else(|_| tag.value.to_value(), Value::from)
            }
            Json::Text(s) if typ.eq_ignore_ascii_case("float64") => {
                Some(crate::js::js_string_to_number(s))
                    .filter(|x| x.is_finite() && !s.trim().is_empty())
                    .map_or_else(|| tag.value.to_value(), crate::js::number_value)
            }
            Json::Text(s)
                if typ.eq_ignore_ascii_case("bool") && (&**s == "true" || &**s == "false") =>
            {
                Value::Bool(&**s == "true")
            }
            other => other.to_value(),
        };
        out.push(KeyValue { key: key.to_string(), value });
    }
    out
}

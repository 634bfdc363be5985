//! The trace model the link builders read: Grafana's trace-view span (`TraceSpan`), filled from
//! Tempo/OTLP JSON, Jaeger JSON, Zipkin v2 JSON or Grafana's trace data frame.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

use crate::error::{Error, ErrorCode, Result};

mod frame;
mod jaeger;
mod lenient;
mod otlp;
mod read;
mod zipkin;

pub(crate) use frame::Frame;
pub use lenient::TraceWarning;
use lenient::{Lenient, List, Path, Warnings};

/// An attribute: a key and its JSON value (string, number, bool, array or object).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyValue {
    /// Attribute name, e.g. `service.name`.
    pub key: String,
    /// Attribute value.
    pub value: Value,
}

impl KeyValue {
    /// An attribute with this key and value.
    pub fn new(key: impl Into<String>, value: impl Into<Value>) -> KeyValue {
        KeyValue { key: key.into(), value: value.into() }
    }
}

/// A span event (OTLP event, Jaeger log, Zipkin annotation).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanEvent {
    /// Microseconds since the epoch.
    pub timestamp: f64,
    /// The event name (OTLP `name`, Zipkin annotation `value`); Jaeger logs carry it as a field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The event's attributes (Jaeger log fields, OTLP event attributes).
    pub fields: Vec<KeyValue>,
}

/// How a span refers to another span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RefType {
    /// The parent span (Grafana's trace view skips these for links).
    #[serde(rename = "CHILD_OF")]
    ChildOf,
    /// A causal, non-parent reference (Jaeger/OpenTracing `FOLLOWS_FROM`).
    #[serde(rename = "FOLLOWS_FROM")]
    FollowsFrom,
    /// An OTel span link (Grafana calls these `EXTERNAL`).
    #[serde(rename = "EXTERNAL")]
    External,
}

/// A reference to another span: the parent (`CHILD_OF`), a `FOLLOWS_FROM`, or an OTel span link.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SpanReference {
    /// How the span relates to the referenced one.
    pub ref_type: RefType,
    /// Trace id of the referenced span, lower-case hex.
    #[serde(rename = "traceID")]
    pub trace_id: String,
    /// Span id of the referenced span, lower-case hex.
    #[serde(rename = "spanID")]
    pub span_id: String,
    /// Attributes of the reference (OTel span-link attributes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<KeyValue>,
}

impl SpanReference {
    /// The reference to a span's parent (`CHILD_OF`, no attributes), as every format writes it.
    pub fn parent(trace_id: &str, span_id: &str) -> SpanReference {
        SpanReference {
            ref_type: RefType::ChildOf,
            trace_id: trace_id.to_string(),
            span_id: span_id.to_string(),
            tags: Vec::new(),
        }
    }
}

/// One span, with Grafana's field meanings: times in microseconds since the epoch (fractions kept,
/// as JavaScript keeps them), ids as lower-case hex.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Span {
    /// Trace id, lower-case hex.
    #[serde(rename = "traceID")]
    pub trace_id: String,
    /// Span id, lower-case hex.
    #[serde(rename = "spanID")]
    pub span_id: String,
    /// The parent span id; `None` for a root.
    #[serde(rename = "parentSpanID", skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<String>,
    /// The span name (OTLP `name`, Jaeger `operationName`).
    pub operation_name: String,
    /// The `service.name` resource attribute, or Jaeger's `process.serviceName`.
    pub service_name: String,
    /// Microseconds since the epoch.
    pub start_time: f64,
    /// Microseconds.
    pub duration: f64,
    /// `client`, `server`, `producer`, `consumer`, `internal` (lower case), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `OK`, `ERROR` or `UNSET` when the format carries a status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<String>,
    /// The status message (OTLP `status.message`), when present.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
    /// Resource attributes / process tags, shared by the spans of one resource or process.
    pub service_tags: Arc<Vec<KeyValue>>,
    /// Span attributes.
    pub tags: Vec<KeyValue>,
    /// Span events (OTLP events, Jaeger logs, Zipkin annotations).
    pub logs: Vec<SpanEvent>,
    /// Parent first (`CHILD_OF`), then other references and span links, as the source lists them.
    pub references: Vec<SpanReference>,
}

impl Span {
    /// The first value of `key` in resource attributes, then span attributes (Grafana's
    /// "all tags" order).
    pub fn attribute(&self, key: &str) -> Option<&Value> {
        self.service_tags
            .iter()
            .chain(self.tags.iter())
            .find(|kv| kv.key == key)
            .map(|kv| &kv.value)
    }

    /// Grafana's "all tags" list (docs/grafana.md §2): resource attributes, span attributes, then the
    /// synthetic `spanId`, `traceId`, `name`, `duration` entries. Duplicates are kept.
    pub fn all_tags(&self) -> impl Iterator<Item = (&str, std::borrow::Cow<'_, Value>)> {
        use std::borrow::Cow;
        let synthetic = [
            ("spanId", Value::from(self.span_id.as_str())),
            ("traceId", Value::from(self.trace_id.as_str())),
            ("name", Value::from(self.operation_name.as_str())),
            ("duration", crate::js::number_value(self.duration)),
        ];
        self.service_tags
            .iter()
            .chain(self.tags.iter())
            .map(|kv| (kv.key.as_str(), Cow::Borrowed(&kv.value)))
            .chain(synthetic.into_iter().map(|(k, v)| (k, Cow::Owned(v))))
    }
}

/// The format a trace document was written in (detected, never declared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TraceFormat {
    /// Tempo / OTLP JSON (`resourceSpans` or the older `batches`).
    Otlp,
    /// Jaeger `/api/traces` JSON (envelope or one trace object).
    Jaeger,
    /// Zipkin v2 JSON (an array of spans).
    Zipkin,
    /// Grafana's trace data frame (`DataFrame` or `DataFrameJSON`), as a panel receives it.
    #[serde(rename = "dataframe")]
    DataFrame,
}

/// A parsed trace: every span, indexed by span id. Parse once, then ask for many spans' links.
///
/// ```
/// let trace = spanlink::Trace::from_json(
///     r#"[{"traceId":"0af7651916cd43dd8448eb211c80319c",
///   "id":"b7ad6b7169203331","name":"get /cart","timestamp":1602637200000000,"duration":1000,
///   "localEndpoint":{"serviceName":"cart"}}]"#,
/// )
/// .unwrap();
/// assert_eq!(trace.spans.len(), 1);
/// assert_eq!(trace.spans[0].service_name, "cart");
/// ```
#[derive(Debug, Clone)]
pub struct Trace {
    /// The format the document was detected as.
    pub format: TraceFormat,
    /// Spans in document order.
    pub spans: Vec<Span>,
    by_id: HashMap<String, usize>,
    /// span id → the spans whose non-first references point at it (Grafana's
    /// `subsidiarilyReferencedBy`), as (span index, reference index).
    referenced_by: HashMap<String, Vec<(usize, usize)>>,
    /// Index of [`Trace::root_span`] and the value of [`Trace::time_bounds`], computed once: every
    /// span's `__trace` variable needs them, and both scan the whole trace.
    root: Option<usize>,
    bounds: (f64, f64),
    warnings: Vec<TraceWarning>,
    /// The data frame's own fields and cells, when the trace came as a frame.
    frame: Option<Frame>,
}

/// The span-count and attributes-per-span limits (`crate::limits`).
fn check_counts(spans: &[Span]) -> Result<()> {
    use crate::limits::{check, ATTRIBUTES_PER_SPAN, SPANS};
    check("", "the number of spans", spans.len(), SPANS)?;
    for (i, span) in spans.iter().enumerate() {
        let attributes = span.tags.len() + span.service_tags.len();
        let what = format!("the number of attributes of span {:?}", span.span_id);
        check(&format!("spans[{i}]"), &what, attributes, ATTRIBUTES_PER_SPAN)?;
    }
    Ok(())
}

impl Trace {
    /// Parses a trace document and detects its format. Read straight from the text (no JSON
    /// tree); broken fields inside a trace are dropped with a [`TraceWarning`] (see
    /// [`Trace::warnings`]); lone UTF-16 surrogate escapes become U+FFFD. Only text that is not
    /// JSON (`INVALID_JSON`) or not a trace (`INVALID_TRACE`) is an error.
    ///
    /// ```
    /// // A lone surrogate, as buggy SDKs write it, and a kind of the wrong type.
    /// let trace = spanlink::Trace::from_json(
    ///     r#"[{"traceId": "7946b05c2e2e4e5a", "id": "b7ad6b7169203331", "name": "cart\ud800",
    ///         "kind": 5}]"#,
    /// )?;
    /// assert_eq!(trace.spans[0].operation_name, "cart\u{fffd}");
    /// assert_eq!(trace.spans[0].kind, None);
    /// assert_eq!(trace.warnings()[0].path, "[0].kind");
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Trace> {
        crate::limits::check(
            "",
            "the trace's size in bytes",
            text.len(),
            crate::limits::TRACE_BYTES,
        )?;
        let parsed = crate::js::parse_json_with(text, |text| {
            serde_json::from_str::<TopLevel>(text).map(|top| top.into_trace(text))
        });
        match parsed {
            Ok(trace) => trace,
            // JSON the typed reader cannot take: a key written twice, which `JSON.parse` allows
            // (the last one counts). A JSON tree keeps the last; read it written out again.
            Err(e) if e.classify() == serde_json::error::Category::Data => {
                let tree =
                    crate::js::json_parse::<Value>(text).map_err(|e| invalid_json(text, e))?;
                Trace::from_value(&tree)
            }
            Err(e) => Err(invalid_json(text, e)),
        }
    }

    /// Builds a trace from an already parsed JSON document (as [`Trace::from_json`]). It is
    /// written out and read as text: one reader (and one copy of its code in the wasm) for both.
    /// A data frame, or an array of frames (a panel's `data.series`), is read from the tree.
    pub fn from_value(value: &Value) -> Result<Trace> {
        if frame::detect(value) {
            return frame::parse(value);
        }
        let text = value.to_string();
        serde_json::from_str::<TopLevel>(&text)
            .map_err(|e| Error::new(ErrorCode::InvalidTrace, "", e.to_string()))?
            .into_trace(&text)
    }

    /// Builds a trace from spans made in code (tests, generators).
    pub fn from_spans(format: TraceFormat, spans: Vec<Span>) -> Trace {
        let mut by_id = HashMap::with_capacity(spans.len());
        for (i, span) in spans.iter().enumerate() {
            by_id.entry(span.span_id.clone()).or_insert(i);
        }
        let mut referenced_by: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
        for (i, span) in spans.iter().enumerate() {
            // Like Jaeger UI's trace transform, the first reference (the parent) does not count.
            for (r, reference) in span.references.iter().enumerate().skip(1) {
                referenced_by.entry(reference.span_id.clone()).or_default().push((i, r));
            }
        }
        let mut trace = Trace {
            format,
            spans,
            by_id,
            referenced_by,
            root: None,
            bounds: (0.0, 0.0),
            warnings: Vec::new(),
            frame: None,
        };
        trace.root = trace.find_root();
        trace.bounds = trace.find_bounds();
        trace
    }

    /// The fields of the document that could not be read and were left out (path and reason),
    /// span by span in document order. Spans with a broken field are kept without it, as Grafana shows what
    /// it can.
    pub fn warnings(&self) -> &[TraceWarning] {
        &self.warnings
    }

    /// The span with this id (lower-case hex), `None` when the trace has none.
    ///
    /// ```
    /// let trace = spanlink::Trace::from_json(
    ///     r#"{"resourceSpans": [{"resource": {"attributes": [
    ///   {"key": "service.name", "value": {"stringValue": "cart"}}]},
    ///   "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
    ///   "name": "GET /cart", "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000"}]}]}]}"#,
    /// )?;
    /// let span = trace.span("6605c7b08e715d6c").unwrap();
    /// assert_eq!(span.operation_name, "GET /cart");
    /// assert_eq!(span.attribute("service.name").unwrap(), "cart");
    /// assert_eq!(span.duration, 1_000_000.0); // microseconds
    /// assert!(trace.span("0000000000000000").is_none());
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn span(&self, span_id: &str) -> Option<&Span> {
        self.by_id.get(span_id).map(|&i| &self.spans[i])
    }

    /// The span with this id, or a `SPAN_NOT_FOUND` error naming it.
    pub fn require_span(&self, span_id: &str) -> Result<&Span> {
        self.span(span_id).ok_or_else(|| {
            Error::new(
                ErrorCode::SpanNotFound,
                "spanId",
                format!("no span with id {span_id:?} in the trace"),
            )
        })
    }

    /// Spans that reference `span_id` other than as their first reference, with that reference.
    pub fn referenced_by(&self, span_id: &str) -> impl Iterator<Item = (&Span, &SpanReference)> {
        self.referenced_by
            .get(span_id)
            .into_iter()
            .flatten()
            .map(|&(s, r)| (&self.spans[s], &self.spans[s].references[r]))
    }

    /// The data frame the trace came as, with the index of `span`'s row: correlations and data
    /// links read the frame's own fields and cells (grafana.md §7.3). `None` for JSON documents.
    pub(crate) fn frame_row(&self, span: &Span) -> Option<(&Frame, usize)> {
        let frame = self.frame.as_ref()?;
        let same = |i: &usize| self.spans.get(*i).is_some_and(|s| std::ptr::eq(s, span));
        let row = self.by_id.get(&span.span_id).copied().filter(same);
        // A repeated span id maps to its first span; find the others by address.
        let row = row.or_else(|| self.spans.iter().position(|s| std::ptr::eq(s, span)))?;
        Some((frame, row))
    }

    /// The trace id (of the first span).
    pub fn trace_id(&self) -> &str {
        self.spans.first().map(|s| s.trace_id.as_str()).unwrap_or("")
    }

    /// The root span as Grafana's trace view picks it: a span with no reference to another span
    /// of this trace; ties broken by fewest references, then earliest start; else the first span.
    ///
    /// ```
    /// // A Zipkin v2 trace whose child span comes first in the document.
    /// let trace = spanlink::Trace::from_json(
    ///     r#"[
    ///   {"traceId": "7946b05c2e2e4e5a", "id": "b7ad6b7169203331", "parentId": "6605c7b08e715d6c",
    ///    "name": "select cart", "timestamp": 1602637200100000, "duration": 2000, "localEndpoint": {"serviceName": "db"}},
    ///   {"traceId": "7946b05c2e2e4e5a", "id": "6605c7b08e715d6c", "name": "get /cart",
    ///    "timestamp": 1602637200000000, "duration": 5000, "localEndpoint": {"serviceName": "cart"}}]"#,
    /// )?;
    /// let root = trace.root_span().unwrap();
    /// assert_eq!(root.span_id, "6605c7b08e715d6c");
    /// assert_eq!(trace.name(), "cart: get /cart");
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn root_span(&self) -> Option<&Span> {
        self.root.map(|i| &self.spans[i])
    }

    fn find_root(&self) -> Option<usize> {
        let in_trace = |s: &Span| {
            s.references
                .iter()
                .filter(|r| r.trace_id == s.trace_id && self.by_id.contains_key(&r.span_id))
                .count()
        };
        self.spans
            .iter()
            .enumerate()
            .filter(|(_, s)| in_trace(s) == 0)
            .min_by(|(_, a), (_, b)| {
                a.references.len().cmp(&b.references.len()).then(
                    a.start_time.partial_cmp(&b.start_time).unwrap_or(std::cmp::Ordering::Equal),
                )
            })
            .map(|(i, _)| i)
            .or(if self.spans.is_empty() { None } else { Some(0) })
    }

    /// Start (µs) and duration (µs) of the whole trace: earliest start to latest end.
    pub fn time_bounds(&self) -> (f64, f64) {
        self.bounds
    }

    fn find_bounds(&self) -> (f64, f64) {
        let start = self.spans.iter().map(|s| s.start_time).fold(f64::INFINITY, f64::min);
        let end =
            self.spans.iter().map(|s| s.start_time + s.duration).fold(f64::NEG_INFINITY, f64::max);
        if start.is_finite() {
            (start, end - start)
        } else {
            (0.0, 0.0)
        }
    }

    /// The trace name Grafana shows: `<root service>: <root operation>`.
    pub fn name(&self) -> String {
        self.root_span()
            .map(|s| format!("{}: {}", s.service_name, s.operation_name))
            .unwrap_or_default()
    }
}

/// Text that is not JSON, or JSON nested past the depth limit.
fn invalid_json(text: &str, e: serde_json::Error) -> Error {
    crate::limits::json_error(text, "", "the trace", "the trace is not valid JSON", e)
}

/// The top level of a trace document: the one place where formats are told apart (detected,
/// never declared).
enum TopLevel<'a> {
    /// An array: Zipkin v2 spans.
    Array(Vec<Lenient<zipkin::RawSpan<'a>>>),
    /// An object: OTLP or Jaeger, by its keys.
    Object(Box<TopObject<'a>>),
    /// Anything else: not a trace.
    Scalar,
}

/// Every top-level key a format is recognised by.
#[derive(Deserialize, Default)]
#[serde(default)]
struct TopObject<'a> {
    #[serde(rename = "resourceSpans", borrow)]
    resource_spans: List<otlp::ResourceSpans<'a>>,
    #[serde(borrow)]
    batches: List<otlp::ResourceSpans<'a>>,
    /// Tempo's v2 API wrapper around an OTLP document.
    #[serde(borrow)]
    trace: Lenient<otlp::Doc<'a>>,
    #[serde(borrow)]
    data: List<jaeger::TraceObject<'a>>,
    #[serde(borrow)]
    errors: List<jaeger::ErrorObject<'a>>,
    #[serde(borrow)]
    spans: List<jaeger::RawSpan<'a>>,
    #[serde(borrow)]
    processes: Lenient<jaeger::Processes<'a>>,
    /// Grafana's data frame: `fields` (`DataFrame`) or `schema` (`DataFrameJSON`); read from a
    /// JSON tree by [`frame`], as frames are not a hot path.
    fields: Option<serde::de::IgnoredAny>,
    schema: Option<serde::de::IgnoredAny>,
}

lenient::objects!(TopObject);

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a trace document")
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                seq: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                Vec::deserialize(SeqAccessDeserializer::new(seq)).map(TopLevel::Array)
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                TopObject::deserialize(MapAccessDeserializer::new(map))
                    .map(|o| TopLevel::Object(Box::new(o)))
            }
            fn visit_some<D: serde::Deserializer<'de>>(
                self,
                d: D,
            ) -> std::result::Result<Self::Value, D::Error> {
                TopLevel::deserialize(d)
            }
            fn visit_unit<E>(self) -> std::result::Result<Self::Value, E> {
                Ok(TopLevel::Scalar)
            }
            fn visit_none<E>(self) -> std::result::Result<Self::Value, E> {
                Ok(TopLevel::Scalar)
            }
            fn visit_bool<E>(self, _: bool) -> std::result::Result<Self::Value, E> {
                Ok(TopLevel::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> std::result::Result<Self::Value, E> {
                Ok(TopLevel::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> std::result::Result<Self::Value, E> {
                Ok(TopLevel::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> std::result::Result<Self::Value, E> {
                Ok(TopLevel::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> std::result::Result<Self::Value, E> {
                Ok(TopLevel::Scalar)
            }
        }
        d.deserialize_any(V)
    }
}

impl TopLevel<'_> {
    /// Detects the format and reads the spans (`text` is the document, for a data frame).
    fn into_trace(self, text: &str) -> Result<Trace> {
        let mut w = Warnings::default();
        let (format, spans) = match self {
            TopLevel::Array(spans) => (TraceFormat::Zipkin, zipkin::parse(&spans, &mut w)),
            TopLevel::Object(o) if o.fields.is_some() || o.schema.is_some() => {
                let tree =
                    crate::js::json_parse::<Value>(text).map_err(|e| invalid_json(text, e))?;
                return frame::parse(&tree);
            }
            TopLevel::Object(o) => {
                let o = *o;
                let jaeger = jaeger::Doc {
                    data: o.data,
                    errors: o.errors,
                    trace: jaeger::TraceObject { spans: o.spans, processes: o.processes },
                };
                let otlp = otlp::Doc { resource_spans: o.resource_spans, batches: o.batches };
                if jaeger.detected() {
                    (TraceFormat::Jaeger, jaeger::parse(&jaeger, &mut w)?)
                } else if otlp.detected() {
                    (TraceFormat::Otlp, otlp::parse(&otlp, &Path::ROOT, &mut w))
                } else if let Some(doc) = o.trace.get().filter(|d| d.detected()) {
                    (TraceFormat::Otlp, otlp::parse(doc, &Path::ROOT.key("trace"), &mut w))
                } else {
                    return Err(not_a_trace());
                }
            }
            TopLevel::Scalar => return Err(not_a_trace()),
        };
        check_counts(&spans)?;
        let mut trace = Trace::from_spans(format, spans);
        trace.warnings = w.0;
        Ok(trace)
    }
}

fn not_a_trace() -> Error {
    Error::new(
        ErrorCode::InvalidTrace,
        "",
        "not a trace in a known format: expected Tempo/OTLP JSON (`resourceSpans` or `batches`), \
         Jaeger JSON (`data` or `spans` + `processes`), Zipkin v2 JSON (an array of spans) \
         or Grafana's trace data frame (`fields`, or `schema` + `data`)",
    )
}

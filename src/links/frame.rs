//! Grafana's trace data frame: the row correlations and data links read (the frame the trace came
//! as, else Tempo's field set written from the span).

use serde_json::{json, Map, Value};

use crate::js::{json_stringify, number_value, to_js_string};
use crate::model::{Frame, KeyValue, RefType, Span};
use crate::template::{ScopedVar, ScopedVars};

/// The fields of Grafana's trace data frame, in order: correlations attach to them by name.
pub(crate) const FRAME_FIELDS: [&str; 17] = [
    "traceID",
    "spanID",
    "parentSpanID",
    "operationName",
    "serviceName",
    "kind",
    "statusCode",
    "statusMessage",
    "instrumentationLibraryName",
    "instrumentationLibraryVersion",
    "traceState",
    "serviceTags",
    "startTime",
    "duration",
    "logs",
    "references",
    "tags",
];

/// The fields Jaeger's trace frame has beside Tempo's.
const JAEGER_FRAME_FIELDS: [&str; 2] = ["warnings", "stackTraces"];

/// Whether `name` is a field of one of Grafana's own trace frames (Tempo, Jaeger, Zipkin).
pub(crate) fn is_grafana_frame_field(name: &str) -> bool {
    FRAME_FIELDS.contains(&name) || JAEGER_FRAME_FIELDS.contains(&name)
}

pub(super) fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => json_stringify(other),
    }
}

/// One row of Grafana's trace data frame, for correlations and data links: the cells of the
/// frame the trace came as, else Tempo's field set written from the span.
pub(crate) struct FrameRow<'a> {
    span: &'a Span,
    /// Tempo's backend writes attribute objects as `{"value", "key"}`; others `{"key", "value"}`.
    value_first: bool,
    /// The frame the trace came as, and the span's row in it.
    frame: Option<(&'a Frame, usize)>,
}

impl<'a> FrameRow<'a> {
    pub fn new(span: &'a Span, value_first: bool) -> FrameRow<'a> {
        FrameRow { span, value_first, frame: None }
    }

    /// The same row, read from the trace's own frame when it has one.
    pub fn in_frame(self, frame: Option<(&'a Frame, usize)>) -> FrameRow<'a> {
        FrameRow { frame, ..self }
    }

    /// The frame's field names, in order.
    pub fn names(&self) -> Vec<&'a str> {
        match self.frame {
            Some((frame, _)) => frame.names().iter().map(String::as_str).collect(),
            None => FRAME_FIELDS.to_vec(),
        }
    }

    fn kvs(&self, list: &[KeyValue]) -> Value {
        Value::Array(
            list.iter()
                .map(|kv| {
                    let mut m = Map::new();
                    if self.value_first {
                        m.insert("value".into(), kv.value.clone());
                        m.insert("key".into(), Value::String(kv.key.clone()));
                    } else {
                        m.insert("key".into(), Value::String(kv.key.clone()));
                        m.insert("value".into(), kv.value.clone());
                    }
                    Value::Object(m)
                })
                .collect(),
        )
    }

    /// The raw value of a field (JSON `null` when the span has none).
    pub fn value(&self, field: &str) -> Value {
        if let Some((frame, row)) = self.frame {
            return frame.cell(row, field).clone();
        }
        let s = self.span;
        let opt = |v: &Option<String>| v.clone().map(Value::String).unwrap_or(Value::Null);
        match field {
            "traceID" => Value::String(s.trace_id.clone()),
            "spanID" => Value::String(s.span_id.clone()),
            "parentSpanID" => Value::String(s.parent_span_id.clone().unwrap_or_default()),
            "operationName" => Value::String(s.operation_name.clone()),
            "serviceName" => Value::String(s.service_name.clone()),
            "kind" => opt(&s.kind),
            "statusCode" => match s.status_code.as_deref() {
                Some("OK") => json!(1),
                Some("ERROR") => json!(2),
                Some(_) => json!(0),
                None => Value::Null,
            },
            "statusMessage" => opt(&s.status_message),
            "serviceTags" => self.kvs(&s.service_tags),
            "startTime" => number_value(s.start_time / 1000.0),
            "duration" => number_value(s.duration / 1000.0),
            "logs" => Value::Array(
                s.logs
                    .iter()
                    .map(|e| {
                        let mut m = Map::new();
                        m.insert("timestamp".into(), number_value(e.timestamp / 1000.0));
                        m.insert("fields".into(), self.kvs(&e.fields));
                        if let Some(n) = &e.name {
                            m.insert("name".into(), Value::String(n.clone()));
                        }
                        Value::Object(m)
                    })
                    .collect(),
            ),
            "references" => Value::Array(
                s.references
                    .iter()
                    .filter(|r| r.ref_type != RefType::ChildOf)
                    .map(|r| json!({ "traceID": r.trace_id, "spanID": r.span_id, "tags": self.kvs(&r.tags) }))
                    .collect(),
            ),
            "tags" => self.kvs(&s.tags),
            _ => Value::Null,
        }
    }

    /// What a transformation reads from a field: its text, `None` for fields the frame lacks.
    pub fn raw(&self, field: &str) -> Option<Value> {
        let has = match self.frame {
            Some((frame, _)) => frame.names().iter().any(|n| n == field),
            None => FRAME_FIELDS.contains(&field),
        };
        has.then(|| Value::String(self.text(field)))
    }

    /// A field's text as transformations read it: strings as they are, everything else as
    /// `JSON.stringify` writes it. Attribute lists are written straight from the span.
    pub fn text(&self, field: &str) -> String {
        if self.frame.is_some() {
            return as_text(&self.value(field));
        }
        match field {
            "serviceTags" => self.kvs_text(&self.span.service_tags),
            "tags" => self.kvs_text(&self.span.tags),
            _ => as_text(&self.value(field)),
        }
    }

    /// `json_stringify(&self.kvs(list))`, without building the objects.
    fn kvs_text(&self, list: &[KeyValue]) -> String {
        let mut out = String::with_capacity(2 + list.len() * 48);
        out.push('[');
        for (i, kv) in list.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if self.value_first {
                out.push_str("{\"value\":");
                crate::js::write_json(&mut out, &kv.value);
                out.push_str(",\"key\":");
                crate::js::write_json_string(&mut out, &kv.key);
            } else {
                out.push_str("{\"key\":");
                crate::js::write_json_string(&mut out, &kv.key);
                out.push_str(",\"value\":");
                crate::js::write_json(&mut out, &kv.value);
            }
            out.push('}');
        }
        out.push(']');
        out
    }

    /// What a field displays as: strings as they are, numbers in JS notation, objects as JSON.
    pub fn display(value: &Value) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Array(_) | Value::Object(_) => Some(json_stringify(value)),
            other => Some(to_js_string(other)),
        }
    }

    /// Grafana's per-row variables: `__data` and every field by name (display text).
    pub fn row_vars(&self) -> ScopedVars {
        let names = self.names();
        let mut vars = ScopedVars::with_capacity(names.len() + 1);
        let mut fields = Map::new();
        for name in names {
            if let Some(text) = Self::display(&self.value(name)) {
                fields.insert(name.to_string(), Value::String(text.clone()));
                vars.insert(name.to_string(), ScopedVar::new(text));
            }
        }
        vars.insert(
            "__data".into(),
            ScopedVar {
                value: json!({ "name": "Trace", "refId": "A", "fields": fields }),
                text: Some("Data".into()),
            },
        );
        vars
    }
}

#[cfg(test)]
mod tests {
    use super::FrameRow;
    use crate::KeyValue;

    #[test]
    fn attribute_text_is_what_json_stringify_writes() {
        let mut span = crate::testing::span("t", "s");
        span.service_tags =
            vec![KeyValue::new("service.name", "cart"), KeyValue::new("n", 1.5)].into();
        span.tags = vec![KeyValue::new("q\"", serde_json::json!([1, {"a": null}]))];
        for value_first in [true, false] {
            let row = FrameRow::new(&span, value_first);
            for field in ["serviceTags", "tags"] {
                assert_eq!(row.text(field), crate::js::json_stringify(&row.value(field)));
            }
        }
        assert_eq!(
            FrameRow::new(&span, true).text("serviceTags"),
            r#"[{"value":"cart","key":"service.name"},{"value":1.5,"key":"n"}]"#
        );
    }
}

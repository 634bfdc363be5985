//! Results as JSON values, written by hand. The wasm binding sends these to JavaScript; serde's
//! derived `Serialize` would produce the same shapes (the tests check it) but costs about 10 KB
//! of gzipped wasm in per-type serializer code.

use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, Severity};
use crate::explore::TimeRange;
use crate::js::number_value;
use crate::links::{
    ExplainVariable, Explanation, InternalLink, Link, LinkTarget, LinkType, Outcome,
};
use crate::model::{KeyValue, RefType, Span, SpanEvent, SpanReference, TraceFormat};

/// A value's JSON form, in the shape its `Serialize` derive writes.
pub trait ToJson {
    /// This value as a JSON value.
    fn to_json(&self) -> Value;
}

/// Builds an object; `None` values are left out, as `skip_serializing_if = "Option::is_none"`.
struct Obj(Map<String, Value>);

impl Obj {
    fn new() -> Obj {
        Obj(Map::new())
    }
    fn set(mut self, key: &str, value: impl Into<Value>) -> Obj {
        self.0.insert(key.to_string(), value.into());
        self
    }
    fn opt(self, key: &str, value: Option<Value>) -> Obj {
        match value {
            Some(v) => self.set(key, v),
            None => self,
        }
    }
    fn done(self) -> Value {
        Value::Object(self.0)
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToJson::to_json)
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn to_json(&self) -> Value {
        Value::Array(vec![self.0.to_json(), self.1.to_json()])
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for TimeRange {
    fn to_json(&self) -> Value {
        Obj::new().set("from", number_value(self.from)).set("to", number_value(self.to)).done()
    }
}

impl ToJson for Link {
    fn to_json(&self) -> Value {
        let kind = match self.kind {
            LinkType::Logs => "logs",
            LinkType::Metrics => "metrics",
            LinkType::Profiles => "profiles",
            LinkType::Traces => "traces",
            LinkType::Session => "session",
            LinkType::Correlation => "correlation",
            LinkType::External => "external",
        };
        let target = match self.target {
            LinkTarget::SameTab => "_self",
            LinkTarget::NewTab => "_blank",
        };
        Obj::new()
            .set("type", kind)
            .set("title", self.title.as_str())
            .set("href", self.href.as_str())
            .set("target", target)
            .opt("internal", self.internal.as_ref().map(ToJson::to_json))
            .set("origin", self.origin.as_str())
            .done()
    }
}

impl ToJson for InternalLink {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("datasourceUid", self.datasource_uid.as_str())
            .set("datasourceName", self.datasource_name.as_str())
            .set("datasourceType", self.datasource_type.as_str())
            .set("query", self.query.clone())
            .opt("range", self.range.as_ref().map(ToJson::to_json))
            .opt("alternatives", self.alternatives.clone().map(Value::Array))
            .done()
    }
}

impl ToJson for Explanation {
    fn to_json(&self) -> Value {
        let outcome = match self.outcome {
            Outcome::Link => "link",
            Outcome::Suppressed => "suppressed",
        };
        Obj::new()
            .set("origin", self.origin.as_str())
            .set("outcome", outcome)
            .set("code", self.code)
            .set("message", self.message.as_str())
            .set("variables", self.variables.to_json())
            .done()
    }
}

impl ToJson for ExplainVariable {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("name", self.name.as_str())
            .set("path", self.path.as_str())
            .set("value", self.value.clone().map_or(Value::Null, Value::String))
            .done()
    }
}

impl ToJson for Diagnostic {
    fn to_json(&self) -> Value {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Hint => "hint",
        };
        Obj::new()
            .set("severity", severity)
            .set("code", self.code)
            .set("path", self.path.as_str())
            .set("message", self.message.as_str())
            .opt("suggestion", self.suggestion.clone().map(Value::String))
            .opt("source", self.source.as_ref().and_then(|s| serde_json::to_value(s).ok()))
            .done()
    }
}

impl ToJson for KeyValue {
    fn to_json(&self) -> Value {
        Obj::new().set("key", self.key.as_str()).set("value", self.value.clone()).done()
    }
}

impl ToJson for SpanEvent {
    fn to_json(&self) -> Value {
        Obj::new()
            .set("timestamp", number_value(self.timestamp))
            .opt("name", self.name.clone().map(Value::String))
            .set("fields", self.fields.to_json())
            .done()
    }
}

impl ToJson for SpanReference {
    fn to_json(&self) -> Value {
        let ref_type = match self.ref_type {
            RefType::ChildOf => "CHILD_OF",
            RefType::FollowsFrom => "FOLLOWS_FROM",
            RefType::External => "EXTERNAL",
        };
        let obj = Obj::new()
            .set("refType", ref_type)
            .set("traceID", self.trace_id.as_str())
            .set("spanID", self.span_id.as_str());
        if self.tags.is_empty() {
            obj.done()
        } else {
            obj.set("tags", self.tags.to_json()).done()
        }
    }
}

impl ToJson for Span {
    fn to_json(&self) -> Value {
        let text = |v: &Option<String>| v.clone().map(Value::String);
        Obj::new()
            .set("traceID", self.trace_id.as_str())
            .set("spanID", self.span_id.as_str())
            .opt("parentSpanID", text(&self.parent_span_id))
            .set("operationName", self.operation_name.as_str())
            .set("serviceName", self.service_name.as_str())
            .set("startTime", number_value(self.start_time))
            .set("duration", number_value(self.duration))
            .opt("kind", text(&self.kind))
            .opt("statusCode", text(&self.status_code))
            .opt("statusMessage", text(&self.status_message))
            .set("serviceTags", self.service_tags.to_json())
            .set("tags", self.tags.to_json())
            .set("logs", self.logs.to_json())
            .set("references", self.references.to_json())
            .done()
    }
}

impl ToJson for TraceFormat {
    fn to_json(&self) -> Value {
        Value::from(match self {
            TraceFormat::Otlp => "otlp",
            TraceFormat::Jaeger => "jaeger",
            TraceFormat::Zipkin => "zipkin",
            TraceFormat::DataFrame => "dataframe",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::ToJson;
    use serde::Serialize;
    use serde_json::json;

    /// The hand-written JSON equals the serde derive's, number formatting aside.
    fn same<T: ToJson + Serialize>(v: &T) {
        let by_hand = crate::js::json_stringify(&v.to_json());
        let derived: serde_json::Value = serde_json::to_value(v).unwrap();
        let reparsed: serde_json::Value = serde_json::from_str(&by_hand).unwrap();
        assert_eq!(normalize(reparsed), normalize(derived));
    }

    fn normalize(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Number(n) => json!(n.as_f64()),
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(normalize).collect())
            }
            serde_json::Value::Object(m) => {
                serde_json::Value::Object(m.into_iter().map(|(k, v)| (k, normalize(v))).collect())
            }
            other => other,
        }
    }

    #[test]
    fn every_result_type_has_the_derived_shape() {
        let settings = json!({"datasources": [
            {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {
                "tracesToLogsV2": {"datasourceUid": "loki", "tags": [{"key": "service.name"}], "filterByTraceID": true},
                "tracesToMetrics": {"datasourceUid": "nope", "queries": [{"query": "up"}]},
                "tracesToProfiles": {"datasourceUid": "pyro"}}},
            {"name": "Loki", "type": "loki", "uid": "loki"},
            {"name": "Pyro", "type": "grafana-pyroscope-datasource", "uid": "pyro"}]});
        let c = crate::Correlator::new(
            &settings,
            crate::Options {
                features: crate::Features { dynamic_trace_to_logs: true },
                ..Default::default()
            },
        )
        .unwrap();
        let mut span = crate::testing::span("7946b05c2e2e4e5a", "6605c7b08e715d6c");
        span.service_tags = vec![crate::KeyValue::new("service.name", "cart")].into();
        span.tags = vec![
            crate::KeyValue::new("pyroscope.profile.id", "p1"),
            crate::KeyValue::new("n", 1.5),
        ];
        span.logs =
            vec![crate::SpanEvent { timestamp: 1.5, name: Some("e".into()), fields: vec![] }];
        span.references = vec![crate::SpanReference {
            ref_type: crate::RefType::External,
            trace_id: "t".into(),
            span_id: "s".into(),
            tags: vec![],
        }];
        span.kind = Some("server".into());
        let trace = crate::Trace::from_spans(crate::TraceFormat::Otlp, vec![span]);
        let links = c.span_links(&trace, "6605c7b08e715d6c").unwrap();
        assert!(links.len() >= 3);
        same(&links);
        same(&c.explain(&trace, "6605c7b08e715d6c").unwrap());
        same(&c.diagnostics().to_vec());
        same(&trace.spans);
        same(&trace.format);
        same(&c.trace_links(&trace).unwrap());
        same(&c.trace_logs_link(&trace).unwrap());
    }
}

//! Trace → logs queries for each logs data source type (docs/grafana.md §3).

use serde_json::{json, Map, Value};

use super::{Lang, TagStyle};
use crate::settings::Family;

/// A logs data source type Grafana's trace view can link to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogsTarget {
    /// Grafana Loki (`loki`): LogQL.
    Loki,
    /// Splunk (`grafana-splunk-datasource`): SPL.
    Splunk,
    /// Elasticsearch and OpenSearch.
    Elastic,
    /// Google Cloud Logging (`googlecloud-logging-datasource`).
    CloudLogging,
    /// Falcon LogScale (`grafana-falconlogscale-datasource`).
    LogScale,
    /// VictoriaLogs (`victoriametrics-logs-datasource`): LogsQL.
    VictoriaLogs,
}

/// The span or trace a logs query is for. `span_id` is `None` for the trace-level link.
#[derive(Debug, Clone, Copy)]
pub struct LogsFor<'a> {
    /// The trace id, lower-case hex.
    pub trace_id: &'a str,
    /// The span id; `None` for the trace-level "Logs for this trace" link.
    pub span_id: Option<&'a str>,
    /// `filterByTraceID`: add a trace id filter to the query.
    pub filter_by_trace_id: bool,
    /// `filterBySpanID`: add a span id filter to the query (span links only).
    pub filter_by_span_id: bool,
}

impl LogsTarget {
    /// The target for a data source family; `None` for families Grafana does not link logs to.
    pub fn of(family: Family) -> Option<LogsTarget> {
        Some(match family {
            Family::Loki => LogsTarget::Loki,
            Family::Splunk => LogsTarget::Splunk,
            Family::Elasticsearch | Family::OpenSearch => LogsTarget::Elastic,
            Family::CloudLogging => LogsTarget::CloudLogging,
            Family::FalconLogScale => LogsTarget::LogScale,
            Family::VictoriaLogs => LogsTarget::VictoriaLogs,
            _ => return None,
        })
    }

    /// How this target writes its tag matchers.
    pub fn style(self) -> TagStyle {
        match self {
            LogsTarget::Loki => TagStyle { lang: Lang::LogQL, sign: "=", join: ", " },
            LogsTarget::Splunk => TagStyle { lang: Lang::Spl, sign: "=", join: " " },
            LogsTarget::Elastic => TagStyle { lang: Lang::Lucene, sign: ":", join: " AND " },
            LogsTarget::CloudLogging => {
                TagStyle { lang: Lang::CloudLogging, sign: "=", join: " AND " }
            }
            LogsTarget::LogScale => TagStyle { lang: Lang::LogScale, sign: "=", join: " OR " },
            LogsTarget::VictoriaLogs => TagStyle { lang: Lang::LogsQL, sign: ":=", join: " AND " },
        }
    }

    /// The query object for a custom query (docs/grafana.md §3.3), already interpolated.
    pub fn custom_query(self, query: String) -> Value {
        match self {
            LogsTarget::Loki => json!({ "expr": query, "refId": "t2l:custom" }),
            LogsTarget::Elastic => {
                json!({ "query": query, "refId": "", "metrics": [{ "id": "1", "type": "logs" }] })
            }
            LogsTarget::Splunk | LogsTarget::CloudLogging => json!({ "query": query, "refId": "" }),
            LogsTarget::LogScale => json!({ "lsql": query, "refId": "" }),
            LogsTarget::VictoriaLogs => json!({ "expr": query, "refId": "" }),
        }
    }

    /// Grafana's non-custom query for the matched tags (`tags` = the matchers of
    /// [`super::tag_matchers`]), or `None` when Grafana makes no link (§3.4).
    pub fn query(self, tags: &[String], ids: LogsFor) -> Option<Value> {
        let style = self.style();
        let quoted = |id: &str| format!("\"{}\"", style.lang.escape_in_quotes(id, '"'));
        let span_id = ids.span_id.filter(|_| ids.filter_by_span_id);
        let trace_id = Some(ids.trace_id).filter(|_| ids.filter_by_trace_id);
        let joined = tags.join(style.join);
        match self {
            LogsTarget::Loki => {
                if tags.is_empty() {
                    return None;
                }
                let mut expr = format!("{{{joined}}}");
                let id = |v: &str| Lang::LogQL.escape_in_quotes(v, '"').into_owned();
                if let Some(t) = trace_id.filter(|t| !t.is_empty()) {
                    let t = id(t);
                    expr.push_str(&format!(
                        " | label_format log_line_contains_trace_id=`{{{{ contains \"{t}\" __line__  }}}}` | log_line_contains_trace_id=\"true\" or trace_id=\"{t}\""
                    ));
                }
                if let Some(s) = span_id {
                    let s = id(s);
                    expr.push_str(&format!(
                        " | label_format log_line_contains_span_id=`{{{{ contains \"{s}\" __line__  }}}}` | log_line_contains_span_id=\"true\" or span_id=\"{s}\""
                    ));
                }
                Some(json!({ "expr": expr, "refId": "" }))
            }
            LogsTarget::Splunk => {
                let mut query = joined;
                for id in [trace_id, span_id].into_iter().flatten() {
                    query.push(' ');
                    query.push_str(&quoted(id));
                }
                Some(json!({ "query": query, "refId": "" }))
            }
            LogsTarget::Elastic | LogsTarget::CloudLogging => {
                let mut parts: Vec<String> =
                    [span_id, trace_id].into_iter().flatten().map(quoted).collect();
                if !tags.is_empty() {
                    parts.push(joined);
                }
                let query = parts.join(" AND ");
                Some(if self == LogsTarget::Elastic {
                    json!({ "query": query, "refId": "", "metrics": [{ "id": "1", "type": "logs" }] })
                } else {
                    json!({ "query": query, "refId": "" })
                })
            }
            LogsTarget::LogScale => {
                if tags.is_empty() {
                    return None;
                }
                let mut lsql = joined;
                for id in [trace_id, span_id].into_iter().flatten() {
                    lsql.push_str(" or ");
                    lsql.push_str(&quoted(id));
                }
                Some(json!({ "lsql": lsql, "refId": "" }))
            }
            LogsTarget::VictoriaLogs => {
                let mut parts = Vec::new();
                if let Some(s) = span_id {
                    parts.push(format!("span_id:={}", quoted(s)));
                }
                if let Some(t) = trace_id {
                    parts.push(format!("trace_id:={}", quoted(t)));
                }
                if !tags.is_empty() {
                    parts.push(joined);
                }
                if parts.is_empty() {
                    return None;
                }
                Some(json!({ "expr": parts.join(" AND "), "refId": "" }))
            }
        }
    }
}

/// The id field names the dynamic Loki path probes, in Grafana's order (docs/grafana.md §3.2).
const ID_FIELD_VARIANTS: [(&str, &str); 6] = [
    ("traceID", "spanID"),
    ("trace_id", "span_id"),
    ("traceId", "spanId"),
    ("TraceID", "SpanID"),
    ("TraceId", "SpanId"),
    ("otel_trace_id", "otel_span_id"),
];

/// The alternative Loki queries of the dynamic trace-to-logs path (feature
/// `dynamicTraceToLogs`, docs/grafana.md §3.2), first one first. `None` when no tag matched.
pub fn loki_alternatives(
    tags: &[String],
    trace_id: &str,
    span_id: Option<&str>,
    service_names: &[String],
) -> Option<Vec<Value>> {
    if tags.is_empty() {
        return None;
    }
    let q = |v: &str| Lang::LogQL.escape_in_quotes(v, '"').into_owned();
    let tag_selector = format!("{{{}}}", tags.join(", "));
    let job_selector = (!service_names.is_empty()).then(|| {
        let names: Vec<String> = service_names.iter().map(|n| q(&escape_regex(n))).collect();
        format!("{{job=~\"(.*/)?({})\"}}", names.join("|"))
    });
    let mut queries = Vec::new();
    let query = |expr: String, ref_id: String| {
        let mut m = Map::new();
        m.insert("expr".into(), Value::String(expr));
        m.insert("refId".into(), Value::String(ref_id));
        Value::Object(m)
    };
    for (trace_field, span_field) in ID_FIELD_VARIANTS {
        let mut filters = vec![format!("{trace_field}=\"{}\"", q(trace_id))];
        if let Some(s) = span_id {
            filters.push(format!("{span_field}=\"{}\"", q(s)));
        }
        let pipeline = format!("| logfmt | json | drop __error__ | {}", filters.join(" | "));
        queries.push(query(
            format!("{tag_selector} {pipeline}"),
            format!("t2l:default:{trace_field}"),
        ));
        if let Some(job) = &job_selector {
            queries.push(query(format!("{job} {pipeline}"), format!("t2l:job:{trace_field}")));
        }
    }
    let mut contains = vec![format!("|= \"{}\"", q(trace_id))];
    if let Some(s) = span_id {
        contains.push(format!("|= \"{}\"", q(s)));
    }
    queries
        .push(query(format!("{tag_selector} {}", contains.join(" ")), "t2l:line-contains".into()));
    Some(queries)
}

/// Grafana's `escapeRegExp`: a backslash before each of `. * + ? ^ $ { } ( ) | [ ] \`.
pub fn escape_regex(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if ".*+?^${}()|[]\\".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

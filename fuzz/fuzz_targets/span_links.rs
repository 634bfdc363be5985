//! Span links end to end with arbitrary attribute values: the input's parts (split at 0xFF) become
//! the values of the attributes every rule of a rich provisioning document reads (logs tags,
//! metrics tags, profile id, correlation fields and transformations, session ids), and the span's
//! name. Every href must come out safe.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use spanlink::{Correlator, Trace};
use std::sync::OnceLock;

const SETTINGS: &str = r#"{"datasources": [
 {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {
   "tracesToLogsV2": {"datasourceUid": "loki", "tags": [{"key": "service.name", "value": "service"}, {"key": "k8s.pod.name", "value": "pod"}],
     "filterByTraceID": true, "filterBySpanID": true, "spanStartTimeShift": "-1m", "spanEndTimeShift": "1m"},
   "tracesToLogsV3": [{"name": "es", "datasourceUid": "es", "tags": [{"key": "http.route"}], "customQuery": true,
     "query": "service:\"${__span.tags[\"service.name\"]}\" AND route:\"${__span.tags[\"http.route\"]}\""}],
   "tracesToMetrics": {"datasourceUid": "prom", "tags": [{"key": "service.name", "value": "service"}, {"key": "http.route", "value": "route"}],
     "queries": [{"name": "Rate", "query": "sum(rate(calls_total{$__tags}[5m]))"}, {"name": "Route", "query": "x{route=\"${__span.tags[\"http.route\"]}\"}"}]},
   "tracesToProfiles": {"datasourceUid": "pyro", "tags": [{"key": "service.name", "value": "service_name"}], "profileTypeId": "cpu"}}},
 {"name": "Loki", "type": "loki", "uid": "loki"},
 {"name": "ES", "type": "elasticsearch", "uid": "es"},
 {"name": "Prometheus", "type": "prometheus", "uid": "prom"},
 {"name": "Pyroscope", "type": "grafana-pyroscope-datasource", "uid": "pyro"}],
 "correlations": [
  {"sourceUID": "tempo", "targetUID": "loki", "label": "Logs ${env}", "type": "query", "config": {"type": "query", "field": "serviceTags",
    "target": {"expr": "{env=\"${env}\"} |= \"${__value.raw}\""},
    "transformations": [{"type": "regex", "field": "operationName", "expression": "env=(\\w+)", "mapValue": "env"}, {"type": "logfmt", "field": "operationName"}]}},
  {"sourceUID": "tempo", "label": "Runbook", "type": "external", "config": {"type": "external", "field": "traceID",
    "target": {"url": "${__span.tags.url}"}}},
  {"sourceUID": "tempo", "label": "Docs", "type": "external", "config": {"type": "external", "field": "spanID",
    "target": {"url": "https://docs.example/${__span.tags[\"http.route\"]}?q=${__span.tags.url}"}}}]}"#;

static CORRELATOR: OnceLock<Correlator> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let parts = spanlink_fuzz::Parts::of(data);
    let part = |i: usize| parts.at(i);
    let kv = |k: &str, v: String| json!({"key": k, "value": {"stringValue": v}});
    let trace = json!({"resourceSpans": [{"resource": {"attributes": [
        kv("service.name", part(0)), kv("k8s.pod.name", part(1)), kv("gf.feo11y.app.id", part(2))]},
      "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
        "name": part(3), "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000",
        "attributes": [kv("http.route", part(4)), kv("url", part(5)), kv("pyroscope.profile.id", part(6)),
          kv("session_id", part(7)), kv(&part(8), part(9))]}]}]}]});
    let trace = Trace::from_value(&trace).expect("a well-formed trace parses");
    let c = spanlink_fuzz::built(&CORRELATOR, SETTINGS);
    spanlink_fuzz::links_are_safe(c.span_links(&trace, "6605c7b08e715d6c"));
    let _ = c.explain(&trace, "6605c7b08e715d6c");
    if let Ok(Some(link)) = c.trace_logs_link(&trace) {
        spanlink_fuzz::link_is_safe(&link);
    }
});

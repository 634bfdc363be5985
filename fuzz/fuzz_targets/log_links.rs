//! `log_links` with arbitrary lines and labels (derived fields with regex and label matchers,
//! internal and external; a Loki-sourced correlation), and `exemplar_links` with the same text
//! as label values. Parts: line 0xFF label value 0xFF label name.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spanlink::Correlator;
use std::sync::OnceLock;

const SETTINGS: &str = r#"{"datasources": [
 {"name": "Tempo", "type": "tempo", "uid": "tempo"},
 {"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {"derivedFields": [
   {"name": "TraceID", "matcherRegex": "traceID=(\\w+)", "url": "${__value.raw}", "datasourceUid": "tempo"},
   {"name": "Link", "matcherRegex": "url=(\\S+)", "url": "${__value.raw}", "urlDisplayLabel": "Open ${__value.raw}"},
   {"name": "Search", "matcherRegex": "(?i)user[=:](\\w+)", "url": "https://search.example/?u=${__value.raw}"},
   {"name": "Path", "matcherRegex": "path=(\\S*)", "url": "/d/${__value.raw}"},
   {"name": "trace_id", "matcherType": "label", "matcherRegex": "trace_?id", "url": "${__value.raw}", "datasourceUid": "tempo"}]}},
 {"name": "Prometheus", "type": "prometheus", "uid": "prom", "jsonData": {"exemplarTraceIdDestinations": [
   {"name": "trace_id", "datasourceUid": "tempo"}, {"name": "trace_id", "url": "${__value.raw}", "urlDisplayLabel": "x"}]}}],
 "correlations": [{"sourceUID": "loki", "targetUID": "tempo", "label": "Trace ${id}", "type": "query",
   "config": {"type": "query", "field": "Line", "target": {"query": "${id}"},
   "transformations": [{"type": "regex", "expression": "id=(\\w+)", "mapValue": "id"}, {"type": "logfmt"}]}}]}"#;

static CORRELATOR: OnceLock<Correlator> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let parts = spanlink_fuzz::Parts::of(data);
    let part = |i: usize| parts.at(i);
    let labels = [("trace_id".to_string(), part(1)), (part(2), part(1))];
    let c = spanlink_fuzz::built(&CORRELATOR, SETTINGS);
    spanlink_fuzz::links_are_safe(c.log_links("loki", &part(0), &labels));
    spanlink_fuzz::links_are_safe(c.exemplar_links("prom", &labels));
});

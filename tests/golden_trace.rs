//! A regression guard for the link engine's rewrite: every link of a generated 2,000-span trace
//! (logs with both filters and a custom query, metrics with `$__tags` and the default query,
//! profiles, span links, sessions, correlations with a regex transformation, an external URL and
//! row variables), hashed. The hash was recorded from the engine before the compiled link plans
//! replaced it; the links themselves are checked against Grafana's behaviour by the other tests
//! here (span_links, correlations, logs_targets…). A change that alters any byte of any href,
//! title, query, range or origin changes the hash.

use serde_json::{json, Value};
use spanlink::{Correlator, Link, Options, Trace};

fn settings() -> Value {
    json!({"apiVersion": 1, "datasources": [
      {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {
        "tracesToLogsV2": {"datasourceUid": "loki", "spanStartTimeShift": "-5m", "spanEndTimeShift": "5m",
          "tags": [{"key": "k8s.namespace.name", "value": "namespace"}, {"key": "service.name", "value": "service_name"},
                   {"key": "k8s.pod.name", "value": "pod"}],
          "filterByTraceID": true, "filterBySpanID": true},
        "tracesToMetrics": {"datasourceUid": "prom", "spanStartTimeShift": "-2m", "spanEndTimeShift": "2m",
          "tags": [{"key": "service.name", "value": "service"}, {"key": "k8s.cluster.name", "value": "cluster"}],
          "queries": [
            {"name": "Request rate", "query": "sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))"},
            {"name": "Error rate", "query": "sum(rate(traces_spanmetrics_calls_total{$__tags, status_code=\"STATUS_CODE_ERROR\"}[5m]))"},
            {"name": "Latency"}]},
        "tracesToProfiles": {"datasourceUid": "pyroscope", "tags": [{"key": "service.name", "value": "service_name"}],
          "profileTypeId": "process_cpu:cpu:nanoseconds:cpu:nanoseconds"}},
       "correlations": [
         {"targetUID": "loki", "label": "Pod logs", "description": "logs of the span's pod",
          "config": {"type": "query", "field": "traceID", "target": {"expr": "{pod=\"${__span.tags[\"k8s.pod.name\"]}\"} |= \"${traceID}\" ${__span.duration}"}}},
         {"targetUID": "prom", "label": "Route ${route}",
          "config": {"type": "query", "field": "tags", "target": {"expr": "rate(http_requests_total{route=\"${route}\"}[1m])"},
            "transformations": [{"type": "regex", "expression": "\"http.route\"\\},?\\{?\"value\":\"([^\"]+)\"|\"value\":\"([^\"]+)\",\"key\":\"http.route\"", "mapValue": "route"}]}},
         {"label": "Ticket", "type": "external",
          "config": {"type": "external", "field": "spanID", "target": {"url": "https://tickets.example.com/new?span=${__value.raw}&svc=${serviceName}&op=${__span.name:percentencode}"}}}]},
      {"name": "Loki", "type": "loki", "uid": "loki"},
      {"name": "Loki custom", "type": "loki", "uid": "loki2"},
      {"name": "Prometheus", "type": "prometheus", "uid": "prom"},
      {"name": "Pyroscope", "type": "grafana-pyroscope-datasource", "uid": "pyroscope"}]})
}

/// A second logs rule with a custom query, through the spanlink `tracesToLogsV3` list.
fn settings_v3() -> Value {
    let mut s = settings();
    s["datasources"][0]["jsonData"]["tracesToLogsV3"] = json!([
        {"datasourceUid": "loki2", "customQuery": true,
         "query": "{service_name=\"${__span.tags[\"service.name\"]}\"} |= \"${__span.spanId}\" $__tags",
         "tags": [{"key": "k8s.pod.name", "value": "pod"}]}]);
    s
}

/// Deterministic OTLP JSON: `n` spans over six services with k8s resources, quotes and spaces in
/// some values, `pyroscope.profile.id` on every 7th span, span links on every 11th, a Frontend
/// Observability session on one service, events, statuses and kinds.
fn generate_trace(n: usize) -> String {
    let services = ["frontend", "cart", "check\"out", "payment svc", "shipping", "web"];
    let mut by_service: Vec<Vec<Value>> = vec![Vec::new(); services.len()];
    let start: u128 = 1_700_000_000_123_456_789;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for i in 0..n {
        let s = (next() % services.len() as u64) as usize;
        let mut attributes = vec![
            json!({"key": "http.method", "value": {"stringValue": "GET"}}),
            json!({"key": "http.route", "value": {"stringValue": format!("/api/{}/{}", services[s], i % 17)}}),
            json!({"key": "http.status_code", "value": {"intValue": (200 + next() % 4 * 100).to_string()}}),
        ];
        if i % 7 == 0 {
            attributes.push(json!({"key": "pyroscope.profile.id", "value": {"stringValue": format!("{:016x}", next())}}));
        }
        if services[s] == "web" {
            attributes.push(
                json!({"key": "session.id", "value": {"stringValue": format!("sess-{}", i % 5)}}),
            );
        }
        let t = start + i as u128 * 1_234_567 + (next() % 1000) as u128;
        let dur = (next() % 5_000_000_000) as u128;
        let kind = ["SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_INTERNAL"][i % 3];
        let mut span = json!({
            "traceId": "5b8efff798038103d269b633813fc60c", "spanId": format!("{:016x}", i + 1),
            "parentSpanId": if i == 0 { String::new() } else { format!("{:016x}", (i - 1) / 4 + 1) },
            "name": format!("{} op {}", services[s], i % 23),
            "kind": kind,
            "startTimeUnixNano": t.to_string(), "endTimeUnixNano": (t + dur).to_string(),
            "attributes": attributes,
            "status": if i % 13 == 0 { json!({"code": 2, "message": "boom"}) } else { json!({}) },
            "events": if i % 5 == 0 { json!([{"timeUnixNano": (t + 10).to_string(), "name": "retry",
                "attributes": [{"key": "attempt", "value": {"intValue": "2"}}]}]) } else { json!([]) }});
        if i % 11 == 3 {
            span["links"] = json!([{"traceId": "5b8efff798038103d269b633813fc60c",
                "spanId": format!("{:016x}", i / 2 + 1), "attributes": []},
                {"traceId": "00000000000000000000000000abcdef", "spanId": "00000000000000aa"}]);
        }
        by_service[s].push(span);
    }
    let resource_spans: Vec<Value> = services
        .iter()
        .zip(by_service)
        .enumerate()
        .map(|(s, (svc, spans))| {
            let mut attrs = vec![
                json!({"key": "service.name", "value": {"stringValue": svc}}),
                json!({"key": "k8s.namespace.name", "value": {"stringValue": "shop"}}),
                json!({"key": "k8s.pod.name", "value": {"stringValue": format!("{svc}-7d9f8c-{s}x")}}),
                json!({"key": "k8s.cluster.name", "value": {"stringValue": "eu-1"}}),
            ];
            if *svc == "web" {
                attrs.push(json!({"key": "gf.feo11y.app.id", "value": {"stringValue": "shop-web"}}));
            }
            json!({"resource": {"attributes": attrs},
                   "scopeSpans": [{"scope": {"name": "golden"}, "spans": spans}]})
        })
        .collect();
    json!({ "resourceSpans": resource_spans }).to_string()
}

/// FNV-1a over every observable part of every link, in order.
fn hash_links(all: &[(String, Vec<Link>)]) -> (u64, usize, usize) {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |s: &str| {
        for b in s.bytes().chain([0xff]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    let (mut links, mut bytes) = (0, 0);
    for (span_id, list) in all {
        eat(span_id);
        for link in list {
            links += 1;
            bytes += link.href.len();
            eat(&serde_json::to_string(link).unwrap());
        }
    }
    (h, links, bytes)
}

fn run(settings: Value) -> (u64, usize, usize) {
    let correlator = Correlator::new(&settings, Options::default()).unwrap();
    let trace = Trace::from_json(&generate_trace(2_000)).unwrap();
    let all = correlator.trace_links(&trace).unwrap();
    // span_links agrees with trace_links span by span.
    for (span_id, links) in all.iter().step_by(97) {
        assert_eq!(&correlator.span_links(&trace, span_id).unwrap(), links);
    }
    hash_links(&all)
}

#[test]
fn generated_trace_links_are_unchanged() {
    let got = run(settings());
    // Re-recorded once: span links' trace ids lose their leading zeros as Grafana's Tempo backend
    // writes them (182 links to `…abcdef` are 26 bytes shorter; nothing else changed).
    assert_eq!(got, (14683006026071613949, 15045, 6104881), "base rule set");
}

#[test]
fn generated_trace_links_with_custom_logs_query_are_unchanged() {
    let got = run(settings_v3());
    assert_eq!(got, (5135171952581507883, 15045, 5156881), "with tracesToLogsV3");
}

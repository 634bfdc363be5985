//! `cargo bench --bench links`: the native core on a generated 10,000-span OTLP trace (a plain
//! `Instant` harness; medians). The same settings as bench/bench.mjs.
use serde_json::{json, Value};
use spanlink::{Correlator, Options, Trace};
use std::time::{Duration, Instant};

fn settings() -> Value {
    json!({"apiVersion": 1, "datasources": [
      {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {
        "tracesToLogsV2": {"datasourceUid": "loki", "spanStartTimeShift": "-5m", "spanEndTimeShift": "5m",
          "tags": [{"key": "k8s.namespace.name", "value": "namespace"}, {"key": "service.name", "value": "service_name"}],
          "filterByTraceID": true, "filterBySpanID": true},
        "tracesToMetrics": {"datasourceUid": "prom",
          "tags": [{"key": "service.name", "value": "service"}, {"key": "k8s.cluster.name", "value": "cluster"}],
          "queries": [
            {"name": "Request rate", "query": "sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))"},
            {"name": "Error rate", "query": "sum(rate(traces_spanmetrics_calls_total{$__tags, status_code=\"STATUS_CODE_ERROR\"}[5m]))"}]},
        "tracesToProfiles": {"datasourceUid": "pyroscope", "tags": [{"key": "service.name", "value": "service_name"}],
          "profileTypeId": "process_cpu:cpu:nanoseconds:cpu:nanoseconds"}},
       "correlations": [{"targetUID": "loki", "label": "Pod logs", "description": "logs of the span's pod",
         "config": {"type": "query", "field": "traceId", "target": {"expr": "{pod=\"${__span.tags[\"k8s.pod.name\"]}\"} |= \"${traceId}\""}}}]},
      {"name": "Loki", "type": "loki", "uid": "loki"},
      {"name": "Prometheus", "type": "prometheus", "uid": "prom"},
      {"name": "Pyroscope", "type": "grafana-pyroscope-datasource", "uid": "pyroscope"}]})
}

/// OTLP JSON with `n` spans over five services with k8s resource attributes; every 10th span has
/// `pyroscope.profile.id`.
fn generate_trace(n: usize) -> String {
    let services = ["frontend", "cart", "checkout", "payment", "shipping"];
    let mut by_service: Vec<Vec<Value>> = vec![Vec::new(); services.len()];
    let start: u128 = 1_700_000_000_000_000_000;
    for i in 0..n {
        let s = i % services.len();
        let mut attributes = vec![
            json!({"key": "http.method", "value": {"stringValue": "GET"}}),
            json!({"key": "http.route", "value": {"stringValue": format!("/api/{}/{}", services[s], i % 17)}}),
            json!({"key": "http.status_code", "value": {"intValue": "200"}}),
        ];
        if i % 10 == 0 {
            attributes.push(json!({"key": "pyroscope.profile.id", "value": {"stringValue": format!("{:016x}", i + 1)}}));
        }
        let t = start + i as u128 * 1_000_000;
        by_service[s].push(json!({
            "traceId": "5b8efff798038103d269b633813fc60c", "spanId": format!("{:016x}", i + 1),
            "parentSpanId": if i == 0 { String::new() } else { format!("{:016x}", (i - 1) / 4 + 1) },
            "name": format!("{} op {}", services[s], i % 23),
            "kind": if i % 2 == 1 { "SPAN_KIND_SERVER" } else { "SPAN_KIND_CLIENT" },
            "startTimeUnixNano": t.to_string(), "endTimeUnixNano": (t + 500_000).to_string(),
            "attributes": attributes, "status": {}}));
    }
    let resource_spans: Vec<Value> = services
        .iter()
        .zip(by_service)
        .enumerate()
        .map(|(s, (svc, spans))| {
            json!({
            "resource": {"attributes": [
                {"key": "service.name", "value": {"stringValue": svc}},
                {"key": "k8s.namespace.name", "value": {"stringValue": "shop"}},
                {"key": "k8s.pod.name", "value": {"stringValue": format!("{svc}-7d9f8c-{s}x")}},
                {"key": "k8s.cluster.name", "value": {"stringValue": "eu-1"}}]},
            "scopeSpans": [{"scope": {"name": "bench"}, "spans": spans}]})
        })
        .collect();
    json!({ "resourceSpans": resource_spans }).to_string()
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut(usize)) -> Duration {
    median(
        (0..runs)
            .map(|i| {
                let t = Instant::now();
                f(i);
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let n: usize = std::env::var("SPANS").ok().and_then(|s| s.parse().ok()).unwrap_or(10_000);
    let settings = settings().to_string();
    let text = generate_trace(n);
    let mb = text.len() as f64 / 1e6;

    let construct =
        time(500, |_| drop(Correlator::new(settings.as_str(), Options::default()).unwrap()));
    let parse = time(10, |_| drop(Trace::from_json(&text).unwrap()));
    let correlator = Correlator::new(settings.as_str(), Options::default()).unwrap();
    let trace = Trace::from_json(&text).unwrap();
    let ids: Vec<String> = trace.spans.iter().map(|s| s.span_id.clone()).collect();
    let runs = (200_000 / n).clamp(50, 5000);
    let span =
        time(runs, |i| drop(correlator.span_links(&trace, &ids[(i * 7) % ids.len()]).unwrap()));
    let whole = time(3, |_| drop(correlator.trace_links(&trace).unwrap()));

    println!("spanlink native bench ({n} spans, {mb:.2} MB OTLP JSON)");
    println!("Correlator::new        median {:.1} µs", construct.as_secs_f64() * 1e6);
    println!(
        "Trace::from_json       median {:.1} ms = {:.1} MB/s, {:.0} spans/s",
        parse.as_secs_f64() * 1e3,
        mb / parse.as_secs_f64(),
        n as f64 / parse.as_secs_f64()
    );
    println!("span_links per span    median {:.1} µs", span.as_secs_f64() * 1e6);
    println!("trace_links            median {:.1} ms", whole.as_secs_f64() * 1e3);
}

//! A four-signal stack (Mimir, Tempo with logs/metrics/profiles, Loki with derived fields back to
//! Tempo, Pyroscope): every link of one span, in full.

mod common;

use common::*;
use serde_json::json;
use spanlink::{LinkTarget, LinkType};

fn stack() -> spanlink::Correlator {
    correlator(json!({"apiVersion": 1, "datasources": [
        {"name": "Mimir", "type": "prometheus", "uid": "mimir",
         "jsonData": {"exemplarTraceIdDestinations": [{"name": "trace_id", "datasourceUid": "tempo"}]}},
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {
            "tracesToLogsV2": {"datasourceUid": "loki", "filterByTraceID": true},
            "tracesToMetrics": {"datasourceUid": "mimir", "tags": [{"key": "service.name", "value": "service"}],
                "queries": [{"name": "Request rate", "query": "sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))"}, {"query": ""}]},
            "tracesToProfiles": {"datasourceUid": "pyroscope", "profileTypeId": "process_cpu:cpu:nanoseconds:cpu:nanoseconds"}
        }},
        {"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {"derivedFields": [
            {"name": "TraceID", "matcherType": "label", "matcherRegex": "trace_id", "url": "${__value.raw}", "datasourceUid": "tempo", "urlDisplayLabel": "View trace"}
        ]}},
        {"name": "Pyroscope", "type": "grafana-pyroscope-datasource", "uid": "pyroscope"}
    ]}))
}

#[test]
fn every_link_of_one_span() {
    let mut span = fixture_span();
    std::sync::Arc::make_mut(&mut span.service_tags).push(kv("service.name", "cart"));
    let links = stack().span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    let summary: Vec<(LinkType, &str, &str)> =
        links.iter().map(|l| (l.kind, l.title.as_str(), l.origin.as_str())).collect();
    assert_eq!(
        summary,
        [
            (LinkType::Logs, "Related logs", "datasources[1].jsonData.tracesToLogsV2"),
            (
                LinkType::Metrics,
                "Request rate",
                "datasources[1].jsonData.tracesToMetrics.queries[0]"
            ),
            (LinkType::Metrics, "", "datasources[1].jsonData.tracesToMetrics.queries[1]"),
            (LinkType::Profiles, "Related profiles", "datasources[1].jsonData.tracesToProfiles"),
        ]
    );
    assert!(links.iter().all(|l| l.target == LinkTarget::SameTab));
    assert_eq!(
        left_text(&links[0].href),
        r#"{"range":{"from":"1602637200000","to":"1602637201000"},"datasource":"loki","queries":[{"expr":"{cluster=\"cluster1\", hostname=\"hostname1\", service_namespace=\"namespace1\", service_name=\"cart\"} | label_format log_line_contains_trace_id=`{{ contains \"7946b05c2e2e4e5a\" __line__  }}` | log_line_contains_trace_id=\"true\" or trace_id=\"7946b05c2e2e4e5a\"","refId":"","datasource":{"uid":"loki"}}]}"#
    );
    assert_eq!(
        left_text(&links[1].href),
        r#"{"range":{"from":"1602637080000","to":"1602637321000"},"datasource":"mimir","queries":[{"expr":"sum(rate(traces_spanmetrics_calls_total{service=\"cart\"}[5m]))","refId":"A","datasource":{"uid":"mimir"}}]}"#
    );
    assert_eq!(
        left_text(&links[2].href),
        r#"{"range":{"from":"1602637080000","to":"1602637321000"},"datasource":"mimir","queries":[{"expr":"histogram_quantile(0.5, sum(rate(traces_spanmetrics_latency_bucket{service=\"service\"}[5m])) by (le))","refId":"A","datasource":{"uid":"mimir"}}]}"#
    );
    assert_eq!(
        left_text(&links[3].href),
        r#"{"range":{"from":"1602637140000","to":"1602637261000"},"datasource":"pyroscope","queries":[{"labelSelector":"{service_namespace=\"namespace1\", service_name=\"cart\"}","groupBy":[],"profileTypeId":"process_cpu:cpu:nanoseconds:cpu:nanoseconds","queryType":"profile","spanSelector":["hdgfljn23u982nj"],"refId":"profile","datasource":{"uid":"pyroscope"}}]}"#
    );
    for l in &links {
        assert_eq!(l.href, format!("/explore?left={}", encode_uri_component(&left_text(&l.href))));
    }
}

#[test]
fn the_way_back_from_logs_and_exemplars() {
    let c = stack();
    let labels = vec![("trace_id".to_string(), TRACE_ID.to_string())];
    let logs = c.log_links_in_range("loki", "GET /cart 200", &labels, None).unwrap();
    assert_eq!(logs.len(), 1);
    assert_eq!((logs[0].title.as_str(), logs[0].kind), ("View trace", LinkType::Traces));
    assert_eq!(
        left_text(&logs[0].href),
        r#"{"datasource":"tempo","queries":[{"query":"7946b05c2e2e4e5a","queryType":"traceql","datasource":{"uid":"tempo"}}]}"#
    );
    let exemplars = c.exemplar_links_in_range("mimir", &labels, None).unwrap();
    assert_eq!(exemplars.len(), 1);
    assert_eq!(exemplars[0].title, "Query with Tempo");
    assert_eq!(left_text(&exemplars[0].href), left_text(&logs[0].href));
}

//! Values escaped for the language they land in (docs/beyond.md §1), and Grafana's exact output when a
//! value needs no escaping.

mod common;

use common::*;
use serde_json::json;

/// `a"b\c`: a double quote and a backslash.
const HOSTILE: &str = r#"a"b\c"#;

fn span_with_pod(pod: &str) -> spanlink::Span {
    let mut span = fixture_span_without_profile();
    span.service_tags = vec![kv("pod", pod)].into();
    span.tags.clear();
    span
}

fn links(json_data: serde_json::Value, kind: &str, pod: &str) -> Vec<spanlink::Link> {
    let c = correlator(tempo_with(json_data, vec![ds("Target", kind, "t")]));
    c.span_links(&trace_of(vec![span_with_pod(pod)]), SPAN_ID).unwrap()
}

#[test]
fn loki_label_matcher() {
    let data = json!({"tracesToLogsV2": {"datasourceUid": "t", "tags": [{"key": "pod"}]}});
    assert_eq!(query(&links(data.clone(), "loki", HOSTILE)[0])["expr"], r#"{pod="a\"b\\c"}"#);
    assert_eq!(query(&links(data, "loki", "cart-7d9")[0])["expr"], r#"{pod="cart-7d9"}"#);
}

#[test]
fn loki_label_matcher_with_a_newline() {
    let data = json!({"tracesToLogsV2": {"datasourceUid": "t", "tags": [{"key": "pod"}]}});
    assert_eq!(query(&links(data, "loki", "a\nb")[0])["expr"], r#"{pod="a\nb"}"#);
}

#[test]
fn promql_tags() {
    let data = json!({"tracesToMetrics": {"datasourceUid": "t", "tags": [{"key": "pod"}], "queries": [{"query": "m{$__tags}"}]}});
    assert_eq!(
        query(&links(data.clone(), "prometheus", HOSTILE)[0])["expr"],
        r#"m{pod="a\"b\\c"}"#
    );
    assert_eq!(query(&links(data, "prometheus", "cart-7d9")[0])["expr"], r#"m{pod="cart-7d9"}"#);
}

#[test]
fn lucene_phrase() {
    let data = json!({"tracesToLogsV2": {"datasourceUid": "t", "tags": [{"key": "pod"}]}});
    assert_eq!(
        query(&links(data.clone(), "elasticsearch", HOSTILE)[0])["query"],
        r#"pod:"a\"b\\c""#
    );
    assert_eq!(query(&links(data, "elasticsearch", "cart-7d9")[0])["query"], r#"pod:"cart-7d9""#);
}

#[test]
fn splunk_and_cloud_logging_strings() {
    let data = json!({"tracesToLogsV2": {"datasourceUid": "t", "tags": [{"key": "pod"}]}});
    assert_eq!(
        query(&links(data.clone(), "grafana-splunk-datasource", HOSTILE)[0])["query"],
        r#"pod="a\"b\\c""#
    );
    assert_eq!(
        query(&links(data, "googlecloud-logging-datasource", HOSTILE)[0])["query"],
        r#"pod="a\"b\\c""#
    );
}

#[test]
fn custom_loki_query_placeholder_inside_quotes() {
    let data = json!({"tracesToLogsV2": {"datasourceUid": "t", "tags": [{"key": "pod"}], "customQuery": true,
        "query": "{job=\"app\"} |= \"${__span.tags.pod}\" | pod=`${__span.tags.pod}` | x=${__span.tags.pod}"}});
    assert_eq!(
        query(&links(data.clone(), "loki", HOSTILE)[0])["expr"],
        r#"{job="app"} |= "a\"b\\c" | pod=`a"b\c` | x=a"b\c"#
    );
    assert_eq!(
        query(&links(data, "loki", "cart")[0])["expr"],
        r#"{job="app"} |= "cart" | pod=`cart` | x=cart"#
    );
}

#[test]
fn an_explicit_format_wins_over_escaping() {
    let data = json!({"tracesToLogsV2": {"datasourceUid": "t", "tags": [{"key": "pod"}], "customQuery": true,
        "query": "{job=\"app\"} |= \"${__span.tags.pod:raw}\""}});
    assert_eq!(query(&links(data, "loki", HOSTILE)[0])["expr"], r#"{job="app"} |= "a"b\c""#);
}

#[test]
fn loki_label_names_are_made_valid() {
    let data = json!({"tracesToLogsV2": {"datasourceUid": "t", "tags": [{"key": "pod", "value": "k8s-pod/name"}]}});
    assert_eq!(query(&links(data, "loki", "x")[0])["expr"], r#"{k8s_pod_name="x"}"#);
}

#[test]
fn correlation_target_placeholder_inside_quotes_gets_the_target_language() {
    let doc = json!({"datasources": [
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "correlations": [
            {"targetUID": "loki", "label": "Pod logs", "config": {"type": "query", "field": "traceID",
              "target": {"expr": "{pod=\"${__span.tags.pod}\"}"}}}
        ]},
        {"name": "Loki", "type": "loki", "uid": "loki"}
    ]});
    let c = correlator(doc);
    let l = c.span_links(&trace_of(vec![span_with_pod(HOSTILE)]), SPAN_ID).unwrap();
    assert_eq!(query(&l[0])["expr"], r#"{pod="a\"b\\c"}"#);
    let l = c.span_links(&trace_of(vec![span_with_pod("cart")]), SPAN_ID).unwrap();
    assert_eq!(query(&l[0])["expr"], r#"{pod="cart"}"#);
}

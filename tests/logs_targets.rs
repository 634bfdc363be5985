//! Trace → logs for every logs data source type (docs/grafana.md §3), on Grafana's fixture span.
//! Every expected string is written from docs/grafana.md, not from spanlink's output.

mod common;

use common::*;
use serde_json::{json, Value};
use spanlink::{Features, LinkTarget, LinkType, Options};

const TAGS_LOKI: &str =
    r#"{cluster="cluster1", hostname="hostname1", service_namespace="namespace1"}"#;
const FROM: f64 = 1602637200000.0;
const TO: f64 = 1602637201000.0;

fn logs_to(kind: &str, options: Value) -> spanlink::Correlator {
    let mut v2 = json!({"datasourceUid": "logs"});
    for (k, v) in options.as_object().unwrap() {
        v2[k] = v.clone();
    }
    correlator(tempo_with(json!({"tracesToLogsV2": v2}), vec![ds("Logs", kind, "logs")]))
}

fn both_filters() -> Value {
    json!({"filterByTraceID": true, "filterBySpanID": true})
}

fn only_link(c: &spanlink::Correlator) -> spanlink::Link {
    let links = fixture_links(c);
    assert_eq!(links.len(), 1, "{links:#?}");
    links.into_iter().next().unwrap()
}

// ---- Loki, default path (§3.1) ----

#[test]
fn loki_default_tags_both_filters_is_the_one_line_example() {
    let link = only_link(&logs_to("loki", both_filters()));
    let expr = r#"{cluster="cluster1", hostname="hostname1", service_namespace="namespace1"} | label_format log_line_contains_trace_id=`{{ contains "7946b05c2e2e4e5a" __line__  }}` | log_line_contains_trace_id="true" or trace_id="7946b05c2e2e4e5a" | label_format log_line_contains_span_id=`{{ contains "6605c7b08e715d6c" __line__  }}` | log_line_contains_span_id="true" or span_id="6605c7b08e715d6c""#;
    assert_eq!(link.kind, LinkType::Logs);
    assert_eq!(link.title, "Related logs");
    assert_eq!(link.target, LinkTarget::SameTab);
    assert_eq!(link.origin, "datasources[0].jsonData.tracesToLogsV2");
    assert_eq!(query(&link), &json!({"expr": expr, "refId": "", "datasource": {"uid": "logs"}}));
    assert_eq!(range(&link), (FROM, TO));
    let internal = link.internal.as_ref().unwrap();
    assert_eq!(
        (
            internal.datasource_uid.as_str(),
            internal.datasource_name.as_str(),
            internal.datasource_type.as_str()
        ),
        ("logs", "Logs", "loki")
    );
    // The state in the URL, key order included (§6.1).
    let expected_left = format!(
        r#"{{"range":{{"from":"1602637200000","to":"1602637201000"}},"datasource":"logs","queries":[{{"expr":{},"refId":"","datasource":{{"uid":"logs"}}}}]}}"#,
        serde_json::to_string(expr).unwrap()
    );
    assert_eq!(left_text(&link.href), expected_left);
    assert_eq!(link.href, format!("/explore?left={}", encode_uri_component(&expected_left)));
}

#[test]
fn loki_default_tags_no_filters() {
    let link = only_link(&logs_to("loki", json!({})));
    assert_eq!(query(&link)["expr"], TAGS_LOKI);
    assert_eq!(query(&link)["refId"], "");
}

#[test]
fn loki_trace_filter_only() {
    let link = only_link(&logs_to("loki", json!({"filterByTraceID": true})));
    assert_eq!(
        query(&link)["expr"],
        format!("{TAGS_LOKI} | label_format log_line_contains_trace_id=`{{{{ contains \"7946b05c2e2e4e5a\" __line__  }}}}` | log_line_contains_trace_id=\"true\" or trace_id=\"7946b05c2e2e4e5a\"")
    );
}

#[test]
fn loki_span_filter_only() {
    let link = only_link(&logs_to("loki", json!({"filterBySpanID": true})));
    assert_eq!(
        query(&link)["expr"],
        format!("{TAGS_LOKI} | label_format log_line_contains_span_id=`{{{{ contains \"6605c7b08e715d6c\" __line__  }}}}` | log_line_contains_span_id=\"true\" or span_id=\"6605c7b08e715d6c\"")
    );
}

#[test]
fn loki_without_a_matching_tag_has_no_link_even_with_filters() {
    let c = logs_to(
        "loki",
        json!({"filterByTraceID": true, "filterBySpanID": true, "tags": [{"key": "nope"}]}),
    );
    assert!(fixture_links(&c).is_empty());
}

#[test]
fn loki_user_tags_with_dots_become_underscores() {
    let c = logs_to(
        "loki",
        json!({"tags": [{"key": "service.namespace"}, {"key": "cluster", "value": "k8s.cluster"}]}),
    );
    let link = only_link(&c);
    assert_eq!(query(&link)["expr"], r#"{k8s_cluster="cluster1", service_namespace="namespace1"}"#);
}

#[test]
fn tags_follow_span_attribute_order_not_config_order() {
    let c =
        logs_to("loki", json!({"tags": [{"key": "host"}, {"key": "label2"}, {"key": "cluster"}]}));
    assert_eq!(
        query(&only_link(&c))["expr"],
        r#"{cluster="cluster1", label2="val2", host="host"}"#
    );
}

#[test]
fn duplicate_attributes_give_duplicate_matchers() {
    let mut span = fixture_span();
    std::sync::Arc::make_mut(&mut span.service_tags).push(kv("ip", "1"));
    span.tags.push(kv("ip", "1"));
    let c = logs_to("loki", json!({"tags": [{"key": "ip"}]}));
    let links = c.span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(query(&links[0])["expr"], r#"{ip="1", ip="1"}"#);
}

#[test]
fn synthetic_attributes_are_matchable() {
    let c = logs_to("loki", json!({"tags": [{"key": "name", "value": "op"}, {"key": "traceId"}]}));
    assert_eq!(query(&only_link(&c))["expr"], r#"{traceId="7946b05c2e2e4e5a", op="operation"}"#);
}

// ---- The other types (§3 table, representative outputs) ----

#[test]
fn splunk_both_filters() {
    let link = only_link(&logs_to("grafana-splunk-datasource", both_filters()));
    assert_eq!(
        query(&link),
        &json!({"query": r#"cluster="cluster1" hostname="hostname1" service_namespace="namespace1" "7946b05c2e2e4e5a" "6605c7b08e715d6c""#, "refId": "", "datasource": {"uid": "logs"}})
    );
    assert_eq!(range(&link), (FROM, TO));
}

#[test]
fn splunk_no_filters_and_no_tags_still_links_with_an_empty_query() {
    let link = only_link(&logs_to("grafana-splunk-datasource", json!({"tags": [{"key": "nope"}]})));
    assert_eq!(query(&link)["query"], "");
    let link = only_link(&logs_to(
        "grafana-splunk-datasource",
        json!({"tags": [{"key": "nope"}], "filterByTraceID": true}),
    ));
    assert_eq!(query(&link)["query"], r#" "7946b05c2e2e4e5a""#);
}

#[test]
fn splunk_window_is_at_least_one_second() {
    let mut span = fixture_span();
    span.duration = 10_000.0; // 10 ms
    let c = logs_to("grafana-splunk-datasource", json!({}));
    let links = c.span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(range(&links[0]), (FROM, FROM + 1000.0));
    // Loki keeps the 10 ms window.
    let mut span = fixture_span();
    span.duration = 10_000.0;
    let links = logs_to("loki", json!({})).span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(range(&links[0]), (FROM, FROM + 10.0));
}

#[test]
fn elasticsearch_both_filters() {
    let link = only_link(&logs_to("elasticsearch", both_filters()));
    assert_eq!(
        query(&link),
        &json!({
            "query": r#""6605c7b08e715d6c" AND "7946b05c2e2e4e5a" AND cluster:"cluster1" AND hostname:"hostname1" AND service_namespace:"namespace1""#,
            "refId": "",
            "metrics": [{"id": "1", "type": "logs"}],
            "datasource": {"uid": "logs"}
        })
    );
}

#[test]
fn opensearch_is_written_like_elasticsearch() {
    let link = only_link(&logs_to("grafana-opensearch-datasource", both_filters()));
    assert_eq!(
        query(&link)["query"],
        r#""6605c7b08e715d6c" AND "7946b05c2e2e4e5a" AND cluster:"cluster1" AND hostname:"hostname1" AND service_namespace:"namespace1""#
    );
    assert_eq!(query(&link)["metrics"], json!([{"id": "1", "type": "logs"}]));
}

#[test]
fn elasticsearch_trace_filter_only_and_no_matching_tags() {
    let link = only_link(&logs_to(
        "elasticsearch",
        json!({"filterByTraceID": true, "tags": [{"key": "nope"}]}),
    ));
    assert_eq!(query(&link)["query"], r#""7946b05c2e2e4e5a""#);
    let link = only_link(&logs_to("elasticsearch", json!({"tags": [{"key": "nope"}]})));
    assert_eq!(query(&link)["query"], "");
}

#[test]
fn elasticsearch_default_tags_no_filters() {
    let link = only_link(&logs_to("elasticsearch", json!({})));
    assert_eq!(
        query(&link)["query"],
        r#"cluster:"cluster1" AND hostname:"hostname1" AND service_namespace:"namespace1""#
    );
}

#[test]
fn google_cloud_logging_both_filters() {
    let link = only_link(&logs_to("googlecloud-logging-datasource", both_filters()));
    assert_eq!(
        query(&link),
        &json!({
            "query": r#""6605c7b08e715d6c" AND "7946b05c2e2e4e5a" AND cluster="cluster1" AND hostname="hostname1" AND service_namespace="namespace1""#,
            "refId": "",
            "datasource": {"uid": "logs"}
        })
    );
}

#[test]
fn falcon_logscale_both_filters() {
    let link = only_link(&logs_to("grafana-falconlogscale-datasource", both_filters()));
    assert_eq!(
        query(&link),
        &json!({
            "lsql": r#"cluster="cluster1" OR hostname="hostname1" OR service_namespace="namespace1" or "7946b05c2e2e4e5a" or "6605c7b08e715d6c""#,
            "refId": "",
            "datasource": {"uid": "logs"}
        })
    );
}

#[test]
fn falcon_logscale_needs_a_matched_tag_even_with_filters() {
    let c = logs_to(
        "grafana-falconlogscale-datasource",
        json!({"filterByTraceID": true, "filterBySpanID": true, "tags": [{"key": "nope"}]}),
    );
    assert!(fixture_links(&c).is_empty());
}

#[test]
fn victorialogs_both_filters() {
    let link = only_link(&logs_to("victoriametrics-logs-datasource", both_filters()));
    assert_eq!(
        query(&link),
        &json!({
            "expr": r#"span_id:="6605c7b08e715d6c" AND trace_id:="7946b05c2e2e4e5a" AND cluster:="cluster1" AND hostname:="hostname1" AND service_namespace:="namespace1""#,
            "refId": "",
            "datasource": {"uid": "logs"}
        })
    );
}

#[test]
fn victorialogs_with_nothing_to_match_has_no_link() {
    assert!(fixture_links(&logs_to(
        "victoriametrics-logs-datasource",
        json!({"tags": [{"key": "nope"}]})
    ))
    .is_empty());
    let link = only_link(&logs_to(
        "victoriametrics-logs-datasource",
        json!({"tags": [{"key": "nope"}], "filterByTraceID": true}),
    ));
    assert_eq!(query(&link)["expr"], r#"trace_id:="7946b05c2e2e4e5a""#);
}

// ---- Visibility (§3.4) ----

#[test]
fn no_logs_link_without_a_resolvable_supported_data_source() {
    let none = |json_data: Value, others: Vec<Value>| {
        fixture_links(&correlator(tempo_with(json_data, others))).is_empty()
    };
    assert!(none(json!({}), vec![ds("Loki", "loki", "logs")]));
    assert!(none(
        json!({"tracesToLogsV2": {"datasourceUid": ""}}),
        vec![ds("Loki", "loki", "logs")]
    ));
    assert!(none(json!({"tracesToLogsV2": {}}), vec![ds("Loki", "loki", "logs")]));
    assert!(none(
        json!({"tracesToLogsV2": {"datasourceUid": "missing"}}),
        vec![ds("Loki", "loki", "logs")]
    ));
    assert!(none(
        json!({"tracesToLogsV2": {"datasourceUid": "logs"}}),
        vec![ds("Prom", "prometheus", "logs")]
    ));
}

#[test]
fn a_data_source_without_uid_is_referenced_by_name() {
    let c = correlator(tempo_with(
        json!({"tracesToLogsV2": {"datasourceUid": "Loki"}}),
        vec![json!({"name": "Loki", "type": "loki"})],
    ));
    let link = only_link(&c);
    assert_eq!(left(&link.href)["datasource"], "Loki");
    assert_eq!(query(&link)["datasource"], json!({"uid": "Loki"}));
}

// ---- Time windows (§3.5) ----

#[test]
fn shifts_widen_the_window() {
    let link =
        only_link(&logs_to("loki", json!({"spanStartTimeShift": "-1m", "spanEndTimeShift": "1m"})));
    assert_eq!(range(&link), (1602637140000.0, 1602637261000.0));
    assert_eq!(left(&link.href)["range"], json!({"from": "1602637140000", "to": "1602637261000"}));
}

#[test]
fn an_empty_window_gets_one_millisecond() {
    let mut span = fixture_span();
    span.duration = 0.0;
    let links = logs_to("loki", json!({})).span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(range(&links[0]), (FROM, FROM + 1.0));
    // A shift that turns the window around also gets `to = from + 1`.
    let link = only_link(&logs_to("loki", json!({"spanStartTimeShift": "5s"})));
    assert_eq!(range(&link), (1602637205000.0, 1602637205001.0));
}

#[test]
fn fractional_microseconds_are_floored() {
    let mut span = fixture_span();
    span.start_time = 1_602_637_200_000_999.0;
    span.duration = 1_500.0;
    let links = logs_to("loki", json!({})).span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(range(&links[0]), (1602637200000.0, 1602637200002.0));
}

// ---- Legacy tracesToLogs (§1.1) ----

#[test]
fn legacy_mapped_tags() {
    let c = correlator(tempo_with(
        json!({"tracesToLogs": {
            "datasourceUid": "logs",
            "tags": ["cluster"],
            "mappedTags": [{"key": "service.namespace", "value": "ns"}, {"key": "host"}],
            "mapTagNamesEnabled": true,
            "filterByTraceID": true,
            "spanStartTimeShift": "-1m",
            "spanEndTimeShift": "1m",
            "lokiSearch": true
        }}),
        vec![ds("Loki", "loki", "logs")],
    ));
    let link = only_link(&c);
    assert_eq!(
        query(&link)["expr"],
        r#"{ns="namespace1", host="host"} | label_format log_line_contains_trace_id=`{{ contains "7946b05c2e2e4e5a" __line__  }}` | log_line_contains_trace_id="true" or trace_id="7946b05c2e2e4e5a""#
    );
    assert_eq!(range(&link), (1602637140000.0, 1602637261000.0));
    assert_eq!(link.origin, "datasources[0].jsonData.tracesToLogs");
}

#[test]
fn legacy_plain_tag_list() {
    let c = correlator(tempo_with(
        json!({"tracesToLogs": {"datasourceUid": "logs", "tags": ["cluster", "host"], "mappedTags": [{"key": "label2"}]}}),
        vec![ds("Loki", "loki", "logs")],
    ));
    assert_eq!(query(&only_link(&c))["expr"], r#"{cluster="cluster1", host="host"}"#);
}

#[test]
fn v2_wins_over_legacy() {
    let c = correlator(tempo_with(
        json!({
            "tracesToLogs": {"datasourceUid": "logs", "tags": ["cluster"]},
            "tracesToLogsV2": {"datasourceUid": "logs", "tags": [{"key": "host"}]}
        }),
        vec![ds("Loki", "loki", "logs")],
    ));
    assert_eq!(query(&only_link(&c))["expr"], r#"{host="host"}"#);
}

// ---- Custom queries (§3.3) ----

fn custom_span() -> spanlink::Span {
    let mut span = spanlink::testing::span("trace1", "span1");
    span.service_tags =
        vec![kv("service.name", "serviceName"), kv("k8s.pod.name", "podName")].into();
    span
}

fn custom(kind: &str, query_text: &str) -> spanlink::Correlator {
    correlator(tempo_with(
        json!({"tracesToLogsV2": {
            "datasourceUid": "logs",
            "tags": [{"key": "service.name", "value": "service"}, {"key": "k8s.pod.name", "value": "pod"}],
            "customQuery": true,
            "query": query_text
        }}),
        vec![ds("Logs", kind, "logs")],
    ))
}

#[test]
fn loki_custom_query_example() {
    let c =
        custom("loki", r#"{${__tags}} |="${__span.tags["service.name"]}" |="${__trace.traceId}""#);
    let links = c.span_links(&trace_of(vec![custom_span()]), "span1").unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(
        query(&links[0]),
        &json!({"expr": r#"{service="serviceName", pod="podName"} |="serviceName" |="trace1""#, "refId": "t2l:custom", "datasource": {"uid": "logs"}})
    );
    assert_eq!(links[0].title, "Related logs");
}

#[test]
fn custom_query_is_suppressed_when_a_variable_does_not_resolve() {
    let c = custom("loki", r#"{${__tags}} |="${__span.tags["service.name"]}" |="${__trace.id}""#);
    assert!(c.span_links(&trace_of(vec![custom_span()]), "span1").unwrap().is_empty());
    let mut span = custom_span();
    std::sync::Arc::make_mut(&mut span.service_tags).remove(0);
    let c = custom("loki", r#"{${__tags}} |="${__span.tags["service.name"]}""#);
    assert!(c.span_links(&trace_of(vec![span]), "span1").unwrap().is_empty());
}

#[test]
fn custom_query_with_empty_text_is_not_custom() {
    let c = correlator(tempo_with(
        json!({"tracesToLogsV2": {"datasourceUid": "logs", "customQuery": true, "query": ""}}),
        vec![ds("Loki", "loki", "logs")],
    ));
    assert_eq!(
        query(&only_link(&c)),
        &json!({"expr": TAGS_LOKI, "refId": "", "datasource": {"uid": "logs"}})
    );
}

#[test]
fn custom_queries_for_the_other_types() {
    let trace = trace_of(vec![custom_span()]);
    let one = |kind: &str, q: &str| custom(kind, q).span_links(&trace, "span1").unwrap().remove(0);
    let l = one("elasticsearch", "${__tags} AND \"${__span.spanId}\"");
    assert_eq!(
        query(&l),
        &json!({"query": r#"service:"serviceName" AND pod:"podName" AND "span1""#, "refId": "", "metrics": [{"id": "1", "type": "logs"}], "datasource": {"uid": "logs"}})
    );
    let l = one("grafana-splunk-datasource", "${__tags} ${__trace.traceId}");
    assert_eq!(
        query(&l),
        &json!({"query": r#"service="serviceName" pod="podName" trace1"#, "refId": "", "datasource": {"uid": "logs"}})
    );
    let l = one("googlecloud-logging-datasource", "${__tags}");
    assert_eq!(query(&l)["query"], r#"service="serviceName" AND pod="podName""#);
    let l = one("grafana-falconlogscale-datasource", "${__tags}");
    assert_eq!(
        query(&l),
        &json!({"lsql": r#"service="serviceName" OR pod="podName""#, "refId": "", "datasource": {"uid": "logs"}})
    );
    let l = one("victoriametrics-logs-datasource", "${__tags}");
    assert_eq!(
        query(&l),
        &json!({"expr": r#"service:="serviceName" AND pod:="podName""#, "refId": "", "datasource": {"uid": "logs"}})
    );
}

// ---- Loki dynamic path (§3.2) ----

fn dynamic() -> Options {
    Options { features: Features { dynamic_trace_to_logs: true }, ..Options::default() }
}

fn dynamic_expected(
    trace_id: &str,
    span_id: Option<&str>,
    job: Option<&str>,
) -> Vec<(String, String)> {
    let variants = [
        ("traceID", "spanID"),
        ("trace_id", "span_id"),
        ("traceId", "spanId"),
        ("TraceID", "SpanID"),
        ("TraceId", "SpanId"),
        ("otel_trace_id", "otel_span_id"),
    ];
    let mut out = Vec::new();
    for (tf, sf) in variants {
        let filters = match span_id {
            Some(s) => format!("{tf}=\"{trace_id}\" | {sf}=\"{s}\""),
            None => format!("{tf}=\"{trace_id}\""),
        };
        out.push((
            format!("{TAGS_LOKI} | logfmt | json | drop __error__ | {filters}"),
            format!("t2l:default:{tf}"),
        ));
        if let Some(job) = job {
            out.push((
                format!("{{job=~\"(.*/)?({job})\"}} | logfmt | json | drop __error__ | {filters}"),
                format!("t2l:job:{tf}"),
            ));
        }
    }
    let contains = match span_id {
        Some(s) => format!("|= \"{trace_id}\" |= \"{s}\""),
        None => format!("|= \"{trace_id}\""),
    };
    out.push((format!("{TAGS_LOKI} {contains}"), "t2l:line-contains".into()));
    out
}

fn alternatives(link: &spanlink::Link) -> Vec<(String, String)> {
    let alts = link.internal.as_ref().unwrap().alternatives.as_ref().expect("alternatives");
    alts.iter()
        .map(|q| {
            assert_eq!(q["datasource"], json!({"uid": "logs"}));
            (q["expr"].as_str().unwrap().to_string(), q["refId"].as_str().unwrap().to_string())
        })
        .collect()
}

#[test]
fn loki_dynamic_thirteen_alternatives() {
    let c = correlator_with(
        tempo_with(
            json!({"tracesToLogsV2": {"datasourceUid": "logs", "filterByTraceID": true}}),
            vec![ds("Loki", "loki", "logs")],
        ),
        dynamic(),
    );
    let mut span = fixture_span();
    span.service_name = "svc".into();
    span.tags.push(kv("service.name", "api.v1"));
    let links = c.span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(links.len(), 1);
    // `service.name` attribute first, then the process service name; regex-escaped (`.` → `\.`),
    // then written into a LogQL string (`\` → `\\`).
    let got = alternatives(&links[0]);
    assert_eq!(got.len(), 13);
    let want = dynamic_expected(TRACE_ID, Some(SPAN_ID), Some(r"api\\.v1|svc"));
    // The tag selector now also has the service name (a default tag).
    let want: Vec<(String, String)> = want
        .into_iter()
        .map(|(e, r)| (e.replace(TAGS_LOKI, r#"{cluster="cluster1", hostname="hostname1", service_namespace="namespace1", service_name="api.v1"}"#), r))
        .collect();
    assert_eq!(got, want);
    assert_eq!(query(&links[0])["expr"], want[0].0);
    assert_eq!(query(&links[0])["refId"], "t2l:default:traceID");
}

#[test]
fn loki_dynamic_seven_alternatives_without_service_names() {
    let c = correlator_with(
        tempo_with(
            json!({"tracesToLogsV2": {"datasourceUid": "logs"}}),
            vec![ds("Loki", "loki", "logs")],
        ),
        dynamic(),
    );
    let mut span = fixture_span();
    span.service_name = String::new();
    let links = c.span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    let got = alternatives(&links[0]);
    assert_eq!(got, dynamic_expected(TRACE_ID, Some(SPAN_ID), None));
    assert_eq!(got.len(), 7);
}

#[test]
fn loki_dynamic_custom_query_keeps_the_custom_path() {
    let c = correlator_with(
        tempo_with(
            json!({"tracesToLogsV2": {"datasourceUid": "logs", "customQuery": true, "query": "{${__tags}}"}}),
            vec![ds("Loki", "loki", "logs")],
        ),
        dynamic(),
    );
    let link = only_link(&c);
    assert_eq!(
        query(&link),
        &json!({"expr": TAGS_LOKI, "refId": "t2l:custom", "datasource": {"uid": "logs"}})
    );
    assert!(link.internal.as_ref().unwrap().alternatives.is_none());
}

// ---- Trace-level link (§3.7) ----

#[test]
fn trace_level_link_uses_the_root_span_and_the_trace_window() {
    let root = fixture_span();
    let mut child = spanlink::testing::span(TRACE_ID, "1111111111111111");
    child.parent_span_id = Some(SPAN_ID.into());
    child.references = vec![spanlink::SpanReference {
        ref_type: spanlink::RefType::ChildOf,
        trace_id: TRACE_ID.into(),
        span_id: SPAN_ID.into(),
        tags: vec![],
    }];
    child.service_tags = vec![kv("cluster", "other")].into();
    child.start_time += 1_500_000.0; // ends 2.5 s after the root starts
    let trace = trace_of(vec![child, root]);
    let c = logs_to("loki", both_filters());
    let link = c.trace_logs_link(&trace).unwrap().expect("trace link");
    assert_eq!(link.kind, LinkType::Logs);
    // Grafana's button text for the trace: filterByTraceID is on.
    assert_eq!(link.title, "Logs for this trace");
    assert_eq!(
        query(&link)["expr"],
        format!("{TAGS_LOKI} | label_format log_line_contains_trace_id=`{{{{ contains \"7946b05c2e2e4e5a\" __line__  }}}}` | log_line_contains_trace_id=\"true\" or trace_id=\"7946b05c2e2e4e5a\"")
    );
    assert_eq!(range(&link), (FROM, 1602637202500.0));
}

#[test]
fn trace_level_dynamic_drops_the_span_filter() {
    let c = correlator_with(
        tempo_with(
            json!({"tracesToLogsV2": {"datasourceUid": "logs"}}),
            vec![ds("Loki", "loki", "logs")],
        ),
        dynamic(),
    );
    let mut span = fixture_span();
    span.service_name = "svc".into();
    let link = c.trace_logs_link(&trace_of(vec![span])).unwrap().unwrap();
    assert_eq!(alternatives(&link), dynamic_expected(TRACE_ID, None, Some("svc")));
    assert_eq!(link.title, "Logs for this trace");
}

#[test]
fn trace_level_link_without_filters_is_titled_related_logs() {
    let c = logs_to("loki", json!({}));
    let link = c.trace_logs_link(&trace_of(vec![fixture_span()])).unwrap().unwrap();
    assert_eq!(link.title, "Related logs");
    assert_eq!(query(&link)["expr"], TAGS_LOKI);
}

#[test]
fn an_empty_tag_list_means_the_default_tags() {
    assert_eq!(query(&only_link(&logs_to("loki", json!({"tags": []}))))["expr"], TAGS_LOKI);
    let c = correlator(tempo_with(
        json!({"tracesToMetrics": {"datasourceUid": "prom", "tags": [], "queries": [{"query": "m{$__tags}"}]}}),
        vec![ds("Prom", "prometheus", "prom")],
    ));
    assert_eq!(
        query(&fixture_links(&c)[0])["expr"],
        r#"m{cluster="cluster1", hostname="hostname1", service_namespace="namespace1"}"#
    );
}

//! Metrics (docs/grafana.md §4), profiles (§5), references and session links (§6.4), the order of a
//! span's links, and Explore URLs (§6.1). Expected strings are written from docs/grafana.md.

mod common;

use common::*;
use serde_json::json;
use spanlink::explore::{ExploreRange, ExploreState, RangeBound};
use spanlink::{LinkTarget, LinkType, Options, RefType, SpanReference};

fn metrics(block: serde_json::Value) -> spanlink::Correlator {
    correlator(tempo_with(
        json!({ "tracesToMetrics": block }),
        vec![ds("Prom", "prometheus", "prom")],
    ))
}

// ---- Metrics (§4) ----

#[test]
fn metrics_default_query_uses_the_service_name() {
    let c = metrics(json!({"datasourceUid": "prom", "queries": [{"name": "Request rate"}]}));
    let links = fixture_links(&c);
    assert_eq!(links.len(), 1);
    let link = &links[0];
    assert_eq!(link.kind, LinkType::Metrics);
    assert_eq!(link.title, "Request rate");
    assert_eq!(link.origin, "datasources[0].jsonData.tracesToMetrics.queries[0]");
    assert_eq!(
        query(link),
        &json!({
            "expr": r#"histogram_quantile(0.5, sum(rate(traces_spanmetrics_latency_bucket{service="service"}[5m])) by (le))"#,
            "refId": "A",
            "datasource": {"uid": "prom"}
        })
    );
    assert_eq!(range(link), (1602637080000.0, 1602637321000.0));
    // A raw href, written out by hand.
    assert_eq!(
        link.href,
        "/explore?left=%7B%22range%22%3A%7B%22from%22%3A%221602637080000%22%2C%22to%22%3A%221602637321000%22%7D%2C\
         %22datasource%22%3A%22prom%22%2C%22queries%22%3A%5B%7B%22expr%22%3A%22histogram_quantile(0.5%2C%20sum(rate(\
         traces_spanmetrics_latency_bucket%7Bservice%3D%5C%22service%5C%22%7D%5B5m%5D))%20by%20(le))%22%2C%22refId%22%3A\
         %22A%22%2C%22datasource%22%3A%7B%22uid%22%3A%22prom%22%7D%7D%5D%7D"
    );
}

#[test]
fn metrics_named_and_unnamed_queries_in_order() {
    let c = metrics(json!({"datasourceUid": "prom", "queries": [
        {"name": "Named", "query": "rate(calls_total[5m])"},
        {"query": "up"},
        {"name": "Default", "query": ""}
    ]}));
    let links = fixture_links(&c);
    let titles: Vec<&str> = links.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["Named", "", "Default"]);
    assert_eq!(query(&links[0])["expr"], "rate(calls_total[5m])");
    assert_eq!(query(&links[1])["expr"], "up");
    assert_eq!(
        query(&links[2])["expr"],
        r#"histogram_quantile(0.5, sum(rate(traces_spanmetrics_latency_bucket{service="service"}[5m])) by (le))"#
    );
    assert_eq!(links[1].origin, "datasources[0].jsonData.tracesToMetrics.queries[1]");
}

#[test]
fn metrics_tags_example() {
    let mut span = fixture_span();
    span.service_tags = vec![kv("job", "tns/app"), kv("k8s.pod", "sample-pod")].into();
    span.tags.clear();
    let c = metrics(json!({
        "datasourceUid": "prom",
        "tags": [{"key": "job"}, {"key": "k8s.pod", "value": "pod"}],
        "queries": [{"name": "Tags", "query": "metric{$__tags, $__tags}[5m]"}]
    }));
    let links = c.span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(
        query(&links[0])["expr"],
        r#"metric{job="tns/app", pod="sample-pod", job="tns/app", pod="sample-pod"}[5m]"#
    );
}

#[test]
fn metrics_default_tags_keep_renames_without_loki_normalisation() {
    let c = metrics(json!({"datasourceUid": "prom", "queries": [{"query": "m{${__tags}}"}]}));
    assert_eq!(
        query(&fixture_links(&c)[0])["expr"],
        r#"m{cluster="cluster1", hostname="hostname1", service_namespace="namespace1"}"#
    );
}

#[test]
fn metrics_shifts() {
    let c = metrics(
        json!({"datasourceUid": "prom", "spanStartTimeShift": "-1h", "spanEndTimeShift": "1h", "queries": [{"query": "up"}]}),
    );
    assert_eq!(range(&fixture_links(&c)[0]), (1602633600000.0, 1602640801000.0));
    let c = metrics(
        json!({"datasourceUid": "prom", "spanStartTimeShift": "", "spanEndTimeShift": "", "queries": [{"query": "up"}]}),
    );
    assert_eq!(range(&fixture_links(&c)[0]), (1602637080000.0, 1602637321000.0));
}

#[test]
fn metrics_without_queries_make_no_link() {
    assert!(fixture_links(&metrics(json!({"datasourceUid": "prom"}))).is_empty());
    assert!(fixture_links(&metrics(json!({"datasourceUid": "prom", "queries": []}))).is_empty());
    assert!(fixture_links(&metrics(json!({"queries": [{"query": "up"}]}))).is_empty());
}

#[test]
fn metrics_links_are_never_suppressed_for_unresolved_variables() {
    let c = metrics(
        json!({"datasourceUid": "prom", "queries": [{"query": "rate(x{pod=\"${__span.tags.nope}\"}[5m])"}]}),
    );
    assert_eq!(query(&fixture_links(&c)[0])["expr"], r#"rate(x{pod="${__span.tags.nope}"}[5m])"#);
}

#[test]
fn victoriametrics_is_a_metrics_target_too() {
    let c = correlator(tempo_with(
        json!({"tracesToMetrics": {"datasourceUid": "vm", "queries": [{"query": "up"}]}}),
        vec![ds("VM", "victoriametrics-metrics-datasource", "vm")],
    ));
    assert_eq!(
        query(&fixture_links(&c)[0]),
        &json!({"expr": "up", "refId": "A", "datasource": {"uid": "vm"}})
    );
}

// ---- Profiles (§5) ----

fn profiles(block: serde_json::Value) -> spanlink::Correlator {
    correlator(tempo_with(
        json!({ "tracesToProfiles": block }),
        vec![ds("Pyroscope", "grafana-pyroscope-datasource", "pyro")],
    ))
}

#[test]
fn profiles_default_label_selector() {
    let links = fixture_links(&profiles(json!({"datasourceUid": "pyro"})));
    assert_eq!(links.len(), 1);
    let link = &links[0];
    assert_eq!(link.kind, LinkType::Profiles);
    assert_eq!(link.title, "Related profiles");
    assert_eq!(link.origin, "datasources[0].jsonData.tracesToProfiles");
    assert_eq!(
        left_text(&link.href),
        r#"{"range":{"from":"1602637140000","to":"1602637261000"},"datasource":"pyro","queries":[{"labelSelector":"{service_namespace=\"namespace1\"}","groupBy":[],"profileTypeId":"","queryType":"profile","spanSelector":["hdgfljn23u982nj"],"refId":"profile","datasource":{"uid":"pyro"}}]}"#
    );
    assert_eq!(range(link), (1602637140000.0, 1602637261000.0));
}

#[test]
fn profiles_custom_query_and_profile_type() {
    let c = profiles(json!({
        "datasourceUid": "pyro",
        "profileTypeId": "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
        "customQuery": true,
        "query": "{service_name=\"x\", ${__tags}}",
        "tags": [{"key": "host", "value": "h"}]
    }));
    let q = query(&fixture_links(&c)[0]).clone();
    assert_eq!(q["labelSelector"], r#"{service_name="x", h="host"}"#);
    assert_eq!(q["profileTypeId"], "process_cpu:cpu:nanoseconds:cpu:nanoseconds");
}

#[test]
fn no_profile_link_without_a_profile_id() {
    let c = profiles(json!({"datasourceUid": "pyro"}));
    assert!(c
        .span_links(&trace_of(vec![fixture_span_without_profile()]), SPAN_ID)
        .unwrap()
        .is_empty());
}

#[test]
fn profile_rule_widens_and_retypes_every_data_frame_link() {
    let doc = json!({"datasources": [
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {"tracesToProfiles": {"datasourceUid": "pyro"}},
         "correlations": [
            {"targetUID": "loki", "label": "Logs of ${__value.raw}", "config": {"type": "query", "field": "spanID", "target": {"expr": "{span=\"${__value.raw}\"}"}}},
            {"label": "Docs", "config": {"type": "external", "field": "traceID", "target": {"url": "https://example.com/t/${__value.raw}"}}}
         ]},
        {"name": "Pyroscope", "type": "grafana-pyroscope-datasource", "uid": "pyro"},
        {"name": "Loki", "type": "loki", "uid": "loki"}
    ]});
    let c = correlator(doc);
    let links = fixture_links(&c);
    // Frame field order: traceID, spanID, …, tags.
    let summary: Vec<(LinkType, &str)> = links.iter().map(|l| (l.kind, l.title.as_str())).collect();
    assert_eq!(
        summary,
        [
            (LinkType::Profiles, "Docs"),
            (LinkType::Profiles, "Logs of 6605c7b08e715d6c"),
            (LinkType::Profiles, "Related profiles")
        ]
    );
    assert_eq!(links[0].href, "https://example.com/t/7946b05c2e2e4e5a");
    assert_eq!(links[0].target, LinkTarget::NewTab);
    assert_eq!(range(&links[1]), (1602637140000.0, 1602637261000.0));
    assert_eq!(
        query(&links[1]),
        &json!({"expr": "{span=\"6605c7b08e715d6c\"}", "datasource": {"uid": "loki"}})
    );

    // Without a profile id: no widening, correlation / external types.
    let links = c.span_links(&trace_of(vec![fixture_span_without_profile()]), SPAN_ID).unwrap();
    let summary: Vec<(LinkType, &str)> = links.iter().map(|l| (l.kind, l.title.as_str())).collect();
    assert_eq!(
        summary,
        [(LinkType::External, "Docs"), (LinkType::Correlation, "Logs of 6605c7b08e715d6c")]
    );
    assert_eq!(range(&links[1]), (1602637200000.0, 1602637201000.0));
}

// ---- References, span links, session (§6.4) and order ----

fn reference(ref_type: RefType, span_id: &str) -> SpanReference {
    SpanReference { ref_type, trace_id: TRACE_ID.into(), span_id: span_id.into(), tags: vec![] }
}

fn focus_left(trace_id: &str, span_id: &str) -> String {
    format!(
        r#"{{"datasource":"tempo","queries":[{{"query":"{trace_id}","datasource":{{"uid":"tempo"}}}}],"panelsState":{{"trace":{{"spanId":"{span_id}"}}}}}}"#
    )
}

#[test]
fn references_and_referenced_by() {
    let mut parent = spanlink::testing::span(TRACE_ID, "aaaaaaaaaaaaaaaa");
    parent.operation_name = "parent-op".into();
    let mut sibling = spanlink::testing::span(TRACE_ID, "bbbbbbbbbbbbbbbb");
    sibling.operation_name = "sibling-op".into();
    let mut span = fixture_span();
    span.references = vec![
        reference(RefType::ChildOf, "aaaaaaaaaaaaaaaa"),
        reference(RefType::FollowsFrom, "bbbbbbbbbbbbbbbb"),
        reference(RefType::FollowsFrom, "cccccccccccccccc"),
        SpanReference {
            ref_type: RefType::External,
            trace_id: "otherTrace".into(),
            span_id: "bbbbbbbbbbbbbbbb".into(),
            tags: vec![],
        },
    ];
    // A later span that points at the fixture span (not as its parent).
    let mut follower = spanlink::testing::span(TRACE_ID, "dddddddddddddddd");
    follower.operation_name = "follower-op".into();
    follower.references = vec![
        reference(RefType::ChildOf, "aaaaaaaaaaaaaaaa"),
        reference(RefType::FollowsFrom, SPAN_ID),
    ];
    let trace = trace_of(vec![parent, sibling, span, follower]);
    let c = correlator(tempo_with(json!({}), vec![]));
    let links = c.span_links(&trace, SPAN_ID).unwrap();
    let summary: Vec<(LinkType, &str, &str)> =
        links.iter().map(|l| (l.kind, l.title.as_str(), l.origin.as_str())).collect();
    assert_eq!(
        summary,
        [
            (LinkType::Traces, "sibling-op", "references"),
            (LinkType::Traces, "View linked span", "references"),
            (LinkType::Traces, "View linked span", "references"),
            (LinkType::Traces, "follower-op", "subsidiarilyReferencedBy"),
        ]
    );
    assert_eq!(left_text(&links[0].href), focus_left(TRACE_ID, "bbbbbbbbbbbbbbbb"));
    assert_eq!(left_text(&links[2].href), focus_left("otherTrace", "bbbbbbbbbbbbbbbb"));
    assert_eq!(left_text(&links[3].href), focus_left(TRACE_ID, "dddddddddddddddd"));
    assert!(links[0].internal.as_ref().unwrap().range.is_none());
}

#[test]
fn session_link() {
    let mut span = fixture_span_without_profile();
    std::sync::Arc::make_mut(&mut span.service_tags).push(kv("gf.feo11y.app.id", "12"));
    span.tags.push(kv("session.id", "abc"));
    let c = correlator(tempo_with(json!({}), vec![]));
    let links = c.span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].kind, LinkType::Session);
    assert_eq!(links[0].title, "Session for this span");
    assert_eq!(links[0].href, "/a/grafana-kowalski-app/apps/12/sessions/abc");
    assert!(links[0].internal.is_none());
}

#[test]
fn the_full_order_of_a_span_s_links() {
    let doc = json!({"datasources": [
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {
            "tracesToLogsV2": {"datasourceUid": "loki"},
            "tracesToMetrics": {"datasourceUid": "prom", "queries": [{"name": "A", "query": "a"}, {"name": "B", "query": "b"}]},
            "tracesToProfiles": {"datasourceUid": "pyro"}
         },
         "correlations": [{"targetUID": "loki", "label": "By op", "config": {"type": "query", "field": "operationName", "target": {"expr": "{op=\"${__value.raw}\"}"}}}]},
        {"name": "Loki", "type": "loki", "uid": "loki"},
        {"name": "Prom", "type": "prometheus", "uid": "prom"},
        {"name": "Pyroscope", "type": "grafana-pyroscope-datasource", "uid": "pyro"}
    ]});
    let mut other = spanlink::testing::span(TRACE_ID, "bbbbbbbbbbbbbbbb");
    other.operation_name = "other-op".into();
    other.references = vec![
        reference(RefType::ChildOf, "zzzzzzzzzzzzzzzz"),
        reference(RefType::FollowsFrom, SPAN_ID),
    ];
    let mut span = fixture_span();
    span.references = vec![reference(RefType::FollowsFrom, "bbbbbbbbbbbbbbbb")];
    std::sync::Arc::make_mut(&mut span.service_tags).push(kv("gf.feo11y.app.id", "12"));
    span.tags.push(kv("session_id", "s1"));
    let links = correlator(doc).span_links(&trace_of(vec![span, other]), SPAN_ID).unwrap();
    let summary: Vec<(LinkType, &str)> = links.iter().map(|l| (l.kind, l.title.as_str())).collect();
    assert_eq!(
        summary,
        [
            (LinkType::Logs, "Related logs"),
            (LinkType::Metrics, "A"),
            (LinkType::Metrics, "B"),
            (LinkType::Traces, "other-op"),
            (LinkType::Traces, "other-op"),
            (LinkType::Session, "Session for this span"),
            (LinkType::Profiles, "By op"),
            (LinkType::Profiles, "Related profiles"),
        ]
    );
}

// ---- Explore URLs (§6.1) ----

#[test]
fn explore_url_with_relative_range_panels_state_and_app_sub_url() {
    let state = ExploreState {
        datasource: "tempo".into(),
        queries: vec![json!({"refId": "A", "query": "abc"})],
        range: Some(ExploreRange {
            from: RangeBound::Text("now-1h".into()),
            to: RangeBound::Text("now".into()),
        }),
        panels_state: Some(json!({"trace": {"spanId": "s1"}})),
    };
    let href = spanlink::explore_url(&state, "/grafana");
    let expected = r#"{"range":{"from":"now-1h","to":"now"},"datasource":"tempo","queries":[{"refId":"A","query":"abc","datasource":{"uid":"tempo"}}],"panelsState":{"trace":{"spanId":"s1"}}}"#;
    assert_eq!(href, format!("/grafana/explore?left={}", encode_uri_component(expected)));
}

#[test]
fn explore_url_keeps_an_existing_datasource_uid_and_completes_one_without() {
    let state = ExploreState {
        datasource: "loki".into(),
        queries: vec![
            json!({"expr": "x", "datasource": {"uid": "other"}}),
            json!({"expr": "y", "datasource": {"type": "loki"}}),
        ],
        range: None,
        panels_state: None,
    };
    assert_eq!(
        left_text(&spanlink::explore_url(&state, "")),
        r#"{"datasource":"loki","queries":[{"expr":"x","datasource":{"uid":"other"}},{"expr":"y","datasource":{"type":"loki","uid":"loki"}}]}"#
    );
}

#[test]
fn app_sub_url_prefixes_span_link_hrefs() {
    let options = Options { app_sub_url: "/grafana".into(), ..Options::default() };
    let c = correlator_with(
        tempo_with(
            json!({"tracesToLogsV2": {"datasourceUid": "loki"}}),
            vec![ds("Loki", "loki", "loki")],
        ),
        options,
    );
    let link = &fixture_links(&c)[0];
    assert!(link.href.starts_with("/grafana/explore?left=%7B%22range%22"), "{}", link.href);
}

#[test]
fn tracing_datasource_option_picks_the_source() {
    let doc = json!({"datasources": [
        {"name": "Tempo A", "type": "tempo", "uid": "a", "jsonData": {"tracesToLogsV2": {"datasourceUid": "loki", "tags": [{"key": "host"}]}}},
        {"name": "Tempo B", "type": "tempo", "uid": "b", "jsonData": {"tracesToLogsV2": {"datasourceUid": "loki", "tags": [{"key": "cluster"}]}}},
        {"name": "Loki", "type": "loki", "uid": "loki"}
    ]});
    assert_eq!(query(&fixture_links(&correlator(doc.clone()))[0])["expr"], r#"{host="host"}"#);
    let c = correlator_with(
        doc,
        Options { tracing_datasource: Some("Tempo B".into()), ..Options::default() },
    );
    assert_eq!(query(&fixture_links(&c)[0])["expr"], r#"{cluster="cluster1"}"#);
}

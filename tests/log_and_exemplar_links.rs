//! Loki derived fields (docs/grafana.md §8) and Prometheus exemplar destinations (§9).

mod common;

use common::*;
use serde_json::json;
use spanlink::{LinkTarget, LinkType, TimeRange};

fn loki_with(derived: serde_json::Value) -> spanlink::Correlator {
    correlator(json!({"datasources": [
        {"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {"derivedFields": derived}},
        {"name": "Tempo", "type": "tempo", "uid": "tempo"},
        {"name": "X-Ray", "type": "grafana-x-ray-datasource", "uid": "xray"}
    ]}))
}

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

const LINE: &str = "level=info traceID=abc123 msg=\"done\"";

#[test]
fn regex_matcher_internal_to_tempo() {
    let c = loki_with(
        json!([{"name": "TraceID", "matcherRegex": "traceID=(\\w+)", "url": "${__value.raw}", "datasourceUid": "tempo"}]),
    );
    let links = c.log_links_in_range("loki", LINE, &[], None).unwrap();
    assert_eq!(links.len(), 1);
    let link = &links[0];
    assert_eq!(link.title, "Tempo");
    assert_eq!(link.target, LinkTarget::SameTab);
    assert_eq!(link.kind, LinkType::Traces);
    assert_eq!(link.origin, "datasources[0].jsonData.derivedFields[0]");
    assert_eq!(
        left_text(&link.href),
        r#"{"datasource":"tempo","queries":[{"query":"abc123","queryType":"traceql","datasource":{"uid":"tempo"}}]}"#
    );
}

#[test]
fn internal_link_with_display_label_target_blank_and_range() {
    let c = loki_with(
        json!([{"name": "TraceID", "matcherRegex": "traceID=(\\w+)", "url": "${__value.raw}", "datasourceUid": "tempo",
        "urlDisplayLabel": "Trace ${__value.raw}", "targetBlank": true}]),
    );
    let range = TimeRange { from: 1602637200000.0, to: 1602637201000.0 };
    let link = c.log_links_in_range("loki", LINE, &[], Some(range)).unwrap().remove(0);
    assert_eq!(link.title, "Trace abc123");
    assert_eq!(link.target, LinkTarget::NewTab);
    assert_eq!(
        left_text(&link.href),
        r#"{"range":{"from":"1602637200000","to":"1602637201000"},"datasource":"tempo","queries":[{"query":"abc123","queryType":"traceql","datasource":{"uid":"tempo"}}]}"#
    );
}

#[test]
fn x_ray_gets_get_trace_and_others_no_query_type() {
    let c = loki_with(json!([
        {"name": "a", "matcherRegex": "traceID=(\\w+)", "url": "${__value.raw}", "datasourceUid": "xray"},
        {"name": "b", "matcherRegex": "traceID=(\\w+)", "url": "${__value.raw}", "datasourceUid": "loki"}
    ]));
    let links = c.log_links_in_range("loki", LINE, &[], None).unwrap();
    assert_eq!(
        query(&links[0]),
        &json!({"query": "abc123", "queryType": "getTrace", "datasource": {"uid": "xray"}})
    );
    assert_eq!(query(&links[1]), &json!({"query": "abc123", "datasource": {"uid": "loki"}}));
}

#[test]
fn label_matcher() {
    let c = loki_with(
        json!([{"name": "TraceID", "matcherType": "label", "matcherRegex": "trace_?id", "url": "${__value.raw}", "datasourceUid": "tempo"}]),
    );
    let links = c
        .log_links_in_range(
            "loki",
            "no id in the line",
            &labels(&[("app", "cart"), ("traceid", "fromlabel")]),
            None,
        )
        .unwrap();
    assert_eq!(query(&links[0])["query"], "fromlabel");
    assert!(c
        .log_links_in_range("loki", "traceID=abc", &labels(&[("app", "cart")]), None)
        .unwrap()
        .is_empty());
}

#[test]
fn external_with_host_title_and_display_label() {
    let c = loki_with(json!([
        {"name": "A", "matcherRegex": "traceID=(\\w+)", "url": "https://tempo.example.com:3200/trace/${__value.raw}"},
        {"name": "B", "matcherRegex": "traceID=(\\w+)", "url": "http://regionalhost/${__value.raw}", "urlDisplayLabel": "Open ${__value.raw}"}
    ]));
    let links = c.log_links_in_range("loki", LINE, &[], None).unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(
        (links[0].kind, links[0].title.as_str(), links[0].href.as_str()),
        (LinkType::External, "tempo.example.com", "https://tempo.example.com:3200/trace/abc123")
    );
    assert_eq!(links[0].target, LinkTarget::NewTab);
    assert!(links[0].internal.is_none());
    assert_eq!(
        (links[1].title.as_str(), links[1].href.as_str()),
        ("Open abc123", "http://regionalhost/abc123")
    );
}

#[test]
fn no_match_or_empty_group_or_no_url_gives_no_link() {
    let c = loki_with(json!([
        {"name": "A", "matcherRegex": "spanID=(\\w+)", "url": "x/${__value.raw}"},
        {"name": "B", "matcherRegex": "traceID=(\\w*)", "url": "y/${__value.raw}"},
        {"name": "C", "matcherRegex": "traceID=(\\w+)"}
    ]));
    assert!(c.log_links_in_range("loki", "traceID= msg=x", &[], None).unwrap().is_empty());
}

#[test]
fn unknown_datasource_uid_names_the_data_source_not_found() {
    let c = loki_with(
        json!([{"name": "T", "matcherRegex": "traceID=(\\w+)", "url": "${__value.raw}", "datasourceUid": "gone"}]),
    );
    let links = c.log_links_in_range("loki", LINE, &[], None).unwrap();
    assert_eq!(links[0].title, "Data source not found");
}

#[test]
fn the_first_config_of_a_name_decides_the_value() {
    let c = loki_with(json!([
        {"name": "T", "matcherRegex": "traceID=(\\w+)", "url": "https://a.example.com/${__value.raw}"},
        {"name": "T", "matcherRegex": "msg=(\\w+)", "url": "https://b.example.com/${__value.raw}"}
    ]));
    let hrefs: Vec<String> = c
        .log_links_in_range("loki", LINE, &[], None)
        .unwrap()
        .into_iter()
        .map(|l| l.href)
        .collect();
    assert_eq!(hrefs, ["https://a.example.com/abc123", "https://b.example.com/abc123"]);
}

/// The derived fields of Grafana's own guides: two fields named `TraceID`, JSON lines first,
/// logfmt lines second. Grafana runs only the first regex, so a logfmt line gets no link, and
/// `explain_log_line` says why at the second field.
#[test]
fn explain_log_line_names_the_shadowing_and_every_other_reason() {
    let c = loki_with(json!([
        {"name": "TraceID", "matcherRegex": "\"traceID\":\"(\\w+)\"", "url": "${__value.raw}", "datasourceUid": "tempo"},
        {"name": "TraceID", "matcherRegex": "traceID=(\\w+)", "url": "${__value.raw}", "datasourceUid": "tempo"},
        {"name": "Pod", "matcherType": "label", "matcherRegex": "^pod$", "url": "https://k8s.example/${__value.raw}/${missing}"},
        {"name": "Note", "matcherRegex": "msg=\"(\\w+)\""}
    ]));
    let codes = |line: &str, labels: &[(String, String)]| -> Vec<(String, &'static str)> {
        let report = c.explain_log_line("loki", line, labels).unwrap();
        report.into_iter().map(|e| (e.origin, e.code)).collect()
    };
    let at = |i: usize| format!("datasources[0].jsonData.derivedFields[{i}]");
    // A logfmt line: the JSON regex decides both TraceID fields and finds nothing.
    assert_eq!(
        codes(LINE, &[]),
        [
            (at(0), "NO_MATCH"),
            (at(1), "SHADOWED_DERIVED_FIELD"),
            (at(2), "NO_MATCH"),
            (at(3), "NO_URL"),
        ]
    );
    assert!(c.log_links("loki", LINE, &[]).unwrap().is_empty());
    let report = c.explain_log_line("loki", LINE, &[]).unwrap();
    assert!(report[1].message.contains("derivedFields[0]"), "{}", report[1].message);
    // A JSON line: both fields link (the second with the first one's value), the pod label's
    // URL reads an undefined variable.
    let json_line = r#"{"traceID":"abc123","msg":"done"}"#;
    let report = c.explain_log_line("loki", json_line, &labels(&[("pod", "cart-7d9")])).unwrap();
    let codes: Vec<_> = report.iter().map(|e| e.code).collect();
    assert_eq!(codes, ["LINKED", "LINKED", "UNRESOLVED_VARIABLE", "NO_MATCH"]);
    assert!(report[1].message.contains("the value comes from"), "{}", report[1].message);
    assert!(report[2].message.contains("${missing}"), "{}", report[2].message);
    let links = c.log_links("loki", json_line, &labels(&[("pod", "cart-7d9")])).unwrap();
    assert_eq!(links.len(), 2);
    // A broken regex is an error for the links, as Grafana throws; explain names it instead.
    let broken = loki_with(json!([{"name": "T", "matcherRegex": "(", "url": "x"}]));
    assert!(broken.log_links("loki", LINE, &[]).is_err());
    let report = broken.explain_log_line("loki", LINE, &[]).unwrap();
    assert_eq!(report[0].code, "INVALID_REGEX");
    assert_eq!(
        c.explain_log_line("nope", LINE, &[]).unwrap_err().code,
        spanlink::ErrorCode::UnknownDatasource
    );
}

// ---- Exemplars (§9) ----

fn prom_with(dests: serde_json::Value) -> spanlink::Correlator {
    correlator(json!({"datasources": [
        {"name": "Mimir", "type": "prometheus", "uid": "mimir", "jsonData": {"exemplarTraceIdDestinations": dests}},
        {"name": "Tempo", "type": "tempo", "uid": "tempo"}
    ]}))
}

#[test]
fn exemplar_internal_link() {
    let c = prom_with(json!([{"name": "traceID", "datasourceUid": "tempo"}]));
    let links = c
        .exemplar_links_in_range("mimir", &labels(&[("traceID", "abc123"), ("pod", "x")]), None)
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].title, "Query with Tempo");
    assert_eq!(links[0].origin, "datasources[0].jsonData.exemplarTraceIdDestinations[0]");
    assert_eq!(
        left_text(&links[0].href),
        r#"{"datasource":"tempo","queries":[{"query":"abc123","queryType":"traceql","datasource":{"uid":"tempo"}}]}"#
    );
}

#[test]
fn exemplar_external_links() {
    let c = prom_with(json!([
        {"name": "traceID", "url": "https://t.example.com/${__value.raw}"},
        {"name": "traceID", "url": "https://u.example.com/${__value.raw}", "urlDisplayLabel": "Trace ${__value.raw}"}
    ]));
    let links =
        c.exemplar_links_in_range("mimir", &labels(&[("traceID", "abc123")]), None).unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].kind, LinkType::External);
    // Grafana's data-link model interpolates the title as well as the URL.
    assert_eq!(links[0].title, "Go to https://t.example.com/abc123");
    assert_eq!(links[0].href, "https://t.example.com/abc123");
    assert_eq!(links[0].target, LinkTarget::NewTab);
    assert_eq!(
        (links[1].title.as_str(), links[1].href.as_str()),
        ("Trace abc123", "https://u.example.com/abc123")
    );
}

#[test]
fn exemplar_with_unresolvable_uid_or_other_label_has_no_link() {
    let c = prom_with(
        json!([{"name": "traceID", "datasourceUid": "gone"}, {"name": "trace_id", "datasourceUid": "tempo"}]),
    );
    assert!(c
        .exemplar_links_in_range("mimir", &labels(&[("traceID", "abc123")]), None)
        .unwrap()
        .is_empty());
}

#[test]
fn external_urls_are_rendered_as_grafana_renders_data_links() {
    let settings = json!({"datasources": [
        {"name": "Prometheus", "type": "prometheus", "uid": "prom", "jsonData": {"exemplarTraceIdDestinations": [
            {"name": "trace_id", "url": "/d/traces?var-trace=${__value.raw}"},
            {"name": "trace_id", "url": "javascript:alert('${__value.raw}')"}
        ]}}
    ]});
    let options = spanlink::Options { app_sub_url: "/grafana".into(), ..Default::default() };
    let c = spanlink::Correlator::new(&settings, options).unwrap();
    let links = c.exemplar_links("prom", &labels(&[("trace_id", "abc123")])).unwrap();
    // A root-relative URL lives under appSubUrl; a script URL is never a link.
    assert_eq!(links[0].href, "/grafana/d/traces?var-trace=abc123");
    assert_eq!(links[1].href, "about:blank");
}

// ---- the row's variables (getFieldLinksForExplore: `__data.fields`, field names, `__targetField`) ----

#[test]
fn derived_field_links_see_the_whole_row() {
    let c = loki_with(json!([
        {"name": "TraceID", "matcherRegex": "traceID=(\\w+)",
         "url": "https://x/?id=${__value.raw}&t=${__targetField}&line=${__data.fields.Line:percentencode}&app=${__data.fields.app}&lvl=${Level}&d=${__data.fields.Level}"},
        {"name": "Level", "matcherRegex": "level=(\\w+)", "url": "https://y/${__targetField}"}
    ]));
    let links = c.log_links_in_range("loki", LINE, &labels(&[("app", "cart")]), None).unwrap();
    let hrefs: Vec<_> = links.iter().map(|l| l.href.as_str()).collect();
    assert_eq!(
        hrefs,
        [
            "https://x/?id=abc123&t=abc123&line=level%3Dinfo%20traceID%3Dabc123%20msg%3D%22done%22&app=cart&lvl=info&d=info",
            "https://y/info",
        ]
    );
}

#[test]
fn loki_sourced_correlations_see_the_row_and_their_field() {
    let c = correlator(json!({
        "datasources": [{"name": "Loki", "type": "loki", "uid": "loki"}, {"name": "Tempo", "type": "tempo", "uid": "tempo"}],
        "correlations": [{"sourceUID": "loki", "targetUID": "tempo", "label": "${__targetField} / ${__data.fields.app}",
            "type": "query", "config": {"field": "app", "target": {"query": "${__data.fields.Line}"}}}]
    }));
    let links = c.log_links_in_range("loki", "hello", &labels(&[("app", "cart")]), None).unwrap();
    assert_eq!(links.len(), 1, "{links:#?}");
    assert_eq!(links[0].title, "cart / cart");
    assert_eq!(query(&links[0])["query"], "hello");
}

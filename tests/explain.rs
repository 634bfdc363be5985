//! `explain` (docs/beyond.md §2): one minimal settings document per reason code.

mod common;

use common::*;
use serde_json::{json, Value};
use spanlink::{Explanation, Outcome, RefType, SpanReference};

fn explain_span(doc: Value, span: spanlink::Span) -> Vec<Explanation> {
    correlator(doc).explain(&trace_of(vec![span]), SPAN_ID).unwrap()
}

fn explain(doc: Value) -> Vec<Explanation> {
    explain_span(doc, fixture_span())
}

/// The one explanation of `origin`.
fn of<'e>(list: &'e [Explanation], origin: &str) -> &'e Explanation {
    let found: Vec<&Explanation> = list.iter().filter(|e| e.origin == origin).collect();
    assert_eq!(found.len(), 1, "explanations of {origin}: {list:#?}");
    found[0]
}

const LOGS: &str = "datasources[0].jsonData.tracesToLogsV2";

fn logs_doc(v2: Value, target: Value) -> Value {
    tempo_with(json!({ "tracesToLogsV2": v2 }), vec![target])
}

fn assert_suppressed(e: &Explanation, code: &str) {
    assert_eq!((e.outcome, e.code), (Outcome::Suppressed, code), "{e:#?}");
}

#[test]
fn linked() {
    let list = explain(logs_doc(
        json!({"datasourceUid": "loki", "tags": [{"key": "cluster"}, {"key": "pod"}]}),
        ds("Loki", "loki", "loki"),
    ));
    let e = of(&list, LOGS);
    assert_eq!((e.outcome, e.code), (Outcome::Link, "LINKED"));
    assert!(e.message.contains(r#"{cluster="cluster1"}"#), "{}", e.message);
    let vars: Vec<(&str, Option<&str>)> =
        e.variables.iter().map(|v| (v.name.as_str(), v.value.as_deref())).collect();
    assert_eq!(vars, [("cluster", Some("cluster1")), ("pod", None)]);
}

#[test]
fn no_datasource() {
    let list = explain(logs_doc(json!({"tags": [{"key": "cluster"}]}), ds("Loki", "loki", "loki")));
    assert_suppressed(of(&list, LOGS), "NO_DATASOURCE");
}

#[test]
fn unknown_datasource_with_the_closest_uid() {
    let list =
        explain(logs_doc(json!({"datasourceUid": "Loki-Main"}), ds("Loki", "loki", "loki-main")));
    let e = of(&list, LOGS);
    assert_suppressed(e, "UNKNOWN_DATASOURCE");
    assert!(e.message.contains(r#""loki-main""#), "{}", e.message);
}

#[test]
fn unsupported_type() {
    let list =
        explain(logs_doc(json!({"datasourceUid": "prom"}), ds("Prom", "prometheus", "prom")));
    assert_suppressed(of(&list, LOGS), "UNSUPPORTED_TYPE");
}

#[test]
fn no_tag_matched_with_a_near_miss() {
    let mut span = fixture_span();
    std::sync::Arc::make_mut(&mut span.service_tags).push(kv("service_name", "cart"));
    let list = explain_span(
        logs_doc(
            json!({"datasourceUid": "loki", "tags": [{"key": "service.name"}]}),
            ds("Loki", "loki", "loki"),
        ),
        span,
    );
    let e = of(&list, LOGS);
    assert_suppressed(e, "NO_TAG_MATCHED");
    assert!(e.message.contains("`service_name` for `service.name`"), "{}", e.message);
}

#[test]
fn unresolved_variable() {
    let list = explain(logs_doc(
        json!({"datasourceUid": "loki", "customQuery": true, "query": "{${__tags}} |= \"${__trace.id}\""}),
        ds("Loki", "loki", "loki"),
    ));
    let e = of(&list, LOGS);
    assert_suppressed(e, "UNRESOLVED_VARIABLE");
    assert!(e.message.contains("${__trace.id}"), "{}", e.message);
    assert!(
        e.variables.iter().any(|v| v.path == "__trace.id" && v.value.is_none()),
        "{:#?}",
        e.variables
    );
}

#[test]
fn malformed_template_links_with_the_text_as_written() {
    // Grafana leaves `${__span.spanId` as written and still links.
    let list = explain(logs_doc(
        json!({"datasourceUid": "loki", "customQuery": true, "query": "{${__tags}} |= \"${__span.spanId\""}),
        ds("Loki", "loki", "loki"),
    ));
    let e = of(&list, LOGS);
    assert_eq!(e.outcome, Outcome::Link, "{list:#?}");
    // …and explain says why the text stayed.
    assert!(
        e.message.contains("`${__span.spanId\"` at offset 16 is not a variable reference"),
        "{}",
        e.message
    );
}

#[test]
fn invalid_time_shift() {
    let list = explain(logs_doc(
        json!({"datasourceUid": "loki", "spanStartTimeShift": "5 m"}),
        ds("Loki", "loki", "loki"),
    ));
    let e = of(&list, LOGS);
    assert_suppressed(e, "INVALID_TIME_SHIFT");
    assert!(e.message.contains("5 m"), "{}", e.message);
}

#[test]
fn no_queries() {
    let list = explain(tempo_with(
        json!({"tracesToMetrics": {"datasourceUid": "prom"}}),
        vec![ds("Prom", "prometheus", "prom")],
    ));
    assert_suppressed(of(&list, "datasources[0].jsonData.tracesToMetrics"), "NO_QUERIES");
}

#[test]
fn missing_profile_id() {
    let list = explain_span(
        tempo_with(
            json!({"tracesToProfiles": {"datasourceUid": "pyro"}}),
            vec![ds("Pyroscope", "grafana-pyroscope-datasource", "pyro")],
        ),
        fixture_span_without_profile(),
    );
    assert_suppressed(of(&list, "datasources[0].jsonData.tracesToProfiles"), "MISSING_PROFILE_ID");
}

fn with_correlation(correlation: Value) -> Value {
    json!({"datasources": [
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "correlations": [correlation]},
        {"name": "Loki", "type": "loki", "uid": "loki"}
    ]})
}

#[test]
fn transformation_no_match() {
    let list = explain(with_correlation(
        json!({"targetUID": "loki", "label": "x", "config": {"type": "query", "field": "operationName",
        "target": {"expr": "{env=\"${env}\"}"}, "transformations": [{"type": "regex", "expression": "env=(\\w+)", "mapValue": "env"}]}}),
    ));
    let e = of(&list, "datasources[0].correlations[0]");
    assert_suppressed(e, "TRANSFORMATION_NO_MATCH");
    assert!(
        e.message.contains("env=(\\\\w+)") && e.message.contains("\"operation\""),
        "{}",
        e.message
    );
}

#[test]
fn field_not_in_frame() {
    let list = explain(with_correlation(
        json!({"targetUID": "loki", "config": {"type": "query", "field": "Line", "target": {"expr": "x"}}}),
    ));
    assert_suppressed(of(&list, "datasources[0].correlations[0]"), "FIELD_NOT_IN_FRAME");
}

#[test]
fn invalid_regex() {
    let list = explain(with_correlation(
        json!({"targetUID": "loki", "config": {"type": "query", "field": "traceID", "target": {"expr": "x"},
        "transformations": [{"type": "regex", "expression": "(unclosed"}]}}),
    ));
    assert_suppressed(of(&list, "datasources[0].correlations[0]"), "INVALID_REGEX");
}

#[test]
fn parent_reference() {
    let mut span = fixture_span();
    span.references = vec![SpanReference {
        ref_type: RefType::ChildOf,
        trace_id: TRACE_ID.into(),
        span_id: "aaaaaaaaaaaaaaaa".into(),
        tags: vec![],
    }];
    let list = explain_span(tempo_with(json!({}), vec![]), span);
    assert_suppressed(of(&list, "references[0]"), "PARENT_REFERENCE");
}

#[test]
fn explain_never_fails_where_span_links_does() {
    let doc = logs_doc(
        json!({"datasourceUid": "loki", "spanEndTimeShift": "0"}),
        ds("Loki", "loki", "loki"),
    );
    let c = correlator(doc);
    assert!(c.span_links(&fixture_trace(), SPAN_ID).is_err());
    assert_eq!(c.explain(&fixture_trace(), SPAN_ID).unwrap().len(), 1);
}

/// Grafana's own trace-correlation test (grafana.md §7.3): the look-ahead over the tags JSON
/// yields `job=host`, and the link is made.
#[test]
fn look_ahead_over_tags_links() {
    let expr = r#"{(?=[^\}]*\bkey":"host")[^\}]*\bvalue":"(.*?)".*}"#;
    let list = explain(with_correlation(
        json!({"targetUID": "loki", "label": "x", "config": {"type": "query", "field": "tags",
        "target": {"expr": "{job=\"${job}\"}"}, "transformations": [{"type": "regex", "expression": expr, "mapValue": "job"}]}}),
    ));
    let e = of(&list, "datasources[0].correlations[0]");
    assert_eq!((e.outcome, e.code), (Outcome::Link, "LINKED"), "{e:#?}");
    let job = e.variables.iter().find(|v| v.name == "job").and_then(|v| v.value.as_deref());
    assert_eq!(job, Some("host"));
    assert!(e.message.contains("%7Bjob%3D%5C%22host%5C%22%7D"), "{}", e.message);
}

/// A value that makes a look-around regex backtrack past the limit skips the correlation, and
/// the explanation names the rule and the limit.
#[test]
fn backtrack_limit() {
    let mut span = fixture_span();
    span.operation_name = "a".repeat(3000);
    let list = explain_span(
        with_correlation(json!({"targetUID": "loki", "label": "x", "config": {"type": "query",
        "field": "operationName", "target": {"expr": "{x=\"${v}\"}"},
        "transformations": [{"type": "regex", "expression": "(?=(a+)+\\1b)", "mapValue": "v"}]}})),
        span,
    );
    let e = of(&list, "datasources[0].correlations[0]");
    assert_suppressed(e, "REGEX_BACKTRACK_LIMIT");
    assert!(
        e.message.contains("1000000") && e.message.contains("(?=(a+)+\\\\1b)"),
        "{}",
        e.message
    );
}

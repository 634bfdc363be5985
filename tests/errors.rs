//! Every error class, each with its `code` and `path` (docs/api.md).

mod common;

use common::*;
use serde_json::json;
use spanlink::{Correlator, ErrorCode, Options, Scope, ScopedVars, Trace};

#[test]
fn broken_settings_json() {
    let err = Correlator::new("{\"datasources\": [", Options::default()).err().unwrap();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidJson, ""));
}

#[test]
fn wrong_type_names_the_path() {
    let doc = tempo_with(
        json!({"tracesToLogsV2": {"datasourceUid": "loki", "filterByTraceID": "yes"}}),
        vec![ds("Loki", "loki", "loki")],
    );
    let err = Correlator::new(&doc.to_string(), Options::default()).err().unwrap();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::InvalidSettings, "datasources[0].jsonData.tracesToLogsV2.filterByTraceID")
    );
    let err =
        Correlator::new(r#"{"datasources": {"name": "x"}}"#, Options::default()).err().unwrap();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidSettings, "datasources"));
}

#[test]
fn unknown_tracing_datasource_option() {
    let doc = tempo_with(json!({}), vec![]);
    let options = Options { tracing_datasource: Some("Tempo-EU".into()), ..Options::default() };
    let err = Correlator::new(&doc.to_string(), options).err().unwrap();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::UnknownDatasource, "options.tracingDatasource")
    );
}

#[test]
fn bad_interval_fails_span_links() {
    let doc = tempo_with(
        json!({"tracesToLogsV2": {"datasourceUid": "loki", "spanStartTimeShift": "0"}}),
        vec![ds("Loki", "loki", "loki")],
    );
    let err = correlator(doc).span_links(&fixture_trace(), SPAN_ID).unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::InvalidInterval, "datasources[0].jsonData.tracesToLogsV2.spanStartTimeShift")
    );
    let doc = tempo_with(
        json!({"tracesToMetrics": {"datasourceUid": "prom", "spanEndTimeShift": "xyz", "queries": [{"query": "up"}]}}),
        vec![ds("Prom", "prometheus", "prom")],
    );
    let err = correlator(doc).span_links(&fixture_trace(), SPAN_ID).unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::InvalidInterval, "datasources[0].jsonData.tracesToMetrics.spanEndTimeShift")
    );
}

#[test]
fn parse_interval_errors() {
    for bad in ["0", "xyz", "123xyz", "5 m", ""] {
        assert_eq!(
            spanlink::parse_interval(bad).unwrap_err().code,
            ErrorCode::InvalidInterval,
            "{bad:?}"
        );
    }
    assert_eq!(spanlink::parse_interval("-2m").unwrap(), -120_000);
    assert_eq!(spanlink::parse_interval("5min").unwrap(), 300_000);
}

#[test]
fn malformed_template_is_text_not_an_error() {
    // Grafana's `replace` never fails: `${job"}` is not a reference and stays as written.
    let vars = ScopedVars::new();
    let scope = Scope { scoped: Some(&vars), ..Scope::default() };
    assert_eq!(spanlink::interpolate("{job=\"${job\"}", scope).unwrap(), "{job=\"${job\"}");
}

#[test]
fn bad_derived_field_regex() {
    let doc = json!({"datasources": [
        {"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {"derivedFields": [{"name": "t", "matcherRegex": "traceID=(\\w+", "url": "x"}]}}
    ]});
    let err = correlator(doc).log_links_in_range("loki", "traceID=abc", &[], None).unwrap_err();
    assert_eq!(
        (err.code, err.path.as_str()),
        (ErrorCode::InvalidRegex, "datasources[0].jsonData.derivedFields[0].matcherRegex")
    );
}

#[test]
fn unknown_loki_source_for_log_links() {
    let err = correlator(json!({"datasources": []}))
        .log_links_in_range("loki", "x", &[], None)
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::UnknownDatasource);
}

#[test]
fn broken_trace_json() {
    let err = Trace::from_json("{\"resourceSpans\": [").err().unwrap();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidJson, ""));
    let err = Trace::from_json("{\"hello\": 1}").err().unwrap();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidTrace, ""));
}

#[test]
fn span_not_found() {
    let c = correlator(tempo_with(json!({}), vec![]));
    let err = c.span_links(&fixture_trace(), "ffffffffffffffff").unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::SpanNotFound, "spanId"));
    assert_eq!(
        c.explain(&fixture_trace(), "ffffffffffffffff").unwrap_err().code,
        ErrorCode::SpanNotFound
    );
}

//! Correlations on the trace frame (docs/grafana.md §7): provisioning and API forms, query and
//! external targets, regex and logfmt transformations, row variables, suppression.

mod common;

use common::*;
use serde_json::{json, Value};
use spanlink::{LinkTarget, LinkType};

// ---- intro-to-mltp, read in place ----

#[test]
fn mltp_count_beast_in_table() {
    let (Some(doc), Some(trace)) = (
        shared_provisioning("intro-to-mltp_datasources.yaml"),
        shared_trace("tempo-otlp_mythical-queue-database.json"),
    ) else {
        return;
    };
    let c = correlator(doc);
    let links = c.span_links(&trace, "d606579e57787587").unwrap();
    let summary: Vec<(LinkType, &str)> = links.iter().map(|l| (l.kind, l.title.as_str())).collect();
    assert_eq!(
        summary,
        [(LinkType::Logs, "Related logs"), (LinkType::Correlation, "Count manticore in table")]
    );

    // Legacy tracesToLogs: tags ['beast'], ±500 ms, no trace filter. Span 1658320854877522.688 µs
    // to 1658320854923357.184 µs.
    assert_eq!(
        query(&links[0]),
        &json!({"expr": r#"{beast="manticore"}"#, "refId": "", "datasource": {"uid": "loki"}})
    );
    assert_eq!(range(&links[0]), (1658320854377.0, 1658320855423.0));

    let count = &links[1];
    assert_eq!(count.origin, "datasources[1].correlations[0]");
    assert_eq!(
        serde_json::to_string(query(count)).unwrap(),
        r#"{"editorMode":"code","format":"table","rawQuery":true,"rawSql":"SELECT COUNT(*) FROM manticore;","refId":"A","sql":{"columns":[{"parameters":[],"type":"function"}],"groupBy":[{"property":{"type":"string"},"type":"groupBy"}],"limit":50},"datasource":{"uid":"postgres"}}"#
    );
    assert_eq!(range(count), (1658320854877.0, 1658320854923.0));
    let internal = count.internal.as_ref().unwrap();
    assert_eq!(
        (
            internal.datasource_uid.as_str(),
            internal.datasource_name.as_str(),
            internal.datasource_type.as_str()
        ),
        ("postgres", "Postgres", "postgres")
    );
    assert_eq!(left(&count.href)["datasource"], "postgres");
    assert_eq!(left(&count.href)["range"], json!({"from": "1658320854877", "to": "1658320854923"}));
}

#[test]
fn mltp_statement_correlation_only_on_the_db_span() {
    let (Some(doc), Some(trace)) = (
        shared_provisioning("intro-to-mltp_datasources.yaml"),
        shared_trace("tempo-otlp_mythical-queue-database.json"),
    ) else {
        return;
    };
    let c = correlator(doc);
    let links = c.span_links(&trace, "253e212fe234216c").unwrap();
    let titles: Vec<&str> = links.iter().map(|l| l.title.as_str()).collect();
    // No `beast` attribute: no logs link (no tag matched) and no "Count" correlation.
    assert_eq!(titles, ["SELECT name from manticore"]);
    assert_eq!(query(&links[0])["rawSql"], "SELECT name from manticore;");
    assert_eq!(query(&links[0])["filters"], json!([{"operator": "=", "scope": "span"}]));
}

#[test]
fn mltp_loki_derived_field_back_to_tempo() {
    let Some(doc) = shared_provisioning("intro-to-mltp_datasources.yaml") else { return };
    let c = correlator(doc);
    let links = c
        .log_links_in_range(
            "loki",
            "level=info traceID=4290b5877a9930de79bb428365398ecc msg=done",
            &[],
            None,
        )
        .unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].title, "Tempo");
    assert_eq!(
        query(&links[0]),
        &json!({"query": "4290b5877a9930de79bb428365398ecc", "queryType": "traceql", "datasource": {"uid": "tempo"}})
    );
}

// ---- NGINX-style Loki example ----

#[test]
fn nginx_style_loki_example() {
    let doc = json!({"datasources": [
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {"tracesToLogsV2": {
            "datasourceUid": "loki",
            "spanStartTimeShift": "-2s",
            "spanEndTimeShift": "2s",
            "tags": [{"key": "service.name", "value": "service_name"}, {"key": "namespace"}, {"key": "pod"}],
            "filterByTraceID": false,
            "filterBySpanID": false
        }}},
        {"name": "Loki", "type": "loki", "uid": "loki"}
    ]});
    let mut span = fixture_span();
    span.service_tags =
        vec![kv("service.name", "nginx"), kv("namespace", "ingress"), kv("pod", "nginx-7c9f")]
            .into();
    let links = correlator(doc).span_links(&trace_of(vec![span]), SPAN_ID).unwrap();
    assert_eq!(
        query(&links[0])["expr"],
        r#"{service_name="nginx", namespace="ingress", pod="nginx-7c9f"}"#
    );
    assert_eq!(range(&links[0]), (1602637198000.0, 1602637203000.0));
}

// ---- Forms, targets, transformations ----

fn tempo_loki(correlations: Value, top_level: Option<Value>) -> spanlink::Correlator {
    let mut doc = json!({"datasources": [
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "correlations": correlations},
        {"name": "Loki", "type": "loki", "uid": "loki"}
    ]});
    if let Some(t) = top_level {
        doc["correlations"] = t;
    }
    correlator(doc)
}

fn span_with_op(op: &str) -> spanlink::Span {
    let mut span = fixture_span_without_profile();
    span.operation_name = op.into();
    span
}

fn links_of(c: &spanlink::Correlator, span: spanlink::Span) -> Vec<spanlink::Link> {
    c.span_links(&trace_of(vec![span]), SPAN_ID).unwrap()
}

#[test]
fn provisioning_and_api_forms_give_the_same_link() {
    let target = json!({"expr": "{op=\"${__value.raw}\"}", "refId": "A"});
    let provisioned = tempo_loki(
        json!([{"targetUID": "loki", "label": "Op logs", "config": {"type": "query", "field": "operationName", "target": target}}]),
        None,
    );
    let api = tempo_loki(
        json!([]),
        Some(
            json!([{"sourceUID": "tempo", "targetUID": "loki", "label": "Op logs", "type": "query", "config": {"field": "operationName", "target": target}}]),
        ),
    );
    let a = links_of(&provisioned, span_with_op("checkout"));
    let b = links_of(&api, span_with_op("checkout"));
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].kind, LinkType::Correlation);
    assert_eq!(a[0].title, "Op logs");
    assert_eq!(a[0].target, LinkTarget::SameTab);
    assert_eq!(
        left_text(&a[0].href),
        r#"{"range":{"from":"1602637200000","to":"1602637201000"},"datasource":"loki","queries":[{"expr":"{op=\"checkout\"}","refId":"A","datasource":{"uid":"loki"}}]}"#
    );
    assert_eq!((a[0].href.as_str(), query(&a[0])), (b[0].href.as_str(), query(&b[0])));
    assert_eq!(b[0].origin, "correlations[0]");
}

#[test]
fn the_runtime_shape_gives_the_same_link_as_the_api_form() {
    // What `getCorrelationsBySourceUIDs` returns: `source` / `target` are whole data source
    // settings (`DataSourceInstanceSettings`), not uids.
    let settings = |uid: &str, name: &str, kind: &str| {
        json!({"id": 3, "uid": uid, "name": name, "type": kind, "access": "proxy", "readOnly": true,
               "meta": {"id": kind, "name": name, "info": {"logos": {}}}, "jsonData": {}})
    };
    let target = json!({"expr": "{op=\"${__value.raw}\"}", "refId": "A"});
    let runtime = tempo_loki(
        json!([]),
        Some(
            json!([{"uid": "c1", "orgId": 1, "label": "Op logs", "description": "", "provisioned": false,
            "type": "query", "config": {"field": "operationName", "target": target},
            "source": settings("tempo", "Tempo", "tempo"), "target": settings("loki", "Loki", "loki")}]),
        ),
    );
    let api = tempo_loki(
        json!([]),
        Some(
            json!([{"sourceUID": "tempo", "targetUID": "loki", "label": "Op logs", "type": "query", "config": {"field": "operationName", "target": target}}]),
        ),
    );
    let a = links_of(&runtime, span_with_op("checkout"));
    assert_eq!(a, links_of(&api, span_with_op("checkout")));
    assert_eq!(a.len(), 1);
    assert_eq!(left(&a[0].href)["datasource"], "loki");
    // Nothing to lint in the runtime shape's extra keys.
    let codes: Vec<String> = runtime.diagnostics().iter().map(|d| d.code.to_string()).collect();
    assert!(!codes.iter().any(|c| c == "UNKNOWN_KEY" || c == "NO_LINK_TARGET"), "{codes:?}");
}

#[test]
fn query_correlation_without_label_is_titled_with_the_target_name() {
    let c = tempo_loki(
        json!([{"targetUID": "loki", "config": {"type": "query", "field": "spanID", "target": {"expr": "x"}}}]),
        None,
    );
    assert_eq!(links_of(&c, fixture_span_without_profile())[0].title, "Loki");
}

#[test]
fn external_correlation() {
    let c = tempo_loki(
        json!([
            {"label": "Runbook for ${serviceName}", "config": {"type": "external", "field": "traceID", "target": {"url": "https://runbooks.example.com/${serviceName}?trace=${__value.raw}"}}},
            {"config": {"type": "external", "field": "spanID", "target": {"url": "https://x.example.com/${__value.raw}"}}}
        ]),
        None,
    );
    let links = links_of(&c, fixture_span_without_profile());
    assert_eq!(links.len(), 2);
    assert_eq!(links[0].kind, LinkType::External);
    assert_eq!(links[0].title, "Runbook for service");
    assert_eq!(links[0].href, "https://runbooks.example.com/service?trace=7946b05c2e2e4e5a");
    assert_eq!(links[0].target, LinkTarget::NewTab);
    assert!(links[0].internal.is_none());
    assert_eq!(links[1].title, "External URL");
    assert_eq!(links[1].href, "https://x.example.com/6605c7b08e715d6c");
}

#[test]
fn field_by_name_and_data_fields() {
    let c = tempo_loki(
        json!([{"targetUID": "loki", "label": "${__data.fields.operationName} in ${serviceName}", "config": {"type": "query", "field": "traceID",
            "target": {"expr": "{svc=\"${serviceName}\"} |= \"${__value.raw}\" |= \"${spanID}\" |= \"${__span.tags.host}\""}}}]),
        None,
    );
    let link = &links_of(&c, span_with_op("checkout"))[0];
    assert_eq!(link.title, "checkout in service");
    assert_eq!(
        query(link)["expr"],
        r#"{svc="service"} |= "7946b05c2e2e4e5a" |= "6605c7b08e715d6c" |= "host""#
    );
}

#[test]
fn a_correlation_with_an_unresolved_variable_is_dropped() {
    let c = tempo_loki(
        json!([
            {"targetUID": "loki", "label": "Bad", "config": {"type": "query", "field": "traceID", "target": {"expr": "{a=\"${__span.tags.nope}\"}"}}},
            {"label": "Bad ext", "config": {"type": "external", "field": "traceID", "target": {"url": "https://x/${nope}"}}}
        ]),
        None,
    );
    assert!(links_of(&c, fixture_span_without_profile()).is_empty());
}

#[test]
fn regex_is_case_insensitive_and_uses_map_value() {
    let c = tempo_loki(
        json!([{"targetUID": "loki", "label": "env ${env}", "config": {"type": "query", "field": "operationName", "target": {"expr": "{env=\"${env}\"}"},
            "transformations": [{"type": "regex", "expression": "HOST=(\\w+)", "mapValue": "env"}]}}]),
        None,
    );
    let link = &links_of(&c, span_with_op("GET host=Dev"))[0];
    assert_eq!(link.title, "env Dev");
    assert_eq!(query(link)["expr"], r#"{env="Dev"}"#);
}

#[test]
fn regex_without_map_value_writes_the_field_name_and_the_last_match_wins() {
    let c = tempo_loki(
        json!([{"targetUID": "loki", "label": "${operationName}", "config": {"type": "query", "field": "operationName", "target": {"expr": "x"},
            "transformations": [{"type": "regex", "expression": "field[AB]=(\\w+)"}]}}]),
        None,
    );
    assert_eq!(links_of(&c, span_with_op("fieldA=asparagus fieldB=banana"))[0].title, "banana");
}

#[test]
fn regex_without_a_group_takes_the_whole_match() {
    let c = tempo_loki(
        json!([{"targetUID": "loki", "label": "${m}", "config": {"type": "query", "field": "operationName", "target": {"expr": "x"},
            "transformations": [{"type": "regex", "expression": "b\\w+", "mapValue": "m"}]}}]),
        None,
    );
    assert_eq!(links_of(&c, span_with_op("fieldA=asparagus fieldB=banana"))[0].title, "banana");
}

#[test]
fn regex_named_groups() {
    let c = tempo_loki(
        json!([{"targetUID": "loki", "label": "${svc}/${env}", "config": {"type": "query", "field": "operationName", "target": {"expr": "x"},
            "transformations": [{"type": "regex", "expression": "(?<svc>[a-z]+)-(?<env>[a-z]+)"}]}}]),
        None,
    );
    assert_eq!(links_of(&c, span_with_op("cart-prod"))[0].title, "cart/prod");
}

#[test]
fn logfmt_then_regex() {
    let c = tempo_loki(
        json!([{"targetUID": "loki", "label": "${application} ${environment} ${flag}", "config": {"type": "query", "field": "operationName", "target": {"expr": "x"},
            "transformations": [{"type": "logfmt"}, {"type": "regex", "expression": "host=(dev|prod)", "mapValue": "environment"}]}}]),
        None,
    );
    assert_eq!(
        links_of(&c, span_with_op("application=foo host=dev-001 flag"))[0].title,
        "foo dev true"
    );
}

#[test]
fn regex_on_the_tags_field_sees_tempo_json() {
    // Tempo writes `{"value", "key"}` objects (as the mltp expressions expect).
    let c = tempo_loki(
        json!([{"targetUID": "loki", "label": "${h}", "config": {"type": "query", "field": "tags", "target": {"expr": "x"},
            "transformations": [{"type": "regex", "expression": "\\{\"value\":\"([^\"]*)\",\"key\":\"host\"\\}", "mapValue": "h"}]}}]),
        None,
    );
    assert_eq!(links_of(&c, fixture_span_without_profile())[0].title, "host");
}

#[test]
fn transformation_on_another_field() {
    let c = tempo_loki(
        json!([{"targetUID": "loki", "label": "${svc}", "config": {"type": "query", "field": "traceID", "target": {"expr": "x"},
            "transformations": [{"type": "regex", "field": "operationName", "expression": "^(\\w+)", "mapValue": "svc"}]}}]),
        None,
    );
    assert_eq!(links_of(&c, span_with_op("cart GET"))[0].title, "cart");
}

#[test]
fn loki_sourced_correlation_on_log_lines() {
    let doc = json!({"datasources": [
        {"name": "Loki", "type": "loki", "uid": "loki", "correlations": [
            {"targetUID": "prom", "label": "Metrics for ${app}", "config": {"type": "query", "field": "Line", "target": {"expr": "rate(x{app=\"${app}\"}[5m])"},
              "transformations": [{"type": "logfmt"}]}}
        ]},
        {"name": "Prom", "type": "prometheus", "uid": "prom"}
    ]});
    let c = correlator(doc);
    let links = c.log_links_in_range("loki", "app=cart level=info", &[], None).unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].title, "Metrics for cart");
    assert_eq!(
        query(&links[0]),
        &json!({"expr": "rate(x{app=\"cart\"}[5m])", "datasource": {"uid": "prom"}})
    );
}

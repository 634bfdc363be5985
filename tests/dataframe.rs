//! Grafana's trace data frame as a trace (what a panel plugin receives in `data.series`): the
//! `DataFrame` and `DataFrameJSON` encodings, Tempo's and Jaeger's field sets, and the frame's
//! own cells reaching correlations. Expectations follow Grafana's `transformTraceDataFrame`
//! (times in ms × 1000, parent first as `CHILD_OF`, other references `FOLLOWS_FROM` unless they
//! say otherwise) and its correlation rules (grafana.md §7.3).

mod common;

use common::*;
use serde_json::{json, Value};
use spanlink::{ErrorCode, LinkType, RefType, Trace, TraceFormat};

/// Tempo's 17 fields, as its backend writes a two-span trace: a root and a child that links to it.
fn tempo_columns() -> Vec<(&'static str, &'static str, Value)> {
    let tags = json!([
        [{"value": "GET", "key": "http.method"}],
        [{"value": "SELECT 1", "key": "db.statement"}, {"value": 3, "key": "db.rows"}]
    ]);
    vec![
        ("traceID", "string", json!(["7946b05c2e2e4e5a", "7946b05c2e2e4e5a"])),
        ("spanID", "string", json!(["6605c7b08e715d6c", "b7ad6b7169203331"])),
        ("parentSpanID", "string", json!(["", "6605c7b08e715d6c"])),
        ("operationName", "string", json!(["GET /cart", "select cart"])),
        ("serviceName", "string", json!(["cart", "db"])),
        ("kind", "string", json!(["server", "client"])),
        ("statusCode", "number", json!([0, 2])),
        ("statusMessage", "string", json!(["", "connection reset"])),
        ("instrumentationLibraryName", "string", json!(["net/http", "database/sql"])),
        ("instrumentationLibraryVersion", "string", json!(["1.2.0", "0.9.1"])),
        ("traceState", "string", json!(["", "vendor=1"])),
        (
            "serviceTags",
            "other",
            json!([
                [{"value": "cart", "key": "service.name"}, {"value": "prod", "key": "namespace"}],
                [{"value": "db", "key": "service.name"}]
            ]),
        ),
        ("startTime", "number", json!([1602637200000.5, 1602637200100.25])),
        ("duration", "number", json!([1000, 2.5])),
        (
            "logs",
            "other",
            json!([[], [{"timestamp": 1602637200101.0, "fields": [{"value": "boom", "key": "message"}], "name": "exception"}]]),
        ),
        (
            "references",
            "other",
            json!([null, [{"spanID": "6605c7b08e715d6c", "traceID": "7946b05c2e2e4e5a", "tags": [{"value": "retry", "key": "link.kind"}]}]]),
        ),
        ("tags", "other", tags),
    ]
}

/// A `DataFrame` as a panel holds it: `fields[].values`.
fn data_frame(columns: &[(&str, &str, Value)]) -> Value {
    let fields: Vec<Value> = columns
        .iter()
        .map(|(name, kind, values)| json!({"name": name, "type": kind, "config": {}, "values": values}))
        .collect();
    json!({"name": "Trace", "refId": "A", "meta": {"preferredVisualisationType": "trace"}, "fields": fields, "length": 2})
}

/// The same frame as `DataFrameJSON`: `schema.fields` + `data.values`.
fn data_frame_json(columns: &[(&str, &str, Value)]) -> Value {
    let fields: Vec<Value> =
        columns.iter().map(|(name, kind, _)| json!({"name": name, "type": kind})).collect();
    let values: Vec<Value> = columns.iter().map(|(_, _, v)| v.clone()).collect();
    json!({"schema": {"name": "Trace", "meta": {"preferredVisualisationType": "trace"}, "fields": fields}, "data": {"values": values}})
}

fn parse(frame: &Value) -> Trace {
    Trace::from_value(frame).unwrap_or_else(|e| panic!("frame rejected: {e}"))
}

#[test]
fn a_tempo_frame_reads_as_the_trace_view_reads_it() {
    let trace = parse(&data_frame(&tempo_columns()));
    assert_eq!(trace.format, TraceFormat::DataFrame);
    assert_eq!(trace.spans.len(), 2);
    let (root, child) = (&trace.spans[0], &trace.spans[1]);
    assert_eq!(trace.root_span().unwrap().span_id, "6605c7b08e715d6c");
    assert_eq!(root.parent_span_id, None);
    assert!(root.references.is_empty());
    // Milliseconds × 1000, as Grafana computes it.
    assert_eq!(root.start_time, 1602637200000.5 * 1000.0);
    assert_eq!(root.duration, 1_000_000.0);
    assert_eq!(child.duration, 2500.0);
    assert_eq!(child.parent_span_id.as_deref(), Some("6605c7b08e715d6c"));
    let refs: Vec<(RefType, &str)> =
        child.references.iter().map(|r| (r.ref_type, r.span_id.as_str())).collect();
    assert_eq!(
        refs,
        [(RefType::ChildOf, "6605c7b08e715d6c"), (RefType::FollowsFrom, "6605c7b08e715d6c")]
    );
    assert_eq!(child.references[1].tags, [kv("link.kind", "retry")]);
    assert_eq!(child.kind.as_deref(), Some("client"));
    assert_eq!(child.status_code.as_deref(), Some("ERROR"));
    assert_eq!(root.status_code.as_deref(), Some("UNSET"));
    assert_eq!(child.status_message.as_deref(), Some("connection reset"));
    assert_eq!(root.status_message, None);
    assert_eq!(child.service_name, "db");
    assert_eq!(*root.service_tags, [kv("service.name", "cart"), kv("namespace", "prod")]);
    assert_eq!(child.tags[1], spanlink::KeyValue::new("db.rows", 3));
    assert_eq!(child.logs.len(), 1);
    assert_eq!(child.logs[0].timestamp, 1602637200101.0 * 1000.0);
    assert_eq!(child.logs[0].name.as_deref(), Some("exception"));
    assert_eq!(child.logs[0].fields, [kv("message", "boom")]);
}

#[test]
fn dataframe_json_and_json_text_cells_read_the_same() {
    let plain = parse(&data_frame(&tempo_columns()));
    assert_eq!(parse(&data_frame_json(&tempo_columns())).spans, plain.spans);
    // List columns as JSON text (hand-built frames often carry them so).
    let texted: Vec<_> = tempo_columns()
        .into_iter()
        .map(|(name, kind, values)| match name {
            "serviceTags" | "tags" | "logs" | "references" => {
                let cells: Vec<Value> = values
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| Value::String(c.to_string()))
                    .collect();
                (name, kind, Value::Array(cells))
            }
            _ => (name, kind, values),
        })
        .collect();
    assert_eq!(parse(&data_frame(&texted)).spans, plain.spans);
    assert_eq!(parse(&data_frame_json(&texted)).spans, plain.spans);
}

#[test]
fn dataframe_json_entities_read_as_null() {
    let mut frame = data_frame_json(&tempo_columns());
    // Row 1's parentSpanID is `undefined` in the sender: the span is a root.
    frame["data"]["entities"] = json!([null, null, {"Undef": [1]}]);
    let trace = parse(&frame);
    assert_eq!(trace.spans[1].parent_span_id, None);
    assert_eq!(trace.spans[1].references[0].ref_type, RefType::FollowsFrom);
}

#[test]
fn a_panels_series_yields_its_trace_frame() {
    let series = json!([
        {"name": "Nodes", "fields": [{"name": "id", "type": "string", "values": ["a"]}]},
        data_frame(&tempo_columns()),
    ]);
    let trace = parse(&series);
    assert_eq!(trace.spans.len(), 2);
    let none =
        json!([{"name": "Nodes", "fields": [{"name": "id", "type": "string", "values": ["a"]}]}]);
    let err = Trace::from_value(&none).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidTrace);
}

#[test]
fn a_one_field_frame_carries_a_whole_trace_document() {
    let jaeger = json!({"traceID": "7946b05c2e2e4e5a", "processes": {"p1": {"serviceName": "cart", "tags": []}},
        "spans": [{"traceID": "7946b05c2e2e4e5a", "spanID": "6605c7b08e715d6c", "operationName": "GET /cart",
                   "processID": "p1", "startTime": 1602637200000000i64, "duration": 1000, "references": [], "tags": [], "logs": []}]});
    let frame = json!({"fields": [{"name": "trace", "type": "trace", "values": [jaeger]}]});
    let trace = parse(&frame);
    assert_eq!(trace.format, TraceFormat::Jaeger);
    assert_eq!(trace.spans[0].service_name, "cart");
}

#[test]
fn a_row_without_span_id_is_an_error_naming_the_cell() {
    let mut columns = tempo_columns();
    columns[1].2 = json!(["6605c7b08e715d6c", null]);
    let err = Trace::from_value(&data_frame(&columns)).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidTrace);
    assert_eq!(err.path, "fields[1].values[1]");
    let err = Trace::from_value(&data_frame_json(&columns)).unwrap_err();
    assert_eq!(err.path, "data.values[1][1]");

    let mut columns = tempo_columns();
    columns[12].2 = json!([1602637200000.5, {"ms": 1}]);
    let err = Trace::from_value(&data_frame(&columns)).unwrap_err();
    assert_eq!((err.path.as_str(), err.code), ("fields[12].values[1]", ErrorCode::InvalidTrace));
    let mut columns = tempo_columns();
    columns[16].2 = json!(["[{\"key\": ", "[]"]);
    let err = Trace::from_value(&data_frame(&columns)).unwrap_err();
    assert_eq!(err.path, "fields[16].values[0]");
}

#[test]
fn a_frame_past_the_attribute_limit_is_limit_exceeded() {
    let mut columns = tempo_columns();
    let many: Vec<Value> = (0..=spanlink::limits::ATTRIBUTES_PER_SPAN)
        .map(|i| json!({"key": format!("k{i}"), "value": i}))
        .collect();
    columns[16].2 = json!([[], many]);
    let err = Trace::from_value(&data_frame(&columns)).unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::LimitExceeded, "spans[1]"));
}

/// Tempo → Loki correlations on the fields only the frame has.
fn correlations_on(fields: &[(&str, &str)]) -> spanlink::Correlator {
    let correlations: Vec<Value> = fields
        .iter()
        .map(|(field, expr)| json!({"targetUID": "loki", "label": field, "config": {"type": "query", "field": field, "target": {"expr": expr}}}))
        .collect();
    correlator(json!({"datasources": [
        {"name": "Tempo", "type": "tempo", "uid": "tempo", "correlations": correlations},
        {"name": "Loki", "type": "loki", "uid": "loki"}
    ]}))
}

#[test]
fn the_frames_own_cells_reach_correlations() {
    let c = correlations_on(&[
        ("instrumentationLibraryName", "{lib=\"${__value.raw}\"} |= \"${traceState}\""),
        ("statusCode", "{code=\"${__value.raw}\", msg=\"${__data.fields.statusMessage}\"}"),
        ("serviceTags", "{tags=\"${__value.raw}\"}"),
    ]);
    let trace = parse(&data_frame(&tempo_columns()));
    let links = c.span_links(&trace, "b7ad6b7169203331").unwrap();
    // First the link to the span it references (FOLLOWS_FROM: titled with its operation).
    assert_eq!((links[0].kind, links[0].title.as_str()), (LinkType::Traces, "GET /cart"));
    let links = &links[1..];
    let exprs: Vec<&Value> = links.iter().map(|l| &query(l)["expr"]).collect();
    // Field by field, in frame order: statusCode, instrumentationLibraryName, serviceTags.
    assert_eq!(
        exprs,
        [
            r#"{code="2", msg="connection reset"}"#,
            r#"{lib="database/sql"} |= "vendor=1""#,
            // An object cell stringifies as JavaScript does.
            r#"{tags="[object Object]"}"#,
        ]
    );
    assert!(links.iter().all(|l| l.kind == LinkType::Correlation));
    // The root's traceState is "": found (an empty string is a value), so the link stays.
    // The root is referenced by the child (subsidiarilyReferencedBy): a traces link first.
    let root = c.span_links(&trace, "6605c7b08e715d6c").unwrap();
    assert_eq!((root[0].kind, root[0].title.as_str()), (LinkType::Traces, "select cart"));
    assert_eq!(query(&root[2])["expr"], r#"{lib="net/http"} |= """#);
}

/// Jaeger's frame (Grafana's Jaeger backend): no kind or status; `warnings`, `stackTraces`;
/// Jaeger tags `{key, type, value}`; plus a column of the plugin's own.
fn jaeger_frame() -> Value {
    data_frame(&[
        ("traceID", "string", json!(["7946b05c2e2e4e5a"])),
        ("spanID", "string", json!(["6605c7b08e715d6c"])),
        ("parentSpanID", "string", json!([null])),
        ("operationName", "string", json!(["GET /cart"])),
        ("serviceName", "string", json!(["cart"])),
        ("serviceTags", "other", json!([[{"key": "hostname", "type": "string", "value": "h1"}]])),
        ("startTime", "number", json!([1602637200000.0])),
        ("duration", "number", json!([1000.0])),
        ("logs", "other", json!([[]])),
        ("references", "other", json!([[]])),
        ("tags", "other", json!([[{"key": "http.status_code", "type": "int64", "value": "503"}]])),
        ("warnings", "other", json!([["clock skew adjusted"]])),
        ("stackTraces", "other", json!([null])),
        ("team", "string", json!(["payments"])),
    ])
}

#[test]
fn a_jaeger_frame_exposes_its_own_fields_only() {
    let c = correlations_on(&[
        ("warnings", "{warning=\"${__value.raw}\", team=\"${team}\"}"),
        ("kind", "{kind=\"${__value.raw}\"}"),
    ]);
    let trace = parse(&jaeger_frame());
    assert_eq!(trace.spans[0].tags[0], spanlink::KeyValue::new("http.status_code", 503));
    assert_eq!(trace.spans[0].kind, None);
    let links = c.span_links(&trace, SPAN_ID).unwrap();
    assert_eq!(links.len(), 1);
    assert_eq!(query(&links[0])["expr"], r#"{warning="clock skew adjusted", team="payments"}"#);
    let why = c.explain(&trace, SPAN_ID).unwrap();
    let kind = why.iter().find(|e| e.origin == "datasources[0].correlations[1]").unwrap();
    assert_eq!(kind.code, "FIELD_NOT_IN_FRAME");
    assert!(kind.message.contains("warnings, stackTraces, team"), "{}", kind.message);
}

#[test]
fn compact_dataframe_json_encodings_are_named_not_misread() {
    let mut frame = data_frame_json(&tempo_columns());
    frame["data"]["factors"] =
        json!([null, null, null, null, null, null, null, null, null, null, null, null, 1000]);
    let err = Trace::from_value(&frame).unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidTrace, "data.factors[12]"));
}

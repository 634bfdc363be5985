//! Trace parsing: every real document in `../shared/data/traces` (read in place, never copied),
//! then small inline documents for each OTLP value type, id encoding and error class.

use serde_json::{json, Value};
use spanlink::{ErrorCode, RefType, Span, Trace, TraceFormat};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/traces/");

/// Parses a shared data file, or `None` (with a note) when `../shared/data` is not there.
fn load(name: &str) -> Option<Trace> {
    if !std::path::Path::new(DATA).is_dir() {
        println!("skipping: ../shared/data not found");
        return None;
    }
    let text = std::fs::read_to_string(format!("{DATA}{name}")).expect("readable data file");
    Some(Trace::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}")))
}

fn tag<'a>(span: &'a Span, key: &str) -> Option<&'a Value> {
    span.tags.iter().find(|kv| kv.key == key).map(|kv| &kv.value)
}

fn service_tag<'a>(span: &'a Span, key: &str) -> Option<&'a Value> {
    span.service_tags.iter().find(|kv| kv.key == key).map(|kv| &kv.value)
}

// ---- the shared documents ----

#[test]
fn tempo_otlp_mythical_base64_ids() {
    let Some(trace) = load("tempo-otlp_mythical-queue-database.json") else { return };
    assert_eq!(trace.format, TraceFormat::Otlp);
    assert_eq!(trace.spans.len(), 19);
    let first = &trace.spans[0];
    // "QpC1h3qZMN55u0KDZTmOzA==" and "1gZXnld4dYc=" decoded by hand (python base64).
    assert_eq!(first.trace_id, "4290b5877a9930de79bb428365398ecc");
    assert_eq!(first.span_id, "d606579e57787587");
    assert_eq!(first.parent_span_id, None);
    assert_eq!(first.service_name, "mythical-requester");
    assert_eq!(first.kind.as_deref(), Some("client"));
    assert_eq!(first.status_code.as_deref(), Some("OK"));
    assert_eq!(tag(first, "beast"), Some(&json!("manticore")));
    // Number("1658320854877522688") / 1000, as JavaScript computes it.
    assert_eq!(first.start_time, 1658320854877522.8);
    let db = trace.span("253e212fe234216c").expect("pg.query span");
    assert_eq!(db.operation_name, "pg.query:SELECT");
    assert_eq!(db.service_name, "mythical-server");
    assert_eq!(db.parent_span_id.as_deref(), Some("9992968897f3c846"));
    assert_eq!(tag(db, "db.statement"), Some(&json!("SELECT name from manticore")));
    let consumer = trace.span("a8c3fb56334620af").expect("consumer span");
    assert_eq!(consumer.kind.as_deref(), Some("consumer"));
    assert_eq!(consumer.references[0].ref_type, RefType::ChildOf);
    assert_eq!(consumer.references[0].span_id, "09bc8187c967f4b4");
}

#[test]
fn tempo_otlp_vulture_events_and_int_attributes() {
    let Some(trace) = load("tempo-otlp_vulture-k8s-events.json") else { return };
    assert_eq!(trace.format, TraceFormat::Otlp);
    assert_eq!(trace.spans.len(), 6);
    let first = &trace.spans[0];
    assert_eq!(first.trace_id, "3149195ffb0bec05347b48efe8ecc1b0");
    assert_eq!(first.span_id, "4b23de25d1fb6641");
    assert_eq!(first.service_name, "tempo-vulture");
    assert_eq!(first.kind, None);
    assert_eq!(first.logs.len(), 4);
    assert_eq!(first.logs[0].timestamp, 1636729665000000.0);
    assert_eq!(first.logs[0].fields[0].key, "vulture-event-0");
    assert_eq!(
        tag(first, "vulture-int-01"),
        Some(&json!(581134)),
        "intValue string → JSON integer"
    );
    assert_eq!(first.duration, 92.0);
    assert!(service_tag(first, "k8s.pod.name").is_some());
    assert_eq!(first.service_tags[0].key, "service.name");
    assert_eq!(trace.spans[1].parent_span_id.as_deref(), Some("4b23de25d1fb6641"));
    assert_eq!(trace.spans[1].logs.len(), 2);
}

#[test]
fn tempo_batches_tns_mock() {
    let Some(trace) = load("tempo-batches_grafana-tns-mock.json") else { return };
    assert_eq!(trace.format, TraceFormat::Otlp);
    assert_eq!(trace.spans.len(), 6);
    let db = &trace.spans[0];
    // A 64-bit trace id padded to 32 hex digits: Grafana's Tempo backend drops the 16 zeros
    // (pkg/tsdb/tempo/trace_transform.go), so the trace view and its links show 16 digits.
    assert_eq!(db.trace_id, "60ba2abb44f13eae");
    assert_eq!(db.service_name, "db");
    assert_eq!(db.kind.as_deref(), Some("server"));
    assert_eq!(service_tag(db, "job"), Some(&json!("tns/db")));
    // Both links carry placeholder ids ("spanId", "traceId"): skipped, only the parent remains.
    assert_eq!(db.references.len(), 1);
    assert_eq!(db.references[0].span_id, "398f0f21a3db99ae");
    // The one base64 parent id, `WgdmnUQaoyY=`.
    assert_eq!(trace.spans[1].parent_span_id.as_deref(), Some("5a07669d441aa326"));
    assert_eq!(trace.spans[2].parent_span_id, None);
    let client = &trace.spans[3];
    assert_eq!(client.logs.len(), 10);
    assert_eq!(client.logs[0].fields[0].key, "event");
    assert_eq!(client.logs[0].fields[0].value, json!("GetConn"));
    assert_eq!(client.duration, 13504.0);
}

#[test]
fn otlp_hex_multi_resource() {
    let Some(trace) = load("otlp-hex_example-trace-multi-resource.json") else { return };
    assert_eq!(trace.format, TraceFormat::Otlp);
    assert_eq!(trace.spans.len(), 4);
    let first = &trace.spans[0];
    assert_eq!(first.trace_id, "c620759e5d60fafb8ee0922b30e06bc6");
    assert_eq!(first.span_id, "26f5ef9dbb885479");
    assert_eq!(first.parent_span_id.as_deref(), Some("49b8e9efa1e8a3b1"));
    assert_eq!(first.kind.as_deref(), Some("internal"), "numeric kind 1");
    assert_eq!(first.status_code.as_deref(), Some("UNSET"), "status {{}}");
    assert_eq!(first.service_name, "example-trace");
    let roots: Vec<_> = trace.spans.iter().filter(|s| s.parent_span_id.is_none()).collect();
    assert_eq!(roots.len(), 1, "the root has an empty parentSpanId");
}

#[test]
fn jaeger_api_envelope() {
    let Some(trace) = load("jaeger-api_grafana-loki-mock.json") else { return };
    assert_eq!(trace.format, TraceFormat::Jaeger);
    assert_eq!(trace.spans.len(), 2);
    let root = &trace.spans[0];
    assert_eq!(root.trace_id, "2ee9739529395e31", "64-bit trace id kept as given");
    assert_eq!(root.service_name, "loki-all");
    assert_eq!(service_tag(root, "hostname"), Some(&json!("07bb841e14c3")));
    assert_eq!(tag(root, "sampler.param"), Some(&json!(true)));
    assert_eq!(root.kind.as_deref(), Some("client"));
    assert_eq!(root.start_time, 1616095319593196.0);
    assert_eq!(root.duration, 1004.0);
    let child = &trace.spans[1];
    assert_eq!(child.parent_span_id.as_deref(), Some("2ee9739529395e31"));
    assert_eq!(child.references[0].ref_type, RefType::ChildOf);
}

#[test]
fn jaeger_bare_trace() {
    let Some(trace) = load("jaeger-trace_genai-57spans.json") else { return };
    assert_eq!(trace.format, TraceFormat::Jaeger);
    assert_eq!(trace.spans.len(), 57);
    let root = &trace.spans[0];
    assert_eq!(root.trace_id, "4a1b2c3d4e5f60718293a4b5c6d7e8f9");
    assert_eq!(root.service_name, "api-edge");
    assert_eq!(tag(root, "http.response.status_code"), Some(&json!(200)));
    assert_eq!(root.parent_span_id, None);
    let llm = trace.span("0000000000000006").expect("span 6");
    assert_eq!(llm.service_name, "coding-agent");
    assert_eq!(llm.parent_span_id.as_deref(), Some("0000000000000005"));
    assert_eq!(tag(llm, "url.full"), Some(&json!("https://api.example-ai.test/v1/messages")));
    let services: std::collections::BTreeSet<_> =
        trace.spans.iter().map(|s| s.service_name.as_str()).collect();
    assert_eq!(services.len(), 10);
}

#[test]
fn zipkin_oauth() {
    let Some(trace) = load("zipkin-v2_smartthings-oauth-175spans.json") else { return };
    assert_eq!(trace.format, TraceFormat::Zipkin);
    assert_eq!(trace.spans.len(), 175);
    let first = &trace.spans[0];
    assert_eq!(first.trace_id, "8ce82b2e9ed820ba");
    assert_eq!(first.span_id, "c8a2bcb3011b9fcd");
    assert_eq!(first.parent_span_id.as_deref(), Some("54456c991996a6c7"));
    assert_eq!(first.service_name, "auth");
    assert_eq!(first.kind.as_deref(), Some("client"));
    assert_eq!(first.tags[0].key, "kind", "Grafana puts the Zipkin kind first");
    assert_eq!(tag(first, "cassandra.keyspace"), Some(&json!("auth")));
    let keys: Vec<_> = first.service_tags.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(keys, ["ipv4", "port", "endpointType"]);
    assert_eq!(first.start_time, 1543334727215550.0);
    let failed = trace.span("c47bff7f7964b321").expect("401 span");
    assert_eq!(tag(failed, "error"), Some(&json!(true)));
    assert_eq!(tag(failed, "errorValue"), Some(&json!("401")));
    assert_eq!(tag(failed, "shared"), Some(&json!(true)));
    let annotated = trace.span("5f35e80a5a50fdca").expect("annotated span");
    assert_eq!(annotated.logs.len(), 3);
    assert_eq!(annotated.logs[0].name.as_deref(), Some("Body Part Received"));
    assert_eq!(trace.spans.iter().filter(|s| s.parent_span_id.is_none()).count(), 1);
}

#[test]
fn zipkin_mobile_install() {
    let Some(trace) = load("zipkin-v2_smartthings-mobile-install-1041spans.json") else { return };
    assert_eq!(trace.format, TraceFormat::Zipkin);
    assert_eq!(trace.spans.len(), 1041);
    let first = &trace.spans[0];
    assert_eq!(first.trace_id, "14b60fd9ae504820");
    assert_eq!(first.service_name, "platformapi");
    assert_eq!((first.start_time, first.duration), (0.0, 0.0), "no timestamp/duration");
    assert_eq!(first.kind, None);
    assert_eq!(trace.spans.iter().map(|s| s.logs.len()).sum::<usize>(), 92);
}

// ---- inline documents ----

fn otlp_span(span: Value) -> Span {
    let doc = json!({"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "cart"}}]},
        "scopeSpans": [{"spans": [span]}]}]});
    let mut trace = Trace::from_value(&doc).unwrap();
    trace.spans.remove(0)
}

fn attr_value(value: Value) -> Value {
    let span = otlp_span(
        json!({"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
        "attributes": [{"key": "k", "value": value}]}),
    );
    span.tags[0].value.clone()
}

#[test]
fn every_any_value_type() {
    assert_eq!(attr_value(json!({"stringValue": "x"})), json!("x"));
    assert_eq!(attr_value(json!({"intValue": "42"})), json!(42));
    assert_eq!(attr_value(json!({"intValue": -7})), json!(-7));
    assert_eq!(attr_value(json!({"doubleValue": 1.5})), json!(1.5));
    assert_eq!(attr_value(json!({"boolValue": true})), json!(true));
    assert_eq!(attr_value(json!({"bytesValue": "AQID"})), json!("AQID"));
    assert_eq!(
        attr_value(json!({"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "1"}]}})),
        json!(["a", 1])
    );
    assert_eq!(
        attr_value(json!({"kvlistValue": {"values": [{"key": "b", "value": {"boolValue": false}},
            {"key": "a", "value": {"stringValue": "z"}}]}})),
        json!({"b": false, "a": "z"})
    );
    assert_eq!(attr_value(json!({})), Value::Null);
}

#[test]
fn hex_and_base64_ids() {
    let hex = otlp_span(
        json!({"traceId": "0AF7651916CD43DD8448EB211C80319C", "spanId": "B7AD6B7169203331",
        "parentSpanId": ""}),
    );
    assert_eq!(hex.trace_id, "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(hex.span_id, "b7ad6b7169203331");
    assert_eq!(hex.parent_span_id, None, "empty parentSpanId is a root");
    // The same ids in base64, as Tempo's API writes them.
    let b64 = otlp_span(json!({"traceId": "CvdlGRbNQ92ESOshHIAxnA==", "spanId": "t61rcWkgMzE=",
        "parentSpanId": "t61rcWkgMzE="}));
    assert_eq!(b64.trace_id, "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(b64.span_id, "b7ad6b7169203331");
    assert_eq!(b64.parent_span_id.as_deref(), Some("b7ad6b7169203331"));
    let short = otlp_span(json!({"traceId": "8448eb211c80319c", "spanId": "b7ad6b7169203331"}));
    assert_eq!(short.trace_id, "8448eb211c80319c", "64-bit hex trace id");
}

#[test]
fn kind_as_number_or_string_and_status() {
    let ids = |extra: Value| {
        let mut span =
            json!({"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331"});
        span.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        otlp_span(span)
    };
    assert_eq!(ids(json!({"kind": 2})).kind.as_deref(), Some("server"));
    assert_eq!(ids(json!({"kind": "SPAN_KIND_PRODUCER"})).kind.as_deref(), Some("producer"));
    assert_eq!(ids(json!({"kind": 0})).kind, None);
    assert_eq!(ids(json!({"kind": "SPAN_KIND_UNSPECIFIED"})).kind, None);
    let failed = ids(json!({"status": {"code": 2, "message": "boom"}}));
    assert_eq!(failed.status_code.as_deref(), Some("ERROR"));
    assert_eq!(failed.status_message.as_deref(), Some("boom"));
    assert_eq!(
        ids(json!({"status": {"code": "STATUS_CODE_OK"}})).status_code.as_deref(),
        Some("OK")
    );
    assert_eq!(ids(json!({})).status_code, None);
    let timed = ids(json!({"startTimeUnixNano": 1500, "endTimeUnixNano": "4000"}));
    assert_eq!((timed.start_time, timed.duration), (1.5, 2.5));
}

#[test]
fn links_events_and_wrappers() {
    let span = json!({"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
        "parentSpanId": "00f067aa0ba902b7",
        "events": [{"timeUnixNano": "1602637200000000000", "name": "exception",
            "attributes": [{"key": "exception.message", "value": {"stringValue": "oops"}}]}],
        "links": [
            {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b7",
             "attributes": [{"key": "link.kind", "value": {"stringValue": "batch"}}]},
            {"traceId": "", "spanId": ""}]});
    let batches = json!({"batches": [{"resource": {"attributes": []},
        "instrumentationLibrarySpans": [{"spans": [span.clone()]}]}]});
    let wrapped = json!({"trace": {"resourceSpans": [{"scopeSpans": [{"spans": [span]}]}]}});
    for doc in [batches, wrapped] {
        let trace = Trace::from_value(&doc).unwrap();
        assert_eq!(trace.format, TraceFormat::Otlp);
        let s = &trace.spans[0];
        assert_eq!(s.service_name, "", "no service.name resource attribute");
        assert_eq!(s.references.len(), 2, "parent + one valid link; the empty link is skipped");
        assert_eq!(s.references[0].ref_type, RefType::ChildOf);
        let link = &s.references[1];
        assert_eq!(link.ref_type, RefType::External);
        assert_eq!(link.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(link.span_id, "00f067aa0ba902b7");
        assert_eq!(link.tags[0].value, json!("batch"));
        assert_eq!(s.logs[0].name.as_deref(), Some("exception"));
        assert_eq!(s.logs[0].timestamp, 1602637200000000.0);
        assert_eq!(s.logs[0].fields[0].value, json!("oops"));
    }
}

#[test]
fn jaeger_inline_follows_from_logs_and_typed_tags() {
    let doc = json!({"traceID": "ABCDEF0123456789", "processes": {"p1": {"serviceName": "svc", "tags": []}},
        "spans": [{"traceID": "ABCDEF0123456789", "spanID": "0000000000000002", "operationName": "op",
            "references": [
                {"refType": "FOLLOWS_FROM", "traceID": "abcdef0123456789", "spanID": "0000000000000009"},
                {"refType": "CHILD_OF", "traceID": "abcdef0123456789", "spanID": "0000000000000001"}],
            "startTime": 10, "duration": 5, "processID": "p1",
            "tags": [{"key": "n", "type": "int64", "value": "12"}, {"key": "f", "type": "float64", "value": 0.5},
                     {"key": "b", "type": "binary", "value": "AQI="}],
            "logs": [{"timestamp": 12, "fields": [{"key": "event", "type": "string", "value": "retry"}]}]}]});
    let trace = Trace::from_value(&doc).unwrap();
    let s = &trace.spans[0];
    assert_eq!(s.trace_id, "abcdef0123456789");
    assert_eq!(s.parent_span_id.as_deref(), Some("0000000000000001"));
    assert_eq!(s.references[0].ref_type, RefType::ChildOf, "the parent comes first");
    assert_eq!(s.references[1].ref_type, RefType::FollowsFrom);
    assert_eq!(tag(s, "n"), Some(&json!(12)));
    assert_eq!(tag(s, "f"), Some(&json!(0.5)));
    assert_eq!(tag(s, "b"), Some(&json!("AQI=")));
    assert_eq!(s.logs[0].timestamp, 12.0);
    assert_eq!(s.logs[0].fields[0].value, json!("retry"));
    assert_eq!(s.kind, None);
}

#[test]
fn jaeger_external_reference_is_a_span_link() {
    // Grafana's TraceSpanReference refType is CHILD_OF | FOLLOWS_FROM | EXTERNAL.
    let doc = json!({"data": [{"traceID": "abcdef0123456789", "processes": {"p1": {"serviceName": "svc"}},
        "spans": [
            {"traceID": "abcdef0123456789", "spanID": "0000000000000001", "operationName": "root",
             "startTime": 10, "duration": 5, "processID": "p1"},
            {"traceID": "abcdef0123456789", "spanID": "0000000000000002", "operationName": "op",
             "references": [{"refType": "EXTERNAL", "traceID": "abcdef0123456789", "spanID": "0000000000000001"}],
             "startTime": 10, "duration": 5, "processID": "p1"}]}]});
    let trace = Trace::from_value(&doc).unwrap();
    let s = &trace.spans[1];
    assert_eq!(s.references[0].ref_type, RefType::External);
    assert_eq!(s.parent_span_id, None, "an EXTERNAL reference is not the parent");
    // The trace view titles it "View linked span" even though the linked span is in the trace.
    let doc = json!({"datasources": [{"name": "Jaeger", "type": "jaeger", "uid": "jaeger"}]});
    let c = spanlink::Correlator::new(&doc.to_string(), spanlink::Options::default()).unwrap();
    let links = c.span_links(&trace, "0000000000000002").unwrap();
    let titles: Vec<_> = links.iter().map(|l| l.title.as_str()).collect();
    assert_eq!(titles, ["View linked span"]);
}

#[test]
fn zipkin_inline_remote_only_and_missing_service() {
    let doc = json!([
        {"traceId": "a", "id": "1", "remoteEndpoint": {"serviceName": "db", "ipv4": "10.0.0.1", "port": 0}},
        {"traceId": "a", "id": "2", "parentId": "1"}]);
    let trace = Trace::from_value(&doc).unwrap();
    assert_eq!(trace.spans[0].service_name, "db");
    assert_eq!(trace.spans[0].service_tags.len(), 2, "ipv4 + endpointType; port 0 dropped");
    assert_eq!(trace.spans[0].service_tags[1].value, json!("remote"));
    assert_eq!(trace.spans[1].service_name, "unknown", "Grafana's fallback");
    assert_eq!(trace.spans[1].parent_span_id.as_deref(), Some("1"));
}

// ---- errors ----

fn error_of(doc: Value) -> spanlink::Error {
    Trace::from_value(&doc).expect_err("should be rejected")
}

#[test]
fn broken_json_is_invalid_json() {
    let err = Trace::from_json("{\"resourceSpans\": [").unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidJson);
}

#[test]
fn unknown_format() {
    let err = error_of(json!({"hello": 1}));
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidTrace, ""));
}

/// The warnings of a trace that parses despite broken fields, as (path, reason).
fn warnings_of(doc: Value) -> (Trace, Vec<(String, String)>) {
    let trace = Trace::from_value(&doc).expect("a trace with broken fields still parses");
    let warnings = trace.warnings().iter().map(|w| (w.path.clone(), w.reason.clone())).collect();
    (trace, warnings)
}

#[test]
fn spans_not_an_array_is_a_warning() {
    let (trace, warnings) =
        warnings_of(json!({"resourceSpans": [{"scopeSpans": [{}, {"spans": {"a": 1}}]}]}));
    assert_eq!(trace.spans.len(), 0);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].0, "resourceSpans[0].scopeSpans[1].spans");
    assert!(warnings[0].1.contains("expected an array, found an object"), "{}", warnings[0].1);
    let (_, warnings) = warnings_of(json!({"spans": 3, "processes": {}}));
    assert_eq!(warnings[0].0, "spans");
}

#[test]
fn missing_or_bad_ids_keep_the_span() {
    let mut spans = vec![
        json!({"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331"});
        4
    ];
    spans[3] = json!({"traceId": "0af7651916cd43dd8448eb211c80319c", "name": "no id"});
    let doc = json!({"resourceSpans": [{"scopeSpans": [{"spans": []}, {"spans": spans}]}]});
    let (trace, warnings) = warnings_of(doc);
    assert_eq!(trace.spans.len(), 4, "the span without an id is kept");
    assert_eq!(
        (trace.spans[3].span_id.as_str(), trace.spans[3].operation_name.as_str()),
        ("", "no id")
    );
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].0, "resourceSpans[0].scopeSpans[1].spans[3].spanId");
    let (trace, warnings) = warnings_of(json!({"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "not an id!", "spanId": "b7ad6b7169203331"}]}]}]}));
    assert_eq!(
        (trace.spans[0].trace_id.as_str(), trace.spans[0].span_id.as_str()),
        ("", "b7ad6b7169203331")
    );
    assert_eq!(warnings[0].0, "resourceSpans[0].scopeSpans[0].spans[0].traceId");
    assert!(warnings[0].1.contains("\"not an id!\""), "{}", warnings[0].1);
    let (trace, warnings) = warnings_of(json!([{"traceId": "a", "id": "1"}, {"traceId": "a"}]));
    assert_eq!(trace.spans.len(), 2);
    assert_eq!(warnings[0].0, "[1].id");
    let (_, warnings) =
        warnings_of(json!({"data": [{"spans": [{"traceID": "a"}], "processes": {}}]}));
    assert_eq!(warnings[0].0, "data[0].spans[0].spanID");
    // Not a span at all: left out, with a warning.
    let (trace, warnings) = warnings_of(json!([{"traceId": "a", "id": "1"}, 7]));
    assert_eq!(trace.spans.len(), 1);
    assert_eq!(
        warnings[0],
        ("[1]".to_string(), "expected a span object, found a number: 7".to_string())
    );
}

#[test]
fn bad_time_and_values_keep_the_span_without_them() {
    let (trace, warnings) =
        warnings_of(json!({"batches": [{"instrumentationLibrarySpans": [{"spans": [
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
         "startTimeUnixNano": true, "endTimeUnixNano": "2000", "kind": [2]}]}]}]}));
    assert_eq!(trace.spans[0].start_time, 0.0);
    assert_eq!(trace.spans[0].kind, None);
    assert_eq!(
        warnings[0].0,
        "batches[0].instrumentationLibrarySpans[0].spans[0].startTimeUnixNano"
    );
    assert!(warnings[0].1.contains("true"), "{}", warnings[0].1);
    assert_eq!(warnings[1].0, "batches[0].instrumentationLibrarySpans[0].spans[0].kind");
    let (trace, warnings) = warnings_of(json!({"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
         "attributes": [{"key": "k", "value": {"intValue": "12x"}},
                        {"key": "ok", "value": {"stringValue": "v"}},
                        {"value": {"stringValue": "no key"}}]}]}]}]}));
    let tags: Vec<&str> = trace.spans[0].tags.iter().map(|kv| kv.key.as_str()).collect();
    assert_eq!(tags, ["ok"], "broken attributes are dropped, the others kept");
    assert_eq!(
        warnings[0].0,
        "resourceSpans[0].scopeSpans[0].spans[0].attributes[0].value.intValue"
    );
    assert_eq!(warnings[1].0, "resourceSpans[0].scopeSpans[0].spans[0].attributes[2].key");
    let (trace, warnings) = warnings_of(json!({"traceID": "a", "processes": {}, "spans": [
        {"traceID": "a", "spanID": "b", "processID": "p9"}]}));
    assert_eq!(trace.spans[0].service_name, "");
    assert_eq!(warnings[0].0, "spans[0].processID");
    let (trace, warnings) =
        warnings_of(json!([{"traceId": "a", "id": "1", "timestamp": "soon", "duration": 5}]));
    assert_eq!((trace.spans[0].start_time, trace.spans[0].duration), (0.0, 5.0));
    assert_eq!(warnings[0].0, "[0].timestamp");
}

#[test]
fn lone_surrogates_become_replacement_characters() {
    // JavaScript's JSON.parse keeps a lone surrogate and Grafana shows the trace; a Rust string
    // cannot hold one, so it becomes U+FFFD, in any string of the document.
    let text = r#"{"resourceSpans": [{"resource": {"attributes": [
        {"key": "service.name", "value": {"stringValue": "cart\ud800"}}]},
        "scopeSpans": [{"spans": [{"traceId": "0af7651916cd43dd8448eb211c80319c",
        "spanId": "b7ad6b7169203331", "name": "\udc00GET \ud83d\ude00 \\ud800",
        "attributes": [{"key": "k\udbff", "value": {"stringValue": "x\ud800\ud800y"}}]}]}]}]}"#;
    let trace = Trace::from_json(text).unwrap();
    let span = &trace.spans[0];
    assert_eq!(span.service_name, "cart\u{fffd}");
    assert_eq!(
        span.operation_name, "\u{fffd}GET \u{1f600} \\ud800",
        "pairs and escaped backslashes stay"
    );
    assert_eq!(span.tags[0].key, "k\u{fffd}");
    assert_eq!(span.tags[0].value, json!("x\u{fffd}\u{fffd}y"));
    assert!(trace.warnings().is_empty());
    // Jaeger and Zipkin too.
    let jaeger = r#"{"data": [{"processes": {"p1": {"serviceName": "svc\ud800"}}, "spans": [
        {"traceID": "a", "spanID": "b", "processID": "p1", "operationName": "op\udfff"}]}]}"#;
    let trace = Trace::from_json(jaeger).unwrap();
    assert_eq!(
        (trace.spans[0].service_name.as_str(), trace.spans[0].operation_name.as_str()),
        ("svc\u{fffd}", "op\u{fffd}")
    );
    let zipkin = r#"[{"traceId": "a", "id": "1", "name": "\ud800", "tags": {"t": "\ud800"}}]"#;
    let trace = Trace::from_json(zipkin).unwrap();
    assert_eq!(trace.spans[0].operation_name, "\u{fffd}");
    // Broken JSON is still an error, surrogates or not.
    let err = Trace::from_json(r#"[{"name": "\ud800"#).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidJson);
}

#[test]
fn duplicate_keys_take_the_last_as_json_parse_does() {
    let text = r#"[{"traceId": "a", "id": "1", "name": "first", "name": "second"}]"#;
    let trace = Trace::from_json(text).unwrap();
    assert_eq!(trace.spans[0].operation_name, "second");
}

#[test]
fn jaeger_error_response() {
    let err = error_of(json!({"data": null, "errors": [{"code": 404, "msg": "trace not found"}]}));
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidTrace, "errors[0]"));
    assert!(err.message.contains("trace not found"));
}

#[test]
fn nothing_panics_on_odd_input() {
    for doc in [
        json!([1, "x", null]),
        json!({"resourceSpans": 5}),
        json!({"resourceSpans": [null, 1]}),
        json!({"trace": {"batches": [{"resource": 3}]}}),
        json!({"data": [{"spans": [{"traceID": "a", "spanID": "b", "references": [{"refType": 1}]}]}]}),
        json!({"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "====", "spanId": "A==="}]}]}]}),
        json!([{"traceId": "a", "id": "1", "timestamp": 1e308, "duration": -1e308, "tags": []}]),
    ] {
        let _ = Trace::from_value(&doc);
    }
}

#[test]
fn nesting_deeper_than_the_json_depth_limit_is_an_error_even_where_dropped() {
    // A wrong-shaped value is dropped with a warning, but read under the same nesting limit as
    // every other value: 100,000 levels is an error (LIMIT_EXCEEDED), never a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(Trace::from_json(&deep).unwrap_err().code, ErrorCode::LimitExceeded);
    let deep = format!("{{\"resourceSpans\": {{\"a\": {}{}}}}}", "[".repeat(200), "]".repeat(200));
    assert_eq!(Trace::from_json(&deep).unwrap_err().code, ErrorCode::LimitExceeded);
    let shallow = format!("{{\"resourceSpans\": {{\"a\": {}{}}}}}", "[".repeat(20), "]".repeat(20));
    assert_eq!(Trace::from_json(&shallow).unwrap().warnings()[0].path, "resourceSpans");
}

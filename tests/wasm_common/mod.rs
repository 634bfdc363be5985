//! wasm-level tests of the binding (src/wasm.rs), run under Node (tests/node.rs) and headless
//! Chromium (tests/browser.rs): error shapes, argument checks, hostile inputs.
use js_sys::Reflect;
use spanlink::wasm;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn prop(v: &JsValue, name: &str) -> String {
    Reflect::get(v, &name.into()).unwrap().as_string().unwrap_or_default()
}

/// Asserts a thrown SpanlinkError: a real `Error`, named, with code and path.
fn assert_error(err: JsValue, code: &str, path: &str) {
    assert!(err.is_instance_of::<js_sys::Error>(), "not an Error: {err:?}");
    assert_eq!(prop(&err, "name"), "SpanlinkError");
    assert_eq!(prop(&err, "code"), code, "message: {}", prop(&err, "message"));
    assert_eq!(prop(&err, "path"), path);
    assert!(!prop(&err, "message").is_empty());
}

#[wasm_bindgen_test]
fn parse_interval_rejects_non_strings_naming_the_argument() {
    for v in
        [JsValue::UNDEFINED, JsValue::NULL, JsValue::from_f64(5.0), js_sys::Object::new().into()]
    {
        assert_error(wasm::parse_interval(v).unwrap_err(), "INVALID_ARGUMENT", "text");
    }
}

#[wasm_bindgen_test]
fn parse_interval_errors_carry_the_core_code() {
    assert_error(wasm::parse_interval("5 m".into()).unwrap_err(), "INVALID_INTERVAL", "");
}

#[wasm_bindgen_test]
fn parse_trace_reports_bad_text_and_unknown_shapes() {
    assert_error(wasm::parse_trace("{not json".into()).err().unwrap(), "INVALID_JSON", "");
    assert_error(
        wasm::parse_trace(js_sys::Object::new().into()).err().unwrap(),
        "INVALID_TRACE",
        "",
    );
    assert_error(wasm::parse_trace(JsValue::UNDEFINED).err().unwrap(), "INVALID_ARGUMENT", "trace");
}

#[wasm_bindgen_test]
fn hostile_objects_throw_instead_of_trapping() {
    // A cycle: JSON.stringify throws, the binding maps it.
    let o = js_sys::Object::new();
    Reflect::set(&o, &"self".into(), &o).unwrap();
    assert_error(wasm::parse_trace(o.into()).err().unwrap(), "INVALID_ARGUMENT", "trace");
    // 100 000 levels of nesting: the JSON depth limit, not a stack overflow.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_error(wasm::parse_trace(deep.into()).err().unwrap(), "LIMIT_EXCEEDED", "");
    // A BigInt.
    let big = js_sys::BigInt::from(1u64);
    assert_error(wasm::parse_trace(big.into()).err().unwrap(), "INVALID_ARGUMENT", "trace");
}

#[wasm_bindgen_test]
fn parse_trace_reads_a_zipkin_trace_and_serializes_spans_as_plain_objects() {
    let text = r#"[{"traceId":"0af7651916cd43dd8448eb211c80319c","id":"b7ad6b7169203331","name":"get /cart",
        "timestamp":1602637200000000,"duration":1000,"localEndpoint":{"serviceName":"cart"},"tags":{"k":"v"}}]"#;
    let trace = wasm::parse_trace(text.into()).unwrap();
    assert_eq!(trace.trace_id(), "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(trace.span_count(), 1);
    let spans: js_sys::Array = trace.spans().unwrap().dyn_into().unwrap();
    let span = spans.get(0);
    assert_eq!(prop(&span, "serviceName"), "cart");
    assert!(span.is_object() && !span.is_instance_of::<js_sys::Map>());
}

#[wasm_bindgen_test]
fn apply_transformations_maps_errors_with_paths() {
    let ts = js_sys::JSON::parse(r#"[{"type":"regex","expression":"("}]"#).unwrap();
    let err = wasm::apply_transformations(ts, "x".into(), JsValue::UNDEFINED).unwrap_err();
    assert_error(err, "INVALID_REGEX", "transformations[0].expression");
    let ts = js_sys::JSON::parse(r#"[{"type":"logfmt"}]"#).unwrap();
    let vars = wasm::apply_transformations(ts, "a=1 b=2".into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(
        js_sys::JSON::stringify(&vars).unwrap().as_string().unwrap(),
        r#"{"a":"1","b":"2"}"#
    );
}

#[wasm_bindgen_test]
fn interpolate_reads_scoped_vars_and_names_bad_arguments() {
    let vars = js_sys::JSON::parse(r#"{"__value":{"value":{"raw":"abc"}}}"#).unwrap();
    assert_eq!(
        wasm::interpolate("id=${__value.raw}".into(), vars, JsValue::UNDEFINED).unwrap(),
        "id=abc"
    );
    let err = wasm::interpolate(JsValue::from_f64(1.0), JsValue::UNDEFINED, JsValue::UNDEFINED)
        .unwrap_err();
    assert_error(err, "INVALID_ARGUMENT", "template");
    // An unknown format falls back to glob, as in Grafana.
    let vars = js_sys::JSON::parse(r#"{"a":{"value":["x","y"]}}"#).unwrap();
    let opts = js_sys::JSON::parse(r#"{"format":"nope"}"#).unwrap();
    assert_eq!(wasm::interpolate("$a".into(), vars, opts).unwrap(), "{x,y}");
}

const SETTINGS: &str = r#"{"datasources":[
  {"name":"Tempo","type":"tempo","uid":"tempo","jsonData":{"tracesToLogsV2":{"datasourceUid":"loki","filterByTraceID":true}}},
  {"name":"Loki","type":"loki","uid":"loki"}]}"#;
const TRACE: &str = r#"[{"traceId":"0af7651916cd43dd8448eb211c80319c","id":"b7ad6b7169203331","name":"get /cart",
  "timestamp":1602637200000000,"duration":1000,"localEndpoint":{"serviceName":"cart"},"tags":{"cluster":"eu"}}]"#;

#[wasm_bindgen_test]
fn correlator_links_a_span_and_returns_a_map_for_the_trace() {
    let settings = js_sys::JSON::parse(SETTINGS).unwrap();
    let c = wasm::JsCorrelator::new(settings, JsValue::UNDEFINED).unwrap();
    let trace = wasm::parse_trace(TRACE.into()).unwrap();
    let links: js_sys::Array =
        c.span_links(&trace, "b7ad6b7169203331".into()).unwrap().dyn_into().unwrap();
    assert_eq!(links.length(), 1);
    let link = links.get(0);
    assert_eq!(prop(&link, "type"), "logs");
    assert!(prop(&link, "href").starts_with("/explore?left="));
    let all = c.trace_links(&trace).unwrap();
    assert_eq!(all.size(), 1);
    assert!(all.get(&"b7ad6b7169203331".into()).is_instance_of::<js_sys::Array>());
    assert_error(c.span_links(&trace, "nope".into()).unwrap_err(), "SPAN_NOT_FOUND", "spanId");
}

#[wasm_bindgen_test]
fn correlator_errors_name_the_argument_or_setting() {
    assert_error(
        wasm::JsCorrelator::new(JsValue::UNDEFINED, JsValue::UNDEFINED).err().unwrap(),
        "INVALID_ARGUMENT",
        "provisioning",
    );
    let settings = js_sys::JSON::parse(SETTINGS).unwrap();
    let opts = js_sys::JSON::parse(r#"{"tracingDatasource":"nope"}"#).unwrap();
    let err = wasm::JsCorrelator::new(settings, opts).err().unwrap();
    assert_error(err, "UNKNOWN_DATASOURCE", "options.tracingDatasource");
}

/// In wasm the host's `Number#toString` formats numbers: the same strings as the native
/// implementation's unit tests expect.
#[wasm_bindgen_test]
fn numbers_format_as_javascript_formats_them() {
    use spanlink::js::f64_to_js_string as js;
    assert_eq!(js(1602637200000.0), "1602637200000");
    assert_eq!(js(0.1), "0.1");
    assert_eq!(js(-1.5), "-1.5");
    assert_eq!(js(1e21), "1e+21");
    assert_eq!(js(1.5e-7), "1.5e-7");
    assert_eq!(js(f64::NAN), "NaN");
}

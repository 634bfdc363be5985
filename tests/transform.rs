//! Correlation transformations, as the Grafana docs (docs/grafana.md §7) describe them.

use serde_json::{json, Value};
use spanlink::transform::Transformation;
use spanlink::{apply_transformations, apply_with_report, compile_all, ErrorCode};

fn vars(configs: Value, value: Value) -> Vec<(String, String)> {
    let t = compile_all(&configs, "transformations").unwrap();
    apply_transformations(&t, &value, "msg", &|_| None)
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[test]
fn docs_logfmt_then_regex() {
    let out = vars(
        json!([{"type": "logfmt"}, {"type": "regex", "expression": "host=(dev|prod)", "mapValue": "environment"}]),
        json!("application=foo host=dev-001"),
    );
    assert_eq!(out, pairs(&[("application", "foo"), ("host", "dev-001"), ("environment", "dev")]));
}

#[test]
fn docs_two_unnamed_regexes_last_wins() {
    let out = vars(
        json!([{"type": "regex", "expression": "fieldA=(\\w+)"}, {"type": "regex", "expression": "fieldB=(\\w+)"}]),
        json!("fieldA=asparagus fieldB=banana"),
    );
    assert_eq!(out, pairs(&[("msg", "banana")]));
}

/// Grafana's own test (grafana.md §7.3): the look-ahead picks the `value` of the tag whose
/// `key` is `host`, wherever the two sit in the object.
#[test]
fn look_ahead_from_the_json_tags_example_runs() {
    let expr = r#"{(?=[^\}]*\bkey":"host")[^\}]*\bvalue":"(.*?)".*}"#;
    let t = json!([{"type": "regex", "expression": expr, "mapValue": "job"}]);
    let tags = json!([{"key": "host", "value": "host"}]);
    assert_eq!(vars(t.clone(), tags), pairs(&[("job", "host")]));
    let tags = json!([{"value": "web-1", "key": "host"}, {"key": "zone", "value": "eu"}]);
    assert_eq!(vars(t, tags), pairs(&[("job", "web-1")]));
}

/// Grafana's transformation docs: two look-aheads with named groups, in any order in the text.
#[test]
fn look_aheads_with_named_groups_from_the_docs() {
    let expr = "(?=.*(?<application>(grafana|loki)))(?=.*(?<environment>(dev|prod)))";
    let t = json!([{"type": "regex", "expression": expr}]);
    let out = vars(t.clone(), json!("prod server running loki"));
    assert_eq!(out, pairs(&[("application", "loki"), ("environment", "prod")]));
    assert_eq!(vars(t, json!("dev only")), pairs(&[]));
}

/// Grafana: `if (type === 'regex' && expression)`: without one the transformation is skipped.
#[test]
fn regex_without_expression_produces_no_variables() {
    let t = json!([{"type": "regex", "mapValue": "x"}, {"type": "regex", "expression": ""}]);
    assert_eq!(vars(t, json!("anything")), pairs(&[]));
}

#[test]
fn intro_to_mltp_beast_over_json_tags() {
    // The tags field is an array of objects, so the regex sees it JSON-stringified.
    let tags = json!([{"value": "manticore", "key": "beast"}, {"value": "x", "key": "god"}]);
    let out = vars(
        json!([{"type": "regex", "expression": r#".*{"value":"(.*?)","key":"beast".*}"#, "mapValue": "beast"}]),
        tags,
    );
    assert_eq!(out, pairs(&[("beast", "manticore")]));
}

#[test]
fn named_groups_replace_this_transformations_variables() {
    let out = vars(
        json!([{"type": "logfmt"}, {"type": "regex", "expression": r"(?<service>\w+)/(?<pod>[\w-]+)", "mapValue": "ignored"}]),
        json!("job=tns/app-7f9"),
    );
    assert_eq!(out, pairs(&[("job", "tns/app-7f9"), ("service", "tns"), ("pod", "app-7f9")]));
    // A group that did not take part is "".
    let out = vars(json!([{"type": "regex", "expression": r"a(?<x>1)?(?<y>b)"}]), json!("ab"));
    assert_eq!(out, pairs(&[("x", ""), ("y", "b")]));
}

#[test]
fn case_insensitive_and_whole_match_without_group() {
    assert_eq!(
        vars(json!([{"type": "regex", "expression": "TRACEID=(\\w+)"}]), json!("traceid=abc")),
        pairs(&[("msg", "abc")])
    );
    assert_eq!(
        vars(json!([{"type": "regex", "expression": "err\\w*"}]), json!("ERROR x")),
        pairs(&[("msg", "ERROR")])
    );
    // An empty group 1 falls back to the whole match (`match[1] || match[0]`).
    assert_eq!(
        vars(json!([{"type": "regex", "expression": "id=(\\d*)"}]), json!("id=")),
        pairs(&[("msg", "id=")])
    );
}

#[test]
fn json_path_transformation() {
    let body = json!(r#"{"user": {"id": 42, "roles": ["admin", "dev"], "k.8s": {"a": 1}}}"#);
    assert_eq!(
        vars(json!([{"type": "json", "expression": "$.user.id"}]), body.clone()),
        pairs(&[("id", "42")])
    );
    assert_eq!(
        vars(
            json!([{"type": "json", "expression": "$.user.roles[1]", "mapValue": "role"}]),
            body.clone()
        ),
        pairs(&[("role", "dev")])
    );
    assert_eq!(
        vars(json!([{"type": "json", "expression": "$.user['k.8s']"}]), body.clone()),
        pairs(&[("k.8s", r#"{"a":1}"#)])
    );
    assert_eq!(vars(json!([{"type": "json", "expression": "$.nope"}]), body), pairs(&[]));
    // An object value is read directly, no parsing needed.
    assert_eq!(
        vars(json!([{"type": "json", "expression": "$[0].key"}]), json!([{"key": "beast"}])),
        pairs(&[("key", "beast")])
    );
}

#[test]
fn field_reads_another_field_and_report_lists_misses() {
    let t = compile_all(
        &json!([{"type": "regex", "expression": "svc=(\\w+)", "field": "line", "mapValue": "service"},
                {"type": "regex", "expression": "nothing-here"}]),
        "t",
    )
    .unwrap();
    let fields = |name: &str| (name == "line").then(|| json!("svc=cart"));
    let report = apply_with_report(&t, &json!("own value"), "traceID", &fields);
    assert_eq!(report.variables, pairs(&[("service", "cart")]));
    assert_eq!((report.empty, report.backtrack_limit), (vec![1], None));
    assert_eq!(t[0].field(), Some("line"));
    assert_eq!(t[0].map_value(), Some("service"));
}

#[test]
fn settings_errors_name_the_field() {
    let err =
        Transformation::compile(&json!({"type": "jq", "expression": "."}), "x[2]").unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidSettings, "x[2].type"));
    assert!(err.message.contains("\"jq\"") && err.message.contains("`logfmt`"), "{}", err.message);
    let err = Transformation::compile(&json!({"type": "regex", "expression": "(unclosed"}), "x")
        .unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidRegex, "x.expression"));
    let err =
        Transformation::compile(&json!({"type": "regex", "expression": "a**"}), "x").unwrap_err();
    assert!(err.message.contains("nothing to repeat"), "{}", err.message);
    let err = Transformation::compile(&json!({"type": "json", "expression": "user.id"}), "x")
        .unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidSettings, "x.expression"));
    let err = compile_all(&json!({"type": "logfmt"}), "t").unwrap_err();
    assert_eq!((err.code, err.path.as_str()), (ErrorCode::InvalidSettings, "t"));
    let err = compile_all(&json!([{"type": "logfmt", "mapValue": 3}]), "t").unwrap_err();
    assert_eq!(err.path, "t[0].mapValue");
}

#[test]
fn non_string_values_are_json_stringified() {
    assert_eq!(
        vars(json!([{"type": "regex", "expression": "\"a\":(\\d+)"}]), json!({"a": 5})),
        pairs(&[("msg", "5")])
    );
    assert_eq!(vars(json!([{"type": "logfmt"}]), json!(7)), pairs(&[("7", "true")]));
}

#[test]
fn javascript_escapes_compile() {
    // Patterns copied from JavaScript often escape `/` and `-`, which JS accepts.
    assert_eq!(
        vars(json!([{"type": "regex", "expression": r"\/api\/(\w+)\-v"}]), json!("/api/cart-v2")),
        pairs(&[("msg", "cart")])
    );
}

/// The literal prefilter never rejects an input the regex matches (case-insensitively too).
#[test]
fn the_literal_prefilter_agrees_with_the_regex() {
    let patterns = [
        r#""value":"([^"]+)","key":"k8s\.pod\.name""#,
        r"traceID=(\w+)",
        r"ab?c+d{2}e",
        r"x{2,}y",
        r"^GET (/api/\w+)$",
        r"a\.b\-c",
        r"[abc]+z",
        r"(?:foo)?bar",
    ];
    let inputs = [
        r#"[{"value":"cart-1","key":"k8s.pod.name"}]"#,
        r#"[{"VALUE":"cart-1","KEY":"K8S.POD.NAME"}]"#,
        "TRACEid=abc",
        "abccdde",
        "acdde",
        "xxy",
        "GET /api/cart",
        "get /API/cart",
        "A.B-C",
        "cz",
        "bar",
        "nothing here",
        "ſ K",
    ];
    for pattern in patterns {
        let t =
            compile_all(&json!([{"type": "regex", "expression": pattern, "mapValue": "v"}]), "t")
                .unwrap();
        // The same regex without `i` and with ASCII-lower-cased inputs: no prefilter involved.
        let reference =
            spanlink::jsregex::JsRegex::new(&pattern.to_ascii_lowercase(), false).unwrap();
        for input in inputs {
            let vars = apply_transformations(&t, &json!(input), "f", &|_| None);
            let expected = reference.is_match(&input.to_ascii_lowercase()).unwrap();
            assert_eq!(!vars.is_empty(), expected, "{pattern} on {input}");
        }
    }
}

//! The template engine, case by case (docs/grafana.md §10, §6.3, §2; docs/beyond.md §1). Expected strings
//! are written from the spec.

use serde_json::json;
use spanlink::interpolate_with;
use spanlink::template::{
    Escaper, Format, IssueKind, RenderOptions, Rendered, Scope, ScopedVar, ScopedVars, Template,
    VariableValue,
};
use std::collections::HashMap;

/// 2020-10-14T01:00:00.000Z and one hour later.
const FROM: f64 = 1602637200000.0;
const TO: f64 = 1602640800000.0;

fn vars() -> ScopedVars {
    let mut v = ScopedVars::new();
    v.insert(
        "__span".into(),
        ScopedVar::new(json!({
            "spanId": "s1",
            "traceId": "t1",
            "duration": 1500,
            "name": "GET /api",
            "tags": {
                "k8s.pod.name": "pod-1",
                "a:b": "colon",
                "x}y": "brace",
                "host": "h1",
                "empty": "",
                "missing": null,
                "list": ["l0", "l1"],
                "nested": {"deep": true},
            },
        })),
    );
    v.insert("single".into(), ScopedVar::new("a b"));
    v.insert("multi".into(), ScopedVar::new(json!(["a", "b"])));
    v.insert("one".into(), ScopedVar::new(json!(["only"])));
    v.insert("none".into(), ScopedVar::new(json!([])));
    v.insert("num".into(), ScopedVar::new(12));
    v.insert("nothing".into(), ScopedVar::new(json!(null)));
    v.insert("labelled".into(), ScopedVar { value: json!("v1"), text: Some("Value one".into()) });
    v.insert("ts".into(), ScopedVar::new(FROM));
    v
}

fn dashboard() -> HashMap<String, VariableValue> {
    let multi =
        |items: &[&str]| VariableValue::Multi(items.iter().map(|s| s.to_string()).collect());
    HashMap::from([
        ("env".to_string(), VariableValue::Single("prod".into())),
        ("dc".to_string(), multi(&["eu", "us"])),
        ("m1".to_string(), multi(&["a"])),
        // A dashboard variable shadowed by the scoped `single`.
        ("single".to_string(), VariableValue::Single("dashboard".into())),
        // Behind the scoped `nothing`, whose value is null.
        ("nothing".to_string(), VariableValue::Single("from the dashboard".into())),
    ])
}

fn render_with(template: &str, opts: &RenderOptions) -> Rendered {
    let (v, d) = (vars(), dashboard());
    let scope = Scope {
        scoped: Some(&v),
        variables: Some(&d),
        range: Some((FROM, TO)),
        ..Scope::default()
    };
    Template::parse(template).unwrap().render(&scope, opts)
}

fn render(template: &str) -> String {
    render_with(template, &RenderOptions::default()).text
}

// ---- syntax ----

#[test]
fn every_syntax_form() {
    assert_eq!(render("$single"), "a b");
    assert_eq!(render("${single}"), "a b");
    assert_eq!(render("[[single]]"), "a b");
    assert_eq!(render("[[multi:pipe]]"), "a|b");
    assert_eq!(render("${multi:pipe}"), "a|b");
    assert_eq!(render("${__span.spanId}"), "s1");
    assert_eq!(render("${__span.tags.host:raw}"), "h1");
    assert_eq!(render("x$single.y"), "xa b.y");
}

#[test]
fn bracket_paths_with_quoted_keys() {
    assert_eq!(render(r#"${__span.tags["k8s.pod.name"]}"#), "pod-1");
    assert_eq!(render("${__span.tags['k8s.pod.name']}"), "pod-1");
    assert_eq!(render("${__span.tags.list[1]}"), "l1");
    // Core TemplateSrv's regex ends the path at the first `:` or `}`, even inside quotes, and
    // wants a `.` after the name (the scenes interpolator of dashboards reads these three).
    assert_eq!(render(r#"${__span.tags["a:b"]}"#), r#"${__span.tags["a:b"]}"#);
    assert_eq!(render(r#"${__span.tags["x}y"]:raw}"#), r#"${__span.tags["x}y"]:raw}"#);
    assert_eq!(render(r#"${__span["tags"].host}"#), r#"${__span["tags"].host}"#);
    // A dotted key without brackets is a path: tags → k8s → pod → name.
    assert_eq!(render("${__span.tags.k8s.pod.name}"), "${__span.tags.k8s.pod.name}");
}

#[test]
fn paths_resolve_like_lodash_get() {
    let mut v = ScopedVars::new();
    v.insert("attrs".into(), ScopedVar::new(json!({"service.name": "api", "a": {"b": 1}})));
    v.insert("s".into(), ScopedVar::new("abc"));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    let i = |t: &str| interpolate_with(t, &scope, None).unwrap();
    // A dotted path that is itself a key wins (lodash castPath).
    assert_eq!(i("${attrs.service.name}"), "api");
    // String indexes and length.
    assert_eq!(i("${s.0} ${s.2} ${s.length} ${s.3}"), "a c 3 ${s.3}");
    // `a[b]` is the key `b`.
    assert_eq!(i("${attrs.a[b]}"), "1");
}

#[test]
fn bare_dollar_name_stops_before_the_dot() {
    // `$__span.traceId` is `$__span` (an object) followed by the literal `.traceId`.
    assert_eq!(render("$__span.traceId"), "[object Object].traceId");
}

#[test]
fn dollars_that_are_not_placeholders_stay() {
    assert_eq!(render("cost: 5$ $"), "cost: 5$ $");
    assert_eq!(render("$$single"), "$a b");
    assert_eq!(render("[[1,2]] [single]"), "[[1,2]] [single]");
}

#[test]
fn parse_records_name_path_format_offset() {
    let t = Template::parse(r#"q ${__span.tags["a.b"]:raw} ${x:date:YYYY} [[y:csv]]"#).unwrap();
    let p = &t.placeholders()[0];
    assert_eq!(
        (p.name.as_str(), p.path.as_str(), p.offset, p.len),
        ("__span", r#"tags["a.b"]"#, 2, 25)
    );
    assert_eq!(p.format, Some(Format::Raw));
    assert_eq!(t.placeholders()[1].format, Some(Format::Date(Some("YYYY".into()))));
    assert_eq!(t.placeholders()[2].format, Some(Format::Csv));
}

#[test]
fn double_brackets_take_a_word_format_only() {
    // `\[\[(\w+?)(?::(\w+))?\]\]`: `[[v:date:iso]]` and `[[v:join:-]]` stay text.
    assert_eq!(
        render("[[multi:date:iso]] [[multi:join:-]]"),
        "[[multi:date:iso]] [[multi:join:-]]"
    );
    assert_eq!(render("[[multi:pipe]] [[multi:]]"), "a|b [[multi:]]");
}

#[test]
fn malformed_references_stay_as_written() {
    for text in [
        "${",
        "[[single",
        "${}",
        "a ${single: b",
        "${single[]}",
        "${single.}",
        "${single:}",
        "${ single}",
    ] {
        assert_eq!(render(text), text);
    }
    // Only the malformed part stays: a reference after it is still read.
    assert_eq!(render("${single $single"), "${single a b");
    let t = Template::parse("x ${single: b [[a:date:iso]] [[1,2]]").unwrap();
    let kinds: Vec<_> = t.issues().iter().map(|i| (i.offset, i.kind.clone())).collect();
    assert_eq!(kinds, [(2, IssueKind::Malformed), (14, IssueKind::Malformed)]);
    assert!(
        t.issues()[0].message(t.source()).contains("${single: b"),
        "{}",
        t.issues()[0].message(t.source())
    );
}

#[test]
fn unknown_and_wrong_case_formats_fall_back_to_glob() {
    assert_eq!(render("${multi:nonexistentformat} ${multi:Raw} ${single:GLOB}"), "{a,b} {a,b} a b");
    // An explicit unknown format still beats the default format.
    let (v, d) = (vars(), dashboard());
    let scope = Scope { scoped: Some(&v), variables: Some(&d), ..Scope::default() };
    assert_eq!(interpolate_with("${multi:Csv}", &scope, Some(Format::Pipe)).unwrap(), "{a,b}");
    let t = Template::parse("${multi:Raw}").unwrap();
    assert_eq!(t.issues()[0].kind, IssueKind::UnknownFormat("Raw".into()));
    assert_eq!(Format::from_grafana("GLOB"), (Format::Glob, false));
}

// ---- lookup ----

#[test]
fn lookup_order_scoped_then_dashboard_then_macros() {
    assert_eq!(render("$single"), "a b"); // scoped beats dashboard
    assert_eq!(render("$env"), "prod");
    assert_eq!(render("$dc"), "{eu,us}");
    assert_eq!(render("$__from $__to"), "1602637200000 1602640800000");
    // A scoped variable whose value is null falls through to the dashboard variable.
    assert_eq!(render("$nothing"), "from the dashboard");
}

#[test]
fn dashboard_variables_keep_their_shape() {
    // A one-element multi-value stays a list (TemplateSrv formats `current.value` as is).
    assert_eq!(
        render("${m1:json} ${env:json} ${m1:percentencode} ${m1}"),
        r#"["a"] prod %7Ba%7D a"#
    );
    // A field path inside a dashboard variable; a path that finds nothing gives the value.
    assert_eq!(render("${dc.length} ${dc.1} ${env.nope}"), "2 us prod");
}

#[test]
fn not_found_is_left_as_written() {
    assert_eq!(
        render("$unknown ${unknown.x:raw} [[unknown]]"),
        "$unknown ${unknown.x:raw} [[unknown]]"
    );
    assert_eq!(render("${__span.tags.nope}"), "${__span.tags.nope}");
    // A null value is not a value.
    assert_eq!(render("${__span.tags.missing}"), "${__span.tags.missing}");
    assert_eq!(render("${__span.tags.nested.nope}"), "${__span.tags.nested.nope}");
    // No range: no macros.
    assert_eq!(interpolate_with("$__from", &Scope::default(), None).unwrap(), "$__from");
}

#[test]
fn values_are_stringified_like_javascript() {
    assert_eq!(render("${__span.duration}"), "1500");
    assert_eq!(render("${__span.tags.nested}"), "[object Object]");
    assert_eq!(render("${__span.tags.nested.deep}"), "true");
    assert_eq!(render("${__span.tags.list.length}"), "2");
}

// ---- formats, single and multi ----

#[test]
fn glob_raw_pipe_csv_join_distributed() {
    assert_eq!(render("${single:glob} ${multi:glob} ${one:glob}"), "a b {a,b} only");
    assert_eq!(render("${multi:raw} ${multi:csv} ${multi:pipe}"), "a,b a,b a|b");
    assert_eq!(render("${multi:join} ${multi:join:;} ${multi:join: - }"), "a,b a;b a - b");
    assert_eq!(render("${single:join:;}"), "a b");
    assert_eq!(render("${multi:distributed} ${single:distributed}"), "a,multi=b a b");
}

#[test]
fn regex() {
    assert_eq!(render("${single:regex}"), "a b");
    let mut v = vars();
    v.insert("r".into(), ScopedVar::new("test.Gi3/14-(x)"));
    v.insert("rs".into(), ScopedVar::new(json!(["a.b", "c|d"])));
    v.insert("r1".into(), ScopedVar::new(json!(["a.b"])));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    assert_eq!(interpolate_with("${r:regex}", &scope, None).unwrap(), r"test\.Gi3\/14-\(x\)");
    assert_eq!(interpolate_with("${rs:regex}", &scope, None).unwrap(), r"(a\.b|c\|d)");
    assert_eq!(interpolate_with("${r1:regex}", &scope, None).unwrap(), r"a\.b");
    assert_eq!(
        interpolate_with("${r:regex}", &scope, Some(Format::Raw)).unwrap(),
        r"test\.Gi3\/14-\(x\)"
    );
}

#[test]
fn lucene() {
    let mut v = vars();
    v.insert("l".into(), ScopedVar::new("foo bar"));
    v.insert("neg".into(), ScopedVar::new("-test"));
    v.insert("numeric".into(), ScopedVar::new("-1"));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    let i = |t: &str| interpolate_with(t, &scope, None).unwrap();
    assert_eq!(i("${l:lucene}"), r"foo\ bar");
    assert_eq!(i("${neg:lucene}"), r"\-test");
    assert_eq!(i("${numeric:lucene}"), "-1");
    assert_eq!(i("${multi:lucene}"), r#"("a" OR "b")"#);
    assert_eq!(i("${one:lucene}"), r#"("only")"#);
    assert_eq!(i("${none:lucene}"), "__empty__");
}

#[test]
fn encodings() {
    let mut v = vars();
    v.insert("u".into(), ScopedVar::new("a b/c?d=e&f!'()*"));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    let i = |t: &str| interpolate_with(t, &scope, None).unwrap();
    assert_eq!(i("${u:percentencode}"), "a%20b%2Fc%3Fd%3De%26f%21%27%28%29%2A");
    assert_eq!(i("${multi:percentencode}"), "%7Ba%2Cb%7D");
    assert_eq!(i("${u:uriencode}"), "a%20b/c?d=e&f%21%27%28%29%2A");
    assert_eq!(i("${multi:uriencode}"), "%7Ba,b%7D");
}

#[test]
fn quoting_formats() {
    let mut v = vars();
    v.insert("q".into(), ScopedVar::new(r#"it's "x""#));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    let i = |t: &str| interpolate_with(t, &scope, None).unwrap();
    assert_eq!(i("${q:singlequote}"), r#"'it\'s "x"'"#);
    assert_eq!(i("${q:doublequote}"), r#""it's \"x\"""#);
    assert_eq!(i("${q:sqlstring}"), r#"'it''s \"x\"'"#);
    assert_eq!(i("${multi:singlequote}"), "'a','b'");
    assert_eq!(i("${multi:doublequote}"), r#""a","b""#);
    assert_eq!(i("${multi:sqlstring}"), "'a','b'");
}

#[test]
fn html_and_json() {
    let mut v = vars();
    v.insert("h".into(), ScopedVar::new(r#"<a href="x">Tom & 'Jerry'</a>"#));
    v.insert("mixed".into(), ScopedVar::new(json!(["test", 12])));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    let i = |t: &str| interpolate_with(t, &scope, None).unwrap();
    assert_eq!(i("${h:html}"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    assert_eq!(i("${multi:html}"), "a, b");
    assert_eq!(i("${single:json}"), "a b");
    assert_eq!(i("${num:json}"), "12");
    assert_eq!(i("${mixed:json}"), r#"["test",12]"#);
}

#[test]
fn query_params() {
    assert_eq!(render("${single:queryparam}"), "var-single=a%20b");
    assert_eq!(render("${multi:queryparam}"), "var-multi=a&var-multi=b");
    assert_eq!(render("${single:customqueryparam}"), "single=a%20b");
    assert_eq!(render("${single:customqueryparam:q}"), "q=a%20b");
    assert_eq!(render("${multi:customqueryparam:q:p-}"), "q=p-a&q=p-b");
    assert_eq!(render("${single:customqueryparam:my key:(}"), "my%20key=%28a%20b");
}

#[test]
fn text_format() {
    assert_eq!(render("${labelled:text}"), "Value one");
    assert_eq!(render("${labelled}"), "v1");
    // Without a text, the value; a path to a string gives that string.
    assert_eq!(render("${single:text} ${__span.spanId:text}"), "a b s1");
    assert_eq!(render("${multi:text}"), "a + b");
    assert_eq!(render("${dc:text}"), "eu + us");
    // TemplateSrv indexes `__from` with its epoch-ms text.
    assert_eq!(render("${__from:text}"), "1602637200000");
    // The `$__all` value reads `All`.
    let mut v = ScopedVars::new();
    v.insert("all".into(), ScopedVar::new("$__all"));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    assert_eq!(interpolate_with("${all:text}", &scope, None).unwrap(), "All");
}

#[test]
fn date_formats() {
    assert_eq!(render("${__from:date}"), "2020-10-14T01:00:00.000Z");
    assert_eq!(render("${__from:date:iso}"), "2020-10-14T01:00:00.000Z");
    assert_eq!(render("${__from:date:ms}"), "1602637200000");
    assert_eq!(render("${__to:date:seconds}"), "1602640800");
    assert_eq!(render("${__from:date:YYYY-MM-DD}"), "2020-10-14");
    assert_eq!(render("${__from:date:YYYY:MM:DD}"), "2020:10:14");
    assert_eq!(render("${__from:date:HH.mm.ss.SSS}"), "01.00.00.000");
    assert_eq!(render("${ts:date:[at] D MMM YYYY, h A, dddd}"), "at 14 Oct 2020, 1 AM, Wednesday");
    assert_eq!(render("${single:date}"), "NaN");
    let mut v = ScopedVars::new();
    v.insert("t".into(), ScopedVar::new(json!(951782400999.0))); // 2000-02-29T00:00:00.999Z
    v.insert("half".into(), ScopedVar::new("1500"));
    v.insert("old".into(), ScopedVar::new(-1)); // one ms before the epoch
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    let i = |t: &str| interpolate_with(t, &scope, None).unwrap();
    assert_eq!(i("${t:date}"), "2000-02-29T00:00:00.999Z");
    assert_eq!(i("${t:date:DDDD}"), "060");
    assert_eq!(i("${half:date:seconds}"), "2"); // Math.round(1.5)
    assert_eq!(i("${old:date}"), "1969-12-31T23:59:59.999Z");
}

#[test]
fn explicit_format_beats_default() {
    let (v, d) = (vars(), dashboard());
    let scope = Scope { scoped: Some(&v), variables: Some(&d), range: None, ..Scope::default() };
    assert_eq!(
        interpolate_with("$multi ${multi:pipe}", &scope, Some(Format::Csv)).unwrap(),
        "a,b a|b"
    );
    assert_eq!(interpolate_with("$multi", &scope, None).unwrap(), "{a,b}");
}

// ---- found rule and usages ----

#[test]
fn usages_follow_grafanas_found_rule() {
    let out = render_with(
        r#"${__span.tags["k8s.pod.name"]} ${__span.tags.empty} $nope $__span.traceId"#,
        &RenderOptions::default(),
    );
    let summary: Vec<_> = out
        .usages
        .iter()
        .map(|u| (u.name.as_str(), u.path.as_str(), u.found, u.value.as_deref(), u.offset))
        .collect();
    assert_eq!(
        summary,
        [
            ("__span", r#"tags["k8s.pod.name"]"#, true, Some("pod-1"), 0),
            // An empty string is found.
            ("__span", "tags.empty", true, Some(""), 31),
            ("nope", "", false, None, 52),
            ("__span", "", true, Some("[object Object]"), 58),
        ]
    );
}

#[test]
fn a_value_equal_to_its_placeholder_is_not_found() {
    let mut v = ScopedVars::new();
    v.insert("a".into(), ScopedVar::new("$a"));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    let out = Template::parse("$a").unwrap().render(&scope, &RenderOptions::default());
    assert_eq!(out.text, "$a");
    assert!(!out.usages[0].found);
}

// ---- string-literal context and escaping ----

#[test]
fn quote_context_is_detected() {
    let t = Template::parse(
        r#"{job="$a"} |= "${b}" |~ `$c` != 'x\'$d' "esc\"$e" $f 'it''s' ${g} "${h}""#,
    )
    .unwrap();
    let quotes: Vec<_> = t.placeholders().iter().map(|p| (p.name.as_str(), p.quote)).collect();
    assert_eq!(
        quotes,
        [
            ("a", Some('"')),
            ("b", Some('"')),
            ("c", Some('`')),
            ("d", Some('\'')),
            ("e", Some('"')),
            ("f", None),
            ("g", None),
            ("h", Some('"')),
        ]
    );
}

struct GoString;

impl Escaper for GoString {
    fn escape(&self, value: &str, quote: char) -> String {
        if quote == '`' {
            return value.replace('`', "");
        }
        value.replace('\\', "\\\\").replace(quote, &format!("\\{quote}"))
    }
}

#[test]
fn escaper_applies_inside_literals_without_explicit_format() {
    let mut v = ScopedVars::new();
    v.insert("route".into(), ScopedVar::new(r#"/a"b\c"#));
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    let opts = RenderOptions { default_format: None, escaper: Some(&GoString) };
    let t = Template::parse(r#"|= "${route}" |~ `$route` ${route} "${route:raw}""#).unwrap();
    assert_eq!(t.render(&scope, &opts).text, r#"|= "/a\"b\\c" |~ `/a"b\c` /a"b\c "/a"b\c""#);
    // Without an escaper, Grafana's behaviour: inserted as is.
    let plain = t.render(&scope, &RenderOptions::default()).text;
    assert_eq!(plain, r#"|= "/a"b\c" |~ `/a"b\c` /a"b\c "/a"b\c""#);
}

// ---- odd input ----

#[test]
fn truncated_and_odd_inputs_never_panic() {
    let full = r#"é${__span.tags["k8s.pod.name"]:date:YYYY [x]} [[a:raw]] ${b[0]} $c"#;
    for (end, _) in full.char_indices() {
        let _ = Template::parse(&full[..end]).map(|t| render(t.source()));
    }
    for text in ["${", "${a[", "${a[\"", "${a[1", "${a.", "${a:", "${a.}", "${a[x]}"] {
        assert_eq!(render(text), text);
    }
    // A lone `$` or `[[` is text; `[01]` is lodash's key "01", which no array has.
    assert_eq!(render("$ [["), "$ [[");
    assert_eq!(render("${__span.tags.list[01]}"), "${__span.tags.list[01]}");
    assert_eq!(render("é$single€"), "éa b€");
}

// ---- values as JavaScript writes them (issue #12, point 7) ----

fn with(vars: &[(&str, serde_json::Value)], template: &str) -> String {
    let mut v = ScopedVars::new();
    for (name, value) in vars {
        v.insert(name.to_string(), ScopedVar::new(value.clone()));
    }
    let scope = Scope { scoped: Some(&v), ..Scope::default() };
    interpolate_with(template, &scope, None).unwrap()
}

#[test]
fn null_items_in_per_item_formats() {
    let v = [("v", json!(["a", null, "b"])), ("f", json!([null, "a"]))];
    // `String(item)` / `name + '=' + item` / `encodeURIComponentStrict(item)` write `null`…
    assert_eq!(with(&v, "${v:regex}"), "(a|null|b)");
    assert_eq!(with(&v, "${v:lucene}"), r#"("a" OR "null" OR "b")"#);
    assert_eq!(with(&v, "${v:distributed} ${f:distributed}"), "a,v=null,v=b ,f=a");
    assert_eq!(with(&v, "${v:queryparam}"), "var-v=a&var-v=null&var-v=b");
    // …while `Array.prototype.join` and lodash's toString write nothing.
    assert_eq!(with(&v, "${v} ${v:csv} ${v:pipe} ${v:raw}"), "{a,,b} a,,b a||b a,,b");
    assert_eq!(with(&v, "${v:singlequote} ${v:json}"), r#"'a','','b' ["a",null,"b"]"#);
    // lucene leaves numbers and booleans as they are (`+item` is a number).
    assert_eq!(
        with(&[("n", json!([1, true, "-2", "x y"]))], "${n:lucene}"),
        r#"("1" OR "true" OR "-2" OR "x\ y")"#
    );
}

#[test]
fn numbers_print_as_javascript_prints_them() {
    let v = [
        ("a", json!(1e20)),
        ("b", json!(1.5e20)),
        ("c", json!(1e21)),
        ("d", json!(9007199254740993_i64)),
        ("e", json!(123456789012345678901.0)),
    ];
    assert_eq!(with(&v, "$a $b $c"), "100000000000000000000 150000000000000000000 1e+21");
    assert_eq!(with(&v, "$d $e"), "9007199254740992 123456789012345680000");
    assert_eq!(with(&v, "${d:json}"), "9007199254740992");
}

#[test]
fn date_reads_strings_with_parse_int() {
    let v = [
        ("s", json!("12abc")),
        ("ws", json!("  42")),
        ("b", json!(true)),
        ("l", json!(["1"])),
        ("x", json!("abc")),
    ];
    assert_eq!(with(&v, "${s:date}"), "1970-01-01T00:00:00.012Z");
    assert_eq!(with(&v, "${s:date:ms}"), "12abc");
    assert_eq!(with(&v, "${ws:date:x}"), "42");
    // Booleans, lists and non-numeric strings are NaN.
    assert_eq!(with(&v, "${b:date} ${l:date} ${x:date}"), "NaN NaN NaN");
    // Beyond JS Date's range: moment's invalid date (`toISOString()` is null).
    assert_eq!(with(&[("big", json!(1e20))], "${big:date} ${big:date:YYYY}"), "null Invalid date");
}

#[test]
fn every_moment_token() {
    // 2020-07-13T20:19:09.254Z, a Monday; values from moment's `en` locale.
    let v = [("t", json!(1594671549254_i64)), ("ny", json!(1609459200000_i64))];
    let d = |f: &str| with(&v, &format!("${{t:date:{f}}}"));
    assert_eq!(d("Do Mo DDDo do"), "13th 7th 195th 1st");
    assert_eq!(d("Q Qo"), "3 3rd");
    assert_eq!(d("w ww wo W WW Wo"), "29 29 29th 29 29 29th");
    assert_eq!(d("e E"), "1 1");
    assert_eq!(d("gg gggg GG GGGG"), "20 2020 20 2020");
    assert_eq!(d("N NNNN NNNNN y yo"), "AD Anno Domini AD 2020 2020th");
    assert_eq!(d("LTS"), "8:19:09 PM");
    assert_eq!(d("LT"), "8:19 PM");
    assert_eq!(d("L"), "07/13/2020");
    assert_eq!(d("l"), "7/13/2020");
    assert_eq!(d("LL"), "July 13, 2020");
    assert_eq!(d("ll"), "Jul 13, 2020");
    assert_eq!(d("LLL"), "July 13, 2020 8:19 PM");
    assert_eq!(d("LLLL"), "Monday, July 13, 2020 8:19 PM");
    assert_eq!(d("llll"), "Mon, Jul 13, 2020 8:19 PM");
    // SSSS… scale the milliseconds: they truncate, they do not round.
    assert_eq!(d("S SS SSS SSSS SSSSSS"), "2 25 254 2540 254000");
    // A local moment has no zone abbreviation; Z is the offset.
    assert_eq!(d("[z]z[zz]zz Z ZZ"), "zzz +00:00 +0000");
    assert_eq!(d("hmm Hmmss kk"), "819 201909 20");
    assert_eq!(d("[week] w \\Q"), "week 29 Q");
    // 2021-01-01, a Friday: ISO week 53 of 2020, US week 1 of 2021.
    assert_eq!(with(&v, "${ny:date:W GGGG w gggg}"), "53 2020 1 2021");
}

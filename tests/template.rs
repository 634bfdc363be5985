//! The template engine, case by case (grafana.md §10, §6.3, §2; beyond.md §1). Expected strings
//! are written from the spec.

use serde_json::json;
use spanlink::template::{
    Escaper, Format, RenderOptions, Rendered, Scope, ScopedVar, ScopedVars, Template,
};
use spanlink::{interpolate_with, ErrorCode};
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

fn dashboard() -> HashMap<String, Vec<String>> {
    HashMap::from([
        ("env".to_string(), vec!["prod".to_string()]),
        ("dc".to_string(), vec!["eu".to_string(), "us".to_string()]),
        // A dashboard variable shadowed by the scoped `single`.
        ("single".to_string(), vec!["dashboard".to_string()]),
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
    // Quoted keys may hold `:` and `}`.
    assert_eq!(render(r#"${__span.tags["a:b"]}"#), "colon");
    assert_eq!(render(r#"${__span.tags["x}y"]:raw}"#), "brace");
    assert_eq!(render("${__span.tags.list[1]}"), "l1");
    assert_eq!(render(r#"${__span["tags"].host}"#), "h1");
    // A dotted key without brackets is a path: tags → k8s → pod → name.
    assert_eq!(render("${__span.tags.k8s.pod.name}"), "${__span.tags.k8s.pod.name}");
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
    let t = Template::parse(r#"q ${__span.tags["a.b"]:raw} [[x:date:YYYY]]"#).unwrap();
    let p = &t.placeholders()[0];
    assert_eq!(
        (p.name.as_str(), p.path.as_str(), p.offset, p.len),
        ("__span", r#"tags["a.b"]"#, 2, 25)
    );
    assert_eq!(p.format, Some(Format::Raw));
    assert_eq!(t.placeholders()[1].format, Some(Format::Date(Some("YYYY".into()))));
}

// ---- lookup ----

#[test]
fn lookup_order_scoped_then_dashboard_then_macros() {
    assert_eq!(render("$single"), "a b"); // scoped beats dashboard
    assert_eq!(render("$env"), "prod");
    assert_eq!(render("$dc"), "{eu,us}");
    assert_eq!(render("$__from $__to"), "1602637200000 1602640800000");
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
    assert_eq!(render("$nothing"), "$nothing");
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
    assert_eq!(render("${__from:text}"), "2020-10-14 01:00:00");
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

// ---- errors ----

fn parse_error(template: &str) -> String {
    let err = Template::parse(template).unwrap_err();
    assert_eq!(err.code, ErrorCode::InvalidTemplate);
    assert_eq!(err.path, "");
    err.message
}

#[test]
fn errors_name_offset_and_text() {
    let m = parse_error("abc ${__span.spanId");
    assert!(
        m.contains("unclosed `${`") && m.contains("offset 4") && m.contains("${__span.spanId"),
        "{m}"
    );
    let m = parse_error("x [[name");
    assert!(m.contains("unclosed `[[`") && m.contains("offset 2"), "{m}");
    let m = parse_error("${a:bogus}");
    assert!(m.contains("unknown format \"bogus\"") && m.contains("percentencode"), "{m}");
    let m = parse_error(r#"${a["k]}"#);
    assert!(m.contains("unterminated quoted key"), "{m}");
    parse_error("[[a:bogus]]");
    parse_error("${}");
}

#[test]
fn truncated_and_odd_inputs_never_panic() {
    let full = r#"é${__span.tags["k8s.pod.name"]:date:YYYY [x]} [[a:raw]] ${b[0]} $c"#;
    for (end, _) in full.char_indices() {
        let _ = Template::parse(&full[..end]).map(|t| render(t.source()));
    }
    for bad in ["${", "${a[", "${a[\"", "${a[1", "${a.", "${a:", "${a.}", "${a[x]}"] {
        assert!(Template::parse(bad).is_err(), "{bad:?}");
    }
    // A lone `$` or `[[` is text; `[01]` is lodash's key "01", which no array has.
    assert_eq!(render("$ [["), "$ [[");
    assert_eq!(render("${__span.tags.list[01]}"), "${__span.tags.list[01]}");
    assert_eq!(render("é$single€"), "éa b€");
}

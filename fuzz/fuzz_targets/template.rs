//! Template parse + render: `template 0xFF value`, the value reachable as `$v`, `${__span.tags.v}`,
//! a multi-value dashboard variable and `${__value.raw}`, with and without a default format.
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::json;
use spanlink::template::{
    Format, RenderOptions, Scope, ScopedVar, ScopedVars, Template, VariableValue,
};
use std::collections::HashMap;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(2, |b| *b == 0xFF);
    let template = String::from_utf8_lossy(parts.next().unwrap_or_default());
    let value = String::from_utf8_lossy(parts.next().unwrap_or_default()).into_owned();
    let Ok(t) = Template::parse(&template) else { return };
    let mut scoped = ScopedVars::new();
    scoped.insert("v".into(), ScopedVar::new(value.clone()));
    scoped.insert("__span".into(), ScopedVar::new(json!({"tags": {"v": value, "n": 1.5}})));
    scoped.insert("__value".into(), ScopedVar::new(json!({"raw": value, "text": value})));
    let variables =
        HashMap::from([("env".to_string(), VariableValue::Multi(vec![value.clone(), "b".into()]))]);
    let scope = Scope {
        scoped: Some(&scoped),
        variables: Some(&variables),
        range: Some((1.6e12, 1.6e12 + 3.6e6)),
        ..Scope::default()
    };
    let plain = t.render(&scope, &RenderOptions::default());
    assert_eq!(plain.usages.len(), t.placeholders().len());
    let _ = t.render(&scope, &RenderOptions { default_format: Some(Format::Csv), escaper: None });
    let _ = spanlink::interpolate(&template, &scoped);
});

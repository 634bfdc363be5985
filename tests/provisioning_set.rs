//! Provisioning sets: the four-signal guide's one-file-per-data-source layout, as separate files,
//! gives the same links as one merged file; environment variables and lint findings locate in
//! their files; a shadowed derived field is reported.

mod common;

use common::*;
use serde_json::{json, Value};
use spanlink::settings::{Env, Position, ProvisioningFile, ProvisioningSet};
use spanlink::{Correlator, Options};

/// A provisioning file as users write it: `$` escaped as `$$` (Grafana expands environment
/// variables in every value, so an unescaped `$__tags` would be the variable `__tags`).
fn file(name: &str, datasource: Value) -> ProvisioningFile {
    ProvisioningFile::new(
        name,
        json!({ "apiVersion": 1, "datasources": [escape_dollars(datasource)] }),
    )
}

fn escape_dollars(value: Value) -> Value {
    match value {
        Value::String(s) => Value::String(s.replace('$', "$$")),
        Value::Array(items) => Value::Array(items.into_iter().map(escape_dollars).collect()),
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, escape_dollars(v))).collect())
        }
        other => other,
    }
}

fn mimir() -> Value {
    json!({"name": "Mimir", "type": "prometheus", "uid": "mimir",
           "jsonData": {"exemplarTraceIdDestinations": [{"name": "trace_id", "datasourceUid": "tempo"}]}})
}
fn tempo(loki_uid: &str) -> Value {
    json!({"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {
        "tracesToLogsV2": {"datasourceUid": loki_uid, "filterByTraceID": true},
        "tracesToMetrics": {"datasourceUid": "mimir", "queries": [{"name": "Rate", "query": "rate(x{$__tags}[5m])"}]},
        "tracesToProfiles": {"datasourceUid": "pyroscope"}}})
}
fn loki() -> Value {
    json!({"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {"derivedFields": [
        {"name": "TraceID", "matcherRegex": "trace_id=(\\w+)", "url": "${__value.raw}", "datasourceUid": "tempo"}]}})
}
fn pyroscope() -> Value {
    json!({"name": "Pyroscope", "type": "grafana-pyroscope-datasource", "uid": "pyroscope"})
}

/// The guide's four files, in the order Grafana reads a directory (sorted by name).
fn four_files(loki_uid: &str) -> Vec<ProvisioningFile> {
    let mut tempo = file("tempo.yaml", tempo("loki"));
    tempo.document["datasources"][0]["jsonData"]["tracesToLogsV2"]["datasourceUid"] =
        loki_uid.into();
    vec![
        file("loki.yaml", loki()),
        file("mimir.yaml", mimir()),
        file("pyroscope.yaml", pyroscope()),
        tempo,
    ]
}

fn hrefs(c: &Correlator) -> Vec<String> {
    fixture_links(c).into_iter().map(|l| l.href).collect()
}

#[test]
fn four_files_resolve_across_files_and_link_like_one_merged_file() {
    let set = ProvisioningSet::assemble(four_files("loki"), &Env::default());
    let from_files = Correlator::from_set(&set, Options::default()).unwrap();
    let codes: Vec<_> = from_files.diagnostics().iter().map(|d| d.code.as_str()).collect();
    assert!(!codes.contains(&"UNKNOWN_DATASOURCE"), "{codes:?}");
    let merged = correlator(
        json!({"apiVersion": 1, "datasources": [loki(), mimir(), pyroscope(), tempo("loki")]}),
    );
    assert_eq!(hrefs(&from_files), hrefs(&merged));
    assert_eq!(fixture_links(&from_files).len(), 3);
}

#[test]
fn each_file_alone_cannot_resolve_the_others() {
    let set = ProvisioningSet::assemble(vec![file("tempo.yaml", tempo("loki"))], &Env::default());
    let c = Correlator::from_set(&set, Options::default()).unwrap();
    let unknown: Vec<_> =
        c.diagnostics().iter().filter(|d| d.code == "UNKNOWN_DATASOURCE").collect();
    assert_eq!(unknown.len(), 3);
    assert!(unknown.iter().all(|d| d.source.as_ref().unwrap().file == "tempo.yaml"));
}

#[test]
fn environment_variables_expand_and_an_unset_one_is_found_at_its_line() {
    let mut files = four_files("${LOKI_UID}");
    files[3].positions.insert(
        "datasources[0].jsonData.tracesToLogsV2.datasourceUid".into(),
        Position { line: 9, column: 11 },
    );
    let env = Env::from_pairs([("LOKI_UID", "loki")]);
    let set = ProvisioningSet::assemble(files.clone(), &env);
    assert!(set.findings.is_empty());
    assert_eq!(fixture_links(&Correlator::from_set(&set, Options::default()).unwrap()).len(), 3);

    let set = ProvisioningSet::assemble(files, &Env::default());
    let unset = &set.findings[0];
    assert_eq!(unset.code, "UNSET_ENV_VAR");
    assert_eq!(unset.path, "datasources[0].jsonData.tracesToLogsV2.datasourceUid");
    let at = unset.source.as_ref().unwrap();
    assert_eq!((at.file.as_str(), at.line, at.column), ("tempo.yaml", Some(9), Some(11)));
    assert_eq!(at.to_string(), "tempo.yaml:9:11");
    // Grafana writes "" for the unset variable: the logs rule has no data source.
    let c = Correlator::from_set(&set, Options::default()).unwrap();
    assert_eq!(fixture_links(&c).len(), 2);
    assert_eq!(c.diagnostics()[0].code, "UNSET_ENV_VAR");
}

#[test]
fn a_lint_finding_of_the_merged_document_points_into_its_file() {
    let mut files = four_files("Loki-typo");
    files[3].positions.insert(
        "datasources[0].jsonData.tracesToLogsV2.datasourceUid".into(),
        Position { line: 7, column: 9 },
    );
    let set = ProvisioningSet::assemble(files, &Env::default());
    let c = Correlator::from_set(&set, Options::default()).unwrap();
    let finding = c.diagnostics().iter().find(|d| d.code == "UNKNOWN_DATASOURCE").unwrap();
    // The path is the merged document's: Tempo is its fourth data source.
    assert_eq!(finding.path, "datasources[3].jsonData.tracesToLogsV2.datasourceUid");
    assert_eq!(finding.source.as_ref().unwrap().to_string(), "tempo.yaml:7:9");
}

#[test]
fn two_derived_fields_named_trace_id_shadow_the_second_regex() {
    let doc = json!({"apiVersion": 1, "datasources": [
        {"name": "Tempo", "type": "tempo", "uid": "tempo"},
        {"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {"derivedFields": [
            {"name": "TraceID", "matcherRegex": "\"trace_id\":\"(\\w+)\"", "url": "${__value.raw}", "datasourceUid": "tempo"},
            {"name": "TraceID", "matcherRegex": "trace_id=(\\w+)", "url": "${__value.raw}", "datasourceUid": "tempo"}]}}]});
    let c = correlator(doc);
    let shadowed: Vec<_> =
        c.diagnostics().iter().filter(|d| d.code == "SHADOWED_DERIVED_FIELD").collect();
    assert_eq!(shadowed.len(), 1);
    assert_eq!(shadowed[0].path, "datasources[1].jsonData.derivedFields[1].matcherRegex");
    assert!(shadowed[0].suggestion.as_deref().unwrap().contains("trace_id\"?[:=]\"?(\\w+)"));
    // As in Grafana, a logfmt line gets no trace link: only the first regex runs.
    assert!(c.log_links("loki", "level=info trace_id=abc123", &[]).unwrap().is_empty());
    assert_eq!(c.log_links("loki", r#"{"trace_id":"abc123"}"#, &[]).unwrap().len(), 2);
}

//! A provisioning *set*: several provisioning documents (the files of Grafana's
//! `provisioning/datasources/` directory, or the documents of one multi-document YAML stream)
//! assembled into the one document a [`crate::Correlator`] reads, the way Grafana applies them at
//! startup (docs/provisioning.md):
//!
//! - documents apply in order (Grafana reads a directory's `.yaml`/`.yml` files sorted by name);
//! - each document first deletes its `deleteDatasources` (by `orgId` and `name`), then inserts or
//!   updates its `datasources`: an entry whose `orgId` and `name` match an earlier one replaces it
//!   in place, and keeps the earlier correlations when it brings none of its own;
//! - an inserted entry whose `uid` is taken by another data source fails in Grafana: it is left
//!   out, with a finding;
//! - at most one `isDefault` data source per organisation;
//! - environment variables are expanded in every string value (not in keys): `$VAR`, `${VAR}` and
//!   `$__env{VAR}`; `$$` is a literal `$`.
//!
//! Every finding, and every lint finding of the assembled document, can be located in its file:
//! [`ProvisioningSet::locate`] maps a path of the assembled document back to the file, line and
//! column it came from, from the positions the YAML reader recorded.
//!
//! ```
//! use serde_json::json;
//! use spanlink::settings::{Env, ProvisioningFile, ProvisioningSet};
//!
//! let tempo = ProvisioningFile::new("tempo.yaml", json!({ "apiVersion": 1, "datasources": [
//!     { "name": "Tempo", "type": "tempo", "uid": "tempo",
//!       "jsonData": { "tracesToLogsV2": { "datasourceUid": "${LOKI_UID}" } } } ] }));
//! let loki = ProvisioningFile::new("loki.yaml", json!({ "apiVersion": 1, "datasources": [
//!     { "name": "Loki", "type": "loki", "uid": "loki" } ] }));
//! let env = Env::from_pairs([("LOKI_UID", "loki")]);
//! let set = ProvisioningSet::assemble(vec![tempo, loki], &env);
//! assert!(set.findings.is_empty());
//! assert_eq!(set.document["datasources"][0]["jsonData"]["tracesToLogsV2"]["datasourceUid"], "loki");
//! assert_eq!(set.locate("datasources[1].uid").unwrap().file, "loki.yaml");
//! ```

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::diagnostics::{Diagnostic, DiagnosticCode, Severity};

/// Where something sits in a provisioning file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// A finding's place in the user's files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceLocation {
    /// The file's name as given.
    pub file: String,
    /// The wrapper the document sits in inside that file, e.g.
    /// `ConfigMap grafana-datasources, key datasources.yaml`, or `document 2` of a multi-document
    /// stream.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// 1-based line, when the reader recorded positions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column, when the reader recorded positions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

impl std::fmt::Display for SourceLocation {
    /// `file:line:column`, as compilers and editors write positions.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// One provisioning document and where it came from.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ProvisioningFile {
    /// The file's name, as findings should name it.
    pub name: String,
    /// The wrapper inside the file the document comes from (see [`SourceLocation::within`]).
    #[serde(default)]
    pub within: Option<String>,
    /// The parsed document (`{ apiVersion, datasources, deleteDatasources, … }`).
    pub document: Value,
    /// Positions of the document's keys and values by JSON path within this document
    /// (`datasources[0].jsonData.tracesToLogsV2.datasourceUid`), as the YAML reader saw them.
    #[serde(default)]
    pub positions: BTreeMap<String, Position>,
}

impl ProvisioningFile {
    /// A document without recorded positions (findings name the file but no line).
    pub fn new(name: impl Into<String>, document: Value) -> ProvisioningFile {
        ProvisioningFile { name: name.into(), within: None, document, positions: BTreeMap::new() }
    }
}

/// The environment variables provisioning files are expanded with.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Env(HashMap<String, String>);

impl Env {
    /// An environment from `(name, value)` pairs.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Env {
        Env(pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// Several provisioning documents assembled as Grafana applies them.
#[derive(Debug, Clone)]
pub struct ProvisioningSet {
    /// The assembled document: `{ apiVersion, datasources: [...], correlations?: [...] }` and
    /// the other top-level keys of the files (the first file's value wins).
    pub document: Value,
    /// What assembling found (unset environment variables, replaced or refused data sources),
    /// each with its `path` within its file and its `source`.
    pub findings: Vec<Diagnostic>,
    files: Vec<FileOrigin>,
    /// For each assembled data source, the file and the index it came from.
    datasource_origins: Vec<(usize, usize)>,
    /// For each top-level correlation, the file and the index it came from.
    correlation_origins: Vec<(usize, usize)>,
}

#[derive(Debug, Clone)]
struct FileOrigin {
    name: String,
    within: Option<String>,
    positions: BTreeMap<String, Position>,
}

/// A data source being assembled: its entry and where it came from.
struct Entry {
    org: i64,
    name: String,
    value: Map<String, Value>,
    origin: (usize, usize),
}

impl ProvisioningSet {
    /// Assembles `files` in order, expanding environment variables from `env`.
    pub fn assemble(files: Vec<ProvisioningFile>, env: &Env) -> ProvisioningSet {
        let mut findings = Vec::new();
        let mut entries: Vec<Entry> = Vec::new();
        let mut correlations = Vec::new();
        let mut correlation_origins = Vec::new();
        let mut origins = Vec::new();
        let mut top = Map::new();
        for (f, file) in files.into_iter().enumerate() {
            let mut expander = Expander { env, file: f, findings: &mut findings };
            let document = expander.value(file.document, "");
            origins.push(FileOrigin {
                name: file.name,
                within: file.within,
                positions: file.positions,
            });
            let Value::Object(mut document) = document else {
                findings.push(located(
                    Severity::Error,
                    DiagnosticCode::InvalidSettings,
                    f,
                    "",
                    "the provisioning document is not a mapping".into(),
                ));
                continue;
            };
            let legacy = read_api_version(&document) == 0 && has_legacy_keys(&document);
            if legacy {
                findings.push(located(
                    Severity::Warning,
                    DiagnosticCode::LegacyApiVersion,
                    f,
                    "",
                    "no `apiVersion`: Grafana reads this file in its deprecated version-0 form \
                     (`delete_datasources`, `org_id`, `json_data`, `is_default`)"
                        .into(),
                ));
            }
            let key = |modern: &'static str, old: &'static str| if legacy { old } else { modern };
            if let Some(Value::Array(deletes)) =
                document.remove(key("deleteDatasources", "delete_datasources"))
            {
                for delete in deletes {
                    let org = org_id(&delete, key("orgId", "org_id"));
                    let Some(name) = delete.get("name").and_then(Value::as_str) else { continue };
                    entries.retain(|e| !(e.org == org && e.name == name));
                }
            }
            if let Some(Value::Array(list)) = document.remove("datasources") {
                for (i, item) in list.into_iter().enumerate() {
                    let Value::Object(mut value) = item else {
                        // The single-document reader reports the wrong type with its path.
                        entries.push(Entry {
                            org: 1,
                            name: String::new(),
                            value: Map::new(),
                            origin: (f, i),
                        });
                        continue;
                    };
                    if legacy {
                        rename_legacy_keys(&mut value);
                    }
                    let org = org_id(&Value::Object(value.clone()), "orgId");
                    let name = value.get("name").and_then(Value::as_str).unwrap_or("").to_string();
                    let path = format!("datasources[{i}]");
                    if let Some(earlier) =
                        entries.iter_mut().find(|e| e.org == org && e.name == name)
                    {
                        let (ef, ei) = earlier.origin;
                        let (severity, where_) = if ef == f {
                            (Severity::Warning, format!("datasources[{ei}] of this file"))
                        } else {
                            (Severity::Hint, format!("datasources[{ei}] of {}", origins[ef].name))
                        };
                        findings.push(located(
                            severity,
                            DiagnosticCode::DatasourceReplaced,
                            f,
                            &path,
                            format!(
                                "data source {name:?} replaces the one of the same name in {where_}, \
                                 as Grafana updates a provisioned data source"
                            ),
                        ));
                        // Grafana replaces a data source's correlations only when the update
                        // brings some.
                        let brings = value
                            .get("correlations")
                            .and_then(Value::as_array)
                            .is_some_and(|c| !c.is_empty());
                        if !brings {
                            if let Some(old) = earlier.value.get("correlations").cloned() {
                                value.insert("correlations".into(), old);
                            }
                        }
                        earlier.value = value;
                        earlier.origin = (f, i);
                        continue;
                    }
                    let uid = value.get("uid").and_then(Value::as_str).filter(|u| !u.is_empty());
                    if let Some(uid) = uid {
                        if let Some(taken) = entries
                            .iter()
                            .find(|e| e.value.get("uid").and_then(Value::as_str) == Some(uid))
                        {
                            findings.push(located(
                                Severity::Error,
                                DiagnosticCode::DatasourceUidTaken,
                                f,
                                &format!("{path}.uid"),
                                format!(
                                    "uid {uid:?} is already the uid of data source {:?} ({}): Grafana \
                                     refuses to provision {name:?}",
                                    taken.name, origins[taken.origin.0].name
                                ),
                            ));
                            continue;
                        }
                    }
                    entries.push(Entry { org, name, value, origin: (f, i) });
                }
            }
            if let Some(Value::Array(list)) = document.remove("correlations") {
                for (i, c) in list.into_iter().enumerate() {
                    correlations.push(c);
                    correlation_origins.push((f, i));
                }
            }
            // `apiVersion` and any other top-level key, first file first: the lint reports the
            // keys Grafana does not read.
            for (key, value) in document {
                if key != "datasources" && !top.contains_key(&key) {
                    top.insert(key, value);
                }
            }
        }
        let mut defaults: HashMap<i64, usize> = HashMap::new();
        for entry in &entries {
            if entry.value.get("isDefault").and_then(Value::as_bool) == Some(true) {
                let count = defaults.entry(entry.org).or_default();
                *count += 1;
                if *count == 2 {
                    let (f, i) = entry.origin;
                    findings.push(located(
                        Severity::Error,
                        DiagnosticCode::TooManyDefaults,
                        f,
                        &format!("datasources[{i}].isDefault"),
                        format!(
                            "a second default data source in organisation {}: Grafana refuses the \
                             whole provisioning (only one data source per organisation can be the default)",
                            entry.org
                        ),
                    ));
                }
            }
        }
        let datasource_origins = entries.iter().map(|e| e.origin).collect();
        let mut document = top;
        document.insert(
            "datasources".into(),
            Value::Array(entries.into_iter().map(|e| Value::Object(e.value)).collect()),
        );
        if !correlations.is_empty() {
            document.insert("correlations".into(), Value::Array(correlations));
        }
        let mut set = ProvisioningSet {
            document: Value::Object(document),
            findings: Vec::new(),
            files: origins,
            datasource_origins,
            correlation_origins,
        };
        set.findings = findings
            .into_iter()
            .map(|(file, mut finding)| {
                finding.source = Some(set.position(file, &finding.path));
                finding
            })
            .collect();
        set
    }

    /// Where a path of the assembled document (a lint finding's `path`) came from, when the set
    /// was assembled from files.
    pub fn locate(&self, path: &str) -> Option<SourceLocation> {
        let (file, inner) = self.origin_of(path)?;
        Some(self.position(file, &inner))
    }

    /// The file and the path within it of an assembled-document path.
    fn origin_of(&self, path: &str) -> Option<(usize, String)> {
        for (list, origins) in
            [("datasources", &self.datasource_origins), ("correlations", &self.correlation_origins)]
        {
            let Some(rest) = path.strip_prefix(list).and_then(|r| r.strip_prefix('[')) else {
                continue;
            };
            let (index, tail) = rest.split_once(']')?;
            let (file, original) = *origins.get(index.parse::<usize>().ok()?)?;
            return Some((file, format!("{list}[{original}]{tail}")));
        }
        (!self.files.is_empty()).then(|| (0, path.to_string()))
    }

    fn position(&self, file: usize, path: &str) -> SourceLocation {
        let origin = &self.files[file];
        let mut probe = path;
        loop {
            if let Some(p) = origin.positions.get(probe) {
                return SourceLocation {
                    file: origin.name.clone(),
                    within: origin.within.clone(),
                    line: Some(p.line),
                    column: Some(p.column),
                };
            }
            match parent_path(probe) {
                Some(parent) => probe = parent,
                None => {
                    return SourceLocation {
                        file: origin.name.clone(),
                        within: origin.within.clone(),
                        line: None,
                        column: None,
                    };
                }
            }
        }
    }

    /// Lint findings of the assembled document with their `source` filled in; assembly findings
    /// first.
    pub fn locate_all(&self, lint: &[Diagnostic]) -> Vec<Diagnostic> {
        let mut out = self.findings.clone();
        out.extend(lint.iter().map(|d| {
            let mut d = d.clone();
            if d.source.is_none() {
                d.source = self.locate(&d.path);
            }
            d
        }));
        out
    }
}

/// `a.b[0].c` → `a.b[0]` → `a.b` → `a` → none.
fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(&path[..cut])
}

/// An assembly finding of file `file`, at `path` within that file (a data source it refuses has
/// no place in the assembled document).
fn located(
    severity: Severity,
    code: DiagnosticCode,
    file: usize,
    path: &str,
    message: String,
) -> (usize, Diagnostic) {
    (file, Diagnostic::new(severity, code, path.to_string(), message, None))
}

fn read_api_version(document: &Map<String, Value>) -> i64 {
    document.get("apiVersion").and_then(Value::as_i64).unwrap_or(0)
}

fn has_legacy_keys(document: &Map<String, Value>) -> bool {
    document.contains_key("delete_datasources")
        || document.get("datasources").and_then(Value::as_array).is_some_and(|list| {
            list.iter()
                .any(|d| ["json_data", "org_id", "is_default"].iter().any(|k| d.get(k).is_some()))
        })
}

/// Version 0 files spell the keys spanlink reads in snake case.
fn rename_legacy_keys(value: &mut Map<String, Value>) {
    for (old, new) in [("json_data", "jsonData"), ("org_id", "orgId"), ("is_default", "isDefault")]
    {
        if let Some(v) = value.remove(old) {
            value.entry(new).or_insert(v);
        }
    }
}

/// `orgId`, 1 when absent or 0 (Grafana's default organisation).
fn org_id(value: &Value, key: &str) -> i64 {
    match value.get(key).and_then(Value::as_i64) {
        None | Some(0) => 1,
        Some(org) => org,
    }
}

/// Expands environment variables in every string value, as Grafana's provisioning reader does.
struct Expander<'e, 'f> {
    env: &'e Env,
    file: usize,
    findings: &'f mut Vec<(usize, Diagnostic)>,
}

impl Expander<'_, '_> {
    fn value(&mut self, value: Value, path: &str) -> Value {
        match value {
            Value::String(s) => Value::String(self.string(&s, path)),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| self.value(v, &format!("{path}[{i}]")))
                    .collect(),
            ),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let child = crate::error::join_path(path, &k);
                        let v = self.value(v, &child);
                        (k, v)
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    /// Grafana splits on `$$`, expands each part, and joins the parts with `$`.
    fn string(&mut self, text: &str, path: &str) -> String {
        if !text.contains('$') {
            return text.to_string();
        }
        let parts: Vec<String> = text.split("$$").map(|part| self.part(part, path)).collect();
        parts.join("$")
    }

    fn part(&mut self, part: &str, path: &str) -> String {
        let mut out = String::with_capacity(part.len());
        let mut rest = part;
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            match reference(after) {
                Reference::Name { name, len, written } => {
                    match self.env.get(name) {
                        Some(value) => out.push_str(value),
                        None => self.unset(name, written, path),
                    }
                    rest = &after[len..];
                }
                Reference::Macro { kind, len } => {
                    self.findings.push(located(
                        Severity::Warning,
                        DiagnosticCode::UnsupportedExpansion,
                        self.file,
                        path,
                        format!(
                            "`$__{kind}{{…}}` is read by Grafana's server at startup; spanlink keeps \
                             it as written"
                        ),
                    ));
                    out.push('$');
                    out.push_str(&after[..len]);
                    rest = &after[len..];
                }
                Reference::Eaten(len) => rest = &after[len..],
                Reference::None => {
                    out.push('$');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn unset(&mut self, name: &str, written: &str, path: &str) {
        self.findings.push(located(
            Severity::Warning,
            DiagnosticCode::UnsetEnvVar,
            self.file,
            path,
            format!(
                "environment variable {name} is not set: Grafana expands `${written}` to an empty string"
            ),
        ));
    }
}

/// What follows a `$`, as Go's `os.ExpandEnv` and Grafana's `$__env{…}` read it.
enum Reference<'a> {
    /// A variable; `len` bytes after the `$` are consumed; `written` is the reference as written.
    Name { name: &'a str, len: usize, written: &'a str },
    /// `$__file{…}` or `$__vault{…}`, which only Grafana's server can expand.
    Macro { kind: &'static str, len: usize },
    /// Bad syntax (`${}`, an unclosed `${`): Go drops these characters.
    Eaten(usize),
    /// Not a reference: the `$` stays.
    None,
}

fn reference(after: &str) -> Reference<'_> {
    for (kind, prefix) in [("env", "__env{"), ("file", "__file{"), ("vault", "__vault{")] {
        if let Some(body) = after.strip_prefix(prefix) {
            if let Some(end) = body.find('}') {
                let len = prefix.len() + end + 1;
                if kind == "env" {
                    return Reference::Name { name: &body[..end], len, written: &after[..len] };
                }
                return Reference::Macro { kind, len };
            }
        }
    }
    let bytes = after.as_bytes();
    let Some(&first) = bytes.first() else { return Reference::None };
    let special = |b: u8| b"*#$@!?-".contains(&b) || b.is_ascii_digit();
    if first == b'{' {
        if bytes.len() > 2 && special(bytes[1]) && bytes[2] == b'}' {
            return Reference::Name { name: &after[1..2], len: 3, written: &after[..3] };
        }
        return match after[1..].find('}') {
            Some(0) => Reference::Eaten(2),
            Some(end) => Reference::Name {
                name: &after[1..end + 1],
                len: end + 2,
                written: &after[..end + 2],
            },
            None => Reference::Eaten(1),
        };
    }
    if special(first) {
        return Reference::Name { name: &after[..1], len: 1, written: &after[..1] };
    }
    let len = bytes.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
    if len == 0 {
        return Reference::None;
    }
    Reference::Name { name: &after[..len], len, written: &after[..len] }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn expand(text: &str, env: &[(&str, &str)]) -> (String, Vec<&'static str>) {
        let env = Env::from_pairs(env.iter().copied());
        let mut findings = Vec::new();
        let out = Expander { env: &env, file: 0, findings: &mut findings }.string(text, "x");
        (out, findings.iter().map(|(_, d)| d.code.as_str()).collect())
    }

    #[test]
    fn expands_like_go_os_expand_env_with_grafana_dollar_escape() {
        let env = [("A", "1"), ("LOKI_UID", "loki")];
        assert_eq!(expand("${LOKI_UID}", &env).0, "loki");
        assert_eq!(expand("$LOKI_UID-x", &env).0, "loki-x");
        assert_eq!(expand("$__env{A}", &env).0, "1");
        assert_eq!(expand("price $$5 and $$A", &env).0, "price $5 and $A");
        assert_eq!(expand("a$", &env).0, "a$");
        assert_eq!(expand("a$ b", &env).0, "a$ b");
        assert_eq!(expand("${}x", &env).0, "x");
        assert_eq!(expand("${x", &env).0, "x");
        assert_eq!(expand("no dollar", &env).0, "no dollar");
        assert_eq!(expand("$B", &env), (String::new(), vec!["UNSET_ENV_VAR"]));
        assert_eq!(
            expand("$__file{/x}", &env),
            ("$__file{/x}".into(), vec!["UNSUPPORTED_EXPANSION"])
        );
    }

    #[test]
    fn later_file_replaces_same_name_and_keeps_correlations_it_does_not_bring() {
        let a = ProvisioningFile::new(
            "a.yaml",
            json!({"apiVersion": 1, "datasources": [
                {"name": "Loki", "type": "loki", "uid": "loki", "correlations": [{"targetUID": "t"}]},
                {"name": "Prom", "type": "prometheus", "uid": "prom"}]}),
        );
        let b = ProvisioningFile::new(
            "b.yaml",
            json!({"apiVersion": 1, "deleteDatasources": [{"name": "Prom"}], "datasources": [
                {"name": "Loki", "type": "loki", "uid": "loki", "url": "http://new"},
                {"name": "Other", "type": "loki", "uid": "loki"}]}),
        );
        let set = ProvisioningSet::assemble(vec![a, b], &Env::default());
        let list = set.document["datasources"].as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["url"], "http://new");
        assert_eq!(list[0]["correlations"][0]["targetUID"], "t");
        let codes: Vec<_> = set.findings.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["DATASOURCE_REPLACED", "DATASOURCE_UID_TAKEN"]);
        assert_eq!(set.findings[1].source.as_ref().unwrap().file, "b.yaml");
        assert_eq!(set.locate("datasources[0].url").unwrap().file, "b.yaml");
    }

    #[test]
    fn locates_by_the_longest_recorded_prefix() {
        let mut file = ProvisioningFile::new(
            "t.yaml",
            json!({"datasources": [{"name": "T", "type": "tempo", "jsonData": {"a": {"b": 1}}}]}),
        );
        file.positions.insert("datasources[0].jsonData".into(), Position { line: 4, column: 5 });
        file.positions.insert("datasources[0]".into(), Position { line: 2, column: 5 });
        let set = ProvisioningSet::assemble(vec![file], &Env::default());
        let at = set.locate("datasources[0].jsonData.a.b").unwrap();
        assert_eq!((at.line, at.column), (Some(4), Some(5)));
        assert_eq!(set.locate("datasources[0].name").unwrap().line, Some(2));
    }

    #[test]
    fn two_defaults_in_one_org_is_an_error() {
        let f = ProvisioningFile::new(
            "d.yaml",
            json!({"apiVersion": 1, "datasources": [
                {"name": "A", "type": "loki", "isDefault": true},
                {"name": "B", "type": "loki", "isDefault": true, "orgId": 2},
                {"name": "C", "type": "loki", "isDefault": true}]}),
        );
        let set = ProvisioningSet::assemble(vec![f], &Env::default());
        let codes: Vec<_> = set.findings.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["TOO_MANY_DEFAULTS"]);
        assert_eq!(set.findings[0].path, "datasources[2].isDefault");
        assert_eq!(set.findings[0].source.as_ref().unwrap().file, "d.yaml");
    }

    #[test]
    fn version_zero_keys_are_read() {
        let f = ProvisioningFile::new(
            "v0.yaml",
            json!({"datasources": [{"name": "T", "type": "tempo", "json_data": {"x": 1}}]}),
        );
        let set = ProvisioningSet::assemble(vec![f], &Env::default());
        assert_eq!(set.document["datasources"][0]["jsonData"]["x"], 1);
        assert_eq!(set.findings[0].code, "LEGACY_API_VERSION");
    }
}

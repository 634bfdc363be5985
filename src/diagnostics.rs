//! Settings lint (docs/beyond.md §3): the whole provisioning document is checked once, before anyone
//! clicks a span, and every finding names its JSON path, a code and, where one exists, a fix.
//!
//! [`check`] is a pure function over the parsed document (YAML's `$$` already turned into `$`).
//! Findings come out in document order.
//!
//! | Code | Severity | Meaning |
//! |---|---|---|
//! | `MISSING_DATASOURCES` | error | `datasources` is missing or not a list |
//! | `MISSING_NAME` | error | a data source without `name` (Grafana refuses to provision it) |
//! | `MISSING_TYPE` | error | a data source without `type` |
//! | `DUPLICATE_UID` | warning | two data sources share a uid: the later one replaces the earlier |
//! | `DUPLICATE_NAME` | warning | two data sources share a name |
//! | `DEPRECATED_DATASOURCE_TYPE` | warning | `phlare`: Grafana 12 wants `grafana-pyroscope-datasource` |
//! | `UNKNOWN_KEY` | warning | a key Grafana does not read, with the closest known key |
//! | `SPANLINK_EXTENSION` | hint | a spanlink-only setting (`tracesToLogsV3`, `json` transformation) Grafana ignores |
//! | `LEGACY_SETTINGS_IGNORED` | hint | `tracesToLogs` next to `tracesToLogsV2`: the legacy block is ignored |
//! | `UNKNOWN_DATASOURCE` | error | a data source reference that resolves to nothing |
//! | `DATASOURCE_CASE_MISMATCH` | warning | a reference that matches a uid only case-insensitively |
//! | `DATASOURCE_BY_NAME` | warning | a reference that names a data source which has a uid |
//! | `UNSUPPORTED_DATASOURCE_TYPE` | error | the referenced data source's type is not one this link supports |
//! | `INVALID_TIME_SHIFT` | error | a time shift the settings page rejects |
//! | `NARROWING_TIME_SHIFT` | warning | a positive start shift or a negative end shift |
//! | `METRICS_WITHOUT_QUERIES` | warning | `tracesToMetrics` without `queries`: no metrics link at all |
//! | `METRICS_QUERY_WITHOUT_NAME` | hint | the metrics link gets an empty title |
//! | `CUSTOM_QUERY_EMPTY` | warning | `customQuery: true` with an empty `query`: Grafana ignores it |
//! | `QUERY_NOT_USED` | hint | `query` set while `customQuery` is false |
//! | `HIGH_CARDINALITY_LABEL` | warning | a Loki stream selector from a high-cardinality attribute |
//! | `INVALID_LABEL_NAME` | warning | a label name Loki/Prometheus would reject |
//! | `INVALID_REGEX` | error | a regex that does not compile |
//! | `JS_ONLY_REGEX` | — | no longer produced: look-around and back-references run (`BACKTRACKING_REGEX`) |
//! | `BACKTRACKING_REGEX` | hint | look-around or back-references: the regex runs, but backtracking, with a step limit |
//! | `REGEX_WITHOUT_EXPRESSION` | warning | a `regex` transformation without `expression`: Grafana skips it |
//! | `REGEX_WITHOUT_GROUP` | error | a derived-field regex without the capture group Grafana takes the value from |
//! | `REGEX_CLASS_WITH_PIPE` | hint | `[d\|D]`: a `\|` inside a character class is a literal |
//! | `ONE_WAY_LOGS_LINK` | hint | trace → logs, but the Loki source's derived fields never link back |
//! | `EXEMPLAR_LABEL_CASE` | warning | an exemplar label differing only in case from the usual one |
//! | `UNUSUAL_EXEMPLAR_LABEL` | hint | an exemplar label that is none of `trace_id`, `traceID`, `traceId` |
//! | `PROFILE_ID_REQUIRED` | hint | span profiles need spans carrying `pyroscope.profile.id` |
//! | `UNCLOSED_TEMPLATE` | warning | a `${` or `[[name` that is not a reference (`${v`, `${v:}`, `[[v:date:iso]]`): Grafana leaves the text as is |
//! | `UNKNOWN_FORMAT` | warning | a format Grafana does not know (`${v:Raw}`): it renders as glob |
//! | `UNKNOWN_VARIABLE` | warning | a `$__…` variable that does not exist where the template is used |
//! | `VARIABLE_PATH_NEEDS_BRACES` | warning | `$__span.traceId`: only `$__span` is replaced |
//! | `NO_LINK_TARGET` | warning | a derived field / exemplar destination without `datasourceUid` or `url`, a query correlation without `targetUID` |
//! | `UNSAFE_URL` | error | an external link's URL template whose literal start has a scheme other than http:, https:, mailto: (the href becomes `about:blank`) |
//! | `UNKNOWN_TRANSFORMATION` | warning | a correlation transformation type Grafana does not know |
//! | `SHADOWED_DERIVED_FIELD` | warning | a derived field named like an earlier one: Grafana never runs its regex |
//! | `UNSET_ENV_VAR` | warning | `$VAR` / `${VAR}` in a provisioning file with the variable unset: Grafana writes `""` |
//! | `UNSUPPORTED_EXPANSION` | warning | `$__file{…}` / `$__vault{…}`: only Grafana's server expands these |
//! | `DATASOURCE_REPLACED` | warning / hint | a data source named like an earlier one replaces it (same file / a later file) |
//! | `DATASOURCE_UID_TAKEN` | error | a new data source whose uid another one already has: Grafana refuses it |
//! | `TOO_MANY_DEFAULTS` | error | two `isDefault` data sources in one organisation: Grafana refuses the provisioning |
//! | `LEGACY_API_VERSION` | warning | a file without `apiVersion`, read in Grafana's deprecated version-0 form |

use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::HashMap;

use crate::settings::{Family, Signal};

/// How serious a lint finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The settings do not load, or a rule can never link (unknown data source, invalid shift).
    Error,
    /// Probably a mistake: a link may be missing or not what was meant.
    Warning,
    /// Worth knowing; the settings work as written.
    Hint,
}

/// The code of a lint finding: a closed set, written as its `SCREAMING_SNAKE_CASE` name (the table
/// above; TypeScript's `DiagnosticCode` union lists the same names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiagnosticCode {
    /// `MISSING_DATASOURCES`: `datasources` is missing or not a list.
    MissingDatasources,
    /// `MISSING_NAME`: a data source without `name` (Grafana refuses to provision it).
    MissingName,
    /// `MISSING_TYPE`: a data source without `type`.
    MissingType,
    /// `DUPLICATE_UID`: two data sources share a uid: the later one replaces the earlier.
    DuplicateUid,
    /// `DUPLICATE_NAME`: two data sources share a name.
    DuplicateName,
    /// `DEPRECATED_DATASOURCE_TYPE`: `phlare`: Grafana 12 wants `grafana-pyroscope-datasource`.
    DeprecatedDatasourceType,
    /// `UNKNOWN_KEY`: a key Grafana does not read, with the closest known key.
    UnknownKey,
    /// `SPANLINK_EXTENSION`: a spanlink-only setting (`tracesToLogsV3`, `json` transformation) Grafana ignores.
    SpanlinkExtension,
    /// `LEGACY_SETTINGS_IGNORED`: `tracesToLogs` next to `tracesToLogsV2`: the legacy block is ignored.
    LegacySettingsIgnored,
    /// `UNKNOWN_DATASOURCE`: a data source reference that resolves to nothing.
    UnknownDatasource,
    /// `DATASOURCE_CASE_MISMATCH`: a reference that matches a uid only case-insensitively.
    DatasourceCaseMismatch,
    /// `DATASOURCE_BY_NAME`: a reference that names a data source which has a uid.
    DatasourceByName,
    /// `UNSUPPORTED_DATASOURCE_TYPE`: the referenced data source's type is not one this link supports.
    UnsupportedDatasourceType,
    /// `INVALID_TIME_SHIFT`: a time shift the settings page rejects.
    InvalidTimeShift,
    /// `NARROWING_TIME_SHIFT`: a positive start shift or a negative end shift.
    NarrowingTimeShift,
    /// `METRICS_WITHOUT_QUERIES`: `tracesToMetrics` without `queries`: no metrics link at all.
    MetricsWithoutQueries,
    /// `METRICS_QUERY_WITHOUT_NAME`: the metrics link gets an empty title.
    MetricsQueryWithoutName,
    /// `CUSTOM_QUERY_EMPTY`: `customQuery: true` with an empty `query`: Grafana ignores it.
    CustomQueryEmpty,
    /// `QUERY_NOT_USED`: `query` set while `customQuery` is false.
    QueryNotUsed,
    /// `HIGH_CARDINALITY_LABEL`: a Loki stream selector from a high-cardinality attribute.
    HighCardinalityLabel,
    /// `INVALID_LABEL_NAME`: a label name Loki/Prometheus would reject.
    InvalidLabelName,
    /// `INVALID_REGEX`: a regex that does not compile.
    InvalidRegex,
    /// `JS_ONLY_REGEX`: no longer produced (look-around and back-references run, with a
    /// `BACKTRACKING_REGEX` hint); kept so that code matching on it still compiles.
    JsOnlyRegex,
    /// `BACKTRACKING_REGEX`: look-around or back-references: the regex runs, but backtracking,
    /// with a step limit.
    BacktrackingRegex,
    /// `REGEX_WITHOUT_EXPRESSION`: a `regex` transformation without `expression`: Grafana skips it.
    RegexWithoutExpression,
    /// `REGEX_WITHOUT_GROUP`: a derived-field regex without the capture group Grafana takes the value from.
    RegexWithoutGroup,
    /// `REGEX_CLASS_WITH_PIPE`: `[d|D]`: a `|` inside a character class is a literal.
    RegexClassWithPipe,
    /// `ONE_WAY_LOGS_LINK`: trace → logs, but the Loki source's derived fields never link back.
    OneWayLogsLink,
    /// `EXEMPLAR_LABEL_CASE`: an exemplar label differing only in case from the usual one.
    ExemplarLabelCase,
    /// `UNUSUAL_EXEMPLAR_LABEL`: an exemplar label that is none of `trace_id`, `traceID`, `traceId`.
    UnusualExemplarLabel,
    /// `PROFILE_ID_REQUIRED`: span profiles need spans carrying `pyroscope.profile.id`.
    ProfileIdRequired,
    /// `UNCLOSED_TEMPLATE`: a `${` or `[[name` that is not a reference (`${v`, `${v:}`, `[[v:date:iso]]`): Grafana leaves the text as is.
    UnclosedTemplate,
    /// `UNKNOWN_FORMAT`: a format Grafana does not know (`${v:Raw}`): it renders as glob.
    UnknownFormat,
    /// `UNKNOWN_VARIABLE`: a `$__…` variable that does not exist where the template is used.
    UnknownVariable,
    /// `VARIABLE_PATH_NEEDS_BRACES`: `$__span.traceId`: only `$__span` is replaced.
    VariablePathNeedsBraces,
    /// `NO_LINK_TARGET`: a derived field / exemplar destination without `datasourceUid` or `url`, a query correlation without `targetUID`.
    NoLinkTarget,
    /// `UNKNOWN_TRANSFORMATION`: a correlation transformation type Grafana does not know.
    UnknownTransformation,
    /// `SHADOWED_DERIVED_FIELD`: a derived field named like an earlier one: Grafana never runs its regex.
    ShadowedDerivedField,
    /// `UNSET_ENV_VAR`: `$VAR` / `${VAR}` in a provisioning file with the variable unset: Grafana writes `""`.
    UnsetEnvVar,
    /// `UNSUPPORTED_EXPANSION`: `$__file{…}` / `$__vault{…}`: only Grafana's server expands these.
    UnsupportedExpansion,
    /// `DATASOURCE_UID_TAKEN`: a new data source whose uid another one already has: Grafana refuses it.
    DatasourceUidTaken,
    /// `TOO_MANY_DEFAULTS`: two `isDefault` data sources in one organisation: Grafana refuses the provisioning.
    TooManyDefaults,
    /// `LEGACY_API_VERSION`: a file without `apiVersion`, read in Grafana's deprecated version-0 form.
    LegacyApiVersion,
    /// `INVALID_SETTINGS`: the provisioning document is not an object of settings.
    InvalidSettings,
    /// `DATASOURCE_REPLACED`: a data source named like an earlier one replaces it.
    DatasourceReplaced,
    /// `UNSAFE_URL`: a link URL template whose scheme is not http:, https: or mailto:.
    UnsafeUrl,
}

impl DiagnosticCode {
    /// Every code, in the order of the table above.
    pub const ALL: &'static [DiagnosticCode] = &[
        DiagnosticCode::MissingDatasources,
        DiagnosticCode::MissingName,
        DiagnosticCode::MissingType,
        DiagnosticCode::DuplicateUid,
        DiagnosticCode::DuplicateName,
        DiagnosticCode::DeprecatedDatasourceType,
        DiagnosticCode::UnknownKey,
        DiagnosticCode::SpanlinkExtension,
        DiagnosticCode::LegacySettingsIgnored,
        DiagnosticCode::UnknownDatasource,
        DiagnosticCode::DatasourceCaseMismatch,
        DiagnosticCode::DatasourceByName,
        DiagnosticCode::UnsupportedDatasourceType,
        DiagnosticCode::InvalidTimeShift,
        DiagnosticCode::NarrowingTimeShift,
        DiagnosticCode::MetricsWithoutQueries,
        DiagnosticCode::MetricsQueryWithoutName,
        DiagnosticCode::CustomQueryEmpty,
        DiagnosticCode::QueryNotUsed,
        DiagnosticCode::HighCardinalityLabel,
        DiagnosticCode::InvalidLabelName,
        DiagnosticCode::InvalidRegex,
        DiagnosticCode::JsOnlyRegex,
        DiagnosticCode::BacktrackingRegex,
        DiagnosticCode::RegexWithoutExpression,
        DiagnosticCode::RegexWithoutGroup,
        DiagnosticCode::RegexClassWithPipe,
        DiagnosticCode::OneWayLogsLink,
        DiagnosticCode::ExemplarLabelCase,
        DiagnosticCode::UnusualExemplarLabel,
        DiagnosticCode::ProfileIdRequired,
        DiagnosticCode::UnclosedTemplate,
        DiagnosticCode::UnknownFormat,
        DiagnosticCode::UnknownVariable,
        DiagnosticCode::VariablePathNeedsBraces,
        DiagnosticCode::NoLinkTarget,
        DiagnosticCode::UnknownTransformation,
        DiagnosticCode::ShadowedDerivedField,
        DiagnosticCode::UnsetEnvVar,
        DiagnosticCode::UnsupportedExpansion,
        DiagnosticCode::DatasourceUidTaken,
        DiagnosticCode::TooManyDefaults,
        DiagnosticCode::LegacyApiVersion,
        DiagnosticCode::InvalidSettings,
        DiagnosticCode::DatasourceReplaced,
        DiagnosticCode::UnsafeUrl,
    ];

    /// The code as written in findings, e.g. `UNKNOWN_KEY`.
    pub fn as_str(self) -> &'static str {
        match self {
            DiagnosticCode::MissingDatasources => "MISSING_DATASOURCES",
            DiagnosticCode::MissingName => "MISSING_NAME",
            DiagnosticCode::MissingType => "MISSING_TYPE",
            DiagnosticCode::DuplicateUid => "DUPLICATE_UID",
            DiagnosticCode::DuplicateName => "DUPLICATE_NAME",
            DiagnosticCode::DeprecatedDatasourceType => "DEPRECATED_DATASOURCE_TYPE",
            DiagnosticCode::UnknownKey => "UNKNOWN_KEY",
            DiagnosticCode::SpanlinkExtension => "SPANLINK_EXTENSION",
            DiagnosticCode::LegacySettingsIgnored => "LEGACY_SETTINGS_IGNORED",
            DiagnosticCode::UnknownDatasource => "UNKNOWN_DATASOURCE",
            DiagnosticCode::DatasourceCaseMismatch => "DATASOURCE_CASE_MISMATCH",
            DiagnosticCode::DatasourceByName => "DATASOURCE_BY_NAME",
            DiagnosticCode::UnsupportedDatasourceType => "UNSUPPORTED_DATASOURCE_TYPE",
            DiagnosticCode::InvalidTimeShift => "INVALID_TIME_SHIFT",
            DiagnosticCode::NarrowingTimeShift => "NARROWING_TIME_SHIFT",
            DiagnosticCode::MetricsWithoutQueries => "METRICS_WITHOUT_QUERIES",
            DiagnosticCode::MetricsQueryWithoutName => "METRICS_QUERY_WITHOUT_NAME",
            DiagnosticCode::CustomQueryEmpty => "CUSTOM_QUERY_EMPTY",
            DiagnosticCode::QueryNotUsed => "QUERY_NOT_USED",
            DiagnosticCode::HighCardinalityLabel => "HIGH_CARDINALITY_LABEL",
            DiagnosticCode::InvalidLabelName => "INVALID_LABEL_NAME",
            DiagnosticCode::InvalidRegex => "INVALID_REGEX",
            DiagnosticCode::JsOnlyRegex => "JS_ONLY_REGEX",
            DiagnosticCode::BacktrackingRegex => "BACKTRACKING_REGEX",
            DiagnosticCode::RegexWithoutExpression => "REGEX_WITHOUT_EXPRESSION",
            DiagnosticCode::RegexWithoutGroup => "REGEX_WITHOUT_GROUP",
            DiagnosticCode::RegexClassWithPipe => "REGEX_CLASS_WITH_PIPE",
            DiagnosticCode::OneWayLogsLink => "ONE_WAY_LOGS_LINK",
            DiagnosticCode::ExemplarLabelCase => "EXEMPLAR_LABEL_CASE",
            DiagnosticCode::UnusualExemplarLabel => "UNUSUAL_EXEMPLAR_LABEL",
            DiagnosticCode::ProfileIdRequired => "PROFILE_ID_REQUIRED",
            DiagnosticCode::UnclosedTemplate => "UNCLOSED_TEMPLATE",
            DiagnosticCode::UnknownFormat => "UNKNOWN_FORMAT",
            DiagnosticCode::UnknownVariable => "UNKNOWN_VARIABLE",
            DiagnosticCode::VariablePathNeedsBraces => "VARIABLE_PATH_NEEDS_BRACES",
            DiagnosticCode::NoLinkTarget => "NO_LINK_TARGET",
            DiagnosticCode::UnknownTransformation => "UNKNOWN_TRANSFORMATION",
            DiagnosticCode::ShadowedDerivedField => "SHADOWED_DERIVED_FIELD",
            DiagnosticCode::UnsetEnvVar => "UNSET_ENV_VAR",
            DiagnosticCode::UnsupportedExpansion => "UNSUPPORTED_EXPANSION",
            DiagnosticCode::DatasourceUidTaken => "DATASOURCE_UID_TAKEN",
            DiagnosticCode::TooManyDefaults => "TOO_MANY_DEFAULTS",
            DiagnosticCode::LegacyApiVersion => "LEGACY_API_VERSION",
            DiagnosticCode::InvalidSettings => "INVALID_SETTINGS",
            DiagnosticCode::DatasourceReplaced => "DATASOURCE_REPLACED",
            DiagnosticCode::UnsafeUrl => "UNSAFE_URL",
        }
    }
}

impl std::fmt::Display for DiagnosticCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for DiagnosticCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<DiagnosticCode> for &str {
    fn eq(&self, other: &DiagnosticCode) -> bool {
        *self == other.as_str()
    }
}

/// One finding of the lint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// How serious the finding is.
    pub severity: Severity,
    /// A stable machine-readable code, e.g. `INVALID_INTERVAL`.
    pub code: DiagnosticCode,
    /// JSON path from the document root, e.g.
    /// `datasources[2].jsonData.tracesToLogsV2.spanStartTimeShift`.
    pub path: String,
    /// What is wrong, in one sentence.
    pub message: String,
    /// A concrete fix, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    /// The file, line and column the finding points at, when the settings were read from files
    /// (a [`crate::settings::ProvisioningSet`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<crate::settings::SourceLocation>,
}

impl Diagnostic {
    /// A finding without a source location.
    pub fn new(
        severity: Severity,
        code: DiagnosticCode,
        path: String,
        message: String,
        suggestion: Option<String>,
    ) -> Diagnostic {
        Diagnostic { severity, code, path, message, suggestion, source: None }
    }
}

/// Lints a whole provisioning document; every tempo/jaeger/zipkin data source is checked as a
/// trace source.
pub fn check(doc: &Value) -> Vec<Diagnostic> {
    check_with(doc, None)
}

/// Lints a whole provisioning document. `tracing` is the uid/name of the trace data source whose
/// settings drive span links (None = every tempo/jaeger/zipkin source is checked).
pub fn check_with(doc: &Value, tracing: Option<&str>) -> Vec<Diagnostic> {
    let Some(list) = doc.get("datasources").and_then(Value::as_array) else {
        let message = match doc.get("datasources") {
            None => "the document has no `datasources` list",
            Some(_) => "`datasources` must be a list of data sources",
        };
        return vec![diag(
            Severity::Error,
            DiagnosticCode::MissingDatasources,
            "datasources".into(),
            message.into(),
            None,
        )];
    };
    let mut lint = Lint {
        sources: list.iter().enumerate().map(|(i, v)| Source::new(i, v)).collect(),
        out: Vec::new(),
    };
    lint.document_shape();
    if let Some(t) =
        tracing.filter(|t| !lint.sources.iter().any(|d| d.uid == Some(*t) || d.name == Some(*t)))
    {
        let message =
            format!("no data source has uid or name `{t}`, so no trace source is checked");
        lint.push(
            Severity::Error,
            DiagnosticCode::UnknownDatasource,
            "datasources".into(),
            message,
            None,
        );
    }
    for ds in &lint.sources.clone() {
        let is_trace = match tracing {
            Some(t) => ds.uid == Some(t) || ds.name == Some(t),
            None => ds.family.is_tracing(),
        };
        if is_trace {
            lint.trace_source(ds);
        }
        if let Some(items) = ds.json_field("derivedFields").and_then(Value::as_array) {
            for (j, field) in items.iter().enumerate() {
                lint.derived_field(&format!("{}.jsonData.derivedFields[{j}]", ds.path), field);
            }
            lint.shadowed_derived_fields(&format!("{}.jsonData.derivedFields", ds.path), items);
        }
        if let Some(items) = ds.json_field("exemplarTraceIdDestinations").and_then(Value::as_array)
        {
            for (j, dest) in items.iter().enumerate() {
                lint.exemplar_destination(
                    &format!("{}.jsonData.exemplarTraceIdDestinations[{j}]", ds.path),
                    dest,
                );
            }
        }
        if let Some(items) = ds.value.get("correlations").and_then(Value::as_array) {
            for (j, c) in items.iter().enumerate() {
                lint.correlation(&format!("{}.correlations[{j}]", ds.path), c, Some(ds));
            }
        }
    }
    if let Some(items) = doc.get("correlations").and_then(Value::as_array) {
        for (j, c) in items.iter().enumerate() {
            let source = c
                .get("sourceUID")
                .or(c.pointer("/source/uid"))
                .and_then(Value::as_str)
                .and_then(|r| lint.resolve(r).source().cloned());
            lint.correlation(&format!("correlations[{j}]"), c, source.as_ref());
        }
    }
    let mut out = lint.out;
    sort_in_document_order(doc, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------
// Known keys and data source types (docs/grafana.md §1).

const LOGS_V2_KEYS: &[&str] = &[
    "datasourceUid",
    "tags",
    "spanStartTimeShift",
    "spanEndTimeShift",
    "filterByTraceID",
    "filterBySpanID",
    "customQuery",
    "query",
];
const LOGS_V3_KEYS: &[&str] = &[
    "name",
    "datasourceUid",
    "tags",
    "spanStartTimeShift",
    "spanEndTimeShift",
    "filterByTraceID",
    "filterBySpanID",
    "customQuery",
    "query",
];
const LOGS_LEGACY_KEYS: &[&str] = &[
    "datasourceUid",
    "tags",
    "mappedTags",
    "mapTagNamesEnabled",
    "spanStartTimeShift",
    "spanEndTimeShift",
    "filterByTraceID",
    "filterBySpanID",
    "lokiSearch",
];
const METRICS_KEYS: &[&str] =
    &["datasourceUid", "tags", "queries", "spanStartTimeShift", "spanEndTimeShift"];
const PROFILES_KEYS: &[&str] = &["datasourceUid", "tags", "profileTypeId", "customQuery", "query"];
const TAG_KEYS: &[&str] = &["key", "value"];
const METRICS_QUERY_KEYS: &[&str] = &["name", "query"];
const DERIVED_FIELD_KEYS: &[&str] = &[
    "name",
    "matcherType",
    "matcherRegex",
    "url",
    "urlDisplayLabel",
    "datasourceUid",
    "targetBlank",
];
const EXEMPLAR_KEYS: &[&str] = &["name", "datasourceUid", "url", "urlDisplayLabel"];
const CORRELATION_KEYS: &[&str] = &[
    "uid",
    "orgId",
    "sourceUID",
    "targetUID",
    "label",
    "description",
    "type",
    "config",
    "provisioned",
    // The run-time shape (Grafana's correlations service): whole data source settings.
    "source",
    "target",
];
const CORRELATION_CONFIG_KEYS: &[&str] = &["type", "field", "target", "transformations"];
const TRANSFORMATION_KEYS: &[&str] = &["type", "field", "expression", "mapValue"];

/// The trace source's link settings: a `jsonData` key close to one of these is probably a typo.
const LINK_KEYS: &[&str] =
    &["tracesToLogsV2", "tracesToLogs", "tracesToMetrics", "tracesToProfiles", "serviceMap"];
/// Other jsonData keys of trace data sources that are fine even though they look alike.
const OTHER_TRACE_KEYS: &[&str] = &[
    "nodeGraph",
    "search",
    "lokiSearch",
    "traceQuery",
    "spanBar",
    "httpMethod",
    "timeInterval",
    "streamingEnabled",
    "traceIdTimeParams",
    "tlsAuth",
    "tlsSkipVerify",
    "oauthPassThru",
];

/// Attributes with one value per pod/host/request: as Loki stream labels they explode the
/// number of streams (Loki docs, "Label best practices").
const HIGH_CARDINALITY: &[&str] = &[
    "traceid",
    "spanid",
    "trace_id",
    "span_id",
    "pod",
    "k8s.pod.name",
    "k8s_pod_name",
    "pod_name",
    "hostname",
    "host.name",
    "host_name",
    "ip",
    "host.ip",
    "client.address",
    "net.peer.ip",
    "service.instance.id",
    "service_instance_id",
    "k8s.pod.uid",
    "container.id",
    "process.pid",
];

/// Grafana's built-in variables, valid in any template (docs/grafana.md §6.3).
const BUILTIN_VARS: &[&str] = &[
    "__from",
    "__to",
    "__interval",
    "__interval_ms",
    "__org",
    "__user",
    "__range",
    "__range_s",
    "__range_ms",
    "__rate_interval",
    "__timeFilter",
    "__dashboard",
    "__name",
    "__timezone",
];
/// Scoped variables of span links (trace → logs/metrics/profiles queries).
const SPAN_VARS: &[&str] = &["__span", "__trace", "__tags"];
/// Scoped variables of data links (derived fields, exemplars, correlations).
const DATA_LINK_VARS: &[&str] = &["__value", "__data", "__targetField", "__series", "__field"];
/// Scoped variables of data links on a trace frame (docs/grafana.md §7.3).
const TRACE_FRAME_VARS: &[&str] =
    &["__value", "__data", "__targetField", "__series", "__field", "__span", "__trace", "__tags"];

// ---------------------------------------------------------------------------------------------

/// One entry of `datasources`, with what the checks need.
#[derive(Debug, Clone)]
struct Source<'a> {
    path: String,
    name: Option<&'a str>,
    uid: Option<&'a str>,
    ty: Option<&'a str>,
    /// The family of `ty` (`Other` when absent).
    family: Family,
    value: &'a Value,
}

impl<'a> Source<'a> {
    fn new(index: usize, value: &'a Value) -> Source<'a> {
        let s = |k: &str| value.get(k).and_then(Value::as_str);
        Source {
            path: format!("datasources[{index}]"),
            name: s("name"),
            uid: s("uid"),
            ty: s("type"),
            family: s("type").map_or(Family::Other, Family::of),
            value,
        }
    }

    fn json_field(&self, key: &str) -> Option<&'a Value> {
        self.value.get("jsonData")?.get(key)
    }

    /// How other settings must refer to it: by uid, or by name when it has none.
    fn reference(&self) -> &'a str {
        self.uid.or(self.name).unwrap_or("")
    }
}

/// How a `datasourceUid` resolved.
enum Resolved<'s, 'a> {
    Exact(&'s Source<'a>),
    CaseOnly(&'s Source<'a>),
    ByName(&'s Source<'a>),
    Nothing,
}

impl<'s, 'a> Resolved<'s, 'a> {
    fn source(&self) -> Option<&'s Source<'a>> {
        match self {
            Resolved::Exact(s) | Resolved::CaseOnly(s) | Resolved::ByName(s) => Some(s),
            Resolved::Nothing => None,
        }
    }
}

struct Lint<'a> {
    sources: Vec<Source<'a>>,
    out: Vec<Diagnostic>,
}

fn diag(
    severity: Severity,
    code: DiagnosticCode,
    path: String,
    message: String,
    suggestion: Option<String>,
) -> Diagnostic {
    Diagnostic::new(severity, code, path, message, suggestion)
}

impl<'a> Lint<'a> {
    fn push(
        &mut self,
        severity: Severity,
        code: DiagnosticCode,
        path: String,
        message: String,
        suggestion: Option<String>,
    ) {
        self.out.push(diag(severity, code, path, message, suggestion));
    }

    // --- document shape -----------------------------------------------------------------------

    fn document_shape(&mut self) {
        let mut uids: HashMap<&str, String> = HashMap::new();
        let mut names: HashMap<&str, String> = HashMap::new();
        for ds in self.sources.clone() {
            if ds.name.is_none() {
                self.push(
                    Severity::Error,
                    DiagnosticCode::MissingName,
                    format!("{}.name", ds.path),
                    "a data source needs a `name`".into(),
                    None,
                );
            }
            if ds.ty.is_none() {
                self.push(
                    Severity::Error,
                    DiagnosticCode::MissingType,
                    format!("{}.type", ds.path),
                    "a data source needs a `type`".into(),
                    None,
                );
            }
            if ds.family == Family::Phlare {
                self.push(
                    Severity::Warning,
                    DiagnosticCode::DeprecatedDatasourceType,
                    format!("{}.type", ds.path),
                    "`phlare` is the old id of the Pyroscope plugin; Grafana 12 wants `grafana-pyroscope-datasource`".into(),
                    Some("grafana-pyroscope-datasource".into()),
                );
            }
            // Provisioning applies entries in order: a second entry with the same uid/name
            // overwrites the first, which is rarely what the author meant.
            if let Some(uid) = ds.uid {
                if let Some(first) = uids.get(uid) {
                    let message =
                        format!("uid `{uid}` is already used by {first}; this entry replaces it");
                    self.push(
                        Severity::Warning,
                        DiagnosticCode::DuplicateUid,
                        format!("{}.uid", ds.path),
                        message,
                        None,
                    );
                } else {
                    uids.insert(uid, ds.path.clone());
                }
            }
            if let Some(name) = ds.name {
                if let Some(first) = names.get(name) {
                    let message = format!("name `{name}` is already used by {first}");
                    self.push(
                        Severity::Warning,
                        DiagnosticCode::DuplicateName,
                        format!("{}.name", ds.path),
                        message,
                        None,
                    );
                } else {
                    names.insert(name, ds.path.clone());
                }
            }
        }
    }

    // --- data source references ---------------------------------------------------------------

    /// Grafana resolves by uid, or by name for data sources provisioned without uid.
    fn resolve(&self, reference: &str) -> Resolved<'_, 'a> {
        let s = &self.sources;
        if let Some(ds) = s
            .iter()
            .find(|d| d.uid == Some(reference) || (d.uid.is_none() && d.name == Some(reference)))
        {
            return Resolved::Exact(ds);
        }
        let ci = |x: Option<&str>| x.is_some_and(|x| x.eq_ignore_ascii_case(reference));
        if let Some(ds) = s.iter().find(|d| ci(d.uid) || (d.uid.is_none() && ci(d.name))) {
            return Resolved::CaseOnly(ds);
        }
        match s.iter().find(|d| ci(d.name)) {
            Some(ds) => Resolved::ByName(ds),
            None => Resolved::Nothing,
        }
    }

    /// Checks one reference; returns the data source it (loosely) resolves to.
    fn reference(
        &mut self,
        path: &str,
        value: &Value,
        signal: Option<Signal>,
    ) -> Option<Source<'a>> {
        let reference = value.as_str()?;
        if reference.is_empty() {
            return None; // empty means "no link", documented Grafana behaviour
        }
        let resolved = self.resolve(reference);
        let found = resolved.source().cloned();
        match resolved {
            Resolved::Exact(_) => {}
            Resolved::CaseOnly(ds) => {
                let (right, message) = (ds.reference(), format!("`{reference}` matches `{}` only case-insensitively; uids are case-sensitive", ds.reference()));
                self.push(
                    Severity::Warning,
                    DiagnosticCode::DatasourceCaseMismatch,
                    path.into(),
                    message,
                    Some(right.into()),
                );
            }
            Resolved::ByName(ds) => {
                let right = ds.reference();
                let message = format!(
                    "`{reference}` is the name of data source uid `{right}`; refer to it by uid"
                );
                self.push(
                    Severity::Warning,
                    DiagnosticCode::DatasourceByName,
                    path.into(),
                    message,
                    Some(right.into()),
                );
            }
            Resolved::Nothing => {
                let known: Vec<&str> = self.sources.iter().map(Source::reference).collect();
                let message =
                    format!("no data source has uid `{reference}`: this setting makes no link");
                let suggestion = closest(reference, &known, 3).map(str::to_string);
                self.push(
                    Severity::Error,
                    DiagnosticCode::UnknownDatasource,
                    path.into(),
                    message,
                    suggestion,
                );
            }
        }
        let ds = found.as_ref()?;
        if let (Some(signal), Some(ty)) = (signal, ds.ty) {
            if !ds.family.links(signal) {
                let supported = Family::type_ids(signal).join(", ");
                let message = format!("data source `{}` has type `{ty}`, which this link does not support (supported: {supported})", ds.reference());
                self.push(
                    Severity::Error,
                    DiagnosticCode::UnsupportedDatasourceType,
                    path.into(),
                    message,
                    None,
                );
            }
        }
        found
    }

    // --- unknown keys -------------------------------------------------------------------------

    /// Every key of a closed settings object must be one Grafana reads.
    fn known_keys(&mut self, path: &str, value: &Value, known: &[&str], what: &str) {
        let Some(obj) = value.as_object() else { return };
        for key in obj.keys() {
            if !known.contains(&key.as_str()) {
                let suggestion = closest(key, known, 3).map(str::to_string);
                let hint = suggestion
                    .as_ref()
                    .map(|s| format!("; did you mean `{s}`"))
                    .unwrap_or_default();
                let message = format!("`{key}` is not a {what} setting; Grafana ignores it{hint}");
                self.push(
                    Severity::Warning,
                    DiagnosticCode::UnknownKey,
                    child(path, key),
                    message,
                    suggestion,
                );
            }
        }
    }

    /// On the trace source's `jsonData`, flag only keys that look like a link setting: the many
    /// other keys (nodeGraph, search, spanBar…) are none of the lint's business.
    fn trace_json_keys(&mut self, path: &str, json: &Map<String, Value>) {
        for key in json.keys() {
            let k = key.as_str();
            if k == "tracesToLogsV3" {
                let message = "`tracesToLogsV3` (several logs destinations) is a spanlink extension; Grafana ignores it and uses `tracesToLogsV2`".into();
                self.push(
                    Severity::Hint,
                    DiagnosticCode::SpanlinkExtension,
                    child(path, k),
                    message,
                    None,
                );
                continue;
            }
            if LINK_KEYS.contains(&k) || OTHER_TRACE_KEYS.contains(&k) {
                continue;
            }
            let suggestion = closest(k, LINK_KEYS, 3);
            if suggestion.is_none() && !k.starts_with("tracesTo") {
                continue;
            }
            let hint = suggestion.map(|s| format!("; did you mean `{s}`")).unwrap_or_default();
            let message = format!("`{k}` is not a Grafana setting{hint}");
            self.push(
                Severity::Warning,
                DiagnosticCode::UnknownKey,
                child(path, k),
                message,
                suggestion.map(str::to_string),
            );
        }
    }

    // --- the trace source ---------------------------------------------------------------------

    fn trace_source(&mut self, ds: &Source<'a>) {
        let Some(json) = ds.value.get("jsonData").and_then(Value::as_object) else { return };
        let path = format!("{}.jsonData", ds.path);
        self.trace_json_keys(&path, json);
        if let Some(block) = json.get("tracesToLogsV2") {
            self.logs_block(
                ds,
                &child(&path, "tracesToLogsV2"),
                block,
                LOGS_V2_KEYS,
                "tracesToLogsV2",
            );
        }
        if let Some(block) = json.get("tracesToLogs") {
            if json.contains_key("tracesToLogsV2") {
                let message =
                    "`tracesToLogsV2` is set, so Grafana ignores the legacy `tracesToLogs`".into();
                self.push(
                    Severity::Hint,
                    DiagnosticCode::LegacySettingsIgnored,
                    child(&path, "tracesToLogs"),
                    message,
                    None,
                );
            } else {
                self.logs_block(
                    ds,
                    &child(&path, "tracesToLogs"),
                    block,
                    LOGS_LEGACY_KEYS,
                    "tracesToLogs",
                );
            }
        }
        if let Some(items) = json.get("tracesToLogsV3").and_then(Value::as_array) {
            for (i, block) in items.iter().enumerate() {
                self.logs_block(
                    ds,
                    &format!("{path}.tracesToLogsV3[{i}]"),
                    block,
                    LOGS_V3_KEYS,
                    "tracesToLogsV3",
                );
            }
        }
        if let Some(block) = json.get("tracesToMetrics") {
            self.metrics_block(&child(&path, "tracesToMetrics"), block);
        }
        if let Some(block) = json.get("tracesToProfiles") {
            self.profiles_block(&child(&path, "tracesToProfiles"), block);
        }
        if let Some(uid) = json.get("serviceMap").and_then(|m| m.get("datasourceUid")) {
            self.reference(&format!("{path}.serviceMap.datasourceUid"), uid, Some(Signal::Metrics));
        }
    }

    fn logs_block(
        &mut self,
        trace: &Source<'a>,
        path: &str,
        block: &Value,
        known: &[&str],
        what: &str,
    ) {
        self.known_keys(path, block, known, what);
        let target = block
            .get("datasourceUid")
            .and_then(|uid| self.reference(&child(path, "datasourceUid"), uid, Some(Signal::Logs)));
        self.time_shifts(path, block);
        for list in ["tags", "mappedTags"] {
            for (i, tag) in
                block.get(list).and_then(Value::as_array).into_iter().flatten().enumerate()
            {
                self.known_keys(&format!("{path}.{list}[{i}]"), tag, TAG_KEYS, "tag");
            }
        }
        let custom = self.custom_query(path, block);
        let to_loki = target.as_ref().is_some_and(|t| t.family == Family::Loki);
        // With a custom query that never mentions `__tags`, the tags are not used at all.
        let tags_used = custom.is_none_or(|q| q.contains("__tags"));
        if to_loki && tags_used {
            for (tag_path, key, label) in logs_tags(path, block) {
                self.loki_label(&tag_path, &key, &label);
            }
        }
        if let Some(q) = custom {
            self.template(&child(path, "query"), q, SPAN_VARS);
        }
        if let Some(target) = target.filter(|t| t.family == Family::Loki) {
            self.one_way(trace, path, &target);
        }
    }

    fn metrics_block(&mut self, path: &str, block: &Value) {
        self.known_keys(path, block, METRICS_KEYS, "tracesToMetrics");
        let target = block.get("datasourceUid").and_then(|uid| {
            self.reference(&child(path, "datasourceUid"), uid, Some(Signal::Metrics))
        });
        self.time_shifts(path, block);
        self.tags(path, block, target.as_ref());
        let queries = block.get("queries").and_then(Value::as_array);
        if target.is_some() && queries.is_none_or(|q| q.is_empty()) {
            let message =
                "without `queries` Grafana shows no metrics link at all, even with a data source"
                    .into();
            let suggestion = r#"queries: [{ name: "Request rate", query: "sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))" }]"#;
            self.push(
                Severity::Warning,
                DiagnosticCode::MetricsWithoutQueries,
                child(path, "queries"),
                message,
                Some(suggestion.into()),
            );
        }
        for (i, q) in queries.into_iter().flatten().enumerate() {
            let qpath = format!("{path}.queries[{i}]");
            self.known_keys(&qpath, q, METRICS_QUERY_KEYS, "metrics query");
            match q.get("name").and_then(Value::as_str) {
                Some(name) if !name.is_empty() => {
                    self.template(&child(&qpath, "name"), name, SPAN_VARS)
                }
                _ => {
                    let message =
                        "a metrics query without `name` makes a link with an empty title".into();
                    self.push(
                        Severity::Hint,
                        DiagnosticCode::MetricsQueryWithoutName,
                        child(&qpath, "name"),
                        message,
                        None,
                    );
                }
            }
            if let Some(query) = q.get("query").and_then(Value::as_str) {
                self.template(&child(&qpath, "query"), query, SPAN_VARS);
            }
        }
    }

    fn profiles_block(&mut self, path: &str, block: &Value) {
        self.known_keys(path, block, PROFILES_KEYS, "tracesToProfiles");
        let target = block.get("datasourceUid").and_then(|uid| {
            self.reference(&child(path, "datasourceUid"), uid, Some(Signal::Profiles))
        });
        self.tags(path, block, target.as_ref());
        if let Some(q) = self.custom_query(path, block) {
            self.template(&child(path, "query"), q, SPAN_VARS);
        }
        if block.get("datasourceUid").and_then(Value::as_str).is_some_and(|s| !s.is_empty()) {
            let message = "span profiles need spans that carry `pyroscope.profile.id` (set by the Pyroscope SDK's span processor); without it the profile link shows the whole service".into();
            self.push(
                Severity::Hint,
                DiagnosticCode::ProfileIdRequired,
                path.into(),
                message,
                None,
            );
        }
    }

    /// `customQuery`/`query`: returns the query Grafana actually uses, if any.
    fn custom_query<'v>(&mut self, path: &str, block: &'v Value) -> Option<&'v str> {
        let custom = block.get("customQuery").and_then(Value::as_bool).unwrap_or(false);
        let query = block.get("query").and_then(Value::as_str).unwrap_or("");
        if custom && query.is_empty() {
            let message = "`customQuery` is true but `query` is empty: Grafana ignores it and builds the default query".into();
            self.push(
                Severity::Warning,
                DiagnosticCode::CustomQueryEmpty,
                child(path, "customQuery"),
                message,
                None,
            );
        } else if !custom && !query.is_empty() {
            let message = "`query` is only used with `customQuery: true`".into();
            self.push(
                Severity::Hint,
                DiagnosticCode::QueryNotUsed,
                child(path, "query"),
                message,
                Some("customQuery: true".into()),
            );
        }
        (custom && !query.is_empty()).then_some(query)
    }

    // --- time shifts --------------------------------------------------------------------------

    fn time_shifts(&mut self, path: &str, block: &Value) {
        for (key, start) in [("spanStartTimeShift", true), ("spanEndTimeShift", false)] {
            let Some(value) = block.get(key) else { continue };
            let spath = child(path, key);
            let Some(text) = value.as_str() else {
                let message = format!("`{key}` must be a string such as \"-2m\"");
                self.push(
                    Severity::Error,
                    DiagnosticCode::InvalidTimeShift,
                    spath,
                    message,
                    Some(format!("{value}s")),
                );
                continue;
            };
            if text.is_empty() {
                continue; // empty means the default shift
            }
            let Some(number) = shift_amount(text) else {
                let message = format!("`{text}` is not a time shift the settings page accepts (a number and one unit of ms, s, m, h, d, w, M, y)");
                self.push(Severity::Error, DiagnosticCode::InvalidTimeShift, spath, message, None);
                continue;
            };
            let amount = crate::js::js_string_to_number(number);
            // A positive start shift starts the window after the span; a negative end shift
            // ends it before the span ends: logs/metrics of the span itself are cut off.
            if start && amount > 0.0 {
                let message = format!(
                    "a positive start shift (`{text}`) starts the window after the span starts"
                );
                self.push(
                    Severity::Warning,
                    DiagnosticCode::NarrowingTimeShift,
                    spath,
                    message,
                    Some(format!("-{text}")),
                );
            } else if !start && amount < 0.0 {
                let message =
                    format!("a negative end shift (`{text}`) ends the window before the span ends");
                self.push(
                    Severity::Warning,
                    DiagnosticCode::NarrowingTimeShift,
                    spath,
                    message,
                    Some(text[1..].to_string()),
                );
            }
        }
    }

    // --- tags -----------------------------------------------------------------------------------

    /// Metrics and profiles tags: the label names must be valid Prometheus/Pyroscope labels.
    fn tags(&mut self, path: &str, block: &Value, target: Option<&Source>) {
        let Some(tags) = block.get("tags").and_then(Value::as_array) else { return };
        let checks_labels = target
            .is_some_and(|t| t.family.links(Signal::Metrics) || t.family.links(Signal::Profiles));
        for (i, tag) in tags.iter().enumerate() {
            let tpath = format!("{path}.tags[{i}]");
            self.known_keys(&tpath, tag, TAG_KEYS, "tag");
            if let (true, Some(label)) = (checks_labels, tag_label(tag)) {
                self.label_name(&tpath, &label);
            }
        }
    }

    fn loki_label(&mut self, path: &str, key: &str, label: &str) {
        let is_high = |s: &str| HIGH_CARDINALITY.contains(&s.to_ascii_lowercase().as_str());
        if is_high(key) || is_high(label) {
            let message = format!(
                "`{key}` has one value per pod/host/request: as a Loki stream selector it goes against Loki's label best practices (https://grafana.com/docs/loki/latest/get-started/labels/bp-labels/); filter with `|=` or structured metadata in a custom query instead"
            );
            self.push(
                Severity::Warning,
                DiagnosticCode::HighCardinalityLabel,
                path.into(),
                message,
                None,
            );
        }
        self.label_name(path, label);
    }

    fn label_name(&mut self, path: &str, label: &str) {
        if is_label_name(label) {
            return;
        }
        let fixed = sanitize_label(label);
        let message = format!("`{label}` is not a valid label name (`[a-zA-Z_][a-zA-Z0-9_]*`); spanlink writes `{fixed}` instead");
        self.push(
            Severity::Warning,
            DiagnosticCode::InvalidLabelName,
            path.into(),
            message,
            Some(fixed),
        );
    }

    // --- one-way correlations -----------------------------------------------------------------

    /// Trace → logs works, but a log line only links back to the trace when the Loki source has a
    /// derived field pointing at this trace source ("both sides must be configured").
    fn one_way(&mut self, trace: &Source<'a>, path: &str, loki: &Source<'a>) {
        let fields = loki.json_field("derivedFields").and_then(Value::as_array);
        let links_back = fields.into_iter().flatten().any(|f| {
            let uid = f.get("datasourceUid").and_then(Value::as_str);
            uid.is_some_and(|uid| self.resolve(uid).source().is_some_and(|s| s.path == trace.path))
        });
        if !links_back {
            let message = format!(
                "Loki data source `{}` has no derived field with `datasourceUid: {}`: logs → trace will not link back",
                loki.reference(),
                trace.reference()
            );
            self.push(
                Severity::Hint,
                DiagnosticCode::OneWayLogsLink,
                child(path, "datasourceUid"),
                message,
                None,
            );
        }
    }

    // --- derived fields and exemplars ---------------------------------------------------------

    fn derived_field(&mut self, path: &str, field: &Value) {
        self.known_keys(path, field, DERIVED_FIELD_KEYS, "derived field");
        if let Some(uid) = field.get("datasourceUid") {
            self.reference(&child(path, "datasourceUid"), uid, None);
        }
        if !has_text(field, "datasourceUid") && !has_text(field, "url") {
            let message = "a derived field without `datasourceUid` or `url` makes no link".into();
            self.push(Severity::Warning, DiagnosticCode::NoLinkTarget, path.into(), message, None);
        }
        let matcher = field.get("matcherType").and_then(Value::as_str).unwrap_or("regex");
        if let Some(pattern) = field.get("matcherRegex").and_then(Value::as_str) {
            // Grafana takes group 1 of a line match; a label matcher only tests label names.
            self.regex(&child(path, "matcherRegex"), pattern, matcher == "regex");
        }
        for key in ["url", "urlDisplayLabel"] {
            if let Some(text) = field.get(key).and_then(Value::as_str) {
                self.template(&child(path, key), text, DATA_LINK_VARS);
            }
        }
        if !has_text(field, "datasourceUid") {
            self.url_template(path, field);
        }
    }

    /// Grafana groups derived fields by `name` and matches each line with the first field's
    /// matcher only (docs/grafana.md §8): a later field of the same name adds its link but its
    /// `matcherRegex` never runs.
    fn shadowed_derived_fields(&mut self, path: &str, fields: &[Value]) {
        for (j, field) in fields.iter().enumerate() {
            let Some(name) = field.get("name").and_then(Value::as_str) else { continue };
            let Some(first) = fields[..j]
                .iter()
                .position(|f| f.get("name").and_then(Value::as_str) == Some(name))
            else {
                continue;
            };
            let own = field.get("matcherRegex").and_then(Value::as_str);
            let first_regex = fields[first].get("matcherRegex").and_then(Value::as_str);
            if own.is_none() || own == first_regex {
                continue;
            }
            let message = format!(
                "derived field `{name}` repeats the name of derivedFields[{first}]: Grafana matches \
                 every line with the first `{name}`'s matcherRegex only, so this regex never runs \
                 (its link is still added to the first field's matches)"
            );
            let suggestion = String::from(
                "give this field its own name, or match both line shapes with one regex whose group \
                 1 is the value in every case, e.g. `trace_id\"?[:=]\"?(\\w+)` (an alternation \
                 such as `\"trace_id\":\"(\\w+)\"|trace_id=(\\w+)` fills group 2 for the second \
                 shape, and Grafana reads group 1 only)"
            );
            let regex_path = format!("{path}[{j}].matcherRegex");
            self.push(
                Severity::Warning,
                DiagnosticCode::ShadowedDerivedField,
                regex_path,
                message,
                Some(suggestion),
            );
        }
    }

    fn exemplar_destination(&mut self, path: &str, dest: &Value) {
        self.known_keys(path, dest, EXEMPLAR_KEYS, "exemplar destination");
        if let Some(uid) = dest.get("datasourceUid") {
            self.reference(&child(path, "datasourceUid"), uid, None);
        }
        if !has_text(dest, "datasourceUid") && !has_text(dest, "url") {
            let message =
                "an exemplar destination without `datasourceUid` or `url` makes no link".into();
            self.push(Severity::Warning, DiagnosticCode::NoLinkTarget, path.into(), message, None);
        }
        if let Some(name) = dest.get("name").and_then(Value::as_str) {
            const USUAL: [&str; 3] = ["trace_id", "traceID", "traceId"];
            if !USUAL.contains(&name) {
                let npath = child(path, "name");
                match USUAL.iter().find(|u| u.eq_ignore_ascii_case(name)) {
                    Some(usual) => {
                        let message = format!("exemplar label `{name}` differs only in case from the usual `{usual}`; label names are case-sensitive");
                        self.push(
                            Severity::Warning,
                            DiagnosticCode::ExemplarLabelCase,
                            npath,
                            message,
                            Some(usual.to_string()),
                        );
                    }
                    None => {
                        let message = format!("exemplar label `{name}` is none of the usual `trace_id`, `traceID`, `traceId`; check your exemplars carry it");
                        self.push(
                            Severity::Hint,
                            DiagnosticCode::UnusualExemplarLabel,
                            npath,
                            message,
                            None,
                        );
                    }
                }
            }
        }
        for key in ["url", "urlDisplayLabel"] {
            if let Some(text) = dest.get(key).and_then(Value::as_str) {
                self.template(&child(path, key), text, DATA_LINK_VARS);
            }
        }
        if !has_text(dest, "datasourceUid") {
            self.url_template(path, dest);
        }
    }

    /// The `url` of an external link (`path` is its parent): unsafe before any value comes in?
    fn url_template(&mut self, path: &str, parent: &Value) {
        let Some(text) = parent.get("url").and_then(Value::as_str) else { return };
        let Ok(template) = crate::template::Template::parse(text) else { return };
        if let Some(why) = crate::href::unsafe_template(&template) {
            self.push(
                Severity::Error,
                DiagnosticCode::UnsafeUrl,
                child(path, "url"),
                why.message(),
                None,
            );
        }
    }

    // --- correlations -------------------------------------------------------------------------

    fn correlation(&mut self, path: &str, c: &Value, source: Option<&Source<'a>>) {
        self.known_keys(path, c, CORRELATION_KEYS, "correlation");
        for (key, runtime) in [("sourceUID", "source"), ("targetUID", "target")] {
            if let Some(uid) = c.get(key) {
                self.reference(&child(path, key), uid, None);
            } else if let Some(uid) = c.get(runtime).and_then(|d| d.get("uid")) {
                self.reference(&child(&child(path, runtime), "uid"), uid, None);
            }
        }
        // `type` sits at the top in the API form and in `config` in older provisioning files.
        let ty =
            c.get("type").or(c.pointer("/config/type")).and_then(Value::as_str).unwrap_or("query");
        let has_target =
            has_text(c, "targetUID") || c.get("target").is_some_and(|t| has_text(t, "uid"));
        if ty != "external" && !has_target {
            let message = "a `query` correlation without `targetUID` makes no link".into();
            self.push(Severity::Warning, DiagnosticCode::NoLinkTarget, path.into(), message, None);
        }
        let from_trace = source.is_some_and(|s| s.family.is_tracing());
        let vars = if from_trace { TRACE_FRAME_VARS } else { DATA_LINK_VARS };
        if let Some(label) = c.get("label").and_then(Value::as_str) {
            self.template(&child(path, "label"), label, vars);
        }
        let Some(config) = c.get("config") else { return };
        let cpath = child(path, "config");
        self.known_keys(&cpath, config, CORRELATION_CONFIG_KEYS, "correlation config");
        if let Some(target) = config.get("target") {
            self.template_strings(&child(&cpath, "target"), target, vars);
            if ty == "external" {
                self.url_template(&child(&cpath, "target"), target);
            }
        }
        for (i, t) in config
            .get("transformations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let tpath = format!("{cpath}.transformations[{i}]");
            self.known_keys(&tpath, t, TRANSFORMATION_KEYS, "transformation");
            match t.get("type").and_then(Value::as_str) {
                Some("regex") => match t.get("expression").and_then(Value::as_str) {
                    Some(expr) if !expr.is_empty() => {
                        self.regex(&child(&tpath, "expression"), expr, false)
                    }
                    _ => {
                        let message = "a `regex` transformation without `expression` does \
                                       nothing: Grafana skips it, so it sets no variable"
                            .into();
                        let code = DiagnosticCode::RegexWithoutExpression;
                        self.push(Severity::Warning, code, tpath.clone(), message, None);
                    }
                },
                Some("logfmt") => {}
                Some("json") => {
                    let message =
                        "the `json` transformation is a spanlink extension; Grafana ignores it"
                            .into();
                    self.push(
                        Severity::Hint,
                        DiagnosticCode::SpanlinkExtension,
                        child(&tpath, "type"),
                        message,
                        None,
                    );
                }
                other => {
                    let message = format!(
                        "transformation type {} is not one of `regex`, `logfmt`",
                        other.map(|o| format!("`{o}`")).unwrap_or("(missing)".into())
                    );
                    self.push(
                        Severity::Warning,
                        DiagnosticCode::UnknownTransformation,
                        child(&tpath, "type"),
                        message,
                        None,
                    );
                }
            }
        }
    }

    // --- regexes --------------------------------------------------------------------------------

    fn regex(&mut self, path: &str, pattern: &str, needs_group: bool) {
        let lint = match crate::jsregex::lint(pattern) {
            Ok(lint) => lint,
            Err(reason) => {
                let message = format!("the regex does not compile: {reason}");
                self.push(
                    Severity::Error,
                    DiagnosticCode::InvalidRegex,
                    path.into(),
                    message,
                    None,
                );
                return;
            }
        };
        for feature in &lint.backtracking {
            let message = format!(
                "the {} `{}` makes the regex backtrack: it runs, but not in linear time, and a \
                 value that needs more than {} steps skips the link",
                feature.kind,
                feature.text,
                crate::jsregex::BACKTRACK_LIMIT
            );
            let fix = feature.linear.clone();
            self.push(Severity::Hint, DiagnosticCode::BacktrackingRegex, path.into(), message, fix);
        }
        // Grafana's flags do not change what compiles.
        if let Err(reason) = crate::jsregex::JsRegex::new(pattern, false) {
            self.push(Severity::Error, DiagnosticCode::InvalidRegex, path.into(), reason, None);
            return;
        }
        if needs_group && lint.groups == 0 {
            let message = "Grafana takes the value from capture group 1; without a group this field never links".into();
            let fix = Some(format!("({pattern})"));
            self.push(
                Severity::Error,
                DiagnosticCode::RegexWithoutGroup,
                path.into(),
                message,
                fix,
            );
        }
        for (class, fixed) in lint.classes_with_pipe {
            let inner = &class[1..class.len() - 1];
            let chars: Vec<String> = inner.chars().map(|c| format!("`{c}`")).collect();
            // Spell the characters out only when the class is a plain list (no range, no `^`).
            let listed = match chars.split_last() {
                Some((last, rest)) if !inner.contains('-') && !inner.starts_with('^') => {
                    format!("{} or {last}", rest.join(", "))
                }
                _ => "a literal `|` too".to_string(),
            };
            let message = format!("`{class}` matches {listed}; write `{fixed}`");
            self.push(
                Severity::Hint,
                DiagnosticCode::RegexClassWithPipe,
                path.into(),
                message,
                Some(fixed),
            );
        }
    }

    // --- templates --------------------------------------------------------------------------

    /// Every string inside a query object (Grafana interpolates all string values).
    fn template_strings(&mut self, path: &str, value: &Value, vars: &[&str]) {
        match value {
            Value::String(s) => self.template(path, s, vars),
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    self.template_strings(&format!("{path}[{i}]"), v, vars);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    self.template_strings(&child(path, k), v, vars);
                }
            }
            _ => {}
        }
    }

    /// The template as Grafana reads it (the template module's own scanner): references that
    /// are not ones, unknown formats, and `__` names unknown where the template is used
    /// (conservative: dashboard variables cannot be known here).
    fn template(&mut self, path: &str, text: &str, vars: &[&str]) {
        let Ok(template) = crate::template::Template::parse(text) else { return };
        for issue in template.issues() {
            let (code, message) = match &issue.kind {
                crate::template::IssueKind::Malformed => {
                    (DiagnosticCode::UnclosedTemplate, issue.message(text))
                }
                crate::template::IssueKind::UnknownFormat(_) => {
                    (DiagnosticCode::UnknownFormat, issue.message(text))
                }
            };
            self.push(Severity::Warning, code, path.into(), message, None);
        }
        for p in template.placeholders() {
            let name = p.name.as_str();
            if !name.starts_with("__") || BUILTIN_VARS.contains(&name) {
                continue;
            }
            let end = p.offset + p.len;
            // `$__span.traceId` replaces `$__span` alone: "[object Object].traceId".
            let bare_path = (text.as_bytes()[p.offset + 1] != b'{'
                && !text[p.offset..].starts_with("[["))
            .then(|| dotted_words(&text[end..]))
            .filter(|rest| !rest.is_empty());
            if !vars.contains(&name) {
                let message = format!("`{name}` does not exist here (available: {}); the link will be dropped or show the text as is", vars.join(", "));
                self.push(
                    Severity::Warning,
                    DiagnosticCode::UnknownVariable,
                    path.into(),
                    message,
                    None,
                );
            } else if let Some(rest) = bare_path.filter(|_| name != "__tags") {
                let fixed = format!("${{{name}{rest}}}");
                let whole = &text[p.offset..end + rest.len()];
                let message =
                    format!("`{whole}` interpolates `${name}` alone (an object); write `{fixed}`");
                self.push(
                    Severity::Warning,
                    DiagnosticCode::VariablePathNeedsBraces,
                    path.into(),
                    message,
                    Some(fixed),
                );
            }
        }
    }
}

/// The `.word` right after a bare `$name` (`.traceId` in `$__span.traceId`), empty when none.
fn dotted_words(rest: &str) -> &str {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let bytes = rest.as_bytes();
    if bytes.first() != Some(&b'.') {
        return "";
    }
    let len = 1 + bytes[1..].iter().take_while(|&&b| word(b)).count();
    if len == 1 {
        ""
    } else {
        &rest[..len]
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

fn has_text(value: &Value, key: &str) -> bool {
    value.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty())
}

/// `parent.key`, or `parent["key"]` when the key is not a plain identifier.
fn child(parent: &str, key: &str) -> String {
    let plain = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_string(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => {
            format!("{parent}[{}]", crate::js::json_stringify(&Value::String(key.to_string())))
        }
    }
}

/// The known key closest to `key` (case-insensitive edit distance ≤ `max`).
fn closest<'k>(key: &str, known: &[&'k str], max: usize) -> Option<&'k str> {
    let key = key.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (levenshtein(&key, &k.to_ascii_lowercase()), *k))
        .filter(|(d, _)| *d <= max)
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// The number of a time shift the settings page accepts (`^(-?[0-9]+(?:\.[0-9]+)?)(ms|[Mwdhmsy])$`).
fn shift_amount(text: &str) -> Option<&str> {
    let number = text
        .strip_suffix("ms")
        .or_else(|| text.strip_suffix(['M', 'w', 'd', 'h', 'm', 's', 'y']))?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = number.strip_prefix('-').unwrap_or(number);
    let valid = match unsigned.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(unsigned),
    };
    valid.then_some(number)
}

/// The label name a tag writes: its `value`, else the key with Grafana's `.`→`_`.
fn tag_label(tag: &Value) -> Option<String> {
    let key = tag.get("key").and_then(Value::as_str)?;
    match tag.get("value").and_then(Value::as_str) {
        Some(v) if !v.is_empty() => Some(v.to_string()),
        _ => Some(key.replace('.', "_")),
    }
}

/// The tags of a logs block as `(path, attribute, label)`, legacy forms included (docs/grafana.md §1.1).
fn logs_tags(path: &str, block: &Value) -> Vec<(String, String, String)> {
    let mapped = block.get("mapTagNamesEnabled").and_then(Value::as_bool).unwrap_or(false);
    let (list_key, list) = match (mapped, block.get("mappedTags").and_then(Value::as_array)) {
        (true, Some(list)) => ("mappedTags", Some(list)),
        _ => ("tags", block.get("tags").and_then(Value::as_array)),
    };
    let mut out = Vec::new();
    for (i, tag) in list.into_iter().flatten().enumerate() {
        let tpath = format!("{path}.{list_key}[{i}]");
        let (key, label) = match tag {
            Value::String(key) => (key.clone(), key.replace('.', "_")),
            _ => match (tag.get("key").and_then(Value::as_str), tag_label(tag)) {
                (Some(key), Some(label)) => (key.to_string(), label),
                _ => continue,
            },
        };
        out.push((tpath, key, label));
    }
    out
}

fn is_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Other characters become `_`; a leading digit gets a `_` prefix.
fn sanitize_label(s: &str) -> String {
    let mapped: String =
        s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if mapped.is_empty() || mapped.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{mapped}")
    } else {
        mapped
    }
}

/// Findings sorted by where their path sits in the document (a pre-order walk); a path that does
/// not exist (a missing key) sorts with its nearest existing parent. Stable: ties keep check order.
fn sort_in_document_order(doc: &Value, out: &mut [Diagnostic]) {
    fn walk(path: String, value: &Value, order: &mut HashMap<String, usize>) {
        let n = order.len();
        order.entry(path.clone()).or_insert(n);
        match value {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    walk(format!("{path}[{i}]"), v, order);
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    walk(child(&path, k), v, order);
                }
            }
            _ => {}
        }
    }
    let mut order = HashMap::new();
    walk(String::new(), doc, &mut order);
    let rank = |path: &str| {
        let mut p = path;
        loop {
            if let Some(r) = order.get(p) {
                return *r;
            }
            match p.rfind(['.', '[']) {
                Some(cut) => p = &p[..cut],
                None => return 0,
            }
        }
    };
    out.sort_by_cached_key(|d| rank(&d.path));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance() {
        assert_eq!(closest("filterByTraceId", LOGS_V2_KEYS, 3), Some("filterByTraceID"));
        assert_eq!(closest("tracesToProfilesV2", LINK_KEYS, 3), Some("tracesToProfiles"));
        assert_eq!(closest("nodeGraph", LINK_KEYS, 3), None);
    }

    #[test]
    fn paths() {
        assert_eq!(child("a", "b"), "a.b");
        assert_eq!(child("a", "k8s.pod"), r#"a["k8s.pod"]"#);
    }
}

#[cfg(test)]
mod code_tests {
    use super::DiagnosticCode;

    /// The TypeScript union lists exactly the Rust codes, in order, and serde writes each as
    /// its name.
    #[test]
    fn typescript_union_and_serde_names_match_the_enum() {
        let dts = include_str!("wasm_types.d.ts");
        let start = dts.find("export type DiagnosticCode =").unwrap();
        let union = &dts[start..start + dts[start..].find(';').unwrap()];
        let names: Vec<&str> = union.split('"').skip(1).step_by(2).collect();
        let codes: Vec<&str> = DiagnosticCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names, codes);
        for code in DiagnosticCode::ALL {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
        }
    }
}

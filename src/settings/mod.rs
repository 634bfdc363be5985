//! Grafana's data source provisioning document, as users write it (docs/api.md "Settings"), read into
//! typed settings with Grafana's defaults (docs/grafana.md §1). Wrong types are errors that name the
//! JSON path; values Grafana would only trip over later (bad shifts, unknown data sources) are kept
//! so that the rule that uses them can explain itself and the lint can report them.

use serde_json::Value;

use crate::error::{join_path, Error, ErrorCode, Result};

mod family;
mod read;
mod set;
pub use family::{Family, Signal};
pub(crate) use read::{wrong_type, Obj};
pub use set::{Env, Position, ProvisioningFile, ProvisioningSet, SourceLocation};

/// One entry of `datasources`.
#[derive(Debug, Clone)]
pub struct Datasource {
    /// Position in `datasources`, for paths.
    pub index: usize,
    /// Data source `name`; also its reference when `uid` is absent.
    pub name: String,
    /// `type`, e.g. `tempo`, `loki`, `prometheus`.
    pub kind: String,
    /// The family of `kind`.
    pub family: Family,
    /// `uid`; Grafana generates one when it is absent, so such a source is referenced by name.
    pub uid: Option<String>,
    /// `jsonData`, `Null` when absent.
    pub json_data: Value,
}

impl Datasource {
    /// What links write as `datasourceUid`: the uid, or the name for a source without uid.
    pub fn reference(&self) -> &str {
        self.uid.as_deref().unwrap_or(&self.name)
    }

    /// `datasources[i]`.
    pub fn path(&self) -> String {
        format!("datasources[{}]", self.index)
    }

    /// Is this a trace data source whose settings drive span links?
    pub fn is_tracing(&self) -> bool {
        self.family.is_tracing()
    }
}

/// A `{key, value?}` tag mapping: span attribute `key`, written as label `value` when set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagMapping {
    /// Span or resource attribute name to read.
    pub key: String,
    /// Label name to write in the query instead of `key`; `None` or empty keeps `key`.
    pub value: Option<String>,
}

impl TagMapping {
    /// Grafana's default tag: keys with a dot are renamed with every `.` replaced by `_`.
    fn default_for(key: &str) -> TagMapping {
        TagMapping { key: key.to_string(), value: key.contains('.').then(|| key.replace('.', "_")) }
    }

    /// The label name written into a query: the rename when non-empty, else the key.
    pub fn label(&self) -> &str {
        self.value.as_deref().filter(|v| !v.is_empty()).unwrap_or(&self.key)
    }
}

/// Default tags for logs and metrics (docs/grafana.md §1.1).
pub const DEFAULT_TAG_KEYS: [&str; 6] =
    ["cluster", "hostname", "namespace", "pod", "service.name", "service.namespace"];
/// Default tags for profiles (docs/grafana.md §1.3).
pub const DEFAULT_PROFILE_TAG_KEYS: [&str; 2] = ["service.name", "service.namespace"];

fn default_tags(keys: &[&str]) -> Vec<TagMapping> {
    keys.iter().map(|k| TagMapping::default_for(k)).collect()
}

/// A time shift as written (`"-2m"`), with its parsed value or the reason it does not parse.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeShift {
    /// The interval text as written; `None` when the key is absent.
    pub text: Option<String>,
    /// JSON path of the shift setting, for errors and diagnostics.
    pub path: String,
    /// Milliseconds, or the `INVALID_INTERVAL` error that Grafana would throw when building links.
    pub ms: Result<i64>,
}

impl TimeShift {
    fn read(obj: &Obj, key: &str, default_ms: i64) -> Result<TimeShift> {
        let text = obj.string(key)?;
        let path = obj.child_path(key);
        let ms = match text.as_deref() {
            None | Some("") => Ok(default_ms),
            Some(t) => crate::interval::parse_interval(t).map_err(|e| {
                Error::new(
                    ErrorCode::InvalidInterval,
                    path.clone(),
                    format!("time shift {t:?} is not an interval: {}", e.message),
                )
            }),
        };
        Ok(TimeShift { text, path, ms })
    }
}

/// `tracesToLogsV2` (or legacy `tracesToLogs`, converted; or one entry of spanlink's
/// `tracesToLogsV3`).
#[derive(Debug, Clone)]
pub struct LogsSettings {
    /// JSON path of the block: the link's `origin`.
    pub path: String,
    /// A V3 destination's `name`.
    pub name: Option<String>,
    /// `datasourceUid`: the logs data source; `None` (absent or empty) means no logs link.
    pub datasource_uid: Option<String>,
    /// Tags to use (defaults applied when absent or empty).
    pub tags: Vec<TagMapping>,
    /// `spanStartTimeShift`, added to the span start (default 0).
    pub start_shift: TimeShift,
    /// `spanEndTimeShift`, added to the span end (default 0).
    pub end_shift: TimeShift,
    /// `filterByTraceID`: also filter the logs by the trace id.
    pub filter_by_trace_id: bool,
    /// `filterBySpanID`: also filter the logs by the span id.
    pub filter_by_span_id: bool,
    /// The custom query, when `customQuery` is true and `query` non-empty.
    pub custom_query: Option<String>,
}

/// One `tracesToMetrics.queries` entry.
#[derive(Debug, Clone)]
pub struct MetricsQuery {
    /// JSON path of the entry: the link's `origin`.
    pub path: String,
    /// `name`: the link title; `None` gives the title `""`.
    pub name: Option<String>,
    /// `query`; empty or absent means Grafana's default span-metrics query.
    pub query: Option<String>,
}

/// `tracesToMetrics`.
#[derive(Debug, Clone)]
pub struct MetricsSettings {
    /// JSON path of the block.
    pub path: String,
    /// `datasourceUid`: the metrics (Prometheus) data source; `None` means no metrics links.
    pub datasource_uid: Option<String>,
    /// Tags that `$__tags` expands to (defaults applied when absent or empty).
    pub tags: Vec<TagMapping>,
    /// Absent `queries` means no metrics links at all.
    pub queries: Vec<MetricsQuery>,
    /// `spanStartTimeShift`, default -2m.
    pub start_shift: TimeShift,
    /// `spanEndTimeShift`, default +2m.
    pub end_shift: TimeShift,
}

/// `tracesToProfiles`.
#[derive(Debug, Clone)]
pub struct ProfilesSettings {
    /// JSON path of the block: the profile link's `origin`.
    pub path: String,
    /// `datasourceUid`: the Pyroscope data source; `None` means no profile link.
    pub datasource_uid: Option<String>,
    /// Tags that `${__tags}` expands to in the label selector (default `service.name`,
    /// `service.namespace`).
    pub tags: Vec<TagMapping>,
    /// `profileTypeId` written into the query, e.g. `process_cpu:cpu:nanoseconds:cpu:nanoseconds`;
    /// `""` when absent.
    pub profile_type_id: String,
    /// `query`, used as the label selector when `customQuery` is true and it is non-empty.
    pub custom_query: Option<String>,
}

/// One Loki `derivedFields` entry (docs/grafana.md §8).
#[derive(Debug, Clone)]
pub struct DerivedFieldSettings {
    /// JSON path of the entry: the link's `origin`.
    pub path: String,
    /// `name`: the derived field's name, also the correlation variable holding its value.
    pub name: String,
    /// `regex` (default) or `label`.
    pub matcher_type: String,
    /// `matcherRegex`: matched against the log line (`regex`) or the label names (`label`).
    pub matcher_regex: String,
    /// `url`: the external URL, or the query sent to `datasource_uid` (e.g. `${__value.raw}`).
    pub url: Option<String>,
    /// `urlDisplayLabel`: the link title; `None` falls back to the data source name or URL host.
    pub url_display_label: Option<String>,
    /// `datasourceUid`: the data source (usually Tempo) an internal link opens.
    pub datasource_uid: Option<String>,
    /// `targetBlank`: open the link in a new tab.
    pub target_blank: bool,
}

/// One Prometheus `exemplarTraceIdDestinations` entry (docs/grafana.md §9).
#[derive(Debug, Clone)]
pub struct ExemplarSettings {
    /// JSON path of the entry: the link's `origin`.
    pub path: String,
    /// `name`: the exemplar label holding the trace id (e.g. `trace_id`).
    pub name: String,
    /// `datasourceUid`: the trace data source an internal link opens.
    pub datasource_uid: Option<String>,
    /// `url`: an external URL template, linked besides (or instead of) the internal link.
    pub url: Option<String>,
    /// `urlDisplayLabel`: the link title; default `Query with <name>` / `Go to <url>`.
    pub url_display_label: Option<String>,
}

/// What a correlation opens (its `type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CorrelationKind {
    /// `query`: a query into the `targetUID` data source.
    Query,
    /// `external`: the URL of `config.target.url`.
    External,
}

/// A correlation (docs/grafana.md §7), from a data source's `correlations` (provisioning form) or the
/// top-level `correlations` (API form).
#[derive(Debug, Clone)]
pub struct CorrelationSettings {
    /// JSON path of the correlation: the link's `origin`.
    pub path: String,
    /// The data source whose fields carry the link: `sourceUID`, or the enclosing data source's
    /// uid or name.
    pub source_uid: String,
    /// `targetUID`: the data source a `query` correlation opens.
    pub target_uid: Option<String>,
    /// `label`: the link title; default the target's name or `External URL`.
    pub label: Option<String>,
    /// `description`, shown in Grafana's correlation editor; not part of the link.
    pub description: Option<String>,
    /// `query` or `external`.
    pub kind: CorrelationKind,
    /// The field the link sits on.
    pub field: String,
    /// `config.target`: the query object (query) or `{url}` (external).
    pub target: Value,
    /// `config.transformations` (raw; compiled by the link builder).
    pub transformations: Value,
}

/// The provisioning document, read.
#[derive(Debug, Clone)]
pub struct Provisioning {
    /// Every `datasources` entry, in document order.
    pub datasources: Vec<Datasource>,
    /// Every correlation: per-data-source ones first, in document order, then top-level ones.
    pub correlations: Vec<CorrelationSettings>,
}

impl Provisioning {
    /// Reads the document root `{ apiVersion?, datasources: [...], correlations?: [...] }`.
    pub fn from_value(doc: &Value) -> Result<Provisioning> {
        let root = Obj::of(doc, "")?;
        let mut datasources = Vec::new();
        let mut correlations = Vec::new();
        let Some(list) = root.array("datasources")? else {
            return Err(Error::new(
                ErrorCode::InvalidSettings,
                "datasources",
                "the document has no `datasources` list",
            ));
        };
        for (index, entry) in list.iter().enumerate() {
            let path = format!("datasources[{index}]");
            let ds = Obj::of(entry, &path)?;
            let name = ds.string("name")?.ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidSettings,
                    join_path(&path, "name"),
                    "a data source needs a `name`",
                )
            })?;
            let kind = ds.string("type")?.ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidSettings,
                    join_path(&path, "type"),
                    format!("data source {name:?} needs a `type`"),
                )
            })?;
            let uid = ds.non_empty_string("uid")?;
            let json_data = match ds.get("jsonData") {
                None => Value::Null,
                Some(v @ Value::Object(_)) => v.clone(),
                Some(other) => {
                    return Err(wrong_type(&ds.child_path("jsonData"), "an object", other))
                }
            };
            let source = uid.clone().unwrap_or_else(|| name.clone());
            if let Some(items) = ds.array("correlations")? {
                for (i, item) in items.iter().enumerate() {
                    let cpath = format!("{path}.correlations[{i}]");
                    correlations.push(read_correlation(item, &cpath, Some(&source))?);
                }
            }
            let family = Family::of(&kind);
            datasources.push(Datasource { index, name, kind, family, uid, json_data });
        }
        if let Some(items) = root.array("correlations")? {
            for (i, item) in items.iter().enumerate() {
                correlations.push(read_correlation(item, &format!("correlations[{i}]"), None)?);
            }
        }
        Ok(Provisioning { datasources, correlations })
    }

    /// Grafana's lookup: by uid, then by name.
    pub fn find(&self, reference: &str) -> Option<&Datasource> {
        self.datasources
            .iter()
            .find(|d| d.uid.as_deref() == Some(reference))
            .or_else(|| self.datasources.iter().find(|d| d.name == reference))
    }

    /// The closest data source by uid or name ignoring case (for "did you mean" messages).
    pub fn find_ignoring_case(&self, reference: &str) -> Option<&Datasource> {
        let lower = reference.to_ascii_lowercase();
        self.datasources.iter().find(|d| {
            d.uid.as_deref().map(str::to_ascii_lowercase).as_deref() == Some(lower.as_str())
                || d.name.to_ascii_lowercase() == lower
        })
    }
}

/// `source.uid` / `target.uid` of a correlation in the shape Grafana's correlations service
/// returns at run time (`getCorrelationsBySourceUIDs`), where `source` and `target` are whole
/// `DataSourceInstanceSettings` instead of `sourceUID` / `targetUID`.
fn runtime_uid(obj: &Obj, key: &str) -> Result<Option<String>> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Obj::of(v, &obj.child_path(key))?.non_empty_string("uid"),
    }
}

fn read_correlation(item: &Value, path: &str, source: Option<&str>) -> Result<CorrelationSettings> {
    let obj = Obj::of(item, path)?;
    let config = match obj.get("config") {
        Some(v) => Obj::of(v, &obj.child_path("config"))?.map.clone(),
        None => Default::default(),
    };
    let config_path = obj.child_path("config");
    let config = Obj { map: &config, path: &config_path };
    let source_uid = match source {
        Some(s) => s.to_string(),
        None => obj
            .string("sourceUID")?
            .or(obj.string("sourceUid")?)
            .or(runtime_uid(&obj, "source")?)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidSettings,
                    obj.child_path("sourceUID"),
                    "a top-level correlation needs `sourceUID`",
                )
            })?,
    };
    // Grafana 10 kept `type` in `config`; newer versions put it on the correlation.
    let kind = match obj.string("type")?.or(config.string("type")?).as_deref() {
        None | Some("query") => CorrelationKind::Query,
        Some("external") => CorrelationKind::External,
        Some(kind) => {
            return Err(Error::new(
                ErrorCode::InvalidSettings,
                obj.child_path("type"),
                format!("correlation type {kind:?} is not one of \"query\", \"external\""),
            ))
        }
    };
    let field = config.string("field")?.ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidSettings,
            config.child_path("field"),
            "a correlation needs `config.field`, the field its link sits on",
        )
    })?;
    let target = match config.get("target") {
        None => Value::Object(Default::default()),
        Some(v @ Value::Object(_)) => v.clone(),
        Some(other) => return Err(wrong_type(&config.child_path("target"), "an object", other)),
    };
    let transformations = match config.get("transformations") {
        None => Value::Null,
        Some(v @ Value::Array(_)) => v.clone(),
        Some(other) => {
            return Err(wrong_type(&config.child_path("transformations"), "an array", other))
        }
    };
    Ok(CorrelationSettings {
        path: path.to_string(),
        source_uid,
        target_uid: obj
            .non_empty_string("targetUID")?
            .or(obj.non_empty_string("targetUid")?)
            .or(runtime_uid(&obj, "target")?),
        label: obj.string("label")?,
        description: obj.string("description")?,
        kind,
        field,
        target,
        transformations,
    })
}

fn read_tags(obj: &Obj, key: &str, defaults: &[&str]) -> Result<Vec<TagMapping>> {
    let Some(items) = obj.array(key)? else { return Ok(default_tags(defaults)) };
    if items.is_empty() {
        return Ok(default_tags(defaults));
    }
    let path = obj.child_path(key);
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let ipath = format!("{path}[{i}]");
            match item {
                // Legacy v1 lists plain keys.
                Value::String(k) => Ok(TagMapping { key: k.clone(), value: None }),
                _ => {
                    let t = Obj::of(item, &ipath)?;
                    let key = t.string("key")?.ok_or_else(|| {
                        Error::new(
                            ErrorCode::InvalidSettings,
                            join_path(&ipath, "key"),
                            "a tag mapping needs a `key`",
                        )
                    })?;
                    Ok(TagMapping { key, value: t.non_empty_string("value")? })
                }
            }
        })
        .collect()
}

fn custom_query(obj: &Obj) -> Result<Option<String>> {
    Ok(if obj.bool("customQuery")? { obj.non_empty_string("query")? } else { None })
}

impl LogsSettings {
    fn read(obj: &Obj, name: Option<String>) -> Result<LogsSettings> {
        Ok(LogsSettings {
            path: obj.path.to_string(),
            name,
            datasource_uid: obj.non_empty_string("datasourceUid")?,
            tags: read_tags(obj, "tags", &DEFAULT_TAG_KEYS)?,
            start_shift: TimeShift::read(obj, "spanStartTimeShift", 0)?,
            end_shift: TimeShift::read(obj, "spanEndTimeShift", 0)?,
            filter_by_trace_id: obj.bool("filterByTraceID")?,
            filter_by_span_id: obj.bool("filterBySpanID")?,
            custom_query: custom_query(obj)?,
        })
    }

    /// Legacy `tracesToLogs` → V2 (docs/grafana.md §1.1): `mappedTags` when `mapTagNamesEnabled`,
    /// else the plain `tags` list; never custom.
    fn read_legacy(obj: &Obj) -> Result<LogsSettings> {
        let mut settings = LogsSettings::read(obj, None)?;
        settings.custom_query = None;
        if obj.bool("mapTagNamesEnabled")? {
            settings.tags = read_tags(obj, "mappedTags", &DEFAULT_TAG_KEYS)?;
        }
        Ok(settings)
    }
}

/// The trace data source's link settings, read from its `jsonData`.
#[derive(Debug, Clone, Default)]
pub struct TracingSettings {
    /// Logs destinations: `tracesToLogsV3` entries, else `tracesToLogsV2`, else legacy
    /// `tracesToLogs`.
    pub logs: Vec<LogsSettings>,
    /// `tracesToMetrics`, when present.
    pub metrics: Option<MetricsSettings>,
    /// `tracesToProfiles`, when present.
    pub profiles: Option<ProfilesSettings>,
}

impl TracingSettings {
    /// Reads `datasources[i].jsonData`.
    pub fn read(ds: &Datasource) -> Result<TracingSettings> {
        let path = join_path(&ds.path(), "jsonData");
        let Value::Object(map) = &ds.json_data else { return Ok(TracingSettings::default()) };
        let jd = Obj { map, path: &path };
        let block = |key: &str| -> Result<Option<(Value, String)>> {
            Ok(jd.get(key).map(|v| (v.clone(), jd.child_path(key))))
        };

        let mut logs = Vec::new();
        if let Some(items) = jd.array("tracesToLogsV3")? {
            let base = jd.child_path("tracesToLogsV3");
            for (i, item) in items.iter().enumerate() {
                let p = format!("{base}[{i}]");
                let o = Obj::of(item, &p)?;
                logs.push(LogsSettings::read(&o, o.string("name")?)?);
            }
        } else if let Some((v, p)) = block("tracesToLogsV2")? {
            logs.push(LogsSettings::read(&Obj::of(&v, &p)?, None)?);
        } else if let Some((v, p)) = block("tracesToLogs")? {
            logs.push(LogsSettings::read_legacy(&Obj::of(&v, &p)?)?);
        }

        let metrics = match block("tracesToMetrics")? {
            None => None,
            Some((v, p)) => {
                let o = Obj::of(&v, &p)?;
                let mut queries = Vec::new();
                if let Some(items) = o.array("queries")? {
                    let qpath = o.child_path("queries");
                    for (i, item) in items.iter().enumerate() {
                        let ip = format!("{qpath}[{i}]");
                        let q = Obj::of(item, &ip)?;
                        queries.push(MetricsQuery {
                            path: ip.clone(),
                            name: q.string("name")?,
                            query: q.string("query")?,
                        });
                    }
                }
                Some(MetricsSettings {
                    path: p.clone(),
                    datasource_uid: o.non_empty_string("datasourceUid")?,
                    tags: read_tags(&o, "tags", &DEFAULT_TAG_KEYS)?,
                    queries,
                    start_shift: TimeShift::read(&o, "spanStartTimeShift", -120_000)?,
                    end_shift: TimeShift::read(&o, "spanEndTimeShift", 120_000)?,
                })
            }
        };

        let profiles = match block("tracesToProfiles")? {
            None => None,
            Some((v, p)) => {
                let o = Obj::of(&v, &p)?;
                Some(ProfilesSettings {
                    path: p.clone(),
                    datasource_uid: o.non_empty_string("datasourceUid")?,
                    tags: read_tags(&o, "tags", &DEFAULT_PROFILE_TAG_KEYS)?,
                    profile_type_id: o.string("profileTypeId")?.unwrap_or_default(),
                    custom_query: custom_query(&o)?,
                })
            }
        };
        Ok(TracingSettings { logs, metrics, profiles })
    }
}

/// Reads each entry of the list `jsonData.<key>` of a data source with `read(entry, path)`.
fn json_data_list<T>(
    ds: &Datasource,
    key: &str,
    read: impl Fn(&Obj, String) -> Result<T>,
) -> Result<Vec<T>> {
    let path = join_path(&ds.path(), "jsonData");
    let Value::Object(map) = &ds.json_data else { return Ok(Vec::new()) };
    let jd = Obj { map, path: &path };
    let Some(items) = jd.array(key)? else { return Ok(Vec::new()) };
    let base = jd.child_path(key);
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let p = format!("{base}[{i}]");
            read(&Obj::of(item, &p)?, p.clone())
        })
        .collect()
}

/// Reads a Loki data source's `derivedFields`.
pub fn derived_fields(ds: &Datasource) -> Result<Vec<DerivedFieldSettings>> {
    json_data_list(ds, "derivedFields", |o, path| {
        Ok(DerivedFieldSettings {
            path,
            name: o.string("name")?.unwrap_or_default(),
            matcher_type: o.non_empty_string("matcherType")?.unwrap_or_else(|| "regex".into()),
            matcher_regex: o.string("matcherRegex")?.unwrap_or_default(),
            url: o.non_empty_string("url")?,
            url_display_label: o.non_empty_string("urlDisplayLabel")?,
            datasource_uid: o.non_empty_string("datasourceUid")?,
            target_blank: o.bool("targetBlank")?,
        })
    })
}

/// Reads a Prometheus data source's `exemplarTraceIdDestinations`.
pub fn exemplar_destinations(ds: &Datasource) -> Result<Vec<ExemplarSettings>> {
    json_data_list(ds, "exemplarTraceIdDestinations", |o, path| {
        Ok(ExemplarSettings {
            path,
            name: o.string("name")?.unwrap_or_default(),
            datasource_uid: o.non_empty_string("datasourceUid")?,
            url: o.non_empty_string("url")?,
            url_display_label: o.non_empty_string("urlDisplayLabel")?,
        })
    })
}

//! The [`Correlator`]: settings read and compiled once, then links for any span, log line or
//! exemplar.

use serde_json::Value;

use crate::error::{Error, ErrorCode, Result};
use crate::explore::TimeRange;
use crate::model::Trace;
use crate::query::logs::LogsTarget;
use crate::settings::{
    CorrelationKind, CorrelationSettings, Datasource, DerivedFieldSettings, ExemplarSettings,
    LogsSettings, MetricsSettings, ProfilesSettings, Provisioning, Signal, TracingSettings,
};
use crate::template::Template;
use crate::transform::Transformation;

mod compiled;
mod correlation;
mod derived;
mod explain;
mod frame;
mod internal;
mod logs;
mod metrics;
mod set;
mod span;
mod types;

pub(crate) use compiled::{first_unresolved as first_unresolved_or, CompiledValue};
pub use set::LinkSet;
pub use types::{ExplainVariable, Explanation, InternalLink, Link, LinkTarget, LinkType, Outcome};

/// Grafana feature toggles that change link shapes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Features {
    /// `grafana.dynamicTraceToLogs`: Loki logs links carry alternative queries (docs/grafana.md §3.2).
    pub dynamic_trace_to_logs: bool,
}

/// How a [`Correlator`] is built.
///
/// ```
/// use spanlink::{Correlator, Options};
/// // Two trace data sources: pick the second one, and serve Grafana under /grafana.
/// let settings = r#"{"datasources": [
///   {"name": "Jaeger", "type": "jaeger", "uid": "jaeger"},
///   {"name": "Tempo", "type": "tempo", "uid": "tempo",
///    "jsonData": {"tracesToLogsV2": {"datasourceUid": "loki", "tags": [{"key": "service.name"}]}}},
///   {"name": "Loki", "type": "loki", "uid": "loki"}]}"#;
/// let options = Options {
///     tracing_datasource: Some("tempo".into()),
///     app_sub_url: "/grafana".into(),
///     ..Options::default()
/// };
/// let correlator = Correlator::new(settings, options)?;
/// assert_eq!(correlator.tracing_datasource().unwrap().name, "Tempo");
/// let trace = spanlink::Trace::from_json(
///     r#"{"resourceSpans": [{"resource": {"attributes": [
///   {"key": "service.name", "value": {"stringValue": "cart"}}]},
///   "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
///   "name": "GET /cart", "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000"}]}]}]}"#,
/// )?;
/// let links = correlator.span_links(&trace, "6605c7b08e715d6c")?;
/// assert!(links[0].href.starts_with("/grafana/explore?left="));
///
/// // An unknown trace data source is an error, not a silent default.
/// let bad = Options { tracing_datasource: Some("zipkin".into()), ..Options::default() };
/// let err = Correlator::new(settings, bad).err().unwrap();
/// assert_eq!(err.code, spanlink::ErrorCode::UnknownDatasource);
/// assert_eq!(err.path, "options.tracingDatasource");
/// # Ok::<(), spanlink::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// Uid or name of the trace data source whose `jsonData` drives span links; default: the first
    /// data source of type tempo, jaeger or zipkin.
    pub tracing_datasource: Option<String>,
    /// Grafana's `appSubUrl`, prefixed to every Explore href.
    pub app_sub_url: String,
    /// Grafana feature toggles that change link shapes.
    pub features: Features,
}

/// Why a rule cannot link: a reason code and a sentence (docs/beyond.md §2).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reason {
    pub code: &'static str,
    pub message: String,
}

impl Reason {
    pub fn new(code: &'static str, message: impl Into<String>) -> Reason {
        Reason { code, message: message.into() }
    }
}

/// A rule's target data source, resolved once.
pub(crate) type Resolved = std::result::Result<usize, Reason>;

pub(crate) struct LogsRule {
    pub settings: LogsSettings,
    pub target: std::result::Result<(usize, LogsTarget), Reason>,
    /// The custom query, compiled (or why it does not compile).
    pub custom: Option<Result<Template>>,
}

pub(crate) struct MetricsRule {
    pub settings: MetricsSettings,
    pub datasource: Resolved,
    pub queries: Vec<Option<Result<Template>>>,
}

pub(crate) struct ProfilesRule {
    pub settings: ProfilesSettings,
    pub datasource: Resolved,
    /// `query` of the Tempo data link: label selector, span selector and so on, compiled.
    pub query: Result<CompiledValue>,
    /// Grafana's profile rule needs the `grafana-pyroscope-datasource` type.
    pub is_pyroscope: bool,
}

/// What a correlation's link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CorrelationTarget {
    /// The data source at this index of the document.
    Datasource(usize),
    /// The URL of the correlation's target.
    External,
}

pub(crate) struct CorrelationRule {
    pub settings: CorrelationSettings,
    pub target: std::result::Result<CorrelationTarget, Reason>,
    pub transformations: Result<Vec<Transformation>>,
    pub label: Result<Option<Template>>,
    /// The query object (query type) or the URL (external type), compiled.
    pub body: Result<CompiledValue>,
    /// Whether the templates read the trace frame's row (`__data`, a field by name,
    /// `__targetField`): building those variables is most of a data link's cost.
    pub reads_row: bool,
    /// Whether the templates read `__value` (the link's own field, as a value).
    pub reads_value: bool,
}

pub(crate) struct DerivedRule {
    pub settings: DerivedFieldSettings,
    pub regex: Result<crate::jsregex::JsRegex>,
    pub target: Option<Resolved>,
    pub url: Result<Template>,
    pub label: Result<Option<Template>>,
}

pub(crate) struct ExemplarRule {
    pub settings: ExemplarSettings,
    pub target: Option<Resolved>,
    pub url: Result<Option<Template>>,
    pub label: Result<Option<Template>>,
}

/// Span links, explanations and lint for one provisioning document. Build it once (settings are
/// parsed, validated, templates and regexes compiled), then ask for many spans.
///
/// ```
/// let settings = r#"{"datasources": [
///   {"name": "Tempo", "type": "tempo", "uid": "tempo",
///    "jsonData": {"tracesToLogsV2": {"datasourceUid": "loki", "tags": [{"key": "service.name"}]}}},
///   {"name": "Loki", "type": "loki", "uid": "loki"}]}"#;
/// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default()).unwrap();
/// let trace = spanlink::Trace::from_json(r#"{"resourceSpans": [{"resource": {"attributes": [
///   {"key": "service.name", "value": {"stringValue": "cart"}}]},
///   "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
///   "name": "GET /cart", "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000"}]}]}]}"#).unwrap();
/// let links = correlator.span_links(&trace, "6605c7b08e715d6c").unwrap();
/// assert_eq!(links[0].title, "Related logs");
/// assert_eq!(links[0].internal.as_ref().unwrap().query["expr"], r#"{service_name="cart"}"#);
/// ```
pub struct Correlator {
    pub(crate) provisioning: Provisioning,
    pub(crate) options: Options,
    pub(crate) tracing: Option<usize>,
    pub(crate) logs: Vec<LogsRule>,
    pub(crate) metrics: Option<MetricsRule>,
    pub(crate) profiles: Option<ProfilesRule>,
    /// Correlations whose source is the tracing data source.
    pub(crate) span_correlations: Vec<CorrelationRule>,
    /// Correlations from any other source (Loki-sourced ones feed `log_links`).
    pub(crate) other_correlations: Vec<CorrelationRule>,
    pub(crate) derived: Vec<(usize, Vec<DerivedRule>)>,
    pub(crate) exemplars: Vec<(usize, Vec<ExemplarRule>)>,
    pub(crate) diagnostics: Vec<crate::diagnostics::Diagnostic>,
}

/// What a [`Correlator`] can be built from: the provisioning document as JSON text or parsed.
pub trait ProvisioningSource {
    /// Parses and validates the settings and compiles them into a [`Correlator`].
    fn build(&self, options: Options) -> Result<Correlator>;
}

impl ProvisioningSource for str {
    fn build(&self, options: Options) -> Result<Correlator> {
        let doc: Value = serde_json::from_str(self).map_err(|e| {
            crate::limits::json_error(
                self,
                "",
                "the settings",
                "the settings are not valid JSON",
                e,
            )
        })?;
        Correlator::from_value(&doc, options)
    }
}

impl ProvisioningSource for String {
    fn build(&self, options: Options) -> Result<Correlator> {
        self.as_str().build(options)
    }
}

impl ProvisioningSource for Value {
    fn build(&self, options: Options) -> Result<Correlator> {
        Correlator::from_value(self, options)
    }
}

impl Correlator {
    /// Builds a correlator from the provisioning document, as JSON text or a parsed
    /// `serde_json::Value`.
    pub fn new<P: ProvisioningSource + ?Sized>(
        provisioning: &P,
        options: Options,
    ) -> Result<Correlator> {
        provisioning.build(options)
    }

    /// Builds a correlator from the parsed provisioning document.
    pub fn from_value(doc: &Value, options: Options) -> Result<Correlator> {
        check_app_sub_url(&options.app_sub_url)?;
        let provisioning = Provisioning::from_value(doc)?;
        let tracing = match &options.tracing_datasource {
            Some(reference) => {
                let ds = provisioning.find(reference).ok_or_else(|| {
                    let hint = provisioning
                        .find_ignoring_case(reference)
                        .map(|d| format!(" (did you mean {:?}?)", d.reference()))
                        .unwrap_or_default();
                    Error::new(
                        ErrorCode::UnknownDatasource,
                        "options.tracingDatasource",
                        format!("no data source has uid or name {reference:?}{hint}"),
                    )
                })?;
                Some(ds.index)
            }
            None => provisioning.datasources.iter().find(|d| d.is_tracing()).map(|d| d.index),
        };
        let settings = match tracing {
            Some(i) => TracingSettings::read(&provisioning.datasources[i])?,
            None => TracingSettings::default(),
        };
        let resolve = |reference: &Option<String>| resolve(&provisioning, reference.as_deref());

        let logs: Vec<LogsRule> = settings
            .logs
            .into_iter()
            .map(|s| {
                let target = resolve(&s.datasource_uid).and_then(|i| {
                    let ds = &provisioning.datasources[i];
                    LogsTarget::of(ds.family).map(|t| (i, t)).ok_or_else(|| unsupported(ds, "logs"))
                });
                let custom = s
                    .custom_query
                    .as_deref()
                    .map(|q| Template::parse(q).map_err(|e| e.at(&format!("{}.query", s.path))));
                LogsRule { settings: s, target, custom }
            })
            .collect();

        let metrics = settings.metrics.map(|s| {
            let datasource = resolve(&s.datasource_uid).and_then(|i| {
                let ds = &provisioning.datasources[i];
                if ds.family.links(Signal::Metrics) {
                    Ok(i)
                } else {
                    Err(unsupported(ds, "metrics"))
                }
            });
            let queries =
                s.queries
                    .iter()
                    .map(|q| {
                        q.query.as_deref().filter(|t| !t.is_empty()).map(|t| {
                            Template::parse(t).map_err(|e| e.at(&format!("{}.query", q.path)))
                        })
                    })
                    .collect();
            MetricsRule { settings: s, datasource, queries }
        });

        let profiles = settings.profiles.map(|s| {
            let datasource = resolve(&s.datasource_uid);
            let is_pyroscope = datasource
                .as_ref()
                .is_ok_and(|&i| provisioning.datasources[i].family.links(Signal::Profiles));
            let query = CompiledValue::compile(&serde_json::json!({
                "labelSelector": s.custom_query.clone().unwrap_or_else(|| "{${__tags}}".into()),
                "groupBy": [],
                "profileTypeId": s.profile_type_id,
                "queryType": "profile",
                "spanSelector": ["${__span.tags[\"pyroscope.profile.id\"]}"],
                "refId": "profile",
            }))
            .map_err(|e| e.at(&format!("{}.query", s.path)));
            ProfilesRule { settings: s, datasource, query, is_pyroscope }
        });

        let tracing_ref = tracing.map(|i| provisioning.datasources[i].reference().to_string());
        let mut span_correlations = Vec::new();
        let mut other_correlations = Vec::new();
        for c in &provisioning.correlations {
            let rule = compile_correlation(&provisioning, c.clone());
            let source = provisioning.find(&c.source_uid).map(|d| d.reference().to_string());
            if source.is_some() && source == tracing_ref {
                span_correlations.push(rule);
            } else {
                other_correlations.push(rule);
            }
        }

        let mut derived = Vec::new();
        let mut exemplars = Vec::new();
        for ds in &provisioning.datasources {
            let fields = crate::settings::derived_fields(ds)?;
            if !fields.is_empty() {
                derived.push((
                    ds.index,
                    fields.into_iter().map(|f| compile_derived(&provisioning, f)).collect(),
                ));
            }
            let dests = crate::settings::exemplar_destinations(ds)?;
            if !dests.is_empty() {
                exemplars.push((
                    ds.index,
                    dests.into_iter().map(|d| compile_exemplar(&provisioning, d)).collect(),
                ));
            }
        }

        check_rule_count(&logs, &metrics, &provisioning, &derived, &exemplars)?;
        let diagnostics =
            crate::diagnostics::check_with(doc, options.tracing_datasource.as_deref());
        Ok(Correlator {
            provisioning,
            options,
            tracing,
            logs,
            metrics,
            profiles,
            span_correlations,
            other_correlations,
            derived,
            exemplars,
            diagnostics,
        })
    }

    /// Builds a correlator from a provisioning set (a directory's files, multi-document YAML):
    /// each diagnostic carries the file, line and column it points at, the set's own findings
    /// (unset environment variables, replaced data sources) first; an error names its file too.
    pub fn from_set(
        set: &crate::settings::ProvisioningSet,
        options: Options,
    ) -> Result<Correlator> {
        let mut correlator = Correlator::from_value(&set.document, options).map_err(|mut e| {
            if let Some(at) = set.locate(&e.path) {
                e.message = format!("{} ({})", e.message, at);
            }
            e
        })?;
        correlator.diagnostics = set.locate_all(&correlator.diagnostics);
        Ok(correlator)
    }

    /// The data source whose settings drive span links, if the document has one.
    pub fn tracing_datasource(&self) -> Option<&Datasource> {
        self.tracing.map(|i| &self.provisioning.datasources[i])
    }

    /// Every data source of the document, in order.
    pub fn datasources(&self) -> &[Datasource] {
        &self.provisioning.datasources
    }

    /// The settings lint (docs/beyond.md §3), computed once when the correlator was built.
    ///
    /// ```
    /// use spanlink::Severity;
    /// // "5 m" is not an interval: Grafana would throw when building the span's links.
    /// let settings = r#"{"datasources": [
    ///   {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {"tracesToLogsV2": {
    ///     "datasourceUid": "loki", "tags": [{"key": "service.name"}], "spanStartTimeShift": "5 m"}}},
    ///   {"name": "Loki", "type": "loki", "uid": "loki"}]}"#;
    /// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default())?;
    /// let finding = correlator.diagnostics().iter().find(|d| d.code == "INVALID_TIME_SHIFT").unwrap();
    /// assert_eq!(finding.severity, Severity::Error);
    /// assert_eq!(finding.path, "datasources[0].jsonData.tracesToLogsV2.spanStartTimeShift");
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn diagnostics(&self) -> &[crate::diagnostics::Diagnostic] {
        &self.diagnostics
    }

    /// The links Grafana's trace view shows for one span, in Grafana's order: logs, metrics,
    /// references, referenced-by, session, then data links (profiles, correlations).
    ///
    /// Fails like Grafana when a time shift of a rule does not parse (`INVALID_INTERVAL`, naming
    /// the setting), and with `SPAN_NOT_FOUND` for an unknown span id.
    ///
    /// ```
    /// let settings = r#"{"datasources": [
    ///   {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {"tracesToMetrics": {
    ///     "datasourceUid": "prom", "tags": [{"key": "service.name", "value": "service"}],
    ///     "queries": [{"name": "Request rate", "query": "sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))"}]}}},
    ///   {"name": "Prometheus", "type": "prometheus", "uid": "prom"}]}"#;
    /// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default())?;
    /// let trace = spanlink::Trace::from_json(
    ///     r#"{"resourceSpans": [{"resource": {"attributes": [
    ///   {"key": "service.name", "value": {"stringValue": "cart"}}]},
    ///   "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
    ///   "name": "GET /cart", "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000"}]}]}]}"#,
    /// )?;
    /// let links = correlator.span_links(&trace, "6605c7b08e715d6c")?;
    /// assert_eq!(links[0].kind, spanlink::LinkType::Metrics);
    /// assert_eq!(links[0].title, "Request rate");
    /// let internal = links[0].internal.as_ref().unwrap();
    /// assert_eq!(
    ///     internal.query["expr"],
    ///     r#"sum(rate(traces_spanmetrics_calls_total{service="cart"}[5m]))"#
    /// );
    /// // Grafana's default metrics window: the span ±2 minutes.
    /// assert_eq!(
    ///     internal.range,
    ///     Some(spanlink::TimeRange { from: 1602637080000.0, to: 1602637321000.0 })
    /// );
    ///
    /// let err = correlator.span_links(&trace, "0000000000000000").unwrap_err();
    /// assert_eq!(err.code, spanlink::ErrorCode::SpanNotFound);
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn span_links(&self, trace: &Trace, span_id: &str) -> Result<Vec<Link>> {
        let span = trace.require_span(span_id)?;
        span::SpanLinks::new(self, trace, span, &Default::default()).links(None)
    }

    /// Every span's links, in span order, as `(span id, links)` pairs: [`Correlator::span_links`]
    /// for the whole trace at once.
    ///
    /// ```
    /// let settings = r#"{"datasources": [
    ///   {"name": "Tempo", "type": "tempo", "uid": "tempo",
    ///    "jsonData": {"tracesToLogsV2": {"datasourceUid": "loki", "tags": [{"key": "service.name"}]}}},
    ///   {"name": "Loki", "type": "loki", "uid": "loki"}]}"#;
    /// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default())?;
    /// let trace = spanlink::Trace::from_json(
    ///     r#"{"resourceSpans": [{"resource": {"attributes": [
    ///   {"key": "service.name", "value": {"stringValue": "cart"}}]},
    ///   "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
    ///   "name": "GET /cart", "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000"}]}]}]}"#,
    /// )?;
    /// let all = correlator.trace_links(&trace)?;
    /// assert_eq!(all.len(), 1);
    /// let (span_id, links) = &all[0];
    /// assert_eq!(span_id, "6605c7b08e715d6c");
    /// assert_eq!(links[0].internal.as_ref().unwrap().query["expr"], r#"{service_name="cart"}"#);
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn trace_links(&self, trace: &Trace) -> Result<Vec<(String, Vec<Link>)>> {
        let mut all = Vec::with_capacity(trace.spans.len());
        self.each_span_links(trace, |span_id, links| all.push((span_id.to_string(), links)))?;
        Ok(all)
    }

    /// Every span's links, kept in a [`LinkSet`] to read span by span (kinds without hrefs,
    /// one span's links): what a trace view's waterfall needs.
    pub fn link_set(&self, trace: &Trace) -> Result<LinkSet> {
        let mut set = LinkSet::default();
        self.each_span_links(trace, |_, links| set.push_span(links))?;
        Ok(set)
    }

    /// Every span's links, handed to `f` span by span (in span order) instead of collected:
    /// for callers that write them out as they come, such as the wasm binding.
    pub fn each_span_links(&self, trace: &Trace, mut f: impl FnMut(&str, Vec<Link>)) -> Result<()> {
        // Spans of one resource come together: their transformation inputs often repeat.
        let memo = correlation::TransformMemo::default();
        for span in &trace.spans {
            f(&span.span_id, span::SpanLinks::new(self, trace, span, &memo).links(None)?);
        }
        Ok(())
    }

    /// For every configured rule, whether it links this span and why not (docs/beyond.md §2).
    ///
    /// ```
    /// use spanlink::Outcome;
    /// // The logs rule matches on a pod name, but the span's resource has none.
    /// let settings = r#"{"datasources": [
    ///   {"name": "Tempo", "type": "tempo", "uid": "tempo",
    ///    "jsonData": {"tracesToLogsV2": {"datasourceUid": "loki", "tags": [{"key": "k8s.pod.name", "value": "pod"}]}}},
    ///   {"name": "Loki", "type": "loki", "uid": "loki"}]}"#;
    /// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default())?;
    /// let trace = spanlink::Trace::from_json(
    ///     r#"{"resourceSpans": [{"resource": {"attributes": [
    ///   {"key": "service.name", "value": {"stringValue": "cart"}}]},
    ///   "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
    ///   "name": "GET /cart", "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000"}]}]}]}"#,
    /// )?;
    /// let report = correlator.explain(&trace, "6605c7b08e715d6c")?;
    /// assert_eq!(report[0].origin, "datasources[0].jsonData.tracesToLogsV2");
    /// assert_eq!(report[0].outcome, Outcome::Suppressed);
    /// assert_eq!(report[0].code, "NO_TAG_MATCHED");
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn explain(&self, trace: &Trace, span_id: &str) -> Result<Vec<Explanation>> {
        let span = trace.require_span(span_id)?;
        let mut explanations = Vec::new();
        // Errors (a bad time shift) are explained per rule; the report itself never fails.
        let _ = span::SpanLinks::new(self, trace, span, &Default::default())
            .links(Some(&mut explanations));
        Ok(explanations)
    }

    /// The trace-level "Logs for this trace" link (docs/grafana.md §3.7), from the first logs rule:
    /// the root span's tags, the trace id, the whole trace's time window. `None` when no logs
    /// rule links.
    ///
    /// ```
    /// let settings = r#"{"datasources": [
    ///   {"name": "Tempo", "type": "tempo", "uid": "tempo", "jsonData": {"tracesToLogsV2": {
    ///     "datasourceUid": "loki", "tags": [{"key": "service.name"}], "filterByTraceID": true}}},
    ///   {"name": "Loki", "type": "loki", "uid": "loki"}]}"#;
    /// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default())?;
    /// let trace = spanlink::Trace::from_json(
    ///     r#"{"resourceSpans": [{"resource": {"attributes": [
    ///   {"key": "service.name", "value": {"stringValue": "cart"}}]},
    ///   "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
    ///   "name": "GET /cart", "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000"}]}]}]}"#,
    /// )?;
    /// let link = correlator.trace_logs_link(&trace)?.expect("a logs link");
    /// assert_eq!(link.title, "Logs for this trace");
    /// let expr = link.internal.as_ref().unwrap().query["expr"].as_str().unwrap();
    /// assert!(expr.starts_with(r#"{service_name="cart"} | "#));
    /// assert!(expr.ends_with(r#"trace_id="7946b05c2e2e4e5a7946b05c2e2e4e5a""#));
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn trace_logs_link(&self, trace: &Trace) -> Result<Option<Link>> {
        logs::trace_logs_link(self, trace)
    }

    /// Links of a log line of the Loki data source `loki` (uid or name): its derived fields
    /// (docs/grafana.md §8) and Loki-sourced correlations. `labels` are the stream labels. The links
    /// carry no time range; see [`Correlator::log_links_in_range`].
    ///
    /// ```
    /// // A derived field that turns `traceID=…` in a log line into a link to the trace in Tempo.
    /// let settings = r#"{"datasources": [
    ///   {"name": "Tempo", "type": "tempo", "uid": "tempo"},
    ///   {"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {"derivedFields": [
    ///     {"name": "TraceID", "matcherRegex": "traceID=(\\w+)", "url": "${__value.raw}", "datasourceUid": "tempo"}]}}]}"#;
    /// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default())?;
    /// let line = "level=info traceID=7946b05c2e2e4e5a7946b05c2e2e4e5a msg=\"cart updated\"";
    /// let labels = [("service_name".to_string(), "cart".to_string())];
    /// let links = correlator.log_links("loki", line, &labels)?;
    /// assert_eq!(links[0].title, "Tempo"); // no urlDisplayLabel: the data source name
    /// let internal = links[0].internal.as_ref().unwrap();
    /// assert_eq!(internal.query["query"], "7946b05c2e2e4e5a7946b05c2e2e4e5a");
    /// assert_eq!(internal.query["queryType"], "traceql");
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn log_links(
        &self,
        loki: &str,
        line: &str,
        labels: &[(String, String)],
    ) -> Result<Vec<Link>> {
        derived::log_links(self, loki, line, labels, None, &mut explain::Explainer::off())
    }

    /// [`Correlator::log_links`] with the Explore time range (epoch ms) the links open.
    pub fn log_links_in_range(
        &self,
        loki: &str,
        line: &str,
        labels: &[(String, String)],
        range: Option<TimeRange>,
    ) -> Result<Vec<Link>> {
        derived::log_links(self, loki, line, labels, range, &mut explain::Explainer::off())
    }

    /// For every derived field of the Loki data source `loki` and every correlation from it,
    /// whether it links this log line and why not (`NO_MATCH`, `SHADOWED_DERIVED_FIELD`,
    /// `UNRESOLVED_VARIABLE`, …; docs/beyond.md §2). Never fails on the settings: a broken
    /// regex or template is that rule's explanation.
    ///
    /// ```
    /// // Two fields named TraceID: Grafana runs only the first one's regex on every line.
    /// let settings = r#"{"datasources": [
    ///   {"name": "Tempo", "type": "tempo", "uid": "tempo"},
    ///   {"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {"derivedFields": [
    ///     {"name": "TraceID", "matcherRegex": "\"trace_id\":\"(\\w+)\"", "url": "${__value.raw}", "datasourceUid": "tempo"},
    ///     {"name": "TraceID", "matcherRegex": "trace_id=(\\w+)", "url": "${__value.raw}", "datasourceUid": "tempo"}]}}]}"#;
    /// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default())?;
    /// let report = correlator.explain_log_line("loki", "level=info trace_id=7946b05c2e2e4e5a", &[])?;
    /// assert_eq!(report[0].code, "NO_MATCH");
    /// assert_eq!(report[1].code, "SHADOWED_DERIVED_FIELD");
    /// assert_eq!(report[1].origin, "datasources[1].jsonData.derivedFields[1]");
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn explain_log_line(
        &self,
        loki: &str,
        line: &str,
        labels: &[(String, String)],
    ) -> Result<Vec<Explanation>> {
        let mut explanations = Vec::new();
        let mut ex = explain::Explainer { list: Some(&mut explanations) };
        derived::log_links(self, loki, line, labels, None, &mut ex)?;
        Ok(explanations)
    }

    /// Links of an exemplar of the Prometheus data source `prometheus` (docs/grafana.md §9), by its
    /// labels (`trace_id`, …). The links carry no time range; see
    /// [`Correlator::exemplar_links_in_range`].
    ///
    /// ```
    /// let settings = r#"{"datasources": [
    ///   {"name": "Tempo", "type": "tempo", "uid": "tempo"},
    ///   {"name": "Prometheus", "type": "prometheus", "uid": "prom", "jsonData": {
    ///     "exemplarTraceIdDestinations": [{"name": "trace_id", "datasourceUid": "tempo"}]}}]}"#;
    /// let correlator = spanlink::Correlator::new(settings, spanlink::Options::default())?;
    /// let exemplar = [("trace_id".to_string(), "7946b05c2e2e4e5a7946b05c2e2e4e5a".to_string())];
    /// let links = correlator.exemplar_links("prom", &exemplar)?;
    /// assert_eq!(links[0].title, "Query with Tempo");
    /// assert_eq!(
    ///     links[0].internal.as_ref().unwrap().query["query"],
    ///     "7946b05c2e2e4e5a7946b05c2e2e4e5a"
    /// );
    /// # Ok::<(), spanlink::Error>(())
    /// ```
    pub fn exemplar_links(
        &self,
        prometheus: &str,
        labels: &[(String, String)],
    ) -> Result<Vec<Link>> {
        derived::exemplar_links(self, prometheus, labels, None)
    }

    /// [`Correlator::exemplar_links`] with the Explore time range (epoch ms) the links open.
    pub fn exemplar_links_in_range(
        &self,
        prometheus: &str,
        labels: &[(String, String)],
        range: Option<TimeRange>,
    ) -> Result<Vec<Link>> {
        derived::exemplar_links(self, prometheus, labels, range)
    }

    pub(crate) fn datasource(&self, index: usize) -> &Datasource {
        &self.provisioning.datasources[index]
    }
}

/// The rule-count limit (`crate::limits::RULES`): the error names the first rule past it.
fn check_rule_count(
    logs: &[LogsRule],
    metrics: &Option<MetricsRule>,
    provisioning: &Provisioning,
    derived: &[(usize, Vec<DerivedRule>)],
    exemplars: &[(usize, Vec<ExemplarRule>)],
) -> Result<()> {
    let paths = logs
        .iter()
        .map(|r| &r.settings.path)
        .chain(metrics.iter().flat_map(|m| m.settings.queries.iter().map(|q| &q.path)))
        .chain(provisioning.correlations.iter().map(|c| &c.path))
        .chain(derived.iter().flat_map(|(_, rules)| rules.iter().map(|r| &r.settings.path)))
        .chain(exemplars.iter().flat_map(|(_, rules)| rules.iter().map(|r| &r.settings.path)));
    let paths: Vec<&String> = paths.collect();
    match paths.get(crate::limits::RULES) {
        Some(past) => Err(crate::limits::exceeded(
            past.as_str(),
            "the number of rules",
            paths.len(),
            crate::limits::RULES,
        )),
        None => Ok(()),
    }
}

/// `appSubUrl` prefixes every Explore href: it must be a path on Grafana's host (`/grafana`),
/// as Grafana's own setting always is, never a scheme or another host.
fn check_app_sub_url(app_sub_url: &str) -> Result<()> {
    let probe = format!("{}/explore", app_sub_url.trim_end_matches('/'));
    if !(app_sub_url.is_empty() || app_sub_url.starts_with('/'))
        || crate::href::check(&probe, "/").is_err()
    {
        return Err(Error::new(
            ErrorCode::InvalidArgument,
            "options.appSubUrl",
            format!("{app_sub_url:?} is not a path on Grafana's host such as \"/grafana\""),
        ));
    }
    Ok(())
}

/// Resolves a `datasourceUid` setting, explaining a miss.
pub(crate) fn resolve(provisioning: &Provisioning, reference: Option<&str>) -> Resolved {
    let Some(reference) = reference else {
        return Err(Reason::new("NO_DATASOURCE", "no `datasourceUid` is set"));
    };
    if let Some(ds) = provisioning.find(reference) {
        return Ok(ds.index);
    }
    let hint = match provisioning.find_ignoring_case(reference) {
        Some(ds) => {
            format!("; {:?} differs only in case (uids are case-sensitive)", ds.reference())
        }
        None => String::new(),
    };
    Err(Reason::new(
        "UNKNOWN_DATASOURCE",
        format!("no data source has uid or name {reference:?}{hint}"),
    ))
}

fn unsupported(ds: &Datasource, signal: &str) -> Reason {
    Reason::new(
        "UNSUPPORTED_TYPE",
        format!(
            "data source {:?} has type {:?}, which Grafana does not link {signal} to",
            ds.name, ds.kind
        ),
    )
}

fn compile_correlation(
    provisioning: &Provisioning,
    settings: CorrelationSettings,
) -> CorrelationRule {
    let target = match settings.kind {
        CorrelationKind::External => Ok(CorrelationTarget::External),
        CorrelationKind::Query => {
            resolve(provisioning, settings.target_uid.as_deref()).map(CorrelationTarget::Datasource)
        }
    };
    let transformations = crate::transform::compile_all(
        &settings.transformations,
        &format!("{}.config.transformations", settings.path),
    );
    let label = settings
        .label
        .as_deref()
        .filter(|l| !l.is_empty())
        .map(Template::parse)
        .transpose()
        .map_err(|e| e.at(&format!("{}.label", settings.path)));
    let body = if settings.kind == CorrelationKind::External {
        let url = settings.target.get("url").cloned().unwrap_or(Value::String(String::new()));
        CompiledValue::compile(&url)
            .map_err(|e| e.at(&format!("{}.config.target.url", settings.path)))
    } else {
        CompiledValue::compile(&settings.target)
            .map_err(|e| e.at(&format!("{}.config.target", settings.path)))
    };
    let (mut reads_row, mut reads_value) = (false, false);
    let mut check = |name: &str| {
        reads_row |=
            name == "__data" || name == "__targetField" || frame::is_grafana_frame_field(name);
        reads_value |= name == "__value";
    };
    if let Ok(b) = &body {
        b.for_each_name(&mut check);
    }
    if let Ok(Some(l)) = &label {
        l.placeholders().iter().for_each(|p| check(&p.name));
    }
    CorrelationRule { settings, target, transformations, label, body, reads_row, reads_value }
}

fn compile_derived(provisioning: &Provisioning, settings: DerivedFieldSettings) -> DerivedRule {
    // Grafana: `new RegExp(matcherRegex)`, no flags.
    let regex = crate::jsregex::JsRegex::new(&settings.matcher_regex, false).map_err(|m| {
        Error::new(ErrorCode::InvalidRegex, format!("{}.matcherRegex", settings.path), m)
    });
    let target = settings.datasource_uid.as_deref().map(|uid| resolve(provisioning, Some(uid)));
    let url = Template::parse(settings.url.as_deref().unwrap_or(""))
        .map_err(|e| e.at(&format!("{}.url", settings.path)));
    let label = settings
        .url_display_label
        .as_deref()
        .map(Template::parse)
        .transpose()
        .map_err(|e| e.at(&format!("{}.urlDisplayLabel", settings.path)));
    DerivedRule { settings, regex, target, url, label }
}

fn compile_exemplar(provisioning: &Provisioning, settings: ExemplarSettings) -> ExemplarRule {
    let target = settings.datasource_uid.as_deref().map(|uid| resolve(provisioning, Some(uid)));
    let url = settings
        .url
        .as_deref()
        .map(Template::parse)
        .transpose()
        .map_err(|e| e.at(&format!("{}.url", settings.path)));
    let label = settings
        .url_display_label
        .as_deref()
        .map(Template::parse)
        .transpose()
        .map_err(|e| e.at(&format!("{}.urlDisplayLabel", settings.path)));
    ExemplarRule { settings, target, url, label }
}

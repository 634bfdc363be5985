//! One span's links, in Grafana's order (grafana.md §3–§7), with an optional explanation of every
//! rule (beyond.md §2).

use serde_json::{json, Map, Value};
use std::cell::RefCell;

use super::{first_unresolved_or, CorrelationRule, Correlator, LogsRule, Reason};
use super::{ExplainVariable, Explanation, InternalLink, Link, LinkTarget, LinkType, Outcome};
use crate::error::Result;
use crate::explore::{left_url, time_window, with_datasource_ref, ExploreRange, TimeRange, Widen};
use crate::js::{json_stringify, number_value, to_js_string};
use crate::model::{KeyValue, RefType, Span, Trace};
use crate::query::logs::{loki_alternatives, LogsFor, LogsTarget};
use crate::query::{formatted_tags, tag_matchers, Lang, TagStyle};
use crate::settings::{Datasource, Family, TagMapping, TimeShift};
use crate::template::{RenderOptions, Scope, ScopedVar, ScopedVars, Template, VarUsage};

/// The attribute Grafana's profile rule looks for on a span.
pub(crate) const PROFILE_ID_KEY: &str = "pyroscope.profile.id";

/// The fields of Grafana's trace data frame, in order: correlations attach to them by name.
pub(crate) const FRAME_FIELDS: [&str; 17] = [
    "traceID",
    "spanID",
    "parentSpanID",
    "operationName",
    "serviceName",
    "kind",
    "statusCode",
    "statusMessage",
    "instrumentationLibraryName",
    "instrumentationLibraryVersion",
    "traceState",
    "serviceTags",
    "startTime",
    "duration",
    "logs",
    "references",
    "tags",
];

/// Collects explanations when asked to; free otherwise.
pub(crate) struct Explainer<'e> {
    list: Option<&'e mut Vec<Explanation>>,
}

impl Explainer<'_> {
    /// An explainer that records nothing.
    pub fn off() -> Explainer<'static> {
        Explainer { list: None }
    }

    pub fn on(&self) -> bool {
        self.list.is_some()
    }

    pub fn add(&mut self, make: impl FnOnce() -> Explanation) {
        if let Some(list) = self.list.as_deref_mut() {
            list.push(make());
        }
    }

    pub fn suppressed(&mut self, origin: &str, reason: &Reason, variables: Vec<ExplainVariable>) {
        self.add(|| Explanation {
            origin: origin.to_string(),
            outcome: Outcome::Suppressed,
            code: reason.code,
            message: reason.message.clone(),
            variables,
        });
    }

    pub fn linked(
        &mut self,
        origin: &str,
        message: impl FnOnce() -> String,
        variables: Vec<ExplainVariable>,
    ) {
        self.add(|| Explanation {
            origin: origin.to_string(),
            outcome: Outcome::Link,
            code: "LINKED",
            message: message(),
            variables,
        });
    }
}

/// `__span` of a span (grafana.md §2): tags are resource then span attributes, later keys winning.
pub(crate) fn span_var(span: &Span) -> ScopedVar {
    let mut tags = Map::new();
    for kv in span.service_tags.iter().chain(span.tags.iter()) {
        tags.insert(kv.key.clone(), kv.value.clone());
    }
    ScopedVar {
        value: json!({
            "spanId": span.span_id,
            "traceId": span.trace_id,
            "duration": number_value(span.duration),
            "name": span.operation_name,
            "tags": Value::Object(tags),
        }),
        text: Some("Span".into()),
    }
}

/// `__trace` (grafana.md §2): the whole trace's duration, name and id.
pub(crate) fn trace_var(trace: &Trace) -> ScopedVar {
    let (_, duration) = trace.time_bounds();
    ScopedVar {
        value: json!({ "duration": number_value(duration), "name": trace.name(), "traceId": trace.trace_id() }),
        text: Some("Trace".into()),
    }
}

/// A shift's milliseconds, or the error Grafana throws when building links.
fn shift_ms(shift: &TimeShift) -> Result<i64> {
    shift.ms.clone()
}

/// The last inputs and results of each correlation's transformations. In a trace, the spans of
/// one resource come one after another, so inputs such as `serviceTags` repeat and their regexes
/// run once instead of once per span.
#[derive(Default)]
pub(crate) struct TransformMemo(RefCell<Vec<Option<(String, Transformed)>>>);

/// Transformation variables, the transformations that produced none, the one that gave up.
type Transformed = crate::transform::Report;

impl TransformMemo {
    fn get_or(&self, rule: usize, key: String, run: impl FnOnce() -> Transformed) -> Transformed {
        if let Some(Some((k, hit))) = self.0.borrow().get(rule) {
            if *k == key {
                return hit.clone();
            }
        }
        let result = run();
        let mut slots = self.0.borrow_mut();
        if slots.len() <= rule {
            slots.resize(rule + 1, None);
        }
        slots[rule] = Some((key, result.clone()));
        result
    }
}

pub(crate) struct SpanLinks<'a> {
    c: &'a Correlator,
    memo: &'a TransformMemo,
    trace: &'a Trace,
    span: &'a Span,
    vars: ScopedVars,
}

impl<'a> SpanLinks<'a> {
    pub fn new(
        c: &'a Correlator,
        trace: &'a Trace,
        span: &'a Span,
        memo: &'a TransformMemo,
    ) -> SpanLinks<'a> {
        let mut vars = ScopedVars::with_capacity(8);
        vars.insert("__trace".into(), trace_var(trace));
        vars.insert("__span".into(), span_var(span));
        SpanLinks { c, memo, trace, span, vars }
    }

    pub fn links(mut self, explain: Option<&mut Vec<Explanation>>) -> Result<Vec<Link>> {
        let mut ex = Explainer { list: explain };
        let mut links = Vec::new();
        for rule in &self.c.logs {
            if let Some(link) = self.logs_link(rule, &mut ex)? {
                links.push(link);
            }
        }
        self.metrics_links(&mut links, &mut ex)?;
        self.reference_links(&mut links, &mut ex);
        if let Some(link) = self.session_link() {
            links.push(link);
        }
        self.data_links(&mut links, &mut ex);
        Ok(links)
    }

    fn internal(
        &self,
        kind: LinkType,
        title: String,
        ds: &Datasource,
        query: Value,
        range: Option<TimeRange>,
        origin: &str,
    ) -> Link {
        internal_link(self.c, kind, title, ds, query, range, None, origin)
    }

    /// Trace → logs (grafana.md §3).
    fn logs_link(&mut self, rule: &LogsRule, ex: &mut Explainer) -> Result<Option<Link>> {
        let origin = &rule.settings.path;
        let (ds_index, target) = match &rule.target {
            Ok(t) => *t,
            Err(reason) => {
                ex.suppressed(origin, reason, Vec::new());
                return Ok(None);
            }
        };
        let ds = self.c.datasource(ds_index);
        let style = target.style();
        let settings = &rule.settings;
        let widen = if target == LogsTarget::Splunk { Widen::Splunk } else { Widen::Normal };
        let range = match (shift_ms(&settings.start_shift), shift_ms(&settings.end_shift)) {
            (Ok(s), Ok(e)) => time_window(self.span.start_time, self.span.duration, s, e, widen),
            (Err(err), _) | (_, Err(err)) => {
                if ex.on() {
                    ex.suppressed(
                        origin,
                        &Reason::new("INVALID_TIME_SHIFT", err.to_string()),
                        Vec::new(),
                    );
                    return Ok(None);
                }
                return Err(err);
            }
        };
        let matchers = tag_matchers(self.span, &settings.tags, style);
        let tag_vars = || tag_variables(self.span, &settings.tags);
        self.vars.insert(
            "__tags".into(),
            ScopedVar {
                value: Value::String(matchers.join(style.join)),
                text: Some("Tags".into()),
            },
        );

        let (query, alternatives, variables) = if let Some(custom) = &rule.custom {
            let template = match custom {
                Ok(t) => t,
                Err(err) => {
                    ex.suppressed(
                        origin,
                        &Reason::new("INVALID_TEMPLATE", err.to_string()),
                        Vec::new(),
                    );
                    return Ok(None);
                }
            };
            let rendered = template.render(
                &self.scope(),
                &RenderOptions { default_format: None, escaper: Some(&style.lang) },
            );
            if let Some(u) = first_unresolved_or(&rendered.usages) {
                ex.suppressed(
                    origin,
                    &unresolved_reason(u, &format!("{origin}.query")),
                    usage_variables(&rendered.usages),
                );
                return Ok(None);
            }
            (target.custom_query(rendered.text), None, usage_variables(&rendered.usages))
        } else {
            let built = if target == LogsTarget::Loki
                && self.c.options.features.dynamic_trace_to_logs
            {
                let names = service_names(std::iter::once(self.span));
                loki_alternatives(&matchers, &self.span.trace_id, Some(&self.span.span_id), &names)
                    .map(|alts| (alts[0].clone(), Some(alts)))
            } else {
                let ids = LogsFor {
                    trace_id: &self.span.trace_id,
                    span_id: Some(&self.span.span_id),
                    filter_by_trace_id: settings.filter_by_trace_id,
                    filter_by_span_id: settings.filter_by_span_id,
                };
                target.query(&matchers, ids).map(|q| (q, None))
            };
            match built {
                Some((q, alts)) => (q, alts, tag_vars()),
                None => {
                    ex.suppressed(
                        origin,
                        &no_tag_reason(self.span, &settings.tags, target),
                        tag_vars(),
                    );
                    return Ok(None);
                }
            }
        };
        let mut link =
            self.internal(LinkType::Logs, "Related logs".into(), ds, query, Some(range), origin);
        if let (Some(internal), Some(alts)) = (link.internal.as_mut(), alternatives) {
            internal.alternatives = Some(
                alts.into_iter()
                    .map(|mut q| {
                        with_datasource_ref(&mut q, ds.reference());
                        q
                    })
                    .collect(),
            );
        }
        let summary = logs_query_text(&link);
        let custom = rule.custom.as_ref().and_then(|t| t.as_ref().ok());
        ex.linked(
            origin,
            || with_notes(format!("logs in {:?}: {summary}", ds.name), custom),
            variables,
        );
        Ok(Some(link))
    }

    /// Trace → metrics (grafana.md §4): one link per query, never suppressed for variables.
    fn metrics_links(&mut self, links: &mut Vec<Link>, ex: &mut Explainer) -> Result<()> {
        let Some(rule) = &self.c.metrics else { return Ok(()) };
        let origin = &rule.settings.path;
        let ds = match &rule.datasource {
            Ok(i) => self.c.datasource(*i),
            Err(reason) => {
                ex.suppressed(origin, reason, Vec::new());
                return Ok(());
            }
        };
        if rule.settings.queries.is_empty() {
            ex.suppressed(
                origin,
                &Reason::new(
                    "NO_QUERIES",
                    "`queries` is empty or absent: Grafana makes one metrics link per query",
                ),
                Vec::new(),
            );
            return Ok(());
        }
        let range = match (shift_ms(&rule.settings.start_shift), shift_ms(&rule.settings.end_shift))
        {
            (Ok(s), Ok(e)) => {
                time_window(self.span.start_time, self.span.duration, s, e, Widen::Normal)
            }
            (Err(err), _) | (_, Err(err)) => {
                if ex.on() {
                    ex.suppressed(
                        origin,
                        &Reason::new("INVALID_TIME_SHIFT", err.to_string()),
                        Vec::new(),
                    );
                    return Ok(());
                }
                return Err(err);
            }
        };
        let style = TagStyle { lang: Lang::PromQL, sign: "=", join: ", " };
        self.vars.insert(
            "__tags".into(),
            ScopedVar {
                value: Value::String(formatted_tags(self.span, &rule.settings.tags, style)),
                text: Some("Tags".into()),
            },
        );
        for (query, template) in rule.settings.queries.iter().zip(&rule.queries) {
            let (expr, variables) = match template {
                None => (
                    format!(
                        "histogram_quantile(0.5, sum(rate(traces_spanmetrics_latency_bucket{{service=\"{}\"}}[5m])) by (le))",
                        Lang::PromQL.escape_in_quotes(&self.span.service_name, '"')
                    ),
                    Vec::new(),
                ),
                Some(Err(err)) => {
                    ex.suppressed(&query.path, &Reason::new("INVALID_TEMPLATE", err.to_string()), Vec::new());
                    continue;
                }
                Some(Ok(t)) => {
                    let r = t.render(&self.scope(), &RenderOptions { default_format: None, escaper: Some(&Lang::PromQL) });
                    let vars = usage_variables(&r.usages);
                    (r.text, vars)
                }
            };
            let title = query.name.clone().unwrap_or_default();
            let link = self.internal(
                LinkType::Metrics,
                title,
                ds,
                json!({ "expr": expr, "refId": "A" }),
                Some(range),
                &query.path,
            );
            let template = template.as_ref().and_then(|t| t.as_ref().ok());
            let message = || with_notes(format!("metrics in {:?}: {expr}", ds.name), template);
            ex.linked(&query.path, message, variables);
            links.push(link);
        }
        Ok(())
    }

    /// References and span links (grafana.md §6.4), then the spans that reference this one.
    fn reference_links(&self, links: &mut Vec<Link>, ex: &mut Explainer) {
        let Some(tracing) = self.c.tracing_datasource() else { return };
        for (j, r) in self.span.references.iter().enumerate() {
            let origin = format!("references[{j}]");
            if r.ref_type == RefType::ChildOf {
                ex.suppressed(
                    &origin,
                    &Reason::new(
                        "PARENT_REFERENCE",
                        "the parent (CHILD_OF) is not a link in Grafana's trace view",
                    ),
                    Vec::new(),
                );
                continue;
            }
            let title = match (r.ref_type, self.trace.span(&r.span_id)) {
                (RefType::External, _) | (_, None) => "View linked span".to_string(),
                (_, Some(other)) => other.operation_name.clone(),
            };
            links.push(focus_link(self.c, tracing, &r.trace_id, &r.span_id, title, "references"));
            ex.linked(
                &origin,
                || format!("span {} of trace {}", r.span_id, r.trace_id),
                Vec::new(),
            );
        }
        for (other, r) in self.trace.referenced_by(&self.span.span_id) {
            let title = if r.ref_type == RefType::External {
                "View linked span".to_string()
            } else {
                other.operation_name.clone()
            };
            links.push(focus_link(
                self.c,
                tracing,
                &other.trace_id,
                &other.span_id,
                title,
                "subsidiarilyReferencedBy",
            ));
            ex.linked(
                "subsidiarilyReferencedBy",
                || format!("referenced by span {}", other.span_id),
                Vec::new(),
            );
        }
    }

    /// Frontend Observability session link (grafana.md §6.4).
    fn session_link(&self) -> Option<Link> {
        let app = self.span.service_tags.iter().find(|kv| kv.key == "gf.feo11y.app.id")?;
        let session =
            self.span.tags.iter().find(|kv| kv.key == "session_id" || kv.key == "session.id")?;
        let (app, session) = (to_js_string(&app.value), to_js_string(&session.value));
        if app.is_empty() || session.is_empty() {
            return None;
        }
        Some(Link {
            kind: LinkType::Session,
            title: "Session for this span".into(),
            href: format!("/a/grafana-kowalski-app/apps/{app}/sessions/{session}"),
            target: LinkTarget::SameTab,
            internal: None,
            origin: "session".into(),
        })
    }

    /// Data links on the trace frame's fields (grafana.md §5, §7.3): Tempo's profile link on
    /// `tags`, then correlations, field by field.
    fn data_links(&mut self, links: &mut Vec<Link>, ex: &mut Explainer) {
        let c = self.c;
        let tracing_is_tempo = c.tracing_datasource().is_some_and(|d| d.family == Family::Tempo);
        let profile = c.profiles.as_ref().filter(|p| tracing_is_tempo && p.datasource.is_ok());
        if let Some(p) = &c.profiles {
            match &p.datasource {
                Err(reason) => ex.suppressed(&p.settings.path, reason, Vec::new()),
                Ok(_) if !tracing_is_tempo => ex.suppressed(
                    &p.settings.path,
                    &Reason::new(
                        "UNSUPPORTED_TYPE",
                        "only a Tempo data source adds the \"Related profiles\" link",
                    ),
                    Vec::new(),
                ),
                Ok(_) => {}
            }
        }
        for rule in &c.span_correlations {
            if !FRAME_FIELDS.contains(&rule.settings.field.as_str()) {
                ex.suppressed(
                    &rule.settings.path,
                    &Reason::new(
                        "FIELD_NOT_IN_FRAME",
                        format!(
                            "the trace has no field {:?}; fields: {}",
                            rule.settings.field,
                            FRAME_FIELDS.join(", ")
                        ),
                    ),
                    Vec::new(),
                );
            }
        }
        if profile.is_none() && c.span_correlations.is_empty() {
            return;
        }
        if let Some(p) = &c.profiles {
            let style = TagStyle { lang: Lang::Pyroscope, sign: "=", join: ", " };
            self.vars.insert(
                "__tags".into(),
                ScopedVar {
                    value: Value::String(formatted_tags(self.span, &p.settings.tags, style)),
                    text: Some("Tags".into()),
                },
            );
        } else {
            self.vars.remove("__tags");
        }
        let has_profile_id = self.span.tags.iter().any(|kv| kv.key == PROFILE_ID_KEY);
        let profile_rule = profile.is_some_and(|p| p.is_pyroscope) && has_profile_id;
        let widen = if profile_rule { Widen::Profiles } else { Widen::Normal };
        let range = time_window(self.span.start_time, self.span.duration, 0, 0, widen);
        let kind_for = |internal: bool| match (profile_rule, internal) {
            (true, _) => LinkType::Profiles,
            (false, true) => LinkType::Correlation,
            (false, false) => LinkType::External,
        };
        let frame = FrameRow::new(self.span, tracing_is_tempo);
        // The row's variables are built once per span, and only when some field has a link;
        // each field adds `__value` and `__targetField` on top (Grafana's object spreads).
        let mut row_vars: Option<ScopedVars> = None;
        for field in FRAME_FIELDS {
            let has_profile = field == "tags" && profile.is_some();
            if !has_profile && !c.span_correlations.iter().any(|r| r.settings.field == field) {
                continue;
            }
            let here = || c.span_correlations.iter().filter(|r| r.settings.field == field);
            let reads_row = here().any(|r| r.reads_row);
            let reads_value = here().any(|r| r.reads_value);
            let transforms =
                here().any(|r| r.transformations.as_ref().is_ok_and(|t| !t.is_empty()));
            let empty = ScopedVars::new();
            let row =
                if reads_row { &*row_vars.get_or_insert_with(|| frame.row_vars()) } else { &empty };
            // The field's value is built only for templates that read it; transformations read
            // its text (JSON for objects), written straight from the span.
            let raw = (reads_row || reads_value).then(|| frame.value(field));
            let input = if transforms { Value::String(frame.text(field)) } else { Value::Null };
            let mut own = ScopedVars::with_capacity(2);
            if let Some(raw) = &raw {
                if let Some(text) = FrameRow::display(raw).filter(|_| reads_row) {
                    own.insert("__targetField".into(), ScopedVar::new(text));
                }
                own.insert(
                    "__value".into(),
                    ScopedVar { value: json!({ "raw": raw }), text: Some("Raw value".into()) },
                );
            }
            let layers = [&own, row];
            if let (true, Some(p)) = (has_profile, profile) {
                let scope =
                    Scope { overrides: &layers, scoped: Some(&self.vars), ..Scope::default() };
                self.profile_link(p, &scope, range, kind_for(true), has_profile_id, links, ex);
            }
            for (index, rule) in
                c.span_correlations.iter().enumerate().filter(|(_, r)| r.settings.field == field)
            {
                let fields = |name: &str| frame.raw(name);
                let memo = Some((self.memo, index));
                if let Some(link) = correlation_link(
                    c,
                    rule,
                    memo,
                    &layers,
                    &self.vars,
                    &input,
                    &fields,
                    Some(range),
                    kind_for,
                    ex,
                ) {
                    links.push(link);
                }
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn profile_link(
        &self,
        p: &super::ProfilesRule,
        scope: &Scope,
        range: TimeRange,
        kind: LinkType,
        has_profile_id: bool,
        links: &mut Vec<Link>,
        ex: &mut Explainer,
    ) {
        let origin = &p.settings.path;
        let Ok(ds_index) = p.datasource else { return };
        let ds = self.c.datasource(ds_index);
        let query = match &p.query {
            Ok(q) => q,
            Err(err) => {
                ex.suppressed(
                    origin,
                    &Reason::new("INVALID_TEMPLATE", err.to_string()),
                    Vec::new(),
                );
                return;
            }
        };
        let mut usages = Vec::new();
        let query = query.render(
            scope,
            &RenderOptions { default_format: None, escaper: Some(&Lang::Pyroscope) },
            &mut usages,
        );
        let variables = usage_variables(&usages);
        if let Some(u) = first_unresolved_or(&usages) {
            let reason = if !has_profile_id {
                Reason::new("MISSING_PROFILE_ID", format!("the span has no `{PROFILE_ID_KEY}` attribute: spans get one from the Pyroscope SDK's span processor"))
            } else {
                unresolved_reason(u, origin)
            };
            ex.suppressed(origin, &reason, variables);
            return;
        }
        let selector = query.get("labelSelector").map(to_js_string).unwrap_or_default();
        links.push(self.internal(kind, "Related profiles".into(), ds, query, Some(range), origin));
        ex.linked(origin, || format!("profiles in {:?}: {selector}", ds.name), variables);
    }

    fn scope(&self) -> Scope<'_> {
        Scope { scoped: Some(&self.vars), ..Scope::default() }
    }
}

/// An internal link: the datasource reference injected into the query, the Explore URL built.
#[allow(clippy::too_many_arguments)]
pub(crate) fn internal_link(
    c: &Correlator,
    kind: LinkType,
    title: String,
    ds: &Datasource,
    mut query: Value,
    range: Option<TimeRange>,
    panels_state: Option<Value>,
    origin: &str,
) -> Link {
    with_datasource_ref(&mut query, ds.reference());
    let range_state = range.map(ExploreRange::from);
    let href = left_url(
        ds.reference(),
        std::slice::from_ref(&query),
        range_state.as_ref(),
        panels_state.as_ref(),
        &c.options.app_sub_url,
    );
    Link {
        kind,
        title,
        href,
        target: LinkTarget::SameTab,
        internal: Some(InternalLink {
            datasource_uid: ds.reference().to_string(),
            datasource_name: ds.name.clone(),
            datasource_type: ds.kind.clone(),
            query,
            range,
            alternatives: None,
        }),
        origin: origin.to_string(),
    }
}

/// Grafana's focus-span link into the trace data source (query = trace id, no range).
fn focus_link(
    c: &Correlator,
    tracing: &Datasource,
    trace_id: &str,
    span_id: &str,
    title: String,
    origin: &str,
) -> Link {
    let panels = json!({ "trace": { "spanId": span_id } });
    internal_link(
        c,
        LinkType::Traces,
        title,
        tracing,
        json!({ "query": trace_id }),
        None,
        Some(panels),
        origin,
    )
}

/// A correlation's data link for one row (grafana.md §6.2, §7.2), or `None` when a variable
/// does not resolve.
#[allow(clippy::too_many_arguments)]
pub(crate) fn correlation_link(
    c: &Correlator,
    rule: &CorrelationRule,
    memo: Option<(&TransformMemo, usize)>,
    layers: &[&ScopedVars],
    vars: &ScopedVars,
    raw: &Value,
    fields: &dyn Fn(&str) -> Option<Value>,
    range: Option<TimeRange>,
    kind_for: impl Fn(bool) -> LinkType,
    ex: &mut Explainer,
) -> Option<Link> {
    let s = &rule.settings;
    let origin = &s.path;
    let fail = |ex: &mut Explainer, code: &'static str, message: String| {
        ex.suppressed(origin, &Reason::new(code, message), Vec::new());
        None
    };
    let target = match &rule.target {
        Ok(i) => *i,
        Err(reason) => {
            ex.suppressed(origin, reason, Vec::new());
            return None;
        }
    };
    let transformations = match &rule.transformations {
        Ok(t) => t,
        Err(err) => {
            return fail(
                ex,
                if err.code == crate::ErrorCode::InvalidRegex {
                    "INVALID_REGEX"
                } else {
                    "INVALID_SETTINGS"
                },
                err.to_string(),
            )
        }
    };
    let (label, body) = match (&rule.label, &rule.body) {
        (Ok(l), Ok(b)) => (l, b),
        (Err(err), _) | (_, Err(err)) => return fail(ex, "INVALID_TEMPLATE", err.to_string()),
    };
    let run = || crate::transform::apply_with_report(transformations, raw, &s.field, fields);
    let report = match memo {
        Some((memo, index)) if !transformations.is_empty() => {
            // The key is every text the transformations read: the link's own field and the
            // fields they name.
            let mut key = as_text(raw);
            for field in transformations.iter().filter_map(|t| t.field()) {
                key.push('\u{0}');
                key.push_str(&fields(field).map(|v| as_text(&v)).unwrap_or_default());
            }
            memo.get_or(index, key, run)
        }
        _ => run(),
    };
    if let Some(i) = report.backtrack_limit {
        let t = &transformations[i];
        let message = format!(
            "the {} transformation {:?} gave up on this span's value after {} backtracking steps \
             (its look-around makes it backtrack), so the correlation is skipped",
            t.kind(),
            t.expression().unwrap_or_default(),
            crate::jsregex::BACKTRACK_LIMIT
        );
        return fail(ex, "REGEX_BACKTRACK_LIMIT", message);
    }
    let (transformed, unmatched) = (report.variables, report.empty);
    // Transformation variables sit above every other layer (Grafana: `{ ...scopedVars, ...vars }`).
    let own: ScopedVars =
        transformed.iter().map(|(k, v)| (k.clone(), ScopedVar::new(v.clone()))).collect();
    let all: Vec<&ScopedVars> = std::iter::once(&own).chain(layers.iter().copied()).collect();
    let scope = Scope {
        overrides: &all,
        scoped: Some(vars),
        variables: None,
        range: range.map(|r| (r.from, r.to)),
    };
    let opts = RenderOptions::default();
    let mut usages = Vec::new();
    let title = label.as_ref().map(|t| {
        let r = t.render(&scope, &opts);
        usages.extend(r.usages);
        r.text
    });
    let external = s.kind == "external";
    // beyond.md §1: a placeholder inside a quoted literal of the target query gets that
    // language's escaping (the URL of an external link is left as Grafana writes it).
    let lang = if external { Lang::Plain } else { Lang::of_family(c.datasource(target).family) };
    let body_opts = RenderOptions { default_format: None, escaper: Some(&lang) };
    let rendered = body.render(&scope, &body_opts, &mut usages);
    let mut variables = usage_variables(&usages);
    variables.extend(transformed.iter().map(|(k, v)| ExplainVariable {
        name: k.clone(),
        path: format!("transformation → {k}"),
        value: Some(v.clone()),
    }));
    if let Some(u) = first_unresolved_or(&usages) {
        let reason = match unmatched.first().and_then(|&i| transformations.get(i)) {
            Some(t) => Reason::new(
                "TRANSFORMATION_NO_MATCH",
                format!(
                    "variable `{}` is unset because the {} transformation{} found nothing in {}",
                    u.name,
                    t.kind(),
                    t.expression().map(|e| format!(" {e:?}")).unwrap_or_default(),
                    shorten(&match t.field() {
                        Some(f) => fields(f).map(|v| as_text(&v)).unwrap_or_default(),
                        None => as_text(raw),
                    })
                ),
            ),
            None => unresolved_reason(u, origin),
        };
        ex.suppressed(origin, &reason, variables);
        return None;
    }
    let link = if external {
        let href = external_href(c, &to_js_string(&rendered));
        Link {
            kind: if kind_for(false) == LinkType::Profiles {
                LinkType::Profiles
            } else {
                LinkType::External
            },
            title: title.filter(|t| !t.is_empty()).unwrap_or_else(|| "External URL".into()),
            href,
            target: LinkTarget::NewTab,
            internal: None,
            origin: origin.clone(),
        }
    } else {
        let ds = c.datasource(target);
        let mut query = rendered;
        // Grafana puts the target's datasource reference into the correlation's query.
        if let Value::Object(map) = &mut query {
            map.insert("datasource".into(), json!({ "uid": ds.reference() }));
        }
        let title = title.filter(|t| !t.is_empty()).unwrap_or_else(|| ds.name.clone());
        internal_link(c, kind_for(true), title, ds, query, range, None, origin)
    };
    ex.linked(
        origin,
        || {
            let mut templates = Vec::new();
            if let Ok(Some(t)) = &rule.label {
                templates.push(t);
            }
            if let Ok(body) = &rule.body {
                body.for_each_template(&mut |t| templates.push(t));
            }
            with_notes(format!("{} → {}", link.title, link.href), templates)
        },
        variables,
    );
    Some(link)
}

/// `message`, followed by what the templates hold that Grafana reads as text or with a
/// fallback (`${` never closed, an unknown format): the link is made, but maybe not as meant.
fn with_notes<'t>(message: String, templates: impl IntoIterator<Item = &'t Template>) -> String {
    let notes: Vec<String> = templates
        .into_iter()
        .flat_map(|t| t.issues().iter().map(|i| i.message(t.source())))
        .collect();
    if notes.is_empty() {
        message
    } else {
        format!("{message} (note: {})", notes.join("; "))
    }
}

/// An external link's href as Grafana renders data links: newlines dropped, a root-relative URL
/// under `appSubUrl`, and `javascript:`-style URLs replaced by `about:blank` (its `sanitizeUrl`).
pub(crate) fn external_href(c: &Correlator, url: &str) -> String {
    let url = url.replace('\n', "");
    let scheme: String = url
        .trim_start()
        .chars()
        .take_while(|ch| *ch != ':')
        .filter(|ch| !ch.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    if url.contains(':') && matches!(scheme.as_str(), "javascript" | "vbscript" | "data") {
        return "about:blank".into();
    }
    if url.starts_with('/') && !url.starts_with("//") {
        return format!("{}{url}", c.options.app_sub_url.trim_end_matches('/'));
    }
    url
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => json_stringify(other),
    }
}

fn shorten(s: &str) -> String {
    if s.chars().count() > 200 {
        format!("{:?}…", s.chars().take(200).collect::<String>())
    } else {
        format!("{s:?}")
    }
}

/// One row of Grafana's trace data frame (Tempo's field set), for correlations and data links.
pub(crate) struct FrameRow<'a> {
    span: &'a Span,
    /// Tempo's backend writes attribute objects as `{"value", "key"}`; others `{"key", "value"}`.
    value_first: bool,
}

impl<'a> FrameRow<'a> {
    pub fn new(span: &'a Span, value_first: bool) -> FrameRow<'a> {
        FrameRow { span, value_first }
    }

    fn kvs(&self, list: &[KeyValue]) -> Value {
        Value::Array(
            list.iter()
                .map(|kv| {
                    let mut m = Map::new();
                    if self.value_first {
                        m.insert("value".into(), kv.value.clone());
                        m.insert("key".into(), Value::String(kv.key.clone()));
                    } else {
                        m.insert("key".into(), Value::String(kv.key.clone()));
                        m.insert("value".into(), kv.value.clone());
                    }
                    Value::Object(m)
                })
                .collect(),
        )
    }

    /// The raw value of a field (JSON `null` when the span has none).
    pub fn value(&self, field: &str) -> Value {
        let s = self.span;
        let opt = |v: &Option<String>| v.clone().map(Value::String).unwrap_or(Value::Null);
        match field {
            "traceID" => Value::String(s.trace_id.clone()),
            "spanID" => Value::String(s.span_id.clone()),
            "parentSpanID" => Value::String(s.parent_span_id.clone().unwrap_or_default()),
            "operationName" => Value::String(s.operation_name.clone()),
            "serviceName" => Value::String(s.service_name.clone()),
            "kind" => opt(&s.kind),
            "statusCode" => match s.status_code.as_deref() {
                Some("OK") => json!(1),
                Some("ERROR") => json!(2),
                Some(_) => json!(0),
                None => Value::Null,
            },
            "statusMessage" => opt(&s.status_message),
            "serviceTags" => self.kvs(&s.service_tags),
            "startTime" => number_value(s.start_time / 1000.0),
            "duration" => number_value(s.duration / 1000.0),
            "logs" => Value::Array(
                s.logs
                    .iter()
                    .map(|e| {
                        let mut m = Map::new();
                        m.insert("timestamp".into(), number_value(e.timestamp / 1000.0));
                        m.insert("fields".into(), self.kvs(&e.fields));
                        if let Some(n) = &e.name {
                            m.insert("name".into(), Value::String(n.clone()));
                        }
                        Value::Object(m)
                    })
                    .collect(),
            ),
            "references" => Value::Array(
                s.references
                    .iter()
                    .filter(|r| r.ref_type != RefType::ChildOf)
                    .map(|r| json!({ "traceID": r.trace_id, "spanID": r.span_id, "tags": self.kvs(&r.tags) }))
                    .collect(),
            ),
            "tags" => self.kvs(&s.tags),
            _ => Value::Null,
        }
    }

    /// What a transformation reads from a field: its text, `None` for fields the frame lacks.
    pub fn raw(&self, field: &str) -> Option<Value> {
        FRAME_FIELDS.contains(&field).then(|| Value::String(self.text(field)))
    }

    /// A field's text as transformations read it: strings as they are, everything else as
    /// `JSON.stringify` writes it. Attribute lists are written straight from the span.
    pub fn text(&self, field: &str) -> String {
        match field {
            "serviceTags" => self.kvs_text(&self.span.service_tags),
            "tags" => self.kvs_text(&self.span.tags),
            _ => as_text(&self.value(field)),
        }
    }

    /// `json_stringify(&self.kvs(list))`, without building the objects.
    fn kvs_text(&self, list: &[KeyValue]) -> String {
        let mut out = String::with_capacity(2 + list.len() * 48);
        out.push('[');
        for (i, kv) in list.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if self.value_first {
                out.push_str("{\"value\":");
                crate::js::write_json(&mut out, &kv.value);
                out.push_str(",\"key\":");
                crate::js::write_json_string(&mut out, &kv.key);
            } else {
                out.push_str("{\"key\":");
                crate::js::write_json_string(&mut out, &kv.key);
                out.push_str(",\"value\":");
                crate::js::write_json(&mut out, &kv.value);
            }
            out.push('}');
        }
        out.push(']');
        out
    }

    /// What a field displays as: strings as they are, numbers in JS notation, objects as JSON.
    pub fn display(value: &Value) -> Option<String> {
        match value {
            Value::Null => None,
            Value::String(s) => Some(s.clone()),
            Value::Array(_) | Value::Object(_) => Some(json_stringify(value)),
            other => Some(to_js_string(other)),
        }
    }

    /// Grafana's per-row variables: `__data` and every field by name (display text).
    pub fn row_vars(&self) -> ScopedVars {
        let mut vars = ScopedVars::with_capacity(FRAME_FIELDS.len() + 1);
        let mut fields = Map::new();
        for name in FRAME_FIELDS {
            if let Some(text) = Self::display(&self.value(name)) {
                fields.insert(name.to_string(), Value::String(text.clone()));
                vars.insert(name.to_string(), ScopedVar::new(text));
            }
        }
        vars.insert(
            "__data".into(),
            ScopedVar {
                value: json!({ "name": "Trace", "refId": "A", "fields": fields }),
                text: Some("Data".into()),
            },
        );
        vars
    }
}

/// Each configured tag with where it was looked up and what the span has there.
fn tag_variables(span: &Span, tags: &[TagMapping]) -> Vec<ExplainVariable> {
    tags.iter()
        .map(|t| {
            let (path, value) =
                if let Some(kv) = span.service_tags.iter().find(|kv| kv.key == t.key) {
                    (format!("resource.attributes[{:?}]", t.key), Some(to_js_string(&kv.value)))
                } else if let Some(kv) = span.tags.iter().find(|kv| kv.key == t.key) {
                    (format!("span.attributes[{:?}]", t.key), Some(to_js_string(&kv.value)))
                } else {
                    let synthetic =
                        span.all_tags().find(|(k, _)| *k == t.key).map(|(_, v)| to_js_string(&v));
                    (format!("span.attributes[{:?}]", t.key), synthetic)
                };
            ExplainVariable { name: t.label().to_string(), path, value }
        })
        .collect()
}

/// `NO_TAG_MATCHED`, with near misses between configured keys and the span's attribute keys.
fn no_tag_reason(span: &Span, tags: &[TagMapping], target: LogsTarget) -> Reason {
    let keys: Vec<&str> =
        span.service_tags.iter().chain(span.tags.iter()).map(|kv| kv.key.as_str()).collect();
    let configured: Vec<&str> = tags.iter().map(|t| t.key.as_str()).collect();
    let mut misses = Vec::new();
    for want in &configured {
        for have in &keys {
            if near_miss(want, have)
                && !misses.iter().any(|(w, h): &(&str, &str)| w == want && h == have)
            {
                misses.push((*want, *have));
            }
        }
    }
    let mut message = if target == LogsTarget::VictoriaLogs {
        "no tag matched and no trace/span id filter is on, so there is nothing to query".to_string()
    } else {
        format!(
            "none of the configured tags ({}) is an attribute of this span",
            configured.join(", ")
        )
    };
    if !misses.is_empty() {
        let hints: Vec<String> = misses.iter().map(|(w, h)| format!("`{h}` for `{w}`")).collect();
        message.push_str(&format!("; did you mean {}?", hints.join(", ")));
    } else if !keys.is_empty() {
        let shown: Vec<&str> = keys.iter().copied().take(12).collect();
        message.push_str(&format!("; the span has {}", shown.join(", ")));
    }
    Reason::new("NO_TAG_MATCHED", message)
}

/// `service_name` vs `service.name`, `Pod` vs `pod`, `k8s.pod.name` vs `pod`.
pub(crate) fn near_miss(want: &str, have: &str) -> bool {
    if want == have {
        return false;
    }
    let norm = |s: &str| {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect::<String>()
    };
    let (w, h) = (norm(want), norm(have));
    if w == h {
        return true;
    }
    let last = |s: &str| s.rsplit(['.', '_', '-']).nth(1).map(str::to_ascii_lowercase);
    // `k8s.pod.name` → `pod`, `service.name` → `service`
    last(have).as_deref() == Some(want.to_ascii_lowercase().as_str())
        || last(want).as_deref() == Some(have.to_ascii_lowercase().as_str())
}

fn unresolved_reason(u: &VarUsage, template_path: &str) -> Reason {
    let full = if u.path.is_empty() { u.name.clone() } else { format!("{}.{}", u.name, u.path) };
    Reason::new(
        "UNRESOLVED_VARIABLE",
        format!("`${{{full}}}` (at byte {} of {template_path}) has no value for this span, so Grafana drops the link", u.offset),
    )
}

fn usage_variables(usages: &[VarUsage]) -> Vec<ExplainVariable> {
    usages
        .iter()
        .map(|u| ExplainVariable {
            name: u.name.clone(),
            path: if u.path.is_empty() { u.name.clone() } else { format!("{}.{}", u.name, u.path) },
            value: u.value.clone().filter(|_| u.found),
        })
        .collect()
}

/// Service names of spans (Grafana's `getServiceNames`): `service.name` attribute values, then the
/// process service name, de-duplicated.
fn service_names<'s>(spans: impl Iterator<Item = &'s Span>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for span in spans {
        let attrs =
            span.service_tags.iter().chain(span.tags.iter()).filter(|kv| kv.key == "service.name");
        for name in attrs
            .map(|kv| to_js_string(&kv.value))
            .chain(std::iter::once(span.service_name.clone()))
        {
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
}

/// The query text of a logs link, for messages.
fn logs_query_text(link: &Link) -> String {
    let q = link.internal.as_ref().map(|i| &i.query);
    q.and_then(|q| q.get("expr").or(q.get("query")).or(q.get("lsql")))
        .map(to_js_string)
        .unwrap_or_default()
}

/// The trace-level logs link (grafana.md §3.7): root span tags, trace id only, trace window.
pub(crate) fn trace_logs_link(c: &Correlator, trace: &Trace) -> Result<Option<Link>> {
    let Some(rule) = c.logs.first() else { return Ok(None) };
    let Ok((ds_index, target)) = rule.target else { return Ok(None) };
    let Some(root) = trace.root_span() else { return Ok(None) };
    let ds = c.datasource(ds_index);
    let style = target.style();
    let settings = &rule.settings;
    let (start, duration) = trace.time_bounds();
    let widen = if target == LogsTarget::Splunk { Widen::Splunk } else { Widen::Normal };
    let range = time_window(
        start,
        duration,
        shift_ms(&settings.start_shift)?,
        shift_ms(&settings.end_shift)?,
        widen,
    );
    let matchers = tag_matchers(root, &settings.tags, style);
    let trace_id = trace.trace_id();
    let mut alternatives = None;
    let query = match &rule.custom {
        Some(custom) => {
            let Ok(template) = custom else { return Ok(None) };
            let mut vars = ScopedVars::new();
            vars.insert("__trace".into(), trace_var(trace));
            vars.insert("__tags".into(), ScopedVar::new(matchers.join(style.join)));
            let scope = Scope { scoped: Some(&vars), ..Scope::default() };
            let r = template.render(
                &scope,
                &RenderOptions { default_format: None, escaper: Some(&style.lang) },
            );
            if first_unresolved_or(&r.usages).is_some() {
                return Ok(None);
            }
            target.custom_query(r.text)
        }
        None if target == LogsTarget::Loki && c.options.features.dynamic_trace_to_logs => {
            let Some(alts) =
                loki_alternatives(&matchers, trace_id, None, &service_names(trace.spans.iter()))
            else {
                return Ok(None);
            };
            let first = alts[0].clone();
            alternatives = Some(alts);
            first
        }
        None => {
            let ids = LogsFor {
                trace_id,
                span_id: None,
                filter_by_trace_id: settings.filter_by_trace_id,
                filter_by_span_id: false,
            };
            let Some(q) = target.query(&matchers, ids) else { return Ok(None) };
            q
        }
    };
    // Grafana's getLogsButtonCTA(traceDataSource, 'trace').
    let title = if c.options.features.dynamic_trace_to_logs || settings.filter_by_trace_id {
        "Logs for this trace"
    } else {
        "Related logs"
    };
    let mut link = internal_link(
        c,
        LinkType::Logs,
        title.into(),
        ds,
        query,
        Some(range),
        None,
        &settings.path,
    );
    if let (Some(internal), Some(alts)) = (link.internal.as_mut(), alternatives) {
        internal.alternatives = Some(
            alts.into_iter()
                .map(|mut q| {
                    with_datasource_ref(&mut q, ds.reference());
                    q
                })
                .collect(),
        );
    }
    Ok(Some(link))
}

#[cfg(test)]
mod tests {
    use super::FrameRow;
    use crate::KeyValue;

    #[test]
    fn attribute_text_is_what_json_stringify_writes() {
        let mut span = crate::testing::span("t", "s");
        span.service_tags =
            vec![KeyValue::new("service.name", "cart"), KeyValue::new("n", 1.5)].into();
        span.tags = vec![KeyValue::new("q\"", serde_json::json!([1, {"a": null}]))];
        for value_first in [true, false] {
            let row = FrameRow::new(&span, value_first);
            for field in ["serviceTags", "tags"] {
                assert_eq!(row.text(field), crate::js::json_stringify(&row.value(field)));
            }
        }
        assert_eq!(
            FrameRow::new(&span, true).text("serviceTags"),
            r#"[{"value":"cart","key":"service.name"},{"value":1.5,"key":"n"}]"#
        );
    }
}

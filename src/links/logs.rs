//! Trace → logs (docs/grafana.md §3): the span's "Related logs" link and the trace-level one (§3.7).

use serde_json::Value;

use super::explain::{
    no_tag_reason, tag_variables, unresolved_reason, usage_variables, with_notes, Explainer,
};
use super::internal::Internal;
use super::span::{shifted_window, SpanLinks, TraceRecord};
use super::{first_unresolved_or, Correlator, LogsRule, Reason};
use super::{Link, LinkType};
use crate::error::Result;
use crate::explore::{with_datasource_ref, Widen};
use crate::js::to_js_string;
use crate::model::{Span, Trace};
use crate::query::logs::{loki_alternatives, LogsFor, LogsTarget};
use crate::query::tag_matchers;
use crate::template::{Record, RenderOptions, Rendered, Scope, ScopedVar, ScopedVars, Template};

/// How a logs target widens its window (docs/grafana.md §3.5): Splunk to at least a second.
fn widen(target: LogsTarget) -> Widen {
    if target == LogsTarget::Splunk {
        Widen::Splunk
    } else {
        Widen::Normal
    }
}

/// What a logs query is built for: a span (both ids), or a whole trace (no span id).
struct LogsSubject<'a> {
    trace_id: &'a str,
    span_id: Option<&'a str>,
    /// The service names the `dynamicTraceToLogs` alternatives try.
    service_names: &'a dyn Fn() -> Vec<String>,
}

/// The built-in query of a logs rule (no custom query), with the alternatives of
/// `dynamicTraceToLogs` for Loki; `None` when nothing is left to query.
fn default_query(
    c: &Correlator,
    rule: &LogsRule,
    target: LogsTarget,
    matchers: &[String],
    subject: LogsSubject,
) -> Option<(Value, Option<Vec<Value>>)> {
    if target == LogsTarget::Loki && c.options.features.dynamic_trace_to_logs {
        let names = (subject.service_names)();
        let alts = loki_alternatives(matchers, subject.trace_id, subject.span_id, &names)?;
        return Some((alts[0].clone(), Some(alts)));
    }
    let ids = LogsFor {
        trace_id: subject.trace_id,
        span_id: subject.span_id,
        filter_by_trace_id: rule.settings.filter_by_trace_id,
        filter_by_span_id: rule.settings.filter_by_span_id && subject.span_id.is_some(),
    };
    target.query(matchers, ids).map(|q| (q, None))
}

/// A rule's custom query rendered in the target's language (docs/beyond.md §1).
fn render_custom(template: &Template, scope: &Scope, target: LogsTarget) -> Rendered {
    let lang = target.style().lang;
    template.render(scope, &RenderOptions { default_format: None, escaper: Some(&lang) })
}

/// The logs link itself: the internal link, and the alternatives with their datasource reference.
fn logs_link_of(c: &Correlator, internal: Internal, alternatives: Option<Vec<Value>>) -> Link {
    let reference = internal.opens.reference;
    let mut link = internal.link(c);
    if let (Some(internal), Some(alts)) = (link.internal.as_mut(), alternatives) {
        let with_ref = |mut q: Value| {
            with_datasource_ref(&mut q, reference);
            q
        };
        internal.alternatives = Some(alts.into_iter().map(with_ref).collect());
    }
    link
}

impl SpanLinks<'_> {
    /// Trace → logs (docs/grafana.md §3).
    pub(super) fn logs_link(
        &mut self,
        rule: &LogsRule,
        ex: &mut Explainer,
    ) -> Result<Option<Link>> {
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
        let shifts = (&settings.start_shift, &settings.end_shift);
        let Some(range) = self.shifted_window(shifts, widen(target), origin, ex)? else {
            return Ok(None);
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
            let rendered = self.with_scope(|scope| render_custom(template, scope, target));
            if let Some(u) = first_unresolved_or(&rendered.usages) {
                ex.suppressed(
                    origin,
                    &unresolved_reason(u, &format!("{origin}.query")),
                    usage_variables(&rendered.usages),
                );
                return Ok(None);
            }
            let variables = ex.variables(|| usage_variables(&rendered.usages));
            (target.custom_query(rendered.text), None, variables)
        } else {
            let span = self.span;
            let subject = LogsSubject {
                trace_id: &span.trace_id,
                span_id: Some(&span.span_id),
                service_names: &|| service_names(std::iter::once(span)),
            };
            match default_query(self.c, rule, target, &matchers, subject) {
                Some((q, alts)) => (q, alts, ex.variables(tag_vars)),
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
        let internal = Internal {
            kind: LinkType::Logs,
            title: "Related logs".into(),
            opens: ds.into(),
            query,
            range: Some(range),
            panels_state: None,
            origin,
        };
        let link = logs_link_of(self.c, internal, alternatives);
        let summary = logs_query_text(&link);
        let custom = rule.custom.as_ref().and_then(|t| t.as_ref().ok());
        ex.linked(
            origin,
            || with_notes(format!("logs in {:?}: {summary}", ds.name), custom),
            variables,
        );
        Ok(Some(link))
    }
}

/// Service names of spans (Grafana's `getServiceNames`): `service.name` attribute values, then the
/// process service name, de-duplicated.
pub(super) fn service_names<'s>(spans: impl Iterator<Item = &'s Span>) -> Vec<String> {
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
pub(super) fn logs_query_text(link: &Link) -> String {
    let q = link.internal.as_ref().map(|i| &i.query);
    q.and_then(|q| q.get("expr").or(q.get("query")).or(q.get("lsql")))
        .map(to_js_string)
        .unwrap_or_default()
}

/// The trace-level logs link (docs/grafana.md §3.7): root span tags, trace id only, trace window.
pub(crate) fn trace_logs_link(c: &Correlator, trace: &Trace) -> Result<Option<Link>> {
    let Some(rule) = c.logs.first() else { return Ok(None) };
    let Ok((ds_index, target)) = rule.target else { return Ok(None) };
    let Some(root) = trace.root_span() else { return Ok(None) };
    let ds = c.datasource(ds_index);
    let style = target.style();
    let settings = &rule.settings;
    let shifts = (&settings.start_shift, &settings.end_shift);
    let range = shifted_window(shifts, trace.time_bounds(), widen(target))?;
    let matchers = tag_matchers(root, &settings.tags, style);
    let (query, alternatives) = match &rule.custom {
        Some(custom) => {
            let Ok(template) = custom else { return Ok(None) };
            let mut vars = ScopedVars::new();
            vars.insert("__tags".into(), ScopedVar::new(matchers.join(style.join)));
            let trace_record = TraceRecord(trace);
            let records: [(&str, &dyn Record); 1] = [("__trace", &trace_record)];
            let scope = Scope { scoped: Some(&vars), records: &records, ..Scope::default() };
            let r = render_custom(template, &scope, target);
            if first_unresolved_or(&r.usages).is_some() {
                return Ok(None);
            }
            (target.custom_query(r.text), None)
        }
        None => {
            let subject = LogsSubject {
                trace_id: trace.trace_id(),
                span_id: None,
                service_names: &|| service_names(trace.spans.iter()),
            };
            let Some(built) = default_query(c, rule, target, &matchers, subject) else {
                return Ok(None);
            };
            built
        }
    };
    // Grafana's getLogsButtonCTA(traceDataSource, 'trace').
    let title = if c.options.features.dynamic_trace_to_logs || settings.filter_by_trace_id {
        "Logs for this trace"
    } else {
        "Related logs"
    };
    let internal = Internal {
        kind: LinkType::Logs,
        title: title.into(),
        opens: ds.into(),
        query,
        range: Some(range),
        panels_state: None,
        origin: &settings.path,
    };
    Ok(Some(logs_link_of(c, internal, alternatives)))
}

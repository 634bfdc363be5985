//! One span's links, in Grafana's order (docs/grafana.md §3–§7), with an optional explanation of every
//! rule (docs/beyond.md §2).

use serde_json::{json, Map, Value};

use super::correlation::{correlation_link, LinkKinds, Row, TransformMemo};
use super::explain::{unresolved_reason, usage_variables, Explainer};
use super::frame::{is_grafana_frame_field, FrameRow};
use super::internal::{focus_link, Internal};
use super::{first_unresolved_or, Correlator, Reason};
use super::{Explanation, Link, LinkTarget, LinkType};
use crate::error::Result;
use crate::explore::{time_window, TimeRange, Widen};
use crate::js::{number_value, to_js_string};
use crate::model::{KeyValue, RefType, Span, Trace};
use crate::query::{formatted_tags, Lang, TagStyle};
use crate::settings::{Family, TimeShift};
use crate::template::{walk, Record, RenderOptions, Scope, ScopedVar, ScopedVars};
use std::borrow::Cow;

/// Where Frontend Observability session links point (the app and session come from the span).
const SESSION_APP: &str = "/a/grafana-kowalski-app/apps/";

/// The attribute Grafana's profile rule looks for on a span.
pub(crate) const PROFILE_ID_KEY: &str = "pyroscope.profile.id";

/// `__span` of a span (docs/grafana.md §2): `{spanId, traceId, duration, name, tags}`, tags being
/// resource then span attributes, later keys winning. Read member by member: templates read one
/// to three attributes of the ~30 a span has, and building the whole object for each span was a
/// fifth of the time of its links.
#[derive(Debug)]
pub(crate) struct SpanRecord<'a>(pub &'a Span);

impl SpanRecord<'_> {
    fn tags(&self) -> Value {
        let mut tags = Map::new();
        for kv in self.0.service_tags.iter().chain(self.0.tags.iter()) {
            tags.insert(kv.key.clone(), kv.value.clone());
        }
        Value::Object(tags)
    }

    /// The member `key` of `__span` (`tags` built whole).
    fn member(&self, key: &str) -> Option<Value> {
        let span = self.0;
        Some(match key {
            "spanId" => Value::from(span.span_id.as_str()),
            "traceId" => Value::from(span.trace_id.as_str()),
            "duration" => number_value(span.duration),
            "name" => Value::from(span.operation_name.as_str()),
            "tags" => self.tags(),
            _ => return None,
        })
    }
}

fn last_attribute<'a>(attributes: &'a [KeyValue], key: &str) -> Option<&'a KeyValue> {
    attributes.iter().rev().find(|kv| kv.key == key)
}

impl Record for SpanRecord<'_> {
    fn get(&self, keys: &[String]) -> Option<Cow<'_, Value>> {
        let (first, rest) = keys.split_first()?;
        match (first.as_str(), rest.split_first()) {
            // `tags.<key>…`: the last attribute of that key, without building `tags`.
            ("tags", Some((key, rest))) => {
                let span = self.0;
                let found = last_attribute(&span.tags, key)
                    .or_else(|| last_attribute(&span.service_tags, key))?;
                walk(Cow::Borrowed(&found.value), rest)
            }
            (first, _) => walk(Cow::Owned(self.member(first)?), rest),
        }
    }

    fn value(&self) -> Value {
        whole(&["spanId", "traceId", "duration", "name", "tags"], |k| self.member(k))
    }

    fn text(&self) -> Option<&str> {
        Some("Span")
    }
}

/// A record's whole object: its members, in Grafana's key order.
fn whole(keys: &[&str], member: impl Fn(&str) -> Option<Value>) -> Value {
    Value::Object(keys.iter().filter_map(|&k| Some((k.to_string(), member(k)?))).collect())
}

/// `__trace` (docs/grafana.md §2): the whole trace's duration, name and id, read member by member.
#[derive(Debug)]
pub(crate) struct TraceRecord<'a>(pub &'a Trace);

impl TraceRecord<'_> {
    fn member(&self, key: &str) -> Option<Value> {
        let trace = self.0;
        Some(match key {
            "duration" => number_value(trace.time_bounds().1),
            "name" => Value::String(trace.name()),
            "traceId" => Value::from(trace.trace_id()),
            _ => return None,
        })
    }
}

impl Record for TraceRecord<'_> {
    fn get(&self, keys: &[String]) -> Option<Cow<'_, Value>> {
        let (first, rest) = keys.split_first()?;
        walk(Cow::Owned(self.member(first)?), rest)
    }

    fn value(&self) -> Value {
        whole(&["duration", "name", "traceId"], |k| self.member(k))
    }

    fn text(&self) -> Option<&str> {
        Some("Trace")
    }
}

/// The window of a span or trace (`start`, `duration` in µs) under a rule's start and end
/// shifts (docs/grafana.md §3.5); a shift that is not an interval is the error Grafana throws.
pub(super) fn shifted_window(
    (start_shift, end_shift): (&TimeShift, &TimeShift),
    (start, duration): (f64, f64),
    widen: Widen,
) -> Result<TimeRange> {
    let (from, to) = (start_shift.ms.clone()?, end_shift.ms.clone()?);
    Ok(time_window(start, duration, from, to, widen))
}

pub(crate) struct SpanLinks<'a> {
    pub(super) c: &'a Correlator,
    pub(super) memo: &'a TransformMemo,
    pub(super) trace: &'a Trace,
    pub(super) span: &'a Span,
    /// `__tags` and the other scoped variables of the rule at hand.
    pub(super) vars: ScopedVars,
    /// `__span` and `__trace`.
    pub(super) span_record: SpanRecord<'a>,
    pub(super) trace_record: TraceRecord<'a>,
}

impl<'a> SpanLinks<'a> {
    pub fn new(
        c: &'a Correlator,
        trace: &'a Trace,
        span: &'a Span,
        memo: &'a TransformMemo,
    ) -> SpanLinks<'a> {
        let vars = ScopedVars::with_capacity(4);
        let (span_record, trace_record) = (SpanRecord(span), TraceRecord(trace));
        SpanLinks { c, memo, trace, span, vars, span_record, trace_record }
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

    /// The span's window under a rule's time shifts; a bad shift is explained when explaining,
    /// else it is the error Grafana throws when building the span's links.
    pub(super) fn shifted_window(
        &self,
        shifts: (&TimeShift, &TimeShift),
        widen: Widen,
        origin: &str,
        ex: &mut Explainer,
    ) -> Result<Option<TimeRange>> {
        match shifted_window(shifts, (self.span.start_time, self.span.duration), widen) {
            Ok(range) => Ok(Some(range)),
            Err(err) if ex.on() => {
                let reason = Reason::new("INVALID_TIME_SHIFT", err.to_string());
                ex.suppressed(origin, &reason, Vec::new());
                Ok(None)
            }
            Err(err) => Err(err),
        }
    }

    /// References and span links (docs/grafana.md §6.4), then the spans that reference this one.
    pub(super) fn reference_links(&self, links: &mut Vec<Link>, ex: &mut Explainer) {
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
            links.push(focus_link(self.c, tracing, (&r.trace_id, &r.span_id), title, "references"));
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
                (&other.trace_id, &other.span_id),
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

    /// Frontend Observability session link (docs/grafana.md §6.4): a path under [`SESSION_APP`].
    pub(super) fn session_link(&self) -> Option<Link> {
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
            href: crate::href::sanitize(
                format!("{SESSION_APP}{app}/sessions/{session}"),
                SESSION_APP,
            )
            .0,
            target: LinkTarget::SameTab,
            internal: None,
            origin: "session".into(),
        })
    }

    /// Data links on the trace frame's fields (docs/grafana.md §5, §7.3): Tempo's profile link on
    /// `tags`, then correlations, field by field.
    pub(super) fn data_links(&mut self, links: &mut Vec<Link>, ex: &mut Explainer) {
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
        let frame =
            FrameRow::new(self.span, tracing_is_tempo).in_frame(self.trace.frame_row(self.span));
        let fields = frame.names();
        for rule in &c.span_correlations {
            if !fields.contains(&rule.settings.field.as_str()) {
                ex.suppressed(
                    &rule.settings.path,
                    &Reason::new(
                        "FIELD_NOT_IN_FRAME",
                        format!(
                            "the trace has no field {:?}; fields: {}",
                            rule.settings.field,
                            fields.join(", ")
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
        let kinds = if profile_rule {
            LinkKinds { internal: LinkType::Profiles, external: LinkType::Profiles }
        } else {
            LinkKinds { internal: LinkType::Correlation, external: LinkType::External }
        };
        // A frame with fields of its own: any template may read them, so build the row's variables.
        let own_fields = fields.iter().any(|f| !is_grafana_frame_field(f));
        // The row's variables are built once per span, and only when some field has a link;
        // each field adds `__value` and `__targetField` on top (Grafana's object spreads).
        let mut row_vars: Option<ScopedVars> = None;
        for &field in &fields {
            let has_profile = field == "tags" && profile.is_some();
            if !has_profile && !c.span_correlations.iter().any(|r| r.settings.field == field) {
                continue;
            }
            let here = || c.span_correlations.iter().filter(|r| r.settings.field == field);
            let reads_row = own_fields || here().any(|r| r.reads_row);
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
                let records = self.records();
                let scope = Scope {
                    overrides: &layers,
                    scoped: Some(&self.vars),
                    records: &records,
                    ..Scope::default()
                };
                links.extend(self.profile_link(p, &scope, range, kinds.internal, ex));
            }
            for (index, rule) in
                c.span_correlations.iter().enumerate().filter(|(_, r)| r.settings.field == field)
            {
                let records = self.records();
                let row = Row {
                    memo: Some((self.memo, index)),
                    layers: &layers,
                    vars: &self.vars,
                    records: &records,
                    raw: &input,
                    fields: &|name: &str| frame.raw(name),
                    range: Some(range),
                    kinds,
                };
                if let Some(link) = correlation_link(c, rule, &row, ex) {
                    links.push(link);
                }
            }
        }
    }

    /// Tempo's "Related profiles" data link on the `tags` field (docs/grafana.md §5).
    pub(super) fn profile_link(
        &self,
        p: &super::ProfilesRule,
        scope: &Scope,
        range: TimeRange,
        kind: LinkType,
        ex: &mut Explainer,
    ) -> Option<Link> {
        let origin = &p.settings.path;
        let ds_index = *p.datasource.as_ref().ok()?;
        let ds = self.c.datasource(ds_index);
        let query = match &p.query {
            Ok(q) => q,
            Err(err) => {
                ex.suppressed(
                    origin,
                    &Reason::new("INVALID_TEMPLATE", err.to_string()),
                    Vec::new(),
                );
                return None;
            }
        };
        let mut usages = Vec::new();
        let query = query.render(
            scope,
            &RenderOptions { default_format: None, escaper: Some(&Lang::Pyroscope) },
            &mut usages,
        );
        let variables = ex.variables(|| usage_variables(&usages));
        if let Some(u) = first_unresolved_or(&usages) {
            let reason = if !self.span.tags.iter().any(|kv| kv.key == PROFILE_ID_KEY) {
                Reason::new("MISSING_PROFILE_ID", format!("the span has no `{PROFILE_ID_KEY}` attribute: spans get one from the Pyroscope SDK's span processor"))
            } else {
                unresolved_reason(u, origin)
            };
            ex.suppressed(origin, &reason, variables);
            return None;
        }
        let selector = query.get("labelSelector").map(to_js_string).unwrap_or_default();
        ex.linked(origin, || format!("profiles in {:?}: {selector}", ds.name), variables);
        let internal = Internal {
            kind,
            title: "Related profiles".into(),
            opens: ds.into(),
            query,
            range: Some(range),
            panels_state: None,
            origin,
        };
        Some(internal.link(self.c))
    }

    /// `__span` and `__trace`, for a [`Scope`].
    pub(super) fn records(&self) -> [(&'static str, &dyn Record); 2] {
        [("__span", &self.span_record), ("__trace", &self.trace_record)]
    }

    /// Runs `f` with the scope of the span's own templates (`__span`, `__trace`, `__tags`).
    pub(super) fn with_scope<R>(&self, f: impl FnOnce(&Scope) -> R) -> R {
        let records = self.records();
        f(&Scope { scoped: Some(&self.vars), records: &records, ..Scope::default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    /// Reading `__span` and `__trace` member by member renders exactly what the whole objects
    /// (Grafana's scoped variables) render, for every kind of path.
    #[test]
    fn records_render_like_the_whole_objects() {
        let trace = Trace::from_json(
            r#"{"resourceSpans": [{"resource": {"attributes": [
              {"key": "service.name", "value": {"stringValue": "cart"}},
              {"key": "dup", "value": {"stringValue": "resource"}},
              {"key": "k8s.pod.name", "value": {"stringValue": "cart-7d9"}}]},
              "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a",
              "spanId": "6605c7b08e715d6c", "name": "GET /cart",
              "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201500000000",
              "attributes": [{"key": "dup", "value": {"stringValue": "span"}},
                {"key": "n", "value": {"intValue": "7"}},
                {"key": "list", "value": {"arrayValue": {"values": [{"stringValue": "a"}]}}},
                {"key": "dup", "value": {"stringValue": "span again"}}]}]}]}]}"#,
        )
        .unwrap();
        let span = &trace.spans[0];
        let (span_record, trace_record) = (SpanRecord(span), TraceRecord(&trace));
        let records: [(&str, &dyn Record); 2] =
            [("__span", &span_record), ("__trace", &trace_record)];
        let mut whole = ScopedVars::new();
        whole.insert(
            "__span".into(),
            ScopedVar { value: span_record.value(), text: Some("Span".into()) },
        );
        whole.insert(
            "__trace".into(),
            ScopedVar { value: trace_record.value(), text: Some("Trace".into()) },
        );
        let by_record = Scope { records: &records, ..Scope::default() };
        let by_value = Scope { scoped: Some(&whole), ..Scope::default() };
        let templates = [
            "${__span}",
            "${__span:json}",
            "${__span:text}",
            "${__span.tags}",
            "${__span.tags:json}",
            "${__span.tags.dup}",
            r#"${__span.tags["k8s.pod.name"]}"#,
            "${__span.tags.k8s.pod.name}",
            "${__span.tags['service.name']:text}",
            "${__span.tags.n} ${__span.tags.n:json} ${__span.tags.list} ${__span.tags.list[0]}",
            "${__span.tags.list.length} ${__span.tags.missing} ${__span.tags.dup.length}",
            "${__span.spanId} ${__span.spanId.length} ${__span.name[0]} ${__span.duration}",
            "${__span.traceId:text} ${__span.nope} ${__span.tags.n.x} $__span",
            "${__span['tags']['dup']} ${__span.tags[dup]} [[__span.name]]",
            "${__trace} ${__trace.name} ${__trace.duration} ${__trace.traceId:raw} ${__trace:text}",
        ];
        for text in templates {
            let t = Template::parse(text).unwrap();
            let opts = RenderOptions::default();
            let (a, b) = (t.render(&by_record, &opts), t.render(&by_value, &opts));
            assert_eq!(a, b, "{text}");
        }
        let t = Template::parse("${__span.tags.dup}|${__trace.name}").unwrap();
        let text = t.render(&by_record, &RenderOptions::default()).text;
        assert_eq!(text, "span again|cart: GET /cart");
    }
}

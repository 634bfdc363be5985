//! Correlation data links (docs/grafana.md §6.2, §7.2): transformations, the row's variables, the
//! query or external target.

use serde_json::{json, Value};
use std::cell::RefCell;

use super::explain::{shorten, unresolved_reason, usage_variables, with_notes, Explainer};
use super::frame::as_text;
use super::internal::Internal;
use super::{
    first_unresolved_or, CompiledValue, CorrelationRule, CorrelationTarget, Correlator, Reason,
};
use super::{ExplainVariable, Link, LinkTarget, LinkType};
use crate::explore::TimeRange;
use crate::href::Unsafe;
use crate::js::to_js_string;
use crate::query::Lang;
use crate::template::{Record, RenderOptions, Scope, ScopedVar, ScopedVars};

/// The last inputs and results of each correlation's transformations. In a trace, the spans of
/// one resource come one after another, so inputs such as `serviceTags` repeat and their regexes
/// run once instead of once per span.
#[derive(Default)]
pub(crate) struct TransformMemo(RefCell<Vec<Option<(String, Transformed)>>>);

/// Transformation variables, the transformations that produced none, the one that gave up.
pub(super) type Transformed = crate::transform::Report;

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

/// The link kinds a row's data links get: Grafana's `correlation`/`external`, or `profiles` for
/// every data link of a span that has a profile (docs/grafana.md §5).
#[derive(Clone, Copy)]
pub(crate) struct LinkKinds {
    /// The kind of a link into a data source.
    pub internal: LinkType,
    /// The kind of a link to a URL.
    pub external: LinkType,
}

/// The row a correlation's link is made for: a span of the trace frame or a log line.
pub(crate) struct Row<'r> {
    /// The last transformation results, and this rule's slot in them (span rows only).
    pub memo: Option<(&'r TransformMemo, usize)>,
    /// Variables layered above `vars`, first layer first (the field's own, the row's).
    pub layers: &'r [&'r ScopedVars],
    /// The bottom variables (`__tags`, or a log line's).
    pub vars: &'r ScopedVars,
    /// The bottom variables read member by member (`__span`, `__trace`).
    pub records: &'r [(&'r str, &'r dyn Record)],
    /// The value of the field the link sits on.
    pub raw: &'r Value,
    /// Other fields of the row by name, for transformations that name a field.
    pub fields: &'r dyn Fn(&str) -> Option<Value>,
    /// The Explore range of internal links, and the range of `$__from`/`$__to`.
    pub range: Option<TimeRange>,
    pub kinds: LinkKinds,
}

/// A correlation's data link for one row (docs/grafana.md §6.2, §7.2), or `None` when a variable
/// does not resolve.
pub(crate) fn correlation_link(
    c: &Correlator,
    rule: &CorrelationRule,
    row: &Row,
    ex: &mut Explainer,
) -> Option<Link> {
    let Row { memo, layers, vars, records, raw, fields, range, kinds } = *row;
    let s = &rule.settings;
    let origin = &s.path;
    let fail = |ex: &mut Explainer, code: &'static str, message: String| {
        ex.suppressed(origin, &Reason::new(code, message), Vec::new());
        None
    };
    let target = match &rule.target {
        Ok(t) => *t,
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
        records,
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
    // docs/beyond.md §1: a placeholder inside a quoted literal of the target query gets that
    // language's escaping (the URL of an external link is left as Grafana writes it).
    let lang = match target {
        CorrelationTarget::External => Lang::Plain,
        CorrelationTarget::Datasource(i) => Lang::of_family(c.datasource(i).family),
    };
    let body_opts = RenderOptions { default_format: None, escaper: Some(&lang) };
    let rendered = body.render(&scope, &body_opts, &mut usages);
    let variables = ex.variables(|| {
        let mut variables = usage_variables(&usages);
        variables.extend(transformed.iter().map(|(k, v)| ExplainVariable {
            name: k.clone(),
            path: format!("transformation → {k}"),
            value: Some(v.clone()),
        }));
        variables
    });
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
    let mut unsafe_url = None;
    let link = match target {
        CorrelationTarget::External => {
            let fixed = match body {
                CompiledValue::Text(t) => crate::href::fixed_prefix(t),
                _ => "",
            };
            let (href, why) = external_href(c, &to_js_string(&rendered), fixed);
            unsafe_url = why;
            Link {
                kind: kinds.external,
                title: title.filter(|t| !t.is_empty()).unwrap_or_else(|| "External URL".into()),
                href,
                target: LinkTarget::NewTab,
                internal: None,
                origin: origin.clone(),
            }
        }
        CorrelationTarget::Datasource(i) => {
            let ds = c.datasource(i);
            let mut query = rendered;
            // Grafana puts the target's datasource reference into the correlation's query.
            if let Value::Object(map) = &mut query {
                map.insert("datasource".into(), json!({ "uid": ds.reference() }));
            }
            let title = title.filter(|t| !t.is_empty()).unwrap_or_else(|| ds.name.clone());
            let internal = Internal {
                kind: kinds.internal,
                title,
                opens: ds.into(),
                query,
                range,
                panels_state: None,
                origin,
            };
            internal.link(c)
        }
    };
    if let Some(why) = unsafe_url {
        ex.unsafe_url(origin, &why, variables);
        return Some(link);
    }
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

/// An external link's href as Grafana renders data links: newlines dropped, a root-relative URL
/// under `appSubUrl`; then judged by [`crate::href::check`] (`about:blank` and why, when unsafe).
/// `fixed` is the template's literal start (see [`crate::href::fixed_prefix`]).
pub(crate) fn external_href(c: &Correlator, url: &str, fixed: &str) -> (String, Option<Unsafe>) {
    let (url, fixed) = (url.replace('\n', ""), fixed.replace('\n', ""));
    if url.starts_with('/') && !url.starts_with("//") {
        let app = c.options.app_sub_url.trim_end_matches('/');
        return crate::href::sanitize(format!("{app}{url}"), &format!("{app}{fixed}"));
    }
    crate::href::sanitize(url, &fixed)
}

//! Trace → metrics (docs/grafana.md §4).

use serde_json::{json, Value};

use super::explain::{usage_variables, with_notes, Explainer};
use super::internal::Internal;
use super::span::SpanLinks;
use super::Reason;
use super::{Link, LinkType};
use crate::error::Result;
use crate::explore::Widen;
use crate::query::{formatted_tags, Lang, TagStyle};
use crate::template::{RenderOptions, ScopedVar};

impl SpanLinks<'_> {
    /// Trace → metrics (docs/grafana.md §4): one link per query, never suppressed for variables.
    pub(super) fn metrics_links(
        &mut self,
        links: &mut Vec<Link>,
        ex: &mut Explainer,
    ) -> Result<()> {
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
        let shifts = (&rule.settings.start_shift, &rule.settings.end_shift);
        let Some(range) = self.shifted_window(shifts, Widen::Normal, origin, ex)? else {
            return Ok(());
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
                    let opts = RenderOptions { default_format: None, escaper: Some(&Lang::PromQL) };
                    let r = self.with_scope(|scope| t.render(scope, &opts));
                    let vars = ex.variables(|| usage_variables(&r.usages));
                    (r.text, vars)
                }
            };
            let title = query.name.clone().unwrap_or_default();
            let link = Internal {
                kind: LinkType::Metrics,
                title,
                opens: ds.into(),
                query: json!({ "expr": expr, "refId": "A" }),
                range: Some(range),
                panels_state: None,
                origin: &query.path,
            }
            .link(self.c);
            let template = template.as_ref().and_then(|t| t.as_ref().ok());
            let message = || with_notes(format!("metrics in {:?}: {expr}", ds.name), template);
            ex.linked(&query.path, message, variables);
            links.push(link);
        }
        Ok(())
    }
}

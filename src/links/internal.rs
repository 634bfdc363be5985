//! Internal links: a query into a data source, opened in Explore.

use serde_json::{json, Value};

use super::Correlator;
use super::{InternalLink, Link, LinkTarget, LinkType};
use crate::explore::{left_url, with_datasource_ref, ExploreRange, TimeRange};
use crate::settings::Datasource;

/// The data source an internal link opens: a configured one, or (for a derived field whose
/// `datasourceUid` nothing resolves) the reference as written, under Grafana's placeholder name.
#[derive(Clone, Copy)]
pub(crate) struct Opens<'a> {
    /// What the link writes as `datasourceUid` and the query's `datasource.uid`.
    pub reference: &'a str,
    /// The data source's name.
    pub name: &'a str,
    /// The data source's `type`.
    pub kind: &'a str,
}

impl<'a> From<&'a Datasource> for Opens<'a> {
    fn from(ds: &'a Datasource) -> Opens<'a> {
        Opens { reference: ds.reference(), name: &ds.name, kind: &ds.kind }
    }
}

/// Everything an internal link is made of.
pub(crate) struct Internal<'a> {
    pub kind: LinkType,
    pub title: String,
    pub opens: Opens<'a>,
    /// The query object; the datasource reference is injected when it lacks one.
    pub query: Value,
    pub range: Option<TimeRange>,
    /// Explore's `panelsState` (the focused span of a trace link).
    pub panels_state: Option<Value>,
    pub origin: &'a str,
}

impl Internal<'_> {
    /// The link: the datasource reference injected into the query, the Explore URL built.
    pub fn link(self, c: &Correlator) -> Link {
        let Internal { kind, title, opens, mut query, range, panels_state, origin } = self;
        with_datasource_ref(&mut query, opens.reference);
        let range_state = range.map(ExploreRange::from);
        let href = left_url(
            opens.reference,
            std::slice::from_ref(&query),
            range_state.as_ref(),
            panels_state.as_ref(),
            &c.options.app_sub_url,
        );
        // Only `appSubUrl` (checked when the correlator was built) is not percent-encoded here.
        let (href, _) = crate::href::sanitize(href, &c.options.app_sub_url);
        Link {
            kind,
            title,
            href,
            target: LinkTarget::SameTab,
            internal: Some(InternalLink {
                datasource_uid: opens.reference.to_string(),
                datasource_name: opens.name.to_string(),
                datasource_type: opens.kind.to_string(),
                query,
                range,
                alternatives: None,
            }),
            origin: origin.to_string(),
        }
    }
}

/// Grafana's focus-span link into the trace data source (query = trace id, no range).
pub(super) fn focus_link(
    c: &Correlator,
    tracing: &Datasource,
    (trace_id, span_id): (&str, &str),
    title: String,
    origin: &str,
) -> Link {
    Internal {
        kind: LinkType::Traces,
        title,
        opens: tracing.into(),
        query: json!({ "query": trace_id }),
        range: None,
        panels_state: Some(json!({ "trace": { "spanId": span_id } })),
        origin,
    }
    .link(c)
}

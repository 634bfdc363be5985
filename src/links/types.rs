//! What span links look like to callers (api.md "The link", "Explanation").

use serde::Serialize;
use serde_json::Value;

use crate::explore::TimeRange;

/// The kind of a link, as Grafana's trace view groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkType {
    Logs,
    Metrics,
    Profiles,
    Traces,
    Session,
    /// A data link into a data source (Grafana's `unknown` with an internal target).
    Correlation,
    /// A data link to a URL.
    External,
}

/// Where a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LinkTarget {
    #[serde(rename = "_self")]
    SameTab,
    #[serde(rename = "_blank")]
    NewTab,
}

/// The Grafana data source a link opens, with the query and range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InternalLink {
    pub datasource_uid: String,
    pub datasource_name: String,
    pub datasource_type: String,
    /// Exactly the query object Grafana opens, interpolated, with its datasource reference.
    pub query: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<TimeRange>,
    /// With `dynamic_trace_to_logs`: every alternative Loki query, in probing order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<Vec<Value>>,
}

/// One link of a span (or a log line, or an exemplar).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    #[serde(rename = "type")]
    pub kind: LinkType,
    pub title: String,
    /// The Explore URL for internal links, the interpolated URL for external ones.
    pub href: String,
    pub target: LinkTarget,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal: Option<InternalLink>,
    /// The rule that made the link, as a JSON path into the settings document
    /// (`datasources[0].jsonData.tracesToMetrics.queries[1]`), or `references`,
    /// `subsidiarilyReferencedBy`, `session` for links that come from the trace itself.
    pub origin: String,
}

/// Whether a rule made a link for the span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Link,
    Suppressed,
}

/// A variable a rule read, where it looked, and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainVariable {
    pub name: String,
    /// The lookup path, e.g. `span.attributes["k8s.pod.name"]` or `__span.tags["k8s.pod.name"]`.
    pub path: String,
    pub value: Option<String>,
}

/// Why a rule did or did not make a link for a span (beyond.md §2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    pub origin: String,
    pub outcome: Outcome,
    /// `LINKED`, or the reason code (`NO_TAG_MATCHED`, `UNRESOLVED_VARIABLE`, …).
    pub code: &'static str,
    pub message: String,
    pub variables: Vec<ExplainVariable>,
}

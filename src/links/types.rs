//! What span links look like to callers (docs/api.md "The link", "Explanation").

use serde::Serialize;
use serde_json::Value;

use crate::explore::TimeRange;

/// The kind of a link, as Grafana's trace view groups them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkType {
    /// "Logs for this span": a logs query (`tracesToLogsV2`).
    Logs,
    /// A metrics query (`tracesToMetrics`), one per configured query.
    Metrics,
    /// "Profiles for this span", and every data link of a span that has a profile.
    Profiles,
    /// Another span in the tracing data source (a reference or OTel span link).
    Traces,
    /// "Session for this span" in Frontend Observability.
    Session,
    /// A data link into a data source (Grafana's `unknown` with an internal target).
    Correlation,
    /// A data link to a URL.
    External,
}

impl LinkType {
    /// Every link type, in the order of their [`bit`](LinkType::bit)s.
    pub const ALL: [LinkType; 7] = [
        LinkType::Logs,
        LinkType::Metrics,
        LinkType::Profiles,
        LinkType::Traces,
        LinkType::Session,
        LinkType::Correlation,
        LinkType::External,
    ];

    /// The type's bit in a kind mask ([`crate::LinkSet::kind_mask`]): `logs` 1, `metrics` 2,
    /// `profiles` 4, `traces` 8, `session` 16, `correlation` 32, `external` 64.
    ///
    /// ```
    /// use spanlink::LinkType;
    /// assert_eq!(LinkType::Profiles.bit(), 4);
    /// assert_eq!(LinkType::ALL.iter().fold(0, |m, t| m | t.bit()), 127);
    /// ```
    pub fn bit(self) -> u32 {
        1 << LinkType::ALL.iter().position(|&t| t == self).unwrap_or(0)
    }

    /// The name in JSON and TypeScript (`"logs"`).
    pub fn as_str(self) -> &'static str {
        match self {
            LinkType::Logs => "logs",
            LinkType::Metrics => "metrics",
            LinkType::Profiles => "profiles",
            LinkType::Traces => "traces",
            LinkType::Session => "session",
            LinkType::Correlation => "correlation",
            LinkType::External => "external",
        }
    }
}

/// Where a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LinkTarget {
    /// `_self`: the same browser tab (internal links).
    #[serde(rename = "_self")]
    SameTab,
    /// `_blank`: a new tab.
    #[serde(rename = "_blank")]
    NewTab,
}

/// The Grafana data source a link opens, with the query and range.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InternalLink {
    /// Uid (or name, for a source without uid) of the data source the link opens.
    pub datasource_uid: String,
    /// Name of that data source.
    pub datasource_name: String,
    /// Type of that data source, e.g. `loki`, `prometheus`, `tempo`.
    pub datasource_type: String,
    /// Exactly the query object Grafana opens, interpolated, with its datasource reference.
    pub query: Value,
    /// The Explore time range in epoch ms; `None` for links that carry no range (linked spans).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<TimeRange>,
    /// With `dynamic_trace_to_logs`: every Loki query Grafana probes, in its order (13, or 7
    /// without a service name); the first is [`query`](Self::query) itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<Vec<Value>>,
}

/// One link of a span (or a log line, or an exemplar).
///
/// ```
/// use spanlink::{LinkTarget, LinkType};
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
/// let link = &correlator.span_links(&trace, "6605c7b08e715d6c")?[0];
/// assert_eq!(link.kind, LinkType::Logs);
/// assert_eq!(link.title, "Related logs");
/// assert_eq!(link.target, LinkTarget::SameTab);
/// assert_eq!(link.origin, "datasources[0].jsonData.tracesToLogsV2");
/// assert!(link.href.starts_with("/explore?left=%7B%22range%22"));
///
/// let internal = link.internal.as_ref().unwrap();
/// assert_eq!(
///     (internal.datasource_uid.as_str(), internal.datasource_type.as_str()),
///     ("loki", "loki")
/// );
/// assert_eq!(internal.query["expr"], r#"{service_name="cart"}"#);
/// assert_eq!(internal.query["datasource"]["uid"], "loki"); // injected, as newest Grafana does
/// let range = internal.range.unwrap(); // the 1 s span, unshifted
/// assert_eq!((range.from, range.to), (1602637200000.0, 1602637201000.0));
/// # Ok::<(), spanlink::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Link {
    /// The link type (`type` in JSON).
    #[serde(rename = "type")]
    pub kind: LinkType,
    /// The text Grafana shows, e.g. `Related logs`; `""` for an unnamed metrics query.
    pub title: String,
    /// The Explore URL for internal links, the interpolated URL for external ones.
    pub href: String,
    /// `_blank` for external URLs and for derived-field links with `targetBlank`, else `_self`.
    pub target: LinkTarget,
    /// The data source, query and range, for links into Grafana; `None` for external links.
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
    /// The rule made a link.
    Link,
    /// The rule made no link; `code` says why.
    Suppressed,
}

/// A variable a rule read, where it looked, and what it found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExplainVariable {
    /// The variable's name: a configured tag (`service.name`), a template variable (`__tags`,
    /// `__span`) or a transformation output.
    pub name: String,
    /// The lookup path, e.g. `span.attributes["k8s.pod.name"]` or `__span.tags["k8s.pod.name"]`.
    pub path: String,
    /// What it found, `None` when the variable is unresolved.
    pub value: Option<String>,
}

/// Why a rule did or did not make a link for a span (docs/beyond.md §2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The rule, as a JSON path into the settings (same form as [`Link::origin`]).
    pub origin: String,
    /// Whether the rule linked or was suppressed.
    pub outcome: Outcome,
    /// `LINKED`, or the reason code (`NO_TAG_MATCHED`, `UNRESOLVED_VARIABLE`, …).
    pub code: &'static str,
    /// One sentence a user can act on.
    pub message: String,
    /// The variables the rule read, in the order it read them.
    pub variables: Vec<ExplainVariable>,
}

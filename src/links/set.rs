//! [`LinkSet`]: every span's links computed once and kept, for callers that read them span by
//! span (a trace view's waterfall: which spans have which kinds of links; one span's links on
//! expand) instead of receiving them all at once.

use super::{Link, LinkType};

/// Every span's links of a trace, in span order (the order of [`crate::Trace::spans`]), each
/// span's in Grafana's order. Made by [`super::Correlator::link_set`].
///
/// ```
/// use spanlink::LinkType;
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
/// let set = correlator.link_set(&trace)?;
/// assert_eq!((set.span_count(), set.len()), (1, 1));
/// assert_eq!(set.kinds(0).collect::<Vec<_>>(), [LinkType::Logs]);
/// assert_eq!(set.kind_mask(0), LinkType::Logs.bit());
/// assert!(set.links(0)[0].href.starts_with("/explore?left="));
/// # Ok::<(), spanlink::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LinkSet {
    links: Vec<Link>,
    /// Where each span's links start in `links`; one more entry than spans.
    starts: Vec<usize>,
}

impl LinkSet {
    /// A set from each span's links, in span order.
    pub(crate) fn push_span(&mut self, links: Vec<Link>) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.links.extend(links);
        self.starts.push(self.links.len());
    }

    /// The number of spans.
    pub fn span_count(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The number of links of all spans.
    pub fn len(&self) -> usize {
        self.links.len()
    }

    /// Whether no span has a link.
    pub fn is_empty(&self) -> bool {
        self.links.is_empty()
    }

    /// The links of the span at `index` (empty past the last span).
    pub fn links(&self, index: usize) -> &[Link] {
        match (self.starts.get(index), self.starts.get(index + 1)) {
            (Some(&start), Some(&end)) => &self.links[start..end],
            _ => &[],
        }
    }

    /// The kinds of the span's links, one per link, in order.
    pub fn kinds(&self, index: usize) -> impl Iterator<Item = LinkType> + '_ {
        self.links(index).iter().map(|l| l.kind)
    }

    /// The kinds the span's links have, as a set of [`LinkType::bit`]s.
    pub fn kind_mask(&self, index: usize) -> u32 {
        self.kinds(index).fold(0, |mask, kind| mask | kind.bit())
    }
}

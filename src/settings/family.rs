//! Data source families: the one place that knows which plugin `type` ids spanlink understands
//! and what Grafana's trace view does with each. Settings reading, link building and the lint
//! all ask this module instead of comparing type strings.

/// What a data source's `type` is to the trace view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// Grafana Tempo (`tempo`).
    Tempo,
    /// Jaeger (`jaeger`).
    Jaeger,
    /// Zipkin (`zipkin`).
    Zipkin,
    /// AWS X-Ray (`grafana-x-ray-datasource`): a trace target of derived fields.
    XRay,
    /// Grafana Loki (`loki`).
    Loki,
    /// Elasticsearch (`elasticsearch`).
    Elasticsearch,
    /// OpenSearch (`grafana-opensearch-datasource`).
    OpenSearch,
    /// Splunk (`grafana-splunk-datasource`).
    Splunk,
    /// Falcon LogScale (`grafana-falconlogscale-datasource`).
    FalconLogScale,
    /// Google Cloud Logging (`googlecloud-logging-datasource`).
    CloudLogging,
    /// VictoriaLogs (`victoriametrics-logs-datasource`).
    VictoriaLogs,
    /// Prometheus and what speaks its API (`prometheus`, `victoriametrics-metrics-datasource`).
    Prometheus,
    /// Grafana Pyroscope (`grafana-pyroscope-datasource`).
    Pyroscope,
    /// `phlare`, the Pyroscope plugin's old id. Grafana keeps it as an alias so the data source
    /// still loads, but the trace view's profile link checks the type for
    /// `grafana-pyroscope-datasource` exactly: no profile link goes to a `phlare` source.
    Phlare,
    /// Any other type: no trace-view link goes to it, and queries to it are not escaped.
    Other,
}

/// The signals a trace links to through its `tracesTo…` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// `tracesToLogsV2` / `tracesToLogs`.
    Logs,
    /// `tracesToMetrics` (and `serviceMap`).
    Metrics,
    /// `tracesToProfiles`.
    Profiles,
}

/// Every type id with a family, in the order messages list them.
const TYPES: &[(&str, Family)] = &[
    ("tempo", Family::Tempo),
    ("jaeger", Family::Jaeger),
    ("zipkin", Family::Zipkin),
    ("grafana-x-ray-datasource", Family::XRay),
    ("loki", Family::Loki),
    ("elasticsearch", Family::Elasticsearch),
    ("grafana-splunk-datasource", Family::Splunk),
    ("grafana-opensearch-datasource", Family::OpenSearch),
    ("grafana-falconlogscale-datasource", Family::FalconLogScale),
    ("googlecloud-logging-datasource", Family::CloudLogging),
    ("victoriametrics-logs-datasource", Family::VictoriaLogs),
    ("prometheus", Family::Prometheus),
    ("victoriametrics-metrics-datasource", Family::Prometheus),
    ("grafana-pyroscope-datasource", Family::Pyroscope),
    ("phlare", Family::Phlare),
];

impl Family {
    /// The family of a data source `type` (exact, case-sensitive: Grafana's plugin ids are).
    ///
    /// ```
    /// use spanlink::settings::Family;
    /// assert_eq!(Family::of("victoriametrics-metrics-datasource"), Family::Prometheus);
    /// assert_eq!(Family::of("Loki"), Family::Other);
    /// ```
    pub fn of(type_id: &str) -> Family {
        TYPES.iter().find(|(id, _)| *id == type_id).map_or(Family::Other, |&(_, f)| f)
    }

    /// A trace data source whose settings drive span links (the default tracing source).
    pub fn is_tracing(self) -> bool {
        matches!(self, Family::Tempo | Family::Jaeger | Family::Zipkin)
    }

    /// Does the trace view link `signal` to a data source of this family?
    ///
    /// ```
    /// use spanlink::settings::{Family, Signal};
    /// assert!(Family::Pyroscope.links(Signal::Profiles));
    /// assert!(!Family::Phlare.links(Signal::Profiles));
    /// assert!(Family::OpenSearch.links(Signal::Logs));
    /// ```
    pub fn links(self, signal: Signal) -> bool {
        use Family::*;
        match signal {
            Signal::Logs => matches!(
                self,
                Loki | Elasticsearch
                    | OpenSearch
                    | Splunk
                    | FalconLogScale
                    | CloudLogging
                    | VictoriaLogs
            ),
            Signal::Metrics => self == Prometheus,
            Signal::Profiles => self == Pyroscope,
        }
    }

    /// The type ids the trace view links `signal` to, for messages.
    pub fn type_ids(signal: Signal) -> Vec<&'static str> {
        TYPES.iter().filter(|(_, f)| f.links(signal)).map(|&(id, _)| id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_id_maps_back_to_its_family() {
        for &(id, family) in TYPES {
            assert_eq!(Family::of(id), family, "{id}");
        }
        assert_eq!(Family::of("grafana-pyroscope"), Family::Other);
    }

    #[test]
    fn supported_ids_per_signal() {
        assert_eq!(
            Family::type_ids(Signal::Metrics),
            ["prometheus", "victoriametrics-metrics-datasource"]
        );
        assert_eq!(Family::type_ids(Signal::Profiles), ["grafana-pyroscope-datasource"]);
        assert_eq!(Family::type_ids(Signal::Logs).len(), 7);
    }

    #[test]
    fn the_logs_query_builders_cover_exactly_the_logs_families() {
        for &(id, family) in TYPES {
            let builds = crate::query::logs::LogsTarget::of(family).is_some();
            assert_eq!(builds, family.links(Signal::Logs), "{id}");
        }
    }
}

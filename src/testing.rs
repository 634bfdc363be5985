//! Small builders for examples and tests.

use crate::model::Span;

/// A 1-second span at 2020-10-14T01:00:00Z with no attributes, service `service`.
pub fn span(trace_id: &str, span_id: &str) -> Span {
    Span {
        trace_id: trace_id.into(),
        span_id: span_id.into(),
        parent_span_id: None,
        operation_name: "operation".into(),
        service_name: "service".into(),
        start_time: 1_602_637_200_000_000.0,
        duration: 1_000_000.0,
        kind: None,
        status_code: None,
        status_message: None,
        service_tags: Default::default(),
        tags: Vec::new(),
        logs: Vec::new(),
        references: Vec::new(),
    }
}

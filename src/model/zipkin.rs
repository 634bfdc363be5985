//! zipkin trace JSON → [`Span`](super::Span)s. (Being written.)
use super::Span;
use crate::error::Result;
use serde_json::Value;

pub(super) fn detect(value: &Value) -> Option<&Vec<Value>> { let _ = value; None }
pub(super) fn parse(_spans: &[Value]) -> Result<Vec<Span>> { Ok(Vec::new()) }

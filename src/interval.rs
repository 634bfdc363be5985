//! Grafana's interval strings (grafana.md §10.3). (Being written.)
use crate::error::{Error, ErrorCode, Result};

/// `rangeUtil.intervalToMs`: `"-2m"` → -120000.
pub fn parse_interval(text: &str) -> Result<i64> {
    Err(Error::new(ErrorCode::InvalidInterval, "", format!("not an interval: {text:?}")))
}

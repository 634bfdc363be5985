//! Explicit input limits (README "Limits"). Past one, spanlink returns an error with code
//! `LIMIT_EXCEEDED` (or `INVALID_REGEX` for the regex size) naming the field and the limit,
//! instead of running out of memory, trapping or aborting in the browser tab.

use crate::error::{Error, ErrorCode, Result};

/// Largest trace document, in bytes of JSON text.
pub const TRACE_BYTES: usize = 128 * 1024 * 1024;
/// Most spans in one trace.
pub const SPANS: usize = 500_000;
/// Most attributes (span plus resource attributes) on one span.
pub const ATTRIBUTES_PER_SPAN: usize = 10_000;
/// Longest template (a query, URL or label of the settings), in bytes.
pub const TEMPLATE_BYTES: usize = 1024 * 1024;
/// Largest compiled regex (the `regex` crate's size limit), in bytes.
pub const REGEX_COMPILED_BYTES: usize = 1024 * 1024;
/// Deepest nesting of arrays and objects in a JSON document (settings or trace): serde_json's own
/// recursion limit (it refuses the 128th level), named here.
pub const JSON_DEPTH: usize = 127;
/// Most rules in one settings document: logs, metrics queries, profiles, correlations, derived
/// fields and exemplar destinations together.
pub const RULES: usize = 10_000;

/// An error for a value past a limit.
pub(crate) fn exceeded(path: impl Into<String>, what: &str, found: usize, limit: usize) -> Error {
    Error::new(
        ErrorCode::LimitExceeded,
        path,
        format!("{what} is {found}, more than the limit of {limit}"),
    )
}

/// Fails when `len` is past `limit`.
pub(crate) fn check(path: &str, what: &str, len: usize, limit: usize) -> Result<()> {
    if len > limit {
        return Err(exceeded(path, what, len, limit));
    }
    Ok(())
}

/// Why JSON text did not parse: nesting past [`JSON_DEPTH`] (a `LIMIT_EXCEEDED` error at `path`
/// about `what`, e.g. "the trace"), or `invalid` and the parser's own message. Only called on
/// failure, so the happy path pays nothing.
pub(crate) fn json_error(
    text: &str,
    path: &str,
    what: &str,
    invalid: &str,
    e: serde_json::Error,
) -> Error {
    let depth = json_depth(text);
    if depth > JSON_DEPTH {
        return exceeded(path, &format!("the nesting depth of {what}"), depth, JSON_DEPTH);
    }
    Error::new(ErrorCode::InvalidJson, path, format!("{invalid}: {e}"))
}

/// The deepest nesting of `[` and `{` in JSON text (strings skipped), stopping once past the limit.
fn json_depth(text: &str) -> usize {
    let (mut depth, mut max, mut in_string, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
                if max > JSON_DEPTH {
                    break;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    #[test]
    fn depth_skips_strings() {
        assert_eq!(super::json_depth(r#"{"a": [1, {"b": "[[[{"}]}"#), 3);
        assert_eq!(super::json_depth(r#"["\"[", []]"#), 2);
    }
}

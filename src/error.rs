//! The one error type of spanlink: a machine-readable code, the JSON path of the offending
//! input, and a sentence for people.

use std::fmt;

/// What kind of input was wrong. Stable strings (see [`ErrorCode::as_str`]) cross the wasm
/// boundary as `SpanlinkError.code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The text is not JSON (or not YAML, from the JS helper).
    InvalidJson,
    /// A settings field has the wrong type or an impossible value.
    InvalidSettings,
    /// A settings field names a data source that is not in the document.
    UnknownDatasource,
    /// A time shift or interval that Grafana's `intervalToMs` rejects.
    InvalidInterval,
    /// An unknown format name given to the strict `Format::parse`. No template fails, as
    /// Grafana's `replace` never does: malformed references stay as written and are reported by
    /// `diagnostics()` and `explain()`.
    InvalidTemplate,
    /// A regular expression that does not compile.
    InvalidRegex,
    /// A trace document in none of the supported formats, or with broken fields.
    InvalidTrace,
    /// A span id that is not in the trace.
    SpanNotFound,
    /// A call argument of the wrong shape (JS binding).
    InvalidArgument,
    /// An input past one of spanlink's limits (`spanlink::limits`): too large, too deep, too many.
    LimitExceeded,
}

impl ErrorCode {
    /// The code as JS sees it, e.g. `"INVALID_INTERVAL"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidJson => "INVALID_JSON",
            ErrorCode::InvalidSettings => "INVALID_SETTINGS",
            ErrorCode::UnknownDatasource => "UNKNOWN_DATASOURCE",
            ErrorCode::InvalidInterval => "INVALID_INTERVAL",
            ErrorCode::InvalidTemplate => "INVALID_TEMPLATE",
            ErrorCode::InvalidRegex => "INVALID_REGEX",
            ErrorCode::InvalidTrace => "INVALID_TRACE",
            ErrorCode::SpanNotFound => "SPAN_NOT_FOUND",
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::LimitExceeded => "LIMIT_EXCEEDED",
        }
    }
}

/// An error with the JSON path of the field it is about.
///
/// ```
/// let err = spanlink::parse_interval("5 m").unwrap_err();
/// assert_eq!(err.code, spanlink::ErrorCode::InvalidInterval);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// What kind of error this is.
    pub code: ErrorCode,
    /// JSON path from the document root, e.g.
    /// `datasources[0].jsonData.tracesToLogsV2.spanStartTimeShift`; empty when the error is
    /// about a whole argument.
    pub path: String,
    /// What went wrong, in a sentence.
    pub message: String,
}

impl Error {
    /// An error with this code, JSON path and message.
    pub fn new(code: ErrorCode, path: impl Into<String>, message: impl Into<String>) -> Error {
        Error { code, path: path.into(), message: message.into() }
    }

    /// The same error, placed under a parent path (`at("datasources[0]")` turns `jsonData.x`
    /// into `datasources[0].jsonData.x`).
    pub fn at(mut self, parent: &str) -> Error {
        self.path = join_path(parent, &self.path);
        self
    }
}

/// Joins JSON path segments: `join_path("a", "b")` is `a.b`, `join_path("a", "[0]")` is `a[0]`.
pub fn join_path(parent: &str, child: &str) -> String {
    if parent.is_empty() {
        child.to_string()
    } else if child.is_empty() {
        parent.to_string()
    } else if child.starts_with('[') {
        format!("{parent}{child}")
    } else {
        format!("{parent}.{child}")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}: {}", self.code.as_str(), self.message)
        } else {
            write!(f, "{} at {}: {}", self.code.as_str(), self.path, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with spanlink's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

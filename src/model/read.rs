//! Small typed readers over `serde_json::Value` shared by the trace parsers: each failure is an
//! `INVALID_TRACE` error naming the JSON path and showing the bad value, so a user can find the
//! broken field in a large document.

use serde_json::{Map, Value};

use crate::error::{Error, ErrorCode, Result};

/// An `INVALID_TRACE` error at `path`.
pub(super) fn invalid(path: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidTrace, path, message)
}

/// `path.key`
pub(super) fn key_path(path: &str, key: &str) -> String {
    crate::error::join_path(path, key)
}

/// `path[i]`
pub(super) fn index_path(path: &str, i: usize) -> String {
    format!("{path}[{i}]")
}

/// The value shown in messages: compact JSON, cut to 60 characters so a huge value stays readable.
pub(super) fn preview(value: &Value) -> String {
    let text = crate::js::json_stringify(value);
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}...")
    } else {
        text
    }
}

fn wrong_type(path: &str, expected: &str, value: &Value) -> Error {
    invalid(
        path,
        format!("expected {expected}, found {}: {}", crate::js::type_name(value), preview(value)),
    )
}

/// `value` as an object.
pub(super) fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>> {
    value.as_object().ok_or_else(|| wrong_type(path, "an object", value))
}

/// `obj[key]`, treating `null` like a missing key (proto3 JSON writes defaults either way).
pub(super) fn field<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// An optional array field; missing or `null` is empty.
pub(super) fn array<'a>(obj: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a [Value]> {
    match field(obj, key) {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(wrong_type(&key_path(path, key), "an array", other)),
    }
}

/// An optional string field.
pub(super) fn opt_str<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>> {
    match field(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(wrong_type(&key_path(path, key), "a string", other)),
    }
}

/// A required, non-empty string field (ids).
pub(super) fn req_str<'a>(obj: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a str> {
    match opt_str(obj, key, path)? {
        Some(s) if !s.is_empty() => Ok(s),
        _ => Err(invalid(&key_path(path, key), format!("missing `{key}`"))),
    }
}

/// An optional number field, also accepted as a decimal string (OTLP JSON writes 64-bit integers
/// as strings). Converted like JavaScript's `Number(text)`: to the nearest f64.
pub(super) fn opt_number(obj: &Map<String, Value>, key: &str, path: &str) -> Result<Option<f64>> {
    let Some(value) = field(obj, key) else { return Ok(None) };
    let bad = || wrong_type(&key_path(path, key), "a number or a numeric string", value);
    match value {
        Value::Number(n) => n.as_f64().map(Some).ok_or_else(bad),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return Ok(Some(0.0)); // Number("") is 0
            }
            // Rust also parses `inf`/`NaN`, which are not times; keep finite numbers only.
            Some(crate::js::js_string_to_number(s))
                .filter(|x| x.is_finite() && !s.trim().is_empty())
                .map(Some)
                .ok_or_else(bad)
        }
        _ => Err(bad()),
    }
}

/// Lower-case hex of `bytes`.
pub(super) fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

/// Decodes standard, padded base64 (what Tempo's API writes); `None` when `text` is not that.
pub(super) fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if bytes.is_empty() || bytes.len() % 4 != 0 {
        return None;
    }
    let sextet = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let chunks = bytes.len() / 4;
    for (i, chunk) in bytes.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != chunks) {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | sextet(c)?;
        }
        n <<= 6 * pad as u32;
        let group = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&group[..3 - pad]);
    }
    Some(out)
}

pub(super) fn is_hex(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_hexdigit())
}

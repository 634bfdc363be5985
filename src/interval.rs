//! Grafana's interval strings (docs/grafana.md §10.3): time shifts such as `spanStartTimeShift: "-1h"`.

use crate::error::{Error, ErrorCode, Result};
use crate::js::js_string_to_number;

/// Milliseconds per unit, `ms` first so it wins over `m`.
const UNITS: [(&str, i64); 8] = [
    ("ms", 1),
    ("M", 30 * 86_400_000),
    ("w", 604_800_000),
    ("d", 86_400_000),
    ("h", 3_600_000),
    ("m", 60_000),
    ("s", 1000),
    ("y", 365 * 86_400_000),
];

fn invalid(text: &str) -> Error {
    Error::new(
        ErrorCode::InvalidInterval,
        "",
        format!("invalid interval {text:?}: expected a number of seconds or a number followed by one of ms, s, m, h, d, w, M, y"),
    )
}

/// Splits `-?\d+(\.\d+)?` off the start of `text`: (integer part with sign, rest).
fn leading_number(text: &str) -> Option<(&str, &str)> {
    let digits_from = usize::from(text.starts_with('-'));
    let int_end = digits_from + text[digits_from..].bytes().take_while(u8::is_ascii_digit).count();
    if int_end == digits_from {
        return None;
    }
    let rest = &text[int_end..];
    // The fraction must have digits to belong to the number; the count ignores it anyway.
    let frac_len = match rest.strip_prefix('.') {
        Some(after) => match after.bytes().take_while(u8::is_ascii_digit).count() {
            0 => 0,
            n => n + 1,
        },
        None => 0,
    };
    Some((&text[..int_end], &rest[frac_len..]))
}

/// The unit `rest` starts with, and its length in ms.
fn leading_unit(rest: &str) -> Option<(&'static str, i64)> {
    UNITS.iter().copied().find(|(unit, _)| rest.starts_with(unit))
}

/// `parseInt(text, 10)`: optional whitespace and sign, then as many digits as there are.
fn parse_int(text: &str) -> Option<i64> {
    let t = text.trim_start();
    let (negative, digits) = match t.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let digits = &digits[..digits.bytes().take_while(u8::is_ascii_digit).count()];
    let n: i64 = digits.parse().ok()?;
    Some(if negative { -n } else { n })
}

/// Grafana's `rangeUtil.intervalToMs`: a non-zero plain number is seconds; otherwise the text
/// starts with a number and a unit, the count is the integer part and anything after the unit
/// is ignored.
///
/// ```
/// use spanlink::parse_interval;
/// assert_eq!(parse_interval("-2m").unwrap(), -120_000);
/// assert_eq!(parse_interval("123").unwrap(), 123_000);
/// assert_eq!(parse_interval("1.5h").unwrap(), 3_600_000); // only the integer part counts
/// assert_eq!(parse_interval("5min").unwrap(), 300_000); // trailing text is ignored
/// assert_eq!(parse_interval("100ms").unwrap(), 100);
/// assert!(parse_interval("0").is_err());
/// assert!(parse_interval("xyz").is_err());
/// ```
pub fn parse_interval(text: &str) -> Result<i64> {
    let number = js_string_to_number(text);
    if number != 0.0 && !number.is_nan() {
        // `Number(str)` is truthy: Grafana takes `parseInt(str, 10)` seconds.
        return parse_int(text).and_then(|n| n.checked_mul(1000)).ok_or_else(|| invalid(text));
    }
    let (count, rest) = leading_number(text).ok_or_else(|| invalid(text))?;
    let (_, unit_ms) = leading_unit(rest).ok_or_else(|| invalid(text))?;
    parse_int(count).and_then(|n| n.checked_mul(unit_ms)).ok_or_else(|| invalid(text))
}

/// The settings UI's rule for a time shift: empty, or exactly a number and one unit.
///
/// ```
/// use spanlink::is_valid_shift;
/// assert!(is_valid_shift("-80ms"));
/// assert!(is_valid_shift("1.5h"));
/// assert!(is_valid_shift(""));
/// assert!(!is_valid_shift("1"));
/// assert!(!is_valid_shift("1ds"));
/// assert!(!is_valid_shift("-"));
/// ```
pub fn is_valid_shift(text: &str) -> bool {
    if text.is_empty() {
        return true;
    }
    let Some((_, rest)) = leading_number(text) else {
        return false;
    };
    leading_unit(rest).is_some_and(|(unit, _)| unit.len() == rest.len())
}

/// A configured time shift in ms: absent or empty means `default_ms`.
///
/// ```
/// use spanlink::time_shift_ms;
/// assert_eq!(time_shift_ms(None, 0).unwrap(), 0);
/// assert_eq!(time_shift_ms(Some(""), 7).unwrap(), 7);
/// assert_eq!(time_shift_ms(Some("-5m"), 0).unwrap(), -300_000);
/// assert!(time_shift_ms(Some("soon"), 0).is_err());
/// ```
pub fn time_shift_ms(text: Option<&str>, default_ms: i64) -> Result<i64> {
    match text {
        None | Some("") => Ok(default_ms),
        Some(text) => parse_interval(text),
    }
}

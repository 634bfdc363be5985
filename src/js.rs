//! JavaScript's conversions, written once in Rust: Grafana's output is made of `String(v)`,
//! `JSON.stringify` and `encodeURIComponent`, and spanlink must match it byte for byte.

use serde_json::{Map, Number, Value};
use std::fmt::Write;

/// `String(v)` as JavaScript writes it: arrays joined by `,` (null items empty), objects as
/// `[object Object]`, numbers in JS notation.
///
/// ```
/// use serde_json::json;
/// assert_eq!(spanlink::js::to_js_string(&json!([1, "a", null])), "1,a,");
/// assert_eq!(spanlink::js::to_js_string(&json!({"a": 1})), "[object Object]");
/// assert_eq!(spanlink::js::to_js_string(&json!(2.0)), "2");
/// ```
pub fn to_js_string(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => number_to_js_string(n),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|v| if v.is_null() { String::new() } else { to_js_string(v) })
            .collect::<Vec<_>>()
            .join(","),
        Value::Object(_) => "[object Object]".to_string(),
    }
}

fn number_to_js_string(n: &Number) -> String {
    // Integers beyond 2^53 are rounded to a double first, as JavaScript reads them.
    const SAFE: u64 = 1 << 53;
    if let Some(i) = n.as_i64().filter(|i| i.unsigned_abs() <= SAFE) {
        i.to_string()
    } else if let Some(u) = n.as_u64().filter(|&u| u <= SAFE) {
        u.to_string()
    } else {
        f64_to_js_string(n.as_f64().unwrap_or(f64::NAN))
    }
}

/// `Number.prototype.toString()`: shortest round-trip digits, plain notation for
/// 1e-6 <= |x| < 1e21, exponent notation (`1e+21`, `1.5e-7`) outside.
///
/// In the browser and Node the host's own `Number#toString` is used: it is the definition, and
/// it spares the wasm module core's float formatting (about 8 KB gzipped).
#[cfg(target_family = "wasm")]
pub fn f64_to_js_string(x: f64) -> String {
    // Whole numbers (epoch milliseconds of every range bound) are written here: a call out to
    // JS per number cost 6.5 % of link building.
    if let Some(i) = exact_integer(x) {
        return i.to_string();
    }
    js_sys::Number::from(x).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// `x` as an integer when JS writes it as one: whole, and small enough (|x| < 2^53) that its
/// decimal digits are exact (JS writes `-0` as `0`, which `0i64` is too).
fn exact_integer(x: f64) -> Option<i64> {
    const SAFE: f64 = 9_007_199_254_740_992.0; // 2^53
    (x.fract() == 0.0 && x.abs() < SAFE).then_some(x as i64)
}

/// `Number.prototype.toString()`: shortest round-trip digits, plain notation for
/// 1e-6 <= |x| < 1e21, exponent notation (`1e+21`, `1.5e-7`) outside.
#[cfg(not(target_family = "wasm"))]
pub fn f64_to_js_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if let Some(i) = exact_integer(x) {
        return i.to_string();
    }
    let abs = x.abs();
    // JS writes decimals for 1e-6 <= |x| < 1e21 (Number::toString, step 6-8).
    if (1e-6..1e21).contains(&abs) {
        // Rust's Display is the shortest round-trip decimal, as JS's is, without exponent.
        let s = format!("{x}");
        return s;
    }
    // JS switches to exponent notation: 1e+21, 1.5e-7.
    let s = format!("{x:e}");
    match s.split_once('e') {
        Some((mantissa, exp)) if !exp.starts_with('-') => format!("{mantissa}e+{exp}"),
        _ => s,
    }
}

/// A JSON number for `x`, an integer when `x` has no fraction (so it prints as JS prints it).
pub fn number_value(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.007_199_254_740_992e15 {
        Value::from(x as i64)
    } else {
        Number::from_f64(x).map(Value::Number).unwrap_or(Value::Null)
    }
}

/// How messages name a JSON value's type: "a string", "an object", "null"…
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `JSON.stringify(v)`: compact, keys in insertion order, numbers in JS notation.
pub fn json_stringify(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

/// Appends `JSON.stringify(value)` to `out`.
pub fn write_json(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(0.0);
            if n.is_f64() && !f.is_finite() {
                out.push_str("null")
            } else {
                out.push_str(&number_to_js_string(n))
            }
        }
        Value::String(s) => write_json_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => write_json_object(out, map),
    }
}

fn write_json_object(out: &mut String, map: &Map<String, Value>) {
    out.push('{');
    for (i, (key, item)) in map.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_json_string(out, key);
        out.push(':');
        write_json(out, item);
    }
    out.push('}');
}

/// A JSON string literal as `JSON.stringify` writes it.
pub fn write_json_string(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    // Copy runs of plain characters at once; only `"`, `\\` and control characters are escaped.
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            let _ = write!(out, "\\u{b:04x}");
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

/// `encodeURIComponent(s)`: everything but `A-Z a-z 0-9 - _ . ! ~ * ' ( )` percent-encoded as
/// UTF-8, upper-case hex.
///
/// ```
/// assert_eq!(spanlink::js::encode_uri_component("{a=\"b c\"}"), "%7Ba%3D%22b%20c%22%7D");
/// ```
pub fn encode_uri_component(s: &str) -> String {
    encode_with(s, &URI_COMPONENT_KEEPS)
}

/// `encodeURI(s)`: like [`encode_uri_component`] but keeps URI syntax characters
/// `; , / ? : @ & = + $ #`.
pub fn encode_uri(s: &str) -> String {
    encode_with(s, &URI_KEEPS)
}

/// Which bytes a percent-encoder keeps as they are: ASCII letters and digits plus `extra`.
/// Non-ASCII bytes are never kept, so the output is ASCII.
pub struct KeepSet([bool; 256]);

impl KeepSet {
    /// Letters, digits and the bytes of `extra` (which must be ASCII).
    pub const fn alphanumeric_and(extra: &[u8]) -> KeepSet {
        let mut keep = [false; 256];
        let mut b = 0;
        while b < 128 {
            keep[b] = (b as u8).is_ascii_alphanumeric();
            b += 1;
        }
        let mut i = 0;
        while i < extra.len() {
            keep[extra[i] as usize] = extra[i] < 128;
            i += 1;
        }
        KeepSet(keep)
    }
}

pub(crate) const URI_COMPONENT_KEEPS: KeepSet = KeepSet::alphanumeric_and(b"-_.!~*'()");
const URI_KEEPS: KeepSet = KeepSet::alphanumeric_and(b"-_.!~*'();,/?:@&=+$#");

/// Percent-encodes every byte `keep` does not keep (one table look-up a byte: Explore URLs are
/// long, and encoding them is a large part of building a link).
pub fn encode_with(s: &str, keep: &KeepSet) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 2);
    encode_into(&mut out, s, keep);
    out
}

/// `%00%01…%FF`: the escape of byte `b` is at `3 * b`.
const PERCENT_ESCAPES: &str = concat!(
    "%00%01%02%03%04%05%06%07%08%09%0A%0B%0C%0D%0E%0F%10%11%12%13%14%15%16%17%18%19%1A%1B%1C%1D%1E%1F",
    "%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2D%2E%2F%30%31%32%33%34%35%36%37%38%39%3A%3B%3C%3D%3E%3F",
    "%40%41%42%43%44%45%46%47%48%49%4A%4B%4C%4D%4E%4F%50%51%52%53%54%55%56%57%58%59%5A%5B%5C%5D%5E%5F",
    "%60%61%62%63%64%65%66%67%68%69%6A%6B%6C%6D%6E%6F%70%71%72%73%74%75%76%77%78%79%7A%7B%7C%7D%7E%7F",
    "%80%81%82%83%84%85%86%87%88%89%8A%8B%8C%8D%8E%8F%90%91%92%93%94%95%96%97%98%99%9A%9B%9C%9D%9E%9F",
    "%A0%A1%A2%A3%A4%A5%A6%A7%A8%A9%AA%AB%AC%AD%AE%AF%B0%B1%B2%B3%B4%B5%B6%B7%B8%B9%BA%BB%BC%BD%BE%BF",
    "%C0%C1%C2%C3%C4%C5%C6%C7%C8%C9%CA%CB%CC%CD%CE%CF%D0%D1%D2%D3%D4%D5%D6%D7%D8%D9%DA%DB%DC%DD%DE%DF",
    "%E0%E1%E2%E3%E4%E5%E6%E7%E8%E9%EA%EB%EC%ED%EE%EF%F0%F1%F2%F3%F4%F5%F6%F7%F8%F9%FA%FB%FC%FD%FE%FF",
);

/// Appends `s` percent-encoded as [`encode_with`] encodes it to `out`.
pub fn encode_into(out: &mut String, s: &str, keep: &KeepSet) {
    out.reserve(s.len() + s.len() / 2);
    // Runs of kept bytes are copied at once. A run is ASCII and is bounded by bytes that are not
    // kept (every non-ASCII byte among them), so its ends are character boundaries.
    let mut run = 0;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if keep.0[usize::from(b)] {
            continue;
        }
        if run < i {
            out.push_str(&s[run..i]);
        }
        let at = 3 * usize::from(b);
        out.push_str(&PERCENT_ESCAPES[at..at + 3]);
        run = i + 1;
    }
    if run < s.len() {
        out.push_str(&s[run..]);
    }
}

/// `Number(s)` for a string: surrounding whitespace ignored, empty is `0`, `0x`/`0o`/`0b`
/// integers, `Infinity`, decimals with exponent; anything else is `NaN`.
///
/// ```
/// use spanlink::js::js_string_to_number;
/// assert_eq!(js_string_to_number(" -1.5e3 "), -1500.0);
/// assert_eq!(js_string_to_number(""), 0.0);
/// assert_eq!(js_string_to_number("0x1F"), 31.0);
/// assert!(js_string_to_number("1a").is_nan());
/// assert!(js_string_to_number("inf").is_nan());
/// ```
pub fn js_string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| (c.is_whitespace() && c != '\u{85}') || c == '\u{feff}');
    if t.is_empty() {
        return 0.0;
    }
    for (prefix, radix) in [("0x", 16), ("0X", 16), ("0o", 8), ("0O", 8), ("0b", 2), ("0B", 2)] {
        if let Some(digits) = t.strip_prefix(prefix) {
            if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
                return f64::NAN;
            }
            return digits
                .chars()
                .fold(0.0, |acc, c| acc * radix as f64 + c.to_digit(radix).unwrap_or(0) as f64);
        }
    }
    let unsigned = t.strip_prefix(['+', '-']).unwrap_or(t);
    if unsigned == "Infinity" {
        return if t.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    // Rust's parser also takes "inf" and "nan"; JS takes only the decimal grammar checked here.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return f64::NAN;
    }
    // Rewritten as a JSON number (no `+`, no bare `.`, no leading zeros) and read by the JSON
    // parser the crate has anyway: core's float parser costs about 14 KB of gzipped wasm.
    let int = int.trim_start_matches('0');
    let mut json = String::with_capacity(t.len() + 2);
    if t.starts_with('-') {
        json.push('-');
    }
    json.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        json.push('.');
        json.push_str(frac);
    }
    if let Some(e) = exponent {
        json.push('e');
        json.push_str(e);
    }
    match serde_json::from_str::<Value>(&json) {
        Ok(v) => v.as_f64().unwrap_or(f64::NAN),
        // Beyond f64's range: JS gives ±Infinity.
        Err(_) if t.starts_with('-') => f64::NEG_INFINITY,
        Err(_) => f64::INFINITY,
    }
}

/// Parses JSON text as JavaScript's `JSON.parse` takes it: a lone UTF-16 surrogate escape
/// (`"cart\ud800"`, which buggy SDKs write and JavaScript keeps) becomes U+FFFD, as Rust strings
/// cannot hold it, instead of failing the whole document. `parse` runs on the text as it is
/// first; only after a syntax error is the text mended and parsed again, so well-formed text
/// costs nothing extra.
pub fn parse_json_with<T>(
    text: &str,
    parse: impl Fn(&str) -> serde_json::Result<T>,
) -> serde_json::Result<T> {
    match parse(text) {
        Err(e) if e.is_syntax() => match replace_lone_surrogates(text) {
            std::borrow::Cow::Owned(mended) => parse(&mended),
            std::borrow::Cow::Borrowed(_) => Err(e),
        },
        other => other,
    }
}

/// [`parse_json_with`] into any deserializable type (settings, log lines, attribute values).
pub fn json_parse<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    parse_json_with(text, |text| serde_json::from_str(text))
}

/// `text` with every lone UTF-16 surrogate escape (`\uD800`–`\uDFFF` not in a high/low pair)
/// replaced by `\ufffd`; borrowed when there is none.
pub fn replace_lone_surrogates(text: &str) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let unit = |at: usize| -> Option<u32> {
        let hex = bytes.get(at..at + 6)?;
        if hex[0] != b'\\' || hex[1] != b'u' {
            return None;
        }
        u32::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let mut lone = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(0xD800..=0xDBFF) if matches!(unit(i + 6), Some(0xDC00..=0xDFFF)) => i += 12,
            Some(0xD800..=0xDFFF) => {
                lone.push(i);
                i += 6;
            }
            Some(_) => i += 6,
            None => i += 2, // any other escape, `\\` included
        }
    }
    if lone.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = bytes.to_vec();
    for at in lone {
        out[at..at + 6].copy_from_slice(b"\\ufffd");
    }
    // Only ASCII bytes were replaced by ASCII bytes.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        assert_eq!(f64_to_js_string(1602637200000.0), "1602637200000");
        assert_eq!(f64_to_js_string(-1602637200000.0), "-1602637200000");
        assert_eq!(f64_to_js_string(-0.0), "0");
        assert_eq!(f64_to_js_string(9007199254740993.0), "9007199254740992");
        assert_eq!(f64_to_js_string(0.1), "0.1");
        assert_eq!(f64_to_js_string(-1.5), "-1.5");
        assert_eq!(f64_to_js_string(1e21), "1e+21");
        assert_eq!(f64_to_js_string(1.5e-7), "1.5e-7");
        assert_eq!(f64_to_js_string(1e-7), "1e-7");
        assert_eq!(f64_to_js_string(0.000001), "0.000001");
        assert_eq!(f64_to_js_string(1e20), "100000000000000000000");
        assert_eq!(f64_to_js_string(123.456), "123.456");
        assert_eq!(f64_to_js_string(9007199254740992.0), "9007199254740992");
        assert_eq!(f64_to_js_string(1.7976931348623157e308), "1.7976931348623157e+308");
        assert_eq!(f64_to_js_string(5e-324), "5e-324");
    }

    #[test]
    fn strings_read_as_javascript_numbers() {
        assert_eq!(js_string_to_number(" 42 "), 42.0);
        assert_eq!(js_string_to_number("+.5"), 0.5);
        assert_eq!(js_string_to_number("5."), 5.0);
        assert_eq!(js_string_to_number("-007.25e1"), -72.5);
        assert_eq!(js_string_to_number("0.1"), 0.1);
        assert_eq!(js_string_to_number("1602637200000000000"), 1602637200000000000.0);
        assert_eq!(js_string_to_number("1e400"), f64::INFINITY);
        assert_eq!(js_string_to_number("-1e400"), f64::NEG_INFINITY);
        assert_eq!(js_string_to_number("1e-400"), 0.0);
        assert!(js_string_to_number("1.2.3").is_nan());
        assert!(js_string_to_number("inf").is_nan());
        assert_eq!(
            json_stringify(&json!({"b": 1.0, "a": [true, null, "x\"\n\u{1}"]})),
            r#"{"b":1,"a":[true,null,"x\"\n\u0001"]}"#
        );
    }

    #[test]
    fn encodes_like_encode_uri_component() {
        assert_eq!(encode_uri_component("a b/é"), "a%20b%2F%C3%A9");
        assert_eq!(encode_uri_component("-_.!~*'()"), "-_.!~*'()");
        assert_eq!(encode_uri("a b/?x=1#y"), "a%20b/?x=1#y");
    }
}

#[cfg(test)]
mod percent_tests {
    #[test]
    fn the_escape_table_holds_every_byte() {
        for b in 0..=255usize {
            assert_eq!(&super::PERCENT_ESCAPES[3 * b..3 * b + 3], format!("%{b:02X}"));
        }
        assert_eq!(super::encode_uri_component("a b/é~"), "a%20b%2F%C3%A9~");
    }
}

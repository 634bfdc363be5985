//! The `date` format: epoch milliseconds written as ISO-8601, seconds, or moment.js-style
//! tokens, all in UTC (Grafana uses the browser time zone; spanlink's reference runs in UTC).
//! The civil-date math is written here to keep the wasm free of a date crate.

use serde_json::Value;
use std::fmt::Write;

use crate::js::{f64_to_js_string, js_string_to_number, to_js_string};

/// JS `Date`'s limit: ±8.64e15 ms around the epoch.
const MAX_MS: f64 = 8.64e15;

/// A UTC calendar instant.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    milli: u32,
    weekday: u32,
    day_of_year: u32,
}

/// Days since 1970-01-01 → (year, month, day); Howard Hinnant's `civil_from_days`.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

impl Civil {
    fn from_ms(ms: i64) -> Civil {
        let days = ms.div_euclid(86_400_000);
        let in_day = ms.rem_euclid(86_400_000) as u32;
        let (year, month, day) = civil_from_days(days);
        const BEFORE: [u32; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
        let leap_day = u32::from(month > 2 && is_leap(year));
        Civil {
            year,
            month,
            day,
            hour: in_day / 3_600_000,
            minute: in_day / 60_000 % 60,
            second: in_day / 1000 % 60,
            milli: in_day % 1000,
            // 1970-01-01 was a Thursday (4).
            weekday: (days + 4).rem_euclid(7) as u32,
            day_of_year: BEFORE[month as usize - 1] + day + leap_day,
        }
    }
}

/// `Number(value)` as the `date` format computes it.
fn to_number(value: &Value) -> f64 {
    match value {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Null => 0.0,
        other => js_string_to_number(&to_js_string(other)),
    }
}

/// Grafana's date formatter: `arg` is everything after `date:` (`None`: ISO).
pub(super) fn format_date_value(value: &Value, arg: Option<&str>, out: &mut String) {
    let nr = to_number(value);
    if nr.is_nan() {
        out.push_str("NaN");
        return;
    }
    let first = arg.map(|a| a.split(':').next().unwrap_or(a));
    match first {
        Some("ms") => out.push_str(&to_js_string(value)),
        // Math.round: halves go up.
        Some("seconds") => out.push_str(&f64_to_js_string((nr / 1000.0 + 0.5).floor())),
        None | Some("iso") => write_iso(nr, out),
        // moment's format("") is its default format.
        Some(_) => {
            write_moment(nr, arg.filter(|a| !a.is_empty()).unwrap_or("YYYY-MM-DDTHH:mm:ssZ"), out)
        }
    }
}

/// `new Date(ms)`'s time value, or `None` when the date is invalid.
fn time_value(ms: f64) -> Option<i64> {
    (ms.is_finite() && ms.abs() <= MAX_MS).then_some(ms.trunc() as i64)
}

/// `toISOString()`: `2020-10-14T01:00:00.000Z`; years outside 0..=9999 as `+YYYYYY`/`-YYYYYY`.
/// An invalid date gives moment's `null`, which `String.replace` writes as `null`.
pub fn write_iso(ms: f64, out: &mut String) {
    let Some(ms) = time_value(ms) else {
        out.push_str("null");
        return;
    };
    let c = Civil::from_ms(ms);
    if (0..=9999).contains(&c.year) {
        let _ = write!(out, "{:04}", c.year);
    } else {
        let _ = write!(out, "{}{:06}", if c.year < 0 { '-' } else { '+' }, c.year.abs());
    }
    let _ = write!(
        out,
        "-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.month, c.day, c.hour, c.minute, c.second, c.milli
    );
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] =
    ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// The moment tokens spanlink knows, longest first so `MMMM` wins over `MM`. Other letters are
/// copied as is (moment would expand a few rarer ones: `Q`, `w`, `E`, `N`…).
const TOKENS: [&str; 36] = [
    "YYYYYY", "YYYYY", "YYYY", "MMMM", "DDDD", "dddd", "SSS", "MMM", "DDD", "ddd", "YY", "MM",
    "DD", "dd", "HH", "hh", "kk", "mm", "ss", "SS", "ZZ", "Y", "M", "D", "d", "H", "h", "k", "m",
    "s", "S", "A", "a", "X", "x", "Z",
];

/// moment's `format(pattern)` in UTC: `YYYY-MM-DD HH:mm:ss.SSS`, `[literal]` text, etc.
pub fn write_moment(ms: f64, pattern: &str, out: &mut String) {
    let Some(ms) = time_value(ms) else {
        out.push_str("Invalid date");
        return;
    };
    let c = Civil::from_ms(ms);
    let mut rest = pattern;
    while !rest.is_empty() {
        if rest.starts_with('[') {
            if let Some(close) =
                rest[1..].find(['[', ']']).filter(|&at| rest.as_bytes()[at + 1] == b']')
            {
                out.push_str(&rest[1..close + 1]);
                rest = &rest[close + 2..];
                continue;
            }
        }
        let Some(token) = TOKENS.iter().find(|t| rest.starts_with(**t)) else {
            let ch = rest.chars().next().unwrap_or(' ');
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
            continue;
        };
        write_token(&c, ms, token, out);
        rest = &rest[token.len()..];
    }
}

/// moment's `zeroFill`: the sign, then the absolute value padded to `width` digits.
fn zero_fill(n: i64, width: usize, force_sign: bool, out: &mut String) {
    if n < 0 {
        out.push('-');
    } else if force_sign {
        out.push('+');
    }
    let _ = write!(out, "{:0width$}", n.unsigned_abs());
}

fn write_token(c: &Civil, ms: i64, token: &str, out: &mut String) {
    let hour12 = if c.hour % 12 == 0 { 12 } else { c.hour % 12 };
    let hour24 = if c.hour == 0 { 24 } else { c.hour };
    let num = |n: u32, width: usize, out: &mut String| zero_fill(i64::from(n), width, false, out);
    match token {
        "YYYYYY" => zero_fill(c.year, 6, true, out),
        "YYYYY" => zero_fill(c.year, 5, false, out),
        "YYYY" => zero_fill(c.year, 4, false, out),
        "Y" if c.year > 9999 => {
            let _ = write!(out, "+{}", c.year);
        }
        "Y" => zero_fill(c.year, 4, false, out),
        "YY" => zero_fill(c.year % 100, 2, false, out),
        "MMMM" => out.push_str(MONTHS[c.month as usize - 1]),
        "MMM" => out.push_str(&MONTHS[c.month as usize - 1][..3]),
        "MM" => num(c.month, 2, out),
        "M" => num(c.month, 1, out),
        "DDDD" => num(c.day_of_year, 3, out),
        "DDD" => num(c.day_of_year, 1, out),
        "DD" => num(c.day, 2, out),
        "D" => num(c.day, 1, out),
        "dddd" => out.push_str(DAYS[c.weekday as usize]),
        "ddd" => out.push_str(&DAYS[c.weekday as usize][..3]),
        "dd" => out.push_str(&DAYS[c.weekday as usize][..2]),
        "d" => num(c.weekday, 1, out),
        "HH" => num(c.hour, 2, out),
        "H" => num(c.hour, 1, out),
        "hh" => num(hour12, 2, out),
        "h" => num(hour12, 1, out),
        "kk" => num(hour24, 2, out),
        "k" => num(hour24, 1, out),
        "mm" => num(c.minute, 2, out),
        "m" => num(c.minute, 1, out),
        "ss" => num(c.second, 2, out),
        "s" => num(c.second, 1, out),
        "SSS" => num(c.milli, 3, out),
        "SS" => num(c.milli / 10, 2, out),
        "S" => num(c.milli / 100, 1, out),
        "A" => out.push_str(if c.hour < 12 { "AM" } else { "PM" }),
        "a" => out.push_str(if c.hour < 12 { "am" } else { "pm" }),
        "X" => {
            let _ = write!(out, "{}", ms.div_euclid(1000));
        }
        "x" => {
            let _ = write!(out, "{ms}");
        }
        "ZZ" => out.push_str("+0000"),
        "Z" => out.push_str("+00:00"),
        _ => out.push_str(token),
    }
}

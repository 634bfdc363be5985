//! The `date` format: epoch milliseconds written as ISO-8601, seconds, or moment.js-style
//! tokens, all in UTC (Grafana uses the browser time zone; spanlink's reference runs in UTC).
//! The civil-date math is written here to keep the wasm free of a date crate.

use serde_json::Value;
use std::fmt::Write;

use crate::js::{f64_to_js_string, to_js_string};

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

/// The number the `date` format reads: a number as is, a string through `parseInt(v, 10)`,
/// anything else `NaN`.
fn to_number(value: &Value) -> f64 {
    match value {
        Value::Number(n) => n.as_f64().unwrap_or(f64::NAN),
        Value::String(s) => parse_int(s),
        _ => f64::NAN,
    }
}

/// JavaScript's `parseInt(s, 10)`: leading white space, a sign, then the longest run of digits
/// (`"12abc"` is 12); no digit is `NaN`.
fn parse_int(s: &str) -> f64 {
    let s = s.trim_start_matches(super::format::is_js_space);
    let (negative, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let digits = &rest[..rest.bytes().take_while(u8::is_ascii_digit).count()];
    if digits.is_empty() {
        return f64::NAN;
    }
    let n: f64 = digits.parse().unwrap_or(f64::NAN);
    if negative {
        -n
    } else {
        n
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

/// moment's `en` long date formats, expanded before the other tokens (`LTS`, `LT`, `L`…`LLLL`,
/// `l`…`llll`).
const LONG_FORMATS: [(&str, &str); 10] = [
    ("LTS", "h:mm:ss A"),
    ("LT", "h:mm A"),
    ("LLLL", "dddd, MMMM D, YYYY h:mm A"),
    ("LLL", "MMMM D, YYYY h:mm A"),
    ("LL", "MMMM D, YYYY"),
    ("L", "MM/DD/YYYY"),
    ("llll", "ddd, MMM D, YYYY h:mm A"),
    ("lll", "MMM D, YYYY h:mm A"),
    ("ll", "MMM D, YYYY"),
    ("l", "M/D/YYYY"),
];

/// moment's formatting tokens, in the order its token regex tries them (longest first within a
/// family).
const TOKENS: [&str; 80] = [
    "Hmmss",
    "Hmm",
    "hmmss",
    "hmm",
    "Mo",
    "MMMM",
    "MMM",
    "MM",
    "M",
    "Do",
    "DDDo",
    "DDDD",
    "DDD",
    // `w[o|w]?`: the class holds `|`, so `w|` is a token with no formatter, written as is.
    "DD",
    "D",
    "dddd",
    "ddd",
    "dd",
    "do",
    "d",
    "wo",
    "w|",
    "ww",
    "w",
    "Wo",
    "W|",
    "WW",
    "W",
    "Qo",
    "Q",
    "NNNNN",
    "NNNN",
    "NNN",
    "NN",
    "N",
    "YYYYYY",
    "YYYYY",
    "YYYY",
    "YY",
    "yyyy",
    "yyy",
    "yy",
    "yo",
    "y",
    "ggggg",
    "gggg",
    "gg",
    "GGGGG",
    "GGGG",
    "GG",
    "e",
    "E",
    "a",
    "A",
    "hh",
    "h",
    "HH",
    "H",
    "kk",
    "k",
    "mm",
    "m",
    "ss",
    "s",
    "SSSSSSSSS",
    "SSSSSSSS",
    "SSSSSSS",
    "SSSSSS",
    "SSSSS",
    "SSSS",
    "SSS",
    "SS",
    "S",
    "x",
    "X",
    "zz",
    "z",
    "ZZ",
    "Z",
    "Y",
];

/// The token moment's regex takes at the start of `rest`, if any. Its alternation is ordered, so
/// `Mo` beats `MMMM`; the table above follows that order, with `Y` last (it is matched by the
/// catch-all `.`).
fn token_at(rest: &str) -> Option<&'static str> {
    TOKENS.iter().copied().find(|t| rest.starts_with(t))
}

/// moment's `format(pattern)` in UTC: `YYYY-MM-DD HH:mm:ss.SSS`, `[literal]` text, `\`
/// escapes, the `en` long date formats.
pub fn write_moment(ms: f64, pattern: &str, out: &mut String) {
    let Some(ms) = time_value(ms) else {
        out.push_str("Invalid date");
        return;
    };
    let c = Civil::from_ms(ms);
    let pattern = expand_long_formats(pattern);
    let mut rest = pattern.as_str();
    while !rest.is_empty() {
        // `(\[[^\[]*\])`: up to the last `]` before the next `[`.
        if rest.starts_with('[') {
            let until = rest[1..].find('[').map_or(rest.len(), |at| at + 1);
            if let Some(close) = rest[..until].rfind(']') {
                out.push_str(&rest[1..close]);
                rest = &rest[close + 1..];
                continue;
            }
        }
        let escaped = rest.starts_with('\\');
        let body = if escaped { &rest[1..] } else { rest };
        match token_at(body) {
            // An escaped token is its letters (moment drops the backslash).
            Some(token) if escaped => {
                out.push_str(token);
                rest = &body[token.len()..];
            }
            Some(token) => {
                write_token(&c, ms, token, out);
                rest = &body[token.len()..];
            }
            None => {
                // Any other character, a backslash before it dropped.
                let ch = body.chars().next();
                match ch {
                    Some(ch) => {
                        if ch != '\\' {
                            out.push(ch);
                        }
                        rest = &body[ch.len_utf8()..];
                    }
                    None => rest = body,
                }
            }
        }
    }
}

/// moment's `expandFormat`: long date tokens (outside `[…]`, not after `\`) replaced by their
/// `en` patterns, up to six rounds.
fn expand_long_formats(pattern: &str) -> String {
    let mut text = pattern.to_string();
    for _ in 0..6 {
        let mut out = String::with_capacity(text.len());
        let mut changed = false;
        let mut rest = text.as_str();
        while !rest.is_empty() {
            if rest.starts_with('[') {
                let until = rest[1..].find('[').map_or(rest.len(), |at| at + 1);
                if let Some(close) = rest[..until].rfind(']') {
                    out.push_str(&rest[..close + 1]);
                    rest = &rest[close + 1..];
                    continue;
                }
            }
            let skip = usize::from(rest.starts_with('\\'));
            let body = &rest[skip..];
            if let Some((name, expanded)) = LONG_FORMATS.iter().find(|(n, _)| body.starts_with(n)) {
                if skip == 1 {
                    out.push_str(&rest[..1 + name.len()]);
                } else {
                    out.push_str(expanded);
                    changed = true;
                }
                rest = &body[name.len()..];
                continue;
            }
            let ch = rest.chars().next().unwrap_or(' ');
            out.push(ch);
            rest = &rest[ch.len_utf8()..];
        }
        text = out;
        if !changed {
            break;
        }
    }
    text
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

/// moment's `en` ordinal: `1st`, `2nd`, `3rd`, `11th`…
fn ordinal(n: i64, out: &mut String) {
    let suffix = match (n % 100 / 10 == 1, n % 10) {
        (true, _) => "th",
        (false, 1) => "st",
        (false, 2) => "nd",
        (false, 3) => "rd",
        _ => "th",
    };
    let _ = write!(out, "{n}{suffix}");
}

fn days_in_year(year: i64) -> i64 {
    if is_leap(year) {
        366
    } else {
        365
    }
}

/// Days since the epoch of `year`-01-`day` (UTC).
fn days_from_civil(year: i64, day: i64) -> i64 {
    // Howard Hinnant's days_from_civil for January.
    let y = year - 1;
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = 306 + day - 1; // January is month 11 of the shifted year
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// moment's `firstWeekOffset` for a week starting on `dow` whose first week holds January
/// `7 + dow - doy`.
fn first_week_offset(year: i64, dow: i64, doy: i64) -> i64 {
    let fwd = 7 + dow - doy;
    let weekday = (days_from_civil(year, fwd) + 4).rem_euclid(7);
    let fwdlw = (7 + weekday - dow).rem_euclid(7);
    -fwdlw + fwd - 1
}

fn weeks_in_year(year: i64, dow: i64, doy: i64) -> i64 {
    (days_in_year(year) - first_week_offset(year, dow, doy) + first_week_offset(year + 1, dow, doy))
        / 7
}

/// moment's `weekOfYear`: (week, week-year). `en` weeks: `dow = 0, doy = 6`; ISO: `1, 4`.
fn week_of_year(c: &Civil, dow: i64, doy: i64) -> (i64, i64) {
    let offset = first_week_offset(c.year, dow, doy);
    let week = (i64::from(c.day_of_year) - offset - 1).div_euclid(7) + 1;
    if week < 1 {
        (week + weeks_in_year(c.year - 1, dow, doy), c.year - 1)
    } else if week > weeks_in_year(c.year, dow, doy) {
        (week - weeks_in_year(c.year, dow, doy), c.year + 1)
    } else {
        (week, c.year)
    }
}

fn write_token(c: &Civil, ms: i64, token: &str, out: &mut String) {
    let hour12 = if c.hour % 12 == 0 { 12 } else { c.hour % 12 };
    let hour24 = if c.hour == 0 { 24 } else { c.hour };
    let num = |n: u32, width: usize, out: &mut String| zero_fill(i64::from(n), width, false, out);
    let (week, week_year) = week_of_year(c, 0, 6);
    let (iso_week, iso_year) = week_of_year(c, 1, 4);
    let quarter = (c.month - 1) / 3 + 1;
    // en eras: AD from year 1, BC before (year 0 is 1 BC).
    let (era_abbr, era_name, era_year) = if c.year >= 1 {
        ("AD", "Anno Domini", c.year)
    } else {
        ("BC", "Before Christ", 1 - c.year)
    };
    match token {
        "YYYYYY" => zero_fill(c.year, 6, true, out),
        "YYYYY" => zero_fill(c.year, 5, false, out),
        "YYYY" => zero_fill(c.year, 4, false, out),
        "Y" if c.year > 9999 => {
            let _ = write!(out, "+{}", c.year);
        }
        "Y" => zero_fill(c.year, 4, false, out),
        "YY" => zero_fill(c.year % 100, 2, false, out),
        "y" => zero_fill(era_year, 1, false, out),
        "yy" => zero_fill(era_year, 2, false, out),
        "yyy" => zero_fill(era_year, 3, false, out),
        "yyyy" => zero_fill(era_year, 4, false, out),
        "yo" => ordinal(era_year, out),
        "N" | "NN" | "NNN" | "NNNNN" => out.push_str(era_abbr),
        "NNNN" => out.push_str(era_name),
        "gg" => zero_fill(week_year % 100, 2, false, out),
        "gggg" => zero_fill(week_year, 4, false, out),
        "ggggg" => zero_fill(week_year, 5, false, out),
        "GG" => zero_fill(iso_year % 100, 2, false, out),
        "GGGG" => zero_fill(iso_year, 4, false, out),
        "GGGGG" => zero_fill(iso_year, 5, false, out),
        "Q" => num(quarter, 1, out),
        "Qo" => ordinal(i64::from(quarter), out),
        "MMMM" => out.push_str(MONTHS[c.month as usize - 1]),
        "MMM" => out.push_str(&MONTHS[c.month as usize - 1][..3]),
        "MM" => num(c.month, 2, out),
        "M" => num(c.month, 1, out),
        "Mo" => ordinal(i64::from(c.month), out),
        "DDDD" => num(c.day_of_year, 3, out),
        "DDD" => num(c.day_of_year, 1, out),
        "DDDo" => ordinal(i64::from(c.day_of_year), out),
        "DD" => num(c.day, 2, out),
        "D" => num(c.day, 1, out),
        "Do" => ordinal(i64::from(c.day), out),
        "dddd" => out.push_str(DAYS[c.weekday as usize]),
        "ddd" => out.push_str(&DAYS[c.weekday as usize][..3]),
        "dd" => out.push_str(&DAYS[c.weekday as usize][..2]),
        "d" | "e" => num(c.weekday, 1, out),
        "do" => ordinal(i64::from(c.weekday), out),
        "E" => num(if c.weekday == 0 { 7 } else { c.weekday }, 1, out),
        "w" => zero_fill(week, 1, false, out),
        "ww" => zero_fill(week, 2, false, out),
        "wo" => ordinal(week, out),
        "W" => zero_fill(iso_week, 1, false, out),
        "WW" => zero_fill(iso_week, 2, false, out),
        "Wo" => ordinal(iso_week, out),
        "HH" => num(c.hour, 2, out),
        "H" => num(c.hour, 1, out),
        "hh" => num(hour12, 2, out),
        "h" => num(hour12, 1, out),
        "kk" => num(hour24, 2, out),
        "k" => num(hour24, 1, out),
        "hmm" | "hmmss" | "Hmm" | "Hmmss" => {
            let _ = write!(out, "{}", if token.starts_with('h') { hour12 } else { c.hour });
            num(c.minute, 2, out);
            if token.ends_with("ss") {
                num(c.second, 2, out);
            }
        }
        "mm" => num(c.minute, 2, out),
        "m" => num(c.minute, 1, out),
        "ss" => num(c.second, 2, out),
        "s" => num(c.second, 1, out),
        "S" => num(c.milli / 100, 1, out),
        "SS" => num(c.milli / 10, 2, out),
        "SSS" => num(c.milli, 3, out),
        // SSSS…: the milliseconds times a power of ten, zero-filled to the token's width.
        _ if token.starts_with("SSSS") => {
            let scaled = i64::from(c.milli) * 10_i64.pow(token.len() as u32 - 3);
            zero_fill(scaled, token.len(), false, out)
        }
        "A" => out.push_str(if c.hour < 12 { "AM" } else { "PM" }),
        "a" => out.push_str(if c.hour < 12 { "am" } else { "pm" }),
        "X" => {
            let _ = write!(out, "{}", ms.div_euclid(1000));
        }
        "x" => {
            let _ = write!(out, "{ms}");
        }
        // A local (not UTC-mode) moment has no zone abbreviation.
        "z" | "zz" => {}
        "ZZ" => out.push_str("+0000"),
        "Z" => out.push_str("+00:00"),
        _ => out.push_str(token),
    }
}

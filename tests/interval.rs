//! Interval strings as Grafana's `rangeUtil.intervalToMs` reads them, and the settings UI's
//! stricter time-shift check (docs/grafana.md §10.3).

use spanlink::{is_valid_shift, parse_interval, time_shift_ms, ErrorCode};

#[test]
fn plain_numbers_are_seconds() {
    assert_eq!(parse_interval("123").unwrap(), 123_000);
    assert_eq!(parse_interval("-5").unwrap(), -5_000);
    assert_eq!(parse_interval("1.5").unwrap(), 1_000); // parseInt
}

#[test]
fn every_unit() {
    assert_eq!(parse_interval("7ms").unwrap(), 7);
    assert_eq!(parse_interval("7s").unwrap(), 7_000);
    assert_eq!(parse_interval("7m").unwrap(), 420_000);
    assert_eq!(parse_interval("7h").unwrap(), 25_200_000);
    assert_eq!(parse_interval("7d").unwrap(), 604_800_000);
    assert_eq!(parse_interval("1w").unwrap(), 604_800_000);
    assert_eq!(parse_interval("1M").unwrap(), 2_592_000_000);
    assert_eq!(parse_interval("1y").unwrap(), 31_536_000_000);
    assert_eq!(parse_interval("-2m").unwrap(), -120_000);
}

#[test]
fn count_is_the_integer_part_and_trailing_text_is_ignored() {
    assert_eq!(parse_interval("1.5h").unwrap(), 3_600_000);
    assert_eq!(parse_interval("5min").unwrap(), 300_000);
    assert_eq!(parse_interval("10Ms").unwrap(), 25_920_000_000);
    assert_eq!(parse_interval("1ds").unwrap(), 86_400_000);
}

#[test]
fn rejected_intervals_quote_the_text() {
    for text in ["0", "xyz", "123xyz", "", "-", "h", "5 m", "m5"] {
        let err = parse_interval(text).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidInterval, "{text:?}");
        assert!(err.message.contains(&format!("{text:?}")), "{}", err.message);
    }
}

#[test]
fn the_settings_ui_is_stricter() {
    for ok in ["", "-80ms", "1h", "1.5h", "10M", "0s"] {
        assert!(is_valid_shift(ok), "{ok:?}");
    }
    for bad in ["1", "1ds", "10Ms", "-", "5min", " 1h", "1h ", "1.h", "h"] {
        assert!(!is_valid_shift(bad), "{bad:?}");
    }
}

#[test]
fn time_shift_defaults_when_absent_or_empty() {
    assert_eq!(time_shift_ms(None, -1_000).unwrap(), -1_000);
    assert_eq!(time_shift_ms(Some(""), 5).unwrap(), 5);
    assert_eq!(time_shift_ms(Some("2m"), 5).unwrap(), 120_000);
    assert_eq!(time_shift_ms(Some("0"), 5).unwrap_err().code, ErrorCode::InvalidInterval);
}

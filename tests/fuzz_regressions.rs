//! Inputs `scripts/fuzz.sh` found crashing or hanging, replayed through the entry point that met
//! them (the fuzz targets themselves live in fuzz/; their artifacts are not kept).

use spanlink::{Correlator, Options};

/// log_links (fuzz target `log_links`): an `&quot` cut by a U+FFFD in a derived-field URL panicked
/// in the safe-href check (a string sliced inside a multi-byte character).
#[test]
fn a_reference_name_cut_inside_a_multibyte_character() {
    let settings = r#"{"datasources": [{"name": "Loki", "type": "loki", "uid": "loki", "jsonData": {
        "derivedFields": [{"name": "Link", "matcherRegex": "path=(\\S+)", "url": "${__value.raw}"}]}}]}"#;
    let c = Correlator::new(settings, Options::default()).unwrap();
    let line = "level=info path=javascript:alert(&quot;XSS&quot\u{FFFD})";
    let links = c.log_links("loki", line, &[]).unwrap();
    assert_eq!(links[0].href, "about:blank");
    let links = c.log_links("loki", "path=&quot\u{FFFD}", &[]).unwrap();
    assert_eq!(links[0].href, "&quot\u{FFFD}");
}

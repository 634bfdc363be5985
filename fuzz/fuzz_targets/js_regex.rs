//! The JavaScript-regex translation: a pattern as Grafana's settings hold it (`new RegExp(p)`,
//! with and without the `i` flag), and the haystack it runs on. Parts: pattern 0xFF haystack.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts = spanlink_fuzz::Parts::of(data);
    let (pattern, haystack) = (&parts.at(0), &parts.at(1));
    let _ = spanlink::jsregex::lint(pattern);
    for case_insensitive in [false, true] {
        if let Ok(re) = spanlink::jsregex::JsRegex::new(pattern, case_insensitive) {
            if let Ok(matches) = re.all(haystack) {
                let _ = matches.iter().filter_map(|m| m.get(0)).map(str::len).sum::<usize>();
            }
        }
    }
});

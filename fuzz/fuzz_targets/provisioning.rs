//! A provisioning document (JSON text) → `Correlator::new` + `diagnostics()`, then every link
//! entry point on a small fixed trace: whatever the settings, nothing panics.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spanlink::{Correlator, Options, Trace};

const TRACE: &str = r#"{"resourceSpans": [{"resource": {"attributes": [
  {"key": "service.name", "value": {"stringValue": "cart"}}, {"key": "k8s.pod.name", "value": {"stringValue": "cart-0"}}]},
  "scopeSpans": [{"spans": [{"traceId": "7946b05c2e2e4e5a7946b05c2e2e4e5a", "spanId": "6605c7b08e715d6c",
  "name": "GET /cart", "startTimeUnixNano": "1602637200000000000", "endTimeUnixNano": "1602637201000000000",
  "attributes": [{"key": "pyroscope.profile.id", "value": {"stringValue": "abc"}}]}]}]}]}"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(c) = Correlator::new(text, Options::default()) else { return };
    let _ = c.diagnostics();
    let trace = Trace::from_json(TRACE).expect("the fixed trace parses");
    spanlink_fuzz::links_are_safe(c.span_links(&trace, "6605c7b08e715d6c"));
    let _ = c.explain(&trace, "6605c7b08e715d6c");
    let _ = c.trace_logs_link(&trace);
    let labels = [("job".to_string(), "cart".to_string())];
    for ds in c.datasources() {
        spanlink_fuzz::links_are_safe(c.log_links(ds.reference(), "traceID=abc x", &labels));
        spanlink_fuzz::links_are_safe(c.exemplar_links(ds.reference(), &labels));
    }
});

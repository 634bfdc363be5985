//! Trace parse, every format (Tempo/OTLP with hex or base64 ids, Jaeger, Zipkin v2: detected,
//! so one target reaches each parser; the seed corpus holds all of them), then the trace's own
//! queries.
#![no_main]
use libfuzzer_sys::fuzz_target;
use spanlink::Trace;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(trace) = Trace::from_json(text) else { return };
    let _ = (trace.trace_id(), trace.root_span(), trace.time_bounds(), trace.name());
    for span in &trace.spans {
        assert!(trace.span(&span.span_id).is_some());
        let _ = trace.referenced_by(&span.span_id).count();
        let _ = span.all_tags().count();
    }
});

// The TypeScript example of npm/README.md, compiled as written (with its two free variables declared).
import {
  Correlator,
  parseProvisioning,
  parseTrace,
  type SpanLink,
  type SpanlinkError,
} from "spanlink/inline";

declare const settingsYaml: string;
declare const config: { appSubUrl: string };

const correlator = new Correlator(parseProvisioning(settingsYaml), {
  tracingDatasource: "tempo", // uid or name; default: the first tempo/jaeger/zipkin data source
  appSubUrl: config.appSubUrl, // Grafana's sub path, prefixed to Explore hrefs
  features: { dynamicTraceToLogs: false },
});

export function linksOf(traceJson: string, spanId: string): SpanLink[] {
  const trace = parseTrace(traceJson); // parse once; keep the handle while the trace is shown
  try {
    return correlator.spanLinks(trace, spanId);
  } catch (e) {
    const err = e as SpanlinkError; // name "SpanlinkError", code, path, message
    console.warn(`${err.code} at ${err.path}: ${err.message}`);
    return [];
  } finally {
    trace.free();
  }
}

// The Grafana-plugin TypeScript example of npm/README.md, compiled as written.
import init, {
  Correlator,
  parseTrace,
  type RuntimeCorrelation,
  type SpanLink,
  type SpanlinkError,
} from "spanlink/web";
import { findTraceFrame, toSpanLinkDef } from "spanlink/grafana";
import type { DataFrame, DataSourceInstanceSettings } from "@grafana/data";

declare const series: DataFrame[]; // the panel's data.series
declare const datasources: DataSourceInstanceSettings[]; // getDataSourceSrv().getList()
declare const correlations: RuntimeCorrelation[]; // (await …getCorrelationsBySourceUIDs(uids)).correlations
declare const config: { appSubUrl: string }; // from @grafana/runtime

await init(); // fetches spanlink_bg.wasm beside module.js
const correlator = new Correlator(
  { datasources, correlations },
  {
    tracingDatasource: "tempo", // uid or name; default: the first tempo/jaeger/zipkin data source
    appSubUrl: config.appSubUrl, // Grafana's sub path, prefixed to Explore hrefs
  },
);

export function linksOf(spanId: string): SpanLink[] {
  const frame = findTraceFrame(series);
  if (!frame) return [];
  const trace = parseTrace(frame); // parse once; keep the handle while the trace is shown
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
export const asGrafanaLinks = (spanId: string) =>
  linksOf(spanId).map((link) => toSpanLinkDef(link));

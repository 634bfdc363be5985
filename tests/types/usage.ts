// Compiled with `tsc --noEmit --strict`: proves the published types describe the API precisely.
// Every `@ts-expect-error` line is misuse that must NOT type-check.
import {
  Correlator,
  exploreUrl,
  parseTrace,
  parseInterval,
  parseProvisioning,
  Trace,
  interpolate,
  applyTransformations,
} from "spanlink";
import type {
  Link,
  SpanLink,
  LinkSet,
  LinkType,
  Explanation,
  Diagnostic,
  DiagnosticCode,
  ExploreState,
  CorrelatorOptions,
  ScopedVars,
  Transformation,
  SpanData,
  SpanlinkError,
  ErrorCode,
  ProvisioningDocument,
  TraceFormat,
} from "spanlink";
import init, { parseInterval as webParseInterval } from "spanlink/web";
import * as inline from "spanlink/inline";
import * as grafana from "spanlink/grafana";

const doc: ProvisioningDocument = parseProvisioning("datasources: []");
const firstName: string | undefined = doc.datasources?.[0]?.name;

const trace: Trace = parseTrace('{"resourceSpans": []}');
const spans: SpanData[] = trace.spans();
const names: string[] = spans.map(
  (s) => `${s.serviceName}: ${s.operationName} ${s.duration.toFixed(0)}µs`,
);
const tagKeys: string[] = spans.flatMap((s) => s.tags.map((t) => t.key));
const format: TraceFormat = trace.format;
const id: string = trace.traceId;
const n: number = trace.spanCount;

const options: CorrelatorOptions = {
  tracingDatasource: "tempo",
  appSubUrl: "",
  features: { dynamicTraceToLogs: true },
};
const correlator = new Correlator(doc, options);
const links: SpanLink[] = correlator.spanLinks(trace, spans[0].spanID);
const hrefs: string[] = links.filter((l) => l.type === "logs").map((l) => l.href);
const uids: (string | undefined)[] = links.map((l) => l.internal?.datasourceUid);
const byId: Map<string, SpanLink[]> = correlator.traceLinks(trace);
const firstOfEach: (Link | undefined)[] = [...byId.values()].map((ls) => ls[0]);
const set: LinkSet = correlator.linkSet(trace);
const masks: Uint32Array = set.kindMasks();
const kindsOfFirst: LinkType[] = set.kinds(0);
const counts: number[] = [set.spanCount, set.length, set.count(0), set.kindMask(0)];
const lazyHref: string = set.href(0, 0) + set.title(0, 0);
const linksOfFirst: SpanLink[] = set.links(0);
const logsLink: Link | null = correlator.traceLogsLink(trace);
const why: Explanation[] = correlator.explain(trace, spans[0].spanID);
const whyLine: Explanation[] = correlator.explainLogLine("loki", "trace_id=1", { job: "x" });
const outcomes: ("link" | "suppressed")[] = why.map((e) => e.outcome);
const missing: (string | null)[] = why.flatMap((e) => e.variables.map((v) => v.value));
const lint: Diagnostic[] = correlator.diagnostics();
const severities: string[] = lint.map((d) => `${d.severity}:${d.suggestion ?? ""}`);
const lintCodes: DiagnosticCode[] = lint.map((d) => d.code);
const unknownKeys: Diagnostic[] = lint.filter((d) => d.code === "UNKNOWN_KEY");
const logLinks: Link[] = correlator.logLinks(
  "loki",
  "traceID=abc",
  { job: "x" },
  { from: 0, to: 1 },
);
const exemplarLinks: Link[] = correlator.exemplarLinks("prom", { trace_id: "abc" });
const fromText = new Correlator('{"datasources": []}');
const state: ExploreState = {
  datasource: "loki",
  queries: [{ expr: "{}" }],
  range: { from: "now-1h", to: Date.now() },
};
const href: string = exploreUrl(state, "/grafana") + exploreUrl(state);
correlator.free();
fromText.free();
trace.free();

const ms: number = parseInterval("-2m");

const scoped: ScopedVars = { __value: { value: { raw: "abc" } }, __span: { value: spans[0] } };
const text: string = interpolate("${__value.raw}", scoped, {
  format: "raw",
  variables: { env: ["a", "b"] },
  range: { from: 0, to: 1 },
});
const transformations: Transformation[] = [
  { type: "logfmt" },
  { type: "regex", expression: "id=(\\w+)", mapValue: "id" },
];
const vars: Record<string, string> = applyTransformations(transformations, "id=1", {
  fieldName: "line",
  fields: { other: 1 },
});
const upper: string = vars["id"]?.toUpperCase() ?? "";

try {
  parseInterval("nope");
} catch (e) {
  const err = e as SpanlinkError;
  const code: ErrorCode = err.code;
  const where: string = err.path;
  console.log(code, where, err.message, err.name === "SpanlinkError");
}

// spanlink/grafana in plain spanlink types (its @grafana/data check is grafana.ts).
const spanLinkFn = grafana.createSpanLink(correlator, trace);
const defs: grafana.SpanLinkDefLike[] = spanLinkFn({ spanID: "x" });
const grafanaType: grafana.SpanLinkType = grafana.spanLinkType("logs");
const fromFrameInput: Trace = parseTrace({
  fields: [{ name: "spanID", type: "string", values: ["a"] }],
});

async function web(): Promise<number> {
  await init();
  return webParseInterval("1h") + inline.parseInterval("1m");
}

// @ts-expect-error parseInterval takes a string
parseInterval(5);
// @ts-expect-error parseTrace takes text or an object
parseTrace(42);
// @ts-expect-error traceId is read-only
trace.traceId = "x";
// @ts-expect-error spans have no field "foo"
spans[0].foo;
// @ts-expect-error Trace has no public constructor
new Trace();
// @ts-expect-error the format is one of three names
const badFormat: "otel" = trace.format;
// @ts-expect-error scoped variables are { value, text? }
interpolate("$a", { a: "x" });
// @ts-expect-error range needs from and to
interpolate("$a", {}, { range: { from: 1 } });
// @ts-expect-error the result is a string map
const notNumbers: Record<string, number> = applyTransformations([], "x");
// @ts-expect-error diagnostic codes are a closed set
const badCode: DiagnosticCode = "NOT_A_CODE";
// @ts-expect-error link types are a closed set
const badType: Link["type"] = "dashboard";
// @ts-expect-error a span index is a number
set.kinds("0");
// @ts-expect-error traceLinks is a Map, not an object
correlator.traceLinks(trace)["x"];
// @ts-expect-error spanLinks needs a Trace handle, not span data
correlator.spanLinks(spans[0], "x");
// @ts-expect-error options are typed
new Correlator(doc, { appSubUrl: 1 });
// @ts-expect-error labels are strings
correlator.logLinks("loki", "x", { a: 1 });
// @ts-expect-error an explore state needs queries
exploreUrl({ datasource: "x" });
// @ts-expect-error SpanLinkDef types are the trace view's
const badGrafanaType: grafana.SpanLinkType = "logs";
// @ts-expect-error parseProvisioning takes YAML text
parseProvisioning({ datasources: [] });

export {
  lintCodes,
  unknownKeys,
  badCode,
  hrefs,
  uids,
  firstOfEach,
  logsLink,
  outcomes,
  missing,
  severities,
  logLinks,
  exemplarLinks,
  href,
  badType,
  text,
  upper,
  notNumbers,
  firstName,
  names,
  tagKeys,
  format,
  id,
  n,
  ms,
  web,
  badFormat,
};

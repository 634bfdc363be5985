// Compiled with `tsc --noEmit --strict`: proves the published types describe the API precisely.
// Every `@ts-expect-error` line is misuse that must NOT type-check.
import { parseTrace, parseInterval, parseProvisioning, Trace, interpolate, applyTransformations } from "spanlink";
import type { ScopedVars, Transformation, SpanData, SpanlinkError, ErrorCode, ProvisioningDocument, TraceFormat } from "spanlink";
import init, { parseInterval as webParseInterval } from "spanlink/web";
import * as inline from "spanlink/inline";

const doc: ProvisioningDocument = parseProvisioning("datasources: []");
const firstName: string | undefined = doc.datasources?.[0]?.name;

const trace: Trace = parseTrace('{"resourceSpans": []}');
const spans: SpanData[] = trace.spans();
const names: string[] = spans.map((s) => `${s.serviceName}: ${s.operationName} ${s.duration.toFixed(0)}µs`);
const tagKeys: string[] = spans.flatMap((s) => s.tags.map((t) => t.key));
const format: TraceFormat = trace.format;
const id: string = trace.traceId;
const n: number = trace.spanCount;
trace.free();

const ms: number = parseInterval("-2m");

const scoped: ScopedVars = { __value: { value: { raw: "abc" } }, __span: { value: spans[0] } };
const text: string = interpolate("${__value.raw}", scoped, { format: "raw", variables: { env: ["a", "b"] }, range: { from: 0, to: 1 } });
const transformations: Transformation[] = [{ type: "logfmt" }, { type: "regex", expression: "id=(\\w+)", mapValue: "id" }];
const vars: Record<string, string> = applyTransformations(transformations, "id=1", { fieldName: "line", fields: { other: 1 } });
const upper: string = vars["id"]?.toUpperCase() ?? "";

try {
  parseInterval("nope");
} catch (e) {
  const err = e as SpanlinkError;
  const code: ErrorCode = err.code;
  const where: string = err.path;
  console.log(code, where, err.message, err.name === "SpanlinkError");
}

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
// @ts-expect-error parseProvisioning takes YAML text
parseProvisioning({ datasources: [] });

export { text, upper, notNumbers, firstName, names, tagKeys, format, id, n, ms, web, badFormat };

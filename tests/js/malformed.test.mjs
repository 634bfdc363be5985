// Every malformed-input class of README "Malformed input" with the error it gets: code, path and
// (the gist of) the message. Keep this list and the README table in step.
import test from "node:test";
import assert from "node:assert/strict";
import {
  Correlator,
  parseTrace,
  parseProvisioning,
  interpolate,
  applyTransformations,
  parseInterval,
  exploreUrl,
} from "spanlink";

const tempo = (jsonData = {}) => ({
  datasources: [
    { name: "Tempo", type: "tempo", uid: "tempo", jsonData },
    { name: "Loki", type: "loki", uid: "loki" },
  ],
});
const ZIPKIN = JSON.stringify([
  {
    traceId: "7946b05c2e2e4e5a",
    id: "0000000000000001",
    name: "op",
    timestamp: 1602637200000000,
    duration: 1000,
    localEndpoint: { serviceName: "cart" },
  },
]);
const otlp = (span) => ({ resourceSpans: [{ scopeSpans: [{ spans: [span] }] }] });
const OTLP_IDS = {
  traceId: "7946b05c2e2e4e5a7946b05c2e2e4e5a",
  spanId: "6605c7b08e715d6c",
  name: "x",
};

// [class, call, code, path, message pattern]
const CASES = [
  // traces
  [
    "trace text that is not JSON",
    () => parseTrace("{nope"),
    "INVALID_JSON",
    "",
    /^the trace is not valid JSON: key must be a string at line 1 column 2$/,
  ],
  ["an empty trace text", () => parseTrace(""), "INVALID_JSON", "", /EOF while parsing/],
  [
    "JSON that is no trace format",
    () => parseTrace("{}"),
    "INVALID_TRACE",
    "",
    /^not a trace in a known format: expected Tempo\/OTLP JSON/,
  ],
  [
    "a trace argument that is a number or null",
    () => parseTrace(42),
    "INVALID_TRACE",
    "",
    /not a trace in a known format/,
  ],
  [
    "a trace object with a cycle",
    () => {
      const o = {};
      o.o = o;
      parseTrace(o);
    },
    "INVALID_ARGUMENT",
    "trace",
    /circular/,
  ],
  [
    "a trace nested deeper than 127",
    () => parseTrace("[".repeat(1000)),
    "LIMIT_EXCEEDED",
    "",
    /nesting depth of the trace is 128, more than the limit of 127/,
  ],
  // settings
  [
    "settings text that is not JSON",
    () => new Correlator("{nope"),
    "INVALID_JSON",
    "",
    /^the settings are not valid JSON: key must be a string/,
  ],
  [
    "provisioning YAML that does not parse",
    () => parseProvisioning("a: [b"),
    "INVALID_YAML",
    "",
    /line 1/,
  ],
  [
    "a document without `datasources`",
    () => new Correlator({}),
    "INVALID_SETTINGS",
    "datasources",
    /no `datasources` list/,
  ],
  [
    "`datasources` that is not a list",
    () => new Correlator({ datasources: 1 }),
    "INVALID_SETTINGS",
    "datasources",
    /expected an array, got a number/,
  ],
  [
    "a settings field of the wrong type",
    () => new Correlator(tempo({ tracesToLogsV2: { datasourceUid: "loki", tags: "x" } })),
    "INVALID_SETTINGS",
    "datasources[0].jsonData.tracesToLogsV2.tags",
    /expected an array, got a string \("x"\)/,
  ],
  [
    "`jsonData` that is not an object",
    () => new Correlator({ datasources: [{ name: "T", type: "tempo", jsonData: "x" }] }),
    "INVALID_SETTINGS",
    "datasources[0].jsonData",
    /expected an object/,
  ],
  [
    "a tracing data source that does not exist",
    () => new Correlator(tempo(), { tracingDatasource: "jaeger" }),
    "UNKNOWN_DATASOURCE",
    "options.tracingDatasource",
    /no data source has uid or name "jaeger"/,
  ],
  [
    "options of the wrong type",
    () => new Correlator(tempo(), 5),
    "INVALID_ARGUMENT",
    "options",
    /invalid type: integer `5`/,
  ],
  [
    "an `appSubUrl` that is not a path",
    () => new Correlator(tempo(), { appSubUrl: "//evil.example" }),
    "INVALID_ARGUMENT",
    "options.appSubUrl",
    /not a path on Grafana's host/,
  ],
  [
    "a time shift that is no interval (when linking)",
    () =>
      new Correlator(
        tempo({ tracesToLogsV2: { datasourceUid: "loki", spanStartTimeShift: "5 m" } }),
      ).spanLinks(parseTrace(ZIPKIN), "0000000000000001"),
    "INVALID_INTERVAL",
    "datasources[0].jsonData.tracesToLogsV2.spanStartTimeShift",
    /time shift "5 m" is not an interval/,
  ],
  // calls
  [
    "an unknown span id",
    () => new Correlator(tempo()).spanLinks(parseTrace(ZIPKIN), "ffffffffffffffff"),
    "SPAN_NOT_FOUND",
    "spanId",
    /no span with id "ffffffffffffffff"/,
  ],
  [
    "a span id that is not a string",
    () => new Correlator(tempo()).spanLinks(parseTrace(ZIPKIN), 5),
    "INVALID_ARGUMENT",
    "spanId",
    /expected a string/,
  ],
  [
    "a freed trace or correlator",
    () => {
      const t = parseTrace(ZIPKIN);
      t.free();
      new Correlator(tempo()).spanLinks(t, "0000000000000001");
    },
    "INVALID_ARGUMENT",
    "",
    /this object was freed/,
  ],
  [
    "an object that is not a Trace",
    () => new Correlator(tempo()).spanLinks({}, "x"),
    "INVALID_ARGUMENT",
    "",
    /expected instance of Trace/,
  ],
  [
    "log labels that are not strings",
    () => new Correlator(tempo()).logLinks("loki", "x", { a: 1 }),
    "INVALID_ARGUMENT",
    "labels",
    /label "a" must be a string/,
  ],
  [
    "an unknown Loki data source",
    () => new Correlator(tempo()).logLinks("nope", "x"),
    "UNKNOWN_DATASOURCE",
    "lokiUid",
    /no data source has uid or name "nope"/,
  ],
  [
    "a range that is not epoch milliseconds",
    () => new Correlator(tempo()).logLinks("loki", "x", {}, { from: "a" }),
    "INVALID_ARGUMENT",
    "range.from",
    /invalid type: string "a", expected f64/,
  ],
  [
    "an Explore state without a data source",
    () => exploreUrl({ queries: [] }),
    "INVALID_ARGUMENT",
    "state.datasource",
    /missing/,
  ],
  // templates, regexes, transformations, intervals
  [
    "scoped variables that are not an object",
    () => interpolate("$a", 5),
    "INVALID_ARGUMENT",
    "scopedVars",
    /expected a map/,
  ],
  [
    "a regex that does not compile",
    () => applyTransformations([{ type: "regex", expression: "(" }], "x"),
    "INVALID_REGEX",
    "transformations[0].expression",
    /"\(" is not a valid regex: unterminated group/,
  ],
  [
    "an unknown transformation type",
    () => applyTransformations([{ type: "nope" }], "x"),
    "INVALID_SETTINGS",
    "transformations[0].type",
    /unknown transformation type "nope"/,
  ],
  [
    "an interval that does not parse",
    () => parseInterval("5 m"),
    "INVALID_INTERVAL",
    "",
    /invalid interval "5 m"/,
  ],
];

for (const [what, call, code, path, message] of CASES) {
  test(`${what}: ${code} at "${path}"`, () => {
    assert.throws(call, (e) => {
      assert.equal(e.name, "SpanlinkError", e.message);
      assert.equal(e.code, code, e.message);
      assert.equal(e.path, path, e.message);
      assert.match(e.message, message);
      return true;
    });
  });
}

test("broken fields inside a trace are no error: the trace parses and warns (path and reason)", () => {
  const trace = parseTrace(otlp(1));
  assert.equal(trace.spanCount, 0);
  assert.deepEqual(trace.warnings(), [
    {
      path: "resourceSpans[0].scopeSpans[0].spans[0]",
      reason: "expected a span object, found a number: 1",
    },
  ]);
});

test("templates never fail: malformed references stay as written", () => {
  assert.equal(interpolate("${a", {}), "${a");
  assert.equal(interpolate("${a:nope}", {}), "${a:nope}");
});

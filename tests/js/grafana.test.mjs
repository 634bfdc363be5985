// What a Grafana panel plugin has → the same links as the JSON and provisioning forms: trace data
// frames (DataFrame, DataFrameJSON, Tempo's and Jaeger's fields), getList()-shaped settings and
// run-time correlations; and the spanlink/grafana adapters (LinkModel, SpanLinkDef, createSpanLink).
import test from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { Correlator, parseProvisioning, parseTrace } from "spanlink";
import {
  createSpanLink,
  findTraceFrame,
  spanLinkType,
  toLinkModel,
  toSpanLinkDef,
} from "spanlink/grafana";
import * as frames from "./frames.mjs";

const data = new URL("../../../shared/data/", import.meta.url);
const have = existsSync(data);
const read = (p) => readFileSync(new URL(p, data), "utf8");
const skip = have ? false : "../shared/data is absent";

/** Every provisioning document that builds a correlator, by file name. */
function provisioningDocs() {
  const dir = new URL("provisioning/", data);
  const names = readdirSync(dir, { recursive: true }).filter((n) => /\.ya?ml$/.test(n));
  const out = [];
  for (const name of names) {
    const doc = parseProvisioning(readFileSync(new URL(name, dir), "utf8"));
    try {
      new Correlator(doc).free();
      out.push([name, doc]);
    } catch {
      // A file the correlator rejects (tested elsewhere) has no links to compare.
    }
  }
  return out;
}

/** Each span's links, by span id. */
function linksOf(correlator, trace) {
  return Object.fromEntries(correlator.traceLinks(trace));
}

const OTLP = [
  "tempo-otlp_mythical-queue-database.json",
  "tempo-otlp_vulture-k8s-events.json",
  "tempo-batches_grafana-tns-mock.json",
  "otlp-hex_example-trace-multi-resource.json",
];

test("a Tempo DataFrame and its DataFrameJSON give the links of the Tempo JSON", { skip }, () => {
  const docs = provisioningDocs();
  assert.ok(docs.length >= 8, `${docs.length} provisioning files`);
  let compared = 0;
  for (const file of OTLP) {
    const json = JSON.parse(read(`traces/${file}`));
    const rows = frames.tempoRows(json);
    const fromJson = parseTrace(json);
    const fromFrame = parseTrace(frames.dataFrame(frames.TEMPO_FIELDS, rows));
    const fromWire = parseTrace(frames.dataFrameJson(frames.TEMPO_FIELDS, rows));
    assert.equal(fromFrame.format, "dataframe");
    assert.equal(fromFrame.spanCount, fromJson.spanCount, file);
    for (const [name, doc] of docs) {
      const c = new Correlator(doc);
      const expected = linksOf(c, fromJson);
      assert.deepEqual(linksOf(c, fromFrame), expected, `${file} with ${name}`);
      assert.deepEqual(linksOf(c, fromWire), expected, `${file} with ${name} (DataFrameJSON)`);
      compared += Object.values(expected).flat().length;
      c.free();
    }
    for (const t of [fromJson, fromFrame, fromWire]) t.free();
  }
  assert.ok(compared > 100, `${compared} links compared`);
});

test("a Jaeger frame gives the links of the Jaeger JSON", { skip }, () => {
  let compared = 0;
  for (const file of ["jaeger-api_grafana-loki-mock.json", "jaeger-trace_genai-57spans.json"]) {
    const json = JSON.parse(read(`traces/${file}`));
    const fromJson = parseTrace(json);
    const fromFrame = parseTrace(frames.dataFrame(frames.JAEGER_FIELDS, frames.jaegerRows(json)));
    for (const [name, doc] of provisioningDocs()) {
      const c = new Correlator(doc);
      const expected = linksOf(c, fromJson);
      assert.deepEqual(linksOf(c, fromFrame), expected, `${file} with ${name}`);
      compared += Object.values(expected).flat().length;
      c.free();
    }
  }
  assert.ok(compared > 50, `${compared} links compared`);
});

test(
  "getList()-shaped settings and run-time correlations give the provisioning form's links",
  { skip },
  () => {
    const json = JSON.parse(read("traces/tempo-otlp_mythical-queue-database.json"));
    const trace = parseTrace(json);
    let correlationLinks = 0;
    for (const [name, doc] of provisioningDocs()) {
      const provisioned = new Correlator(doc);
      const runtime = new Correlator({
        datasources: frames.instanceSettings(doc),
        correlations: frames.runtimeCorrelations(doc),
      });
      // uid-less data sources get their name as uid in getList(): compare only fully-uid'd files' hrefs.
      const sameUids = (doc.datasources || []).every((d) => d.uid);
      const a = linksOf(provisioned, trace);
      const b = linksOf(runtime, trace);
      for (const span of Object.keys(a)) {
        // The rule path differs (datasources[i].correlations[j] → correlations[k]); nothing else may.
        const strip = (links) =>
          links.map(({ origin, ...rest }) =>
            sameUids ? rest : { type: rest.type, title: rest.title },
          );
        assert.deepEqual(strip(b[span]), strip(a[span]), `${name} span ${span}`);
        correlationLinks += a[span].filter((l) => l.type === "correlation").length;
      }
      // Findings about provisioning itself (keys, names replacing each other) have no run-time counterpart.
      const provisioningOnly = ["UNKNOWN_KEY", "DATASOURCE_REPLACED", "DATASOURCE_UID_TAKEN"];
      const codes = (c) =>
        c
          .diagnostics()
          .map((d) => d.code)
          .filter((code) => !provisioningOnly.includes(code));
      assert.deepEqual(codes(runtime).sort(), codes(provisioned).sort(), name);
      provisioned.free();
      runtime.free();
    }
    assert.ok(correlationLinks > 0, "intro-to-mltp's correlations linked");
  },
);

test("parseTrace reads a panel's frames: extra field state, functions and cycles are not walked", () => {
  const rows = [
    {
      traceID: "7946b05c2e2e4e5a",
      spanID: "6605c7b08e715d6c",
      parentSpanID: "",
      operationName: "GET /cart",
      serviceName: "cart",
      serviceTags: [{ key: "service.name", value: "cart" }],
      startTime: 1602637200000,
      duration: 1000,
      logs: [],
      references: [],
      tags: [],
    },
  ];
  const frame = frames.dataFrame(Object.keys(rows[0]), rows);
  for (const field of frame.fields) {
    const state = { scopedVars: {} };
    state.scopedVars.__field = { value: state, text: "Field" }; // a cycle, as panels' field state can hold
    Object.assign(field, { display: () => ({ text: "x" }), getLinks: () => [], state });
    field.config.links = [{ title: "x", url: "", onClick: () => {} }];
  }
  const series = [
    {
      name: "nodes",
      fields: [{ name: "id", type: "string", config: {}, values: ["a"] }],
      length: 1,
    },
    frame,
  ];
  const trace = parseTrace(series);
  assert.equal(trace.format, "dataframe");
  assert.deepEqual(
    trace.spans().map((s) => [s.spanID, s.duration, s.serviceTags]),
    [["6605c7b08e715d6c", 1_000_000, [{ key: "service.name", value: "cart" }]]],
  );
  assert.equal(findTraceFrame(series), frame);
  assert.equal(findTraceFrame([series[0]]), undefined);
  assert.throws(
    () =>
      parseTrace({
        fields: [
          { name: "spanID", values: [null] },
          { name: "traceID", values: ["a"] },
        ],
      }),
    (e) => e.code === "INVALID_TRACE" && e.path === "fields[0].values[0]",
  );
});

/** The shop fixture: Tempo with traces-to-logs and metrics, a Loki correlation, a trace of two spans. */
function fixture() {
  const doc = {
    datasources: [
      {
        name: "Tempo",
        type: "tempo",
        uid: "tempo",
        jsonData: {
          tracesToLogsV2: {
            datasourceUid: "loki",
            tags: [{ key: "service.name", value: "service_name" }],
            filterByTraceID: true,
          },
          tracesToMetrics: {
            datasourceUid: "prom",
            queries: [{ name: "Rate", query: "rate(calls{$__tags}[5m])" }],
          },
        },
      },
      { name: "Loki", type: "loki", uid: "loki" },
      { name: "Prometheus", type: "prometheus", uid: "prom" },
    ],
    correlations: [
      {
        sourceUID: "tempo",
        label: "Runbook",
        type: "external",
        config: {
          field: "serviceName",
          target: { url: "https://runbooks.example/${__value.raw}" },
        },
      },
    ],
  };
  const rows = [
    {
      traceID: "7946b05c2e2e4e5a",
      spanID: "6605c7b08e715d6c",
      parentSpanID: "",
      operationName: "GET /cart",
      serviceName: "cart",
      kind: "server",
      statusCode: 0,
      statusMessage: "",
      instrumentationLibraryName: "",
      instrumentationLibraryVersion: "",
      traceState: "",
      serviceTags: [{ value: "cart", key: "service.name" }],
      startTime: 1602637200000,
      duration: 1000,
      logs: [],
      references: [],
      tags: [],
    },
    {
      traceID: "7946b05c2e2e4e5a",
      spanID: "b7ad6b7169203331",
      parentSpanID: "6605c7b08e715d6c",
      operationName: "charge",
      serviceName: "pay",
      kind: "client",
      statusCode: 2,
      statusMessage: "declined",
      instrumentationLibraryName: "",
      instrumentationLibraryVersion: "",
      traceState: "",
      serviceTags: [{ value: "pay", key: "service.name" }],
      startTime: 1602637200100,
      duration: 20,
      logs: [],
      references: [],
      tags: [],
    },
  ];
  return { doc, frame: frames.dataFrame(frames.TEMPO_FIELDS, rows) };
}

test("spanLinkType maps spanlink's types onto the trace view's", () => {
  const expected = {
    logs: "log",
    metrics: "metric",
    profiles: "profile",
    traces: "trace",
    session: "session",
    correlation: "unknown",
    external: "unknown",
  };
  for (const [from, to] of Object.entries(expected)) assert.equal(spanLinkType(from), to);
  assert.throws(
    () => spanLinkType("log"),
    (e) => e.name === "SpanlinkError" && e.code === "INVALID_ARGUMENT",
  );
});

test("toLinkModel and toSpanLinkDef: Grafana's shapes of a spanlink link", () => {
  const { doc, frame } = fixture();
  const c = new Correlator(doc);
  const trace = parseTrace(frame);
  const [logs, metrics, runbook] = c.spanLinks(trace, "6605c7b08e715d6c");
  assert.deepEqual([logs.type, metrics.type, runbook.type], ["logs", "metrics", "external"]);

  const model = toLinkModel(logs);
  assert.deepEqual(Object.keys(model), ["href", "title", "target", "origin", "interpolatedParams"]);
  assert.deepEqual(
    [model.href, model.title, model.target, model.origin],
    [logs.href, "Related logs", "_self", logs.origin],
  );
  assert.deepEqual(model.interpolatedParams, { query: logs.internal.query });
  // With a TimeRange factory (Grafana's needs dateTime): its result as interpolatedParams.timeRange.
  const ranged = toLinkModel(logs, {
    toTimeRange: (r) => ({ from: `d${r.from}`, to: `d${r.to}` }),
    origin: frame.fields[0],
  });
  assert.deepEqual(ranged.interpolatedParams.timeRange, {
    from: "d1602637200000",
    to: "d1602637201000",
  });
  assert.equal(ranged.origin, frame.fields[0]);
  // An external link has no query; a correlation target without refId gets "" as DataQuery needs.
  assert.equal(toLinkModel(runbook).interpolatedParams, undefined);
  assert.equal(
    toLinkModel({ ...metrics, internal: { ...metrics.internal, query: { expr: "x" } } })
      .interpolatedParams.query.refId,
    "",
  );

  const def = toSpanLinkDef(metrics, { field: frame.fields[0] });
  assert.deepEqual(
    {
      href: def.href,
      title: def.title,
      type: def.type,
      target: def.target,
      content: def.content,
      field: def.field,
    },
    {
      href: metrics.href,
      title: "Rate",
      type: "metric",
      target: "_self",
      content: "Rate",
      field: frame.fields[0],
    },
  );
  assert.equal(def.linkModel.origin, frame.fields[0]);
  assert.equal(toSpanLinkDef(runbook).type, "unknown");
  assert.equal(toSpanLinkDef(runbook).target, "_blank");
  assert.throws(
    () => toLinkModel(null),
    (e) => e.code === "INVALID_ARGUMENT",
  );
});

test("createSpanLink: a SpanLinkFunc for the Traces panel, per span, as spanLinks returns them", () => {
  const { doc, frame } = fixture();
  const c = new Correlator(doc, { appSubUrl: "/grafana" });
  const spanLink = createSpanLink(c, frame);
  const trace = parseTrace(frame);
  for (const spanID of ["6605c7b08e715d6c", "b7ad6b7169203331"]) {
    const defs = spanLink({ spanID, traceID: "7946b05c2e2e4e5a", operationName: "x" });
    const links = c.spanLinks(trace, spanID);
    assert.deepEqual(
      defs.map((d) => [d.href, d.title, d.type]),
      links.map((l) => [l.href, l.title, spanLinkType(l.type)]),
    );
    assert.ok(
      defs.every(
        (d) =>
          d.field === frame.fields[0] && d.href.startsWith("/grafana/") === (d.type !== "unknown"),
      ),
    );
  }
  assert.deepEqual(spanLink({ spanID: "0000000000000000" }), []);
  // A Trace already parsed works as well (any entry's).
  assert.deepEqual(
    createSpanLink(c, trace)("6605c7b08e715d6c").map((d) => d.href),
    c.spanLinks(trace, "6605c7b08e715d6c").map((l) => l.href),
  );
  assert.throws(
    () => createSpanLink({}, frame),
    (e) => e.code === "INVALID_ARGUMENT",
  );
});

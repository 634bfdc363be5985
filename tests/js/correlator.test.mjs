// Correlator through the built npm package: every method, output shapes, options, hostile inputs.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Correlator, parseTrace, parseProvisioning, exploreUrl } from "spanlink";

const data = new URL("../../../shared/data/", import.meta.url);
const read = (p) => readFileSync(new URL(p, data), "utf8");
const doc = parseProvisioning(read("provisioning/intro-to-mltp_datasources.yaml"));
const traceText = read("traces/tempo-otlp_mythical-queue-database.json");

function throwsSpanlink(fn, code, path) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error);
    assert.equal(e.name, "SpanlinkError");
    assert.equal(e.code, code, e.message);
    if (path !== undefined) assert.equal(e.path, path, e.message);
    return true;
  });
}

const LINK_TYPES = ["logs", "metrics", "profiles", "traces", "session", "correlation", "external"];
function assertLink(link) {
  assert.equal(Object.getPrototypeOf(link), Object.prototype);
  assert.ok(LINK_TYPES.includes(link.type), link.type);
  assert.equal(typeof link.title, "string");
  assert.equal(typeof link.href, "string");
  assert.ok(["_self", "_blank"].includes(link.target));
  assert.equal(typeof link.origin, "string");
  if (link.internal) {
    for (const k of ["datasourceUid", "datasourceName", "datasourceType"])
      assert.equal(typeof link.internal[k], "string");
    assert.equal(Object.getPrototypeOf(link.internal.query), Object.prototype);
    assert.ok(link.href.includes("/explore?left="));
  }
}

test("spanLinks, traceLinks (a Map in span order), traceLogsLink, explain, diagnostics", () => {
  const c = new Correlator(doc);
  const trace = parseTrace(traceText);
  const spans = trace.spans();
  const all = c.traceLinks(trace);
  assert.ok(all instanceof Map);
  assert.deepEqual(
    [...all.keys()],
    spans.map((s) => s.spanID),
  );
  let count = 0;
  for (const s of spans) {
    const links = c.spanLinks(trace, s.spanID);
    assert.deepEqual(links, all.get(s.spanID));
    links.forEach(assertLink);
    count += links.length;
  }
  assert.ok(count > 0, "the intro-to-mltp settings link some mythical spans");
  const first = c.spanLinks(trace, spans[0].spanID);
  assert.equal(first[0].type, "logs");
  assert.equal(first[0].internal.datasourceUid, "loki");
  assert.match(first[0].origin, /^datasources\[\d+\]\.jsonData\./);

  const logs = c.traceLogsLink(trace);
  assert.ok(logs === null || logs.type === "logs");
  if (logs) assertLink(logs);

  const why = c.explain(trace, spans[1].spanID);
  assert.ok(why.length > 0);
  for (const e of why) {
    assert.ok(["link", "suppressed"].includes(e.outcome));
    for (const k of ["origin", "code", "message"]) assert.equal(typeof e[k], "string");
    for (const v of e.variables) assert.ok(v.value === null || typeof v.value === "string");
  }
  const diags = c.diagnostics();
  assert.ok(diags.some((d) => d.code === "DATASOURCE_CASE_MISMATCH"));
  for (const d of diags) assert.ok(["error", "warning", "hint"].includes(d.severity));
  c.free();
  trace.free();
});

test("options: appSubUrl prefixes hrefs, tracingDatasource must exist, JSON text settings work", () => {
  const trace = parseTrace(traceText);
  const id = trace.spans()[0].spanID;
  const c = new Correlator(JSON.stringify(doc), {
    tracingDatasource: "Tempo",
    appSubUrl: "/grafana",
    features: { dynamicTraceToLogs: false },
  });
  assert.ok(c.spanLinks(trace, id)[0].href.startsWith("/grafana/explore?left="));
  throwsSpanlink(
    () => new Correlator(doc, { tracingDatasource: "nope" }),
    "UNKNOWN_DATASOURCE",
    "options.tracingDatasource",
  );
  throwsSpanlink(
    () => new Correlator(doc, { appSubUrl: 4 }),
    "INVALID_ARGUMENT",
    "options.appSubUrl",
  );
  throwsSpanlink(
    () => new Correlator(doc, { features: { dynamicTraceToLogs: "yes" } }),
    "INVALID_ARGUMENT",
    "options.features.dynamicTraceToLogs",
  );
  throwsSpanlink(() => new Correlator(doc, 7), "INVALID_ARGUMENT", "options");
  const dynamic = new Correlator(doc, { features: { dynamicTraceToLogs: true } });
  dynamic.spanLinks(trace, id).forEach(assertLink);
});

test("logLinks (derived fields) and exemplarLinks, with and without a range", () => {
  const c = new Correlator(doc);
  const links = c.logLinks(
    "loki",
    "level=info traceID=abc123 msg=hi",
    { job: "x" },
    { from: 1000, to: 2000 },
  );
  assert.equal(links.length, 1);
  assertLink(links[0]);
  assert.equal(links[0].internal.query.query, "abc123");
  assert.deepEqual(links[0].internal.range, { from: 1000, to: 2000 });
  assert.equal(c.logLinks("loki", "no id here").length, 0);
  const ex = c.exemplarLinks("mimir", { traceID: "abc" });
  assert.ok(ex.length > 0);
  ex.forEach(assertLink);
  assert.equal(ex[0].internal.range, undefined);
  throwsSpanlink(() => c.logLinks("loki", "x", { a: 1 }), "INVALID_ARGUMENT", "labels");
  throwsSpanlink(() => c.logLinks(undefined, "x"), "INVALID_ARGUMENT", "lokiUid");
  throwsSpanlink(
    () => c.exemplarLinks("mimir", { a: "b" }, { from: "x" }),
    "INVALID_ARGUMENT",
    "range.from",
  );
});

test("exploreUrl writes Grafana's left= form with the datasource reference", () => {
  const href = exploreUrl(
    {
      datasource: "loki",
      queries: [{ expr: "{}", refId: "A" }],
      range: { from: "now-1h", to: "now" },
    },
    "/g",
  );
  assert.ok(href.startsWith("/g/explore?left="));
  const left = JSON.parse(decodeURIComponent(href.split("left=")[1]));
  assert.deepEqual(left, {
    range: { from: "now-1h", to: "now" },
    datasource: "loki",
    queries: [{ expr: "{}", refId: "A", datasource: { uid: "loki" } }],
  });
  assert.ok(exploreUrl({ datasource: "x", queries: [] }).startsWith("/explore?left="));
  throwsSpanlink(() => exploreUrl({}), "INVALID_ARGUMENT", "state.datasource");
  throwsSpanlink(() => exploreUrl(undefined), "INVALID_ARGUMENT", "state");
  // A bad value is named by its path, also inside a two-shape value.
  throwsSpanlink(
    () => exploreUrl({ datasource: "x", queries: [], range: { from: true, to: "now" } }),
    "INVALID_ARGUMENT",
    "state.range.from",
  );
  throwsSpanlink(
    () => exploreUrl({ datasource: "x", queries: [] }, 5),
    "INVALID_ARGUMENT",
    "appSubUrl",
  );
});

test("hostile inputs: wrong handles, freed handles, bad ids, bad settings never trap", () => {
  const c = new Correlator(doc);
  const trace = parseTrace(traceText);
  throwsSpanlink(() => c.spanLinks(trace, "nope"), "SPAN_NOT_FOUND", "spanId");
  throwsSpanlink(() => c.spanLinks(trace, undefined), "INVALID_ARGUMENT", "spanId");
  throwsSpanlink(() => c.spanLinks(trace, "x".repeat(5_000_000)), "SPAN_NOT_FOUND");
  throwsSpanlink(() => c.spanLinks(trace, "\uD800"), "SPAN_NOT_FOUND"); // a lone surrogate
  throwsSpanlink(() => parseTrace("\uD800"), "INVALID_JSON");
  const throwingGetter = {
    get appSubUrl() {
      throw new Error("boom");
    },
  };
  throwsSpanlink(() => new Correlator(doc, throwingGetter), "INVALID_ARGUMENT", "options");
  for (const bad of [{}, null, undefined, "trace", c]) {
    throwsSpanlink(() => c.spanLinks(bad, "x"), "INVALID_ARGUMENT");
    throwsSpanlink(() => c.traceLinks(bad), "INVALID_ARGUMENT");
  }
  throwsSpanlink(() => new Correlator(undefined), "INVALID_ARGUMENT", "provisioning");
  throwsSpanlink(() => new Correlator("datasources: []"), "INVALID_JSON");
  const cycle = { datasources: [] };
  cycle.datasources.push(cycle);
  throwsSpanlink(() => new Correlator(cycle), "INVALID_ARGUMENT", "provisioning");
  for (const bad of [
    {},
    { datasources: 5 },
    { datasources: [5] },
    { datasources: [{ type: "tempo", jsonData: { tracesToLogsV2: 5 } }] },
    [],
    5,
  ]) {
    try {
      new Correlator(bad).free();
    } catch (e) {
      assert.equal(e.name, "SpanlinkError", String(e));
    }
  }
  const other = parseTrace(traceText);
  other.free();
  throwsSpanlink(() => c.spanLinks(other, "x"), "INVALID_ARGUMENT");
  c.free();
  c.free();
  throwsSpanlink(() => c.spanLinks(trace, "x"), "INVALID_ARGUMENT");
  throwsSpanlink(() => c.diagnostics(), "INVALID_ARGUMENT");
  // The module still works after all that.
  const again = new Correlator(doc);
  assert.ok(again.traceLinks(trace).size > 0);
});

test("require() and import give the same Correlator class", () => {
  const cjs = createRequire(import.meta.url)("spanlink");
  assert.equal(cjs.Correlator, Correlator);
  const trace = cjs.parseTrace(traceText);
  assert.ok(new Correlator(doc).traceLinks(trace).size > 0);
});

test("linkSet: kinds, masks, hrefs and links by span index, equal to traceLinks", () => {
  const c = new Correlator(doc);
  const trace = parseTrace(traceText);
  const spans = trace.spans();
  const all = [...c.traceLinks(trace).values()];
  const set = c.linkSet(trace);
  assert.equal(set.spanCount, spans.length);
  assert.equal(
    set.length,
    all.reduce((n, ls) => n + ls.length, 0),
  );
  const bits = {
    logs: 1,
    metrics: 2,
    profiles: 4,
    traces: 8,
    session: 16,
    correlation: 32,
    external: 64,
  };
  const masks = set.kindMasks();
  assert.ok(masks instanceof Uint32Array);
  assert.equal(masks.length, spans.length);
  all.forEach((links, i) => {
    assert.equal(set.count(i), links.length);
    assert.deepEqual(
      set.kinds(i),
      links.map((l) => l.type),
    );
    const mask = links.reduce((m, l) => m | bits[l.type], 0);
    assert.equal(set.kindMask(i), mask);
    assert.equal(masks[i], mask);
    links.forEach((l, k) => {
      assert.equal(set.href(i, k), l.href);
      assert.equal(set.title(i, k), l.title);
    });
    assert.deepEqual(set.links(i), links);
  });
  assert.ok(
    masks.some((m) => m & bits.logs),
    "some mythical span has a logs link",
  );
  for (const bad of [-1, spans.length, 1.5, "0", null, undefined]) {
    throwsSpanlink(() => set.kinds(bad), "INVALID_ARGUMENT", "spanIndex");
  }
  const linked = all.findIndex((ls) => ls.length > 0);
  throwsSpanlink(() => set.href(linked, all[linked].length), "INVALID_ARGUMENT", "linkIndex");
  set.free();
  throwsSpanlink(() => set.kinds(0), "INVALID_ARGUMENT");
  // The set keeps its links: freeing the trace does not change them.
  const again = c.linkSet(trace);
  trace.free();
  assert.equal(again.spanCount, spans.length);
});

test("spanLinks: a query number past 2^53 reads as JSON.parse reads it", () => {
  const big = "18014398509481985"; // 2^54 + 1: no exact double
  const settings = `{"datasources": [
    {"name": "Tempo", "type": "tempo", "uid": "tempo"},
    {"name": "Loki", "type": "loki", "uid": "loki"}],
    "correlations": [{"sourceUID": "tempo", "targetUID": "loki", "label": "n", "type": "query",
      "config": {"type": "query", "field": "traceID", "target": {"expr": "{a=\\"b\\"}", "n": ${big}}}}]}`;
  const c = new Correlator(settings);
  const trace = parseTrace(traceText);
  const id = trace.spans()[0].spanID;
  const link = c.spanLinks(trace, id).find((l) => l.origin === "correlations[0]");
  assert.equal(link.internal.query.n, JSON.parse(big));
  assert.deepEqual(c.linkSet(trace).links(0), c.spanLinks(trace, id));
});

test("explainLogLine: why a log line got no link (a shadowed derived field)", () => {
  const settings = {
    datasources: [
      { name: "Tempo", type: "tempo", uid: "tempo" },
      {
        name: "Loki",
        type: "loki",
        uid: "loki",
        jsonData: {
          derivedFields: [
            {
              name: "TraceID",
              matcherRegex: '"trace_id":"(\\w+)"',
              url: "${__value.raw}",
              datasourceUid: "tempo",
            },
            {
              name: "TraceID",
              matcherRegex: "trace_id=(\\w+)",
              url: "${__value.raw}",
              datasourceUid: "tempo",
            },
          ],
        },
      },
    ],
  };
  const c = new Correlator(settings);
  const logfmt = "level=info trace_id=7946b05c2e2e4e5a msg=done";
  assert.deepEqual(c.logLinks("loki", logfmt), []);
  const report = c.explainLogLine("loki", logfmt);
  assert.deepEqual(
    report.map((e) => [e.origin, e.outcome, e.code]),
    [
      ["datasources[1].jsonData.derivedFields[0]", "suppressed", "NO_MATCH"],
      ["datasources[1].jsonData.derivedFields[1]", "suppressed", "SHADOWED_DERIVED_FIELD"],
    ],
  );
  const json = c.explainLogLine("loki", '{"trace_id":"7946b05c2e2e4e5a"}', { job: "x" });
  assert.deepEqual(
    json.map((e) => e.code),
    ["LINKED", "LINKED"],
  );
  throwsSpanlink(() => c.explainLogLine("nope", logfmt), "UNKNOWN_DATASOURCE", "lokiUid");
  throwsSpanlink(() => c.explainLogLine("loki", 1), "INVALID_ARGUMENT", "line");
});

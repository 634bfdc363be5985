// The built npm package (npm/dist, through the "spanlink" dependency) under node --test.
import test from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import * as spanlink from "spanlink";

const require = createRequire(import.meta.url);
const data = new URL("../../../shared/data/", import.meta.url);
const read = (p) => readFileSync(new URL(p, data), "utf8");

/** Asserts fn throws a SpanlinkError with this code (and path, when given). */
function throwsSpanlink(fn, code, path) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `not an Error: ${e}`);
    assert.equal(e.name, "SpanlinkError");
    if (Array.isArray(code)) assert.ok(code.includes(e.code), e.message);
    else assert.equal(e.code, code, e.message);
    if (path !== undefined) assert.equal(e.path, path);
    assert.ok(Object.hasOwn(e, "code") && Object.hasOwn(e, "path") && Object.hasOwn(e, "message"));
    assert.equal(typeof e.message, "string");
    return true;
  });
}

test("ESM import and require() give the same functions (one wasm instance)", () => {
  const cjs = require("spanlink");
  for (const name of ["parseTrace", "parseInterval", "parseProvisioning", "Trace"]) {
    assert.equal(typeof spanlink[name], "function", name);
    assert.equal(typeof cjs[name], "function", name);
  }
  assert.equal(cjs.parseTrace, spanlink.parseTrace);
});

test("parseInterval: wrong argument types are INVALID_ARGUMENT naming the argument", () => {
  for (const bad of [undefined, null, 5, {}, [], Symbol("x"), 1n, () => 1]) {
    throwsSpanlink(() => spanlink.parseInterval(bad), "INVALID_ARGUMENT", "text");
  }
  throwsSpanlink(() => spanlink.parseInterval("5 m"), "INVALID_INTERVAL");
  throwsSpanlink(() => spanlink.parseInterval("x".repeat(10_000_000)), "INVALID_INTERVAL");
});

test("parseTrace: bad JSON, unknown shapes and hostile objects throw SpanlinkErrors", () => {
  throwsSpanlink(() => spanlink.parseTrace("{nope"), "INVALID_JSON");
  throwsSpanlink(() => spanlink.parseTrace({}), "INVALID_TRACE");
  throwsSpanlink(() => spanlink.parseTrace(42), "INVALID_TRACE");
  throwsSpanlink(() => spanlink.parseTrace(undefined), "INVALID_ARGUMENT", "trace");
  throwsSpanlink(() => spanlink.parseTrace(() => 1), "INVALID_ARGUMENT", "trace");
  throwsSpanlink(() => spanlink.parseTrace({ big: 1n }), "INVALID_ARGUMENT", "trace");
  const cycle = {};
  cycle.self = cycle;
  throwsSpanlink(() => spanlink.parseTrace(cycle), "INVALID_ARGUMENT", "trace");
  throwsSpanlink(() => spanlink.parseTrace("[".repeat(200_000)), "LIMIT_EXCEEDED");
  throwsSpanlink(() => spanlink.parseTrace(" ".repeat(30_000_000) + "{}"), "INVALID_TRACE");
  let deep = [];
  for (let i = 0; i < 5000; i++) deep = [deep];
  // JSON.stringify may give up first (INVALID_ARGUMENT), else the JSON depth limit does.
  throwsSpanlink(
    () => spanlink.parseTrace({ resourceSpans: deep }),
    ["LIMIT_EXCEEDED", "INVALID_ARGUMENT"],
  );
});

test("parseProvisioning undoes Grafana's $$ escaping and expands environment variables as Grafana does", () => {
  const yaml =
    "apiVersion: 1\ndatasources:\n  - name: Tempo\n    type: tempo\n    jsonData:\n" +
    "      tracesToLogsV2:\n        customQuery: true\n        query: '{$${__tags}} | x=\"$${__span.spanId}\" $$$$ ${ENV_VAR} $PLAIN'\n" +
    "      list: [a$$b, 3, true, null]\n";
  const doc = spanlink.parseProvisioning(yaml, { env: { ENV_VAR: "e", PLAIN: "p" } });
  assert.deepEqual(doc, {
    apiVersion: 1,
    datasources: [
      {
        name: "Tempo",
        type: "tempo",
        jsonData: {
          tracesToLogsV2: { customQuery: true, query: '{${__tags}} | x="${__span.spanId}" $$ e p' },
          list: ["a$b", 3, true, null],
        },
      },
    ],
  });
  // Unset, Grafana writes "": the Correlator reports each such variable at its line.
  const unset = spanlink.parseProvisioning(yaml);
  assert.equal(
    unset.datasources[0].jsonData.tracesToLogsV2.query,
    '{${__tags}} | x="${__span.spanId}" $$  ',
  );
  const findings = new spanlink.Correlator(unset)
    .diagnostics()
    .filter((d) => d.code === "UNSET_ENV_VAR");
  assert.deepEqual(
    findings.map((d) => d.source),
    [
      { file: "datasources.yaml", line: 8, column: 9 },
      { file: "datasources.yaml", line: 8, column: 9 },
    ],
  );
  assert.match(
    findings[0].message,
    /ENV_VAR is not set: Grafana expands `\$\{ENV_VAR\}` to an empty string/,
  );
  const merged = spanlink.parseProvisioning("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n");
  assert.deepEqual(merged.other, { x: 1, y: 2 });
});

test("parseProvisioning reads every provisioning file of the shared data", () => {
  const files = [
    "intro-to-mltp_datasources.yaml",
    "docker-otel-lgtm_grafana-datasources.yaml",
    "grafana-docs_tempo-provision-example.yaml",
    "pyroscope_tracing-tempo_datasources.yml",
  ];
  for (const f of files) {
    const doc = spanlink.parseProvisioning(read(`provisioning/${f}`));
    assert.ok(Array.isArray(doc.datasources) && doc.datasources.length > 0, f);
    assert.ok(!JSON.stringify(doc).includes("$${"), `${f} still has $$`);
  }
});

test("parseProvisioning: bad YAML is INVALID_YAML with the file, line and column", () => {
  assert.throws(
    () => spanlink.parseProvisioning("datasources:\n  - name: a\n   type: b\n  x: [\n"),
    (e) => {
      assert.equal(e.name, "SpanlinkError");
      assert.equal(e.code, "INVALID_YAML");
      assert.deepEqual([e.file, e.line, e.column], ["datasources.yaml", 3, 1]);
      assert.match(e.message, /^datasources\.yaml:3:1: /);
      return true;
    },
  );
  throwsSpanlink(() => spanlink.parseProvisioning("a: 1\na: 2\n"), "INVALID_YAML");
  throwsSpanlink(() => spanlink.parseProvisioning("- just\n- a list\n"), "INVALID_YAML");
  throwsSpanlink(() => spanlink.parseProvisioning(""), "INVALID_YAML");
  throwsSpanlink(() => spanlink.parseProvisioning(undefined), "INVALID_ARGUMENT", "yamlText");
  throwsSpanlink(() => spanlink.parseProvisioning({}), "INVALID_ARGUMENT", "yamlText");
  const bomb =
    "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n" +
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n";
  throwsSpanlink(() => spanlink.parseProvisioning(bomb), "INVALID_YAML");
});

test("spanlink/web needs init() and then works; spanlink/inline is ready on import", async () => {
  const web = await import("spanlink/web");
  const wasmUrl = new URL("spanlink_bg.wasm", import.meta.resolve("spanlink/web"));
  await web.default({ module_or_path: readFileSync(wasmUrl) });
  throwsSpanlink(() => web.parseInterval(undefined), "INVALID_ARGUMENT", "text");
  assert.equal(typeof web.parseProvisioning, "function");
  const inline = await import("spanlink/inline");
  throwsSpanlink(() => inline.parseTrace("{}"), "INVALID_TRACE");
  assert.equal(typeof inline.parseProvisioning, "function");
});

test("parseTrace reads every shared trace (text or object) into a handle with spans", () => {
  const files = {
    "jaeger-api_grafana-loki-mock.json": "jaeger",
    "tempo-otlp_mythical-queue-database.json": "otlp",
    "zipkin-v2_smartthings-oauth-175spans.json": "zipkin",
    "tempo-batches_grafana-tns-mock.json": "otlp",
  };
  for (const [f, format] of Object.entries(files)) {
    const text = read(`traces/${f}`);
    for (const input of [text, JSON.parse(text)]) {
      const trace = spanlink.parseTrace(input);
      assert.equal(trace.format, format, f);
      const spans = trace.spans();
      assert.equal(trace.spanCount, spans.length);
      assert.ok(spans.length > 0);
      assert.equal(trace.traceId, spans[0].traceID);
      const s = spans[0];
      assert.equal(typeof s.spanID, "string");
      assert.equal(typeof s.startTime, "number");
      assert.ok(
        Array.isArray(s.tags) && Array.isArray(s.serviceTags) && Array.isArray(s.references),
      );
      assert.equal(Object.getPrototypeOf(s), Object.prototype, "plain objects, not Maps");
      trace.free();
    }
  }
});

test("a freed handle throws a clear SpanlinkError, and free() twice is harmless", () => {
  const trace = spanlink.parseTrace(read("traces/jaeger-api_grafana-loki-mock.json"));
  trace.free();
  trace.free();
  throwsSpanlink(() => trace.spans(), "INVALID_ARGUMENT");
  throwsSpanlink(() => trace.traceId, "INVALID_ARGUMENT");
  assert.throws(() => trace.spans(), /freed/);
  // `using` support: Symbol.dispose frees.
  if (Symbol.dispose) {
    const t2 = spanlink.parseTrace(read("traces/jaeger-api_grafana-loki-mock.json"));
    t2[Symbol.dispose]();
    throwsSpanlink(() => t2.spans(), "INVALID_ARGUMENT");
  }
  throwsSpanlink(() => spanlink.Trace.prototype.spans.call({}), "INVALID_ARGUMENT");
});

test("applyTransformations: logfmt + regex mapValue, errors with JSON paths", () => {
  assert.deepEqual(
    spanlink.applyTransformations(
      [
        { type: "logfmt" },
        { type: "regex", expression: "host=(dev|prod)", mapValue: "environment" },
      ],
      "application=foo host=dev-001",
      { fieldName: "msg" },
    ),
    { application: "foo", host: "dev-001", environment: "dev" },
  );
  assert.deepEqual(
    spanlink.applyTransformations([{ type: "regex", expression: "id=(\\w+)" }], "id=42", {
      fieldName: "line",
    }),
    { line: "42" },
  );
  assert.deepEqual(
    spanlink.applyTransformations(
      [{ type: "regex", expression: "id=(\\w+)", field: "other", mapValue: "v" }],
      "",
      { fields: { other: "id=7" } },
    ),
    { v: "7" },
  );
  assert.deepEqual(spanlink.applyTransformations([], undefined), {});
  throwsSpanlink(
    () => spanlink.applyTransformations([{ type: "regex", expression: "(" }], "x"),
    "INVALID_REGEX",
    "transformations[0].expression",
  );
  throwsSpanlink(
    () => spanlink.applyTransformations("nope", "x"),
    "INVALID_SETTINGS",
    "transformations",
  );
  throwsSpanlink(
    () => spanlink.applyTransformations(undefined, "x"),
    "INVALID_ARGUMENT",
    "transformations",
  );
  throwsSpanlink(
    () => spanlink.applyTransformations([], "x", { fieldName: 3 }),
    "INVALID_ARGUMENT",
    "options.fieldName",
  );
});

test("interpolate: scoped vars, dashboard variables, range, default format; errors", () => {
  const scoped = {
    __value: { value: { raw: "abc" } },
    __span: { value: { spanId: "s1", tags: { "k8s.pod.name": "p-1" } } },
  };
  assert.equal(
    spanlink.interpolate('${__value.raw} ${__span.tags["k8s.pod.name"]} ${__span.spanId}', scoped),
    "abc p-1 s1",
  );
  assert.equal(
    spanlink.interpolate("${x:csv}|$x", {}, { variables: { x: ["a", "b"] } }),
    "a,b|{a,b}",
  );
  assert.equal(
    spanlink.interpolate("$__from-${__to}", {}, { range: { from: 1000, to: 2000 } }),
    "1000-2000",
  );
  assert.equal(
    spanlink.interpolate("$a", { a: { value: "x y" } }, { format: "percentencode" }),
    "x%20y",
  );
  assert.equal(spanlink.interpolate("$missing", {}), "$missing");
  // As in Grafana: malformed references stay as written, an unknown format is glob.
  assert.equal(spanlink.interpolate("${a", {}), "${a");
  assert.equal(
    spanlink.interpolate("$a", { a: { value: ["x", "y"] } }, { format: "nope" }),
    "{x,y}",
  );
  // A one-element multi-value dashboard variable stays a list.
  assert.equal(spanlink.interpolate("${m:json}", {}, { variables: { m: ["a"] } }), '["a"]');
  throwsSpanlink(() => spanlink.interpolate(undefined, {}), "INVALID_ARGUMENT", "template");
  throwsSpanlink(() => spanlink.interpolate("$a", { a: 1 }), "INVALID_ARGUMENT", "scopedVars.a");
  throwsSpanlink(
    () => spanlink.interpolate("$a", {}, { variables: { x: 1 } }),
    "INVALID_ARGUMENT",
    "options.variables.x",
  );
  throwsSpanlink(
    () => spanlink.interpolate("$m", {}, { variables: { m: ["a", 1] } }),
    "INVALID_ARGUMENT",
    "options.variables.m[1]",
  );
  assert.equal(spanlink.interpolate("$" + "a".repeat(1_000_000), {}).length, 1_000_001);
});

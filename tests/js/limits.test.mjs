// Explicit limits (issue #10 item 4, README "Limits"): one test per limit, from JS. Past a limit
// the call throws a SpanlinkError naming the field and the limit; nothing traps or runs out of
// memory.
import test from "node:test";
import assert from "node:assert/strict";
import { Correlator, parseTrace, interpolate, applyTransformations } from "spanlink";

function throwsLimit(fn, path, limitText) {
  assert.throws(fn, (e) => {
    assert.equal(e.name, "SpanlinkError", e.message);
    assert.equal(e.code, "LIMIT_EXCEEDED", e.message);
    assert.equal(e.path, path, e.message);
    assert.ok(e.message.includes(`limit of ${limitText}`), e.message);
    return true;
  });
}

const zipkinSpan = (i, tags = {}) => ({
  traceId: "7946b05c2e2e4e5a",
  id: i.toString(16).padStart(16, "0"),
  name: "op",
  timestamp: 1602637200000000,
  duration: 1000,
  localEndpoint: { serviceName: "cart" },
  tags,
});

test("trace bytes: 128 MiB of JSON text", () => {
  const limit = 128 * 1024 * 1024;
  const text = JSON.stringify([zipkinSpan(1)]);
  throwsLimit(() => parseTrace(text + " ".repeat(limit - text.length + 1)), "", "134217728");
  parseTrace(text + " ".repeat(1000)).free(); // padding alone is fine
});

test("span count: 500,000 spans", () => {
  const spans = Array.from(
    { length: 500_001 },
    (_, i) => `{"traceId":"1","id":"${i.toString(16)}"}`,
  );
  throwsLimit(() => parseTrace(`[${spans.join(",")}]`), "", "500000");
});

test("attributes per span: 10,000", () => {
  const tags = Object.fromEntries(Array.from({ length: 10_001 }, (_, i) => [`k${i}`, "v"]));
  throwsLimit(() => parseTrace([zipkinSpan(1), zipkinSpan(2, tags)]), "spans[1]", "10000");
  for (let i = 0; i < 20; i++) delete tags[`k${i}`];
  parseTrace([zipkinSpan(2, tags)]).free();
});

test("template length: 1 MiB", () => {
  throwsLimit(() => interpolate("x".repeat(1024 * 1024 + 1), {}), "", "1048576");
  // In the settings, the rule whose template is too long is explained, the others still link.
  const doc = {
    datasources: [
      {
        name: "Tempo",
        type: "tempo",
        uid: "tempo",
        jsonData: {
          tracesToLogsV2: {
            datasourceUid: "loki",
            customQuery: true,
            query: "x".repeat(1024 * 1024 + 1),
          },
        },
      },
      { name: "Loki", type: "loki", uid: "loki" },
    ],
  };
  const c = new Correlator(doc);
  const trace = parseTrace([zipkinSpan(1)]);
  const [why] = c.explain(trace, "0000000000000001");
  assert.equal(why.code, "INVALID_TEMPLATE");
  assert.match(
    why.message,
    /LIMIT_EXCEEDED at datasources\[0\]\.jsonData\.tracesToLogsV2\.query: .*limit of 1048576/,
  );
});

test("regex size: 1 MiB compiled", () => {
  assert.throws(
    () => applyTransformations([{ type: "regex", expression: "(?:a{1000}){1000}" }], "a"),
    (e) => {
      assert.equal(e.code, "INVALID_REGEX");
      assert.equal(e.path, "transformations[0].expression");
      assert.match(e.message, /size limit/);
      return true;
    },
  );
});

test("JSON nesting depth: 127, in traces and settings", () => {
  const deep = (n) => "[".repeat(n) + "]".repeat(n);
  throwsLimit(() => parseTrace(deep(128)), "", "127");
  throwsLimit(() => parseTrace(deep(1_000_000)), "", "127");
  throwsLimit(() => new Correlator(`{"datasources": ${deep(200)}}`), "", "127");
  parseTrace(deep(127)).free(); // deep but in the limit: read, its broken spans warned about
});

test("number of rules: 10,000", () => {
  const correlations = Array.from({ length: 10_001 }, (_, i) => ({
    sourceUID: "tempo",
    targetUID: "tempo",
    label: `c${i}`,
    type: "query",
    config: { field: "traceID", target: { query: "x" } },
  }));
  const doc = { datasources: [{ name: "Tempo", type: "tempo", uid: "tempo" }], correlations };
  throwsLimit(() => new Correlator(doc), "correlations[10000]", "10000");
  new Correlator({ ...doc, correlations: correlations.slice(1) }).free();
});

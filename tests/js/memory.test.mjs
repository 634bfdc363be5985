// No leaks across the wasm boundary (issue #10 item 5): after a warm-up, a million spanLinks calls
// and ten thousand parseTrace/free cycles leave the WebAssembly.Memory the size it was, and
// traces that are never freed are reclaimed by the FinalizationRegistry once collected.
// Run with `node --expose-gc --test tests/js/memory.test.mjs`.
import test from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// The package keeps its instance to itself: capture the memory as the glue instantiates it.
const Instance = WebAssembly.Instance;
let memory;
WebAssembly.Instance = function (module, imports) {
  const instance = new Instance(module, imports);
  memory ??= instance.exports.memory;
  return instance;
};
const { Correlator, parseTrace } = createRequire(import.meta.url)("spanlink");
WebAssembly.Instance = Instance;
assert.ok(memory instanceof WebAssembly.Memory, "the wasm memory was captured");

setFlagsFromString("--expose-gc");
const gc = globalThis.gc ?? runInNewContext("gc");

const CALLS = Number(process.env.SPANLINK_MEMORY_CALLS || 1_000_000);
const size = () => memory.buffer.byteLength;

const settings = {
  datasources: [
    {
      name: "Tempo",
      type: "tempo",
      uid: "tempo",
      jsonData: {
        tracesToLogsV2: {
          datasourceUid: "loki",
          tags: [{ key: "service.name", value: "service" }],
          filterByTraceID: true,
        },
        tracesToMetrics: {
          datasourceUid: "prom",
          tags: [{ key: "service.name", value: "service" }],
          queries: [{ name: "Rate", query: "sum(rate(calls_total{$__tags}[5m]))" }],
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
        type: "external",
        field: "traceID",
        target: { url: "https://runbooks.example/${__span.tags.route}" },
      },
    },
  ],
};

/** A trace of `n` spans, each with a few attributes. */
function traceText(n, pad = "") {
  const kv = (key, v) => ({ key, value: { stringValue: v } });
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: "7946b05c2e2e4e5a7946b05c2e2e4e5a",
    spanId: (0x6605c7b08e715d00 + i).toString(16).padStart(16, "0").slice(-16),
    name: `op ${i}`,
    startTimeUnixNano: "1602637200000000000",
    endTimeUnixNano: "1602637201000000000",
    attributes: [kv("route", `/cart/${i}`), kv("pad", pad)],
  }));
  return JSON.stringify({
    resourceSpans: [
      { resource: { attributes: [kv("service.name", "cart")] }, scopeSpans: [{ spans }] },
    ],
  });
}

test(`${CALLS} spanLinks calls: the memory stops growing after warm-up`, () => {
  const c = new Correlator(settings);
  const trace = parseTrace(traceText(20));
  const ids = Array.from({ length: 20 }, (_, i) =>
    (0x6605c7b08e715d00 + i).toString(16).slice(-16),
  );
  const warmUp = Math.min(20_000, CALLS / 10);
  let links = 0;
  for (let i = 0; i < warmUp; i++) links += c.spanLinks(trace, ids[i % 20]).length;
  const warm = size();
  const start = Date.now();
  for (let i = warmUp; i < CALLS; i++) links += c.spanLinks(trace, ids[i % 20]).length;
  const ms = Date.now() - start;
  assert.equal(links, CALLS * 3, "3 links per span");
  console.log(
    `# ${CALLS - warmUp} calls after warm-up in ${ms} ms; memory ${warm} B → ${size()} B`,
  );
  assert.equal(size(), warm, "WebAssembly.Memory grew after warm-up");
  trace.free();
  c.free();
});

test("10,000 parseTrace/free cycles: the memory stops growing after warm-up", () => {
  const text = traceText(50, "x".repeat(200));
  for (let i = 0; i < 500; i++) parseTrace(text).free();
  const warm = size();
  for (let i = 0; i < 10_000; i++) {
    const t = parseTrace(i % 2 ? text : JSON.parse(text));
    t.free();
  }
  assert.equal(size(), warm, "WebAssembly.Memory grew after warm-up");
});

test("traces never freed are reclaimed by the FinalizationRegistry", async () => {
  // About 1 MB of wasm memory per trace: 400 unfreed traces would need ~400 MB without reclaim.
  const text = traceText(400, "y".repeat(2000));
  const before = size();
  const collect = async () => {
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  for (let batch = 0; batch < 40; batch++) {
    for (let i = 0; i < 10; i++) parseTrace(text); // dropped without free()
    await collect();
  }
  const grown = size() - before;
  console.log(`# 400 unfreed traces of ${text.length} B: memory grew ${grown} B`);
  assert.ok(grown < 64 * 1024 * 1024, `memory grew ${grown} B: unfreed traces were not reclaimed`);
});

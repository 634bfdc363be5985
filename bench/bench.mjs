// Benchmark of the Node package (not a test): node bench/bench.mjs (after scripts/build.sh).
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { performance } from "node:perf_hooks";
import { Correlator, parseTrace } from "../npm/dist/index.mjs";

const SPANS = Number(process.env.SPANS || 10_000);

// Settings: Loki tracesToLogsV2 with tags and both filters, Prometheus tracesToMetrics with two
// queries, Pyroscope tracesToProfiles, one correlation.
const settings = {
  apiVersion: 1,
  datasources: [
    {
      name: "Tempo", type: "tempo", uid: "tempo",
      jsonData: {
        tracesToLogsV2: {
          datasourceUid: "loki", spanStartTimeShift: "-5m", spanEndTimeShift: "5m",
          tags: [{ key: "k8s.namespace.name", value: "namespace" }, { key: "service.name", value: "service_name" }],
          filterByTraceID: true, filterBySpanID: true,
        },
        tracesToMetrics: {
          datasourceUid: "prom", tags: [{ key: "service.name", value: "service" }, { key: "k8s.cluster.name", value: "cluster" }],
          queries: [
            { name: "Request rate", query: "sum(rate(traces_spanmetrics_calls_total{$__tags}[5m]))" },
            { name: "Error rate", query: 'sum(rate(traces_spanmetrics_calls_total{$__tags, status_code="STATUS_CODE_ERROR"}[5m]))' },
          ],
        },
        tracesToProfiles: {
          datasourceUid: "pyroscope", tags: [{ key: "service.name", value: "service_name" }],
          profileTypeId: "process_cpu:cpu:nanoseconds:cpu:nanoseconds",
        },
      },
      correlations: [{
        targetUID: "loki", label: "Pod logs", description: "logs of the span's pod",
        config: { type: "query", field: "traceId", target: { expr: '{pod="${__span.tags["k8s.pod.name"]}"} |= "${traceId}"' } },
      }],
    },
    { name: "Loki", type: "loki", uid: "loki" },
    { name: "Prometheus", type: "prometheus", uid: "prom" },
    { name: "Pyroscope", type: "grafana-pyroscope-datasource", uid: "pyroscope" },
  ],
};

/** An OTLP JSON trace of n spans: a few services with k8s resource attributes, a tree of spans,
 *  `pyroscope.profile.id` on every 10th span. */
function generateTrace(n) {
  const hex = (i, len) => i.toString(16).padStart(len, "0");
  const traceId = "5b8efff798038103d269b633813fc60c";
  const services = ["frontend", "cart", "checkout", "payment", "shipping"];
  const start = 1_700_000_000_000_000_000n;
  const bySvc = services.map(() => []);
  for (let i = 0; i < n; i++) {
    const s = i % services.length;
    const attributes = [
      { key: "http.method", value: { stringValue: "GET" } },
      { key: "http.route", value: { stringValue: `/api/${services[s]}/${i % 17}` } },
      { key: "http.status_code", value: { intValue: "200" } },
    ];
    if (i % 10 === 0) attributes.push({ key: "pyroscope.profile.id", value: { stringValue: hex(i + 1, 16) } });
    bySvc[s].push({
      traceId, spanId: hex(i + 1, 16), parentSpanId: i === 0 ? "" : hex(Math.floor((i - 1) / 4) + 1, 16),
      name: `${services[s]} op ${i % 23}`, kind: i % 2 ? "SPAN_KIND_SERVER" : "SPAN_KIND_CLIENT",
      startTimeUnixNano: String(start + BigInt(i) * 1000_000n), endTimeUnixNano: String(start + BigInt(i) * 1000_000n + 500_000n),
      attributes, status: {},
    });
  }
  return {
    resourceSpans: services.map((svc, s) => ({
      resource: {
        attributes: [
          { key: "service.name", value: { stringValue: svc } },
          { key: "k8s.namespace.name", value: { stringValue: "shop" } },
          { key: "k8s.pod.name", value: { stringValue: `${svc}-7d9f8c-${s}x` } },
          { key: "k8s.cluster.name", value: { stringValue: "eu-1" } },
        ],
      },
      scopeSpans: [{ scope: { name: "bench" }, spans: bySvc[s] }],
    })),
  };
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
function time(runs, fn) {
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn(i);
    out.push(performance.now() - t0);
  }
  return median(out);
}

const text = JSON.stringify(generateTrace(SPANS));
const mb = text.length / 1e6;

time(20, () => new Correlator(settings).free()); // warm-up
const constructUs = time(500, () => new Correlator(settings).free()) * 1000;

time(2, () => parseTrace(text).free());
const parseMs = time(10, () => parseTrace(text).free());

const correlator = new Correlator(settings);
const trace = parseTrace(text);
const ids = trace.spans().map((s) => s.spanID);
const linkCounts = ids.slice(0, 10).map((id) => correlator.spanLinks(trace, id).length);
time(200, (i) => correlator.spanLinks(trace, ids[i]));
const spanUs = time(5000, (i) => correlator.spanLinks(trace, ids[(i * 7) % ids.length])) * 1000;
const traceMs = time(3, () => correlator.traceLinks(trace));
let total = 0;
for (const l of correlator.traceLinks(trace).values()) total += l.length;

const wasm = readFileSync(new URL("../npm/dist/spanlink_bg.wasm", import.meta.url));
const glue = readFileSync(new URL("../npm/dist/glue-web.js", import.meta.url));
const gz = (b) => gzipSync(b, { level: 9 }).length;

console.log(`spanlink bench (Node ${process.version}, ${SPANS} spans, ${mb.toFixed(2)} MB OTLP JSON; links of first spans: ${linkCounts.join(",")}; ${total} links in the trace)`);
console.log(`Correlator construction      median ${constructUs.toFixed(1)} µs`);
console.log(`parseTrace                   median ${parseMs.toFixed(1)} ms = ${(mb / (parseMs / 1000)).toFixed(1)} MB/s, ${Math.round(SPANS / (parseMs / 1000)).toLocaleString("en")} spans/s`);
console.log(`spanLinks per span           median ${spanUs.toFixed(1)} µs`);
console.log(`traceLinks (${SPANS} spans)     median ${traceMs.toFixed(1)} ms (${(traceMs * 1000 / SPANS).toFixed(1)} µs/span)`);
console.log(`wasm                         ${wasm.length} B raw, ${gz(wasm)} B gzipped; + web glue ${gz(glue)} B gzipped = ${((gz(wasm) + gz(glue)) / 1024).toFixed(1)} KiB`);

// Writes the fuzz seed corpus to fuzz/corpus/seed/<target>/: inputs from our own generator
// (below) and ones derived from the real files in ../shared/data, which are read in place (the
// trace and log files themselves are passed to libFuzzer as extra corpus folders by
// scripts/fuzz.sh, not copied). Usage: node fuzz/seed.mjs
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { PAYLOADS } from "../tests/js/xss-payloads.mjs";

const here = new URL("./", import.meta.url);
const YAML = createRequire(new URL("../npm/package.json", here))("yaml");
const data = new URL("../../shared/data/", here);
const out = new URL("corpus/seed/", here);
rmSync(out, { recursive: true, force: true });

const SEP = Buffer.from([0xff]);
const seeds = {};
function add(target, ...parts) {
  const list = (seeds[target] ??= []);
  list.push(
    Buffer.concat(
      parts.flatMap((p, i) => (i ? [SEP, Buffer.from(String(p))] : [Buffer.from(String(p))])),
    ),
  );
}

// --- from ../shared/data, read in place ---------------------------------------------------------
const docs = [];
const strings = [];
const regexes = [];
function walk(v, key) {
  if (typeof v === "string") {
    strings.push(v);
    if (["matcherRegex", "expression"].includes(key)) regexes.push(v);
  } else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, k);
}
const provisioning = new URL("provisioning/", data);
if (existsSync(provisioning)) {
  const files = readdirSync(provisioning, { recursive: true }).filter((f) =>
    /\.ya?ml(\.tpl)?$/.test(f),
  );
  for (const f of files) {
    try {
      const doc = YAML.parse(readFileSync(new URL(f, provisioning), "utf8"));
      if (doc && typeof doc === "object") {
        docs.push(doc);
        walk(doc);
      }
    } catch {
      // a template file that is not YAML until rendered: skip
    }
  }
  const logs = new URL("logs/loki_ingester-logfmt.txt", data);
  if (existsSync(logs)) {
    for (const line of readFileSync(logs, "utf8").split("\n").filter(Boolean).slice(0, 200))
      add("log_links", line, "cart", "job");
  }
} else {
  console.log("seed: ../shared/data is absent; only generated seeds");
}

// --- our own generator --------------------------------------------------------------------------
const kv = (key, v) => ({ key, value: { stringValue: v } });
const tags = [
  { key: "service.name", value: "service" },
  { key: "k8s.pod.name", value: "pod" },
];
docs.push(
  {
    datasources: [
      {
        name: "Tempo",
        type: "tempo",
        uid: "tempo",
        jsonData: {
          tracesToLogsV2: {
            datasourceUid: "loki",
            tags,
            filterByTraceID: true,
            spanStartTimeShift: "-5m",
            customQuery: true,
            query: '{svc="${__span.tags["service.name"]}"} |= "${__trace.traceId}"',
          },
          tracesToMetrics: {
            datasourceUid: "prom",
            tags,
            queries: [{ name: "Rate", query: "rate(x{$__tags}[5m])" }, { query: "" }],
          },
          tracesToProfiles: {
            datasourceUid: "pyro",
            tags,
            profileTypeId: "cpu",
            customQuery: true,
            query: "{${__tags}}",
          },
        },
      },
      {
        name: "Loki",
        type: "loki",
        uid: "loki",
        jsonData: {
          derivedFields: [
            {
              name: "TraceID",
              matcherRegex: "traceID=(\\w+)",
              url: "${__value.raw}",
              datasourceUid: "tempo",
            },
            { name: "u", matcherRegex: "u=(.*)", url: "https://x.example/${__value.raw}" },
          ],
        },
      },
      {
        name: "Prometheus",
        type: "prometheus",
        uid: "prom",
        jsonData: { exemplarTraceIdDestinations: [{ name: "trace_id", datasourceUid: "tempo" }] },
      },
      { name: "Pyroscope", type: "grafana-pyroscope-datasource", uid: "pyro" },
    ],
    correlations: [
      {
        sourceUID: "tempo",
        targetUID: "loki",
        label: "L ${x}",
        type: "query",
        config: {
          field: "traceID",
          target: { expr: "${x}" },
          transformations: [
            { type: "regex", expression: "(\\w+)", mapValue: "x" },
            { type: "logfmt" },
            { type: "json", expression: "$.a" },
          ],
        },
      },
      {
        sourceUID: "tempo",
        type: "external",
        config: { field: "spanID", target: { url: "https://e.example/${__value.raw}" } },
      },
    ],
  },
  {
    datasources: [
      {
        name: "Jaeger",
        type: "jaeger",
        jsonData: {
          tracesToLogs: {
            datasourceUid: "Loki",
            tags: ["job"],
            mapTagNamesEnabled: true,
            mappedTags: [{ key: "a", value: "b" }],
          },
        },
      },
      { name: "Loki", type: "loki" },
    ],
  },
  {
    datasources: [
      {
        name: "Z",
        type: "zipkin",
        uid: "z",
        jsonData: { tracesToLogsV3: [{ name: "a", datasourceUid: "es", tags }] },
      },
      { name: "ES", type: "elasticsearch", uid: "es" },
    ],
  },
  { datasources: "nope" },
  {},
  [],
  { datasources: [null, 1, { type: "tempo" }] },
);
for (const d of docs) add("provisioning", JSON.stringify(d));

const templates = [
  "${__span.tags.v}",
  "$v",
  "${v}",
  "${v:raw}",
  "${v:csv}",
  "${v:percentencode}",
  "${v:regex}",
  "${v:date:YYYY-MM-DD}",
  "[[v]]",
  "[[v:json]]",
  '${__span.tags["v"]}',
  "${__value.raw}",
  "${env:pipe}",
  "$__from $__to ${__from:date:iso}",
  "${",
  "[[",
  "${v",
  "$$v",
  "${__span.tags['a b']}",
  '{a="${v}"} |= `${v}`',
  "${v:join: }",
  "${v:foo}",
];
for (const t of [...templates, ...strings.slice(0, 400)]) {
  add("template", t, "cart");
  add("template", t, PAYLOADS[strings.length % PAYLOADS.length]);
}

for (const p of PAYLOADS) {
  add("span_links", "cart", "cart-0", "shop", "GET env=dev", "/cart", p, "abc", "s1", "k", p);
  add("log_links", `level=info url=${p} traceID=abc123 user=${p} path=${p}`, p, "trace_id");
  add("template", "https://ok.example/${v}", p);
}
add("span_links", ...Array(10).fill(""));
add("span_links", ...'"\\{}[]|`$\n\u0000\u{1F600}'.split(""));

const jsRegexes = [
  "traceID=(\\w+)",
  "(?<id>[a-f0-9]{16})",
  "(?=a)b",
  "(?!a)b",
  "(?<=a)b",
  "(\\w)\\1",
  "\\k<n>",
  "[^]",
  "[\\s\\S]*",
  "\\u{1F600}",
  "\\u0041",
  "\\x41",
  "\\cA",
  "[\\d-z]",
  "a{2,}?",
  "(?:a|b)+$",
  "^\\/api\\/v\\d+",
  "\\p{L}",
  "[[:alpha:]]",
  "(?i)x",
  "a{99999}",
  "(((((((((a)))))))))",
  "\\",
  "(",
  "[",
  "*",
  "x{2,1}",
  "\\b\\B",
  ".",
  "$^",
];
for (const r of [...jsRegexes, ...regexes])
  add("js_regex", r, "level=info traceID=7946b05c2e2e4e5a user=Ann a/api/v2");

// Traces of every format, small, with ids in hex and base64.
const span = {
  traceId: "7946b05c2e2e4e5a7946b05c2e2e4e5a",
  spanId: "6605c7b08e715d6c",
  parentSpanId: "",
  name: "GET /cart",
  kind: "SPAN_KIND_SERVER",
  startTimeUnixNano: "1602637200000000000",
  endTimeUnixNano: "1602637201000000000",
  attributes: [
    kv("http.route", "/cart"),
    { key: "n", value: { intValue: "3" } },
    { key: "arr", value: { arrayValue: { values: [{ boolValue: true }] } } },
  ],
  events: [{ timeUnixNano: "1602637200500000000", name: "e", attributes: [kv("a", "b")] }],
  links: [{ traceId: "7946b05c2e2e4e5a7946b05c2e2e4e5b", spanId: "6605c7b08e715d6d" }],
  status: { code: 2, message: "boom" },
};
const resource = { attributes: [kv("service.name", "cart")] };
add(
  "trace",
  JSON.stringify({
    resourceSpans: [
      { resource, scopeSpans: [{ scope: { name: "s", version: "1" }, spans: [span] }] },
    ],
  }),
);
add(
  "trace",
  JSON.stringify({
    batches: [
      {
        resource,
        instrumentationLibrarySpans: [
          { spans: [{ ...span, traceId: "eUawXC4uTlp5RrBcLi5OWg==", spanId: "ZgXHsI5xXWw=" }] },
        ],
      },
    ],
  }),
);
add(
  "trace",
  JSON.stringify({
    data: [
      {
        traceID: "7946b05c2e2e4e5a",
        spans: [
          {
            traceID: "7946b05c2e2e4e5a",
            spanID: "6605c7b08e715d6c",
            operationName: "op",
            references: [{ refType: "CHILD_OF", traceID: "7946b05c2e2e4e5a", spanID: "1" }],
            startTime: 1602637200000000,
            duration: 1000,
            processID: "p1",
            tags: [{ key: "a", type: "string", value: "b" }],
            logs: [{ timestamp: 1602637200000001, fields: [{ key: "event", value: "x" }] }],
          },
        ],
        processes: { p1: { serviceName: "cart", tags: [{ key: "host", value: "h" }] } },
      },
    ],
  }),
);
add(
  "trace",
  JSON.stringify([
    {
      traceId: "7946b05c2e2e4e5a",
      id: "6605c7b08e715d6c",
      parentId: "1",
      name: "get",
      timestamp: 1602637200000000,
      duration: 1000,
      kind: "SERVER",
      localEndpoint: { serviceName: "cart", ipv4: "10.0.0.1" },
      tags: { "http.path": "/cart" },
      annotations: [{ timestamp: 1602637200000001, value: "x" }],
    },
  ]),
);
add("trace", "{}");
add("trace", "[]");
add("trace", '{"resourceSpans": [{}]}');

let n = 0;
for (const [target, list] of Object.entries(seeds)) {
  const dir = new URL(`${target}/`, out);
  mkdirSync(dir, { recursive: true });
  list.forEach((b, i) => writeFileSync(new URL(`seed-${i}`, dir), b));
  n += list.length;
  console.log(`seed: ${target}: ${list.length} inputs`);
}
console.log(`seed: ${n} inputs in fuzz/corpus/seed`);

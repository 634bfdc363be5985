// The benchmark of issue #11's targets (not a test): spanlink's npm package against Grafana's own
// interpolator computing the same links for the same trace in the same process.
//
//   bash scripts/build.sh && npm --prefix bench/peers install --legacy-peer-deps
//   node bench/bench.mjs [--reps 20] [--warmup 5] [--reps-100k 3] [--no-100k] [--format jaeger|otlp] [--json out.json]
//
// Every figure is measured in interleaved repetitions (each repetition runs every contender of a
// figure, in rotating order) after warm-ups, and printed as median [min–max] over the repetitions.
// Before timing, the hrefs of a sample of spans are compared with the contender's; a difference
// is printed and makes the exit code 1.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import { performance } from "node:perf_hooks";
import { gzipSync } from "node:zlib";
import * as spanlink from "../npm/dist/index.mjs";
import { generateTrace } from "./generate.mjs";
import { buildModel, grafanaLinks } from "./grafana-links.mjs";

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const REPS = Number(opt("reps", 20));
const WARMUP = Number(opt("warmup", 5));
const REPS_100K = Number(opt("reps-100k", 3));
const FORMAT = opt("format", "jaeger");
const WITH_100K = !argv.includes("--no-100k");
const now = performance.now.bind(performance);
const here = (p) => new URL(p, import.meta.url);
const settingsOf = (name) => JSON.parse(readFileSync(here(`settings/${name}.json`), "utf8"));

// ---- statistics -------------------------------------------------------------------------------
const sorted = (xs) => [...xs].sort((a, b) => a - b);
const quantile = (xs, q) => {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => {
  const s = sorted(xs),
    m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const stats = (xs) =>
  xs.length
    ? { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length }
    : null;

/**
 * Runs `warmup + reps` rounds; in each, every contender of `contenders` (name → fn returning a
 * number or an object of numbers) runs once, in an order that rotates from round to round.
 * Returns name → { metric → stats } (a plain number is metric "value").
 */
function interleave(contenders, { reps = REPS, warmup = WARMUP } = {}) {
  const names = Object.keys(contenders).filter((n) => contenders[n]);
  const samples = Object.fromEntries(names.map((n) => [n, {}]));
  for (let round = 0; round < warmup + reps; round++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(round + k) % names.length];
      const result = contenders[name]();
      if (round < warmup) continue;
      const metrics = typeof result === "number" ? { value: result } : result;
      for (const [m, v] of Object.entries(metrics)) (samples[name][m] ||= []).push(v);
    }
  }
  return Object.fromEntries(
    names.map((n) => [
      n,
      Object.fromEntries(Object.entries(samples[n]).map(([m, xs]) => [m, stats(xs)])),
    ]),
  );
}
const timed = (fn) => {
  const t = now();
  fn();
  return now() - t;
};

// ---- inputs -----------------------------------------------------------------------------------
const base = settingsOf("base");
const heavy = settingsOf("heavy");
const rules20 = settingsOf("rules20");
const docs = { 10_000: generateTrace({ spans: 10_000, format: FORMAT }) };
const texts = { 10_000: JSON.stringify(docs[10_000]) };
const mb = (n) => Buffer.byteLength(texts[n]) / 1e6;

// spanlink
const correlators = { base: new spanlink.Correlator(base), heavy: new spanlink.Correlator(heavy) };
const traces = { 10_000: spanlink.parseTrace(texts[10_000]) };
const ids = { 10_000: traces[10_000].spans().map((s) => s.spanID) };

// The contender: Grafana's packages (after spanlink, whose import must not see happy-dom's globals).
let grafana, peerError;
try {
  grafana = createRequire(import.meta.url)("./peers/grafana.cjs").loadGrafana();
} catch (e) {
  peerError = e.message;
}
const models = { 10_000: buildModel(docs[10_000]) };
const peers = (settings) =>
  grafana && {
    interpolate: grafanaLinks(grafana, settings, "interpolate"),
    explore: grafanaLinks(grafana, settings, "explore"),
  };
const peerSets = { base: peers(base), heavy: peers(heavy) };
const PEER_NAMES = { interpolate: "Grafana interpolate", explore: "Grafana explore" };

// ---- the hrefs must be Grafana's ---------------------------------------------------------------
// Every 20th span plus every span with references, for both rule sets and both ways of building.
const check = { spans: 0, links: 0, mismatches: 0, first: null };
if (grafana) {
  const model = models[10_000];
  const sample = model.spans.filter(
    (s, i) => i % 20 === 0 || s.references.length > 1 || s.subsidiarilyReferencedBy.length,
  );
  const show = (l) => `${l.type === "unknown" ? "correlation" : l.type} | ${l.title} | ${l.href}`;
  for (const rules of ["base", "heavy"]) {
    for (const mode of ["interpolate", "explore"]) {
      for (const span of sample) {
        const ours = correlators[rules].spanLinks(traces[10_000], span.spanID).map(show);
        const theirs = peerSets[rules][mode](model, span).map(show);
        check.spans++;
        check.links += theirs.length;
        if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
          check.mismatches++;
          check.first ||= { rules, mode, span: span.spanID, spanlink: ours, grafana: theirs };
        }
      }
    }
  }
}

// ---- the figures ------------------------------------------------------------------------------
const rows = [];
const row = (figure, target, results, { unit, better = "lower", note = "", targetCheck } = {}) =>
  rows.push({ figure, target, results, unit, better, note, targetCheck });

// One call per span, each timed: per-call median and p95 within a round, and the round's total.
function perSpan(correlator, trace, spanIds) {
  const each = new Float64Array(spanIds.length);
  const t0 = now();
  for (let i = 0; i < spanIds.length; i++) {
    const t = now();
    const links = correlator.spanLinks(trace, spanIds[i]);
    for (const l of links) l.href.length;
    each[i] = now() - t;
  }
  const total = now() - t0;
  return { median: median(each) * 1000, p95: quantile(each, 0.95) * 1000, total };
}
function perSpanPeer(peer, model, spans) {
  const each = new Float64Array(spans.length);
  const t0 = now();
  for (let i = 0; i < spans.length; i++) {
    const t = now();
    const links = peer(model, spans[i]);
    for (const l of links) l.href.length;
    each[i] = now() - t;
  }
  const total = now() - t0;
  return { median: median(each) * 1000, p95: quantile(each, 0.95) * 1000, total };
}
// All spans at once, every href read as a JS string.
function allSpans(correlator, trace) {
  return timed(() => {
    let bytes = 0;
    for (const links of correlator.traceLinks(trace).values())
      for (const l of links) bytes += l.href.length;
    return bytes;
  });
}
function allSpansPeer(peer, model) {
  return timed(() => {
    let bytes = 0;
    for (const span of model.spans) for (const l of peer(model, span)) bytes += l.href.length;
    return bytes;
  });
}
const peerCases = (rules, fn) =>
  Object.fromEntries(Object.entries(peerSets[rules] || {}).map(([m, p]) => [m, () => fn(p)]));

const linkCount = { base: 0, heavy: 0 };
for (const rules of ["base", "heavy"])
  for (const l of correlators[rules].traceLinks(traces[10_000]).values())
    linkCount[rules] += l.length;

console.error(`measuring (${REPS} reps after ${WARMUP} warm-ups)…`);
const per = interleave({
  spanlink: () => perSpan(correlators.base, traces[10_000], ids[10_000]),
  ...peerCases("base", (p) => perSpanPeer(p, models[10_000], models[10_000].spans)),
});
row("spanLinks, one span: median", "≤ 3 µs", pick(per, "median"), {
  unit: "µs",
  targetCheck: (v) => v <= 3,
});
row("spanLinks, one span: p95", "", pick(per, "p95"), { unit: "µs" });
row("spanLinks, every span one by one", "", pick(per, "total"), { unit: "ms" });

const all = interleave({
  spanlink: () => allSpans(correlators.base, traces[10_000]),
  ...peerCases("base", (p) => allSpansPeer(p, models[10_000])),
});
row("traceLinks, all spans (hrefs read)", "≤ 40 ms", pick(all, "value"), {
  unit: "ms",
  targetCheck: (v) => v <= 40,
});

// The lazy path: a LinkSet keeps every span's links in wasm memory; a waterfall reads the kind
// masks in one call, and hrefs are read one by one (here: every one of them).
const kinds = interleave({
  spanlink: () =>
    timed(() => {
      const set = correlators.base.linkSet(traces[10_000]);
      set.kindMasks();
      set.free();
    }),
});
row(
  "link kinds only, all spans (LinkSet)",
  "≤ 5 ms",
  { ...pick(kinds, "value"), ...peerRef(all) },
  { unit: "ms", targetCheck: (v) => v <= 5, note: "linkSet + kindMasks; peer: all links" },
);
const lazy = interleave({
  spanlink: () =>
    timed(() => {
      const set = correlators.base.linkSet(traces[10_000]);
      let bytes = 0;
      for (let i = 0; i < set.spanCount; i++)
        for (let k = set.count(i) - 1; k >= 0; k--) bytes += set.href(i, k).length;
      set.free();
      return bytes;
    }),
});
row(
  "LinkSet, all spans (hrefs read)",
  "≤ 40 ms",
  { ...pick(lazy, "value"), ...peerRef(all) },
  { unit: "ms", targetCheck: (v) => v <= 40, note: "linkSet + every href" },
);

// parseTrace: text, and an already-parsed object; the peer is JSON.parse + a JS model build.
const parse = interleave({
  spanlink: () => timed(() => spanlink.parseTrace(texts[10_000]).free()),
  ...(grafana ? { js: () => timed(() => buildModel(JSON.parse(texts[10_000]))) } : {}),
});
row(
  `parseTrace, ${FORMAT} text (${mb(10_000).toFixed(1)} MB)`,
  "≥ 150 MB/s",
  throughput(parse, mb(10_000)),
  {
    unit: "MB/s",
    better: "higher",
    targetCheck: (v) => v >= 150,
    note: "peer: JSON.parse + JS model",
  },
);
const parseObj = interleave({
  spanlink: () => timed(() => spanlink.parseTrace(docs[10_000]).free()),
  ...(grafana ? { js: () => timed(() => buildModel(docs[10_000])) } : {}),
});
row(`parseTrace, ${FORMAT} object`, "≥ 150 MB/s", throughput(parseObj, mb(10_000)), {
  unit: "MB/s",
  better: "higher",
  targetCheck: (v) => v >= 150,
  note: "peer: JS model",
});
const other = FORMAT === "jaeger" ? "otlp" : "jaeger";
const otherText = JSON.stringify(generateTrace({ spans: 10_000, format: other }));
const parseOther = interleave({
  spanlink: () => timed(() => spanlink.parseTrace(otherText).free()),
  ...(grafana ? { js: () => timed(() => buildModel(JSON.parse(otherText))) } : {}),
});
row(
  `parseTrace, ${other} text (${(otherText.length / 1e6).toFixed(1)} MB)`,
  "≥ 150 MB/s",
  throughput(parseOther, otherText.length / 1e6),
  {
    unit: "MB/s",
    better: "higher",
    targetCheck: (v) => v >= 150,
    note: "peer: JSON.parse + JS model",
  },
);

// The heavier rule set: + 2 correlations, one with a regex transformation over `tags`.
const heavyPer = interleave({
  spanlink: () => perSpan(correlators.heavy, traces[10_000], ids[10_000]),
  ...peerCases("heavy", (p) => perSpanPeer(p, models[10_000], models[10_000].spans)),
});
const heavyAll = interleave({
  spanlink: () => allSpans(correlators.heavy, traces[10_000]),
  ...peerCases("heavy", (p) => allSpansPeer(p, models[10_000])),
});
const ratioTo = (h, b) => (h && b ? `${(h.median / b.median).toFixed(2)}× base` : "");
row("heavier rules: spanLinks median", "≤ 1.5× base", pick(heavyPer, "median"), {
  unit: "µs",
  note: ratioTo(heavyPer.spanlink.median, per.spanlink.median),
  targetCheck: () => heavyPer.spanlink.median.median <= 1.5 * per.spanlink.median.median,
});
row("heavier rules: traceLinks", "≤ 1.5× base", pick(heavyAll, "value"), {
  unit: "ms",
  note: ratioTo(heavyAll.spanlink.value, all.spanlink.value),
  targetCheck: () => heavyAll.spanlink.value.median <= 1.5 * all.spanlink.value.median,
});

// 100k spans: the same trace shape, ten times longer.
if (WITH_100K) {
  console.error(`100k spans (${REPS_100K} reps after 1 warm-up)…`);
  docs[100_000] = generateTrace({ spans: 100_000, format: FORMAT });
  texts[100_000] = JSON.stringify(docs[100_000]);
  delete docs[100_000];
  traces[100_000] = spanlink.parseTrace(texts[100_000]);
  ids[100_000] = traces[100_000].spans().map((s) => s.spanID);
  models[100_000] = buildModel(JSON.parse(texts[100_000]));
  const big = interleave(
    {
      spanlink: () => allSpans(correlators.base, traces[100_000]),
      ...peerCases("base", (p) => allSpansPeer(p, models[100_000])),
    },
    { reps: REPS_100K, warmup: 1 },
  );
  row("100k spans: traceLinks", "≤ 10.5× 10k", pick(big, "value"), {
    unit: "ms",
    note: ratioTo(big.spanlink.value, all.spanlink.value),
    targetCheck: () => big.spanlink.value.median <= 10.5 * all.spanlink.value.median,
  });
  // Per-span cost at 100k, on every 10th span (10k calls, as many as at 10k).
  const sampleIds = ids[100_000].filter((_, i) => i % 10 === 0);
  const sampleSpans = models[100_000].spans.filter((_, i) => i % 10 === 0);
  const bigPer = interleave(
    {
      spanlink: () => perSpan(correlators.base, traces[100_000], sampleIds),
      ...peerCases("base", (p) => perSpanPeer(p, models[100_000], sampleSpans)),
    },
    { reps: REPS_100K, warmup: 1 },
  );
  row("100k spans: spanLinks median", "= 10k", pick(bigPer, "median"), {
    unit: "µs",
    note: ratioTo(bigPer.spanlink.median, per.spanlink.median),
    targetCheck: () => bigPer.spanlink.median.median <= 1.1 * per.spanlink.median.median,
  });
  const bigParse = interleave(
    {
      spanlink: () => timed(() => spanlink.parseTrace(texts[100_000]).free()),
      ...(grafana ? { js: () => timed(() => buildModel(JSON.parse(texts[100_000]))) } : {}),
    },
    { reps: REPS_100K, warmup: 1 },
  );
  row(
    `100k spans: parseTrace text (${mb(100_000).toFixed(0)} MB)`,
    "≤ 10.5× 10k",
    throughput(bigParse, mb(100_000)),
    {
      unit: "MB/s",
      better: "higher",
      note: ratioTo(bigParse.spanlink.value, parse.spanlink.value),
      targetCheck: () => bigParse.spanlink.value.median <= 10.5 * parse.spanlink.value.median,
    },
  );
  traces[100_000].free();
}

// Correlator construction (20 rules: logs, 12 metrics queries, profiles, 6 correlations), per call.
const CONSTRUCT_CALLS = 50;
const construct = interleave({
  spanlink: () =>
    timed(() => {
      for (let i = 0; i < CONSTRUCT_CALLS; i++) new spanlink.Correlator(rules20).free();
    }) / CONSTRUCT_CALLS,
});
row("Correlator construction, 20 rules", "≤ 1 ms", pick(construct, "value"), {
  unit: "ms",
  targetCheck: (v) => v <= 1,
  note: "peer: nothing to build",
});

// Import of the package in a fresh Node process (module loading, reading, compiling and
// instantiating the wasm); the peer: a fresh process loading Grafana's packages.
const childMs = (code) =>
  Number(
    execFileSync(process.execPath, ["--input-type=module", "-e", code], { encoding: "utf8" })
      .trim()
      .split("\n")
      .pop(),
  );
const pkg = here("../npm/dist/index.mjs").href;
const loader = here("peers/grafana.cjs").pathname;
const INST_REPS = Math.min(REPS, 10);
// Compile + instantiate alone, in a fresh process each time (V8 caches compiled wasm within a
// process, so a second instantiation there measures the cache): the bytes are read and the glue
// imported first, then initSync is timed — what a page or plugin pays once on load.
const glue = here("../npm/dist/glue-web.js").href;
const wasmPath = here("../npm/dist/spanlink_bg.wasm").pathname;
const init = interleave(
  {
    spanlink: () =>
      childMs(
        `import { readFileSync } from "node:fs"; const g = await import(${JSON.stringify(glue)}); const b = readFileSync(${JSON.stringify(wasmPath)}); const t = performance.now(); g.initSync({ module: b }); console.log(performance.now() - t);`,
      ),
  },
  { reps: INST_REPS, warmup: 1 },
);
row("module instantiation (compile + instantiate)", "≤ 5 ms", pick(init, "value"), {
  unit: "ms",
  targetCheck: (v) => v <= 5,
  note: "initSync, fresh process",
});
const inst = interleave(
  {
    spanlink: () =>
      childMs(
        `const t = performance.now(); await import(${JSON.stringify(pkg)}); console.log(performance.now() - t);`,
      ),
    ...(grafana
      ? {
          loader: () =>
            childMs(
              `import { createRequire } from "node:module"; const t = performance.now(); createRequire(import.meta.url)(${JSON.stringify(loader)}).loadGrafana(); console.log(performance.now() - t);`,
            ),
        }
      : {}),
  },
  { reps: INST_REPS, warmup: 1 },
);
row("import in a fresh Node process", "", renameTo(inst, "loader", "explore"), {
  unit: "ms",
  note: "peer: require of @grafana/data + scenes",
});

const gz = (f) => gzipSync(readFileSync(here(`../npm/dist/${f}`)), { level: 9 }).length;
const sizeKiB = (gz("spanlink_bg.wasm") + gz("glue-web.js")) / 1024;
row(
  "size: wasm + glue, gzipped",
  "≤ 300 KiB",
  { spanlink: { median: sizeKiB, min: sizeKiB, max: sizeKiB } },
  { unit: "KiB", targetCheck: (v) => v <= 300 },
);

// ---- the table --------------------------------------------------------------------------------
function pick(results, metric) {
  return Object.fromEntries(Object.entries(results).map(([n, r]) => [n, r[metric]]));
}
function peerRef(results) {
  return Object.fromEntries(
    Object.entries(pick(results, "value")).filter(([n]) => n !== "spanlink"),
  );
}
function renameTo(results, from, to) {
  const out = pick(results, "value");
  if (out[from]) {
    out[to] = out[from];
    delete out[from];
  }
  return out;
}
// Time in ms → MB/s (a faster run is a higher figure: min and max swap).
function throughput(results, megabytes) {
  const out = {};
  for (const [n, r] of Object.entries(results)) {
    const s = r.value;
    out[n === "js" ? "interpolate" : n] = {
      median: megabytes / (s.median / 1000),
      min: megabytes / (s.max / 1000),
      max: megabytes / (s.min / 1000),
    };
  }
  return out;
}
const fmt = (v) =>
  v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
const cell = (s, unit) => (s ? `${fmt(s.median)} ${unit} [${fmt(s.min)}–${fmt(s.max)}]` : "n/a");
const header = [
  "figure",
  "target",
  "spanlink median [min–max]",
  "Grafana interpolate",
  "Grafana explore",
  "spanlink vs best peer",
  "target met",
  "note",
];
const lines = rows.map((r) => {
  const s = r.results.spanlink;
  const peersHere = ["interpolate", "explore"].map((m) => r.results[m]).filter(Boolean);
  let ratio = "n/a";
  if (s && peersHere.length) {
    const best =
      r.better === "lower"
        ? Math.min(...peersHere.map((p) => p.median))
        : Math.max(...peersHere.map((p) => p.median));
    const speed = r.better === "lower" ? best / s.median : s.median / best;
    ratio = speed >= 1 ? `${speed.toFixed(2)}× faster` : `${(1 / speed).toFixed(2)}× slower`;
  }
  const met = !s || !r.targetCheck ? "" : r.targetCheck(s.median) ? "yes" : "no";
  return [
    r.figure,
    r.target,
    cell(s, r.unit),
    cell(r.results.interpolate, r.unit),
    cell(r.results.explore, r.unit),
    ratio,
    met,
    r.note,
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;

const cpu = os.cpus()[0]?.model?.trim() || "unknown CPU";
console.log(
  `spanlink bench: Node ${process.version}, ${cpu} × ${os.cpus().length}, load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
console.log(
  `trace: generated online shop (seed 1), ${FORMAT}, 10,000 spans, ${mb(10_000).toFixed(1)} MB; links: ${linkCount.base} (base rules), ${linkCount.heavy} (heavier)`,
);
console.log(
  `${REPS} interleaved reps after ${WARMUP} warm-ups (100k: ${REPS_100K} after 1; instantiation: ${INST_REPS} after 1)`,
);
if (grafana) {
  console.log(
    `contender: @grafana/scenes ${grafana.versions["@grafana/scenes"]} sceneGraph.interpolate + encodeURIComponent(JSON.stringify(state)) ("interpolate"), and @grafana/data ${grafana.versions["@grafana/data"]} mapInternalLinkToExplore with moment ranges ("explore")`,
  );
  console.log(
    `hrefs: ${check.spans - check.mismatches} of ${check.spans} sampled span link sets equal Grafana's (${check.links} links; base and heavier rules, both peers)`,
  );
} else {
  console.log(`contender: n/a (${peerError})`);
}
console.log("");
console.log(line(header));
console.log(line(widths.map((w) => "-".repeat(w))));
for (const l of lines) console.log(line(l));
if (check.mismatches) {
  console.log(
    `\nFAIL: ${check.mismatches} span link sets differ from Grafana's; first:`,
    JSON.stringify(check.first, null, 1),
  );
  process.exitCode = 1;
}
const jsonOut = opt("json");
if (jsonOut)
  writeFileSync(
    jsonOut,
    JSON.stringify(
      { rows, check, node: process.version, cpu, reps: REPS, warmup: WARMUP },
      null,
      1,
    ),
  );
for (const c of Object.values(correlators)) c.free();
traces[10_000].free();

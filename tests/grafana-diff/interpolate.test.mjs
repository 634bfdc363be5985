// Differential test: spanlink's `interpolate` against Grafana's own interpolator, on random
// templates and hostile values (a seeded fast-check property run).
//
// Grafana has two interpolators. spanlink follows core `TemplateSrv.replace` (the Explore trace
// view's); the published package runnable here is @grafana/scenes' `sceneGraph.interpolate`
// (bench/peers). Both share @grafana/scenes' format registry; they differ only in the points the
// README lists under "Grafana compatibility". So each case is checked two ways:
//
//  1. against scenes itself, wherever scenes and core agree (the property: equal output);
//  2. against core: core's variable regex and lookup (variables/utils.ts, template_srv.ts,
//     formatVariableValue.ts, restated below in a few lines) driving the *real* scenes format
//     registry and the real lodash `property`. Where scenes and core differ, the difference must
//     be one of the documented ones, and spanlink must equal core.
//
// Run: npm --prefix bench/peers ci --legacy-peer-deps && bash scripts/build.sh && node --test tests/grafana-diff/
// Env: GRAFANA_DIFF_RUNS (default 20000), GRAFANA_DIFF_SEED (default 12).
import test from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const peers = createRequire(new URL("../../bench/peers/package.json", import.meta.url));
const jsTests = createRequire(new URL("../js/package.json", import.meta.url));
const fc = jsTests("fast-check");
const spanlink = await import(new URL("../../npm/dist/index.mjs", import.meta.url));

const RUNS = Number(process.env.GRAFANA_DIFF_RUNS ?? 20000);
const SEED = Number(process.env.GRAFANA_DIFF_SEED ?? 12);

// --- generators -----------------------------------------------------------------------------

// BMP characters only: a string index can split an astral character in JavaScript, which a
// UTF-8 string cannot hold (listed in the README).
const chars = fc.constantFrom(..."abz09 -_.,:;'\"\\/|()[]{}$*+?^&=<>!~#%é€\n\t\u00a0");
const text = fc.string({ unit: chars, maxLength: 8 });
const str = fc.oneof(
  text,
  fc.constantFrom(
    "$__all",
    "12abc",
    " 42",
    "-1",
    "1e3",
    "0x10",
    "",
    "NaN",
    "Infinity",
    "1594671549254",
    "-0",
  ),
);
// Finite numbers without -0: the binding takes values as JSON (NaN, Infinity, -0 do not survive).
const num = fc.oneof(
  fc.integer({ min: -1e6, max: 1e6 }),
  fc.constantFrom(
    0,
    1594671549254,
    1609459200000,
    -1,
    1e20,
    1.5e20,
    1e21,
    123456789012345680000,
    0.1,
    1e-7,
    2 ** 53 + 2,
    8.64e15,
    8.64e15 + 1,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Object.is(x, -0)),
);
const scalar = fc.oneof(str, num, fc.boolean(), fc.constant(null));
const KEYS = ["a", "b", "0", "1", "length", "a.b", "x y", "service.name", "k:v", ""];
const { value } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 4 }),
  ),
}));
// Names: none of Grafana's macros (`__from`, `__value`…) nor Object.prototype members.
const NAMES = ["a", "b", "c", "v1", "_x", "Ab", "__span", "missing"];
const scoped = fc.record(
  Object.fromEntries(
    NAMES.filter((n) => n !== "missing").map((n) => [
      n,
      fc.record({ value, text: fc.option(text, { nil: undefined }) }, { requiredKeys: ["value"] }),
    ]),
  ),
  { requiredKeys: [] },
);
const FORMATS = [
  "glob",
  "raw",
  "regex",
  "pipe",
  "distributed",
  "csv",
  "join",
  "join:-",
  "join:",
  "html",
  "json",
  "lucene",
  "percentencode",
  "uriencode",
  "singlequote",
  "doublequote",
  "sqlstring",
  "date",
  "date:ms",
  "date:seconds",
  "date:iso",
  "date:YYYY-MM-DD HH:mm:ss.SSS",
  "date:Do MMM YYYY, LTS",
  "date:[week] w W gggg GGGG Q E e",
  "date:x X Z ZZ z",
  "date:l ll LLL llll",
  "date:YYYY:MM",
  "date:SSSS N y",
  "text",
  "queryparam",
  "customqueryparam",
  "customqueryparam:n",
  "customqueryparam:n a:p&",
  "Raw",
  "GLOB",
  "nope",
];
const WORD_FORMATS = FORMATS.filter((f) => /^\w+$/.test(f)).concat(["date:iso", "join:-"]);
const SEGMENTS = [
  ".a",
  ".b",
  ".0",
  ".1",
  ".length",
  ".a.b",
  '["a.b"]',
  "['a']",
  "[0]",
  "[1]",
  "[b]",
  ".service.name",
  '["k:v"]',
  "[]",
  ".",
  '["x y"]',
  ".x y",
];
const name = fc.constantFrom(...NAMES);
const path = fc
  .array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 3 })
  .map((s) => s.join(""));
const ref = fc.oneof(
  name.map((n) => `$${n}`),
  fc
    .tuple(name, fc.option(path), fc.option(fc.constantFrom(...FORMATS)))
    .map(([n, p, f]) => `\${${n}${p ?? ""}${f ? ":" + f : ""}}`),
  fc
    .tuple(name, fc.option(fc.constantFrom(...WORD_FORMATS)))
    .map(([n, f]) => `[[${n}${f ? ":" + f : ""}]]`),
  fc.constantFrom(
    "${",
    "${}",
    "[[",
    "${a",
    "[[a",
    "${a:",
    "${a[]}",
    "${a.}",
    "${ a}",
    "$",
    "${a:}",
    "a ${b: c",
    "[[a]",
    "${a.b",
  ),
);
const template = fc
  .array(
    fc.oneof(
      { weight: 3, arbitrary: ref },
      { weight: 1, arbitrary: fc.string({ unit: chars, maxLength: 4 }) },
    ),
    { maxLength: 6 },
  )
  .map((p) => p.join(""));
const defaultFormat = fc.option(
  fc.constantFrom(
    "glob",
    "raw",
    "csv",
    "pipe",
    "json",
    "lucene",
    "percentencode",
    "regex",
    "Raw",
    "text",
  ),
  { nil: undefined },
);
// Through JSON: plain objects (fast-check may build them without a prototype), and exactly the
// values the binding receives.
const testCase = fc.record({
  template,
  scopedVars: scoped.map((v) => JSON.parse(JSON.stringify(v))),
  format: defaultFormat,
});

// --- Grafana ----------------------------------------------------------------------------------

// Grafana logs a console.error for each unknown format; thousands of them would bury the report.
const consoleError = console.error;
console.error = () => {};
const grafana = peers("./grafana.cjs").loadGrafana();
const lodash = peers("lodash");
const { formatRegistry } = grafana.scenes;

// Core's variable regex (public/app/features/variables/utils.ts) and the scenes one.
const CORE_RE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)(?:\.([^:^}]+))?(?::([^}]+))?}/g;
const SCENES_RE =
  /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\${(\w+)((?:\.[^:^{}[\]]+|\["[^"]*"\]|\['[^']*'\]|\[[^\]"']*\])*)(?::([^}]+))?}/g;

/** What core TemplateSrv does with one match (template_srv.ts `_evaluateVariableExpression` for a
 * scoped variable, then formatVariableValue.ts), returning `{ value, missing }`. */
function coreMatch(match, name, path, fmt, scopedVars) {
  const scopedVar = Object.hasOwn(scopedVars, name) ? scopedVars[name] : undefined;
  if (scopedVar) {
    let value = path ? lodash.property(path)(scopedVar.value) : scopedVar.value;
    const text = scopedVar.value === value || typeof value !== "string" ? scopedVar.text : value;
    if (value !== null && value !== undefined) {
      if (!Array.isArray(value) && typeof value === "object") value = `${value}`;
      let [id, ...args] = (fmt || "glob").split(":");
      const item = formatRegistry.getIfExists(id) ?? formatRegistry.get("glob");
      const shown = text ?? value;
      const variable = {
        state: { name, type: undefined },
        getValue: () => value,
        // LegacyVariableWrapper.getValueText
        getValueText: () =>
          typeof shown === "string"
            ? value === "$__all"
              ? "All"
              : shown
            : Array.isArray(shown)
              ? shown.join(" + ")
              : String(shown),
      };
      return { value: item.formatter(value, args, variable), missing: false };
    }
    return { value: match, missing: true };
  }
  return { value: match, missing: false };
}

function matches(re, s) {
  return [...s.matchAll(re)].map((m) => `${m.index}:${m[0]}`).join("\u0000");
}

/** Runs one case through core, scenes and spanlink; classifies where scenes differs from core. */
function run({ template, scopedVars, format }) {
  const pieces = [];
  const core = template.replace(CORE_RE, (match, v1, v2, f2, v3, path, f3) => {
    const fmt = f2 || f3 || format;
    const r = coreMatch(match, v1 || v2 || v3, path, fmt, scopedVars);
    pieces.push({ ...r, fmt });
    return r.value;
  });
  const recorded = [];
  const scenes = grafana.interpolate(template, scopedVars, format, recorded);
  const options = format === undefined ? undefined : { format };
  const ours = spanlink.interpolate(template, scopedVars, options);
  let reason = null;
  if (scenes !== core) {
    if (matches(CORE_RE, template) !== matches(SCENES_RE, template)) reason = "syntax";
    else {
      const i = pieces.findIndex((p, i) => recorded[i] && p.value !== recorded[i].value);
      const p = pieces[i];
      if (p?.missing) reason = "missing value";
      else if (p && (p.fmt || "").split(":")[0] === "text") reason = "text";
      else reason = "unexplained";
    }
  }
  return { core, scenes, ours, reason };
}

// --- the property -----------------------------------------------------------------------------

test(`spanlink interpolates like Grafana (${RUNS} seeded cases, seed ${SEED})`, () => {
  const started = performance.now();
  const cases = fc.sample(testCase, { numRuns: RUNS, seed: SEED });
  const stats = {
    total: 0,
    sameAsScenes: 0,
    sameAsCore: 0,
    grafanaThrows: 0,
    throwMessages: {},
    byReason: {},
  };
  const failures = [];
  for (const c of cases) {
    let r;
    try {
      r = run(c);
    } catch (e) {
      // Grafana's own formatter throws (lucene on a list holding an object or a list): spanlink
      // must still answer.
      stats.grafanaThrows += 1;
      const m = String(e && e.message).slice(0, 60);
      stats.throwMessages[m] = (stats.throwMessages[m] ?? 0) + 1;
      assert.equal(
        typeof spanlink.interpolate(c.template, c.scopedVars, c.format && { format: c.format }),
        "string",
      );
      continue;
    }
    stats.total += 1;
    if (r.ours === r.scenes) stats.sameAsScenes += 1;
    if (r.ours === r.core) stats.sameAsCore += 1;
    if (r.reason) stats.byReason[r.reason] = (stats.byReason[r.reason] ?? 0) + 1;
    if (r.ours !== r.core || r.reason === "unexplained") failures.push({ ...c, ...r });
  }
  const pct = (n) => ((100 * n) / stats.total).toFixed(2) + "%";
  console.log(
    `grafana-diff: ${stats.total} cases (${stats.grafanaThrows} more where Grafana throws) in ${((performance.now() - started) / 1000).toFixed(1)} s; ` +
      `spanlink = core TemplateSrv: ${pct(stats.sameAsCore)}; spanlink = scenes: ${pct(stats.sameAsScenes)}; ` +
      `scenes ≠ core (documented): ${JSON.stringify(stats.byReason)}`,
  );
  console.log("grafana throws:", JSON.stringify(stats.throwMessages));
  failures.sort((a, b) => a.template.length - b.template.length);
  for (const f of failures.slice(0, 8)) consoleError("DIFFERS", JSON.stringify(f));
  assert.equal(
    failures.length,
    0,
    `${failures.length} cases differ from Grafana (first ones above)`,
  );
  assert.ok(stats.total > RUNS * 0.9);
});

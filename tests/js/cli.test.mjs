// The `spanlink` bin of the built package, spawned with node as `npx spanlink` would run it.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

const require = createRequire(import.meta.url);
const pkgDir = join(require.resolve("spanlink/package.json"), "..");
const bin = join(pkgDir, require("spanlink/package.json").bin.spanlink);
const shared = new URL("../../../shared/data/", import.meta.url).pathname;

function run(...args) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

// Small inputs, written once to a temp dir.
const dir = mkdtempSync(join(tmpdir(), "spanlink-cli-"));
const file = (name, text) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};
const settings = file(
  "datasources.yaml",
  `apiVersion: 1
datasources:
  - name: Tempo
    uid: tempo
    type: tempo
    jsonData:
      tracesToLogsV2:
        datasourceUid: loki
        tags: [{ key: service.name, value: service }]
        filterByTraceID: true
  - name: Loki
    uid: loki
    type: loki
    jsonData:
      derivedFields: [{ name: traceID, matcherRegex: "traceID=(\\\\w+)", datasourceUid: tempo, url: "$$\${__value.raw}" }]
`,
);
const unknownSource = file(
  "unknown.yaml",
  `datasources:
  - name: Tempo
    type: tempo
    jsonData:
      tracesToMetrics: { datasourceUid: mimri, queries: [{ name: rate, query: "rate(x{$$__tags}[5m])" }] }
  - name: Mimir
    uid: mimir
    type: prometheus
`,
);
const badYaml = file("bad.yaml", "datasources: [\n");
const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const trace = file(
  "trace.json",
  JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "cart" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE_ID,
                spanId: "b7ad6b7169203331",
                name: "GET /cart",
                startTimeUnixNano: "1700000000000000000",
                endTimeUnixNano: "1700000001000000000",
              },
              {
                traceId: TRACE_ID,
                spanId: "00f067aa0ba902b7",
                parentSpanId: "b7ad6b7169203331",
                name: "SELECT",
                startTimeUnixNano: "1700000000100000000",
                endTimeUnixNano: "1700000000200000000",
              },
            ],
          },
        ],
      },
    ],
  }),
);

const LINE = /^(\S+): (error|warning|hint) [A-Z][A-Z0-9_]* .+$/;
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/**
 * Checks every line of `check` output: each finding (`file:line:col: severity CODE message`),
 * its JSON path (`  at …`) and suggestion, then one summary line. Returns the findings as
 * `{ line, at }` pairs.
 */
function findings(out, file) {
  const lines = out.trimEnd().split("\n");
  const summary = lines.pop();
  assert.match(summary, new RegExp(`^${escape(file)}: \\d+ errors?, \\d+ warnings?, \\d+ hints?$`));
  const found = [];
  for (const l of lines) {
    if (LINE.test(l)) found.push({ line: l, at: "" });
    else if (/^ {2}at ./.test(l) && found.length) found[found.length - 1].at = l.slice(5);
    else assert.ok(/^ {2}suggestion: ./.test(l), `bad line: ${l}`);
  }
  return { lines: found.map((f) => f.line), found, summary };
}

test("--help and -h on the tool and on every command exit 0 with usage", () => {
  for (const args of [
    ["--help"],
    ["-h"],
    ["check", "--help"],
    ["check", "-h"],
    ["links", "--help"],
    ["links", "x", "-h"],
  ]) {
    const r = run(...args);
    assert.equal(r.code, 0, args.join(" "));
    assert.match(r.out, /^Usage: spanlink/);
  }
  assert.match(run("links", "-h").out, /--explain/);
  assert.match(run("check", "-h").out, /--tracing/);
});

test("usage errors exit 2 with the message and usage on stderr", () => {
  const cases = [
    [[], /missing command/],
    [["lint", settings], /unknown command "lint"/],
    [["check", settings, "--nope"], /Unknown option '--nope'/],
    [["check", settings, "--span", "x"], /Unknown option '--span'/],
    [["links", settings, trace, "--explain=yes"], /--explain/],
    [["links", settings, trace, "--span"], /--span/],
    [["check"], /check takes settings files or directories, got 0 argument/],
    [["links", settings], /links takes settings files or directories and a trace\.json/],
    [["check", settings, "--format", "xml"], /--format takes one of text, json, github, sarif/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, message);
    assert.match(r.err, /Usage: spanlink/);
    assert.equal(r.out, "");
  }
});

test("check: findings one per line, a summary, exit 0 without errors", () => {
  const r = run("check", settings);
  assert.equal(r.code, 0, r.out + r.err);
  const { summary } = findings(r.out, settings);
  assert.match(summary, / 0 errors,/);
});

test("check: an unknown data source is an error (exit 1) with its suggestion", () => {
  const r = run("check", unknownSource);
  assert.equal(r.code, 1, r.out + r.err);
  const { lines, found, summary } = findings(r.out, unknownSource);
  const unknown = found.find((f) => / error UNKNOWN_DATASOURCE /.test(f.line));
  // Line 5, column 26: the `datasourceUid` key inside the flow mapping.
  assert.ok(unknown.line.startsWith(`${unknownSource}:5:26: error UNKNOWN_DATASOURCE `), r.out);
  assert.equal(unknown.at, "datasources[0].jsonData.tracesToMetrics.datasourceUid");
  assert.ok(lines.length >= 1);
  assert.match(r.out, /\n {2}suggestion: .*mimir/);
  assert.doesNotMatch(summary, / 0 errors/);
});

test("check: settings that do not load print the SpanlinkError and exit 1", () => {
  let r = run("check", badYaml);
  assert.equal(r.code, 1);
  assert.match(r.err, /error INVALID_YAML: .*bad\.yaml:\d+:\d+: /);
  r = run("check", settings, "--tracing", "nope");
  assert.equal(r.code, 1);
  assert.match(r.err, /error UNKNOWN_DATASOURCE at options\.tracingDatasource: /);
  r = run("check", join(dir, "missing.yaml"));
  assert.equal(r.code, 1);
  assert.match(r.err, /missing\.yaml: cannot read: ENOENT/);
});

test("links: every span's links by span id, or one span's", () => {
  const r = run("links", settings, trace);
  assert.equal(r.code, 0, r.err);
  const all = JSON.parse(r.out);
  assert.deepEqual(Object.keys(all), ["b7ad6b7169203331", "00f067aa0ba902b7"]);
  const [logs] = all.b7ad6b7169203331;
  assert.equal(logs.type, "logs");
  assert.equal(logs.origin, "datasources[0].jsonData.tracesToLogsV2");
  assert.match(logs.internal.query.expr, /^\{service="cart"\} \| label_format /);
  assert.ok(logs.href.startsWith("/explore?"));

  const one = run("links", settings, trace, "--span", "00f067aa0ba902b7");
  assert.equal(one.code, 0, one.err);
  assert.deepEqual(JSON.parse(one.out), all["00f067aa0ba902b7"]);
});

test("links: --explain puts explanations next to the links", () => {
  const r = run("links", unknownSource, trace, "--explain", "--span", "b7ad6b7169203331");
  assert.equal(r.code, 0, r.err);
  const { links, explanations } = JSON.parse(r.out);
  assert.deepEqual(links, []);
  const metrics = explanations.find((e) =>
    e.origin.startsWith("datasources[0].jsonData.tracesToMetrics"),
  );
  assert.equal(metrics.outcome, "suppressed");
  assert.equal(metrics.code, "UNKNOWN_DATASOURCE");

  const all = JSON.parse(run("links", settings, trace, "--explain").out);
  for (const value of Object.values(all)) {
    assert.deepEqual(Object.keys(value), ["links", "explanations"]);
    assert.ok(value.explanations.length > 0);
  }
});

test("links: --app-sub-url, --dynamic-trace-to-logs and --tracing reach the Correlator", () => {
  const sub = JSON.parse(
    run("links", settings, trace, "--app-sub-url", "/grafana", "--span", "b7ad6b7169203331").out,
  );
  assert.ok(sub[0].href.startsWith("/grafana/explore?"), sub[0].href);
  const dyn = JSON.parse(
    run("links", settings, trace, "--dynamic-trace-to-logs", "--span", "b7ad6b7169203331").out,
  );
  assert.ok(Array.isArray(dyn[0].internal.alternatives) && dyn[0].internal.alternatives.length > 0);
  const viaName = run("links", settings, trace, "--tracing", "Tempo");
  assert.equal(viaName.code, 0, viaName.err);
});

test("links: an unknown span, a bad trace or bad settings exit 1 with the error", () => {
  let r = run("links", settings, trace, "--span", "ffffffffffffffff");
  assert.equal(r.code, 1);
  assert.match(r.err, /trace\.json: error SPAN_NOT_FOUND/);
  r = run("links", settings, file("broken.json", "{nope"));
  assert.equal(r.code, 1);
  assert.match(r.err, /broken\.json: error INVALID_JSON/);
  r = run("links", badYaml, trace);
  assert.equal(r.code, 1);
  assert.match(r.err, /error INVALID_YAML/);
});

// The shared real-world files, read in place.
const provisioning = join(shared, "provisioning");
const haveShared = existsSync(provisioning);
const skip = haveShared ? false : `no shared data at ${provisioning}`;

test("shared: game-of-tracing exits 0 and reports its warnings", { skip }, () => {
  const f = join(provisioning, "alloy-scenarios_game-of-tracing_defaults.yml");
  const r = run("check", f);
  assert.equal(r.code, 0, r.out + r.err);
  const { found } = findings(r.out, f);
  const unknown = found.find((x) => x.at === "datasources[1].jsonData.tracesToProfilesV2");
  assert.match(
    unknown.line,
    new RegExp(
      `^${escape(f)}:\\d+:\\d+: warning UNKNOWN_KEY \`tracesToProfilesV2\` is not a Grafana setting; did you mean \`tracesToProfiles\`$`,
    ),
  );
  assert.match(r.out, /\n {2}suggestion: tracesToProfiles\n/);
});

test("shared: a file referencing an unknown data source exits 1", { skip }, () => {
  const f = join(provisioning, "pyroscope_tracing-tempo_datasources.yml");
  const r = run("check", f);
  assert.equal(r.code, 1, r.out + r.err);
  assert.ok(findings(r.out, f).lines.some((l) => / error UNKNOWN_DATASOURCE /.test(l)));
});

test(
  "shared: every provisioning file is checked; exit 1 exactly when an error is listed",
  { skip },
  () => {
    const files = readdirSync(provisioning, { recursive: true }).filter((f) =>
      /\.(ya?ml|tpl)$/.test(f),
    );
    assert.ok(files.length >= 10, files.join());
    for (const f of files.map((f) => join(provisioning, f))) {
      const r = run("check", f);
      assert.ok(r.code === 0 || r.code === 1, `${f}: ${r.err}`);
      const { lines } = findings(r.out, f);
      assert.equal(r.code, lines.some((l) => LINE.exec(l)[2] === "error") ? 1 : 0, f);
    }
  },
);

test("shared: links over intro-to-mltp and its trace", { skip }, () => {
  const r = run(
    "links",
    join(provisioning, "intro-to-mltp_datasources.yaml"),
    join(shared, "traces/tempo-otlp_mythical-queue-database.json"),
  );
  assert.equal(r.code, 0, r.err);
  const all = JSON.parse(r.out);
  assert.equal(Object.keys(all).length, 19);
  assert.ok(
    Object.values(all)
      .flat()
      .some((l) => l.type === "logs" && l.internal.datasourceUid === "loki"),
  );
});

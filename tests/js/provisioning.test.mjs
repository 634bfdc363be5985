// Provisioning sets as Grafana reads them: one file per data source (the four-signal guides'
// layout), a directory, multi-document YAML, Kubernetes ConfigMaps and Secrets, the Helm chart's
// values, environment variables, and findings with file, line and column in every CLI format.
import test from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
// The SARIF schema is draft-04, which ajv reads through ajv-draft-04.
import Ajv from "ajv-draft-04";
import * as spanlink from "spanlink";

const require = createRequire(import.meta.url);
const bin = join(
  require.resolve("spanlink/package.json"),
  "..",
  require("spanlink/package.json").bin.spanlink,
);
const run = (...args) => {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: "utf8",
    env: { PATH: process.env.PATH },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

// The four files of the four-signal guide, `$` written `$$` as provisioning files need.
const FILES = {
  "loki.yaml": `apiVersion: 1
datasources:
  - name: Loki
    type: loki
    uid: loki
    url: http://loki:3100
    jsonData:
      derivedFields:
        - name: TraceID
          datasourceUid: tempo
          matcherRegex: "trace_id=(\\\\w+)"
          url: "$\${__value.raw}"
`,
  "mimir.yaml": `apiVersion: 1
datasources:
  - name: Mimir
    type: prometheus
    uid: mimir
    url: http://mimir:9009/prometheus
    jsonData:
      exemplarTraceIdDestinations:
        - name: trace_id
          datasourceUid: tempo
`,
  "pyroscope.yaml": `apiVersion: 1
datasources:
  - name: Pyroscope
    type: grafana-pyroscope-datasource
    uid: pyroscope
    url: http://pyroscope:4040
`,
  "tempo.yaml": `apiVersion: 1
datasources:
  - name: Tempo
    type: tempo
    uid: tempo
    url: http://tempo:3200
    jsonData:
      tracesToLogsV2:
        datasourceUid: \${LOKI_UID}
        tags: [{ key: service.name, value: service_name }]
        filterByTraceID: true
      tracesToMetrics:
        datasourceUid: mimir
        tags: [{ key: service.name, value: service }]
        queries:
          - name: Request rate
            query: sum(rate(traces_spanmetrics_calls_total{$$__tags}[5m]))
      tracesToProfiles:
        datasourceUid: pyroscope
        profileTypeId: process_cpu:cpu:nanoseconds:cpu:nanoseconds
`,
};
const NAMES = Object.keys(FILES);
const ENV = { LOKI_UID: "loki" };
const asFiles = () => NAMES.map((name) => ({ name, text: FILES[name] }));
/** The four joined into one document each: the merged single file. */
const MERGED = `apiVersion: 1\ndatasources:\n${NAMES.map((n) => FILES[n].split("datasources:\n")[1]).join("")}`;
const indent = (text, by) => text.replace(/^(?=.)/gm, " ".repeat(by));

const TRACE_ID = "5b8efff798038103d269b633813fc60c";
const SPAN_ID = "eee19b7ec3c1b174";
const trace = () =>
  spanlink.parseTrace({
    resourceSpans: [
      {
        resource: { attributes: [{ key: "service.name", value: { stringValue: "cart" } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE_ID,
                spanId: SPAN_ID,
                name: "checkout",
                startTimeUnixNano: "1700000000000000000",
                endTimeUnixNano: "1700000000500000000",
                attributes: [{ key: "pyroscope.profile.id", value: { stringValue: "abc" } }],
              },
            ],
          },
        ],
      },
    ],
  });
const hrefs = (doc) =>
  new spanlink.Correlator(doc).spanLinks(trace(), SPAN_ID).map((l) => `${l.type} ${l.href}`);
const codes = (doc) => new spanlink.Correlator(doc).diagnostics().map((d) => d.code);
const EXPECTED = hrefs(spanlink.parseProvisioning(MERGED, { env: ENV }));

test("the merged file links logs, metrics and profiles", () => {
  assert.deepEqual(
    EXPECTED.map((h) => h.split(" ")[0]),
    ["logs", "metrics", "profiles"],
  );
});

test("each file alone cannot resolve the others; the four together resolve across files", () => {
  const alone = spanlink.parseProvisioning(FILES["tempo.yaml"], { name: "tempo.yaml", env: ENV });
  const unknown = new spanlink.Correlator(alone)
    .diagnostics()
    .filter((d) => d.code === "UNKNOWN_DATASOURCE");
  assert.equal(unknown.length, 3);
  assert.deepEqual(unknown[0].source, { file: "tempo.yaml", line: 9, column: 9 });

  const doc = spanlink.parseProvisioning(asFiles(), { env: ENV });
  assert.ok(!codes(doc).includes("UNKNOWN_DATASOURCE"), codes(doc).join());
  assert.deepEqual(hrefs(doc), EXPECTED);
});

test("multi-document YAML joined with --- reads like the separate files", () => {
  const stream = NAMES.map((n) => FILES[n]).join("---\n");
  const doc = spanlink.parseProvisioning(stream, { env: ENV });
  assert.ok(!codes(doc).includes("UNKNOWN_DATASOURCE"));
  assert.deepEqual(hrefs(doc), EXPECTED);
  // A finding names its document and the line in the stream.
  const findings = new spanlink.Correlator(spanlink.parseProvisioning(stream)).diagnostics();
  const unset = findings.find((d) => d.code === "UNSET_ENV_VAR");
  const tempoStart = stream.split("\n").indexOf("  - name: Tempo") + 1;
  assert.deepEqual(unset.source, {
    file: "datasources.yaml",
    within: "document 4",
    line: tempoStart + 6,
    column: 9,
  });
});

test("a ConfigMap, a Secret and Helm values carry the same set", () => {
  const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: grafana-datasources
  labels: { grafana_datasource: "1" }
data:
${NAMES.map((n) => `  ${n}: |\n${indent(FILES[n], 4)}`).join("")}`;
  const doc = spanlink.parseProvisioning(configMap, { name: "k8s.yaml", env: ENV });
  assert.deepEqual(hrefs(doc), EXPECTED);
  // Without the variable: the finding is at the line of the ConfigMap file, in its key.
  const unset = new spanlink.Correlator(spanlink.parseProvisioning(configMap, { name: "k8s.yaml" }))
    .diagnostics()
    .find((d) => d.code === "UNSET_ENV_VAR");
  const line = configMap.split("\n").findIndex((l) => l.includes("datasourceUid: ${LOKI_UID}")) + 1;
  assert.deepEqual(unset.source, {
    file: "k8s.yaml",
    within: "ConfigMap grafana-datasources, key tempo.yaml",
    line,
    column: 13,
  });

  const secret = `apiVersion: v1
kind: Secret
metadata: { name: grafana-datasources }
type: Opaque
data:
${NAMES.map((n) => `  ${n}: ${Buffer.from(FILES[n]).toString("base64")}\n`).join("")}`;
  assert.deepEqual(hrefs(spanlink.parseProvisioning(secret, { env: ENV })), EXPECTED);

  const helm = `adminUser: admin
datasources:
${NAMES.map((n) => `  ${n}:\n${indent(FILES[n], 4)}`).join("")}`;
  const values = spanlink.parseProvisioning(helm, { name: "values.yaml", env: ENV });
  assert.deepEqual(hrefs(values), EXPECTED);
  const umbrella = spanlink.parseProvisioning(`grafana:\n${indent(helm, 2)}`, { env: ENV });
  assert.deepEqual(hrefs(umbrella), EXPECTED);
  const bad = new spanlink.Correlator(
    spanlink.parseProvisioning(helm.replace("datasourceUid: mimir", "datasourceUid: mimri"), {
      name: "values.yaml",
      env: ENV,
    }),
  )
    .diagnostics()
    .find((d) => d.code === "UNKNOWN_DATASOURCE");
  assert.equal(bad.source.within, "Helm values datasources.tempo.yaml");
  assert.equal(
    bad.source.line,
    helm.split("\n").findIndex((l) => l.includes("datasourceUid: mimir")) + 1,
  );
});

test("Grafana's rules for a set: later files update, delete, and refuse a taken uid", () => {
  const doc = spanlink.parseProvisioning([
    {
      name: "a.yaml",
      text: "apiVersion: 1\ndatasources:\n  - { name: Loki, type: loki, uid: loki, url: http://old }\n  - { name: Old, type: loki, uid: old }\n",
    },
    {
      name: "b.yaml",
      text: "apiVersion: 1\ndeleteDatasources:\n  - { name: Old, orgId: 1 }\ndatasources:\n  - { name: Loki, type: loki, uid: loki, url: http://new }\n  - { name: Other, type: loki, uid: loki }\n",
    },
  ]);
  assert.deepEqual(doc.datasources, [
    { name: "Loki", type: "loki", uid: "loki", url: "http://new" },
  ]);
  const findings = new spanlink.Correlator(doc).diagnostics();
  const taken = findings.find((d) => d.code === "DATASOURCE_UID_TAKEN");
  assert.equal(taken.severity, "error");
  assert.deepEqual(taken.source, { file: "b.yaml", line: 6, column: 32 });
  assert.equal(findings.find((d) => d.code === "DATASOURCE_REPLACED").severity, "hint");
});

test("parseProvisioning: bad inputs are typed errors", () => {
  const throws = (fn, code, path) =>
    assert.throws(
      fn,
      (e) =>
        e.name === "SpanlinkError" && e.code === code && (path === undefined || e.path === path),
    );
  throws(() => spanlink.parseProvisioning([{ name: "x.yaml" }]), "INVALID_ARGUMENT", "files[0]");
  throws(
    () => spanlink.parseProvisioning("a: 1", { env: { A: 1 } }),
    "INVALID_ARGUMENT",
    "options.env",
  );
  throws(() => spanlink.parseProvisioning([{ name: "x.yaml", text: "a: [" }]), "INVALID_YAML");
  throws(() => spanlink.parseProvisioning("---\n---\n"), "INVALID_YAML");
});

test("a shadowed derived field is a warning at its matcherRegex line", () => {
  const yaml = `apiVersion: 1
datasources:
  - name: Tempo
    type: tempo
    uid: tempo
  - name: Loki
    type: loki
    uid: loki
    jsonData:
      derivedFields:
        - name: TraceID
          matcherRegex: '"trace_id":"(\\w+)"'
          datasourceUid: tempo
          url: $$\${__value.raw}
        - name: TraceID
          matcherRegex: 'trace_id=(\\w+)'
          datasourceUid: tempo
          url: $$\${__value.raw}
`;
  const correlator = new spanlink.Correlator(
    spanlink.parseProvisioning(yaml, { name: "loki.yaml" }),
  );
  const shadowed = correlator.diagnostics().filter((d) => d.code === "SHADOWED_DERIVED_FIELD");
  assert.equal(shadowed.length, 1);
  assert.equal(shadowed[0].path, "datasources[1].jsonData.derivedFields[1].matcherRegex");
  assert.deepEqual(shadowed[0].source, { file: "loki.yaml", line: 16, column: 11 });
  // Grafana runs only the first regex: a logfmt line gets no link, a JSON line gets both.
  assert.deepEqual(correlator.logLinks("loki", "level=info trace_id=abc"), []);
  assert.equal(correlator.logLinks("loki", '{"trace_id":"abc"}').length, 2);
});

// The command line over real files.
const dir = mkdtempSync(join(tmpdir(), "spanlink-set-"));
const datasources = join(dir, "provisioning", "datasources");
mkdirSync(datasources, { recursive: true });
for (const n of NAMES) writeFileSync(join(datasources, n), FILES[n]);
writeFileSync(join(datasources, "README.md"), "not provisioning\n");
const envFile = join(dir, ".env");
writeFileSync(envFile, "# the deployment's variables\nexport LOKI_UID=loki\n");
const traceFile = join(dir, "trace.json");

test("check: a directory, or the files by name, with --env: no unknown data source", () => {
  for (const args of [[datasources], NAMES.map((n) => join(datasources, n))]) {
    const r = run("check", ...args, "--env", envFile);
    assert.equal(r.code, 0, r.out + r.err);
    assert.doesNotMatch(r.out, /UNKNOWN_DATASOURCE|UNSET_ENV_VAR/);
  }
  // The environment of the process is read too.
  const viaEnv = spawnSync(process.execPath, [bin, "check", datasources], {
    encoding: "utf8",
    env: { PATH: process.env.PATH, LOKI_UID: "loki" },
  });
  assert.doesNotMatch(viaEnv.stdout, /UNSET_ENV_VAR/);
});

test("check --format text: file:line:col: severity CODE message, then the JSON path", () => {
  const r = run("check", datasources);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split("\n");
  const at = lines.findIndex((l) =>
    l.startsWith(
      `${join(datasources, "tempo.yaml")}:9:9: warning UNSET_ENV_VAR environment variable LOKI_UID is not set`,
    ),
  );
  assert.ok(at >= 0, r.out);
  assert.equal(lines[at + 1], "  at datasources[0].jsonData.tracesToLogsV2.datasourceUid");
  assert.match(lines.at(-1), /: 0 errors, \d+ warnings?, \d+ hints?$/);
});

test("check --format json: the findings with their sources", () => {
  const r = run("check", datasources, "--format", "json");
  const findings = JSON.parse(r.out);
  const unset = findings.find((d) => d.code === "UNSET_ENV_VAR");
  assert.deepEqual(unset.source, { file: join(datasources, "tempo.yaml"), line: 9, column: 9 });
  assert.ok(findings.every((d) => d.source && d.source.file.startsWith(datasources)));
});

test("check --format github: one workflow annotation per finding", () => {
  const bad = join(dir, "bad.yaml");
  writeFileSync(
    bad,
    `${FILES["tempo.yaml"].replace("datasourceUid: mimir", "datasourceUid: mimri")}---\n${FILES["mimir.yaml"]}`,
  );
  const r = run("check", bad, "--format", "github", "--env", envFile);
  assert.equal(r.code, 1);
  const lines = r.out.trimEnd().split("\n");
  assert.ok(
    lines.every((l) =>
      /^::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,title=spanlink [A-Z_]+::./.test(l),
    ),
    r.out,
  );
  const line = lines.find((l) => l.includes("mimri"));
  assert.ok(
    line.startsWith(`::error file=${bad},line=13,col=9,title=spanlink UNKNOWN_DATASOURCE::`),
    line,
  );
  assert.match(line, /%0Asuggestion: /);
});

test("check --format sarif: a SARIF 2.1.0 log that validates against the schema", () => {
  // @microsoft/jest-sarif ships the OASIS SARIF 2.1.0 schema; only that file is used.
  const schemaFile = require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  const validate = new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false }).compile(
    schema,
  );
  const r = run("check", datasources, "--format", "sarif");
  const log = JSON.parse(r.out);
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const [run0] = log.runs;
  assert.equal(run0.tool.driver.name, "spanlink");
  const result = run0.results.find((x) => x.ruleId === "UNSET_ENV_VAR");
  assert.equal(result.level, "warning");
  assert.deepEqual(result.locations[0].physicalLocation, {
    artifactLocation: { uri: join(datasources, "tempo.yaml") },
    region: { startLine: 9, startColumn: 9 },
  });
  assert.equal(run0.tool.driver.rules[result.ruleIndex].id, "UNSET_ENV_VAR");
});

test("links: a directory of settings and a trace", () => {
  writeFileSync(
    traceFile,
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: "service.name", value: { stringValue: "cart" } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: TRACE_ID,
                  spanId: SPAN_ID,
                  name: "checkout",
                  startTimeUnixNano: "1700000000000000000",
                  endTimeUnixNano: "1700000000500000000",
                  attributes: [{ key: "pyroscope.profile.id", value: { stringValue: "abc" } }],
                },
              ],
            },
          ],
        },
      ],
    }),
  );
  const r = run("links", datasources, traceFile, "--env", envFile, "--span", SPAN_ID);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(
    JSON.parse(r.out).map((l) => `${l.type} ${l.href}`),
    EXPECTED,
  );
});

// The shared real-world provisioning files, read in place.
const shared = new URL("../../../shared/data/provisioning/", import.meta.url).pathname;
const skip = existsSync(shared) ? false : `no shared data at ${shared}`;

test(
  "shared: the provisioning files read as one directory, and each alone, locate every finding",
  { skip },
  () => {
    const names = readdirSync(shared)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort();
    assert.ok(names.length >= 9, names.join());
    for (const name of names) {
      const doc = spanlink.parseProvisioning(readFileSync(join(shared, name), "utf8"), { name });
      for (const d of new spanlink.Correlator(doc).diagnostics()) {
        assert.equal(d.source?.file, name, `${name}: ${d.code} at ${d.path}`);
        assert.equal(typeof d.source.line, "number", `${name}: ${d.code} at ${d.path}`);
      }
    }
    const r = run("check", shared, "--format", "json");
    const findings = JSON.parse(r.out);
    assert.ok(findings.length > 0);
    for (const d of findings) {
      assert.ok(
        names.some((n) => d.source.file === join(shared, n)),
        JSON.stringify(d),
      );
      assert.equal(typeof d.source.line, "number", JSON.stringify(d));
    }
    // The game-of-tracing file's own finding keeps its place inside the directory.
    const game = findings.find(
      (d) =>
        d.code === "UNKNOWN_KEY" &&
        d.source.file.endsWith("alloy-scenarios_game-of-tracing_defaults.yml") &&
        /tracesToProfilesV2$/.test(d.path),
    );
    assert.ok(game, "tracesToProfilesV2 finding");
    const lines = readFileSync(
      join(shared, "alloy-scenarios_game-of-tracing_defaults.yml"),
      "utf8",
    ).split("\n");
    assert.match(lines[game.source.line - 1], /tracesToProfilesV2:/);
  },
);

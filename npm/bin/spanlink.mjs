#!/usr/bin/env node
// spanlink command line: lint Grafana provisioning settings in CI, print span links as JSON.
// Exit codes: 0 ok, 1 error findings or an input that does not load, 2 usage error.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { Correlator, parseProvisioning, parseTrace } from "../dist/index.mjs";

const USAGE = {
  main: `Usage: spanlink <command> [options]

Commands:
  check <datasources.yaml>               lint the provisioning settings (exit 1 on errors)
  links <datasources.yaml> <trace.json>  print the links of the trace's spans as JSON

Run "spanlink <command> --help" for a command's options.
Options: -h, --help   show this help;  --version   print the version`,
  check: `Usage: spanlink check <datasources.yaml> [--tracing <uid>]

Prints every finding of the settings lint, one per line:
  <json path>: <error|warning|hint> <CODE> <message>
    suggestion: <suggestion>            (when there is one)
then a summary line. Exit code 1 when any finding is an error or the settings
do not load (the SpanlinkError code, path and message are printed), else 0.

Options:
  --tracing <uid>  the trace data source (uid or name) whose settings drive span links
                   (default: the first tempo, jaeger or zipkin data source)
  -h, --help       show this help`,
  links: `Usage: spanlink links <datasources.yaml> <trace.json> [options]

Prints JSON. The trace is Tempo OTLP JSON, Jaeger /api/traces JSON or Zipkin v2 JSON.
  without --span:             { "<spanId>": [link, ...], ... }  every span, in trace order
  with --span ID:             [link, ...]
  --explain, without --span:  { "<spanId>": { "links": [...], "explanations": [...] }, ... }
  --explain, with --span ID:  { "links": [...], "explanations": [...] }
An explanation tells, for every configured rule, whether it made a link and, if not, why.
Exit code 1 when the settings or the trace do not load or the span is unknown.

Options:
  --span <id>               only this span
  --explain                 add the explanations next to the links
  --tracing <uid>           the trace data source (uid or name); default: the first
                            tempo, jaeger or zipkin data source
  --app-sub-url <prefix>    prefix of every Explore href, e.g. /grafana
  --dynamic-trace-to-logs   Grafana's dynamicTraceToLogs feature toggle
  -h, --help                show this help`,
};

const OPTIONS = {
  check: { tracing: { type: "string" }, help: { type: "boolean", short: "h" } },
  links: {
    span: { type: "string" },
    explain: { type: "boolean" },
    tracing: { type: "string" },
    "app-sub-url": { type: "string" },
    "dynamic-trace-to-logs": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
};
const POSITIONALS = { check: ["datasources.yaml"], links: ["datasources.yaml", "trace.json"] };

/** A problem with the command line itself: usage on stderr, exit 2. */
class UsageError extends Error {}

/** An input that does not load: the message is printed as it is, exit 1. */
class InputError extends Error {}

function readText(file) {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`${file}: cannot read: ${e.message}`);
  }
}

// SpanlinkErrors carry code and path; say which file they came from.
const describe = (file, e) =>
  e && e.name === "SpanlinkError" ? `${file}: error ${e.code}${e.path ? ` at ${e.path}` : ""}: ${e.message}` : `${file}: ${e && e.message}`;

function loadCorrelator(file, options) {
  try {
    return new Correlator(parseProvisioning(readText(file)), options);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(describe(file, e));
  }
}

function check([file], values) {
  const diagnostics = loadCorrelator(file, { tracingDatasource: values.tracing }).diagnostics();
  const count = { error: 0, warning: 0, hint: 0 };
  for (const d of diagnostics) {
    count[d.severity] = (count[d.severity] || 0) + 1;
    console.log(`${d.path}: ${d.severity} ${d.code} ${d.message}`);
    if (d.suggestion) console.log(`  suggestion: ${d.suggestion}`);
  }
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  console.log(`${file}: ${plural(count.error, "error")}, ${plural(count.warning, "warning")}, ${plural(count.hint, "hint")}`);
  return count.error > 0 ? 1 : 0;
}

function links([settingsFile, traceFile], values) {
  const correlator = loadCorrelator(settingsFile, {
    tracingDatasource: values.tracing,
    appSubUrl: values["app-sub-url"] ?? "",
    features: { dynamicTraceToLogs: Boolean(values["dynamic-trace-to-logs"]) },
  });
  let trace;
  try {
    trace = parseTrace(readText(traceFile));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(describe(traceFile, e));
  }
  const forSpan = (spanId, spanLinks) =>
    values.explain ? { links: spanLinks, explanations: correlator.explain(trace, spanId) } : spanLinks;
  let out;
  try {
    if (values.span !== undefined) {
      out = forSpan(values.span, correlator.spanLinks(trace, values.span));
    } else {
      out = {};
      for (const [spanId, spanLinks] of correlator.traceLinks(trace)) out[spanId] = forSpan(spanId, spanLinks);
    }
  } catch (e) {
    throw new InputError(describe(traceFile, e));
  }
  console.log(JSON.stringify(out, null, 2));
  return 0;
}

function main(argv) {
  const [command, ...rest] = argv;
  if (command === "--version") {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    console.log(pkg.version);
    return 0;
  }
  if (command === "-h" || command === "--help") {
    console.log(USAGE.main);
    return 0;
  }
  if (!Object.hasOwn(OPTIONS, command ?? "")) {
    throw new UsageError(command === undefined ? "missing command" : `unknown command ${JSON.stringify(command)}`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: OPTIONS[command], allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(e.message, { cause: command });
  }
  if (parsed.values.help) {
    console.log(USAGE[command]);
    return 0;
  }
  const want = POSITIONALS[command];
  if (parsed.positionals.length !== want.length) {
    throw new UsageError(`${command} takes ${want.join(" and ")}, got ${parsed.positionals.length} argument(s)`, { cause: command });
  }
  return (command === "check" ? check : links)(parsed.positionals, parsed.values);
}

try {
  // exitCode, not exit(): a piped stdout must be flushed before the process ends.
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    console.error(`spanlink: ${e.message}\n\n${USAGE[e.cause] ?? USAGE.main}`);
    process.exitCode = 2;
  } else if (e instanceof InputError) {
    console.error(e.message);
    process.exitCode = 1;
  } else {
    throw e;
  }
}

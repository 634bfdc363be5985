#!/usr/bin/env node
// spanlink command line: lint Grafana provisioning settings in CI, print span links as JSON.
// Exit codes: 0 ok, 1 error findings or an input that does not load, 2 usage error.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { parseArgs } from "node:util";
import { Correlator, parseProvisioning, parseTrace } from "../dist/index.mjs";

const USAGE = {
  main: `Usage: spanlink <command> [options]

Commands:
  check <settings>...                lint the provisioning settings (exit 1 on errors)
  links <settings>... <trace.json>   print the links of the trace's spans as JSON

<settings> is a provisioning file (.yaml/.yml; several documents may be joined with ---;
a Kubernetes ConfigMap/Secret or Grafana Helm values are read as the files they carry)
or a directory, whose .yaml/.yml files are read in name order as Grafana reads
provisioning/datasources/. Several may be given; they are applied in that order.

Run "spanlink <command> --help" for a command's options.
Options: -h, --help   show this help;  --version   print the version`,
  check: `Usage: spanlink check <settings>... [options]

Prints every finding of the settings lint, then a summary. Exit code 1 when any
finding is an error or the settings do not load, else 0.

Options:
  --format <f>     text (default): <file>:<line>:<col>: <severity> <CODE> <message>
                   json: the findings as a JSON array
                   github: GitHub Actions annotations (::error file=…,line=…,col=…::…)
                   sarif: a SARIF 2.1.0 log, for code-scanning tools
  --env <file>     environment variables (KEY=value lines, dotenv style) to expand
                   $VAR / \${VAR} with, over this process's environment
  --tracing <uid>  the trace data source (uid or name) whose settings drive span links
                   (default: the first tempo, jaeger or zipkin data source)
  -h, --help       show this help`,
  links: `Usage: spanlink links <settings>... <trace.json> [options]

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
  --env <file>              environment variables to expand the settings with (see check)
  --tracing <uid>           the trace data source (uid or name); default: the first
                            tempo, jaeger or zipkin data source
  --app-sub-url <prefix>    prefix of every Explore href, e.g. /grafana
  --dynamic-trace-to-logs   Grafana's dynamicTraceToLogs feature toggle
  -h, --help                show this help`,
};

const FORMATS = ["text", "json", "github", "sarif"];
const OPTIONS = {
  check: {
    tracing: { type: "string" },
    env: { type: "string" },
    format: { type: "string", default: "text" },
    help: { type: "boolean", short: "h" },
  },
  links: {
    span: { type: "string" },
    explain: { type: "boolean" },
    env: { type: "string" },
    tracing: { type: "string" },
    "app-sub-url": { type: "string" },
    "dynamic-trace-to-logs": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
};
/** The fewest positional arguments of each command. */
const MIN_POSITIONALS = { check: 1, links: 2 };

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

/** The provisioning files named by the arguments: a directory gives its .yaml/.yml files in name order. */
function settingsFiles(paths) {
  const files = [];
  for (const path of paths) {
    let isDirectory;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (e) {
      throw new InputError(`${path}: cannot read: ${e.message}`);
    }
    if (!isDirectory) {
      files.push({ name: path, text: readText(path) });
      continue;
    }
    // Grafana: os.ReadDir (sorted by name), files ending in .yaml or .yml.
    const names = readdirSync(path, { withFileTypes: true })
      .filter((d) => d.isFile() && /\.ya?ml$/.test(d.name))
      .map((d) => d.name)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (names.length === 0)
      throw new InputError(`${path}: no .yaml or .yml file in this directory`);
    for (const name of names)
      files.push({ name: join(path, name), text: readText(join(path, name)) });
  }
  return files;
}

/** dotenv-style `KEY=value` lines (`export`, quotes and `#` comments allowed). */
function readEnvFile(file) {
  const env = {};
  readText(file)
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.trim();
      if (line === "" || line.startsWith("#")) return;
      const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
      if (!m)
        throw new InputError(`${file}:${i + 1}: expected KEY=value, got ${JSON.stringify(raw)}`);
      let value = m[2];
      const quoted = /^(["'])(.*)\1$/.exec(value);
      if (quoted)
        value =
          quoted[1] === '"'
            ? quoted[2].replace(/\\n/g, "\n").replace(/\\(["\\])/g, "$1")
            : quoted[2];
      else value = value.replace(/\s+#.*$/, "");
      env[m[1]] = value;
    });
  return env;
}

function environment(values) {
  const env = {};
  for (const [key, value] of Object.entries(process.env))
    if (typeof value === "string") env[key] = value;
  return values.env === undefined ? env : Object.assign(env, readEnvFile(values.env));
}

// SpanlinkErrors carry code and path; say which file they came from.
const describe = (file, e) =>
  e && e.name === "SpanlinkError"
    ? `${e.file ? "" : `${file}: `}error ${e.code}${e.path ? ` at ${e.path}` : ""}: ${e.message}` // a YAML error names its file
    : `${file}: ${e && e.message}`;

function loadCorrelator(paths, values, options) {
  const files = settingsFiles(paths);
  const env = environment(values);
  try {
    return new Correlator(parseProvisioning(files, { env }), options);
  } catch (e) {
    throw new InputError(describe(paths.join(" "), e));
  }
}

/** `file:line:col`, as compilers write positions. */
function place(d) {
  const s = d.source;
  if (!s) return d.path || "(settings)";
  return [s.file, s.line, s.line !== undefined ? s.column : undefined]
    .filter((x) => x !== undefined)
    .join(":");
}

const FORMATTERS = {
  text(diagnostics, summary) {
    const lines = [];
    for (const d of diagnostics) {
      lines.push(`${place(d)}: ${d.severity} ${d.code} ${d.message}`);
      const within = d.source?.within ? ` (${d.source.within})` : "";
      if (d.source) lines.push(`  at ${d.path || "(document)"}${within}`);
      if (d.suggestion) lines.push(`  suggestion: ${d.suggestion}`);
    }
    lines.push(summary);
    return lines.join("\n");
  },
  json(diagnostics) {
    return JSON.stringify(diagnostics, null, 2);
  },
  github(diagnostics) {
    // Workflow commands: % CR LF escaped in the message, also : and , in properties.
    const data = (s) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
    const prop = (s) => data(String(s)).replace(/:/g, "%3A").replace(/,/g, "%2C");
    const level = { error: "error", warning: "warning", hint: "notice" };
    return diagnostics
      .map((d) => {
        const props = [];
        if (d.source) {
          props.push(`file=${prop(d.source.file)}`);
          if (d.source.line !== undefined) props.push(`line=${d.source.line}`);
          if (d.source.column !== undefined) props.push(`col=${d.source.column}`);
        }
        props.push(`title=${prop(`spanlink ${d.code}`)}`);
        const where = d.path ? ` (${d.path})` : "";
        const hint = d.suggestion ? `\nsuggestion: ${d.suggestion}` : "";
        return `::${level[d.severity]} ${props.join(",")}::${data(`${d.message}${where}${hint}`)}`;
      })
      .join("\n");
  },
  sarif(diagnostics) {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
    const level = { error: "error", warning: "warning", hint: "note" };
    const results = diagnostics.map((d) => {
      const result = {
        ruleId: d.code,
        ruleIndex: codes.indexOf(d.code),
        level: level[d.severity],
        message: { text: d.message },
      };
      const location = {};
      if (d.source) {
        const region = {};
        if (d.source.line !== undefined) region.startLine = d.source.line;
        if (d.source.column !== undefined) region.startColumn = d.source.column;
        location.physicalLocation = {
          artifactLocation: { uri: d.source.file.split(sep).join("/") },
        };
        if (Object.keys(region).length) location.physicalLocation.region = region;
      }
      if (d.path) location.logicalLocations = [{ fullyQualifiedName: d.path, kind: "member" }];
      if (Object.keys(location).length) result.locations = [location];
      if (d.suggestion) result.properties = { suggestion: d.suggestion };
      return result;
    });
    const log = {
      $schema: "https://json.schemastore.org/sarif-2.1.0.json",
      version: "2.1.0",
      runs: [
        {
          tool: {
            driver: {
              name: "spanlink",
              version: pkg.version,
              informationUri: "https://github.com/spanlink/spanlink",
              rules: codes.map((id) => ({ id, shortDescription: { text: id } })),
            },
          },
          results,
        },
      ],
    };
    return JSON.stringify(log, null, 2);
  },
};

function check(paths, values) {
  if (!FORMATS.includes(values.format)) {
    throw new UsageError(
      `--format takes one of ${FORMATS.join(", ")}, got ${JSON.stringify(values.format)}`,
      { cause: "check" },
    );
  }
  const diagnostics = loadCorrelator(paths, values, {
    tracingDatasource: values.tracing,
  }).diagnostics();
  const count = { error: 0, warning: 0, hint: 0 };
  for (const d of diagnostics) count[d.severity] += 1;
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const summary = `${paths.join(" ")}: ${plural(count.error, "error")}, ${plural(count.warning, "warning")}, ${plural(count.hint, "hint")}`;
  const text = FORMATTERS[values.format](diagnostics, summary);
  if (text !== "") console.log(text);
  return count.error > 0 ? 1 : 0;
}

function links(positionals, values) {
  const traceFile = positionals[positionals.length - 1];
  const correlator = loadCorrelator(positionals.slice(0, -1), values, {
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
    values.explain
      ? { links: spanLinks, explanations: correlator.explain(trace, spanId) }
      : spanLinks;
  let out;
  try {
    if (values.span !== undefined) {
      out = forSpan(values.span, correlator.spanLinks(trace, values.span));
    } else {
      out = {};
      for (const [spanId, spanLinks] of correlator.traceLinks(trace))
        out[spanId] = forSpan(spanId, spanLinks);
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
    throw new UsageError(
      command === undefined ? "missing command" : `unknown command ${JSON.stringify(command)}`,
    );
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: rest,
      options: OPTIONS[command],
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(e.message, { cause: command });
  }
  if (parsed.values.help) {
    console.log(USAGE[command]);
    return 0;
  }
  if (parsed.positionals.length < MIN_POSITIONALS[command]) {
    const want =
      command === "check"
        ? "settings files or directories"
        : "settings files or directories and a trace.json";
    throw new UsageError(`${command} takes ${want}, got ${parsed.positionals.length} argument(s)`, {
      cause: command,
    });
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

// docs/beyond.md §1: hostile attribute values, written into queries, parse with the official grammars
// (Loki's and Prometheus' lezer parsers) and decode back to exactly the value; Lucene and LogsQL
// are checked with strict hand-written readers. Property tests with a fixed seed: deterministic.
// Replay another seed with SPANLINK_SEED=<n> node --test tests/js/escaping.test.mjs
import test from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parser as logql } from "@grafana/lezer-logql";
import { parser as promql } from "@prometheus-io/lezer-promql";
import { Correlator, parseTrace } from "spanlink";

const SEED = Number(process.env.SPANLINK_SEED ?? 20261126);
const RUNS = 200;

/** fc.assert with the fixed seed; the seed is repeated in the failure message. */
function check(property) {
  try {
    fc.assert(property, { seed: SEED, numRuns: RUNS });
  } catch (e) {
    // fast-check keeps the property's own error in `cause`: show it.
    e.message = `seed ${SEED} (SPANLINK_SEED=${SEED} to replay)\n${e.message}\n${e.cause ? e.cause.message : ""}`;
    throw e;
  }
}

// ---- hostile values -----------------------------------------------------------------------------

const NASTY = [
  '"',
  "\\",
  "`",
  "'",
  "{",
  "}",
  "|=",
  "|~",
  "!=",
  "=~",
  '"}',
  '\\"',
  "\\\\",
  "\\n",
  "\n",
  "\r",
  "\t",
  "\u0000",
  "\u0007",
  "\u001b",
  "\u007f",
  "\u0085",
  "\u2028",
  "\u3000",
  "😀",
  "👩‍👩‍👧",
  "é",
  "e\u0301",
  "${__span.spanId}",
  "$__tags",
  "{{ .x }}",
  "%",
  "%22",
  " AND ",
  ":",
  ":=",
  "*",
  "?",
  "~",
  "(",
  ")",
  "[",
  "]",
  "/",
  "+",
  "-",
  "!",
  "&&",
  "||",
  "^",
  "#",
  ";",
  ",",
  " ",
  "",
];
const fragments = fc
  .array(fc.oneof(fc.constantFrom(...NASTY), fc.string({ unit: "binary", maxLength: 3 })), {
    maxLength: 12,
  })
  .map((parts) => parts.join(""));
// 10 KB and more: a nasty fragment plus some text, repeated.
const huge = fc
  .tuple(fc.constantFrom(...NASTY.filter(Boolean)), fc.string({ maxLength: 8 }))
  .map(([nasty, text]) => (nasty + text).repeat(Math.ceil(10240 / (nasty + text).length)));
const hostile = fc.oneof(
  { arbitrary: fragments, weight: 5 },
  { arbitrary: fc.string(), weight: 2 },
  { arbitrary: fc.string({ unit: "binary" }), weight: 2 },
  { arbitrary: fc.string({ unit: "binary-ascii" }), weight: 2 },
  { arbitrary: fc.constant(""), weight: 1 },
  { arbitrary: huge, weight: 1 },
);

// ---- the trace and the settings -----------------------------------------------------------------

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const SPAN_ID = "b7ad6b7169203331";
const str = (key, value) => ({ key, value: { stringValue: value } });

function otlpTrace({ service, pod, route }, extra = []) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [str("service.name", service), str("k8s.pod.name", pod)] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE_ID,
                spanId: SPAN_ID,
                name: "op",
                startTimeUnixNano: "1700000000000000000",
                endTimeUnixNano: "1700000001000000000",
                attributes: [str("http.route", route), ...extra],
              },
            ],
          },
        ],
      },
    ],
  };
}

// One tracing data source per target language; each Correlator picks one with tracingDatasource.
const LOGS_TAGS = [
  { key: "service.name" },
  { key: "k8s.pod.name", value: "pod" },
  { key: "http.route", value: "http.route.v2" },
];
const tempo = (uid, jsonData) => ({ name: uid, uid, type: "tempo", jsonData });
const TARGETS = [
  { name: "Loki", uid: "loki", type: "loki" },
  { name: "Prometheus", uid: "prom", type: "prometheus" },
  { name: "Elasticsearch", uid: "es", type: "elasticsearch" },
  { name: "VictoriaLogs", uid: "vl", type: "victoriametrics-logs-datasource" },
];
const DOC = {
  datasources: [
    tempo("tempo-loki", {
      tracesToLogsV2: {
        datasourceUid: "loki",
        filterByTraceID: true,
        filterBySpanID: true,
        tags: LOGS_TAGS,
      },
      tracesToMetrics: {
        datasourceUid: "prom",
        tags: [
          { key: "service.name" },
          { key: "k8s.pod.name", value: "pod" },
          { key: "http.route", value: "route" },
        ],
        queries: [
          { name: "rate", query: "sum(rate(http_requests_total{$__tags}[5m]))" },
          {
            name: "route",
            query: 'sum(rate(http_requests_total{route="${__span.tags["http.route"]}"}[5m]))',
          },
        ],
      },
    }),
    tempo("tempo-custom", {
      tracesToLogsV2: {
        datasourceUid: "loki",
        customQuery: true,
        tags: LOGS_TAGS,
        query: '{${__tags}} |= "${__span.tags["http.route"]}"',
      },
    }),
    tempo("tempo-es", {
      tracesToLogsV2: {
        datasourceUid: "es",
        filterByTraceID: true,
        filterBySpanID: true,
        tags: LOGS_TAGS,
      },
    }),
    tempo("tempo-vl", {
      tracesToLogsV2: {
        datasourceUid: "vl",
        filterByTraceID: true,
        filterBySpanID: true,
        tags: LOGS_TAGS,
      },
    }),
    ...TARGETS,
  ],
};
const correlators = Object.fromEntries(
  ["tempo-loki", "tempo-custom", "tempo-es", "tempo-vl"].map((uid) => [
    uid,
    new Correlator(DOC, { tracingDatasource: uid }),
  ]),
);

/**
 * The query of the span's link made by the rule at this origin suffix (e.g. "tracesToMetrics.queries[1]");
 * `.link(suffix)` gives the whole link.
 */
function linksOf(correlator, values) {
  const trace = parseTrace(otlpTrace(values));
  try {
    const links = correlator.spanLinks(trace, SPAN_ID);
    const link = (suffix) => {
      const found = links.filter((l) => l.origin.endsWith(suffix));
      assert.equal(
        found.length,
        1,
        `one link from ${suffix}: ${JSON.stringify(links.map((l) => l.origin))}`,
      );
      return found[0];
    };
    const query = (suffix) => link(suffix).internal.query;
    query.link = link;
    return query;
  } finally {
    trace.free();
  }
}

// ---- decoding what the languages read -----------------------------------------------------------

/**
 * Go's strconv.Unquote for a "..." literal (what Loki and Prometheus run on label values), strict:
 * raw control characters are rejected too, since spanlink promises to escape them.
 */
function goUnquote(literal) {
  assert.ok(
    literal.length >= 2 && literal[0] === '"' && literal.at(-1) === '"',
    `not a "..." literal: ${literal.slice(0, 80)}`,
  );
  const body = literal.slice(1, -1);
  const bytes = [];
  const utf8 = new TextEncoder();
  const SIMPLE = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, "\\": 92, '"': 34 };
  const hex = (at, n) => {
    const digits = body.slice(at, at + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits))
      throw new Error(`bad hex escape at ${at}: ${digits}`);
    return parseInt(digits, 16);
  };
  for (let i = 0; i < body.length;) {
    const cp = body.codePointAt(i);
    const c = String.fromCodePoint(cp);
    if (c === '"' || /\p{Cc}/u.test(c)) throw new Error(`unescaped ${JSON.stringify(c)} at ${i}`);
    if (c !== "\\") {
      bytes.push(...utf8.encode(c));
      i += c.length;
      continue;
    }
    const e = body[i + 1];
    if (e !== undefined && Object.hasOwn(SIMPLE, e)) {
      bytes.push(SIMPLE[e]);
      i += 2;
    } else if (e === "x") {
      bytes.push(hex(i + 2, 2));
      i += 4;
    } else if (e === "u" || e === "U") {
      const n = e === "u" ? 4 : 8;
      const point = hex(i + 2, n);
      if (point > 0x10ffff || (point >= 0xd800 && point <= 0xdfff))
        throw new Error(`invalid code point escape at ${i}`);
      bytes.push(...utf8.encode(String.fromCodePoint(point)));
      i += 2 + n;
    } else if (
      /^[0-7]{3}$/.test(body.slice(i + 1, i + 4)) &&
      parseInt(body.slice(i + 1, i + 4), 8) <= 255
    ) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 4;
    } else {
      throw new Error(`invalid escape \\${e ?? "(end)"} at ${i}`);
    }
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes));
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Parses with a lezer parser; fails on any error node. */
function parse(parser, text) {
  const tree = parser.parse(text);
  tree.iterate({
    enter(n) {
      if (n.type.isError)
        assert.fail(
          `parse error (⚠) at ${n.from}: …${JSON.stringify(text.slice(Math.max(0, n.from - 30), n.from + 30))}… in ${JSON.stringify(text.slice(0, 300))}`,
        );
    },
  });
  return tree;
}

/** Every node called `name`, as SyntaxNodes. */
function nodes(tree, name) {
  const out = [];
  tree.iterate({
    enter(n) {
      if (n.name === name) out.push(n.node);
    },
  });
  return out;
}

/** LogQL: the label matchers of the stream selector and of label filters, as [name, decoded value]. */
function logqlMatchers(expr) {
  const tree = parse(logql, expr);
  const text = (n) => expr.slice(n.from, n.to);
  const selector = [];
  const filters = [];
  for (const m of nodes(tree, "Matcher")) {
    const name = text(m.getChild("Identifier"));
    const value = goUnquote(text(m.getChild("String")));
    let inSelector = false;
    for (let p = m.parent; p; p = p.parent) if (p.name === "Selector") inSelector = true;
    if (inSelector) {
      assert.match(name, LABEL_NAME);
      selector.push([name, value]);
    } else {
      filters.push([name, value]);
    }
  }
  const lineFilters = nodes(tree, "LineFilter").map((f) => goUnquote(text(f.getChild("String"))));
  return { selector, filters, lineFilters };
}

/** PromQL: the label matchers, as [name, decoded value]. */
function promqlMatchers(expr) {
  const tree = parse(promql, expr);
  const text = (n) => expr.slice(n.from, n.to);
  const out = [];
  for (const m of nodes(tree, "UnquotedLabelMatcher")) {
    const name = text(m.getChild("LabelName"));
    assert.match(name, LABEL_NAME);
    out.push([name, goUnquote(text(m.getChild("StringLiteral")))]);
  }
  return out;
}

/**
 * Lucene classic query syntax (Elasticsearch query_string): clauses joined by " AND ", each a
 * phrase `"..."` or `field:"..."`. In a phrase a backslash escapes the next character and an
 * unescaped `"` ends it; in a field name every special character must be backslash-escaped.
 */
function luceneClauses(query) {
  const TERM_SPECIAL = ' \t\n\r\u3000+-!():^[]"{}~*?\\/';
  const clauses = [];
  let i = 0;
  const fail = (why) =>
    assert.fail(`Lucene: ${why} at ${i} in ${JSON.stringify(query.slice(0, 300))}`);
  for (;;) {
    let field = null;
    if (query[i] !== '"') {
      field = "";
      while (i < query.length && query[i] !== ":") {
        if (query[i] === "\\") {
          if (i + 1 >= query.length) fail("dangling backslash");
          field += query[i + 1];
          i += 2;
        } else if (TERM_SPECIAL.includes(query[i]) && !(field !== "" && "+-".includes(query[i]))) {
          fail(`unescaped ${JSON.stringify(query[i])} in a field name`);
        } else {
          field += query[i++];
        }
      }
      if (query[i++] !== ":") fail("expected :");
    }
    if (query[i++] !== '"') fail('expected "');
    let value = "";
    while (query[i] !== '"') {
      if (i >= query.length) fail("unterminated phrase");
      if (query[i] === "\\") {
        if (i + 1 >= query.length) fail("dangling backslash");
        value += query[i + 1];
        i += 2;
      } else {
        value += query[i++];
      }
    }
    i++;
    clauses.push([field, value]);
    if (i === query.length) return clauses;
    if (!query.startsWith(" AND ", i)) fail("expected AND");
    i += 5;
  }
}

/** LogsQL (VictoriaLogs): `field:="..."` exact filters joined by " AND ", values Go-quoted. */
function logsqlFilters(expr) {
  const out = [];
  let i = 0;
  const fail = (why) =>
    assert.fail(`LogsQL: ${why} at ${i} in ${JSON.stringify(expr.slice(0, 300))}`);
  for (;;) {
    const field = /^[A-Za-z0-9_.]+:="/.exec(expr.slice(i, i + 200));
    if (!field) fail('expected field:="');
    i += field[0].length;
    const start = i - 1;
    while (expr[i] !== '"') {
      if (i >= expr.length) fail("unterminated string");
      i += expr[i] === "\\" ? 2 : 1;
    }
    i++;
    out.push([field[0].slice(0, -3), goUnquote(expr.slice(start, i))]);
    if (i === expr.length) return out;
    if (!expr.startsWith(" AND ", i)) fail("expected AND");
    i += 5;
  }
}

// ---- the properties -----------------------------------------------------------------------------

const spanValues = fc.record({ service: hostile, pod: hostile, route: hostile });

test("the Go unquote helper decodes what Go's strconv.Unquote does", () => {
  assert.equal(
    goUnquote(String.raw`"a\"b\\c\n\t\r\u00e9\x41\101\U0001F600"`),
    'a"b\\c\n\t\ré' + "AA😀",
  );
  for (const bad of [
    '"a"b"',
    '"\\q"',
    '"\\',
    '"a\nb"',
    '"\u0001"',
    String.raw`"\ud800"`,
    String.raw`"\'"`,
  ]) {
    assert.throws(() => goUnquote(bad), undefined, bad);
  }
});

test("LogQL: tracesToLogsV2 (renamed dotted tag, both filters) parses and decodes to the values", () => {
  check(
    fc.property(spanValues, (v) => {
      const { expr } = linksOf(correlators["tempo-loki"], v)("tracesToLogsV2");
      const { selector, filters } = logqlMatchers(expr);
      assert.deepEqual(selector, [
        ["service_name", v.service],
        ["pod", v.pod],
        ["http_route_v2", v.route],
      ]);
      for (const [name, value] of filters) {
        const expected = {
          trace_id: TRACE_ID,
          span_id: SPAN_ID,
          log_line_contains_trace_id: "true",
          log_line_contains_span_id: "true",
        }[name];
        assert.equal(value, expected, name);
      }
      assert.equal(filters.length, 4);
    }),
  );
});

test('LogQL: a custom query {${__tags}} |= "${__span.tags["http.route"]}" parses and decodes', () => {
  check(
    fc.property(spanValues, (v) => {
      const { expr } = linksOf(correlators["tempo-custom"], v)("tracesToLogsV2");
      const { selector, lineFilters } = logqlMatchers(expr);
      assert.deepEqual(selector, [
        ["service_name", v.service],
        ["pod", v.pod],
        ["http_route_v2", v.route],
      ]);
      assert.deepEqual(lineFilters, [v.route]);
    }),
  );
});

test("LogQL: the dynamic trace-to-logs alternatives parse; the job regex matches the service literally", () => {
  const correlator = new Correlator(DOC, {
    tracingDatasource: "tempo-loki",
    features: { dynamicTraceToLogs: true },
  });
  const ids = new Set([TRACE_ID, SPAN_ID]);
  check(
    fc.property(spanValues, (v) => {
      const { internal } = linksOf(correlator, v).link("tracesToLogsV2");
      assert.ok(
        internal.alternatives.length >= 7,
        "6 id field variants (× tags, job) + line contains",
      );
      for (const { expr } of [internal.query, ...internal.alternatives]) {
        const { selector, filters, lineFilters } = logqlMatchers(expr);
        if (selector[0][0] === "job") {
          // `{job=~"(.*/)?(<escapeRegExp(service)>)"}`: RE2 and JS agree on these escapes.
          assert.equal(selector.length, 1);
          const re = new RegExp(`^(?:${selector[0][1]})$`, "su");
          assert.ok(re.test(v.service) && re.test(`ns/${v.service}`), selector[0][1].slice(0, 200));
        } else {
          assert.deepEqual(selector, [
            ["service_name", v.service],
            ["pod", v.pod],
            ["http_route_v2", v.route],
          ]);
        }
        for (const [name, value] of filters) assert.ok(ids.has(value), `${name}=${value}`);
        for (const value of lineFilters) assert.ok(ids.has(value), value);
      }
    }),
  );
  correlator.free();
});

test("PromQL: tracesToMetrics with $__tags and a quoted placeholder parses and decodes", () => {
  check(
    fc.property(spanValues, (v) => {
      const link = linksOf(correlators["tempo-loki"], v);
      assert.deepEqual(promqlMatchers(link("tracesToMetrics.queries[0]").expr), [
        ["service_name", v.service],
        ["pod", v.pod],
        ["route", v.route],
      ]);
      assert.deepEqual(promqlMatchers(link("tracesToMetrics.queries[1]").expr), [
        ["route", v.route],
      ]);
    }),
  );
});

test("Lucene: Elasticsearch phrases unescape to the values", () => {
  check(
    fc.property(spanValues, (v) => {
      const { query } = linksOf(correlators["tempo-es"], v)("tracesToLogsV2");
      assert.deepEqual(luceneClauses(query), [
        [null, SPAN_ID],
        [null, TRACE_ID],
        ["service.name", v.service],
        ["pod", v.pod],
        ["http.route.v2", v.route],
      ]);
    }),
  );
});

test('LogsQL: VictoriaLogs field:="..." filters unquote to the values', () => {
  check(
    fc.property(spanValues, (v) => {
      const { expr } = linksOf(correlators["tempo-vl"], v)("tracesToLogsV2");
      assert.deepEqual(logsqlFilters(expr), [
        ["span_id", SPAN_ID],
        ["trace_id", TRACE_ID],
        ["service.name", v.service],
        ["pod", v.pod],
        ["http.route.v2", v.route],
      ]);
    }),
  );
});

/** docs/beyond.md §1: every character outside [a-zA-Z0-9_] becomes `_`, a leading digit gets a `_` prefix. */
const labelName = (name) => {
  const mapped = [...name].map((c) => (/^[a-zA-Z0-9_]$/.test(c) ? c : "_")).join("");
  return /^[a-zA-Z_]/.test(mapped) ? mapped : `_${mapped}`;
};
// Keys the span already has (its own attributes and spanId/traceId/name/duration) would match twice.
const TAKEN = [
  "k",
  "service.name",
  "k8s.pod.name",
  "http.route",
  "spanId",
  "traceId",
  "name",
  "duration",
];

test("label names spanlink writes for LogQL and PromQL are valid for any configured name", () => {
  const name = fc
    .oneof(fragments, fc.string({ unit: "binary", minLength: 1 }))
    .filter((s) => s !== "" && !TAKEN.includes(s));
  check(
    fc.property(name, name, (key, label) => {
      // @grafana/lezer-logql 0.4.2 rejects the label names `__proto__` and `constructor` (a JS
      // object lookup in its tokenizer); Loki's own parser accepts them. Not spanlink's to fix.
      fc.pre(
        ![labelName(key), labelName(label)].some((n) => n === "__proto__" || n === "constructor"),
      );
      const doc = {
        datasources: [
          tempo("tempo", {
            tracesToLogsV2: { datasourceUid: "loki", tags: [{ key }, { key: "k", value: label }] },
            tracesToMetrics: {
              datasourceUid: "prom",
              tags: [{ key }, { key: "k", value: label }],
              queries: [{ name: "q", query: "up{$__tags}" }],
            },
          }),
          ...TARGETS,
        ],
      };
      const correlator = new Correlator(doc);
      const trace = parseTrace(
        otlpTrace({ service: "s", pod: "p", route: "r" }, [str(key, "v1"), str("k", "v2")]),
      );
      try {
        const links = correlator.spanLinks(trace, SPAN_ID);
        const expr = (suffix) => links.find((l) => l.origin.endsWith(suffix)).internal.query.expr;
        // Both readers check every name against LABEL_NAME; two names may map to the same label
        // (`a.b`, `a-b`): the selector then holds both matchers, which still parses.
        const expected = [
          [labelName(key), "v1"],
          [labelName(label), "v2"],
        ];
        assert.deepEqual(logqlMatchers(expr("tracesToLogsV2")).selector, expected);
        assert.deepEqual(promqlMatchers(expr("tracesToMetrics.queries[0]")), expected);
      } finally {
        trace.free();
        correlator.free();
      }
    }),
  );
});

test("Lucene: any configured field name is escaped so that it reads back exactly", () => {
  const name = fc
    .oneof(fragments, fc.string({ unit: "binary", minLength: 1 }))
    .filter((s) => s !== "" && !TAKEN.includes(s));
  check(
    fc.property(name, (key) => {
      const doc = {
        datasources: [
          tempo("tempo", {
            tracesToLogsV2: { datasourceUid: "es", tags: [{ key }, { key: "k", value: key }] },
          }),
          ...TARGETS,
        ],
      };
      const correlator = new Correlator(doc);
      const trace = parseTrace(
        otlpTrace({ service: "s", pod: "p", route: "r" }, [str(key, "v1"), str("k", "v2")]),
      );
      try {
        const { query } = correlator.spanLinks(trace, SPAN_ID)[0].internal.query;
        assert.deepEqual(luceneClauses(query), [
          [key, "v1"],
          [key, "v2"],
        ]);
      } finally {
        trace.free();
        correlator.free();
      }
    }),
  );
});

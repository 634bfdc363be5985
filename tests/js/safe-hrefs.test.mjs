// Safe hrefs by construction (issue #10 item 1): known XSS URL payloads, as span attribute values,
// log lines, exemplar labels and as URL templates, through every external link kind. Each href is
// read by Node's URL parser and then by Chromium's (`new URL(href, base)` and an <a> element):
// no protocol outside http:, https:, mailto: (or spanlink's about:blank), and a value
// interpolated after a template's host never moves the link to another host.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { launchChromium } from "./chromium.mjs";
import { Correlator, parseTrace } from "spanlink";
import { PAYLOADS } from "./xss-payloads.mjs";

const BASE = "https://grafana.example/grafana/d/abc";
const ALLOWED = new Set(["http:", "https:", "mailto:"]);
const SPAN = "6605c7b08e715d6c";

/** Every href made, with the host it must stay on (null: any host). */
const made = [];

function traceWith(value) {
  const kv = (key, v) => ({ key, value: { stringValue: v } });
  return parseTrace({
    resourceSpans: [
      {
        resource: { attributes: [kv("service.name", "cart"), kv("gf.feo11y.app.id", "shop")] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: "7946b05c2e2e4e5a7946b05c2e2e4e5a",
                spanId: SPAN,
                name: "GET /cart",
                startTimeUnixNano: "1602637200000000000",
                endTimeUnixNano: "1602637201000000000",
                attributes: [kv("u", value), kv("session_id", value)],
              },
            ],
          },
        ],
      },
    ],
  });
}

/** Settings whose every external link kind renders `url`. */
function settings(url) {
  return {
    datasources: [
      { name: "Tempo", type: "tempo", uid: "tempo" },
      {
        name: "Loki",
        type: "loki",
        uid: "loki",
        jsonData: { derivedFields: [{ name: "u", matcherRegex: "u=([\\s\\S]*)", url }] },
      },
      {
        name: "Prometheus",
        type: "prometheus",
        uid: "prom",
        jsonData: { exemplarTraceIdDestinations: [{ name: "trace_id", url }] },
      },
    ],
    correlations: [
      {
        sourceUID: "tempo",
        label: "ext",
        type: "external",
        config: { type: "external", field: "traceID", target: { url } },
      },
    ],
  };
}

function hrefsOf(url, value) {
  const c = new Correlator(settings(url));
  const trace = traceWith(value);
  try {
    return {
      c,
      trace,
      span: c.spanLinks(trace, SPAN),
      log: c.logLinks("loki", "u=" + value),
      exemplar: c.exemplarLinks("prom", { trace_id: value }),
    };
  } finally {
    trace.free();
  }
}

/** Node's reading of an href: its protocol and host, or null when it is no URL at all. */
function read(href) {
  try {
    const u = new URL(href, BASE);
    return { protocol: u.protocol, host: u.host };
  } catch {
    return null;
  }
}

function judge(href, host, what) {
  made.push({ href, host, what });
  if (href === "about:blank") return;
  const u = read(href);
  if (u === null) return; // not navigable
  assert.ok(ALLOWED.has(u.protocol), `${what}: ${JSON.stringify(href)} opens ${u.protocol}`);
  if (host !== null) assert.equal(u.host, host, `${what}: ${JSON.stringify(href)} left ${host}`);
}

test(`${PAYLOADS.length} payloads as attribute values, log lines and exemplar labels`, () => {
  assert.ok(PAYLOADS.length >= 100);
  const templates = [
    ["${__span.tags.u}", null],
    ["https://ok.example/${__span.tags.u}", "ok.example"],
    ["https://ok.example/search?q=${__span.tags.u}", "ok.example"],
    ["/${__span.tags.u}", "grafana.example"],
  ];
  let blanks = 0;
  for (const p of PAYLOADS) {
    for (const [url, host] of templates) {
      const { span, log, exemplar } = hrefsOf(url, p);
      const ext = span.filter((l) => l.type === "external");
      assert.equal(ext.length, 1, JSON.stringify(p));
      judge(ext[0].href, host, `correlation ${url}`);
      blanks += ext[0].href === "about:blank";
      const session = span.find((l) => l.type === "session");
      if (session) judge(session.href, "grafana.example", "session link");
      // The derived field and the exemplar read the value as `${__value.raw}`.
      const raw = url.replace("${__span.tags.u}", "${__value.raw}");
      for (const l of hrefsOf(raw, p).log) judge(l.href, host, `derived field ${raw}`);
      for (const l of exemplar.concat(hrefsOf(raw, p).exemplar)) judge(l.href, null, `exemplar`);
      void log;
    }
  }
  assert.ok(blanks > PAYLOADS.length / 2, `only ${blanks} hrefs were made about:blank`);
});

test(`${PAYLOADS.length} payloads as URL templates: links and diagnostics agree`, () => {
  for (const p of PAYLOADS) {
    if (p.includes("$") || p.includes("[[")) continue;
    const { c, span, log, exemplar } = hrefsOf(p, "x");
    const hrefs = [
      ...span.filter((l) => l.type === "external"),
      ...log.filter((l) => !l.internal),
      ...exemplar.filter((l) => !l.internal),
    ].map((l) => l.href);
    hrefs.forEach((h) => judge(h, null, "template"));
    // The template itself is unsafe exactly when its links are about:blank.
    const unsafe = c
      .diagnostics()
      .filter((d) => d.code === "UNSAFE_URL")
      .map((d) => d.path)
      .sort();
    const blank = hrefs.some((h) => h === "about:blank");
    if (blank) {
      assert.deepEqual(
        unsafe,
        [
          "correlations[0].config.target.url",
          "datasources[1].jsonData.derivedFields[0].url",
          "datasources[2].jsonData.exemplarTraceIdDestinations[0].url",
        ],
        JSON.stringify(p),
      );
      assert.equal(
        unsafe.length && hrefs.every((h) => h === "about:blank"),
        true,
        JSON.stringify(p),
      );
    } else {
      assert.deepEqual(unsafe, [], JSON.stringify(p));
    }
    c.free();
  }
});

test("the issue's cases: NUL before javascript:, a host from a value, explain says UNSAFE_URL", () => {
  const { c, trace: _t, span } = hrefsOf("${__span.tags.u}", "\u0000javascript:alert(1)");
  assert.equal(span.find((l) => l.type === "external").href, "about:blank");
  const trace = traceWith("\u0000javascript:alert(1)");
  const why = c.explain(trace, SPAN).find((e) => e.origin === "correlations[0]");
  assert.equal(why.outcome, "link");
  assert.equal(why.code, "UNSAFE_URL");
  assert.match(why.message, /`javascript:`/);
  trace.free();

  const onHost = hrefsOf("https://ok.example/${__span.tags.u}", "//evil.example").span;
  assert.equal(onHost.find((l) => l.type === "external").href, "https://ok.example///evil.example");
  assert.equal(new URL(onHost.find((l) => l.type === "external").href).host, "ok.example");
  const rooted = hrefsOf("/${__span.tags.u}", "/evil.example").span;
  assert.equal(rooted.find((l) => l.type === "external").href, "about:blank");
  const userinfo = hrefsOf("https://ok.example${__span.tags.u}", "@evil.example").span;
  assert.equal(userinfo.find((l) => l.type === "external").href, "about:blank");
});

test("appSubUrl must be a path on Grafana's host", () => {
  for (const bad of [
    "javascript:alert(1)//",
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "grafana",
  ]) {
    assert.throws(
      () => new Correlator(settings("x"), { appSubUrl: bad }),
      (e) => e.code === "INVALID_ARGUMENT" && e.path === "options.appSubUrl",
      bad,
    );
  }
  new Correlator(settings("x"), { appSubUrl: "/grafana/" }).free();
});

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => browser && (await browser.close()));

test("Chromium reads every href made above the same way: allowed protocols, hosts kept", async () => {
  assert.ok(made.length > 1000, `${made.length} hrefs`);
  const page = await browser.newPage();
  await page.setContent(`<base href="${BASE}">`);
  const seen = await page.evaluate(
    ([hrefs, base]) =>
      hrefs.map((h) => {
        let url = null;
        try {
          const u = new URL(h, base);
          url = { protocol: u.protocol, host: u.host };
        } catch {}
        const a = document.createElement("a");
        a.setAttribute("href", h);
        return { url, anchor: { protocol: a.protocol, host: a.host } };
      }),
    [made.map((m) => m.href), BASE],
  );
  await page.close();
  seen.forEach(({ url, anchor }, i) => {
    const { href, host, what } = made[i];
    if (href === "about:blank") return;
    for (const u of [url, anchor]) {
      if (u === null || u.protocol === ":") continue; // not a URL: nothing to open
      assert.ok(
        ALLOWED.has(u.protocol),
        `${what}: Chromium opens ${JSON.stringify(href)} as ${u.protocol}`,
      );
      if (host !== null)
        assert.equal(u.host, host, `${what}: Chromium takes ${JSON.stringify(href)} to ${u.host}`);
    }
  });
});

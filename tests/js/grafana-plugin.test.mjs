// The example panel plugin (examples/grafana-panel, built by its own toolchain) loaded as Grafana
// loads plugins, in Chromium: dist/ served under /grafana/public/plugins/<id>/ (appSubUrl
// "/grafana"), module.js imported by SystemJS with Grafana's loader hooks (grafana-loader/
// harness.js), the page under Grafana's CSP template plus 'wasm-unsafe-eval', settings and
// correlations from Grafana's run-time services, the trace as a data frame in data.series. Every
// span's rendered hrefs must be what the Node package's correlator returns for the provisioning
// file and the trace JSON.
import test from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { Correlator, parseProvisioning, parseTrace } from "spanlink";
import { spanLinkType } from "spanlink/grafana";
import { launchChromium } from "./chromium.mjs";
import * as frames from "./frames.mjs";

const root = new URL("../../", import.meta.url);
const dist = new URL("examples/grafana-panel/dist/", root);
const data = new URL("../shared/data/", root);
const modules = new URL("node_modules/", import.meta.url);
const built = existsSync(new URL("module.js", dist))
  ? false
  : "examples/grafana-panel is not built (npm --prefix examples/grafana-panel run build)";
const skip = built || (existsSync(data) ? false : "../shared/data is absent");

const pluginJson = skip ? {} : JSON.parse(readFileSync(new URL("plugin.json", dist), "utf8"));
const APP_SUB_URL = "/grafana";
/** Grafana's default content_security_policy_template, with 'wasm-unsafe-eval' added. */
const csp = (nonce) =>
  `script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval' 'unsafe-inline' 'strict-dynamic' 'nonce-${nonce}';object-src 'none';` +
  "font-src 'self';style-src 'self' 'unsafe-inline' blob:;img-src * data:;base-uri 'self';" +
  "connect-src 'self' grafana.com;manifest-src 'self';media-src 'none';form-action 'self';";

// React's UMD builds first: after the AMD extra defines `define`, they would register as AMD modules.
const VENDOR = {
  "react.js": "react/umd/react.production.min.js",
  "react-dom.js": "react-dom/umd/react-dom.production.min.js",
  "system.js": "systemjs/dist/system.js",
  "amd.js": "systemjs/dist/extras/amd.js",
};
const TYPES = {
  ".js": "application/javascript",
  ".wasm": "application/wasm",
  ".json": "application/json",
  ".svg": "image/svg+xml",
};

/** A loopback server laid out as Grafana serves a page and its plugins under appSubUrl. */
function grafanaServer() {
  const state = { fixture: null, requests: [] };
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    state.requests.push(req.url);
    const send = (type, body, headers = {}) => {
      res.writeHead(200, { "content-type": type, ...headers });
      res.end(body);
    };
    if (path === `${APP_SUB_URL}/d/spanlink`) {
      const nonce = randomBytes(16).toString("base64");
      const script = (src) => `<script nonce="${nonce}" src="${src}"></script>`;
      const page =
        `<!doctype html><html><head><meta charset="utf-8"><base href="${APP_SUB_URL}/">` +
        [...Object.keys(VENDOR).map((f) => `public/build/${f}`), "public/build/harness.js"]
          .map(script)
          .join("") +
        `</head><body><div id="panel"></div></body></html>`;
      return send("text/html", page, { "content-security-policy": csp(nonce) });
    }
    if (path === `${APP_SUB_URL}/harness/fixture.json`)
      return send("application/json", JSON.stringify(state.fixture));
    const vendor = path.match(/^\/grafana\/public\/build\/([\w.-]+)$/)?.[1];
    if (vendor === "harness.js")
      return send(
        TYPES[".js"],
        readFileSync(new URL("grafana-loader/harness.js", import.meta.url)),
      );
    if (VENDOR[vendor]) return send(TYPES[".js"], readFileSync(new URL(VENDOR[vendor], modules)));
    const file = path.match(
      new RegExp(`^/grafana/public/plugins/${pluginJson.id}/([\\w./-]+)$`),
    )?.[1];
    const url = file && !file.includes("..") && new URL(file, dist);
    if (url && existsSync(url))
      return send(
        TYPES[file.slice(file.lastIndexOf("."))] ?? "application/octet-stream",
        readFileSync(url),
      );
    // The browser's own favicon request is no concern of the plugin's.
    res.writeHead(path === "/favicon.ico" ? 204 : 404).end();
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, state, origin: `http://127.0.0.1:${server.address().port}` }),
    ),
  );
}

test(
  "dist/ is what Grafana loads: plugin.json, an AMD module.js on shared dependencies, the .wasm beside it",
  { skip: built },
  () => {
    const plugin = JSON.parse(readFileSync(new URL("plugin.json", dist), "utf8"));
    assert.equal(plugin.type, "panel");
    // Grafana's plugin id rule: <org>-<name>-<type>, lower case.
    assert.match(plugin.id, /^[a-z0-9]+-[a-z0-9]+-panel$/);
    assert.match(plugin.info.version, /^\d+\.\d+\.\d+$/, "the build replaced %VERSION%");
    assert.match(plugin.dependencies.grafanaDependency, /^>=1[23]\./);
    const module = readFileSync(new URL("module.js", dist), "utf8");
    const deps = JSON.parse(module.match(/^define\((\[[^\]]*\])/m)?.[1] ?? "null");
    // Only what Grafana shares with plugins (and AMD's `module`, for the public path).
    assert.deepEqual(deps, ["@grafana/data", "@grafana/runtime", "module", "react"]);
    // The package is free of side effects where it can be: the unused YAML reader is left out.
    assert.ok(!module.includes("YAMLParseError"), "module.js bundles the yaml package");
    const wasm = readdirSync(dist).filter((f) => f.endsWith(".wasm"));
    assert.equal(wasm.length, 1);
    assert.ok(module.includes(`"${wasm[0]}"`), "module.js fetches the .wasm beside it");
    assert.deepEqual(
      readFileSync(new URL(wasm[0], dist)),
      readFileSync(new URL("npm/dist/spanlink_bg.wasm", root)),
    );
  },
);

/** The trace view's link groups, in its order: what the panel renders span by span. */
const GROUP_ORDER = ["log", "metric", "profile", "trace", "session", "unknown"];
const grouped = (links) =>
  GROUP_ORDER.flatMap((type) =>
    links
      .filter((l) => spanLinkType(l.type) === type)
      .map((l) => ({ type, title: l.title, href: l.href })),
  );

/** Provisioning files (name, document) whose correlator builds and gives links for the trace. */
function cases(trace) {
  const dir = new URL("provisioning/", data);
  const out = [];
  for (const name of readdirSync(dir, { recursive: true })
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    const doc = parseProvisioning(readFileSync(new URL(name, dir), "utf8"));
    let correlator;
    try {
      correlator = new Correlator(doc, { appSubUrl: APP_SUB_URL });
    } catch {
      continue; // rejected settings are tested elsewhere
    }
    const links = new Map([...correlator.traceLinks(trace)].map(([id, l]) => [id, grouped(l)]));
    if ([...links.values()].some((l) => l.length > 0)) out.push({ name, doc, correlator, links });
    else correlator.free();
  }
  return out;
}

/** What the panel shows: each span's links in DOM order. */
const rendered = () =>
  Object.fromEntries(
    [...document.querySelectorAll("[data-span-id]")].map((s) => [
      s.dataset.spanId,
      [...s.querySelectorAll("[data-link-type]")].flatMap((g) =>
        [...g.querySelectorAll("a")].map((a) => ({
          type: g.dataset.linkType,
          title: a.textContent,
          href: a.getAttribute("href"),
        })),
      ),
    ]),
  );

test(
  "the built plugin, loaded by Grafana's SystemJS loader, renders the correlator's links",
  { skip, timeout: 300_000 },
  async () => {
    const file = "tempo-otlp_mythical-queue-database.json";
    const json = JSON.parse(readFileSync(new URL(`traces/${file}`, data), "utf8"));
    const trace = parseTrace(json);
    const series = [frames.dataFrame(frames.TEMPO_FIELDS, frames.tempoRows(json))];
    const all = cases(trace);
    assert.ok(all.length >= 3, `${all.length} provisioning files give links for ${file}`);

    const { server, state, origin } = await grafanaServer();
    const browser = await launchChromium();
    try {
      let compared = 0;
      for (const { name, doc, correlator, links } of all) {
        state.fixture = {
          pluginId: pluginJson.id,
          pluginVersion: pluginJson.info.version,
          appSubUrl: APP_SUB_URL,
          datasources: frames.instanceSettings(doc),
          correlations: frames.runtimeCorrelations(doc),
          series,
          timeRange: { from: 0, to: 0 },
          options: {},
        };
        state.requests.length = 0;
        const page = await browser.newPage();
        const problems = [];
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
        await page.addInitScript(() =>
          document.addEventListener("securitypolicyviolation", (e) =>
            console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`),
          ),
        );
        await page.goto(`${origin}${APP_SUB_URL}/d/spanlink`);
        await page.waitForFunction(
          () =>
            window.harnessError ||
            document.querySelector("[data-testid=spanlink-error]") ||
            document.querySelector("[data-span-id]"),
          null,
          { timeout: 60_000 },
        );
        const failure = await page.evaluate(
          () =>
            window.harnessError ||
            document.querySelector("[data-testid=spanlink-error]")?.textContent,
        );
        assert.equal(failure, undefined, `${name}: ${failure}`);
        assert.deepEqual(problems, [], name);
        const shown = await page.evaluate(rendered);
        assert.deepEqual(shown, Object.fromEntries(links), name);
        compared += [...links.values()].reduce((n, l) => n + l.length, 0);

        // The wasm came from beside module.js, under the plugin's public path and appSubUrl.
        const wasm = state.requests.filter((r) => r.endsWith(".wasm"));
        assert.deepEqual(
          wasm.map((r) => r.replace(/[0-9a-f]{20}\.wasm$/, "*.wasm")),
          [`${APP_SUB_URL}/public/plugins/${pluginJson.id}/*.wasm`],
          name,
        );
        assert.ok(
          state.requests.includes(
            `${APP_SUB_URL}/public/plugins/${pluginJson.id}/module.js?_cache=${pluginJson.info.version}`,
          ),
          name,
        );

        // A span's missing links come with the correlator's reasons (the rule paths differ: the panel's
        // correlations are a list of their own, not inside the provisioning file's data sources).
        const spanId = trace.spans()[0].spanID;
        await page.click(`[data-span-id="${spanId}"] button`);
        const reasons = await page.$$eval(
          `[data-span-id="${spanId}"] [data-testid=missing-links] li`,
          (lis) => lis.map((li) => li.textContent.slice(li.textContent.indexOf(": ") + 2)),
        );
        const expected = correlator
          .explain(trace, spanId)
          .filter((e) => e.outcome === "suppressed")
          .map((e) => `${e.code}: ${e.message}`);
        assert.deepEqual(reasons, expected, name);
        await page.close();
        correlator.free();
      }
      assert.ok(compared > 20, `${compared} links compared`);
      console.log(
        `# ${all.length} provisioning files, ${compared} links compared in the Grafana loader harness`,
      );
    } finally {
      await browser.close();
      server.close();
      trace.free();
    }
  },
);

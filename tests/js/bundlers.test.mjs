// Consumers of the built package bundled by webpack 5 and Vite, then run:
// - webpack, target web, `spanlink` (browser entry): served and loaded in headless Chromium;
// - webpack, target node, `spanlink/inline` (the Grafana-plugin case): run by Node;
// - Vite build, `spanlink`: served and loaded in headless Chromium.
import test, { after, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join } from "node:path";
import { promisify } from "node:util";
import webpack from "webpack";
import { build as viteBuild } from "vite";
import { launchChromium } from "./chromium.mjs";

const here = new URL(".", import.meta.url).pathname;
const consumer = join(here, "consumer");
const out = join(here, "out");
const expected = {
  exports: null, // checked separately
  provisioning: "a$b",
  error: "SpanlinkError:INVALID_ARGUMENT:text",
  traceError: "INVALID_TRACE",
  links: ["logs:loki:/grafana/explore?left="],
  traceLinks: ["b7ad6b7169203331"],
};

function check(json) {
  const got = JSON.parse(json);
  for (const name of [
    "Correlator",
    "Trace",
    "applyTransformations",
    "exploreUrl",
    "interpolate",
    "parseInterval",
    "parseProvisioning",
    "parseTrace",
  ])
    assert.ok(got.exports.includes(name), name);
  assert.deepEqual({ ...got, exports: null }, expected);
}

async function pack(config) {
  const stats = await promisify(webpack)({
    mode: "production",
    performance: { hints: false },
    ...config,
  });
  assert.ok(!stats.hasErrors(), stats.toString("errors-only"));
  return stats;
}

let browser;
before(async () => {
  rmSync(out, { recursive: true, force: true });
  browser = await launchChromium();
});
after(async () => browser && (await browser.close()));

/** Serves dir on 127.0.0.1 and returns the text of #out once the page has run. */
async function loadInChromium(dir) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const server = createServer((req, res) => {
    const path = join(dir, new URL(req.url, "http://x").pathname.replace(/\/$/, "/index.html"));
    try {
      const body = readFileSync(path);
      res
        .writeHead(200, { "content-type": types[extname(path)] || "application/octet-stream" })
        .end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  try {
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(
      () => document.getElementById("out").textContent !== "loading",
      null,
      { timeout: 15000 },
    );
    assert.deepEqual(errors, []);
    return await page.textContent("#out");
  } finally {
    await page.close();
    server.close();
  }
}

test("webpack 5 bundle of `spanlink` runs in Chromium (wasm emitted as an asset, ready on import)", async () => {
  const dir = join(out, "webpack-web");
  const stats = await pack({
    target: "web",
    entry: join(consumer, "browser-entry.js"),
    output: { path: dir, filename: "main.js" },
  });
  const assets = Object.keys(stats.compilation.assets);
  assert.ok(
    assets.some((a) => a.endsWith(".wasm")),
    `no .wasm asset in ${assets}`,
  );
  copyFileSync(join(consumer, "index.html"), join(dir, "index.html"));
  execFileSync("sed", [
    "-i",
    's#type="module" src="./browser-entry.js"#src="./main.js"#',
    join(dir, "index.html"),
  ]);
  check(await loadInChromium(dir));
});

test("webpack 5 bundle of `spanlink/inline` (no .wasm asset) runs in Node", async () => {
  const dir = join(out, "webpack-inline");
  const stats = await pack({
    target: "node",
    entry: join(consumer, "inline-entry.js"),
    output: { path: dir, filename: "main.cjs" },
  });
  const assets = Object.keys(stats.compilation.assets);
  assert.deepEqual(
    assets.filter((a) => a.endsWith(".wasm")),
    [],
  );
  check(execFileSync(process.execPath, [join(dir, "main.cjs")], { encoding: "utf8" }));
});

test("Vite build of `spanlink` runs in Chromium", async () => {
  const dir = join(out, "vite");
  await viteBuild({
    root: consumer,
    logLevel: "warn",
    configFile: false,
    build: { outDir: dir, emptyOutDir: true },
  });
  check(await loadInChromium(dir));
});

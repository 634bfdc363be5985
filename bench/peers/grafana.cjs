// Grafana's own published link code, loaded in plain Node: @grafana/scenes' interpolator
// (`sceneGraph.interpolate`, the one dashboards and Explore share) and @grafana/data's
// `mapInternalLinkToExplore`. Used by bench/bench.mjs as the contender, and reusable by any test
// that compares spanlink with Grafana (e.g. a differential test of the interpolator).
//
//   const { loadGrafana } = require("./bench/peers/grafana.cjs");    // or createRequire in ESM
//   const g = loadGrafana();
//   g.interpolate('${__span.tags["k8s.pod.name"]}', { __span: { value: { tags: {...} } } });
//
// Install once: npm --prefix bench/peers install --legacy-peer-deps
"use strict";

const fs = require("node:fs");
const path = require("node:path");

let loaded;

/**
 * Loads the Grafana packages once per process and returns:
 * - `interpolate(template, scopedVars?, format?, interpolations?)`: `sceneGraph.interpolate` on a
 *   bare scene object (no dashboard variables, so only scoped variables and macros resolve);
 * - `mapInternalLinkToExplore(options)`, `dateTime(ms)` (a Grafana DateTime, i.e. moment),
 *   `replaceVariables` (the interpolate function in `InterpolateFunction` shape), `lodashGet`;
 *   note that the scenes interpolator replaces a field path that resolves to nothing with "" and
 *   reports it `found`, where core Grafana's TemplateSrv keeps the text (docs: "not found");
 * - `scenes`, `data`: the whole modules, for anything else;
 * - `versions`: the installed versions; `loadMs`: how long loading took.
 * Throws an Error saying how to install the packages when they are missing.
 */
function loadGrafana() {
  if (loaded) return loaded;
  const t0 = performance.now();
  const req = (name) => {
    try {
      return require(name);
    } catch (e) {
      if (e && e.code === "MODULE_NOT_FOUND" && String(e.message).includes(`'${name}'`)) {
        throw new Error(
          `${name} is not installed: run npm --prefix bench/peers install --legacy-peer-deps`,
        );
      }
      throw e;
    }
  };
  // Grafana's packages expect a browser: a DOM (window, document, navigator, matchMedia…) must be
  // global before the first require, and @grafana/runtime reads its boot data from window.
  const { GlobalRegistrator } = req("@happy-dom/global-registrator");
  // happy-dom replaces some Node globals with its own; keep Node's for everything else in the process.
  const keep = [
    "performance",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "queueMicrotask",
    "TextEncoder",
    "TextDecoder",
    "URL",
    "URLSearchParams",
    "fetch",
    "WebAssembly",
    "structuredClone",
  ];
  const saved = Object.fromEntries(keep.map((k) => [k, globalThis[k]]));
  GlobalRegistrator.register({ url: "http://localhost:3000/" });
  for (const k of keep) if (saved[k] !== undefined) globalThis[k] = saved[k];
  globalThis.grafanaBootData = { settings: { appSubUrl: "" }, user: {}, navTree: [] };
  // The CommonJS builds require their stylesheets and icons; Node cannot load them and the links
  // do not need them.
  for (const ext of [".css", ".svg"])
    require.extensions[ext] = (m) => {
      m.exports = {};
    };

  const data = req("@grafana/data");
  const scenes = req("@grafana/scenes");
  const scope = new scenes.SceneTimeRange({ from: "now-1h", to: "now" });
  const interpolate = (template, scopedVars, format, interpolations) =>
    scenes.sceneGraph.interpolate(scope, template, scopedVars, format, interpolations);
  const version = (name) =>
    JSON.parse(fs.readFileSync(path.join(__dirname, "node_modules", name, "package.json"), "utf8"))
      .version;
  loaded = {
    interpolate,
    replaceVariables: (value, scopedVars, format) => interpolate(value, scopedVars, format),
    mapInternalLinkToExplore: data.mapInternalLinkToExplore,
    dateTime: data.dateTime,
    // lodash's `get`: the field-path lookup Grafana's template engine uses for `${v.a["b"]}`.
    lodashGet: req("lodash/get"),
    scenes,
    data,
    versions: {
      "@grafana/scenes": version("@grafana/scenes"),
      "@grafana/data": version("@grafana/data"),
    },
    loadMs: performance.now() - t0,
  };
  return loaded;
}

module.exports = { loadGrafana };

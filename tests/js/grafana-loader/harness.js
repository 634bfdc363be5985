// The part of Grafana's frontend that loads and shows a panel plugin, reproduced for
// tests/js/grafana-plugin.test.mjs (no Grafana server can be installed here). Written from the
// behaviour of Grafana's public/app/features/plugins/loader: SystemJS 6 with the AMD extra, shared
// dependencies exposed as `package:<name>` modules behind an import map, and its loader hooks
// (fetch-and-eval for plugin code, the `?_cache=` query on plugin files, `__useDefault`
// unwrapping). @grafana/data and @grafana/runtime are stubbed with what the panel uses.
(async () => {
  const fixture = await (await fetch("harness/fixture.json")).json();
  const System = window.System;

  // @grafana/data: PanelPlugin, whose option builder gives the options' defaults.
  class PanelPlugin {
    constructor(panel) {
      this.panel = panel;
      this.defaults = {};
    }
    setPanelOptions(build) {
      const builder = {
        addTextInput: (item) => {
          this.defaults[item.path] = item.defaultValue;
          return builder;
        },
      };
      build(builder);
      return this;
    }
  }

  // @grafana/runtime: the services a panel reads settings and correlations from.
  const runtime = {
    config: { appSubUrl: fixture.appSubUrl, buildInfo: { version: "13.1.0" } },
    getDataSourceSrv: () => ({ getList: () => fixture.datasources }),
    getCorrelationsService: () => ({
      getCorrelationsBySourceUIDs: async (uids) => {
        const correlations = fixture.correlations.filter((c) => uids.includes(c.source.uid));
        return { correlations, page: 1, limit: 1000, totalCount: correlations.length };
      },
    }),
  };

  // Shared dependencies: each a `package:` URL registered in SystemJS, mapped from its bare name.
  const shared = {
    react: window.React,
    "react-dom": window.ReactDOM,
    "@grafana/data": { PanelPlugin },
    "@grafana/runtime": runtime,
  };
  const imports = {};
  for (const [name, module] of Object.entries(shared)) {
    System.set(`package:${name}`, module);
    imports[name] = `package:${name}`;
  }
  System.addImportMap({ imports });

  const proto = System.constructor.prototype;
  // Plugin code is fetched and evaluated (loading strategy "fetch"), other files fetched too.
  proto.shouldFetch = () => true;
  // AMD plugins export `{ default, __useDefault }`: the plugin gets the default.
  const originalImport = proto.import;
  proto.import = function (...args) {
    return originalImport.apply(this, args).then((m) => (m && m.__useDefault ? m.default : m));
  };
  // JavaScript comes back as a blob, as Grafana rewrites it for CDN-hosted plugins.
  const originalFetch = proto.fetch;
  proto.fetch = async function (url, options) {
    const res = await originalFetch(url, options);
    if (!/^(text|application)\/(x-)?javascript(;|$)/.test(res.headers.get("content-type") || ""))
      return res;
    return new Response(new Blob([await res.text()], { type: "text/javascript" }));
  };
  // Plugin files get `?_cache=<version>`; ids without an extension get `.js`.
  const originalResolve = proto.resolve;
  proto.resolve = function (id, parentUrl) {
    let url = originalResolve.call(this, id, parentUrl);
    if (url.startsWith("package:")) return url;
    if (!/\.(css|js|json|wasm)$/.test(url)) url += ".js";
    return url.endsWith(".js") && url.includes("/public/plugins/")
      ? `${url}?_cache=${fixture.pluginVersion}`
      : url;
  };

  // The plugin's `module` path (`public/plugins/<id>/module.js`) is imported under appSubUrl.
  const { plugin } = await System.import(
    `${fixture.appSubUrl}/public/plugins/${fixture.pluginId}/module.js`,
  );
  const props = {
    id: 1,
    data: { state: "Done", series: fixture.series, timeRange: fixture.timeRange },
    options: { ...plugin.defaults, ...fixture.options },
    width: 800,
    height: 600,
  };
  window.ReactDOM.createRoot(document.getElementById("panel")).render(
    window.React.createElement(plugin.panel, props),
  );
})().catch((e) => {
  window.harnessError = String((e && e.stack) || e);
});

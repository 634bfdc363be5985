// A tiny consumer, bundled by webpack 5 and Vite in bundlers.test.mjs: calls the package and
// returns a JSON summary the test compares.
export function run(spanlink) {
  const out = { exports: Object.keys(spanlink).sort() };
  out.provisioning = spanlink.parseProvisioning(
    "datasources:\n  - name: a$$b\n    type: tempo\n",
  ).datasources[0].name;
  try {
    spanlink.parseInterval(undefined);
  } catch (e) {
    out.error = `${e.name}:${e.code}:${e.path}`;
  }
  try {
    spanlink.parseTrace("{}");
  } catch (e) {
    out.traceError = e.code;
  }
  const settings = spanlink.parseProvisioning(`
datasources:
  - {name: Tempo, type: tempo, uid: tempo, jsonData: {tracesToLogsV2: {datasourceUid: loki, tags: [cluster], filterByTraceID: true}}}
  - {name: Loki, type: loki, uid: loki}
`);
  const correlator = new spanlink.Correlator(settings, { appSubUrl: "/grafana" });
  const trace = spanlink.parseTrace([
    {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      id: "b7ad6b7169203331",
      name: "get /cart",
      timestamp: 1602637200000000,
      duration: 1000,
      localEndpoint: { serviceName: "cart" },
      tags: { cluster: "eu" },
    },
  ]);
  out.links = correlator
    .spanLinks(trace, "b7ad6b7169203331")
    .map((l) => `${l.type}:${l.internal.datasourceUid}:${l.href.slice(0, 22)}`);
  out.traceLinks = [...correlator.traceLinks(trace).keys()];
  correlator.free();
  trace.free();
  return JSON.stringify(out);
}

// A tiny consumer, bundled by webpack 5 and Vite in bundlers.test.mjs: calls the package and
// returns a JSON summary the test compares.
export function run(spanlink) {
  const out = { exports: Object.keys(spanlink).sort() };
  out.provisioning = spanlink.parseProvisioning("datasources:\n  - name: a$$b\n    type: tempo\n").datasources[0].name;
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
  return JSON.stringify(out);
}

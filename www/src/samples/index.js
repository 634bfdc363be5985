// @ts-check
// The demo's built-in samples: generated traces plus provisioning YAML. Plain ES modules, so the
// end-to-end test imports exactly what the page shows.
import { generateShopTrace, SHOP_EPOCH_MS } from "./shop-trace.js";
import { SHOP_LOKI_YAML, SHOP_ELASTIC_YAML } from "./settings.js";

export { generateShopTrace, SHOP_EPOCH_MS, SHOP_LOKI_YAML, SHOP_ELASTIC_YAML };

/**
 * @typedef {object} Sample
 * @property {string} id
 * @property {string} title
 * @property {string} settings      provisioning YAML, as written (with `$$` escapes)
 * @property {{ name: string, text: string }[]} [files] the settings as several files instead
 * @property {() => string} trace   the trace document as JSON text (generated on demand)
 * @property {() => string} selected the span selected when the sample opens
 * @property {boolean} [large]
 */

/** @type {Map<string, { traceId: string, otlp: any, ids: Record<string, string> }>} */
const cache = new Map();
/** @param {number | undefined} spans */
function shop(spans) {
  const key = String(spans ?? "small");
  let t = cache.get(key);
  if (!t) {
    // the load test is another trace (another seed) than the single checkout
    t = generateShopTrace(spans ? { spans, seed: 4242 } : {});
    cache.set(key, t);
  }
  return t;
}

/**
 * Settings laid out as Grafana's guides do: a provisioning file per data source (`tempo.yaml`,
 * `loki.yaml`, …), read together as Grafana reads the directory.
 * @param {string} yaml provisioning YAML whose only top-level list is `datasources:`
 */
function filePerDatasource(yaml) {
  const [, ...entries] = yaml.split(/\n(?= {2}- name: )/);
  const files = entries.map((entry) => {
    const name = /- name: (.*)/.exec(entry)?.[1] ?? "datasource";
    return {
      name: `${name.toLowerCase().replace(/\W+/g, "-")}.yaml`,
      text: `apiVersion: 1\ndatasources:\n${entry.replace(/\n*$/, "\n")}`,
    };
  });
  // in name order, as Grafana reads a directory
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** @type {Sample[]} */
export const SAMPLES = [
  {
    id: "shop",
    title: "Shop checkout · Loki, Mimir, Pyroscope",
    settings: SHOP_LOKI_YAML,
    trace: () => JSON.stringify(shop(undefined).otlp, null, 2),
    selected: () => shop(undefined).ids.charge,
  },
  {
    id: "shop-elastic",
    title: "Shop checkout · Elasticsearch logs",
    settings: SHOP_ELASTIC_YAML,
    trace: () => JSON.stringify(shop(undefined).otlp, null, 2),
    selected: () => shop(undefined).ids.authorizeError,
  },
  {
    id: "shop-files",
    title: "Shop checkout · a file per data source",
    settings: SHOP_LOKI_YAML,
    files: filePerDatasource(SHOP_LOKI_YAML),
    trace: () => JSON.stringify(shop(undefined).otlp, null, 2),
    selected: () => shop(undefined).ids.charge,
  },
  {
    id: "shop-10k",
    title: "Load test · 10,000 spans",
    settings: SHOP_LOKI_YAML,
    // compact JSON: 6 MB pretty-printed would be slow to show in a textarea
    trace: () => JSON.stringify(shop(10000).otlp),
    selected: () => shop(10000).ids.charge,
    large: true,
  },
];

/** @param {string} id */
export function sampleById(id) {
  return SAMPLES.find((s) => s.id === id);
}

/** Span ids of interest in the small shop trace (for tests and docs). */
export function shopIds() {
  return shop(undefined).ids;
}

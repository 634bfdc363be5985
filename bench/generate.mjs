// The benchmark traces: one deterministic trace of an online shop on Kubernetes (the services of
// the OpenTelemetry demo), as Jaeger `/api/traces` JSON or OTLP JSON, with any number of spans.
//
//   node bench/generate.mjs [--out target/bench] [--spans 10000,100000] [--seed 1]
//
// writes trace-<N>.jaeger.json and trace-<N>.otlp.json (cargo bench reads them from there), and
// `import { generateTrace } from "./generate.mjs"` gives the same documents in memory.
//
// Shape: a load generator's session (the root) sends requests one after another — browse a product,
// list recommendations, show ads, add to cart, check out — through frontend-proxy and frontend to the
// back-end services. Every call between services is a client span in the caller and a server span in
// the callee's process (a pod of 2–3 replicas); PostgreSQL and Redis calls are client spans; an order
// is published to Kafka (producer span) and consumed by accounting and fraud-detection (consumer
// spans; fraud-detection's also carries a span link to the order's PlaceOrder span). Local roots
// (server and consumer spans of profiled services) carry `pyroscope.profile.id`; failed payments
// carry an exception event, gRPC clients message events. Resources carry the k8s, container, host,
// cloud and SDK attributes the OpenTelemetry Collector's k8sattributes processor adds.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** A small, fast, seeded PRNG (mulberry32): the same seed gives the same trace everywhere. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// service → [language, SDK version, replicas, profiled]
const SERVICES = {
  "load-generator": ["python", "1.33.1", 1, false],
  "frontend-proxy": ["cpp", "1.19.0", 2, false],
  frontend: ["nodejs", "2.0.1", 3, true],
  "product-catalog": ["go", "1.35.0", 3, true],
  recommendation: ["python", "1.33.1", 2, true],
  ad: ["java", "1.49.0", 2, true],
  cart: ["dotnet", "1.11.2", 3, true],
  checkout: ["go", "1.35.0", 2, true],
  currency: ["cpp", "1.19.0", 2, false],
  payment: ["nodejs", "2.0.1", 2, true],
  shipping: ["rust", "0.29.0", 2, true],
  quote: ["php", "1.2.1", 2, false],
  email: ["ruby", "1.5.0", 2, true],
  accounting: ["dotnet", "1.11.2", 1, true],
  "fraud-detection": ["java", "1.49.0", 1, true],
};

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

/**
 * Builds the trace as a span tree (internal form), then `toJaeger` / `toOtlp` render it.
 * @param {{spans?: number, seed?: number}} options
 */
function buildSpans({ spans: count = 10_000, seed = 1 } = {}) {
  const rnd = prng(seed);
  const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const hex = (bytes) => {
    let s = "";
    for (let i = 0; i < bytes; i++) s += int(0, 255).toString(16).padStart(2, "0");
    return s;
  };
  const uuid = () => {
    const h = hex(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  // One process (resource) per pod.
  const processes = [];
  const podsOf = {};
  for (const [svc, [lang, sdk, replicas]] of Object.entries(SERVICES)) {
    const rs = hex(5).slice(0, 10);
    podsOf[svc] = [];
    for (let r = 0; r < replicas; r++) {
      const pod = `${svc}-${rs}-${hex(3).slice(0, 5)}`;
      const p = {
        index: processes.length,
        service: svc,
        attributes: [
          ["service.name", svc],
          ["service.namespace", "opentelemetry-demo"],
          ["service.version", "2.0.2"],
          ["service.instance.id", uuid()],
          ["deployment.environment.name", "production"],
          ["k8s.cluster.name", "shop-eu-west-1"],
          ["k8s.namespace.name", "shop"],
          ["k8s.deployment.name", svc],
          ["k8s.replicaset.name", `${svc}-${rs}`],
          ["k8s.pod.name", pod],
          ["k8s.pod.uid", uuid()],
          ["k8s.node.name", `ip-10-0-${int(1, 9)}-${int(2, 250)}.eu-west-1.compute.internal`],
          ["container.name", svc],
          ["host.name", pod],
          ["os.type", "linux"],
          ["cloud.provider", "aws"],
          ["cloud.region", "eu-west-1"],
          ["telemetry.sdk.language", lang],
          ["telemetry.sdk.name", "opentelemetry"],
          ["telemetry.sdk.version", sdk],
        ],
      };
      processes.push(p);
      podsOf[svc].push(p);
    }
  }

  const traceId = hex(16);
  const spans = [];
  const full = () => spans.length >= count;
  // A span; `work` (µs) is its own time besides its children, which run one after another.
  const span = (parent, process, name, kind, attributes, work) => {
    if (full()) return null;
    const s = {
      spanId: hex(8),
      parent,
      process,
      name,
      kind,
      attributes,
      events: [],
      links: [],
      children: [],
      work,
      error: false,
    };
    if (parent) parent.children.push(s);
    spans.push(s);
    const localRoot = !parent || parent.process !== process;
    if (localRoot && SERVICES[process.service][3])
      s.attributes.push(["pyroscope.profile.id", s.spanId]);
    return s;
  };
  const pod = (svc) => pick(podsOf[svc]);
  // A gRPC call: client span in the caller, server span in a pod of the callee.
  const grpc = (parent, svc, service, method, work) => {
    if (!parent || full()) return null;
    const rpc = [
      ["rpc.system", "grpc"],
      ["rpc.service", `oteldemo.${service}`],
      ["rpc.method", method],
    ];
    const c = span(
      parent,
      parent.process,
      `oteldemo.${service}/${method}`,
      "client",
      [...rpc, ["server.address", svc], ["server.port", 8080], ["rpc.grpc.status_code", 0]],
      int(60, 400),
    );
    if (c && rnd() < 0.3) {
      c.events.push({
        name: "message",
        offset: 5,
        attributes: [
          ["message.type", "SENT"],
          ["message.id", 1],
        ],
      });
    }
    return span(
      c,
      pod(svc),
      `oteldemo.${service}/${method}`,
      "server",
      [
        ...rpc,
        ["rpc.grpc.status_code", 0],
        ["network.peer.address", `10.1.${int(0, 255)}.${int(2, 254)}`],
      ],
      work,
    );
  };
  const http = (parent, svc, method, route, path, work) => {
    if (!parent || full()) return null;
    const c = span(
      parent,
      parent.process,
      `${method}`,
      "client",
      [
        ["http.request.method", method],
        ["url.full", `http://${svc}:8080${path}`],
        ["server.address", svc],
        ["server.port", 8080],
        ["http.response.status_code", 200],
      ],
      int(100, 600),
    );
    return span(
      c,
      pod(svc),
      `${method} ${route}`,
      "server",
      [
        ["http.request.method", method],
        ["http.route", route],
        ["url.path", path],
        ["url.scheme", "http"],
        ["http.response.status_code", 200],
        ["network.protocol.version", "1.1"],
        ["client.address", `10.1.${int(0, 255)}.${int(2, 254)}`],
        ["user_agent.original", "python-requests/2.32.3"],
      ],
      work,
    );
  };
  const db = (parent, system, op, statement, work) => {
    if (!parent || full()) return null;
    const redis = system === "redis";
    return span(
      parent,
      parent.process,
      redis ? op : `${op} shop.${statement.match(/(?:FROM|INTO|UPDATE) (\w+)/)[1]}`,
      "client",
      [
        ["db.system", system],
        ["db.namespace", redis ? "0" : "shop"],
        ["db.operation.name", op],
        ["db.query.text", statement],
        ["server.address", redis ? "valkey-cart" : "postgresql"],
        ["server.port", redis ? 6379 : 5432],
      ],
      work,
    );
  };
  const products = [
    "OLJCESPC7Z",
    "66VCHSJNUP",
    "1YMWWN1N4O",
    "L9ECAV7KIM",
    "2ZYFJ3GM2N",
    "0PUK6V6EV0",
    "LS4PSXUNUM",
    "9SIQT8TOJO",
    "6E92ZMYYFZ",
    "HQTGWGPNH4",
  ];

  const root = span(
    null,
    pod("load-generator"),
    "user session",
    "internal",
    [["app.session.pages", 0]],
    int(200, 900),
  );
  let order = 0;
  while (!full()) {
    // One page view of the session: the load generator's request through the proxy.
    const flow = pick(["product", "product", "recommendations", "ads", "cart", "checkout"]);
    const product = pick(products);
    const [method, route, path] = {
      product: ["GET", "/api/products/{productId}", `/api/products/${product}`],
      recommendations: [
        "GET",
        "/api/recommendations",
        `/api/recommendations?productIds=${product}`,
      ],
      ads: [
        "GET",
        "/api/data",
        `/api/data?contextKeys=${pick(["telescopes", "binoculars", "accessories"])}`,
      ],
      cart: ["POST", "/api/cart", "/api/cart"],
      checkout: ["POST", "/api/checkout", "/api/checkout"],
    }[flow];
    const ingress = http(root, "frontend-proxy", method, "ingress", path, int(50, 200));
    if (!ingress) break;
    ingress.name = "ingress";
    const fe = http(ingress, "frontend", method, route, path, int(300, 2000));
    if (!fe) break;
    fe.attributes.push(["app.user.id", uuid()]);
    if (flow === "product") {
      const pc = grpc(fe, "product-catalog", "ProductCatalogService", "GetProduct", int(80, 300));
      pc?.attributes.push(["app.product.id", product]);
      db(
        pc,
        "postgresql",
        "SELECT",
        `SELECT id, name, description, picture, price_usd FROM products WHERE id = $1`,
        int(300, 1500),
      );
    } else if (flow === "recommendations") {
      const rec = grpc(
        fe,
        "recommendation",
        "RecommendationService",
        "ListRecommendations",
        int(200, 900),
      );
      const list = grpc(
        rec,
        "product-catalog",
        "ProductCatalogService",
        "ListProducts",
        int(100, 400),
      );
      db(list, "postgresql", "SELECT", "SELECT id, name, categories FROM products", int(400, 2500));
    } else if (flow === "ads") {
      const ad = grpc(fe, "ad", "AdService", "GetAds", int(150, 700));
      if (ad)
        span(
          ad,
          ad.process,
          "getAdsByCategory",
          "internal",
          [
            ["app.ads.category", "telescopes"],
            ["app.ads.count", int(1, 3)],
          ],
          int(50, 200),
        );
    } else if (flow === "cart") {
      const cart = grpc(fe, "cart", "CartService", "AddItem", int(100, 500));
      cart?.attributes.push(["app.product.id", product], ["app.product.quantity", int(1, 5)]);
      db(cart, "redis", "HMSET", "HMSET cart:<user> items <value>", int(100, 600));
    } else {
      const orderId = uuid();
      const co = grpc(fe, "checkout", "CheckoutService", "PlaceOrder", int(500, 3000));
      if (!co) break;
      co.attributes.push(["app.order.id", orderId]);
      const cart = grpc(co, "cart", "CartService", "GetCart", int(100, 400));
      db(cart, "redis", "HGET", "HGET cart:<user> items", int(80, 400));
      const items = int(1, 4);
      for (let i = 0; i < items; i++)
        grpc(co, "product-catalog", "ProductCatalogService", "GetProduct", int(80, 300));
      for (let i = 0; i < items; i++)
        grpc(co, "currency", "CurrencyService", "Convert", int(20, 120));
      const quote = grpc(co, "shipping", "ShippingService", "GetQuote", int(100, 500));
      http(quote, "quote", "POST", "/getquote", "/getquote", int(200, 900));
      const pay = grpc(co, "payment", "PaymentService", "Charge", int(300, 2000));
      if (pay) {
        pay.attributes.push(
          ["app.payment.card_type", pick(["visa", "mastercard", "amex"])],
          ["app.payment.amount", int(10, 900) + 0.5],
        );
        if (rnd() < 0.05) {
          pay.error = true;
          pay.events.push({
            name: "exception",
            offset: 40,
            attributes: [
              ["exception.type", "Error"],
              [
                "exception.message",
                "Payment request failed. Invalid token. app.loyalty.level=gold",
              ],
              [
                "exception.stacktrace",
                "Error: Payment request failed. Invalid token.\n    at charge (/usr/src/app/charge.js:37:13)\n    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
              ],
            ],
          });
        }
      }
      grpc(co, "shipping", "ShippingService", "ShipOrder", int(100, 500));
      grpc(co, "currency", "CurrencyService", "Convert", int(20, 120));
      const email = grpc(co, "email", "EmailService", "SendOrderConfirmation", int(300, 2000));
      if (email)
        span(
          email,
          email.process,
          "send_email",
          "internal",
          [["app.email.recipient", "someone@example.com"]],
          int(100, 500),
        );
      const empty = grpc(co, "cart", "CartService", "EmptyCart", int(80, 300));
      db(empty, "redis", "DEL", "DEL cart:<user>", int(50, 200));
      const kafka = [
        ["messaging.system", "kafka"],
        ["messaging.destination.name", "orders"],
      ];
      const produce = span(
        co,
        co.process,
        "orders publish",
        "producer",
        [
          ...kafka,
          ["messaging.operation.type", "publish"],
          ["messaging.client.id", "checkout"],
          ["messaging.kafka.message.offset", order],
        ],
        int(100, 400),
      );
      order++;
      for (const svc of ["accounting", "fraud-detection"]) {
        const consume = span(
          produce,
          pod(svc),
          "orders process",
          "consumer",
          [
            ...kafka,
            ["messaging.operation.type", "process"],
            ["messaging.consumer.group.name", svc],
            ["messaging.kafka.message.offset", order - 1],
            ["app.order.id", orderId],
          ],
          int(300, 2500),
        );
        if (consume && svc === "accounting") {
          db(
            consume,
            "postgresql",
            "INSERT",
            "INSERT INTO orders (order_id, currency_code, amount) VALUES ($1, $2, $3)",
            int(300, 1500),
          );
        }
        if (consume && svc === "fraud-detection")
          consume.links.push({ span: co, attributes: [["messaging.operation", "process"]] });
      }
    }
    root.attributes[0][1]++;
  }

  // Times: each span's own work around its children, which follow each other with small gaps.
  const startUs = 1_764_590_400_000_000; // 2025-12-01T12:00:00Z
  const duration = (s) => {
    let d = s.work;
    for (const c of s.children) d += duration(c) + int(5, 60);
    s.durationUs = d;
    return d;
  };
  const place = (s, at) => {
    s.startUs = at;
    s.ns = int(0, 999); // OTLP carries nanoseconds: not every time is a whole µs
    let t = at + int(5, 40);
    for (const c of s.children) {
      place(c, t);
      t += c.durationUs + int(5, 60);
    }
  };
  duration(root);
  place(root, startUs);
  return { traceId, spans, processes };
}

const otlpValue = (v) =>
  typeof v === "string"
    ? { stringValue: v }
    : Number.isInteger(v)
      ? { intValue: String(v) }
      : typeof v === "boolean"
        ? { boolValue: v }
        : { doubleValue: v };
const jaegerTag = ([key, v]) =>
  typeof v === "string"
    ? { key, type: "string", value: v }
    : Number.isInteger(v)
      ? { key, type: "int64", value: v }
      : typeof v === "boolean"
        ? { key, type: "bool", value: v }
        : { key, type: "float64", value: v };

/** The trace as Jaeger `/api/traces` JSON (what Jaeger's query service and Grafana's Jaeger data source get). */
export function toJaeger({ traceId, spans, processes }) {
  return {
    data: [
      {
        traceID: traceId,
        spans: spans.map((s) => ({
          traceID: traceId,
          spanID: s.spanId,
          operationName: s.name,
          flags: 1,
          references: [
            ...(s.parent
              ? [{ refType: "CHILD_OF", traceID: traceId, spanID: s.parent.spanId }]
              : []),
            ...s.links.map((l) => ({
              refType: "FOLLOWS_FROM",
              traceID: traceId,
              spanID: l.span.spanId,
            })),
          ],
          startTime: s.startUs,
          duration: s.durationUs,
          tags: [
            ["otel.scope.name", `${s.process.service}-instrumentation`],
            ["otel.scope.version", "1.0.0"],
            ["span.kind", s.kind],
            ...s.attributes,
            ...(s.error
              ? [
                  ["otel.status_code", "ERROR"],
                  ["error", true],
                ]
              : []),
          ].map(jaegerTag),
          logs: s.events.map((e) => ({
            timestamp: s.startUs + e.offset,
            fields: [["event", e.name], ...e.attributes].map(jaegerTag),
          })),
          processID: `p${s.process.index + 1}`,
          warnings: null,
        })),
        processes: Object.fromEntries(
          processes.map((p) => [
            `p${p.index + 1}`,
            {
              serviceName: p.service,
              tags: p.attributes.filter(([k]) => k !== "service.name").map(jaegerTag),
            },
          ]),
        ),
        warnings: null,
      },
    ],
    total: 0,
    limit: 0,
    offset: 0,
    errors: null,
  };
}

/** The trace as OTLP JSON (`resourceSpans`, what Tempo's API returns), spans grouped by pod. */
export function toOtlp({ traceId, spans, processes }) {
  const ns = (us, extra) => `${us}${String(extra).padStart(3, "0")}`;
  const kv = (attributes) => attributes.map(([key, v]) => ({ key, value: otlpValue(v) }));
  const byProcess = processes.map(() => []);
  for (const s of spans) byProcess[s.process.index].push(s);
  return {
    resourceSpans: processes
      .filter((p) => byProcess[p.index].length)
      .map((p) => ({
        resource: { attributes: kv(p.attributes) },
        scopeSpans: [
          {
            scope: { name: `${p.service}-instrumentation`, version: "1.0.0" },
            spans: byProcess[p.index].map((s) => ({
              traceId,
              spanId: s.spanId,
              parentSpanId: s.parent ? s.parent.spanId : "",
              name: s.name,
              kind: KIND[s.kind],
              startTimeUnixNano: ns(s.startUs, s.ns),
              endTimeUnixNano: ns(s.startUs + s.durationUs, s.ns),
              attributes: kv(s.attributes),
              events: s.events.map((e) => ({
                timeUnixNano: ns(s.startUs + e.offset, 0),
                name: e.name,
                attributes: kv(e.attributes),
              })),
              links: s.links.map((l) => ({
                traceId,
                spanId: l.span.spanId,
                attributes: kv(l.attributes),
              })),
              status: s.error ? { code: 2, message: "Payment request failed" } : {},
            })),
          },
        ],
      })),
  };
}

/**
 * The benchmark trace as a JSON document.
 * @param {{spans?: number, seed?: number, format?: "jaeger" | "otlp"}} options
 */
export function generateTrace({ spans = 10_000, seed = 1, format = "jaeger" } = {}) {
  const built = buildSpans({ spans, seed });
  return format === "otlp" ? toOtlp(built) : toJaeger(built);
}

/** Writes trace-<N>.<format>.json for each size into `dir`; returns the paths. */
export function writeTraces(dir, sizes = [10_000, 100_000], seed = 1) {
  mkdirSync(dir, { recursive: true });
  const paths = [];
  for (const n of sizes) {
    const built = buildSpans({ spans: n, seed });
    for (const [format, render] of [
      ["jaeger", toJaeger],
      ["otlp", toOtlp],
    ]) {
      const path = join(dir, `trace-${n}.${format}.json`);
      writeFileSync(path, JSON.stringify(render(built)));
      paths.push(path);
    }
  }
  return paths;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const dir = arg("out", join(root, "target", "bench"));
  const sizes = arg("spans", "10000,100000").split(",").map(Number);
  for (const p of writeTraces(dir, sizes, Number(arg("seed", 1)))) console.log(p);
}

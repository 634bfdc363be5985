// @ts-check
// A deterministic trace generator for a small online shop, written for spanlink's demo.
// Plain ES module (no TypeScript syntax) so that Node tests can import it as it is.
//
// Topology: frontend → api-gateway → cart / payment → postgres (client spans with db.*),
// api-gateway → kafka "orders" (producer) → order-worker (consumer) → postgres.
// Output: OTLP JSON (resourceSpans / scopeSpans), lower-case hex ids, protobuf-JSON
// value encoding (intValue as a string, kind and status code as numbers).

/** mulberry32: a tiny seeded PRNG, good enough for ids and jitter. @param {number} seed */
export function prng(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEX = "0123456789abcdef";

/** @param {() => number} rnd @param {number} bytes */
function hexId(rnd, bytes) {
  let s = "";
  for (let i = 0; i < bytes * 2; i++) s += HEX[Math.floor(rnd() * 16)];
  // an all-zero id is invalid in OTLP
  return /^0+$/.test(s) ? "1" + s.slice(1) : s;
}

/** @param {() => number} rnd @param {number} n */
function base36(rnd, n) {
  const chars = "bcdfghjklmnpqrstvwxz2456789";
  let s = "";
  for (let i = 0; i < n; i++) s += chars[Math.floor(rnd() * chars.length)];
  return s;
}

/** @param {string} s */
function strHash(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };

/** OTLP AnyValue from a JS value. @param {unknown} v */
function anyValue(v) {
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "number")
    return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { stringValue: String(v) };
}

/** @param {Record<string, unknown>} obj */
function attrs(obj) {
  return Object.entries(obj).map(([key, value]) => ({ key, value: anyValue(value) }));
}

/** The start of every generated trace: 2026-11-20T10:15:00Z, in nanoseconds (as a BigInt). */
export const SHOP_EPOCH_MS = Date.UTC(2026, 10, 20, 10, 15, 0);

const SERVICES = {
  frontend: { lang: "nodejs", version: "2.14.0", pods: 3 },
  "api-gateway": { lang: "go", version: "1.8.3", pods: 2 },
  cart: { lang: "java", version: "3.2.1", pods: 2 },
  payment: { lang: "go", version: "0.9.12", pods: 2 },
  "order-worker": { lang: "python", version: "1.4.0", pods: 3 },
};

/**
 * Generate the shop trace.
 * @param {{ seed?: number, spans?: number, traceId?: string }} [options]
 *   `spans`: the exact number of spans to produce (default: one checkout, 18 spans).
 * @returns {{ traceId: string, otlp: any, ids: Record<string, string> }}
 *   `ids` names a few interesting span ids (`checkout`, `charge`, `authorizeError`, `fraudScore`,
 *   `consume`, `cartQuery`…) of the first checkout.
 */
export function generateShopTrace(options = {}) {
  const seed = options.seed ?? 20261120;
  const rnd = prng(seed);
  const traceId = options.traceId ?? hexId(rnd, 16);
  const linkedTraceId = hexId(rnd, 16); // the inventory-sync batch trace the consumer links to
  const linkedSpanId = hexId(rnd, 8);
  const cluster = "eu-west-1-prod";
  const namespace = "shop";

  // one resource per pod; spans are grouped by resource at the end
  /** @type {Map<string, { resource: any, spans: any[] }>} */
  const resources = new Map();
  /** @type {Record<string, string[]>} */
  const podNames = {};
  for (const [name, svc] of Object.entries(SERVICES)) {
    const rs = prng(seed ^ strHash(name));
    const hash = base36(rs, 10);
    podNames[name] = Array.from({ length: svc.pods }, () => `${name}-${hash}-${base36(rs, 5)}`);
  }
  const nodes = [
    "ip-10-0-1-23.eu-west-1.compute.internal",
    "ip-10-0-2-87.eu-west-1.compute.internal",
    "ip-10-0-3-141.eu-west-1.compute.internal",
  ];

  /** @param {string} service @param {number} podIndex */
  function resourceFor(service, podIndex) {
    const pod = podNames[service][podIndex % podNames[service].length];
    let r = resources.get(pod);
    if (!r) {
      const svc = SERVICES[/** @type {keyof typeof SERVICES} */ (service)];
      r = {
        resource: {
          attributes: attrs({
            "service.name": service,
            "service.namespace": namespace,
            "service.version": svc.version,
            "deployment.environment": "production",
            "k8s.cluster.name": cluster,
            "k8s.namespace.name": namespace,
            "k8s.pod.name": pod,
            "k8s.deployment.name": service,
            "host.name": nodes[(pod.length + podIndex) % nodes.length],
            "telemetry.sdk.language": svc.lang,
            "telemetry.sdk.name": "opentelemetry",
          }),
        },
        spans: [],
      };
      resources.set(pod, r);
    }
    return r;
  }

  let count = 0;
  const limit = options.spans ?? Infinity;
  /** @type {Record<string, string>} */
  const ids = {};

  /**
   * Add one span. Times are in microseconds relative to the trace start.
   * @param {{ service: string, pod: number, name: string, kind: keyof typeof KIND, parent?: string,
   *   start: number, duration: number, attributes?: Record<string, unknown>, events?: any[],
   *   links?: any[], status?: { code: number, message?: string } }} s
   */
  function span(s) {
    count++;
    const spanId = hexId(rnd, 8);
    const startNs = BigInt(SHOP_EPOCH_MS) * 1000000n + BigInt(Math.round(s.start * 1000));
    const endNs = startNs + BigInt(Math.max(1, Math.round(s.duration * 1000)));
    /** @type {any} */
    const out = {
      traceId,
      spanId,
      parentSpanId: s.parent ?? "",
      name: s.name,
      kind: KIND[s.kind],
      startTimeUnixNano: String(startNs),
      endTimeUnixNano: String(endNs),
      attributes: attrs(s.attributes ?? {}),
    };
    if (s.events?.length)
      out.events = s.events.map((e) => ({
        timeUnixNano: String(startNs + BigInt(Math.round(e.at * 1000))),
        name: e.name,
        attributes: attrs(e.attributes ?? {}),
      }));
    if (s.links?.length) out.links = s.links;
    out.status = s.status ?? { code: 0 };
    resourceFor(s.service, s.pod).spans.push(out);
    return spanId;
  }

  const jitter = (/** @type {number} */ base, /** @type {number} */ spread) =>
    base + rnd() * spread;

  /** One checkout request starting at `t0` µs; returns the end time. */
  function checkout(
    /** @type {number} */ t0,
    /** @type {string | undefined} */ parent,
    /** @type {number} */ n,
  ) {
    const first = n === 0;
    const pod = Math.floor(rnd() * 3);
    const orderId = `ORD-${10420 + n}`;
    const customer = `c-${Math.floor(rnd() * 9000 + 1000)}`;
    const fail = first || rnd() < 0.06; // the first checkout always shows the error + retry
    const cpuHeavy = first || rnd() < 0.3;

    const total = jitter(fail ? 412000 : 236000, 60000);
    const root = span({
      service: "frontend",
      pod,
      name: "POST /api/checkout",
      kind: "server",
      parent,
      start: t0,
      duration: total,
      attributes: {
        "http.request.method": "POST",
        "http.route": "/api/checkout",
        "url.path": "/api/checkout",
        "http.response.status_code": 200,
        "user_agent.original": "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
        "app.customer.id": customer,
        "session.id": `s-${base36(rnd, 12)}`,
      },
      events: [{ at: 800, name: "cart validated", attributes: { "app.cart.items": 3 } }],
    });
    if (first) ids.checkout = root;
    const gwClient = span({
      service: "frontend",
      pod,
      name: "POST",
      kind: "client",
      parent: root,
      start: t0 + 1200,
      duration: total - 3000,
      attributes: {
        "http.request.method": "POST",
        "server.address": "api-gateway.shop.svc",
        "server.port": 8080,
        "url.full": "http://api-gateway.shop.svc:8080/v1/checkout",
        "http.response.status_code": 200,
      },
    });
    const gpod = pod + 1;
    const gw = span({
      service: "api-gateway",
      pod: gpod,
      name: "POST /v1/checkout",
      kind: "server",
      parent: gwClient,
      start: t0 + 2100,
      duration: total - 5200,
      attributes: {
        "http.request.method": "POST",
        "http.route": "/v1/checkout",
        "http.response.status_code": 200,
        "app.order.id": orderId,
        "net.peer.ip": `10.0.${pod}.${40 + pod}`,
      },
    });
    if (first) ids.gateway = gw;
    const auth = span({
      service: "api-gateway",
      pod: gpod,
      name: "authenticate",
      kind: "internal",
      parent: gw,
      start: t0 + 2400,
      duration: jitter(3200, 900),
      attributes: { "enduser.id": customer, "auth.method": "jwt" },
    });
    void auth;

    // cart
    let t = t0 + 6500;
    const cartClient = span({
      service: "api-gateway",
      pod: gpod,
      name: "cart.CartService/GetCart",
      kind: "client",
      parent: gw,
      start: t,
      duration: 31000,
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": "cart.CartService",
        "rpc.method": "GetCart",
        "server.address": "cart.shop.svc",
      },
    });
    const cart = span({
      service: "cart",
      pod,
      name: "cart.CartService/GetCart",
      kind: "server",
      parent: cartClient,
      start: t + 900,
      duration: 29000,
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": "cart.CartService",
        "rpc.method": "GetCart",
        "rpc.grpc.status_code": 0,
        "app.customer.id": customer,
      },
    });
    if (first) ids.cart = cart;
    const cartDb = span({
      service: "cart",
      pod,
      name: "SELECT shop.cart_items",
      kind: "client",
      parent: cart,
      start: t + 2100,
      duration: jitter(14000, 6000),
      attributes: {
        "db.system": "postgresql",
        "db.name": "shop",
        "db.operation": "SELECT",
        "db.sql.table": "cart_items",
        "db.statement": "SELECT sku, quantity, price_cents FROM cart_items WHERE customer_id = $1",
        "server.address": "postgres.shop.svc",
        "server.port": 5432,
      },
    });
    if (first) ids.cartQuery = cartDb;
    span({
      service: "cart",
      pod,
      name: "price cart",
      kind: "internal",
      parent: cart,
      start: t + 21000,
      duration: jitter(5500, 2000),
      attributes: { "app.cart.items": 3, "app.cart.currency": "EUR" },
    });

    // payment
    t = t0 + 40000;
    const payDur = fail ? 330000 : 150000;
    const payClient = span({
      service: "api-gateway",
      pod: gpod,
      name: "payment.PaymentService/Charge",
      kind: "client",
      parent: gw,
      start: t,
      duration: payDur,
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": "payment.PaymentService",
        "rpc.method": "Charge",
        "server.address": "payment.shop.svc",
      },
    });
    const charge = span({
      service: "payment",
      pod,
      name: "payment.PaymentService/Charge",
      kind: "server",
      parent: payClient,
      start: t + 1000,
      duration: payDur - 2000,
      attributes: {
        "rpc.system": "grpc",
        "rpc.service": "payment.PaymentService",
        "rpc.method": "Charge",
        "rpc.grpc.status_code": 0,
        "app.order.id": orderId,
        "app.payment.amount": 129.9,
        "app.payment.currency": "EUR",
        "app.payment.card_type": "visa",
      },
    });
    if (first) ids.charge = charge;
    /** @type {Record<string, unknown>} */
    const fraudAttrs = {
      "app.fraud.model": "gbt-v7",
      "app.fraud.score": 0.07,
      "code.function": "score_transaction",
    };
    if (cpuHeavy) fraudAttrs["pyroscope.profile.id"] = hexId(rnd, 8);
    const fraud = span({
      service: "payment",
      pod,
      name: "fraud-score",
      kind: "internal",
      parent: charge,
      start: t + 2500,
      duration: jitter(68000, 20000),
      attributes: fraudAttrs,
    });
    if (first) ids.fraudScore = fraud;
    let at = t + 75000;
    if (fail) {
      const err = span({
        service: "payment",
        pod,
        name: "POST /v2/authorize",
        kind: "client",
        parent: charge,
        start: at,
        duration: 160000,
        attributes: {
          "http.request.method": "POST",
          "server.address": "card-network.example.net",
          "url.full": "https://card-network.example.net/v2/authorize",
          "http.response.status_code": 504,
          "error.type": "504",
        },
        status: { code: 2, message: "upstream timeout from card network" },
        events: [
          {
            at: 159500,
            name: "exception",
            attributes: {
              "exception.type": "payment.GatewayTimeout",
              "exception.message": "card network did not answer within 160ms",
              "exception.stacktrace":
                "payment.GatewayTimeout: card network did not answer within 160ms\n  at authorize (gateway.go:212)\n  at Charge (service.go:88)",
              "exception.escaped": false,
            },
          },
        ],
      });
      if (first) ids.authorizeError = err;
      at += 162000;
    }
    const authz = span({
      service: "payment",
      pod,
      name: "POST /v2/authorize",
      kind: "client",
      parent: charge,
      start: at,
      duration: jitter(52000, 9000),
      attributes: {
        "http.request.method": "POST",
        "server.address": "card-network.example.net",
        "url.full": "https://card-network.example.net/v2/authorize",
        "http.response.status_code": 200,
        "http.request.resend_count": fail ? 1 : 0,
      },
    });
    if (first) ids.authorize = authz;
    span({
      service: "payment",
      pod,
      name: "INSERT shop.payments",
      kind: "client",
      parent: charge,
      start: at + 62000,
      duration: jitter(6000, 3000),
      attributes: {
        "db.system": "postgresql",
        "db.name": "shop",
        "db.operation": "INSERT",
        "db.sql.table": "payments",
        "db.statement": "INSERT INTO payments (order_id, amount_cents, status) VALUES ($1, $2, $3)",
        "server.address": "postgres.shop.svc",
        "server.port": 5432,
      },
    });

    // order event → queue consumer
    t = t0 + 40000 + payDur + 4000;
    const produce = span({
      service: "api-gateway",
      pod: gpod,
      name: "orders publish",
      kind: "producer",
      parent: gw,
      start: t,
      duration: 2400,
      attributes: {
        "messaging.system": "kafka",
        "messaging.operation.type": "publish",
        "messaging.destination.name": "orders",
        "messaging.kafka.message.key": orderId,
        "messaging.message.id": `${orderId}-1`,
      },
    });
    if (first) ids.publish = produce;
    const consume = span({
      service: "order-worker",
      pod,
      name: "orders process",
      kind: "consumer",
      parent: produce,
      start: t + 9000,
      duration: jitter(38000, 8000),
      attributes: {
        "messaging.system": "kafka",
        "messaging.operation.type": "process",
        "messaging.destination.name": "orders",
        "messaging.consumer.group.name": "order-worker",
        "messaging.kafka.partition": n % 6,
        "app.order.id": orderId,
      },
      links: [
        // the stock-reservation batch this order was grouped with: another trace
        {
          traceId: linkedTraceId,
          spanId: linkedSpanId,
          attributes: attrs({ "link.reason": "inventory batch" }),
        },
        // the payment that made the order payable: a span of this trace
        { traceId, spanId: charge, attributes: attrs({ "link.reason": "paid by" }) },
      ],
      events: [
        { at: 500, name: "message received", attributes: { "messaging.message.body.size": 412 } },
      ],
    });
    if (first) ids.consume = consume;
    /** @type {Record<string, unknown>} */
    const invoiceAttrs = { "app.invoice.pages": 2, "code.function": "render_invoice" };
    if (cpuHeavy) invoiceAttrs["pyroscope.profile.id"] = hexId(rnd, 8);
    const invoice = span({
      service: "order-worker",
      pod,
      name: "render invoice",
      kind: "internal",
      parent: consume,
      start: t + 10500,
      duration: jitter(21000, 6000),
      attributes: invoiceAttrs,
    });
    if (first) ids.invoice = invoice;
    span({
      service: "order-worker",
      pod,
      name: "UPDATE shop.orders",
      kind: "client",
      parent: consume,
      start: t + 34000,
      duration: jitter(3000, 1500),
      attributes: {
        "db.system": "postgresql",
        "db.name": "shop",
        "db.operation": "UPDATE",
        "db.sql.table": "orders",
        "db.statement": "UPDATE orders SET status = 'paid', invoice_id = $2 WHERE id = $1",
        "server.address": "postgres.shop.svc",
        "server.port": 5432,
      },
    });
    return t0 + total;
  }

  const PER_CHECKOUT_MAX = 24;
  if (limit === Infinity) {
    checkout(0, undefined, 0);
  } else {
    // a load-test session: one root, many checkouts under it, padded to exactly `limit` spans
    const root = span({
      service: "frontend",
      pod: 0,
      name: "loadtest session",
      kind: "internal",
      start: 0,
      duration: 1,
      attributes: { "app.loadtest.id": "k6-nightly", "app.loadtest.vus": 40 },
    });
    ids.session = root;
    let t = 1000;
    let n = 0;
    while (count + PER_CHECKOUT_MAX < limit) {
      checkout(t, root, n++);
      t += jitter(30000, 30000);
    }
    while (count < limit) {
      span({
        service: "frontend",
        pod: count % 3,
        name: "GET /healthz",
        kind: "server",
        parent: root,
        start: t,
        duration: jitter(400, 300),
        attributes: {
          "http.request.method": "GET",
          "http.route": "/healthz",
          "http.response.status_code": 200,
        },
      });
      t += 5000;
    }
    // stretch the root over everything
    const rootSpan = resources.get(podNames.frontend[0])?.spans.find((s) => s.spanId === root);
    if (rootSpan)
      rootSpan.endTimeUnixNano = String(
        BigInt(SHOP_EPOCH_MS) * 1000000n + BigInt(Math.round((t + 4000) * 1000)),
      );
  }

  const otlp = {
    resourceSpans: [...resources.values()].map((r) => ({
      resource: r.resource,
      scopeSpans: [
        { scope: { name: "io.opentelemetry.contrib.shop", version: "1.0.0" }, spans: r.spans },
      ],
    })),
  };
  return { traceId, otlp, ids };
}

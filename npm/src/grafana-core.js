// spanlink/grafana: spanlink's links in the shapes Grafana renders (LinkModel, the trace view's
// SpanLinkDef, the Traces panel's createSpanLink option). Plain objects only: no @grafana/* import.

/** spanlink's link type → the trace view's SpanLinkType value. */
const SPAN_LINK_TYPES = {
  logs: "log",
  metrics: "metric",
  profiles: "profile",
  traces: "trace",
  session: "session",
  correlation: "unknown",
  external: "unknown",
};

/** The trace view's `SpanLinkType` value for a spanlink link type (`logs` → `log`, …). */
export function spanLinkType(type) {
  const mapped = SPAN_LINK_TYPES[type];
  if (mapped === undefined)
    throw argumentError("link.type", `unknown link type ${JSON.stringify(type)}`);
  return mapped;
}

function argumentError(path, message) {
  const e = new Error(`spanlink: ${path}: ${message}`);
  e.name = "SpanlinkError";
  e.code = "INVALID_ARGUMENT";
  e.path = path;
  return e;
}

function checkLink(link) {
  if (link === null || typeof link !== "object" || typeof link.href !== "string") {
    throw argumentError("link", "expected a spanlink Link ({ type, title, href, target, origin })");
  }
}

/**
 * A spanlink link as Grafana's `LinkModel`. `options.origin` is the model's `origin` (default:
 * the link's rule path); `options.toTimeRange` turns the link's `{ from, to }` epoch ms into
 * Grafana's `TimeRange` (it needs `dateTime`, which spanlink does not bundle) for
 * `interpolatedParams.timeRange`; without it the time range is left out.
 */
export function toLinkModel(link, options = {}) {
  checkLink(link);
  const model = {
    href: link.href,
    title: link.title,
    target: link.target,
    origin: "origin" in options ? options.origin : link.origin,
  };
  if (options.onClick) model.onClick = options.onClick;
  const internal = link.internal;
  if (internal) {
    // Grafana's DataQuery needs a refId; a correlation target may lack one.
    const params = { query: { refId: "", ...internal.query } };
    if (internal.range && options.toTimeRange)
      params.timeRange = options.toTimeRange(internal.range);
    if (internal.alternatives) {
      params.alternativeQueries = internal.alternatives.map((q) => ({
        ...q,
        datasource: { uid: internal.datasourceUid },
      }));
    }
    model.interpolatedParams = params;
  }
  return model;
}

/**
 * A spanlink link as the trace view's `SpanLinkDef`: `{ href, title, type, target, content,
 * field, linkModel }`. `options.field` is the frame field Grafana puts there (the trace view uses
 * the frame's first); `options.content` what the menu renders (default: the title).
 */
export function toSpanLinkDef(link, options = {}) {
  checkLink(link);
  const field = options.field ?? { name: "", type: "other", config: {}, values: [] };
  const def = {
    href: link.href,
    title: link.title,
    type: spanLinkType(link.type),
    target: link.target,
    content: options.content ?? link.title,
    field,
    linkModel: toLinkModel(link, {
      origin: field,
      toTimeRange: options.toTimeRange,
      onClick: options.onClick,
    }),
  };
  if (options.onClick) def.onClick = options.onClick;
  return def;
}

/** The trace frame of a panel's `data.series` (meta says "trace", else it has a spanID field), or undefined. */
export function findTraceFrame(series) {
  if (!Array.isArray(series)) return undefined;
  const fieldsOf = (f) => (f && (f.fields || (f.schema && f.schema.fields))) || [];
  const metaOf = (f) => (f && (f.meta || (f.schema && f.schema.meta))) || {};
  return (
    series.find(
      (f) => metaOf(f).preferredVisualisationType === "trace" && fieldsOf(f).length > 0,
    ) ?? series.find((f) => fieldsOf(f).some((x) => x && x.name === "spanID"))
  );
}

const isTrace = (v) =>
  v !== null &&
  typeof v === "object" &&
  typeof v.spanCount === "number" &&
  typeof v.free === "function";

/**
 * Builds `createSpanLink(correlator, frame, options)` over one entry's `parseTrace`, so the trace
 * comes from the same wasm instance as the correlator.
 */
export function makeCreateSpanLink(parseTrace) {
  return function createSpanLink(correlator, frame, options = {}) {
    if (
      correlator === null ||
      typeof correlator !== "object" ||
      typeof correlator.spanLinks !== "function"
    ) {
      throw argumentError("correlator", "expected a spanlink Correlator");
    }
    const trace = isTrace(frame) ? frame : parseTrace(frame);
    const fields = (frame && frame.fields) || [];
    const field = options.field ?? fields[0];
    return function spanLinks(span) {
      const spanId = typeof span === "string" ? span : span && span.spanID;
      let links;
      try {
        links = correlator.spanLinks(trace, spanId);
      } catch (e) {
        if (e && e.code === "SPAN_NOT_FOUND") return [];
        throw e;
      }
      return links.map((link) => toSpanLinkDef(link, { ...options, field }));
    };
  };
}

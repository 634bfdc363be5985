// Grafana's trace data frames built from trace JSON, as Grafana's backends build them (written
// from pkg/tsdb/tempo/trace_transform.go and pkg/tsdb/jaeger's transformTraceResponse), and
// Grafana's run-time settings shapes built from a provisioning document. Test helpers only.

const hex = (id) => {
  if (/^[0-9a-fA-F]+$/.test(id) && (id.length === 16 || id.length === 32)) return id.toLowerCase();
  return Buffer.from(id, "base64").toString("hex");
};

const isId = (id, bytes) =>
  typeof id === "string" &&
  (/^[0-9a-fA-F]+$/.test(id)
    ? id.length === bytes * 2
    : Buffer.from(id, "base64").length === bytes && /^[A-Za-z0-9+/]+=*$/.test(id));

/** OTLP AnyValue as the Tempo backend writes it: scalars typed, lists and maps as JSON text. */
function anyValue(v) {
  if (v == null) return null;
  if ("stringValue" in v) return v.stringValue;
  if ("intValue" in v) return Number(v.intValue);
  if ("boolValue" in v) return v.boolValue;
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("arrayValue" in v) return JSON.stringify((v.arrayValue.values || []).map(anyValue));
  if ("kvlistValue" in v) {
    const out = {};
    for (const kv of v.kvlistValue.values || []) out[kv.key] = anyValue(kv.value);
    return JSON.stringify(out);
  }
  return "";
}
const attributes = (list) => (list || []).map((kv) => ({ value: anyValue(kv.value), key: kv.key }));

const KINDS = { 1: "internal", 2: "server", 3: "client", 4: "producer", 5: "consumer" };
function kind(k) {
  if (typeof k === "number") return KINDS[k] ?? "";
  if (typeof k === "string")
    return k
      .replace(/^SPAN_KIND_/, "")
      .toLowerCase()
      .replace("unspecified", "");
  return "";
}
const STATUS = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const statusCode = (c) => (typeof c === "number" ? c : (STATUS[c] ?? 0));
const ms = (nanos) => Number(nanos) / 1e6;

export const TEMPO_FIELDS = [
  "traceID",
  "spanID",
  "parentSpanID",
  "operationName",
  "serviceName",
  "kind",
  "statusCode",
  "statusMessage",
  "instrumentationLibraryName",
  "instrumentationLibraryVersion",
  "traceState",
  "serviceTags",
  "startTime",
  "duration",
  "logs",
  "references",
  "tags",
];

/** Rows of Tempo's 17-field trace frame for an OTLP JSON document (resourceSpans or batches). */
export function tempoRows(doc) {
  const rows = [];
  for (const rs of doc.resourceSpans || doc.batches || []) {
    const resource = (rs.resource && rs.resource.attributes) || [];
    if (resource.length === 0) continue; // the backend skips resources without attributes
    const serviceTags = attributes(resource);
    const name = resource.find((a) => a.key === "service.name");
    const serviceName = name ? anyValue(name.value) : "OTLPResourceNoServiceName";
    for (const ss of rs.scopeSpans || rs.instrumentationLibrarySpans || []) {
      const scope = ss.scope || ss.instrumentationLibrary || {};
      for (const s of ss.spans || []) {
        const status = s.status || {};
        rows.push({
          traceID: hex(s.traceId).replace(/^0{16}/, ""),
          spanID: hex(s.spanId),
          parentSpanID: s.parentSpanId ? hex(s.parentSpanId) : "",
          operationName: s.name,
          serviceName,
          kind: kind(s.kind),
          statusCode: statusCode(status.code),
          statusMessage: status.message || "",
          instrumentationLibraryName: scope.name || "",
          instrumentationLibraryVersion: scope.version || "",
          traceState: s.traceState || "",
          serviceTags,
          startTime: ms(s.startTimeUnixNano),
          duration: Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e6,
          logs: (s.events || []).map((e) => ({
            timestamp: ms(e.timeUnixNano),
            fields: attributes(e.attributes),
            ...(e.name ? { name: e.name } : {}),
          })),
          // A link whose ids are no ids cannot reach the backend (protobuf bytes): not in the frame.
          references: (s.links || [])
            .filter((l) => isId(l.traceId, 16) && isId(l.spanId, 8))
            .map((l) => ({
              spanID: hex(l.spanId),
              traceID: hex(l.traceId).replace(/^0+/, ""),
              tags: attributes(l.attributes),
            })),
          tags: [...attributes(s.attributes), ...attributes(scope.attributes)],
        });
      }
    }
  }
  return rows;
}

export const JAEGER_FIELDS = [
  "traceID",
  "spanID",
  "parentSpanID",
  "operationName",
  "serviceName",
  "serviceTags",
  "startTime",
  "duration",
  "logs",
  "references",
  "tags",
  "warnings",
  "stackTraces",
];

/** Rows of Jaeger's trace frame for a Jaeger `/api/traces` document (first trace). */
export function jaegerRows(doc) {
  const trace = doc.data ? doc.data[0] : doc;
  return trace.spans.map((s) => {
    const parent = (s.references || []).find((r) => r.refType === "CHILD_OF");
    const process = trace.processes[s.processID] || {};
    return {
      traceID: s.traceID,
      spanID: s.spanID,
      parentSpanID: parent ? parent.spanID : null,
      operationName: s.operationName,
      serviceName: process.serviceName ?? "",
      serviceTags: process.tags ?? null,
      startTime: s.startTime / 1000,
      duration: s.duration / 1000,
      logs: (s.logs || []).map((l) => ({ ...l, timestamp: l.timestamp / 1000 })),
      references: (s.references || []).filter((r) => !parent || r.spanID !== parent.spanID),
      tags: s.tags ?? null,
      warnings: s.warnings ?? null,
      stackTraces: s.stackTraces ?? null,
    };
  });
}

/** A `DataFrame` (`fields[].values`) of these rows. */
export function dataFrame(names, rows, name = "Trace") {
  return {
    name,
    refId: "A",
    meta: { preferredVisualisationType: "trace" },
    length: rows.length,
    fields: names.map((n) => ({
      name: n,
      type: typeof rows[0]?.[n] === "number" ? "number" : "other",
      config: {},
      values: rows.map((r) => r[n]),
    })),
  };
}

/** The same rows as a `DataFrameJSON` (`schema` + `data.values`), list cells as JSON text as the wire has them. */
export function dataFrameJson(names, rows) {
  const frame = dataFrame(names, rows);
  return {
    schema: {
      name: frame.name,
      meta: frame.meta,
      fields: frame.fields.map(({ name, type }) => ({ name, type })),
    },
    data: {
      values: frame.fields.map((f) =>
        f.values.map((v) => (v !== null && typeof v === "object" ? JSON.stringify(v) : v)),
      ),
    },
  };
}

/** `getDataSourceSrv().getList()`'s shape for a provisioning document's data sources. */
export function instanceSettings(doc) {
  return (doc.datasources || []).map((ds, id) => ({
    id,
    uid: ds.uid ?? ds.name,
    type: ds.type,
    name: ds.name,
    meta: {
      id: ds.type,
      type: "datasource",
      name: ds.type,
      info: { logos: { small: "", large: "" } },
      module: "",
    },
    readOnly: true,
    url: ds.url,
    jsonData: ds.jsonData ?? {},
    access: ds.access ?? "proxy",
    isDefault: Boolean(ds.isDefault),
  }));
}

/**
 * Every correlation of a provisioning document in the run-time shape of
 * `getCorrelationsBySourceUIDs`: `source` / `target` are the data sources' settings.
 */
export function runtimeCorrelations(doc) {
  const settings = instanceSettings(doc);
  const find = (ref) => settings.find((s) => s.uid === ref) ?? settings.find((s) => s.name === ref);
  const out = [];
  const add = (c, source) => {
    const target = c.targetUID ? find(c.targetUID) : undefined;
    const { sourceUID, targetUID, config, ...rest } = c;
    const { type: configType, ...configRest } = config || {};
    out.push({
      uid: `c${out.length}`,
      provisioned: true,
      ...rest,
      type: c.type ?? configType ?? "query",
      config: configRest,
      source,
      ...(target ? { target } : {}),
    });
  };
  (doc.datasources || []).forEach((ds, i) =>
    (ds.correlations || []).forEach((c) => add(c, settings[i])),
  );
  (doc.correlations || []).forEach((c) => add(c, find(c.sourceUID)));
  return out;
}

// The contender of bench/bench.mjs: the links of Grafana's trace view computed in JavaScript with
// Grafana's own published code (bench/peers/grafana.cjs) for the template and URL work, and this
// file for the glue Grafana keeps in its app (createSpanLink: which tags match, the time windows,
// which links exist). It covers what the benchmark's rule sets use — tracesToLogsV2 to Loki,
// tracesToMetrics, tracesToProfiles (Tempo's "Related profiles" data link), span references, and
// query correlations on the trace frame with regex transformations — following docs/ and
// Grafana's behaviour, not spanlink's code. Two ways to build each link:
// - "interpolate": sceneGraph.interpolate for every template, then
//   "/explore?left=" + encodeURIComponent(JSON.stringify(state)): the fastest JavaScript that does
//   the job;
// - "explore": Grafana's path as the trace view runs it — mapInternalLinkToExplore with
//   DateTime (moment) ranges, sceneGraph.interpolate as replaceVariables.

/** Attribute list → `[{key, value}]` with OTLP values unwrapped as Grafana's Tempo transform does. */
function otlpAttributes(list) {
  const out = [];
  for (const { key, value } of list || []) {
    const v = value || {};
    out.push({
      key,
      value:
        v.stringValue ??
        (v.intValue !== undefined
          ? Number(v.intValue)
          : (v.boolValue ?? v.doubleValue ?? v.arrayValue ?? v.kvlistValue)),
    });
  }
  return out;
}

/**
 * The trace model a JavaScript trace view builds from the JSON (Jaeger or OTLP): spans with
 * `process.tags`, `tags`, `references` and `subsidiarilyReferencedBy`, times in µs.
 * @returns {{traceID: string, spans: object[], byId: Map<string, object>, name: string, startTime: number, duration: number}}
 */
export function buildModel(doc) {
  const spans = [];
  if (doc.data) {
    for (const t of doc.data) {
      const processes = {};
      for (const [id, p] of Object.entries(t.processes)) {
        processes[id] = {
          serviceName: p.serviceName,
          tags: p.tags.map(({ key, value }) => ({ key, value })),
        };
      }
      for (const s of t.spans) {
        spans.push({
          traceID: s.traceID,
          spanID: s.spanID,
          operationName: s.operationName,
          startTime: s.startTime,
          duration: s.duration,
          process: processes[s.processID],
          tags: s.tags.map(({ key, value }) => ({ key, value })),
          references: s.references.map(({ refType, traceID, spanID }) => ({
            refType,
            traceID,
            spanID,
          })),
          subsidiarilyReferencedBy: [],
        });
      }
    }
  } else {
    for (const rs of doc.resourceSpans || doc.batches) {
      const tags = otlpAttributes(rs.resource.attributes);
      const process = {
        serviceName: tags.find((t) => t.key === "service.name")?.value ?? "",
        tags,
      };
      for (const ss of rs.scopeSpans || rs.instrumentationLibrarySpans) {
        for (const s of ss.spans) {
          const start = BigInt(s.startTimeUnixNano);
          spans.push({
            traceID: s.traceId,
            spanID: s.spanId,
            operationName: s.name,
            startTime: Number(s.startTimeUnixNano) / 1000,
            duration: Number(BigInt(s.endTimeUnixNano) - start) / 1000,
            process,
            tags: otlpAttributes(s.attributes),
            references: [
              ...(s.parentSpanId
                ? [{ refType: "CHILD_OF", traceID: s.traceId, spanID: s.parentSpanId }]
                : []),
              ...(s.links || []).map((l) => ({
                refType: "EXTERNAL",
                traceID: l.traceId,
                spanID: l.spanId,
              })),
            ],
            subsidiarilyReferencedBy: [],
          });
        }
      }
    }
  }
  const byId = new Map(spans.map((s) => [s.spanID, s]));
  for (const s of spans) {
    for (const r of s.references) {
      const target =
        r.refType !== "CHILD_OF" && r.traceID === s.traceID ? byId.get(r.spanID) : undefined;
      if (target)
        target.subsidiarilyReferencedBy.push({
          refType: r.refType,
          traceID: s.traceID,
          spanID: s.spanID,
          span: s,
        });
    }
    for (const r of s.references) r.span = r.traceID === s.traceID ? byId.get(r.spanID) : undefined;
  }
  // The trace's name and extent, as the trace view computes them (root span's service: operation).
  let startTime = Infinity,
    end = -Infinity;
  for (const s of spans) {
    startTime = Math.min(startTime, s.startTime);
    end = Math.max(end, s.startTime + s.duration);
  }
  const root = spans.find((s) => !s.references.some((r) => r.refType === "CHILD_OF")) || spans[0];
  return {
    traceID: spans[0]?.traceID,
    spans,
    byId,
    startTime,
    duration: end - startTime,
    name: root ? `${root.process.serviceName}: ${root.operationName}` : "",
  };
}

const BUILT_INS = new Set([
  "__from",
  "__to",
  "__interval",
  "__interval_ms",
  "__org",
  "__user",
  "__range",
  "__rate_interval",
  "__timeFilter",
  "timeFilter",
  "__dashboard",
  "__name",
]);

/**
 * Grafana's span-link factory for one rule set, on Grafana's interpolator.
 * @param {ReturnType<import("./peers/grafana.cjs").loadGrafana>} g
 * @param {object} settings the provisioning document (the tracing data source is the first tempo one)
 * @param {"interpolate" | "explore"} mode
 */
export function grafanaLinks(g, settings, mode) {
  const dss = settings.datasources;
  const tempo = dss.find((d) => d.type === "tempo");
  const byUid = new Map(dss.map((d) => [d.uid, d]));
  const j = tempo.jsonData || {};
  const logs = j.tracesToLogsV2 && byUid.get(j.tracesToLogsV2.datasourceUid);
  const metrics = j.tracesToMetrics && byUid.get(j.tracesToMetrics.datasourceUid);
  const profiles = j.tracesToProfiles && byUid.get(j.tracesToProfiles.datasourceUid);
  const correlations = (tempo.correlations || []).map((c) => ({
    ...c,
    target: byUid.get(c.targetUID),
  }));
  const lokiLabel = (t) => (t.value || t.key).replace(/\./g, "_");

  // The matched tags rendered `label="value"`, in the span's attribute order (resource, then span).
  const formatTags = (span, tags, label) => {
    const out = [];
    const visit = (kv) => {
      for (const t of tags) if (t.key === kv.key) out.push(`${label(t)}="${kv.value}"`);
    };
    span.process.tags.forEach(visit);
    span.tags.forEach(visit);
    for (const [key, value] of [
      ["spanId", span.spanID],
      ["traceId", span.traceID],
      ["name", span.operationName],
      ["duration", span.duration],
    ]) {
      visit({ key, value });
    }
    return out.join(", ");
  };
  // Are all variables of these templates defined? (Grafana's getVariableUsageInfo.)
  const allDefined = (texts, scopedVars) => {
    const interpolations = [];
    g.interpolate(texts.join(""), scopedVars, undefined, interpolations);
    const seen = new Set();
    for (const i of interpolations) {
      if (seen.has(i.variableName) || BUILT_INS.has(i.variableName)) continue;
      seen.add(i.variableName);
      // A field path that resolves to nothing is not found (core TemplateSrv; scenes says found).
      if (
        !i.found ||
        (i.fieldPath && g.lodashGet(scopedVars[i.variableName]?.value, i.fieldPath) == null)
      )
        return false;
    }
    return true;
  };
  const strings = (obj, out = []) => {
    for (const v of Object.values(obj)) {
      if (typeof v === "string") out.push(v);
      else if (v && typeof v === "object") strings(v, out);
    }
    return out;
  };
  const interpolateObject = (obj, scopedVars) => {
    if (typeof obj === "string") return g.interpolate(obj, scopedVars);
    if (Array.isArray(obj)) return obj.map((v) => interpolateObject(v, scopedVars));
    if (obj && typeof obj === "object") {
      const out = {};
      for (const [k, v] of Object.entries(obj)) out[k] = interpolateObject(v, scopedVars);
      return out;
    }
    return obj;
  };
  const ms = (span, shiftStart, shiftEnd) => [
    Math.floor(span.startTime / 1000 + shiftStart),
    Math.floor((span.startTime + span.duration) / 1000 + shiftEnd),
  ];

  // One internal link: its href and the link model the trace view keeps.
  const internal = (type, title, ds, query, scopedVars, range, panelsState) => {
    if (mode === "explore") {
      const link = {
        title,
        url: "",
        internal: { datasourceUid: ds.uid, datasourceName: ds.name, query, panelsState },
      };
      const r = range && { from: g.dateTime(range[0]), to: g.dateTime(range[1]) };
      const model = g.mapInternalLinkToExplore({
        link,
        internalLink: link.internal,
        scopedVars,
        field: {},
        replaceVariables: g.replaceVariables,
        range: r && { ...r, raw: r },
      });
      return { type, title: model.title, href: model.href, target: model.target };
    }
    const q = interpolateObject(query, scopedVars);
    if (!q.datasource?.uid) q.datasource = { ...q.datasource, uid: ds.uid };
    const state = {
      ...(range ? { range: { from: String(range[0]), to: String(range[1]) } } : {}),
      datasource: ds.uid,
      queries: [q],
      panelsState,
    };
    return {
      type,
      title: g.interpolate(title, scopedVars),
      href: "/explore?left=" + encodeURIComponent(JSON.stringify(state)),
      target: "_self",
    };
  };

  /** The links of one span, in the trace view's order. */
  return function spanLinks(trace, span) {
    const tags = {};
    for (const t of span.process.tags) tags[t.key] = t.value;
    for (const t of span.tags) tags[t.key] = t.value;
    const base = {
      __span: {
        text: "Span",
        value: {
          spanId: span.spanID,
          traceId: span.traceID,
          duration: span.duration,
          name: span.operationName,
          tags,
        },
      },
      __trace: {
        text: "Trace",
        value: { duration: trace.duration, name: trace.name, traceId: trace.traceID },
      },
    };
    const out = [];
    if (logs && logs.type === "loki") {
      const o = j.tracesToLogsV2;
      const tagText = formatTags(span, o.tags, lokiLabel);
      if (tagText) {
        let expr = "{${__tags}}";
        if (o.filterByTraceID)
          expr +=
            ' | label_format log_line_contains_trace_id=`{{ contains "${__span.traceId}" __line__  }}` | log_line_contains_trace_id="true" or trace_id="${__span.traceId}"';
        if (o.filterBySpanID)
          expr +=
            ' | label_format log_line_contains_span_id=`{{ contains "${__span.spanId}" __line__  }}` | log_line_contains_span_id="true" or span_id="${__span.spanId}"';
        const scopedVars = { ...base, __tags: { text: "Tags", value: tagText } };
        if (allDefined([expr], scopedVars)) {
          const range = ms(
            span,
            g.data.rangeUtil.intervalToMs(o.spanStartTimeShift || "0s"),
            g.data.rangeUtil.intervalToMs(o.spanEndTimeShift || "0s"),
          );
          if (range[0] >= range[1]) range[1] = range[0] + 1;
          out.push(internal("logs", "Related logs", logs, { expr, refId: "" }, scopedVars, range));
        }
      }
    }
    if (metrics && j.tracesToMetrics.queries) {
      const o = j.tracesToMetrics;
      const scopedVars = {
        ...base,
        __tags: { text: "Tags", value: formatTags(span, o.tags, (t) => t.value || t.key) },
      };
      const range = ms(
        span,
        g.data.rangeUtil.intervalToMs(o.spanStartTimeShift || "-2m"),
        g.data.rangeUtil.intervalToMs(o.spanEndTimeShift || "2m"),
      );
      if (range[0] >= range[1]) range[1] = range[0] + 1;
      for (const q of o.queries)
        out.push(
          internal("metrics", q.name, metrics, { expr: q.query, refId: "A" }, scopedVars, range),
        );
    }
    const focus = (ref, title) =>
      internal("traces", title, tempo, { query: ref.traceID }, {}, undefined, {
        trace: { spanId: ref.spanID },
      });
    for (const r of span.references) {
      if (r.refType === "CHILD_OF") continue;
      out.push(
        focus(r, r.refType !== "EXTERNAL" && r.span ? r.span.operationName : "View linked span"),
      );
    }
    for (const r of span.subsidiarilyReferencedBy) {
      out.push(
        focus(r, r.refType !== "EXTERNAL" && r.span ? r.span.operationName : "View linked span"),
      );
    }
    // Data-frame links: Tempo's profile link on `tags`, then the correlations, all with the span's
    // row; when the profile rule applies (pyroscope + a profile id) every one is a ±60 s profiles link.
    const profileRule = Boolean(profiles) && tags["pyroscope.profile.id"] !== undefined;
    const frameRange = () => {
      const r = ms(span, 0, 0);
      if (profileRule) {
        r[0] -= 60000;
        r[1] += 60000;
      } else if (r[0] >= r[1]) r[1] = r[0] + 1;
      return r;
    };
    const frameType = profileRule ? "profiles" : "unknown";
    const profileTags = profiles
      ? formatTags(span, j.tracesToProfiles.tags, (t) => t.value || t.key)
      : undefined;
    // Links sit on the frame's fields, evaluated in field order: Tempo's profile link is on `tags`,
    // each correlation on its field after the data source's own links.
    const frame = [];
    if (profiles) {
      const o = j.tracesToProfiles;
      const query = {
        labelSelector: o.customQuery && o.query ? o.query : "{${__tags}}",
        groupBy: [],
        profileTypeId: o.profileTypeId ?? "",
        queryType: "profile",
        spanSelector: ['${__span.tags["pyroscope.profile.id"]}'],
        refId: "profile",
      };
      frame.push([
        FIELDS.indexOf("tags"),
        () => {
          const scopedVars = { ...base, __tags: { text: "Tags", value: profileTags } };
          if (allDefined(strings(query), scopedVars))
            out.push(
              internal(frameType, "Related profiles", profiles, query, scopedVars, frameRange()),
            );
        },
      ]);
    }
    for (const c of correlations) {
      frame.push([
        FIELDS.indexOf(c.config.field),
        () => {
          const field = frameField(span, c.config.field);
          const scopedVars = {
            ...base,
            __value: { value: { raw: field } },
            ...(profiles ? { __tags: { text: "Tags", value: profileTags } } : {}),
          };
          for (const t of c.config.transformations || [])
            applyTransformation(t, field, c.config.field, scopedVars);
          const query = { ...c.config.target, datasource: { uid: c.target.uid } };
          if (allDefined(strings(query), scopedVars))
            out.push(
              internal(
                frameType,
                c.label || c.target.name,
                c.target,
                query,
                scopedVars,
                frameRange(),
              ),
            );
        },
      ]);
    }
    frame.sort((a, b) => a[0] - b[0]); // stable: same field keeps config order
    for (const [, add] of frame) add();
    return out;
  };
}

// The fields of Grafana's trace data frame, in order.
const FIELDS = [
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
];

// A trace-frame field of a span's row (the fields correlations read).
function frameField(span, name) {
  switch (name) {
    case "traceID":
      return span.traceID;
    case "spanID":
      return span.spanID;
    case "operationName":
      return span.operationName;
    case "serviceName":
      return span.process.serviceName;
    // Tempo's backend writes attribute objects value first.
    case "serviceTags":
      return span.process.tags.map(({ key, value }) => ({ value, key }));
    case "tags":
      return span.tags.map(({ key, value }) => ({ value, key }));
    default:
      return undefined;
  }
}

// Grafana's correlation transformations (regex; logfmt is not in the benchmark's rule sets).
function applyTransformation(t, value, fieldName, scopedVars) {
  if (t.type !== "regex") throw new Error(`the contender has no ${t.type} transformation`);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const re = new RegExp(t.expression, "gi");
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m.groups) for (const [k, v] of Object.entries(m.groups)) scopedVars[k] = { value: v };
    else scopedVars[t.mapValue || fieldName] = { value: m[1] || m[0] };
    if (m[0] === "") re.lastIndex++;
  }
}
